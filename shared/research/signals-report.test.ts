import { describe, expect, it } from "vitest";
import { FAMILIES } from "../strategy/types";
import { createPrng, normal } from "./prng";
import { type SignalsReportOptions, signalsReport } from "./signals-report";
import { SIGNALS, type SignalName, type SignalSeries } from "./signals-sampler";

const OPTS: SignalsReportOptions = {
  horizons: [1],
  replicates: 200,
  seed: 1,
  level: 0.95,
  minBlockSeconds: 60,
  fees: { makerPct: 0.02, takerPct: 0.06 },
  breakdown: false,
};

/** A series from explicit signal values and prices (one sample per boundary, prices one longer). */
function seriesOf(
  prices: readonly number[],
  values: Partial<Record<SignalName, readonly number[]>>,
  fill: readonly number[],
): SignalSeries {
  const n = fill.length;
  const v = Object.fromEntries(SIGNALS.map((s) => [s, Float64Array.from(values[s] ?? fill)])) as SignalSeries["values"];
  return {
    source: "test",
    symbol: "TEST",
    usesMid: true,
    firstSecond: 0,
    prices: Float64Array.from(prices),
    at: Int32Array.from({ length: n }, (_, i) => i),
    values: v,
    gates: { gates: { score: { pass: 1, fail: n - 1, unknown: 0, off: 0 } }, allPass: 1, samples: n },
  };
}

/**
 * A persistent Gaussian score x (AR(1), phi 0.9, unit variance) and a price whose next 1-second
 * log return is 1e-4·(beta·x + noise): x and the forward return are bivariate normal with
 * correlation beta / sqrt(1 + beta²), so the true rank IC is (6/π)·asin(ρ/2).
 */
function planted(beta: number, n: number, seed: number): SignalSeries {
  const rand = createPrng(seed);
  const phi = 0.9;
  const x: number[] = [];
  let v = normal(rand);
  const prices = [100];
  for (let i = 0; i < n; i++) {
    v = phi * v + Math.sqrt(1 - phi * phi) * normal(rand);
    x.push(v);
    prices.push(prices[i] * Math.exp(1e-4 * (beta * v + normal(rand))));
  }
  return seriesOf(prices, {}, x);
}

describe("signalsReport", () => {
  it("finds a planted edge with its sign, the true rank IC inside the interval", () => {
    for (const beta of [0.5, -0.5]) {
      const doc = signalsReport([planted(beta, 8_000, 5)], OPTS);
      const rho = beta / Math.sqrt(1 + beta * beta);
      const truth = (6 / Math.PI) * Math.asin(rho / 2);
      const ic = doc.families.rsi.ic["1s"];
      expect(Math.sign(ic.value as number)).toBe(Math.sign(beta));
      expect(ic.lo as number).toBeLessThanOrEqual(truth);
      expect(ic.hi as number).toBeGreaterThanOrEqual(truth);
      expect(Math.sign(ic.lo as number)).toBe(Math.sign(ic.hi as number));
      // The top fifth's mean return: beta·E[x | top fifth] = beta·φ(0.8416)/0.2 ≈ beta·1.4 bps.
      const top = doc.families.rsi.quintiles["1s"][beta > 0 ? 4 : 0];
      const expected = 0.5 * 1.39981;
      expect(top.lo as number).toBeLessThanOrEqual(expected);
      expect(top.hi as number).toBeGreaterThanOrEqual(expected);
      const hit = doc.families.rsi.hitRate["1s"];
      if (beta > 0) expect(hit.lo as number).toBeGreaterThan(0.5);
      else expect(hit.hi as number).toBeLessThan(0.5);
    }
  }, 60_000);

  it("gives intervals that contain 0 when the score and the returns are independent", () => {
    const doc = signalsReport([planted(0, 5_000, 8)], { ...OPTS, horizons: [1, 5, 30] });
    for (const h of ["1s", "5s", "30s"]) {
      const ic = doc.families.rsi.ic[h];
      expect(ic.lo as number).toBeLessThan(0);
      expect(ic.hi as number).toBeGreaterThan(0);
    }
  }, 60_000);

  it("averages the forward return of each fifth of the samples ranked by the signal", () => {
    // Signal 0..9, forward return (bps) of sample i = 10·(i mod 2) + i: fifths are the pairs.
    const returns = Array.from({ length: 10 }, (_, i) => 10 * (i % 2) + i);
    // One series per sample, each from 100, so that each forward return is exactly as written.
    const series = returns.map((r, i) => seriesOf([100, 100 * (1 + r / 1e4)], {}, [i]));
    const doc = signalsReport(series, { ...OPTS, replicates: 20 });
    const q = doc.families.macd.quintiles["1s"];
    expect(q.map((x) => x.n)).toEqual([2, 2, 2, 2, 2]);
    expect(q.map((x) => x.value)).toEqual([5.5, 7.5, 9.5, 11.5, 13.5].map((m) => expect.closeTo(m, 6)));
    // Spearman without ties: 1 − 6·Σd²/(n(n²−1)), Σd² = 60 here.
    expect(doc.families.macd.ic["1s"].value).toBeCloseTo(1 - 360 / 990, 6);
  });

  it("sets ties in one fifth, so a score that is mostly 0 leaves fifths empty", () => {
    const x = [0, 0, 0, 0, 0, 0, 0, 0, 1, 2];
    const series = x.map((v, i) => seriesOf([100, 100 + i / 100], {}, [v]));
    const q = signalsReport(series, { ...OPTS, replicates: 20 }).families.ema.quintiles["1s"];
    expect(q.map((r) => r.n)).toEqual([0, 0, 8, 0, 2]);
    expect(q[0].value).toBeNull();
  });

  it("counts a family's votes at |sub-score| >= 0.2 and a hit when the move goes its way", () => {
    const x = [0.5, -0.5, 0.1, 0.3, -0.3, 0.9];
    const moves = [1, 1, -1, -1, -1, 0]; // hit, miss, no vote, miss, hit, no move
    const series = x.map((v, i) => seriesOf([100, 100 + moves[i]], {}, [v]));
    const hr = signalsReport(series, { ...OPTS, replicates: 20 }).families.vwap.hitRate["1s"];
    expect(hr.votes).toBe(4);
    expect(hr.value).toBe(0.5);
  });

  it("reports the composite score's reach, the costs and the gates", () => {
    const long = [10, 20, 55, 65, 81, 30, 0, 0, 0, 0];
    const short = [0, 0, 0, 0, 0, 0, 40, 72, 12, 3];
    const prices = Array.from({ length: 11 }, (_, i) => 100 + i);
    const doc = signalsReport([seriesOf(prices, { long, short }, new Array(10).fill(0))], OPTS);
    const s = doc.scoreDistribution;
    expect(s.max).toBe(81);
    expect(s.reached).toEqual({ "50": 4, "60": 3, "70": 2, "80": 1 });
    expect(s.long.reached["80"]).toBe(1);
    expect(s.short.max).toBe(72);
    expect(s.histogram.reduce((a, b) => a + b, 0)).toBe(10);
    expect(s.histogram[16]).toBe(1);
    expect(doc.costsBps).toEqual({ makerMaker: 4, makerTaker: 8, takerTaker: 12 });
    expect(doc.gates).toMatchObject({ samples: 10, allPass: 1, allPassRate: 0.1 });
    expect(doc.gates.byGate.score.passRate).toBe(0.1);
    expect(doc.series[0]).toMatchObject({ scoreMax: 81, scoreReached: { "50": 4, "80": 1 }, gatesAllPass: 1 });
    expect(Object.keys(doc.families)).toEqual([...FAMILIES]);
  });

  it("leaves out samples whose horizon runs past the series and says n/a when none is left", () => {
    const doc = signalsReport([seriesOf([100, 101, 102], {}, [1, 2])], { ...OPTS, horizons: [1, 5], replicates: 20 });
    expect(doc.resampling["1s"].samples).toBe(2);
    expect(doc.resampling["5s"].samples).toBe(0);
    expect(doc.families.rsi.ic["5s"]).toEqual({ value: null, lo: null, hi: null });
  });

  it("breaks the figures down per series, and a lone series' figures are the pooled ones", () => {
    const a = planted(0.5, 1_000, 21);
    const b = { ...planted(0, 1_000, 22), source: "other" };
    const two = signalsReport([a, b], { ...OPTS, breakdown: true, replicates: 50 });
    expect(two.series.map((s) => s.source)).toEqual(["test", "other"]);
    expect(two.series[0].ic?.rsi["1s"]).toEqual(signalsReport([a], { ...OPTS, replicates: 50 }).families.rsi.ic["1s"]);
    const one = signalsReport([a], { ...OPTS, breakdown: true, replicates: 50 });
    expect(one.series[0].ic?.long["1s"]).toEqual(one.composite.long.ic["1s"]);
    expect(one.series[0].meanAbsMoveBps).toEqual(one.meanAbsMoveBps);
  });
});
