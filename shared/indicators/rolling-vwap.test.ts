import { describe, expect, it } from "vitest";
import type { TradeTick } from "../market/events";
import { RollingVwap } from "./rolling-vwap";
import { testIndicatorContract } from "./testing/indicator-contract";
import { flatTrades, tradeWalk } from "./testing/trade-walk";

/** {@link tradeWalk} with sizes uniform up to `sizeScale`. */
function tradeSequence(n: number, seed: number, start = 100, sizeScale = 5, longGapMs = 0): TradeTick[] {
  return tradeWalk(n, seed, { start, longGapMs, size: (rand) => sizeScale * (0.001 + rand()) });
}

const t = (ts: number, price: number, size = 1): TradeTick => ({ ts, price, size, side: "buy" });

testIndicatorContract({
  name: "RollingVwap(10s)",
  create: () => new RollingVwap({ windowsMs: [10_000] }),
  restore: RollingVwap.restore,
  inputs: tradeSequence(200, 1, 100, 5, 12_000),
  divergentInput: { ts: 1_800_000_000_000, price: 123.456, size: 42, side: "sell" },
  warmup: 1,
  flatInputs: flatTrades(60),
  tinyInputs: tradeSequence(200, 2, 1e-8, 1e6),
});

testIndicatorContract({
  name: "RollingVwap(10s, 3s, 30s)",
  create: () => new RollingVwap({ windowsMs: [10_000, 3000, 30_000] }),
  restore: RollingVwap.restore,
  inputs: tradeSequence(200, 6, 100, 5, 12_000),
  divergentInput: { ts: 1_800_000_000_000, price: 123.456, size: 42, side: "sell" },
  warmup: 1,
  flatInputs: flatTrades(60),
  tinyInputs: tradeSequence(200, 7, 1e-8, 1e6),
});

describe("RollingVwap", () => {
  it("gives the same results from push as from update, and refuses to revise a pushed trade", () => {
    const a = new RollingVwap({ windowsMs: [10_000, 3000, 30_000] });
    const b = new RollingVwap({ windowsMs: [10_000, 3000, 30_000] });
    for (const trade of tradeSequence(2000, 4, 100, 5, 60_000)) {
      a.update(trade);
      b.push(trade);
      expect(b.result).toEqual(a.result);
    }
    expect(() => b.revise(t(Number.MAX_SAFE_INTEGER, 1))).toThrow(/undo/);
  });

  it("equals a brute-force VWAP over the same whole-bucket window, across long gaps", () => {
    const trades = tradeSequence(2000, 3, 65_000, 5, 40_000);
    const vwap = new RollingVwap({ windowsMs: [30_000], bucketMs: 1000 });
    let newest = -Infinity;
    const clamped = trades.map((x) => (newest = Math.max(newest, x.ts)));
    trades.forEach((trade, i) => {
      const r = vwap.add(trade)[0];
      const oldest = Math.floor(clamped[i] / 1000) - 29;
      let pv = 0;
      let v = 0;
      for (let j = 0; j <= i; j++) {
        if (Math.floor(clamped[j] / 1000) < oldest) continue;
        pv += trades[j].price * trades[j].size;
        v += trades[j].size;
      }
      expect(Math.abs(r.vwap - pv / v)).toBeLessThanOrEqual(1e-9 * (pv / v));
      expect(Math.abs(r.volume - v)).toBeLessThanOrEqual(1e-9 * v);
    });
  });

  it("flags the +0.5 % band at exactly +0.5 % and not the 1 % band", () => {
    const vwap = new RollingVwap({ windowsMs: [60_000] });
    vwap.add(t(0, 199));
    const [r] = vwap.add(t(1000, 201));
    expect(r.vwap).toBe(200);
    expect(r.deviationPct).toBe(0.5);
    expect(r.bands).toEqual([
      { pct: 0.5, side: 1 },
      { pct: 1, side: 0 },
      { pct: 2, side: 0 },
    ]);
  });

  it("flags the −0.5 % band at exactly −0.5 %", () => {
    const vwap = new RollingVwap({ windowsMs: [60_000] });
    vwap.add(t(0, 201));
    const [r] = vwap.add(t(1000, 199));
    expect(r.deviationPct).toBe(-0.5);
    expect(r.bands.map((b) => b.side)).toEqual([-1, 0, 0]);
  });

  it("does not flag a deviation just inside the band", () => {
    const vwap = new RollingVwap({ windowsMs: [60_000] });
    vwap.add(t(0, 199));
    const [r] = vwap.add(t(1000, 200.99));
    expect(r.deviationPct).toBeGreaterThan(0.49);
    expect(r.deviationPct).toBeLessThan(0.5);
    expect(r.bands.map((b) => b.side)).toEqual([0, 0, 0]);
  });

  it("flags every band on a move beyond the widest one", () => {
    const vwap = new RollingVwap({ windowsMs: [60_000], bandsPct: [0.5, 1, 2] });
    vwap.add(t(0, 100, 100));
    expect(vwap.add(t(1000, 103, 1))[0].bands.map((b) => b.side)).toEqual([1, 1, 1]);
  });

  it("forgets trades whose bucket left the window", () => {
    const vwap = new RollingVwap({ windowsMs: [3000] });
    vwap.add(t(0, 10));
    vwap.add(t(2999, 20));
    expect(vwap.add(t(3000, 30))[0].vwap).toBe(25);
  });

  it("treats a late trade as happening at the newest timestamp", () => {
    const vwap = new RollingVwap({ windowsMs: [2000] });
    vwap.add(t(0, 10));
    vwap.add(t(2500, 20));
    const [r] = vwap.add(t(0, 30));
    expect(r.vwap).toBe(25);
    expect(r.deviationPct).toBe(20);
  });

  it("uses the last price as VWAP when the window holds only zero-size trades", () => {
    const vwap = new RollingVwap({ windowsMs: [5000] });
    const [r] = vwap.add(t(0, 50, 0));
    expect(r).toEqual({ vwap: 50, deviationPct: 0, bands: [0.5, 1, 2].map((pct) => ({ pct, side: 0 })), volume: 0 });
  });

  it("becomes stable once the trades span the window", () => {
    const vwap = new RollingVwap({ windowsMs: [10_000] });
    vwap.add(t(1000, 1));
    vwap.add(t(9999, 1));
    expect(vwap.isStable).toBe(false);
    vwap.add(t(10_000, 1));
    expect(vwap.isStable).toBe(true);
  });

  it("replaces the last trade exactly even when the replaced trade had emptied the window", () => {
    const trades = tradeSequence(300, 8, 100, 5, 15_000);
    const direct = new RollingVwap({ windowsMs: [10_000] });
    const revised = new RollingVwap({ windowsMs: [10_000] });
    trades.forEach((trade, i) => {
      revised.add({ ...trade, ts: trade.ts + (i % 2 === 0 ? 1e9 : -1e9), price: trade.price * 3 });
      expect(revised.replace(trade)).toEqual(direct.add(trade));
      expect(JSON.stringify(revised.getState())).toBe(JSON.stringify(direct.getState()));
    });
  });

  it("gives each window exactly what a VWAP over that window alone gives, through replaces", () => {
    const trades = tradeSequence(1500, 10, 100, 5, 20_000);
    const windows = [30_000, 5000, 120_000, 5000];
    const shared = new RollingVwap({ windowsMs: windows, bandsPct: [1, 0.05, 0.2] });
    const own = windows.map((w) => new RollingVwap({ windowsMs: [w], bandsPct: [1, 0.05, 0.2] }));
    trades.forEach((trade, i) => {
      if (i % 4 === 0) {
        const revised = { ...trade, ts: trade.ts + 200_000, price: trade.price * 2 };
        shared.add(revised);
        own.forEach((v) => v.add(revised));
      }
      const results = i % 4 === 0 ? shared.replace(trade) : shared.add(trade);
      own.forEach((v, w) => {
        expect(results[w]).toEqual((i % 4 === 0 ? v.replace(trade) : v.add(trade))[0]);
        expect(shared.isWindowStable(w)).toBe(v.isStable);
      });
    });
  });

  it("reports results in the order of the windows given", () => {
    const vwap = new RollingVwap({ windowsMs: [60_000, 2000] });
    vwap.add(t(0, 10));
    const results = vwap.add(t(5000, 20, 3));
    expect(results.map((r) => r.vwap)).toEqual([17.5, 20]);
    expect(vwap.windowsMs).toEqual([60_000, 2000]);
  });

  it("computes results only when read, and the same ones as add", () => {
    const trades = tradeSequence(100, 11);
    const lazy = new RollingVwap({ windowsMs: [10_000, 60_000] });
    const eager = new RollingVwap({ windowsMs: [10_000, 60_000] });
    trades.forEach((trade, i) => {
      if (i % 2 === 0) lazy.update(trade);
      else {
        lazy.update({ ...trade, price: 1 });
        lazy.revise(trade);
      }
      expect(lazy.result).toEqual(eager.add(trade));
    });
  });

  it("hands out the same results until the next trade and never changes them afterwards", () => {
    const vwap = new RollingVwap({ windowsMs: [10_000, 60_000] });
    const first = vwap.add(t(0, 100));
    expect(vwap.result).toBe(first);
    const copy = JSON.parse(JSON.stringify(first));
    vwap.add(t(1000, 150));
    vwap.replace(t(1000, 90));
    expect(first).toEqual(copy);
    expect(vwap.result).not.toBe(first);
  });

  it("shares one frozen band array between results with the same sides", () => {
    const vwap = new RollingVwap({ windowsMs: [60_000] });
    vwap.add(t(0, 100, 100));
    const [a] = vwap.add(t(1000, 103, 1));
    const [b] = vwap.add(t(2000, 104, 1));
    expect(Object.isFrozen(a.bands) && Object.isFrozen(a.bands[0])).toBe(true);
    expect(b.bands).toBe(a.bands);
  });

  it("flags many bands correctly, beyond the interned band sets", () => {
    const bandsPct = [0.1, 0.2, 0.3, 0.5, 1, 2, 3];
    const vwap = new RollingVwap({ windowsMs: [60_000], bandsPct });
    vwap.add(t(0, 100, 1));
    const [r] = vwap.add(t(1000, 98.5, 1));
    expect(r.deviationPct).toBeLessThan(-0.5);
    expect(r.deviationPct).toBeGreaterThan(-1);
    expect(r.bands).toEqual(bandsPct.map((pct) => ({ pct, side: pct <= -r.deviationPct ? -1 : 0 })));
  });

  it("refuses a non-positive band", () => {
    expect(() => new RollingVwap({ windowsMs: [1000], bandsPct: [0] })).toThrow(/band/);
  });
});
