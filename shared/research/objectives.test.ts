import { describe, expect, it } from "vitest";
import type { Summary } from "../backtest/metrics";
import type { ClosedTrade } from "../strategy/types";
import {
  combineWindows,
  objectiveValue,
  objectiveWorst,
  OBJECTIVES,
  PROFIT_FACTOR_CAP,
  scoreWindow,
  windowMetrics,
  type WindowMetrics,
} from "./objectives";
import { createPrng } from "./prng";

function metrics(over: Partial<WindowMetrics> = {}): WindowMetrics {
  return {
    from: 0,
    to: 1,
    capital: 1000,
    trades: 20,
    wins: 12,
    losses: 8,
    winPnl: 60,
    lossPnl: -40,
    netPnl: 20,
    fees: 5,
    maxDrawdown: 0.03,
    maxDrawdownAbs: 30,
    sharpeDaily: 1.5,
    ...over,
  };
}

describe("objectiveValue", () => {
  it("reads net PnL, profit factor, daily Sharpe, expectancy and PnL minus drawdown", () => {
    const m = metrics();
    expect(objectiveValue("netPnl", m)).toBe(20);
    expect(objectiveValue("profitFactor", m)).toBe(1.5);
    expect(objectiveValue("sharpe", m)).toBe(1.5);
    expect(objectiveValue("expectancy", m)).toBe(1);
    expect(objectiveValue("pnlDrawdown", m)).toBe(-10);
  });

  it("caps a profit factor without losers and gives 0 without trades", () => {
    expect(objectiveValue("profitFactor", metrics({ losses: 0, lossPnl: 0 }))).toBe(PROFIT_FACTOR_CAP);
    expect(objectiveValue("profitFactor", metrics({ trades: 0, wins: 0, losses: 0, winPnl: 0, lossPnl: 0 }))).toBe(0);
    expect(objectiveValue("profitFactor", metrics({ winPnl: 1e6 }))).toBe(PROFIT_FACTOR_CAP);
  });

  it("counts an undefined daily Sharpe as 0 and no trades as expectancy 0", () => {
    expect(objectiveValue("sharpe", metrics({ sharpeDaily: null }))).toBe(0);
    expect(objectiveValue("expectancy", metrics({ trades: 0 }))).toBe(0);
  });

  it("never goes below the objective's worst value", () => {
    const m = metrics({ netPnl: -5000, maxDrawdownAbs: 5000, sharpeDaily: -400 });
    for (const name of OBJECTIVES) expect(objectiveValue(name, m)).toBeGreaterThanOrEqual(objectiveWorst(name, 1000));
    expect(objectiveValue("netPnl", m)).toBe(-1000);
    expect(objectiveValue("sharpe", m)).toBe(-100);
  });
});

describe("scoreWindow", () => {
  it("ranks a window with too few trades below any window that traded enough, whatever its profit", () => {
    for (const name of OBJECTIVES) {
      const rich = scoreWindow(name, metrics({ trades: 9, netPnl: 1e6, winPnl: 1e6, sharpeDaily: 50 }), 10);
      const poor = scoreWindow(
        name,
        metrics({
          trades: 10,
          netPnl: -1e6,
          lossPnl: -1e6,
          winPnl: 0,
          wins: 0,
          maxDrawdownAbs: 1e6,
          sharpeDaily: -1e3,
        }),
        10,
      );
      expect(rich.penalised).toBe(true);
      expect(poor.penalised).toBe(false);
      expect(rich.score).toBeLessThan(poor.score);
      expect(rich.value).toBeGreaterThan(poor.value);
    }
  });

  it("scores a penalised window higher the closer it came to the minimum", () => {
    const five = scoreWindow("netPnl", metrics({ trades: 5 }), 10);
    const one = scoreWindow("netPnl", metrics({ trades: 1 }), 10);
    expect(five.score).toBe(-1000 - 1 - 5);
    expect(one.score).toBeLessThan(five.score);
  });

  it("keeps the order of random windows that all traded enough", () => {
    const r = createPrng(4);
    for (let i = 0; i < 200; i++) {
      const a = metrics({ netPnl: (r() - 0.5) * 100 });
      const b = metrics({ netPnl: (r() - 0.5) * 100 });
      expect(Math.sign(scoreWindow("netPnl", a, 10).score - scoreWindow("netPnl", b, 10).score)).toBe(
        Math.sign(a.netPnl - b.netPnl),
      );
    }
  });
});

describe("windowMetrics and combineWindows", () => {
  const trade = (netPnl: number) => ({ netPnl }) as ClosedTrade;

  it("splits winners and losers (breakevens in neither) and copies the summary's figures", () => {
    const summary = {
      capital: 1000,
      trades: 4,
      netPnl: 3,
      fees: 2,
      maxDrawdown: 0.01,
      maxDrawdownAbs: 10,
      sharpeDaily: null,
    } as unknown as Summary;
    const m = windowMetrics({ from: 5, to: 9 }, summary, [trade(5), trade(-4), trade(0), trade(2)]);
    expect(m).toMatchObject({
      from: 5,
      to: 9,
      trades: 4,
      wins: 2,
      losses: 1,
      winPnl: 7,
      lossPnl: -4,
      netPnl: 3,
      fees: 2,
      maxDrawdownAbs: 10,
      sharpeDaily: null,
    });
  });

  it("pools sums exactly, takes the deepest drawdown and averages the Sharpes that exist", () => {
    const c = combineWindows([
      metrics({ from: 0, to: 10 }),
      metrics({ from: 10, to: 20, netPnl: -5, maxDrawdownAbs: 80, maxDrawdown: 0.08, sharpeDaily: null }),
      metrics({ from: 20, to: 30, sharpeDaily: 0.5 }),
    ]);
    expect(c).toMatchObject({
      from: 0,
      to: 30,
      trades: 60,
      wins: 36,
      losses: 24,
      winPnl: 180,
      lossPnl: -120,
      netPnl: 35,
      fees: 15,
      maxDrawdownAbs: 80,
      maxDrawdown: 0.08,
      sharpeDaily: 1,
    });
    expect(objectiveValue("profitFactor", c)).toBe(1.5);
    expect(() => combineWindows([])).toThrow(RangeError);
  });
});
