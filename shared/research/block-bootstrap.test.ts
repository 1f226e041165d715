import { describe, expect, it } from "vitest";
import { blockBootstrap, circularBlockResample, percentileInterval, quantileOfSorted } from "./block-bootstrap";
import { createPrng, normal } from "./prng";

describe("circularBlockResample", () => {
  it("keeps every segment's indices inside it, in runs of consecutive samples that wrap around", () => {
    const segments = [7, 4];
    const out = circularBlockResample(segments, 3, createPrng(3), new Int32Array(11));
    expect([...out.subarray(0, 7)].every((i) => i >= 0 && i < 7)).toBe(true);
    expect([...out.subarray(7)].every((i) => i >= 7 && i < 11)).toBe(true);
    // Blocks of 3 in the first segment: positions 0-2 and 3-5 are runs, position 6 starts a cut block.
    for (const start of [0, 3])
      for (let k = 1; k < 3; k++) expect(out[start + k]).toBe(((out[start + k - 1] + 1) % 7) as number);
  });

  it("rotates a segment shorter than a block whole", () => {
    const out = circularBlockResample([5], 50, createPrng(9), new Int32Array(5));
    const first = out[0];
    expect([...out]).toEqual([0, 1, 2, 3, 4].map((k) => (first + k) % 5));
  });

  it("refuses a block shorter than one sample", () => {
    expect(() => circularBlockResample([3], 0, createPrng(1), new Int32Array(3))).toThrow(RangeError);
  });
});

describe("percentileInterval", () => {
  it("takes the interpolated tail quantiles and ignores NaN", () => {
    const v = Array.from({ length: 101 }, (_, i) => i);
    const ci = percentileInterval([...v, Number.NaN], 0.95);
    expect(ci.lo).toBeCloseTo(2.5, 9);
    expect(ci.hi).toBeCloseTo(97.5, 9);
    expect(percentileInterval([Number.NaN])).toEqual({ lo: Number.NaN, hi: Number.NaN });
    expect(quantileOfSorted([1, 2], 0.5)).toBe(1.5);
  });
});

/** Mean of an AR(1) with coefficient phi and unit innovations: the true mean is 0. */
function ar1(n: number, phi: number, seed: number): Float64Array {
  const rand = createPrng(seed);
  const x = new Float64Array(n);
  let v = 0;
  for (let i = 0; i < n; i++) {
    v = phi * v + normal(rand);
    x[i] = v;
  }
  return x;
}

function coverage(blockLength: number): number {
  let covered = 0;
  const runs = 200;
  for (let s = 0; s < runs; s++) {
    const x = ar1(1000, 0.9, 1000 + s);
    const reps = blockBootstrap([x.length], { blockLength, replicates: 200, seed: s }, (idx) => {
      let sum = 0;
      for (let i = 0; i < idx.length; i++) sum += x[idx[i]];
      return [sum / idx.length];
    });
    const ci = percentileInterval(reps[0], 0.95);
    if (ci.lo <= 0 && ci.hi >= 0) covered++;
  }
  return covered / runs;
}

describe("blockBootstrap", () => {
  it("covers the true mean of an AR(1) (phi 0.9) near the nominal 95 % with blocks of 50", () => {
    const c = coverage(50);
    // Measured 0.905 (200 runs of 1000 samples, 20 blocks each): a little under nominal, as the
    // percentile interval is with so few blocks; the signals report says so.
    expect(c).toBeGreaterThanOrEqual(0.85);
  }, 60_000);

  it("resampling single samples (no blocks) badly under-covers the same process", () => {
    const c = coverage(1);
    // Measured 0.34: the i.i.d. bootstrap ignores the autocorrelation.
    expect(c).toBeLessThan(0.6);
  }, 60_000);

  it("is reproducible from its seed", () => {
    const stat = (idx: Int32Array) => [idx.reduce((s, i) => s + i, 0)];
    const a = blockBootstrap([20, 10], { blockLength: 4, replicates: 5, seed: 7 }, stat);
    const b = blockBootstrap([20, 10], { blockLength: 4, replicates: 5, seed: 7 }, stat);
    expect(a).toEqual(b);
    expect(a[0]).toHaveLength(5);
  });
});
