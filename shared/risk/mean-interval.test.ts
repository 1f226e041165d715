import { describe, expect, it } from "vitest";
import { meanInterval, normalQuantile } from "./mean-interval";

describe("normalQuantile", () => {
  it("matches the standard normal table in the centre and both tails", () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.95)).toBeCloseTo(1.644854, 5);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326348, 5);
    expect(normalQuantile(0.999)).toBeCloseTo(3.090232, 5);
  });

  it("refuses probabilities outside (0, 1)", () => {
    expect(() => normalQuantile(0)).toThrow(RangeError);
    expect(() => normalQuantile(1.2)).toThrow(RangeError);
  });
});

describe("meanInterval", () => {
  it("is mean ± z·s/√n with the sample standard deviation", () => {
    const r = meanInterval([1, 2, 3, 4, 5], 0.95);
    const half = 1.959964 * Math.sqrt(2.5 / 5);
    expect(r.n).toBe(5);
    expect(r.mean).toBe(3);
    expect(r.lo).toBeCloseTo(3 - half, 5);
    expect(r.hi).toBeCloseTo(3 + half, 5);
  });

  it("has no interval below two observations and no mean for none", () => {
    expect(meanInterval([], 0.95)).toEqual({ n: 0, mean: null, lo: null, hi: null });
    expect(meanInterval([7], 0.95)).toEqual({ n: 1, mean: 7, lo: null, hi: null });
  });

  it("widens with the confidence", () => {
    const xs = [-3, 1, -2, 0.5, -1];
    const narrow = meanInterval(xs, 0.8);
    const wide = meanInterval(xs, 0.99);
    expect((wide.hi as number) - (wide.lo as number)).toBeGreaterThan((narrow.hi as number) - (narrow.lo as number));
  });
});
