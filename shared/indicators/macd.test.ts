import { describe, expect, it } from "vitest";
import { MACD } from "technicalindicators";
import { Ema } from "./ema";
import { blankMacdResult, Macd, type MacdResult } from "./macd";
import { randomWalk, testIndicatorContract } from "./testing/indicator-contract";
import { testPeekContract } from "./testing/peek-contract";

testIndicatorContract({
  name: "Macd(3,7,2)",
  create: () => new Macd(3, 7, 2),
  restore: Macd.restore,
  inputs: randomWalk(60, 31),
  divergentInput: 123.456,
  warmup: 8,
  flatInputs: new Array(30).fill(100),
  tinyInputs: randomWalk(60, 32, 1e-8),
});

testIndicatorContract({
  name: "Macd(12,26,9)",
  create: () => new Macd(12, 26, 9),
  restore: Macd.restore,
  inputs: randomWalk(120, 33),
  divergentInput: 123.456,
  warmup: 34,
  flatInputs: new Array(60).fill(100),
  tinyInputs: randomWalk(120, 34, 1e-8),
});

function run(macd: Macd, prices: readonly number[]): (MacdResult | null)[] {
  return prices.map((x) => macd.add(x));
}

/** TA-Lib's batch alignment, spelled out with plain EMAs: the fast EMA skips slow-fast inputs. */
function batchReference(prices: readonly number[], fast: number, slow: number, signal: number): MacdResult[] {
  const fastEma = new Ema(fast);
  const slowEma = new Ema(slow);
  const signalEma = new Ema(signal);
  const out: MacdResult[] = [];
  prices.forEach((x, i) => {
    const s = slowEma.add(x);
    const f = i >= slow - fast ? fastEma.add(x) : null;
    if (s === null || f === null) return;
    const sig = signalEma.add(f - s);
    if (sig !== null) out.push({ macd: f - s, signal: sig, histogram: f - s - sig });
  });
  return out;
}

describe("Macd", () => {
  it("emits its first MACD(3,7,2) result at input index 7, all three outputs together", () => {
    const out = run(new Macd(3, 7, 2), randomWalk(20, 35));
    expect(out.findIndex((r) => r !== null)).toBe(7);
    expect(out.slice(7).every((r) => r !== null)).toBe(true);
  });

  it("emits its first MACD(12,26,9) result at input index 33", () => {
    const out = run(new Macd(12, 26, 9), randomWalk(60, 36));
    expect(out.findIndex((r) => r !== null)).toBe(33);
  });

  it("follows TA-Lib's alignment bit for bit (fast EMA seeded from inputs slow-fast..slow-1)", () => {
    const prices = randomWalk(500, 37, 65000);
    const ours = run(new Macd(12, 26, 9), prices).filter((r) => r !== null);
    expect(ours).toEqual(batchReference(prices, 12, 26, 9));
  });

  it("agrees with technicalindicators within 1e-9 once its different fast-EMA seed has decayed", () => {
    const prices = randomWalk(1000, 38, 100);
    const ours = run(new Macd(12, 26, 9), prices);
    const theirs = MACD.calculate({
      values: prices,
      fastPeriod: 12,
      slowPeriod: 26,
      signalPeriod: 9,
      SimpleMAOscillator: false,
      SimpleMASignal: false,
    });
    const offset = prices.length - theirs.length;
    for (let i = 260; i < prices.length; i++) {
      const a = ours[i] as MacdResult;
      const b = theirs[i - offset];
      expect(Math.abs(a.macd - (b.MACD as number))).toBeLessThan(1e-9);
      expect(Math.abs(a.signal - (b.signal as number))).toBeLessThan(1e-9);
      expect(Math.abs(a.histogram - (b.histogram as number))).toBeLessThan(1e-9);
    }
  });

  it("gives histogram = macd - signal", () => {
    const out = run(new Macd(3, 7, 2), randomWalk(40, 39)).filter((r) => r !== null);
    out.forEach((r) => expect(r.histogram).toBe(r.macd - r.signal));
  });

  it("swaps fast and slow when given in the wrong order", () => {
    const prices = randomWalk(80, 40);
    expect(run(new Macd(26, 12, 9), prices)).toEqual(run(new Macd(12, 26, 9), prices));
  });

  it("reads zero on a flat series", () => {
    const out = run(new Macd(3, 7, 2), new Array(20).fill(42)).filter((r) => r !== null);
    out.forEach((r) => expect(r).toEqual({ macd: 0, signal: 0, histogram: 0 }));
  });

  it("refuses a fast or slow period below 2", () => {
    expect(() => new Macd(1, 26, 9)).toThrow(/Macd fast period/);
    expect(() => new Macd(12, 26, 0)).toThrow(/Macd signal period/);
  });
});

for (const [fast, slow, signal] of [
  [3, 7, 2],
  [12, 26, 9],
  [2, 3, 1],
] as const) {
  testPeekContract({
    name: `Macd(${fast}, ${slow}, ${signal})`,
    create: () => new Macd(fast, slow, signal),
    clone: (m) => Macd.restore(JSON.parse(JSON.stringify(m.getState()))),
    add: (m, x) => m.add(x),
    replace: (m, x) => m.replace(x),
    peek: (m, x) => {
      const out = blankMacdResult();
      return m.peekInto(x, out) ? { ...out } : null;
    },
    read: (m) => m.result,
    state: (m) => m.getState(),
  });
}
