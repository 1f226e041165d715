import { describe, expect, it } from "vitest";
import { RollingSum } from "./rolling-sum";
import { randomWalk, testIndicatorContract } from "./testing/indicator-contract";

testIndicatorContract({
  name: "RollingSum(7)",
  create: () => new RollingSum(7),
  restore: RollingSum.restore,
  inputs: randomWalk(80, 3),
  divergentInput: -42,
  warmup: 1,
  flatInputs: new Array(20).fill(5),
  tinyInputs: randomWalk(80, 4, 1e-8),
});

describe("RollingSum", () => {
  it("sums a partial window while warming up, then the last n inputs", () => {
    const r = new RollingSum(3);
    expect([1, 2, 3, 4].map((x) => r.add(x))).toEqual([
      { sum: 1, count: 1 },
      { sum: 3, count: 2 },
      { sum: 6, count: 3 },
      { sum: 9, count: 3 },
    ]);
  });

  it("stays exact to the brute-force sum over a long run", () => {
    const xs = randomWalk(20_000, 9, 1000);
    const r = new RollingSum(50);
    xs.forEach((x) => r.add(x));
    const brute = xs.slice(-50).reduce((a, b) => a + b, 0);
    expect(Math.abs((r.result?.sum ?? 0) - brute)).toBeLessThan(1e-9 * brute);
  });
});

describe("RollingSum replace across a resync", () => {
  it("gives the same sum as add would have, on the update that resums", () => {
    const xs = randomWalk(4200, 11, 1000);
    const a = new RollingSum(10);
    const b = new RollingSum(10);
    for (let i = 0; i < xs.length; i++) {
      a.add(xs[i]);
      b.add(-1);
      expect(b.replace(xs[i])).toEqual(a.result);
    }
  });
});
