/**
 * The end-of-day summary's figures from a day's stats and its closed trades: the plan's daily
 * monitoring (trades, win rate, net PnL, fees, max drawdown) plus the best and worst trade.
 * @module
 */
import type { DailyStats } from "../backtest/metrics";
import type { TradeMode } from "../db/schema";
import type { DailySummaryFigures } from "./notify-event";

/** Figures of `day` of the `mode` ledger from its stats and the net PnL of its trades. */
export function dailySummaryFigures(day: DailyStats, netPnls: readonly number[], mode: TradeMode): DailySummaryFigures {
  return {
    date: day.date,
    mode,
    trades: day.trades,
    winRatePct: day.winRate === null ? null : day.winRate * 100,
    netPnl: day.netPnl,
    fees: day.fees,
    maxDrawdownPct: day.maxDrawdown * 100,
    bestTrade: netPnls.length > 0 ? Math.max(...netPnls) : null,
    worstTrade: netPnls.length > 0 ? Math.min(...netPnls) : null,
  };
}
