import { describe, expect, it } from "vitest";
import type { WindowMetrics } from "./objectives";
import { pickBest, summariseFolds, windowReport, type FoldReport, type TrialRecord } from "./walk-forward-result";

const trial = (index: number, score: number | null): TrialRecord => ({
  index,
  params: { k: index },
  configVersion: score === null ? null : `v-${index}`,
  value: score,
  score,
  trades: 10,
  penalised: false,
  invalid: score === null ? "bad" : null,
});

function m(from: number, netPnl: number, trades = 12): WindowMetrics {
  return {
    from,
    to: from + 10,
    capital: 1000,
    trades,
    wins: trades,
    losses: 0,
    winPnl: Math.max(0, netPnl),
    lossPnl: Math.min(0, netPnl),
    netPnl,
    fees: 1,
    maxDrawdown: 0.01,
    maxDrawdownAbs: 10,
    sharpeDaily: null,
  };
}

describe("pickBest", () => {
  it("takes the highest score and the earliest trial among equals, never an invalid one", () => {
    expect(pickBest([trial(0, 1), trial(1, 5), trial(2, 5), trial(3, null)])?.index).toBe(1);
    expect(pickBest([trial(0, null)])).toBeNull();
    expect(pickBest([trial(4, -2000), trial(5, null)])?.index).toBe(4);
  });
});

describe("summariseFolds", () => {
  it("reports the last fold's winner as best and pools in-sample and out-of-sample totals", () => {
    const fold = (index: number, train: number, test: number): FoldReport => ({
      index,
      params: { k: index },
      configVersion: `v-${index}`,
      trials: [],
      train: windowReport("netPnl", m(index * 10, train), 10),
      test: windowReport("netPnl", m(index * 10 + 10, test), 10),
    });
    const s = summariseFolds("netPnl", 10, [fold(0, 50, -5), fold(1, 30, 7)]);
    expect(s.best.params).toEqual({ k: 1 });
    expect(s.best.inSample.objective).toBe(30);
    expect(s.best.outOfSample.objective).toBe(7);
    expect(s.totals.inSample.objective).toBe(80);
    expect(s.totals.outOfSample.objective).toBe(2);
    expect(s.totals.outOfSample.trades).toBe(24);
    expect(s.totals.outOfSample.penalised).toBe(false);
    expect(() => summariseFolds("netPnl", 10, [])).toThrow(RangeError);
  });

  it("penalises a pooled window below minTrades per fold", () => {
    const r = windowReport("netPnl", m(0, 100, 3), 10);
    expect(r.penalised).toBe(true);
    expect(r.objective).toBe(100);
    expect(r.score).toBeLessThan(-1000);
  });
});
