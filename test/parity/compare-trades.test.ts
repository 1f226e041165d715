import { describe, expect, it } from "vitest";
import { compareTrades, type ComparableTrade, type Tolerance } from "./compare-trades";

const TOL: Tolerance = { priceFraction: 0.0005, timeMs: 500, size: 0.001, score: 1e-9 };
const trade = (over: Partial<ComparableTrade> = {}): ComparableTrade => ({
  side: "long",
  entryTime: 1_000,
  exitTime: 61_000,
  entryPrice: 64_000,
  exitPrice: 64_050,
  size: 0.078,
  entryScore: 41.5,
  exitReason: "time_exit",
  ...over,
});

describe("compareTrades", () => {
  it("finds no difference between identical runs", () => {
    const r = compareTrades([trade(), trade({ side: "short" })], [trade(), trade({ side: "short" })], TOL);
    expect(r.differences).toEqual([]);
    expect(r.compared).toBe(2);
  });

  it("accepts prices and times within the tolerance and reports the largest gap", () => {
    const r = compareTrades([trade()], [trade({ entryPrice: 64_000 * 1.0004, exitTime: 61_300 })], TOL);
    expect(r.differences).toEqual([]);
    expect(r.maxPriceFraction).toBeCloseTo(0.0004, 10);
    expect(r.maxTimeMs).toBe(300);
  });

  it("flags a price beyond the tolerance, naming the trade and field", () => {
    const r = compareTrades([trade()], [trade({ exitPrice: 64_050 * 1.001 })], TOL);
    expect(r.differences).toHaveLength(1);
    expect(r.differences[0]).toMatch(/^trade 0 exitPrice:/);
  });

  it("flags a different exit reason and side", () => {
    const r = compareTrades([trade()], [trade({ exitReason: "stop_loss", side: "short" })], TOL);
    expect(r.differences.map((d) => d.split(":")[0])).toEqual(["trade 0 side", "trade 0 exitReason"]);
  });

  it("flags a different trade count and still compares the common prefix", () => {
    const r = compareTrades([trade(), trade()], [trade({ entryTime: 5_000 })], TOL);
    expect(r.compared).toBe(1);
    expect(r.differences[0]).toBe("trade count: backtest 2, stack 1");
    expect(r.differences[1]).toMatch(/^trade 0 entryTime:/);
  });

  it("flags a different entry score and a size beyond one step", () => {
    const r = compareTrades([trade()], [trade({ entryScore: 41.6, size: 0.076 })], TOL);
    expect(r.differences.map((d) => d.split(":")[0])).toEqual(["trade 0 size", "trade 0 entryScore"]);
  });

  it("treats a NaN field as a difference", () => {
    const r = compareTrades([trade()], [trade({ entryPrice: Number.NaN })], TOL);
    expect(r.differences).toHaveLength(1);
  });
});
