import { describe, expect, it } from "vitest";
import { Ema } from "./ema";
import { blankEmaCrossResult, EmaCross, EmaCrossSet, type EmaCrossResult } from "./ema-cross";
import { randomWalk, testIndicatorContract } from "./testing/indicator-contract";
import { testPeekContract } from "./testing/peek-contract";

testIndicatorContract({
  name: "EmaCross(3,7)",
  create: () => new EmaCross(3, 7),
  restore: EmaCross.restore,
  inputs: randomWalk(80, 61, 100, 0.01),
  divergentInput: 123.456,
  warmup: 7,
  flatInputs: new Array(30).fill(100),
  tinyInputs: randomWalk(80, 62, 1e-8),
});

testIndicatorContract({
  name: "EmaCrossSet([3,7],[5,15],[10,30])",
  create: () => new EmaCrossSet(),
  restore: EmaCrossSet.restore,
  inputs: randomWalk(150, 63, 100, 0.01),
  divergentInput: 123.456,
  warmup: 30,
  flatInputs: new Array(60).fill(100),
  tinyInputs: randomWalk(150, 64, 1e-8),
});

const down = (n: number, from = 100) => Array.from({ length: n }, (_, i) => from - i);
const up = (n: number, from: number) => Array.from({ length: n }, (_, i) => from + i + 1);

function run(ec: EmaCross, prices: readonly number[]): (EmaCrossResult | null)[] {
  return prices.map((x) => ec.add(x));
}

describe("EmaCross", () => {
  it("reports the TA-Lib-exact fast and slow EMAs and the sign of their difference", () => {
    const prices = randomWalk(50, 65, 100, 0.01);
    const fast = new Ema(3);
    const slow = new Ema(7);
    const out = run(new EmaCross(3, 7), prices);
    prices.forEach((x, i) => {
      const f = fast.add(x);
      const s = slow.add(x);
      if (s === null) return expect(out[i]).toBeNull();
      expect(out[i]).toMatchObject({ fast: f, slow: s, state: Math.sign((f as number) - s) });
      expect(Math.abs((f as number) - s)).toBeGreaterThan(1e-9);
    });
  });

  it("fires a fresh cross exactly once when a downtrend turns into an uptrend", () => {
    const prices = [...down(30), ...up(30, 71)];
    const results = run(new EmaCross(3, 7), prices).filter((r) => r !== null);
    const crosses = results.filter((r) => r.cross !== 0);
    expect(crosses).toHaveLength(1);
    expect(crosses[0]).toMatchObject({ cross: 1, state: 1 });
    expect(results[0].state).toBe(-1);
  });

  it("fires a downward cross when an uptrend turns down", () => {
    const prices = [...up(30, 0), ...down(30, 30)];
    const crosses = run(new EmaCross(3, 7), prices).filter((r) => r !== null && r.cross !== 0);
    expect(crosses.map((r) => r?.cross)).toEqual([-1]);
  });

  it("does not count the first result as a cross", () => {
    const results = run(new EmaCross(3, 7), up(7, 0));
    expect(results[6]).toMatchObject({ state: 1, cross: 0 });
  });

  it("withdraws a cross when a forming bar is revised back to the old side", () => {
    const ec = new EmaCross(3, 7);
    run(ec, down(20));
    const crossed = ec.replace(200);
    expect(crossed).toMatchObject({ state: 1, cross: 1 });
    expect(ec.replace(80)).toMatchObject({ state: -1, cross: 0 });
    expect(ec.add(200)).toMatchObject({ state: 1, cross: 1 });
  });

  it("reads state 0 and no cross on a flat series, even when the seeds differ by rounding", () => {
    const results = run(new EmaCross(3, 7), new Array(20).fill(0.1)).filter((r) => r !== null);
    expect(results.some((r) => r.fast !== r.slow)).toBe(true);
    results.forEach((r) => expect(r).toMatchObject({ state: 0, cross: 0 }));
  });

  it("reads a real gap as a side at ~1e-8 prices (the tie band is relative)", () => {
    const prices = [...down(30, 100), ...up(10, 70)].map((p) => p * 1e-10);
    const results = run(new EmaCross(3, 7), prices).filter((r) => r !== null);
    expect(results[0].state).toBe(-1);
    expect(results[results.length - 1].state).toBe(1);
  });

  it("refuses a slow period that is not longer than the fast one", () => {
    expect(() => new EmaCross(7, 7)).toThrow(/slow period/);
  });
});

describe("EmaCrossSet", () => {
  it("builds on read after update and revise exactly what add and replace return", () => {
    const eager = new EmaCrossSet([
      [2, 5],
      [3, 8],
    ]);
    const lazy = new EmaCrossSet([
      [2, 5],
      [3, 8],
    ]);
    for (let i = 0; i < 400; i++) {
      const x = 100 + 5 * Math.sin(i / 7) + (i % 3);
      const want = i % 4 === 0 ? eager.add(x) : eager.replace(x);
      if (i % 4 === 0) lazy.update(x);
      else lazy.revise(x);
      if (i % 5 === 0) expect(lazy.result).toEqual(want);
    }
    expect(lazy.result).toEqual(eager.result);
    expect(lazy.result?.pairs).toHaveLength(2);
  });

  it("agrees on -1 in a steady downtrend", () => {
    const set = new EmaCrossSet();
    const out = down(40).map((x) => set.add(x));
    expect(out[28]).toBeNull();
    expect(out[39]?.agree).toBe(-1);
    expect(out[39]?.pairs.map((p) => p.state)).toEqual([-1, -1, -1]);
  });

  it("gives agree 0 when the pairs disagree", () => {
    const set = new EmaCrossSet();
    const prices = [...down(60), ...up(4, 41)];
    const last = prices.map((x) => set.add(x))[prices.length - 1];
    expect(last?.pairs[0].state).toBe(1);
    expect(last?.pairs[2].state).toBe(-1);
    expect(last?.agree).toBe(0);
  });

  it("gives agree 0 when every pair reads 0 on a flat series", () => {
    const set = new EmaCrossSet([[2, 4]]);
    const out = new Array(10).fill(5).map((x: number) => set.add(x));
    expect(out[9]).toMatchObject({ agree: 0 });
  });

  it("uses the pairs it is given, in order", () => {
    const set = new EmaCrossSet([
      [2, 5],
      [3, 9],
    ]);
    const prices = randomWalk(20, 66);
    const out = prices.map((x) => set.add(x));
    expect(out[7]).toBeNull();
    const solo = new EmaCross(2, 5);
    const expected = prices.map((x) => solo.add(x));
    expect(out[19]?.pairs[0]).toEqual(expected[19]);
  });

  it("refuses an empty pair list", () => {
    expect(() => new EmaCrossSet([])).toThrow(/at least one pair/);
  });
});

testPeekContract({
  name: "EmaCross(3, 7)",
  create: () => new EmaCross(3, 7),
  clone: (e) => EmaCross.restore(JSON.parse(JSON.stringify(e.getState()))),
  add: (e, x) => e.add(x),
  replace: (e, x) => e.replace(x),
  peek: (e, x) => {
    const out = blankEmaCrossResult();
    return e.peekInto(x, out) ? { ...out } : null;
  },
  read: (e) => e.result,
  state: (e) => e.getState(),
});

testPeekContract({
  name: "EmaCrossSet(3/7, 5/15, 10/30)",
  create: () => new EmaCrossSet(),
  clone: (e) => EmaCrossSet.restore(JSON.parse(JSON.stringify(e.getState()))),
  add: (e, x) => e.add(x),
  replace: (e, x) => e.replace(x),
  peek: (e, x) => {
    const out = { pairs: [blankEmaCrossResult(), blankEmaCrossResult(), blankEmaCrossResult()], agree: 0 as const };
    return e.peekInto(x, out) ? { pairs: out.pairs.map((p) => ({ ...p })), agree: out.agree } : null;
  },
  read: (e) => e.result,
  state: (e) => e.getState(),
});
