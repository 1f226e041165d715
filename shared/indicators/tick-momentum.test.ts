import { describe, expect, it } from "vitest";
import type { TradeTick } from "../market/events";
import { randomWalk, testIndicatorContract } from "./testing/indicator-contract";
import { TickMomentum } from "./tick-momentum";
import { flatTrades } from "./testing/trade-walk";
import { lcg } from "../research/prng";

/** Seeded trades: random-walk prices on a tick grid, LCG sizes, sides and gaps of 0–3000 ms. */
function tradeSequence(n: number, seed: number, start = 100, tick = 0.01, sizeScale = 5): TradeTick[] {
  const rand = lcg(seed);
  let ts = 1_700_000_000_000;
  return randomWalk(n, seed, start, 0.0005).map((p) => {
    ts += rand() < 0.2 ? 0 : Math.floor(rand() * 3001);
    const price = Math.round(p / tick) * tick;
    return { ts, price, size: sizeScale * 10 ** (rand() * 3 - 2), side: rand() < 0.5 ? "buy" : "sell" };
  });
}

const prices = (ps: number[], gapMs = 100): TradeTick[] =>
  ps.map((price, i) => ({ ts: i * gapMs, price, size: 1, side: "buy" }));

/** Nearest-rank quantile: the k-th smallest with k = clamp(ceil(q·n), 1, n). */
function exactQuantile(values: readonly number[], q: number): number {
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length))) - 1];
}

testIndicatorContract({
  name: "TickMomentum(20, 10s, 64)",
  create: () => new TickMomentum({ tickWindow: 20, rateWindowMs: 10_000, sizeWindow: 64 }),
  restore: TickMomentum.restore,
  inputs: tradeSequence(200, 1),
  divergentInput: { ts: 1_800_000_000_000, price: 123.456, size: 4e4, side: "sell" },
  warmup: 1,
  flatInputs: flatTrades(60),
  tinyInputs: tradeSequence(200, 2, 1e-8, 1e-12, 1e6),
});

describe("TickMomentum", () => {
  it("gives the same results from push as from update", () => {
    const a = new TickMomentum({ tickWindow: 7, sizeWindow: 30, rateWindowMs: 5000 });
    const b = new TickMomentum({ tickWindow: 7, sizeWindow: 30, rateWindowMs: 5000 });
    let price = 100;
    for (let i = 0; i < 1500; i++) {
      price += ((i * 7919) % 5) - 2;
      const trade = { ts: 1_000 * i + ((i * 31) % 900), price, size: 0.1 + ((i * 13) % 17), side: "buy" as const };
      a.update(trade);
      b.push(trade);
      expect(b.result).toEqual(a.result);
    }
  });

  it("counts up, up, same, up, down as a run of three broken by one down-tick", () => {
    const tm = new TickMomentum({ tickWindow: 10 });
    const results = prices([10, 11, 12, 12, 13, 12]).map((x) => tm.add(x));
    expect(results.map((r) => r.persistence)).toEqual([0, 1, 2, 2, 3, -1]);
    expect(results.map((r) => r.upTicks)).toEqual([0, 1, 2, 2, 3, 3]);
    expect(results.map((r) => r.downTicks)).toEqual([0, 0, 0, 0, 0, 1]);
    expect(results[5].upRatio).toBe(0.75);
  });

  it("reports a neutral up ratio and no persistence before any price change", () => {
    const tm = new TickMomentum();
    const r = prices([5, 5, 5]).map((x) => tm.add(x))[2];
    expect(r).toMatchObject({ upTicks: 0, downTicks: 0, upRatio: 0.5, persistence: 0 });
  });

  it("keeps a down run through zero ticks", () => {
    const tm = new TickMomentum();
    const results = prices([9, 8, 8, 8, 7, 7, 8]).map((x) => tm.add(x));
    expect(results.map((r) => r.persistence)).toEqual([0, -1, -1, -1, -2, -2, 1]);
  });

  it("counts ticks over the last tickWindow trades only", () => {
    const tm = new TickMomentum({ tickWindow: 3 });
    const r = prices([1, 2, 3, 4, 3]).map((x) => tm.add(x))[4];
    expect(r).toMatchObject({ upTicks: 2, downTicks: 1 });
    const s = tm.add({ ts: 1000, price: 2, size: 1, side: "sell" });
    expect(s).toMatchObject({ upTicks: 1, downTicks: 2, upRatio: 1 / 3 });
  });

  it("matches brute-force tick counts and persistence on a random sequence", () => {
    const trades = tradeSequence(1500, 7);
    const tm = new TickMomentum({ tickWindow: 30 });
    const dirs = trades.map((x, i) => (i === 0 ? 0 : Math.sign(x.price - trades[i - 1].price)));
    let run = 0;
    trades.forEach((x, i) => {
      const r = tm.add(x);
      const last = dirs.slice(Math.max(0, i - 29), i + 1);
      const moves = dirs.slice(0, i + 1).filter((d) => d !== 0);
      let k = 0;
      while (k < moves.length && moves[moves.length - 1 - k] === moves[moves.length - 1]) k++;
      run = moves.length === 0 ? 0 : k * moves[moves.length - 1];
      expect(r.upTicks).toBe(last.filter((d) => d > 0).length);
      expect(r.downTicks).toBe(last.filter((d) => d < 0).length);
      expect(r.persistence).toBe(run);
    });
    expect(dirs.filter((d) => d === 0).length).toBeGreaterThan(50);
  });

  it("measures ticks per second over the whole-bucket rate window", () => {
    const tm = new TickMomentum({ rateWindowMs: 5000 });
    let r = tm.add({ ts: 0, price: 1, size: 1, side: "buy" });
    for (let i = 1; i < 10; i++) r = tm.add({ ts: i * 500, price: 1, size: 1, side: "buy" });
    expect(r.ticksPerSecond).toBe(2);
    r = tm.add({ ts: 5000, price: 1, size: 1, side: "buy" });
    expect(r.ticksPerSecond).toBe(9 / 5);
    r = tm.add({ ts: 60_000, price: 1, size: 1, side: "buy" });
    expect(r.ticksPerSecond).toBe(1 / 5);
  });

  it("gives size percentiles within the histogram's error bound after the size window has rolled", () => {
    const trades = tradeSequence(2500, 9);
    const tm = new TickMomentum({ sizeWindow: 300 });
    const bound = 2 ** (1 / 32) - 1 + 1e-12;
    trades.forEach((x, i) => {
      const r = tm.add(x);
      if (i < 300) return;
      const last = trades.slice(i - 299, i + 1).map((y) => y.size);
      expect(Math.abs(r.sizeP50 / exactQuantile(last, 0.5) - 1)).toBeLessThanOrEqual(bound);
      expect(Math.abs(r.sizeP90 / exactQuantile(last, 0.9) - 1)).toBeLessThanOrEqual(bound);
      expect(Math.abs(r.sizeP99 / exactQuantile(last, 0.99) - 1)).toBeLessThanOrEqual(bound);
    });
  });

  it("builds the same result on read after update() as add() returns", () => {
    const lazy = new TickMomentum({ tickWindow: 5, sizeWindow: 20 });
    const eager = new TickMomentum({ tickWindow: 5, sizeWindow: 20 });
    const prices = [10, 11, 11, 12, 10, 9, 9, 13];
    prices.forEach((price, i) => {
      const t = { ts: 1_000 * i, price, size: 1 + i, side: "buy" as const };
      lazy.update(t);
      const want = eager.add(t);
      if (i % 3 === 2) expect(lazy.result).toEqual(want);
    });
    expect(lazy.result).toEqual(eager.result);
    expect(lazy.result?.persistence).toBe(1);
  });

  it("becomes stable after tickWindow trades", () => {
    const tm = new TickMomentum({ tickWindow: 4 });
    prices([1, 2, 3]).forEach((x) => tm.add(x));
    expect(tm.isStable).toBe(false);
    tm.add({ ts: 1000, price: 4, size: 1, side: "buy" });
    expect(tm.isStable).toBe(true);
  });

  it("replaces the last trade exactly, whatever the replaced trade did", () => {
    const trades = tradeSequence(400, 13);
    const direct = new TickMomentum({ tickWindow: 10, rateWindowMs: 5000, sizeWindow: 40 });
    const revised = new TickMomentum({ tickWindow: 10, rateWindowMs: 5000, sizeWindow: 40 });
    trades.forEach((x, i) => {
      revised.add({ ...x, ts: x.ts + (i % 2 === 0 ? 1e9 : -1e9), price: x.price + 1, size: x.size * 1e4 });
      expect(revised.replace(x)).toEqual(direct.add(x));
      expect(JSON.stringify(revised.getState())).toBe(JSON.stringify(direct.getState()));
    });
  });
});
