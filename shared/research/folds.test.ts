import { describe, expect, it } from "vitest";
import { walkForwardFolds } from "./folds";

describe("walkForwardFolds", () => {
  it("cuts the span into K+1 equal segments and tests each fold on the segment after its training", () => {
    const folds = walkForwardFolds({ from: 1000, to: 1400 }, 3);
    expect(folds).toEqual([
      { index: 0, train: { from: 1000, to: 1100 }, test: { from: 1100, to: 1200 } },
      { index: 1, train: { from: 1100, to: 1200 }, test: { from: 1200, to: 1300 } },
      { index: 2, train: { from: 1200, to: 1300 }, test: { from: 1300, to: 1400 } },
    ]);
  });

  it("grows the train window from the start in anchored mode", () => {
    const folds = walkForwardFolds({ from: 0, to: 300 }, 2, "anchored");
    expect(folds.map((f) => f.train)).toEqual([
      { from: 0, to: 100 },
      { from: 0, to: 200 },
    ]);
    expect(folds.map((f) => f.test)).toEqual([
      { from: 100, to: 200 },
      { from: 200, to: 300 },
    ]);
  });

  it("covers the span exactly with test windows that never overlap their training", () => {
    const span = { from: 17, to: 100_003 };
    const folds = walkForwardFolds(span, 4);
    expect(folds[0].train.from).toBe(span.from);
    expect(folds[3].test.to).toBe(span.to);
    for (const f of folds) expect(f.train.to).toBeLessThanOrEqual(f.test.from);
    for (let i = 1; i < folds.length; i++) expect(folds[i].test.from).toBe(folds[i - 1].test.to);
  });

  it("refuses zero folds and a span too short to cut", () => {
    expect(() => walkForwardFolds({ from: 0, to: 100 }, 0)).toThrow(RangeError);
    expect(() => walkForwardFolds({ from: 0, to: 2 }, 2)).toThrow(/cannot be cut into 3 segments/);
  });
});
