import { describe, expect, it } from "vitest";
import { averageRanks, CorrelationSums, pearson, spearman } from "./rank-ic";

describe("averageRanks", () => {
  it("gives ties the mean of the ranks they span", () => {
    expect([...averageRanks([5, 1, 5])]).toEqual([2.5, 1, 2.5]);
    expect([...averageRanks([3, 3, 3, 3])]).toEqual([2.5, 2.5, 2.5, 2.5]);
    expect([...averageRanks([0, -1, 0, 2, -1])]).toEqual([3.5, 1.5, 3.5, 5, 1.5]);
  });

  it("ranks distinct values 1..n in order", () => {
    expect([...averageRanks([0.3, -2, 10, 4])]).toEqual([2, 1, 4, 3]);
  });
});

describe("spearman", () => {
  it("is 1 for any increasing transform and -1 for any decreasing one", () => {
    const x = [0.1, 3, -2, 7, 5];
    expect(
      spearman(
        x,
        x.map((v) => Math.exp(v)),
      ),
    ).toBeCloseTo(1, 12);
    expect(
      spearman(
        x,
        x.map((v) => -(v ** 3)),
      ),
    ).toBeCloseTo(-1, 12);
  });

  it("matches the hand-computed value with ties in both series", () => {
    // ranks x: [1.5, 1.5, 3, 4], ranks y: [1, 2.5, 2.5, 4]; Pearson of the ranks.
    const rx = [1.5, 1.5, 3, 4];
    const ry = [1, 2.5, 2.5, 4];
    const mx = 2.5;
    const my = 2.5;
    const num = rx.reduce((s, v, i) => s + (v - mx) * (ry[i] - my), 0);
    const den = Math.sqrt(rx.reduce((s, v) => s + (v - mx) ** 2, 0) * ry.reduce((s, v) => s + (v - my) ** 2, 0));
    expect(spearman([1, 1, 2, 3], [10, 20, 20, 30])).toBeCloseTo(num / den, 12);
    expect(num / den).toBeCloseTo(0.8333333333, 9);
  });

  it("is NaN when one side is constant: a signal that never moves ranks nothing", () => {
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(pearson([1], [2])).toBeNaN();
  });

  it("refuses series of different lengths", () => {
    expect(() => pearson([1, 2], [1])).toThrow(RangeError);
  });
});

describe("CorrelationSums", () => {
  it("keeps its precision far from 0 (ranks in the millions)", () => {
    const m = new CorrelationSums();
    const base = 1e7;
    for (let i = 0; i < 1000; i++) m.add(base + i, base + 2 * i + (i % 2));
    expect(m.correlation()).toBeCloseTo(
      pearson(
        Array.from({ length: 1000 }, (_, i) => i),
        Array.from({ length: 1000 }, (_, i) => 2 * i + (i % 2)),
      ),
      9,
    );
  });
});
