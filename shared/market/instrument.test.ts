import { describe, expect, it } from "vitest";
import { formatToStep, roundToStep, stepDecimals } from "./instrument";

describe("instrument rounding", () => {
  it("counts the decimals of a step", () => {
    expect([stepDecimals(0.001), stepDecimals(0.1), stepDecimals(5), stepDecimals(0.00000025)]).toEqual([3, 1, 0, 8]);
  });

  it("rounds sizes down onto the step without float noise", () => {
    expect(roundToStep(0.3, 0.1, "down")).toBe(0.3);
    expect(roundToStep(0.0049, 0.001, "down")).toBe(0.004);
    expect(roundToStep(1.23456, 0.001, "down")).toBe(1.234);
  });

  it("rounds prices to the nearest tick, or away from the market when asked", () => {
    expect(roundToStep(63943.94, 0.1)).toBe(63943.9);
    expect(roundToStep(63943.91, 0.1, "up")).toBe(63944);
    expect(roundToStep(0.123456789, 0.0001, "down")).toBe(0.1234);
  });

  it("formats with exactly the step's decimals", () => {
    expect(formatToStep(0.1 + 0.2, 0.001)).toBe("0.300");
    expect(formatToStep(25000, 0.1)).toBe("25000.0");
  });
});
