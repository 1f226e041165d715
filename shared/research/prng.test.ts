import { describe, expect, it } from "vitest";
import { createPrng, deriveSeed, lcg, mulberry32, normal, shuffleInPlace } from "./prng";

describe("createPrng", () => {
  it("repeats its stream for a seed and differs between neighbouring seeds", () => {
    const a = createPrng(7);
    const b = createPrng(7);
    const c = createPrng(8);
    const xs = Array.from({ length: 50 }, () => a());
    expect(Array.from({ length: 50 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 50 }, () => c())).not.toEqual(xs);
  });

  it("draws in [0, 1) with a mean near one half and every decile hit about equally", () => {
    const r = createPrng(123);
    const bins = new Array(10).fill(0);
    let sum = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const x = r();
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
      bins[Math.floor(x * 10)]++;
    }
    expect(sum / n).toBeGreaterThan(0.49);
    expect(sum / n).toBeLessThan(0.51);
    for (const b of bins) expect(Math.abs(b - n / 10)).toBeLessThan(n / 100);
  });

  it("accepts negative and non-32-bit seeds", () => {
    expect(createPrng(-1)()).not.toBe(createPrng(2 ** 32 - 1 + 2 ** 33)());
    expect(Number.isFinite(createPrng(-5)())).toBe(true);
  });
});

describe("deriveSeed", () => {
  it("gives different sub-seeds per label and the same for the same labels", () => {
    expect(deriveSeed(1, "fold", 0)).toBe(deriveSeed(1, "fold", 0));
    expect(deriveSeed(1, "fold", 0)).not.toBe(deriveSeed(1, "fold", 1));
    expect(deriveSeed(1, "fold", 0)).not.toBe(deriveSeed(2, "fold", 0));
  });
});

describe("normal", () => {
  it("has mean about 0 and variance about 1", () => {
    const r = createPrng(5);
    const xs = Array.from({ length: 50_000 }, () => normal(r));
    const m = xs.reduce((a, x) => a + x, 0) / xs.length;
    const v = xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1);
    expect(Math.abs(m)).toBeLessThan(0.02);
    expect(Math.abs(v - 1)).toBeLessThan(0.03);
  });
});

describe("shuffleInPlace", () => {
  it("returns a permutation of its input, the same one for the same seed", () => {
    const base = Array.from({ length: 100 }, (_, i) => i);
    const a = shuffleInPlace([...base], createPrng(3));
    const b = shuffleInPlace([...base], createPrng(3));
    expect(a).toEqual(b);
    expect(a).not.toEqual(base);
    expect([...a].sort((x, y) => x - y)).toEqual(base);
  });

  it("puts each element in each position about equally often", () => {
    const r = createPrng(11);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[shuffleInPlace([0, 1, 2], r).indexOf(0)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
  });
});

describe("the fixtures' generators", () => {
  it("lcg steps s → 1664525·s + 1013904223 mod 2^32 and returns s / 2^32", () => {
    const r = lcg(0);
    expect(r()).toBe(1013904223 / 2 ** 32);
    expect(r()).toBe(((Math.imul(1013904223, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  });

  it.each([
    ["mulberry32", mulberry32],
    ["lcg", lcg],
  ])("%s repeats its stream for a seed, differs between seeds and stays in [0, 1)", (_, make) => {
    const draw = (seed: number) => Array.from({ length: 1000 }, make(seed));
    const xs = draw(7);
    expect(draw(7)).toEqual(xs);
    expect(draw(8)).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });
});
