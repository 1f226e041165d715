import { describe, expect, it } from "vitest";
import { ablationTransform, permutationTransform, recordingTransform } from "./sub-score-transforms";

describe("sub-score transforms", () => {
  it("silences only the ablated family", () => {
    const t = ablationTransform("rsi");
    expect(t("rsi", 0.7, 1)).toBe(0);
    expect(t("macd", 0.7, 1)).toBe(0.7);
  });

  it("records every value in order and changes none", () => {
    const r = recordingTransform();
    expect(r.transform("vwap", 0.1, 1)).toBe(0.1);
    expect(r.transform("vwap", -0.3, 2)).toBe(-0.3);
    expect(r.transform("ema", 1, 2)).toBe(1);
    expect(r.series.vwap).toEqual([0.1, -0.3]);
    expect(r.series.ema).toEqual([1]);
    expect(r.series.rsi).toEqual([]);
  });

  it("hands out a seeded permutation of the recording, cycling past its end, to one family only", () => {
    const recorded = Array.from({ length: 20 }, (_, i) => i / 20);
    const a = permutationTransform("ema", recorded, 5);
    const b = permutationTransform("ema", recorded, 5);
    const outA = recorded.map(() => a("ema", 99, 0));
    expect(recorded.map(() => b("ema", 99, 0))).toEqual(outA);
    expect([...outA].sort((x, y) => x - y)).toEqual(recorded);
    expect(outA).not.toEqual(recorded);
    expect(a("ema", 99, 0)).toBe(outA[0]);
    expect(a("rsi", 0.42, 0)).toBe(0.42);
  });

  it("leaves the family alone when nothing was recorded", () => {
    expect(permutationTransform("ema", [], 1)("ema", 0.3, 0)).toBe(0.3);
  });
});
