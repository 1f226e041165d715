import { describe, expect, it } from "vitest";
import { BollingerBands as TiBollingerBands } from "technicalindicators";
import { blankBollingerResult, BollingerBands, type BollingerBandsResult } from "./bollinger-bands";
import { testPeekContract } from "./testing/peek-contract";
import { Sma } from "./sma";
import { randomWalk, testIndicatorContract } from "./testing/indicator-contract";

testIndicatorContract({
  name: "BollingerBands(5,2,4)",
  create: () => new BollingerBands(5, 2, 4),
  restore: BollingerBands.restore,
  inputs: randomWalk(80, 41),
  divergentInput: 123.456,
  warmup: 5,
  flatInputs: new Array(30).fill(100),
  tinyInputs: randomWalk(80, 42, 1e-8),
});

testIndicatorContract({
  name: "BollingerBands(20,2,50)",
  create: () => new BollingerBands(20, 2, 50),
  restore: BollingerBands.restore,
  inputs: randomWalk(200, 43),
  divergentInput: 123.456,
  warmup: 20,
  flatInputs: new Array(80).fill(100),
  tinyInputs: randomWalk(200, 44, 1e-8),
});

function run(bb: BollingerBands, prices: readonly number[]): (BollingerBandsResult | null)[] {
  return prices.map((x) => bb.add(x));
}

/** TA-Lib's Σx²/n in batch form (`TA_INT_stddev_using_precalc_ma`): add, output, then subtract. */
function talibMeanSquares(prices: readonly number[], n: number): number[] {
  const out: number[] = [];
  let total2 = 0;
  for (let i = 0; i < n - 1; i++) total2 += prices[i] * prices[i];
  for (let i = n - 1; i < prices.length; i++) {
    total2 += prices[i] * prices[i];
    out.push(total2 / n);
    const oldest = prices[i - n + 1];
    total2 -= oldest * oldest;
  }
  return out;
}

/** Replays adds and 0-2 replaces per input, checking each squeeze against a brute-force minimum. */
function checkSqueezeAgainstBruteForce(
  prices: readonly number[],
  revisions: readonly number[],
  lookback: number,
): boolean[] {
  const bb = new BollingerBands(4, 2, lookback);
  const history: number[] = [];
  const flags: boolean[] = [];
  prices.forEach((x, i) => {
    let r = bb.add(x);
    if (r !== null) history.push(r.bandwidth);
    for (let j = 0; j < i % 3; j++) {
      r = bb.replace(revisions[(i * 7 + j) % revisions.length]);
      if (r !== null) history[history.length - 1] = r.bandwidth;
    }
    if (r === null) return;
    const expected = history.length >= lookback && r.bandwidth <= Math.min(...history.slice(-lookback));
    expect(r.squeeze).toBe(expected);
    flags.push(r.squeeze);
  });
  return flags;
}

describe("BollingerBands", () => {
  it("has a middle band equal to the TA-Lib-exact Sma, bit for bit", () => {
    const prices = randomWalk(1000, 45, 65000);
    const sma = new Sma(20);
    const middles = run(new BollingerBands(20, 2, 10), prices).map((r) => r?.middle ?? null);
    expect(middles).toEqual(prices.map((x) => sma.add(x)));
  });

  it("computes σ from TA-Lib's rolling Σx² as sqrt(Σx²/n - middle²), bit for bit", () => {
    const prices = randomWalk(1000, 46, 65000);
    const results = run(new BollingerBands(20, 2, 10), prices).filter((r) => r !== null);
    const meanSqs = talibMeanSquares(prices, 20);
    results.forEach((r, i) => {
      const variance = meanSqs[i] - r.middle * r.middle;
      const sigma = variance > 0 ? Math.sqrt(variance) : 0;
      expect(r.upper).toBe(r.middle + sigma * 2);
      expect(r.lower).toBe(r.middle - sigma * 2);
    });
  });

  it("matches technicalindicators: middle exactly, bands within 1e-9 relative (it uses two-pass σ)", () => {
    const prices = randomWalk(2000, 47, 100);
    const ours = run(new BollingerBands(20, 2, 10), prices).filter((r) => r !== null);
    const theirs = TiBollingerBands.calculate({ period: 20, stdDev: 2, values: prices });
    expect(ours.length).toBe(theirs.length);
    ours.forEach((r, i) => {
      expect(r.middle).toBe(theirs[i].middle);
      expect(Math.abs(r.upper - theirs[i].upper) / theirs[i].upper).toBeLessThan(1e-9);
      expect(Math.abs(r.lower - theirs[i].lower) / theirs[i].lower).toBeLessThan(1e-9);
    });
  });

  it("keeps the same bands, scaled, at ~1e-8 prices: no absolute epsilon collapses them", () => {
    const scale = 2 ** -27;
    const prices = randomWalk(300, 48, 1, 0.0005);
    const normal = run(new BollingerBands(20, 2, 30), prices);
    const tiny = run(
      new BollingerBands(20, 2, 30),
      prices.map((p) => p * scale),
    );
    expect(tiny[299]?.middle).toBeLessThan(2e-8);
    tiny.forEach((r, i) => {
      if (r === null) return expect(normal[i]).toBeNull();
      expect(r.upper).toBe((normal[i] as BollingerBandsResult).upper * scale);
      expect(r.lower).toBe((normal[i] as BollingerBandsResult).lower * scale);
      expect(r.bandwidth).toBe((normal[i] as BollingerBandsResult).bandwidth);
      expect(r.upper).toBeGreaterThan(r.lower);
    });
  });

  it("collapses to the price with zero bandwidth on a flat window", () => {
    const out = run(new BollingerBands(5, 2, 3), new Array(10).fill(100)).filter((r) => r !== null);
    out.forEach((r) => expect(r).toMatchObject({ upper: 100, middle: 100, lower: 100, bandwidth: 0 }));
  });

  it("reports bandwidth 0 when the middle band is 0", () => {
    const out = run(new BollingerBands(3, 2, 3), [1, -1, 0, 1, -1]);
    expect(out[4]?.middle).toBe(0);
    expect(out[4]?.bandwidth).toBe(0);
  });

  it("flags a squeeze on a contracting series", () => {
    const prices = Array.from({ length: 60 }, (_, i) => 100 + (i % 2 === 0 ? 1 : -1) * 10 * 0.9 ** i);
    const out = run(new BollingerBands(5, 2, 10), prices);
    expect(out.slice(13).every((r) => r?.squeeze === true)).toBe(true);
  });

  it("does not flag a squeeze on an expanding series", () => {
    const prices = Array.from({ length: 60 }, (_, i) => 100 + (i % 2 === 0 ? 1 : -1) * 0.1 * 1.05 ** i);
    const out = run(new BollingerBands(5, 2, 10), prices).filter((r) => r !== null);
    expect(out.some((r) => r.squeeze)).toBe(false);
  });

  it("never flags a squeeze before squeezeLookback results exist", () => {
    const prices = Array.from({ length: 30 }, (_, i) => 100 + (i % 2 === 0 ? 1 : -1) * 10 * 0.5 ** i);
    const out = run(new BollingerBands(5, 2, 10), prices);
    expect(out.slice(0, 13).some((r) => r?.squeeze === true)).toBe(false);
    expect(out[13]?.squeeze).toBe(true);
  });

  it("flags exactly the bandwidths that are the minimum of the last L, through adds and replaces", () => {
    const flags = checkSqueezeAgainstBruteForce(randomWalk(3000, 49, 100, 0.01), randomWalk(3000, 50, 100, 0.01), 7);
    expect(flags.length).toBe(2997);
    expect(flags.filter((f) => f).length).toBeGreaterThan(100);
    expect(flags.filter((f) => !f).length).toBeGreaterThan(100);
  });

  it("handles tied bandwidths in the rolling minimum", () => {
    const coarse = (seed: number) => randomWalk(2000, seed, 100, 0.02).map((p) => 100 + (Math.round(p) % 3));
    const flags = checkSqueezeAgainstBruteForce(coarse(51), coarse(52), 5);
    expect(flags.filter((f) => f).length).toBeGreaterThan(100);
  });

  it("refuses bad parameters", () => {
    expect(() => new BollingerBands(0, 2, 10)).toThrow(/period/);
    expect(() => new BollingerBands(20, -1, 10)).toThrow(/k must be/);
    expect(() => new BollingerBands(20, 2, 0)).toThrow(/squeezeLookback/);
  });
});

for (const [period, k, lookback] of [
  [10, 2, 60],
  [3, 1.5, 4],
  [1, 2, 1],
  [2, 2, 2],
] as const) {
  testPeekContract({
    name: `BollingerBands(${period}, ${k}, ${lookback})`,
    create: () => new BollingerBands(period, k, lookback),
    clone: (b) => BollingerBands.restore(JSON.parse(JSON.stringify(b.getState()))),
    add: (b, x) => b.add(x),
    replace: (b, x) => b.replace(x),
    peek: (b, x) => {
      const out = blankBollingerResult();
      return b.peekInto(x, out) ? { ...out } : null;
    },
    read: (b) => b.result,
    state: (b) => b.getState(),
  });
}
