import { describe, expect, it } from "vitest";
import type { Side, TradeTick } from "../market/events";
import { OrderFlow } from "./order-flow";
import { testIndicatorContract } from "./testing/indicator-contract";
import { flatTrades, tradeWalk } from "./testing/trade-walk";

/** {@link tradeWalk} with one trade in ten 3–8 times the usual size (up to `sizeScale`), so some are large. */
function tradeSequence(n: number, seed: number, start = 100, sizeScale = 5, longGapMs = 0): TradeTick[] {
  return tradeWalk(n, seed, {
    start,
    longGapMs,
    size: (rand) => sizeScale * (rand() < 0.1 ? 3 + rand() * 5 : 0.001 + rand()),
  });
}

const t = (ts: number, size: number, side: Side = "buy"): TradeTick => ({ ts, price: 100, size, side });

/** Brute force over the whole-bucket window of trade `i`, with each trade's large flag set on arrival. */
function bruteForce(trades: readonly TradeTick[], windowMs: number, multiple: number) {
  let newest = -Infinity;
  const clamped = trades.map((x) => (newest = Math.max(newest, x.ts)));
  const inWindow = (j: number, i: number) =>
    Math.floor(clamped[j] / 1000) > Math.floor(clamped[i] / 1000) - windowMs / 1000;
  const large = trades.map((x, i) => {
    const prior = trades.slice(0, i).filter((_, j) => inWindow(j, i));
    const avg = prior.reduce((a, p) => a + p.size, 0) / prior.length;
    return prior.length > 0 && x.size > multiple * avg;
  });
  return trades.map((_, i) => {
    let buy = 0;
    let sell = 0;
    let largeTrades = 0;
    let largeDelta = 0;
    let count = 0;
    for (let j = 0; j <= i; j++) {
      if (!inWindow(j, i)) continue;
      const signed = trades[j].side === "buy" ? trades[j].size : -trades[j].size;
      if (trades[j].side === "buy") buy += trades[j].size;
      else sell += trades[j].size;
      count++;
      if (large[j]) largeTrades++;
      if (large[j]) largeDelta += signed;
    }
    return { buy, sell, count, largeTrades, largeDelta };
  });
}

testIndicatorContract({
  name: "OrderFlow(10s)",
  create: () => new OrderFlow({ windowsMs: [10_000] }),
  restore: OrderFlow.restore,
  inputs: tradeSequence(200, 4, 100, 5, 12_000),
  divergentInput: { ts: 1_800_000_000_000, price: 123.456, size: 420, side: "sell" },
  warmup: 1,
  flatInputs: flatTrades(60),
  tinyInputs: tradeSequence(200, 5, 1e-8, 1e6),
});

testIndicatorContract({
  name: "OrderFlow(10s, 3s, 30s)",
  create: () => new OrderFlow({ windowsMs: [10_000, 3000, 30_000] }),
  restore: OrderFlow.restore,
  inputs: tradeSequence(200, 7, 100, 5, 12_000),
  divergentInput: { ts: 1_800_000_000_000, price: 123.456, size: 420, side: "sell" },
  warmup: 1,
  flatInputs: flatTrades(60),
  tinyInputs: tradeSequence(200, 8, 1e-8, 1e6),
});

describe("OrderFlow", () => {
  it("gives the same results from push as from update, and refuses to revise a pushed trade", () => {
    const a = new OrderFlow({ windowsMs: [5000, 20_000] });
    const b = new OrderFlow({ windowsMs: [5000, 20_000] });
    for (const trade of tradeSequence(2000, 6, 100, 5, 60_000)) {
      a.update(trade);
      b.push(trade);
      expect(b.result).toEqual(a.result);
    }
    expect(() => b.revise(t(Number.MAX_SAFE_INTEGER, 1))).toThrow(/undo/);
  });

  it("matches brute-force delta, buy ratio and large trades over the same window", () => {
    const trades = tradeSequence(1200, 6, 100, 2, 25_000);
    const flow = new OrderFlow({ windowsMs: [20_000], largeMultiple: 2 });
    const expected = bruteForce(trades, 20_000, 2);
    let large = 0;
    trades.forEach((trade, i) => {
      const r = flow.add(trade)[0];
      const e = expected[i];
      const volume = e.buy + e.sell;
      expect(r.trades).toBe(e.count);
      expect(Math.abs(r.volume - volume)).toBeLessThanOrEqual(1e-9 * volume);
      expect(Math.abs(r.delta - (e.buy - e.sell))).toBeLessThanOrEqual(1e-9 * volume);
      expect(Math.abs(r.buyRatio - e.buy / volume)).toBeLessThanOrEqual(1e-9);
      expect(Math.abs(r.deltaRatio - (e.buy - e.sell) / volume)).toBeLessThanOrEqual(1e-9);
      expect(r.largeTrades).toBe(e.largeTrades);
      expect(Math.abs(r.largeDelta - e.largeDelta)).toBeLessThanOrEqual(1e-9 * volume);
      large = Math.max(large, r.largeTrades);
    });
    expect(large).toBeGreaterThan(2);
  });

  it("matches brute force in every window of one instance, large flags included", () => {
    const trades = tradeSequence(800, 9, 100, 2, 25_000);
    const windows = [20_000, 5000];
    const flow = new OrderFlow({ windowsMs: windows, largeMultiple: 2 });
    const expected = windows.map((w) => bruteForce(trades, w, 2));
    const mostLarge = [0, 0];
    trades.forEach((trade, i) => {
      flow.add(trade).forEach((r, w) => {
        const e = expected[w][i];
        mostLarge[w] = Math.max(mostLarge[w], r.largeTrades);
        const volume = e.buy + e.sell;
        expect(r.trades).toBe(e.count);
        expect(Math.abs(r.delta - (e.buy - e.sell))).toBeLessThanOrEqual(1e-9 * volume);
        expect(r.largeTrades).toBe(e.largeTrades);
        expect(Math.abs(r.largeDelta - e.largeDelta)).toBeLessThanOrEqual(1e-9 * volume);
      });
    });
    expect(Math.min(...mostLarge)).toBeGreaterThan(1);
  });

  it("decides whether a trade is large against each window's own average", () => {
    const flow = new OrderFlow({ windowsMs: [2000, 60_000] });
    [10, 10, 10].forEach((size, i) => flow.add(t(i * 100, size)));
    flow.add(t(10_000, 1));
    const [short, long] = flow.add(t(10_500, 3, "sell"));
    expect(short).toMatchObject({ trades: 2, largeTrades: 1, largeDelta: -3 });
    expect(long).toMatchObject({ trades: 5, largeTrades: 0, largeDelta: 0 });
  });

  it("gives each window exactly what an order flow over that window alone gives, through replaces", () => {
    const trades = tradeSequence(1500, 14, 100, 5, 20_000);
    const windows = [10_000, 3000, 60_000, 3000];
    const shared = new OrderFlow({ windowsMs: windows, largeMultiple: 1.5 });
    const own = windows.map((w) => new OrderFlow({ windowsMs: [w], largeMultiple: 1.5 }));
    trades.forEach((trade, i) => {
      if (i % 4 === 0) {
        const revised = { ...trade, ts: trade.ts + 100_000, size: trade.size * 50 };
        shared.add(revised);
        own.forEach((f) => f.add(revised));
      }
      const results = i % 4 === 0 ? shared.replace(trade) : shared.add(trade);
      own.forEach((f, w) => {
        expect(results[w]).toEqual((i % 4 === 0 ? f.replace(trade) : f.add(trade))[0]);
        expect(shared.isWindowStable(w)).toBe(f.isStable);
      });
    });
  });

  it("computes results only when read, and the same ones as add", () => {
    const trades = tradeSequence(100, 15);
    const lazy = new OrderFlow({ windowsMs: [10_000, 60_000] });
    const eager = new OrderFlow({ windowsMs: [10_000, 60_000] });
    trades.forEach((trade, i) => {
      if (i % 2 === 0) lazy.update(trade);
      else {
        lazy.update({ ...trade, size: 1e6 });
        lazy.revise(trade);
      }
      expect(lazy.result).toEqual(eager.add(trade));
    });
  });

  it("hands out the same results until the next trade and never changes them afterwards", () => {
    const flow = new OrderFlow({ windowsMs: [10_000, 60_000] });
    const first = flow.add(t(0, 1));
    expect(flow.result).toBe(first);
    const copy = JSON.parse(JSON.stringify(first));
    flow.add(t(1000, 5, "sell"));
    flow.replace(t(1000, 2));
    expect(first).toEqual(copy);
    expect(flow.result).not.toBe(first);
  });

  it("counts a trade three times the average as large", () => {
    const flow = new OrderFlow({ windowsMs: [60_000] });
    [1, 1, 1, 1].forEach((size, i) => flow.add(t(i * 1000, size)));
    const [r] = flow.add(t(5000, 3, "sell"));
    expect(r.largeTrades).toBe(1);
    expect(r.largeDelta).toBe(-3);
  });

  it("does not count a trade 1.5 times or exactly twice the average as large", () => {
    const flow = new OrderFlow({ windowsMs: [60_000] });
    [1, 1, 1, 1].forEach((size, i) => flow.add(t(i * 1000, size)));
    expect(flow.add(t(5000, 1.5))[0].largeTrades).toBe(0);
    const twice = new OrderFlow({ windowsMs: [60_000] });
    [1, 1, 1, 1].forEach((size, i) => twice.add(t(i * 1000, size)));
    expect(twice.add(t(5000, 2))[0].largeTrades).toBe(0);
  });

  it("leaves the trade itself out of the average it is compared with", () => {
    const flow = new OrderFlow({ windowsMs: [60_000] });
    flow.add(t(0, 1));
    expect(flow.add(t(1000, 2.5))[0].largeTrades).toBe(1);
  });

  it("never counts the first trade of an empty window as large", () => {
    const flow = new OrderFlow({ windowsMs: [5000] });
    expect(flow.add(t(0, 1000))[0].largeTrades).toBe(0);
    flow.add(t(1000, 1));
    expect(flow.add(t(100_000, 1000))[0].largeTrades).toBe(0);
  });

  it("drops a large trade's flag when its bucket leaves the window", () => {
    const flow = new OrderFlow({ windowsMs: [3000] });
    flow.add(t(0, 1));
    expect(flow.add(t(1000, 5))[0].largeTrades).toBe(1);
    expect(flow.add(t(3500, 1))[0].largeTrades).toBe(1);
    const [r] = flow.add(t(4000, 1));
    expect(r.largeTrades).toBe(0);
    expect(r.largeDelta).toBe(0);
  });

  it("reports delta and ratios from taker sides", () => {
    const flow = new OrderFlow({ windowsMs: [60_000] });
    flow.add(t(0, 3, "buy"));
    const [r] = flow.add(t(10, 1, "sell"));
    expect(r).toMatchObject({ delta: 2, deltaRatio: 0.5, buyRatio: 0.75, volume: 4, trades: 2 });
  });

  it("reports neutral ratios when the window has no volume", () => {
    const flow = new OrderFlow({ windowsMs: [5000] });
    const [r] = flow.add(t(0, 0, "sell"));
    expect(r).toEqual({ delta: 0, deltaRatio: 0, buyRatio: 0.5, volume: 0, trades: 1, largeTrades: 0, largeDelta: 0 });
  });

  it("keeps deltaRatio in [-1, 1] and buyRatio in [0, 1] after heavy one-sided expiry", () => {
    const flow = new OrderFlow({ windowsMs: [5000] });
    for (let i = 0; i < 2000; i++) {
      const [r] = flow.add(
        t(i * 400, i % 50 < 25 ? 1e9 * (1 + (i % 7) / 10) : 1e-3 * (1 + (i % 3)), i % 50 < 25 ? "buy" : "sell"),
      );
      expect(Math.abs(r.deltaRatio)).toBeLessThanOrEqual(1);
      expect(r.buyRatio).toBeGreaterThanOrEqual(0);
      expect(r.buyRatio).toBeLessThanOrEqual(1);
    }
  });

  it("replaces the last trade exactly, including its large flag", () => {
    const trades = tradeSequence(300, 12, 100, 5, 15_000);
    const direct = new OrderFlow({ windowsMs: [10_000] });
    const revised = new OrderFlow({ windowsMs: [10_000] });
    trades.forEach((trade, i) => {
      revised.add({ ...trade, ts: trade.ts + (i % 2 === 0 ? 1e9 : -1e9), size: trade.size * 50 });
      expect(revised.replace(trade)).toEqual(direct.add(trade));
      expect(JSON.stringify(revised.getState())).toBe(JSON.stringify(direct.getState()));
    });
  });

  it("becomes stable once the trades span the window", () => {
    const flow = new OrderFlow({ windowsMs: [10_000] });
    flow.add(t(1000, 1));
    flow.add(t(9999, 1));
    expect(flow.isStable).toBe(false);
    flow.add(t(10_000, 1));
    expect(flow.isStable).toBe(true);
  });

  it("refuses a non-positive large multiple", () => {
    expect(() => new OrderFlow({ windowsMs: [1000], largeMultiple: 0 })).toThrow(/largeMultiple/);
  });
});
