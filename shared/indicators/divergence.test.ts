import { describe, expect, it } from "vitest";
import { Divergence, type DivergenceInput, type DivergenceOptions, type DivergenceResult } from "./divergence";
import { expectExactRevisions } from "./testing/exact-revisions";
import { randomWalk, testIndicatorContract } from "./testing/indicator-contract";
import { walkBars } from "./testing/walk-bars";

/** {@link walkBars} with a random-walk oscillator. */
function walkInputs(count: number, seed: number, start = 100): DivergenceInput[] {
  const oscillator = randomWalk(count, seed + 1000, 50, 0.05);
  return walkBars(count, seed, start).map((bar, i) => ({ bar, value: oscillator[i] }));
}

/** Bars 1 s apart around each mid (high = mid + 0.5, low = mid − 0.5), the oscillator at 50 unless given. */
function inputs(mids: number[], values: Record<number, number | null> = {}): DivergenceInput[] {
  return mids.map((m, i) => ({
    bar: {
      start: i * 1000,
      open: m,
      high: m + 0.5,
      low: m - 0.5,
      close: m,
      volume: 1,
      buyVolume: 0.5,
      sellVolume: 0.5,
      trades: 1,
      vwap: m,
    },
    value: i in values ? values[i] : 50,
  }));
}

function signals(series: DivergenceInput[], options: DivergenceOptions = {}): (DivergenceResult | null)[] {
  const d = new Divergence(options);
  return series.map((x) => d.add(x));
}

/** Swing highs at bar 2 (104.5) and bar 6 (106.5), the second confirmed on bar 8; then a slow fall. */
const higherHighs = [100, 102, 104, 102, 100, 102, 106, 104, 102, 101, 100.5, 100.2, 100.1];
const lowerLows = higherHighs.map((m) => 200 - m);

testIndicatorContract({
  name: "Divergence(2)",
  create: () => new Divergence(),
  restore: Divergence.restore,
  inputs: walkInputs(400, 41),
  divergentInput: { bar: { ...walkInputs(1, 9)[0].bar, high: 500, low: 0.5, close: 3 }, value: -40 },
  warmup: 5,
  flatInputs: inputs(new Array(40).fill(100)).map(({ bar }) => ({ bar: { ...bar, high: 100, low: 100 }, value: 50 })),
  tinyInputs: walkInputs(400, 42, 1e-8),
});

describe("Divergence", () => {
  it("flags a bearish divergence on the bar confirming a higher high with a lower oscillator", () => {
    const r = signals(inputs(higherHighs, { 2: 70, 6: 60 }));
    expect(r[7]).toEqual({ signal: 0, kind: null });
    expect(r[8]).toEqual({ signal: -1, kind: "bearish" });
  });

  it("holds the signal for strength + 1 bars by default", () => {
    const r = signals(inputs(higherHighs, { 2: 70, 6: 60 }));
    expect(r.slice(8, 12).map((x) => x?.signal)).toEqual([-1, -1, -1, 0]);
  });

  it("holds the signal for holdBars bars when given", () => {
    const r = signals(inputs(higherHighs, { 2: 70, 6: 60 }), { holdBars: 1 });
    expect(r.slice(8, 10).map((x) => x?.signal)).toEqual([-1, 0]);
  });

  it("reads the oscillator at the swing bars, not at the confirming bar", () => {
    const r = signals(inputs(higherHighs, { 2: 70, 6: 60, 8: 80 }));
    expect(r[8]?.signal).toBe(-1);
    expect(signals(inputs(higherHighs, { 2: 70, 6: 80, 8: 60 }))[8]?.signal).toBe(0);
  });

  it("flags a bullish divergence on a lower low with a higher oscillator", () => {
    const r = signals(inputs(lowerLows, { 2: 30, 6: 40 }));
    expect(r[8]).toEqual({ signal: 1, kind: "bullish" });
  });

  it("stays silent when the oscillator confirms the higher high", () => {
    const r = signals(inputs(higherHighs, { 2: 60, 6: 70 }));
    r.forEach((x) => expect(x?.signal ?? 0).toBe(0));
  });

  it("stays silent when the oscillator confirms the lower low", () => {
    const r = signals(inputs(lowerLows, { 2: 40, 6: 30 }));
    r.forEach((x) => expect(x?.signal ?? 0).toBe(0));
  });

  it("stays silent on equal oscillator readings", () => {
    const r = signals(inputs(higherHighs, { 2: 60, 6: 60 }));
    r.forEach((x) => expect(x?.signal ?? 0).toBe(0));
  });

  it("stays silent on a lower high, whatever the oscillator", () => {
    const lowerHigh = [100, 102, 106, 102, 100, 102, 104, 102, 101, 100.5];
    const r = signals(inputs(lowerHigh, { 2: 70, 6: 60 }));
    r.forEach((x) => expect(x?.signal ?? 0).toBe(0));
  });

  it("ignores a swing whose oscillator value was missing", () => {
    const r = signals(inputs(higherHighs, { 2: null, 6: 60 }));
    r.forEach((x) => expect(x?.signal ?? 0).toBe(0));
  });

  it("works at prices near 1e-8", () => {
    const tiny = inputs(higherHighs, { 2: 70, 6: 60 }).map(({ bar, value }) => ({
      bar: { ...bar, high: bar.high * 1e-10, low: bar.low * 1e-10, close: bar.close * 1e-10 },
      value,
    }));
    expect(signals(tiny)[8]?.signal).toBe(-1);
  });

  it("finds both kinds in the random-walk series", () => {
    const kinds = signals(walkInputs(400, 41)).map((r) => r?.kind);
    expect(kinds).toContain("bearish");
    expect(kinds).toContain("bullish");
  });

  it("revises every bar exactly, including bars that confirm swings or fire signals", () => {
    expectExactRevisions(
      () => new Divergence(),
      walkInputs(400, 41),
      (x) => ({ bar: { ...x.bar, high: x.bar.high * 1.001, low: x.bar.low * 0.999 }, value: (x.value ?? 0) + 5 }),
    );
  });

  it("refuses a holdBars below 1", () => {
    expect(() => new Divergence({ holdBars: 0 })).toThrow(/holdBars/);
  });
});
