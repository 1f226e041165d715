import { describe, expect, it } from "vitest";
import { type ClosedTrade, zeroSubScores } from "../strategy/types";
import { METRIC_FORMULAS } from "./formulas";
import { computeMetrics, daily } from "./metrics";

const D1 = Date.UTC(2024, 0, 1);
const ZERO = zeroSubScores();
const TRADE: ClosedTrade = {
  id: "t1",
  symbol: "BTCUSDT",
  side: "long",
  entryTime: D1,
  exitTime: D1 + 60_000,
  entryPrice: 100,
  exitPrice: 101,
  size: 1,
  entryScore: 85,
  subScores: ZERO,
  exitReason: "take_profit",
  holdSeconds: 60,
  grossPnl: 1,
  fees: 0.1,
  slippage: 0,
  netPnl: 0.9,
  configVersion: "v1",
};

describe("METRIC_FORMULAS", () => {
  const input = {
    trades: [TRADE],
    capital: 1000,
    equityCurve: [{ ts: D1, equity: 1000 }],
    unfilledEntries: 0,
    tradeOnly: false,
    events: 1,
    elapsedMs: 1,
  };

  it("publishes exactly one formula per summary field and per daily field", () => {
    const expected = [
      ...Object.keys(computeMetrics(input)),
      ...Object.keys(daily(input)[0]).map((k) => `daily.${k}`),
    ].sort();
    expect(Object.keys(METRIC_FORMULAS).sort()).toEqual(expected);
  });

  it("states the basis, ddof and annualisation of both Sharpe ratios and of the Sortino", () => {
    expect(METRIC_FORMULAS.sharpeDaily).toMatch(/ddof=1.*√365.*UTC day.*R_d = 0/);
    expect(METRIC_FORMULAS.sharpePerTrade).toMatch(/ddof=1.*not annualised/);
    expect(METRIC_FORMULAS.sortino).toMatch(/√365.*min\(0, R_d\)².*all days/);
  });

  it("says how breakevens count wherever a win or a loss is counted", () => {
    for (const k of [
      "winRate",
      "avgWinLossRatio",
      "profitFactor",
      "expectancy",
      "daily.winRate",
      "daily.profitFactor",
    ] as const) {
      expect(METRIC_FORMULAS[k], k).toMatch(/breakeven/);
    }
  });

  it("names the formula of every metric after the metric", () => {
    for (const [k, f] of Object.entries(METRIC_FORMULAS)) {
      const name = k.replace(/^daily\./, "");
      expect(f.startsWith(`${name} =`) || f.startsWith(`${name}[`), k).toBe(true);
    }
  });
});
