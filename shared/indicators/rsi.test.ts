import { describe, expect, it } from "vitest";
import { RSI } from "technicalindicators";
import { Rsi } from "./rsi";
import { randomWalk, testIndicatorContract } from "./testing/indicator-contract";
import { testPeekContract } from "./testing/peek-contract";

testIndicatorContract({
  name: "Rsi(14)",
  create: () => new Rsi(14),
  restore: Rsi.restore,
  inputs: randomWalk(80, 21),
  divergentInput: 123.456,
  warmup: 15,
  flatInputs: new Array(40).fill(100),
  tinyInputs: randomWalk(80, 22, 1e-8),
});

function run(period: number, prices: readonly number[]): (number | null)[] {
  const rsi = new Rsi(period);
  return prices.map((x) => rsi.add(x));
}

describe("Rsi", () => {
  it("agrees with technicalindicators within its 2-decimal rounding", () => {
    for (const period of [2, 14]) {
      const prices = randomWalk(3000, period, 100);
      const ours = run(period, prices).filter((v) => v !== null);
      const theirs = RSI.calculate({ period, values: prices });
      expect(ours.length).toBe(theirs.length);
      ours.forEach((v, i) => expect(Math.abs(v - theirs[i])).toBeLessThanOrEqual(0.005 + 1e-9));
    }
  });

  it("reads 50 on a perfectly flat window, where TA-Lib would say 0", () => {
    const out = run(5, new Array(12).fill(0.1));
    expect(out.slice(5)).toEqual(new Array(7).fill(50));
  });

  it("reads 100 when every change is a gain and 0 when every change is a loss", () => {
    expect(run(3, [1, 2, 3, 4, 5]).slice(3)).toEqual([100, 100]);
    expect(run(3, [5, 4, 3, 2, 1]).slice(3)).toEqual([0, 0]);
  });

  it("keeps its reading at ~1e-8 prices, with no absolute epsilon swallowing the moves", () => {
    const prices = randomWalk(500, 23, 100);
    const normal = run(14, prices);
    const tiny = run(
      14,
      prices.map((p) => p * 1e-10),
    );
    tiny.forEach((v, i) => {
      if (v === null) return expect(normal[i]).toBeNull();
      expect(Math.abs(v - (normal[i] as number))).toBeLessThan(1e-9);
    });
    expect(new Set(tiny.slice(14)).size).toBeGreaterThan(100);
  });

  it("refuses a period below 2, as TA-Lib does", () => {
    expect(() => new Rsi(1)).toThrow(/Rsi period/);
  });
});

for (const period of [2, 5, 14]) {
  testPeekContract({
    name: `Rsi(${period})`,
    create: () => new Rsi(period),
    clone: (r) => Rsi.restore(JSON.parse(JSON.stringify(r.getState()))),
    add: (r, x) => r.add(x),
    replace: (r, x) => r.replace(x),
    peek: (r, x) => r.peek(x),
    read: (r) => r.result,
    state: (r) => r.getState(),
  });
}
