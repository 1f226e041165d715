import { describe, expect, it } from "vitest";
import type { Bar } from "../market/bar";
import { Swings } from "./swings";
import { expectExactRevisions, roughenBar } from "./testing/exact-revisions";
import { testIndicatorContract } from "./testing/indicator-contract";
import { walkBars } from "./testing/walk-bars";

/** A hand-built bar number `i` with the given high and low. */
function hl(i: number, high: number, low: number): Bar {
  const close = (high + low) / 2;
  return {
    start: i * 1000,
    open: close,
    high,
    low,
    close,
    volume: 1,
    buyVolume: 0.5,
    sellVolume: 0.5,
    trades: 1,
    vwap: close,
  };
}

function feedHighs(swings: Swings, highs: number[]) {
  return highs.map((h, i) => swings.add(hl(i, h, h - 10)));
}

function feedLows(swings: Swings, lows: number[]) {
  return lows.map((l, i) => swings.add(hl(i, l + 10, l)));
}

const flat = Array.from({ length: 40 }, (_, i) => hl(i, 100, 100));

testIndicatorContract({
  name: "Swings(2, 4)",
  create: () => new Swings(),
  restore: Swings.restore,
  inputs: walkBars(300, 11),
  divergentInput: { ...hl(7, 1000, 0.5), close: 3 },
  warmup: 5,
  flatInputs: flat,
  tinyInputs: walkBars(300, 12, 1e-8),
});

describe("Swings", () => {
  it("confirms a swing high exactly strength bars after it", () => {
    const results = feedHighs(new Swings({ strength: 2 }), [1, 2, 3, 5, 4, 3, 2]);
    expect(results.slice(0, 4)).toEqual([null, null, null, null]);
    expect(results[4]?.newHigh).toBe(false);
    expect(results[5]?.newHigh).toBe(true);
    expect(results[5]?.highs).toEqual([{ price: 5, start: 3000, index: 3 }]);
    expect(results[6]?.newHigh).toBe(false);
    expect(results[6]?.highs).toHaveLength(1);
  });

  it("waits for strength bars on the right with a larger strength", () => {
    const results = feedHighs(new Swings({ strength: 3 }), [1, 2, 3, 9, 4, 3, 2, 1]);
    expect(results[5]).toBeNull();
    expect(results[6]?.newHigh).toBe(true);
    expect(results[6]?.highs[0].index).toBe(3);
  });

  it("does not take two equal highs for a swing high", () => {
    const swings = new Swings({ strength: 2 });
    feedHighs(swings, [1, 2, 5, 5, 3, 2, 1, 0]);
    expect(swings.result?.highs).toEqual([]);
  });

  it("does not take a high equal to one on its left for a swing high", () => {
    const swings = new Swings({ strength: 2 });
    feedHighs(swings, [5, 2, 5, 3, 2, 1]);
    expect(swings.result?.highs).toEqual([]);
  });

  it("confirms a swing low exactly strength bars after it", () => {
    const results = feedLows(new Swings({ strength: 2 }), [9, 8, 7, 4, 6, 7, 8]);
    expect(results[4]?.newLow).toBe(false);
    expect(results[5]?.newLow).toBe(true);
    expect(results[5]?.lows).toEqual([{ price: 4, start: 3000, index: 3 }]);
    expect(results[5]?.highs).toEqual([]);
  });

  it("does not take two equal lows for a swing low", () => {
    const swings = new Swings({ strength: 2 });
    feedLows(swings, [9, 8, 4, 4, 6, 7, 8]);
    expect(swings.result?.lows).toEqual([]);
  });

  it("keeps only the last keep swings, oldest first", () => {
    const swings = new Swings({ strength: 1, keep: 2 });
    feedHighs(swings, [1, 5, 1, 6, 1, 7, 1]);
    expect(swings.result?.highs.map((p) => p.price)).toEqual([6, 7]);
  });

  it("finds no swings at all on flat bars", () => {
    const swings = new Swings();
    const results = flat.map((b) => swings.add(b));
    results.slice(4).forEach((r) => expect(r).toMatchObject({ highs: [], lows: [], newHigh: false, newLow: false }));
  });

  it("finds swings at prices near 1e-8", () => {
    const results = feedHighs(
      new Swings(),
      [1, 2, 3, 5, 4, 3].map((h) => h * 1e-8 + 1e-7),
    );
    expect(results[5]?.highs[0].price).toBeCloseTo(1.5e-7, 15);
  });

  it("withdraws a swing when the forming bar that confirmed it is revised above it", () => {
    const swings = new Swings();
    feedHighs(swings, [1, 2, 3, 5, 4]);
    expect(swings.add(hl(5, 3, -7))?.newHigh).toBe(true);
    const revised = swings.replace(hl(5, 6, -4));
    expect(revised?.newHigh).toBe(false);
    expect(revised?.highs).toEqual([]);
  });

  it("does not mutate a result it handed out", () => {
    const swings = new Swings({ strength: 1, keep: 1 });
    const results = feedHighs(swings, [1, 5, 1, 1, 6, 1, 7, 1]);
    const first = results[2];
    expect(results[7]?.highs).toEqual([{ price: 7, start: 6000, index: 6 }]);
    expect(first?.highs).toEqual([{ price: 5, start: 1000, index: 1 }]);
  });

  it("finds both swing highs and lows in the random-walk series", () => {
    const swings = new Swings();
    const results = walkBars(300, 11).map((b) => swings.add(b));
    expect(results.filter((r) => r?.newHigh).length).toBeGreaterThan(10);
    expect(results.filter((r) => r?.newLow).length).toBeGreaterThan(10);
  });

  it("revises every bar exactly, including bars that confirm swings or fire signals", () => {
    expectExactRevisions(() => new Swings(), walkBars(300, 11), roughenBar);
  });

  it("refuses a strength or keep below 1", () => {
    expect(() => new Swings({ strength: 0 })).toThrow(/Swings strength/);
    expect(() => new Swings({ keep: 0 })).toThrow(/Swings keep/);
  });
});
