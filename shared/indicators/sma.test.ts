import { describe, expect, it } from "vitest";
import { SMA } from "technicalindicators";
import { Sma } from "./sma";
import { randomWalk, testIndicatorContract } from "./testing/indicator-contract";

testIndicatorContract({
  name: "Sma(5)",
  create: () => new Sma(5),
  restore: Sma.restore,
  inputs: randomWalk(60, 1),
  divergentInput: 123.456,
  warmup: 5,
  flatInputs: new Array(30).fill(100),
  tinyInputs: randomWalk(60, 2, 1e-8),
});

describe("Sma", () => {
  it("averages the last n inputs", () => {
    const sma = new Sma(3);
    expect([1, 2, 3, 4, 5].map((x) => sma.add(x))).toEqual([null, null, 2, 3, 4]);
  });

  it("matches technicalindicators bit for bit (same operation order as TA-Lib)", () => {
    const prices = randomWalk(2000, 7, 65000);
    const sma = new Sma(20);
    const ours = prices.map((x) => sma.add(x)).filter((v) => v !== null);
    expect(ours).toEqual(SMA.calculate({ period: 20, values: prices }));
  });

  it("refuses a period below 1", () => {
    expect(() => new Sma(0)).toThrow(/Sma period/);
  });
});
