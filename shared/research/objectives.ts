/**
 * Optimisation objectives over one time window, and the too-few-trades penalty.
 *
 * Every objective is "higher is better" and bounded below by a `worst` value (values are clamped to
 * it). A window with fewer than `minTrades` closed trades is penalised: its score is
 * `worst − 1 − (minTrades − trades)`, strictly below any window that traded enough whatever its
 * result, and higher the closer it came to trading enough (so a model-based sampler still has a
 * slope to climb). The objective value itself is reported unpenalised beside the score.
 *
 * - `netPnl`: Σ net PnL (fees included), quote currency. Worst: −capital.
 * - `profitFactor`: Σ winning net PnL / |Σ losing net PnL|, capped at {@link PROFIT_FACTOR_CAP};
 *   winners without a loser count as the cap, no trades as 0. Worst: 0.
 * - `sharpe`: the run's daily Sharpe (../backtest/formulas.ts: mean/std(ddof 1) of UTC-day returns
 *   × √365), clamped to ±{@link SHARPE_BOUND}; null (a window shorter than two UTC days, or flat)
 *   counts as 0. Worst: −100.
 * - `expectancy`: Σ net PnL / trades (0 without trades). Worst: −capital.
 * - `pnlDrawdown`: Σ net PnL − {@link DRAWDOWN_WEIGHT} × the largest peak-to-trough drop of the
 *   marked-to-market equity, quote currency (profit that had to sit through a deep drawdown scores
 *   lower; freqtrade's ProfitDrawDown loss in spirit). Worst: −2·capital.
 * @module
 */
import type { Summary } from "../backtest/metrics";
import type { ClosedTrade } from "../strategy/types";
import type { TimeWindow } from "./folds";

/** The objectives, by name. */
export const OBJECTIVES = ["netPnl", "profitFactor", "sharpe", "expectancy", "pnlDrawdown"] as const;

/** Name of an objective. */
export type ObjectiveName = (typeof OBJECTIVES)[number];

/** Profit factors above this count as this (one lucky window must not dominate). */
export const PROFIT_FACTOR_CAP = 10;
/** Daily Sharpe is clamped to ± this (freqtrade's hyperopt uses −100 for "undefined"). */
export const SHARPE_BOUND = 100;
/** Quote currency of drawdown that cancels one of profit in `pnlDrawdown`. */
export const DRAWDOWN_WEIGHT = 1;
/** Fewest trades a window needs to escape the penalty, unless configured. */
export const DEFAULT_MIN_TRADES = 10;

/** What the objectives read from a run over one window (poolable across windows, see {@link combineWindows}). */
export interface WindowMetrics {
  readonly from: number;
  readonly to: number;
  readonly capital: number;
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
  /** Σ net PnL of winning trades (≥ 0). */
  readonly winPnl: number;
  /** Σ net PnL of losing trades (≤ 0). */
  readonly lossPnl: number;
  readonly netPnl: number;
  readonly fees: number;
  /** Largest drawdown as a fraction of the running peak. */
  readonly maxDrawdown: number;
  /** The same drop in quote currency. */
  readonly maxDrawdownAbs: number;
  readonly sharpeDaily: number | null;
}

/** An objective evaluated on a window: the value, the ranking score (penalised or not). */
export interface Scored {
  readonly value: number;
  readonly score: number;
  readonly penalised: boolean;
}

/** The window's metrics from a run's summary and its closed trades. */
export function windowMetrics(window: TimeWindow, summary: Summary, trades: readonly ClosedTrade[]): WindowMetrics {
  let wins = 0;
  let losses = 0;
  let winPnl = 0;
  let lossPnl = 0;
  for (const t of trades) {
    if (t.netPnl > 0) {
      wins++;
      winPnl += t.netPnl;
    } else if (t.netPnl < 0) {
      losses++;
      lossPnl += t.netPnl;
    }
  }
  return {
    from: window.from,
    to: window.to,
    capital: summary.capital,
    trades: summary.trades,
    wins,
    losses,
    winPnl,
    lossPnl,
    netPnl: summary.netPnl,
    fees: summary.fees,
    maxDrawdown: summary.maxDrawdown,
    maxDrawdownAbs: summary.maxDrawdownAbs,
    sharpeDaily: summary.sharpeDaily,
  };
}

/** The lower bound of an objective for a given capital (values are clamped to it). */
export function objectiveWorst(name: ObjectiveName, capital: number): number {
  if (name === "profitFactor") return 0;
  if (name === "sharpe") return -SHARPE_BOUND;
  if (name === "pnlDrawdown") return -2 * capital;
  return -capital;
}

/** The objective's value on a window (see the module comment), clamped to its worst. */
export function objectiveValue(name: ObjectiveName, m: WindowMetrics): number {
  return Math.max(objectiveWorst(name, m.capital), rawValue(name, m));
}

function rawValue(name: ObjectiveName, m: WindowMetrics): number {
  switch (name) {
    case "netPnl":
      return m.netPnl;
    case "profitFactor":
      if (m.losses === 0) return m.wins > 0 ? PROFIT_FACTOR_CAP : 0;
      return Math.min(PROFIT_FACTOR_CAP, m.winPnl / -m.lossPnl);
    case "sharpe":
      return Math.min(SHARPE_BOUND, m.sharpeDaily ?? 0);
    case "expectancy":
      return m.trades > 0 ? m.netPnl / m.trades : 0;
    case "pnlDrawdown":
      return m.netPnl - DRAWDOWN_WEIGHT * m.maxDrawdownAbs;
  }
}

/** The value and the ranking score of a window, penalised below `minTrades` trades. */
export function scoreWindow(name: ObjectiveName, m: WindowMetrics, minTrades: number): Scored {
  const value = objectiveValue(name, m);
  if (m.trades >= minTrades) return { value, score: value, penalised: false };
  return { value, score: objectiveWorst(name, m.capital) - 1 - (minTrades - m.trades), penalised: true };
}

/**
 * Pools windows into one: counts and PnL sums add up (so profit factor and expectancy of the pool
 * are exact), drawdowns are the largest of any window (not a stitched curve), daily Sharpe is the
 * mean over the windows that have one.
 * @throws RangeError on an empty list.
 */
export function combineWindows(list: readonly WindowMetrics[]): WindowMetrics {
  if (list.length === 0) throw new RangeError("nothing to combine");
  const sum = (f: (m: WindowMetrics) => number) => list.reduce((a, m) => a + f(m), 0);
  const sharpes = list.map((m) => m.sharpeDaily).filter((s): s is number => s !== null);
  return {
    from: Math.min(...list.map((m) => m.from)),
    to: Math.max(...list.map((m) => m.to)),
    capital: list[0].capital,
    trades: sum((m) => m.trades),
    wins: sum((m) => m.wins),
    losses: sum((m) => m.losses),
    winPnl: sum((m) => m.winPnl),
    lossPnl: sum((m) => m.lossPnl),
    netPnl: sum((m) => m.netPnl),
    fees: sum((m) => m.fees),
    maxDrawdown: Math.max(...list.map((m) => m.maxDrawdown)),
    maxDrawdownAbs: Math.max(...list.map((m) => m.maxDrawdownAbs)),
    sharpeDaily: sharpes.length === 0 ? null : sharpes.reduce((a, s) => a + s, 0) / sharpes.length,
  };
}
