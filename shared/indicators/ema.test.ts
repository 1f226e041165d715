import { describe, expect, it } from "vitest";
import { EMA } from "technicalindicators";
import { Ema } from "./ema";
import { randomWalk, testIndicatorContract } from "./testing/indicator-contract";
import { testPeekContract } from "./testing/peek-contract";

testIndicatorContract({
  name: "Ema(7)",
  create: () => new Ema(7),
  restore: Ema.restore,
  inputs: randomWalk(60, 11),
  divergentInput: 123.456,
  warmup: 7,
  flatInputs: new Array(30).fill(100),
  tinyInputs: randomWalk(60, 12, 1e-8),
});

describe("Ema", () => {
  it("seeds with the SMA of the first n inputs, then smooths with k = 2/(n+1)", () => {
    const ema = new Ema(3);
    const out = [2, 4, 6, 10].map((x) => ema.add(x));
    expect(out).toEqual([null, null, 4, 7]);
  });

  it("matches technicalindicators bit for bit, which seeds with the SMA like TA-Lib", () => {
    for (const period of [3, 7, 30]) {
      const prices = randomWalk(3000, period, 65000);
      const ema = new Ema(period);
      const ours = prices.map((x) => ema.add(x)).filter((v) => v !== null);
      expect(ours).toEqual(EMA.calculate({ period, values: prices }));
    }
  });

  it("stays equal to a flat price", () => {
    const ema = new Ema(5);
    const out = new Array(20).fill(0.1).map((x: number) => ema.add(x));
    expect(out.slice(4).every((v) => v === 0.1)).toBe(true);
  });

  it("refuses a period below 1", () => {
    expect(() => new Ema(0)).toThrow(/Ema period/);
  });
});

for (const period of [1, 3, 10]) {
  testPeekContract({
    name: `Ema(${period})`,
    create: () => new Ema(period),
    clone: (e) => Ema.restore(JSON.parse(JSON.stringify(e.getState()))),
    add: (e, x) => e.add(x),
    replace: (e, x) => e.replace(x),
    peek: (e, x) => {
      const v = e.peek(x);
      return Number.isNaN(v) ? null : v;
    },
    read: (e) => e.result,
    state: (e) => e.getState(),
  });
}
