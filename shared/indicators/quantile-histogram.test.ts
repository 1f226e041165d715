import { describe, expect, it } from "vitest";
import { QuantileHistogram } from "./quantile-histogram";
import { lcg } from "../research/prng";

const QUANTILES = [0, 0.5, 0.9, 0.99, 1];

/** Seeded log-uniform sizes over `decades` decades from `low`, with a regime shift every `shiftEvery`. */
function sizes(n: number, seed: number, low = 1e-3, decades = 4, shiftEvery = 0): number[] {
  const rand = lcg(seed);
  return Array.from({ length: n }, (_, i) => {
    const regime = shiftEvery > 0 && Math.floor(i / shiftEvery) % 2 === 1 ? 1e6 : 1;
    return regime * low * 10 ** (rand() * decades);
  });
}

/** Nearest-rank quantile: the k-th smallest with k = clamp(ceil(q·n), 1, n). */
function exactQuantile(values: readonly number[], q: number): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const k = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[k - 1];
}

function expectWithinBound(h: QuantileHistogram, window: readonly number[]): void {
  QUANTILES.forEach((q, i) => {
    const exact = exactQuantile(window, q);
    expect(Math.abs(h.quantile(i) / exact - 1)).toBeLessThanOrEqual(h.relativeErrorBound + 1e-12);
  });
}

describe("QuantileHistogram", () => {
  it("stays within its error bound of the exact nearest-rank quantiles while evicting", () => {
    const values = sizes(3000, 1);
    const h = new QuantileHistogram({ window: 200, quantiles: QUANTILES });
    values.forEach((x, i) => {
      h.add(x);
      expectWithinBound(h, values.slice(Math.max(0, i - 199), i + 1));
    });
    expect(h.size).toBe(200);
  });

  it("follows the quantiles across regime shifts of six decades in both directions", () => {
    const values = sizes(2000, 2, 1e-3, 2, 300);
    const h = new QuantileHistogram({ window: 150, quantiles: QUANTILES, bucketsPerOctave: 32 });
    values.forEach((x, i) => {
      h.add(x);
      expectWithinBound(h, values.slice(Math.max(0, i - 149), i + 1));
    });
  });

  it("states the error bound of its bucket midpoints", () => {
    expect(new QuantileHistogram({ window: 1, quantiles: [0.5] }).relativeErrorBound).toBeCloseTo(0.0219, 4);
    expect(new QuantileHistogram({ window: 1, quantiles: [0.5], bucketsPerOctave: 8 }).relativeErrorBound).toBeCloseTo(
      0.0443,
      4,
    );
  });

  it("reads values below its range as 0 and above it as at least max", () => {
    const h = new QuantileHistogram({ window: 3, quantiles: [0, 1], min: 1e-6, max: 1e6 });
    h.add(0);
    h.add(1e-12);
    h.add(1e12);
    expect(h.quantile(0)).toBe(0);
    expect(h.quantile(1)).toBeGreaterThanOrEqual(1e6);
    expect(h.quantile(1)).toBeLessThan(1.1e6);
  });

  it("undoes an add exactly, including an eviction", () => {
    const values = sizes(600, 3, 1e-2, 6);
    const h = new QuantileHistogram({ window: 50, quantiles: QUANTILES });
    values.forEach((x, i) => {
      const before = JSON.stringify({ ...h.getState(), undo: null });
      const quantiles = QUANTILES.map((_, j) => h.quantile(j));
      h.add(values[(i * 7) % values.length] * 1e3);
      h.undo();
      expect(JSON.stringify({ ...h.getState(), undo: null })).toBe(before);
      expect(QUANTILES.map((_, j) => h.quantile(j))).toEqual(quantiles);
      h.add(x);
    });
  });

  it("restores from a JSON round trip and continues identically", () => {
    const values = sizes(500, 4);
    const a = new QuantileHistogram({ window: 64, quantiles: QUANTILES });
    values.slice(0, 250).forEach((x) => a.add(x));
    const b = QuantileHistogram.restore(JSON.parse(JSON.stringify(a.getState())));
    a.undo();
    b.undo();
    values.slice(249).forEach((x) => {
      a.add(x);
      b.add(x);
      expect(QUANTILES.map((_, j) => b.quantile(j))).toEqual(QUANTILES.map((_, j) => a.quantile(j)));
    });
    expect(b.getState()).toEqual(a.getState());
  });

  it("reads the same quantiles whether it is read after every value or after long silences", () => {
    const every = new QuantileHistogram({ window: 300, quantiles: QUANTILES });
    const rarely = new QuantileHistogram({ window: 300, quantiles: QUANTILES });
    const xs = sizes(5000, 17, 1e-3, 4, 700);
    xs.forEach((x, i) => {
      every.add(x);
      rarely.add(x);
      const seen = QUANTILES.map((_, q) => every.quantile(q));
      if (i % 97 === 0 || i === xs.length - 1) expect(QUANTILES.map((_, q) => rarely.quantile(q))).toEqual(seen);
      if (i % 389 === 0) {
        every.undo();
        rarely.undo();
        every.add(x * 3);
        rarely.add(x * 3);
      }
    });
  });

  it("reads 0 when empty", () => {
    expect(new QuantileHistogram({ window: 4, quantiles: [0.5] }).quantile(0)).toBe(0);
  });

  it("refuses a quantile outside [0, 1]", () => {
    expect(() => new QuantileHistogram({ window: 4, quantiles: [1.5] })).toThrow(/quantile/);
  });
});
