import { describe, expect, it } from "vitest";
import { defaultConfig } from "../config/config";
import { FAMILIES, type Family } from "../strategy/types";
import { rankImportance, suggestWeights } from "./importance";

const each = (f: (family: Family, i: number) => number) =>
  Object.fromEntries(FAMILIES.map((x, i) => [x, f(x, i)])) as Record<Family, number>;

describe("rankImportance", () => {
  it("measures each drop from the baseline and ranks the largest mean drop first", () => {
    const ablated = each((f) => (f === "macd" ? 40 : f === "rsi" ? 120 : 100));
    const permuted = Object.fromEntries(FAMILIES.map((f) => [f, f === "macd" ? [50, 70] : [100]])) as Record<
      Family,
      number[]
    >;
    const ranked = rankImportance(100, ablated, permuted);
    expect(ranked[0]).toEqual({ family: "macd", ablation: 60, permutation: 40, importance: 50, rank: 1 });
    expect(ranked[ranked.length - 1]).toMatchObject({
      family: "rsi",
      ablation: -20,
      permutation: 0,
      importance: -10,
      rank: 9,
    });
    expect(ranked.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("keeps the plan's family order among ties", () => {
    const flat = rankImportance(
      0,
      each(() => 0),
      Object.fromEntries(FAMILIES.map((f) => [f, [0]])) as Record<Family, number[]>,
    );
    expect(flat.map((r) => r.family)).toEqual([...FAMILIES]);
  });

  it("refuses a family without a permutation result", () => {
    const permuted = Object.fromEntries(FAMILIES.map((f) => [f, f === "vwap" ? [] : [1]])) as Record<Family, number[]>;
    expect(() =>
      rankImportance(
        0,
        each(() => 0),
        permuted,
      ),
    ).toThrow(/vwap/);
  });
});

describe("suggestWeights", () => {
  const current = defaultConfig().weights;
  const effects = (f: (family: Family) => number) =>
    FAMILIES.map((family, i) => ({
      family,
      ablation: f(family),
      permutation: f(family),
      importance: f(family),
      rank: i + 1,
    }));

  it("sums to 1, stays within the bounds and moves weight towards the important families", () => {
    const w = suggestWeights(
      current,
      effects((f) => (f === "orderFlow" ? 30 : f === "rsi" ? 10 : -5)),
    );
    const values = FAMILIES.map((f) => w[f]);
    expect(values.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    for (const v of values) {
      expect(v).toBeGreaterThanOrEqual(0.02 - 1e-4);
      expect(v).toBeLessThanOrEqual(0.4 + 1e-4);
    }
    expect(w.orderFlow).toBeGreaterThan(current.orderFlow);
    expect(w.rsi).toBeGreaterThan(w.macd);
    expect(w.macd).toBeLessThan(current.macd);
  });

  it("returns the current weights normalised when nothing helped", () => {
    const w = suggestWeights(
      { ...current, rsi: 0.3 },
      effects(() => -1),
    );
    const total = FAMILIES.reduce((s, f) => s + current[f], 0) + 0.15;
    expect(w.rsi).toBeCloseTo(0.3 / total, 4);
    expect(w.macd).toBeCloseTo(0.15 / total, 4);
  });

  it("is accepted by the config schema as a weights block", async () => {
    const { patchConfig } = await import("../config/config");
    const w = suggestWeights(
      current,
      effects((f) => (f === "ema" ? 5 : 0)),
    );
    expect(patchConfig(defaultConfig(), { weights: w }).ok).toBe(true);
  });
});
