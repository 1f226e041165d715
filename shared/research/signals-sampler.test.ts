import { describe, expect, it } from "vitest";
import { parseConfig } from "../config/config";
import type { BotConfig } from "../config/schema";
import { SymbolFeatures } from "../indicators/symbol-features";
import type { BookTopEvent, MarketEvent, TradeEvent } from "../market/events";
import { readingsOf } from "../strategy/readings";
import { FAMILIES } from "../strategy/types";
import { SignalSampler } from "./signals-sampler";

const START = Date.UTC(2024, 0, 1);
// The first readings (plan-v1), pinned: the default readings are the setups, tested below on their own.
const parsed = parseConfig({ scoring: { readings: "plan-v1" } });
if (!parsed.ok) throw new Error("plan-v1 config must parse");
const config: BotConfig = parsed.config;

function trade(second: number, price: number, side: "buy" | "sell" = "buy", ms = 500): TradeEvent {
  return {
    kind: "trade",
    symbol: "BTCUSDT",
    ts: START + second * 1000 + ms,
    price,
    size: 0.1,
    side,
    id: `${second}-${ms}`,
  };
}

function book(second: number, bid: number, ask: number, ms = 100): BookTopEvent {
  const ts = START + second * 1000 + ms;
  return {
    kind: "bookTop",
    symbol: "BTCUSDT",
    ts,
    bidPrice: bid,
    bidSize: 1,
    askPrice: ask,
    askSize: 1,
    seq: String(ts),
  };
}

function sample(events: readonly MarketEvent[], warmupMs = 60_000) {
  const s = new SignalSampler(config, "test.jsonl.gz", { warmupMs });
  for (const e of events) s.onEvent(e);
  return s.finish();
}

describe("SignalSampler", () => {
  it("samples each second that saw an event, after the warm-up, with the last trade price at each boundary", () => {
    const events = Array.from({ length: 200 }, (_, s) => trade(s, 100 + s, s % 3 === 0 ? "sell" : "buy"));
    const [series, ...rest] = sample(events);
    expect(rest).toHaveLength(0);
    expect(series.usesMid).toBe(false);
    expect(series.firstSecond).toBe(START / 1000);
    // First trade at 0.5 s: the boundary at 61 s is the first 60 s after it; the last closes second 199.
    expect(series.at[0]).toBe(61);
    expect(series.at[series.at.length - 1]).toBe(200);
    expect(series.at.length).toBe(140);
    for (const k of [61, 100, 200]) expect(series.prices[k]).toBe(100 + k - 1);
    expect(series.gates.samples).toBe(140);
  });

  it("scores with the real feature engine and scoring: the values equal the plan-v1 readings of that boundary", () => {
    const events = Array.from({ length: 120 }, (_, s) => trade(s, 100 + Math.sin(s / 7) * 3, s % 2 ? "buy" : "sell"));
    const [series] = sample(events);
    const j = series.at.indexOf(90);
    const features = new SymbolFeatures("BTCUSDT", config.indicators);
    for (const e of events.slice(0, 90)) features.onTrade(e as TradeEvent);
    const { sub, score } = readingsOf(features.view(), config, config.weights);
    for (const f of FAMILIES) expect(series.values[f][j]).toBe(sub[f]);
    expect(series.values.long[j]).toBe(score.long);
    expect(series.values.short[j]).toBe(score.short);
  });

  it("measures the readings the config selects (scoring.readings: setups)", () => {
    const r = parseConfig({ scoring: { readings: "setups" } });
    if (!r.ok) throw new Error("setups config must parse");
    const events = Array.from({ length: 400 }, (_, s) => trade(s, 100 + Math.sin(s / 11) * 4, s % 3 ? "buy" : "sell"));
    const s = new SignalSampler(r.config, "t", { warmupMs: 60_000 });
    for (const e of events) s.onEvent(e);
    const [series] = s.finish();
    const j = series.at.indexOf(350);
    const features = new SymbolFeatures("BTCUSDT", r.config.indicators);
    for (const e of events.slice(0, 350)) features.onTrade(e as TradeEvent);
    const { sub, score } = readingsOf(features.view(), r.config, r.config.weights);
    for (const f of FAMILIES) expect(series.values[f][j]).toBe(sub[f]);
    expect(series.values.long[j]).toBe(score.long);
    expect(series.values.short[j]).toBe(score.short);
    const [planV1] = sample(events);
    expect([...series.values.long].some((v, i) => v !== planV1.values.long[i])).toBe(true);
  });

  it("carries the price through silent seconds without sampling them", () => {
    const events = [trade(0, 100), trade(70, 101), trade(75, 105), trade(76, 106)];
    const [series] = sample(events);
    expect([...series.at]).toEqual([71, 76, 77]);
    expect(series.prices[72]).toBe(101);
    expect(series.prices[75]).toBe(101);
    expect(series.prices[76]).toBe(105);
  });

  it("uses the book's mid where the stream has a book", () => {
    const events: MarketEvent[] = [];
    for (let s = 0; s < 80; s++) events.push(book(s, 99 + s, 101 + s), trade(s, 100.5 + s));
    const [series] = sample(events);
    expect(series.usesMid).toBe(true);
    expect(series.prices[70]).toBe(100 + 69);
  });

  it("starts a new series after a silence longer than maxGapMs, warming up again", () => {
    const gap = 70 + config.indicators.maxGapMs / 1000 + 10;
    const events = [
      ...Array.from({ length: 70 }, (_, s) => trade(s, 100)),
      ...Array.from({ length: 70 }, (_, s) => trade(gap + s, 200)),
    ];
    const out = sample(events);
    expect(out).toHaveLength(2);
    expect(out[1].firstSecond).toBe(START / 1000 + gap);
    expect(out.map((s) => s.at.length)).toEqual([10, 10]);
    expect(out[1].prices[out[1].at[0]]).toBe(200);
  });

  it("keeps symbols apart", () => {
    const events: MarketEvent[] = [];
    for (let s = 0; s < 70; s++) events.push(trade(s, 100), { ...trade(s, 5, "sell", 700), symbol: "ETHUSDT" });
    const out = sample(events);
    expect(out.map((s) => s.symbol).sort()).toEqual(["BTCUSDT", "ETHUSDT"]);
    expect(out.find((s) => s.symbol === "ETHUSDT")?.prices[69]).toBe(5);
  });
});
