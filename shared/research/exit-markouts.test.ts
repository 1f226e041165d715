import { describe, expect, it } from "vitest";
import { exitMarkouts, firstAtOrAfter, meanAbsMove, type PriceSeries } from "./exit-markouts";

const series = (points: [number, number][]): PriceSeries => ({
  ts: points.map((p) => p[0]),
  price: points.map((p) => p[1]),
});

describe("exit markouts", () => {
  const btc = series([
    [0, 100],
    [1_000, 100.1],
    [5_000, 100.2],
    [30_000, 99.9],
  ]);

  it("finds the first point at or after a time", () => {
    expect(firstAtOrAfter(btc, 1_000)).toBe(1);
    expect(firstAtOrAfter(btc, 1_001)).toBe(2);
    expect(firstAtOrAfter(btc, 30_001)).toBe(-1);
  });

  it("signs the move after the exit by the position's side, per reason and horizon, leaving out horizons past the data", () => {
    const m = exitMarkouts(
      [
        { symbol: "BTCUSDT", side: "long", exitTime: 0, exitPrice: 100, exitReason: "score_decay" },
        { symbol: "BTCUSDT", side: "short", exitTime: 0, exitPrice: 100, exitReason: "score_decay" },
        { symbol: "BTCUSDT", side: "long", exitTime: 1_000, exitPrice: 100.1, exitReason: "reversal" },
      ],
      new Map([["BTCUSDT", btc]]),
      [5_000, 60_000],
    );
    expect(m.score_decay["5000"].n).toBe(2);
    expect(m.score_decay["5000"].mean).toBeCloseTo(0, 9);
    expect(m.reversal["5000"].mean).toBeCloseTo(((99.9 - 100.1) / 100.1) * 10_000, 9);
    expect(m.reversal["60000"].n).toBe(0);
  });

  it("measures the mean absolute move over each horizon once a second", () => {
    const s = series([
      [0, 100],
      [2_000, 101],
      [4_000, 100],
    ]);
    // 2 s horizon, t = 0, 1, 2 s: |101−100|/100, |101−100|/100, |100−101|/101.
    const want = (100 + 100 + (1 / 101) * 10_000) / 3;
    expect(meanAbsMove(s, [2_000])["2000"]).toBeCloseTo(want, 9);
    expect(meanAbsMove(s, [10_000])["10000"]).toBeNull();
  });
});
