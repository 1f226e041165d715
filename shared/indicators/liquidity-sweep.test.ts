import { describe, expect, it } from "vitest";
import type { Bar } from "../market/bar";
import { LiquiditySweep, type LiquiditySweepOptions, type LiquiditySweepResult } from "./liquidity-sweep";
import { expectExactRevisions, roughenBar } from "./testing/exact-revisions";
import { testIndicatorContract } from "./testing/indicator-contract";
import { walkBars as walk } from "./testing/walk-bars";

/** Random-walk bars with occasional volume spikes, so sweeps can qualify. */
const walkBars = (count: number, seed: number, start = 100): Bar[] =>
  walk(count, seed, start, (u) => (u < 0.1 ? 10 + 100 * u : 1 + 4 * u));

/** Bar number `i` (start i s). */
function bar(i: number, high: number, low: number, close: number, volume = 1): Bar {
  return {
    start: i * 1000,
    open: close,
    high,
    low,
    close,
    volume,
    buyVolume: volume / 2,
    sellVolume: volume / 2,
    trades: 1,
    vwap: close,
  };
}

/** Reflects bars through 100 (a high becomes a low), keeping times and volumes. */
function mirror(bars: Bar[]): Bar[] {
  return bars.map((b) => ({
    ...b,
    open: 200 - b.open,
    high: 200 - b.low,
    low: 200 - b.high,
    close: 200 - b.close,
    vwap: 200 - b.vwap,
  }));
}

const LEAD = 30;

/**
 * 30 flat bars at 100 with volume 1, a swing high at 101 (bar 31, confirmed on bar 33), then a
 * bar at 34 s reaching 101.2 and staying above 101 until the bar at `closeBackAt` s closes at 100.8.
 */
function highSweep({ pierceVolume = 3, closeBackAt = 37, closeBackVolume = 1 } = {}): Bar[] {
  const bars = Array.from({ length: LEAD }, (_, i) => bar(i, 100, 100, 100));
  bars.push(
    bar(30, 100.5, 99.8, 100.2),
    bar(31, 101, 100, 100.5),
    bar(32, 100.6, 100, 100.3),
    bar(33, 100.4, 100, 100.1),
  );
  bars.push(bar(34, 101.2, 100.9, 101.1, pierceVolume));
  for (let i = 35; i < closeBackAt; i++) bars.push(bar(i, 101.15, 101.05, 101.1));
  bars.push(bar(closeBackAt, 101.1, 100.7, 100.8, closeBackVolume));
  for (let i = closeBackAt + 1; i < closeBackAt + 8; i++) bars.push(bar(i, 100.9, 100.7, 100.8));
  return bars;
}

function run(bars: Bar[], options: LiquiditySweepOptions = {}): (LiquiditySweepResult | null)[] {
  const sweep = new LiquiditySweep(options);
  return bars.map((b) => sweep.add(b));
}

function signalAt(results: (LiquiditySweepResult | null)[], bars: Bar[], seconds: number) {
  return results[bars.findIndex((b) => b.start === seconds * 1000)];
}

testIndicatorContract({
  name: "LiquiditySweep(defaults)",
  create: () => new LiquiditySweep(),
  restore: LiquiditySweep.restore,
  inputs: walkBars(500, 31),
  divergentInput: { ...bar(40, 500, 0.5, 3, 1000) },
  warmup: 31,
  flatInputs: Array.from({ length: 60 }, (_, i) => bar(i, 100, 100, 100, 0)),
  tinyInputs: walkBars(500, 32, 1e-8),
});

describe("LiquiditySweep", () => {
  it("fades a swept high with a volume surge that closes back within 10 s", () => {
    const bars = highSweep({ closeBackAt: 37 });
    const results = run(bars);
    expect(signalAt(results, bars, 36)?.signal).toBe(0);
    expect(signalAt(results, bars, 37)).toEqual({ signal: -1, level: 101, sweptAt: 37_000 });
  });

  it("counts a close back exactly 10 s after the piercing bar", () => {
    const bars = highSweep({ closeBackAt: 44 });
    expect(signalAt(run(bars), bars, 44)?.signal).toBe(-1);
  });

  it("takes a single bar that pierces and closes back as a sweep", () => {
    const bars = highSweep({ closeBackAt: 35 });
    bars[34] = bar(34, 101.2, 100.7, 100.9, 3);
    expect(signalAt(run(bars), bars, 34)).toEqual({ signal: -1, level: 101, sweptAt: 34_000 });
  });

  it("holds the signal for holdMs after the close back", () => {
    const bars = highSweep({ closeBackAt: 37 });
    const results = run(bars);
    expect([37, 38, 41, 42, 43].map((s) => signalAt(results, bars, s)?.signal)).toEqual([-1, -1, -1, 0, 0]);
  });

  it("gives nothing for the same sweep without a volume surge", () => {
    const bars = highSweep({ pierceVolume: 1.9 });
    expect(run(bars).map((r) => r?.signal ?? 0)).not.toContain(-1);
  });

  it("accepts the surge on any bar between the pierce and the close back", () => {
    const bars = highSweep({ pierceVolume: 1, closeBackVolume: 2 });
    expect(signalAt(run(bars), bars, 37)?.signal).toBe(-1);
  });

  it("gives nothing when price closes back more than 10 s after the pierce", () => {
    const bars = highSweep({ closeBackAt: 45 });
    expect(run(bars).map((r) => r?.signal ?? 0)).not.toContain(-1);
  });

  it("respects a different withinMs", () => {
    const bars = highSweep({ closeBackAt: 40 });
    expect(run(bars, { withinMs: 5_000 }).map((r) => r?.signal ?? 0)).not.toContain(-1);
    expect(signalAt(run(bars, { withinMs: 6_000 }), bars, 40)?.signal).toBe(-1);
  });

  it("needs the pierce to clear the margin", () => {
    const bars = highSweep();
    bars[34] = bar(34, 101.01, 100.9, 100.95, 3);
    expect(run(bars).map((r) => r?.signal ?? 0)).not.toContain(-1);
  });

  it("buys a swept low with a volume surge", () => {
    const bars = mirror(highSweep({ closeBackAt: 37 }));
    expect(signalAt(run(bars), bars, 37)).toEqual({ signal: 1, level: 99, sweptAt: 37_000 });
  });

  it("sweeps a swing level only once", () => {
    const bars = highSweep({ closeBackAt: 36 });
    bars[34] = bar(34, 101.2, 100.7, 100.9, 3);
    bars[35] = bar(35, 101.25, 100.7, 100.9, 3);
    const results = run(bars);
    expect(results[34]).toEqual({ signal: -1, level: 101, sweptAt: 34_000 });
    expect(results[35]).toEqual({ signal: -1, level: 101, sweptAt: 34_000 });
  });

  it("works at prices near 1e-8", () => {
    const bars = highSweep().map((b) => ({
      ...b,
      open: b.open * 1e-10,
      high: b.high * 1e-10,
      low: b.low * 1e-10,
      close: b.close * 1e-10,
      vwap: b.vwap * 1e-10,
    }));
    expect(signalAt(run(bars), bars, 37)?.signal).toBe(-1);
  });

  it("stays neutral on flat bars without volume", () => {
    const results = run(Array.from({ length: 60 }, (_, i) => bar(i, 100, 100, 100, 0)));
    results.slice(30).forEach((r) => expect(r).toEqual({ signal: 0, level: null, sweptAt: null }));
  });

  it("fades both sides in the random-walk series", () => {
    const signals = run(walkBars(500, 31)).map((r) => r?.signal ?? 0);
    expect(signals).toContain(-1);
    expect(signals).toContain(1);
  });

  it("revises every bar exactly, including bars that confirm swings or fire signals", () => {
    expectExactRevisions(() => new LiquiditySweep(), walkBars(500, 31), roughenBar);
  });

  it("refuses negative windows", () => {
    expect(() => new LiquiditySweep({ withinMs: -1 })).toThrow(/withinMs/);
    expect(() => new LiquiditySweep({ volumeLookback: 0 })).toThrow(/volumeLookback/);
  });
});
