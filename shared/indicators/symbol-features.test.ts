import { describe, expect, it } from "vitest";
import { defaultConfig } from "../config/config";
import type { Bar } from "../market/bar";
import { BarAggregator } from "../market/bar-aggregator";
import type { TradeTick } from "../market/events";
import { Macd } from "./macd";
import { OrderFlow } from "./order-flow";
import { RollingVwap } from "./rolling-vwap";
import { Rsi } from "./rsi";
import { SymbolFeatures } from "./symbol-features";
import { lcg } from "../research/prng";

const T0 = 1_700_000_000_000;
const settings = defaultConfig().indicators;

/** A seeded stream of trades with gaps of 0–2.5 s (so some seconds are silent). */
function trades(count: number, seed = 5): TradeTick[] {
  const rand = lcg(seed);
  let ts = T0;
  let price = 100;
  return Array.from({ length: count }, () => {
    ts += Math.floor(rand() * rand() * 2500);
    price = Math.max(1, price * (1 + (rand() - 0.5) * 0.002));
    return { ts, price: +price.toFixed(2), size: +(0.01 + rand()).toFixed(3), side: rand() < 0.5 ? "buy" : "sell" };
  });
}

describe("SymbolFeatures", () => {
  it("keeps 1-second indicators equal to a batch over closed seconds plus the forming one", () => {
    const stream = trades(3000);
    const features = new SymbolFeatures("BTCUSDT", settings);
    const closes: number[] = [];
    const agg = new BarAggregator({ timeframes: ["1s"], onBar: (_tf, bar: Bar) => closes.push(bar.close) });
    for (const t of stream) {
      features.onTrade(t);
      agg.addTrade(t);
    }
    const series = [...closes, (agg.forming("1s") as Bar).close];
    const rsi = new Rsi(15);
    const macd = new Macd(3, 7, 2);
    let r: number | null = null;
    let m = null;
    for (const c of series) {
      r = rsi.add(c);
      m = macd.add(c);
    }
    const snap = features.snapshot();
    expect(snap.rsi.find((x) => x.period === 15)?.value).toBe(r);
    expect(snap.macd).toEqual(m);
    expect(series.length).toBeGreaterThan(stream.length / 3);
  });

  it("feeds silent seconds as flat bars, so a 1-second RSI keeps its time meaning", () => {
    const f = new SymbolFeatures("BTCUSDT", settings);
    f.onTrade({ ts: T0, price: 100, size: 1, side: "buy" });
    f.onTrade({ ts: T0 + 1000, price: 101, size: 1, side: "buy" });
    f.onTrade({ ts: T0 + 2000, price: 102, size: 1, side: "buy" });
    expect(f.snapshot().rsi.find((x) => x.period === 2)?.value).toBe(100);
    f.onTrade({ ts: T0 + 9000, price: 102, size: 1, side: "buy" });
    // Seconds 3–8 were silent: six flat bars at 102 enter the series before the trade at second 9.
    const rsi2 = new Rsi(2);
    [100, 101, 102, 102, 102, 102, 102, 102, 102, 102].forEach((c) => rsi2.add(c));
    expect(f.snapshot().rsi.find((x) => x.period === 2)?.value).toBe(rsi2.result);
  });

  it("drops a trade older than the open second and counts it", () => {
    const f = new SymbolFeatures("BTCUSDT", settings);
    f.onTrade({ ts: T0 + 5000, price: 100, size: 1, side: "buy" });
    expect(f.onTrade({ ts: T0 + 3000, price: 100, size: 1, side: "buy" })).toBe(false);
    expect(f.snapshot().lateTradesDropped).toBe(1);
  });

  it("reports book mid, spread and imbalance over the configured levels", () => {
    const f = new SymbolFeatures("BTCUSDT", settings);
    f.onBookLevels({
      kind: "bookLevels",
      symbol: "BTCUSDT",
      ts: T0,
      seq: "1",
      bids: [
        [99.99, 3],
        [99.98, 1],
      ],
      asks: [
        [100.01, 1],
        [100.02, 0],
      ],
    });
    expect(f.snapshot().book).toMatchObject({ bestBid: 99.99, bestAsk: 100.01, mid: 100, imbalance: 0.6 });
    expect(f.snapshot().book.spreadBps).toBeCloseTo(2, 9);
  });

  it("measures the volume ratio as recent volume over the baseline per window", () => {
    const f = new SymbolFeatures("BTCUSDT", { ...settings, volumeRecentMs: 2000, volumeBaselineMs: 10_000 });
    for (let i = 0; i < 8; i++) f.onTrade({ ts: T0 + i * 1000, price: 100, size: 1, side: "buy" });
    f.onTrade({ ts: T0 + 8000, price: 100, size: 5, side: "buy" });
    f.onTrade({ ts: T0 + 9000, price: 100, size: 5, side: "buy" });
    const v = f.snapshot().volume;
    expect(v.recent).toBe(10);
    expect(v.baselineSeconds).toBe(10);
    expect(v.baselinePerWindow).toBeCloseTo((18 / 10) * 2, 12);
    expect(v.ratio).toBeCloseTo(10 / 3.6, 12);
  });

  it("restores from JSON state and continues with identical snapshots", () => {
    const stream = trades(4000, 9);
    const a = new SymbolFeatures("ETHUSDT", settings);
    stream.slice(0, 2000).forEach((t) => a.onTrade(t));
    const b = SymbolFeatures.restore(JSON.parse(JSON.stringify(a.getState())));
    expect(b.snapshot()).toEqual(a.snapshot());
    for (const t of stream.slice(2000)) {
      a.onTrade(t);
      b.onTrade(t);
    }
    expect(b.snapshot()).toEqual(a.snapshot());
    expect(a.snapshot().priceAction).not.toBeNull();
    expect(a.snapshot().trend.find((x) => x.timeframe === "1m")?.value).not.toBeNull();
  });

  it("reports VWAP and order flow per configured window, as indicators over each window alone", () => {
    const custom = { ...settings, vwapWindowsMs: [60_000, 5000], orderFlowWindowsMs: [30_000, 2000, 30_000] };
    const f = new SymbolFeatures("BTCUSDT", custom);
    expect(f.snapshot().vwap).toEqual([
      { windowMs: 60_000, value: null },
      { windowMs: 5000, value: null },
    ]);
    const vwaps = custom.vwapWindowsMs.map((w) => new RollingVwap({ windowsMs: [w], bandsPct: custom.vwapBandsPct }));
    const flows = custom.orderFlowWindowsMs.map(
      (w) => new OrderFlow({ windowsMs: [w], largeMultiple: custom.largeTradeMultiple }),
    );
    for (const t of trades(1500, 21)) {
      f.onTrade(t);
      vwaps.forEach((v) => v.add(t));
      flows.forEach((o) => o.add(t));
    }
    const snap = f.snapshot();
    expect(snap.vwap).toEqual(custom.vwapWindowsMs.map((windowMs, i) => ({ windowMs, value: vwaps[i].result?.[0] })));
    expect(snap.orderFlow).toEqual(
      custom.orderFlowWindowsMs.map((windowMs, i) => ({ windowMs, value: flows[i].result?.[0] })),
    );
  });

  it("yields only finite numbers in the snapshot", () => {
    const f = new SymbolFeatures("BTCUSDT", settings);
    trades(3000, 3).forEach((t) => f.onTrade(t));
    const walk = (v: unknown): void => {
      if (typeof v === "number") expect(Number.isFinite(v)).toBe(true);
      else if (v && typeof v === "object") Object.values(v).forEach(walk);
    };
    walk(f.snapshot());
  });
});

describe("SymbolFeatures after a long silence", () => {
  it("starts over instead of filling weeks of flat seconds, keeping the late-trade tally", () => {
    const f = new SymbolFeatures("BTCUSDT", settings);
    trades(500, 4).forEach((t) => f.onTrade(t));
    f.onTrade({ ts: T0 - 10_000_000, price: 1, size: 1, side: "buy" });
    expect(f.snapshot().lateTradesDropped).toBe(1);
    const weeksLater = T0 + 21 * 86_400_000;
    const fresh = new SymbolFeatures("BTCUSDT", settings);
    const after = trades(300, 6).map((t) => ({ ...t, ts: t.ts - T0 + weeksLater }));
    after.forEach((t) => {
      f.onTrade(t);
      fresh.onTrade(t);
    });
    const a = f.snapshot();
    const b = fresh.snapshot();
    expect(a.gapResets).toBe(1);
    expect(a.lateTradesDropped).toBe(1);
    expect({ ...a, gapResets: 0, lateTradesDropped: 0, book: null }).toEqual({
      ...b,
      gapResets: 0,
      lateTradesDropped: 0,
      book: null,
    });
  });

  it("fills a silence shorter than maxGapMs with flat bars", () => {
    const f = new SymbolFeatures("BTCUSDT", settings);
    f.onTrade({ ts: T0, price: 100, size: 1, side: "buy" });
    f.onTrade({ ts: T0 + settings.maxGapMs, price: 100, size: 1, side: "buy" });
    expect(f.snapshot().gapResets).toBe(0);
  });
});
