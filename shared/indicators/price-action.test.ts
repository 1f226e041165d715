import { describe, expect, it } from "vitest";
import type { Bar } from "../market/bar";
import { PriceAction, type PriceActionResult } from "./price-action";
import { expectExactRevisions, roughenBar } from "./testing/exact-revisions";
import { testIndicatorContract } from "./testing/indicator-contract";
import { walkBars } from "./testing/walk-bars";

/** Bars 1 s apart closing at each mid, with high = mid + half and low = mid − half. */
function midBars(mids: number[], half = 0.5): Bar[] {
  return mids.map((m, i) => ({
    start: i * 1000,
    open: m,
    high: m + half,
    low: m - half,
    close: m,
    volume: 1,
    buyVolume: 0.5,
    sellVolume: 0.5,
    trades: 1,
    vwap: m,
  }));
}

function run(mids: number[], options = {}, half = 0.5): (PriceActionResult | null)[] {
  const pa = new PriceAction(options);
  return midBars(mids, half).map((b) => pa.add(b));
}

function lastOf(results: (PriceActionResult | null)[]): PriceActionResult | null {
  return results[results.length - 1];
}

const rising = [100, 102, 104, 102, 100, 102, 106, 104, 102, 104, 108, 106, 104, 106, 108];
const flat = midBars(new Array(40).fill(100), 0);

testIndicatorContract({
  name: "PriceAction(2, 0.1%)",
  create: () => new PriceAction({ doubleTolerancePct: 0.1 }),
  restore: PriceAction.restore,
  inputs: walkBars(400, 21),
  divergentInput: { ...midBars([500])[0], start: 7000, low: 0.5 },
  warmup: 5,
  flatInputs: flat,
  tinyInputs: walkBars(400, 22, 1e-8),
});

describe("PriceAction", () => {
  it("reads higher highs and higher lows as an uptrend", () => {
    const r = lastOf(run(rising));
    expect(r).toMatchObject({ trend: 1, lastSwingHigh: 108.5, lastSwingLow: 103.5 });
  });

  it("reads lower highs and lower lows as a downtrend", () => {
    const r = lastOf(run(rising.map((m) => 200 - m)));
    expect(r).toMatchObject({ trend: -1, lastSwingHigh: 96.5, lastSwingLow: 91.5 });
  });

  it("reads a higher high with a lower low as no trend", () => {
    const r = lastOf(run([100, 102, 104, 102, 100, 102, 104, 106, 104, 100, 98, 100, 102]));
    expect(r).toMatchObject({ trend: 0, lastSwingHigh: 106.5, lastSwingLow: 97.5 });
  });

  it("has no trend before two swings of each kind", () => {
    const r = lastOf(run([100, 102, 104, 102, 100, 102, 104]));
    expect(r).toMatchObject({ trend: 0, lastSwingHigh: 104.5, lastSwingLow: 99.5 });
  });

  it("flags a double top within the tolerance once price closes below both tops", () => {
    const results = run([100, 102, 104, 102, 100, 102, 104.02, 102, 101]);
    expect(results[7]?.doubleTop).toBe(false);
    expect(results[8]).toMatchObject({ doubleTop: true, lastSwingHigh: 104.52 });
  });

  it("does not flag a double top outside the tolerance", () => {
    const results = run([100, 102, 104, 102, 100, 102, 104.2, 102, 101]);
    expect(results[8]).toMatchObject({ doubleTop: false, lastSwingHigh: 104.7 });
  });

  it("drops the double top once price closes back above a top", () => {
    const results = run([100, 102, 104, 102, 100, 102, 104.02, 102, 101, 104.6]);
    expect(results[8]?.doubleTop).toBe(true);
    expect(results[9]?.doubleTop).toBe(false);
  });

  it("flags a double top at prices near 1e-8 with the same relative tolerance", () => {
    const mids = [100, 102, 104, 102, 100, 102, 104.02, 102, 101].map((m) => m * 1e-10);
    expect(lastOf(run(mids, {}, 0.5e-10))?.doubleTop).toBe(true);
  });

  it("flags a double bottom within the tolerance and not outside it", () => {
    const near = run([104, 102, 100, 102, 104, 102, 99.98, 102, 103]);
    const far = run([104, 102, 100, 102, 104, 102, 99.8, 102, 103]);
    expect(near[8]).toMatchObject({ doubleBottom: true, doubleTop: false, lastSwingLow: 99.48 });
    expect(far[8]?.doubleBottom).toBe(false);
  });

  it("fires a break of structure once, on the first close above the swing high", () => {
    const bos = run([100, 102, 104, 102, 100, 102, 104, 105, 106, 105, 104, 107]).map((r) => r?.breakOfStructure);
    expect(bos.slice(4)).toEqual([0, 0, 0, 1, 0, 0, 0, 1]);
  });

  it("fires a downward break of structure on the first close below the swing low", () => {
    const bos = run([104, 102, 100, 102, 104, 102, 100, 99, 98, 99]).map((r) => r?.breakOfStructure);
    expect(bos.slice(4)).toEqual([0, 0, 0, -1, 0, 0]);
  });

  it("withdraws a break of structure when the forming bar is revised back below", () => {
    const pa = new PriceAction();
    midBars([100, 102, 104, 102, 100, 102]).forEach((b) => pa.add(b));
    const [crossing, back, later] = midBars([100, 102, 104, 102, 100, 102, 105, 104, 105]).slice(6);
    expect(pa.add(crossing)?.breakOfStructure).toBe(1);
    expect(pa.replace({ ...back, start: crossing.start })?.breakOfStructure).toBe(0);
    expect(pa.add(later)?.breakOfStructure).toBe(1);
  });

  it("stays neutral on flat bars", () => {
    const pa = new PriceAction();
    flat
      .map((b) => pa.add(b))
      .slice(4)
      .forEach((r) =>
        expect(r).toEqual({
          trend: 0,
          lastSwingHigh: null,
          lastSwingLow: null,
          doubleTop: false,
          doubleBottom: false,
          breakOfStructure: 0,
        }),
      );
  });

  it("sees trends and breaks both ways in the random-walk series", () => {
    const pa = new PriceAction({ doubleTolerancePct: 0.1 });
    const results = walkBars(400, 21).map((b) => pa.add(b));
    for (const v of [1, -1] as const) {
      expect(results.some((r) => r?.trend === v)).toBe(true);
      expect(results.some((r) => r?.breakOfStructure === v)).toBe(true);
    }
    expect(results.some((r) => r?.doubleTop)).toBe(true);
    expect(results.some((r) => r?.doubleBottom)).toBe(true);
  });

  it("revises every bar exactly, including bars that confirm swings or fire signals", () => {
    expectExactRevisions(() => new PriceAction({ doubleTolerancePct: 0.1 }), walkBars(400, 21), roughenBar);
  });

  it("refuses a negative tolerance", () => {
    expect(() => new PriceAction({ doubleTolerancePct: -1 })).toThrow(/doubleTolerancePct/);
  });
});
