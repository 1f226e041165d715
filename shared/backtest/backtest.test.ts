import { describe, expect, it } from "vitest";
import { defaultConfig } from "../config/config";
import type { BookTopEvent, MarketEvent, TradeEvent } from "../market/events";
import { Backtest } from "./backtest";

const T0 = 1_700_000_000_000;

const trade = (symbol: string, ts: number, price: number): TradeEvent => ({
  kind: "trade",
  symbol,
  ts,
  price,
  size: 0.01,
  side: "buy",
  id: `${symbol}-${ts}`,
});
const top = (symbol: string, ts: number, bid: number): BookTopEvent => ({
  kind: "bookTop",
  symbol,
  ts,
  bidPrice: bid,
  bidSize: 1,
  askPrice: bid + 0.1,
  askSize: 1,
  seq: String(ts),
});

function run(events: MarketEvent[]) {
  const bt = new Backtest({ config: defaultConfig(), configVersion: "v-test", capital: 1000 });
  for (const e of events) bt.onEvent(e);
  return bt.finish();
}

describe("Backtest bookkeeping around the engines", () => {
  const events = [
    top("ETHUSDT", T0 + 50, 49.9),
    trade("BTCUSDT", T0 + 100, 100),
    trade("BTCUSDT", T0 + 900, 101),
    trade("ETHUSDT", T0 + 950, 50),
    trade("BTCUSDT", T0 + 1000, 102),
    top("BTCUSDT", T0 + 1500, 101.9),
    trade("BTCUSDT", T0 + 2500.5, 103),
    trade("BTCUSDT", T0 + 2999.75, 104),
    trade("ETHUSDT", T0 + 3000, 51),
  ];
  const r = run(events);

  it("keeps the last trade price of each second per symbol, symbols in the order they first traded", () => {
    expect(Object.keys(r.prices)).toEqual(["BTCUSDT", "ETHUSDT"]);
    expect(r.prices.BTCUSDT).toEqual([
      { ts: T0 + 100, price: 101 },
      { ts: T0 + 1000, price: 102 },
      { ts: T0 + 2500.5, price: 104 },
    ]);
    expect(r.prices.ETHUSDT).toEqual([
      { ts: T0 + 950, price: 50 },
      { ts: T0 + 3000, price: 51 },
    ]);
  });

  it("samples the equity at the first event of each second of exchange time and once more when settled", () => {
    const settle = T0 + 3000 + defaultConfig().execution.latencyMs + 1;
    expect(r.equityCurve.map((p) => p.ts)).toEqual([T0 + 50, T0 + 1000, T0 + 2500.5, T0 + 3000, settle]);
    expect(r.equityCurve.every((p) => p.equity === 1000)).toBe(true);
  });

  it("creates the engines in the order their symbols first appear and counts every event", () => {
    expect(r.symbols).toEqual(["ETHUSDT", "BTCUSDT"]);
    expect(r.events).toBe(events.length);
    expect([r.firstTs, r.lastTs]).toEqual([T0 + 50, T0 + 3000]);
  });
});
