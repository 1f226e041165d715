import { describe, expect, it } from "vitest";
import { VarianceRatio } from "./variance-ratio";
import { lcg } from "../research/prng";

/** Feeds closes built from 1-second log returns; returns the ratio at the end. */
function ratioOf(returns: (i: number, prev: number) => number, n = 600): number | null {
  const vr = new VarianceRatio(10, 300);
  let price = 100;
  let prev = 0;
  for (let i = 0; i < n; i++) {
    prev = returns(i, prev);
    price *= Math.exp(prev);
    vr.add(price);
  }
  return vr.value;
}

describe("VarianceRatio", () => {
  it("reads about 1 on a random walk (the mean of 100 disjoint windows)", () => {
    const rand = lcg(7);
    const vr = new VarianceRatio(10, 300);
    let price = 100;
    let sum = 0;
    let n = 0;
    for (let i = 1; i <= 30_000; i++) {
      price *= Math.exp(rand() < 0.5 ? -1e-4 : 1e-4);
      vr.add(price);
      if (i % 300 === 0) {
        sum += vr.value ?? Number.NaN;
        n++;
      }
    }
    // One window's ratio has a standard error near 0.2; a mean of 100 near 0.02.
    expect(sum / n).toBeGreaterThan(0.9);
    expect(sum / n).toBeLessThan(1.1);
  });

  it("reads above 1 when moves persist and below 1 when they revert", () => {
    const rand = lcg(11);
    const persistent = ratioOf((_, prev) => (rand() < 0.8 ? Math.sign(prev || 1) : -Math.sign(prev || 1)) * 1e-4);
    const bouncing = ratioOf((_, prev) => (rand() < 0.8 ? -Math.sign(prev || 1) : Math.sign(prev || 1)) * 1e-4);
    expect(persistent).toBeGreaterThan(1.5);
    expect(bouncing).toBeLessThan(0.6);
  });

  it("is null while warming up and on a price that never moves", () => {
    expect(ratioOf(() => 1e-4, 50)).toBeNull();
    expect(ratioOf(() => 0, 600)).toBeNull();
  });

  it("rebuilds exactly from its state", () => {
    const rand = lcg(3);
    const a = new VarianceRatio(10, 300);
    let p = 100;
    for (let i = 0; i < 200; i++) a.add((p *= 1 + (rand() - 0.5) * 1e-3));
    const b = VarianceRatio.restore(JSON.parse(JSON.stringify(a.getState())));
    for (let i = 0; i < 200; i++) {
      const x = (p *= 1 + (rand() - 0.5) * 1e-3);
      a.add(x);
      b.add(x);
    }
    expect(b.value).toBe(a.value);
  });

  it("refuses a window that does not exceed its lag", () => {
    expect(() => new VarianceRatio(10, 10)).toThrow(/must exceed its lag/);
  });
});
