/**
 * Live statistics from the D1 ledger: the closed trades of a window turned into the backtest's
 * metrics (shared/backtest/metrics.ts) with their published formulas. Basis: closed trades only,
 * equity marked at each exit (open positions are not marked), starting at START_EQUITY plus the
 * net PnL of every trade closed before the window.
 * @module
 */
import { and, asc, eq, gte, lt, lte, sql } from "drizzle-orm";
import { METRIC_FORMULAS, type MetricKey } from "../shared/backtest/formulas";
import { computeMetrics, daily, type DailyStats, type EquityPoint, type Summary } from "../shared/backtest/metrics";
import { type LedgerClosedTrade, toClosedTrade } from "../shared/db/ledger-mapping";
import { type TradeMode, trades } from "../shared/db/schema";
import type { EdgeSnapshot } from "../shared/risk/edge-monitor";
import { type EdgeStats, expectancyBySymbolAndMode } from "../shared/risk/trade-expectancy";
import type { ClosedTrade } from "../shared/strategy/types";
import type { LedgerDb } from "../durable-objects/ledger";

/** How the stats are computed (returned with them). */
export const STATS_BASIS = "closed trades; equity marked at each exit";

/** How the window's starting equity is computed (returned with it). */
export const CAPITAL_BASIS = "START_EQUITY + Σ netPnl of the mode's trades closed before from";

/** Longest window one stats request may cover, days. */
export const MAX_WINDOW_DAYS = 366;

/** Most trades one stats request reads. */
export const MAX_STATS_TRADES = 50_000;

/** Summary fields that only make sense for a backtest (replay throughput, unfilled entries, trade-only fills). */
const BACKTEST_ONLY = ["unfilledEntries", "tradeOnly", "eventsPerSecond"] as const;

/** The run summary without its backtest-only fields. */
export type LiveSummary = Omit<Summary, (typeof BACKTEST_ONLY)[number]>;

/** Metrics of a window of closed trades. */
export interface WindowStats {
  readonly capital: number;
  readonly totals: LiveSummary;
  readonly daily: DailyStats[];
}

/**
 * The equity curve of closed trades: `capital` at `from`, then capital + cumulative net PnL at each
 * exit (in exit order), then the final value again at `to`, so every day of the window is a row.
 */
export function closedTradeCurve(
  rows: readonly ClosedTrade[],
  capital: number,
  from: number,
  to: number,
): EquityPoint[] {
  const curve: EquityPoint[] = [{ ts: from, equity: capital }];
  let equity = capital;
  for (const t of rows) {
    equity += t.netPnl;
    curve.push({ ts: t.exitTime, equity });
  }
  curve.push({ ts: Math.max(to, curve[curve.length - 1].ts), equity });
  return curve;
}

/** Metrics and daily rows of the trades of a window (`rows` in exit order, inside [from, to]). */
export function windowStats(rows: readonly ClosedTrade[], capital: number, from: number, to: number): WindowStats {
  const equityCurve = closedTradeCurve(rows, capital, from, to);
  const summary = computeMetrics({
    trades: rows,
    capital,
    equityCurve,
    unfilledEntries: 0,
    tradeOnly: false,
    events: 0,
    elapsedMs: 0,
  });
  const totals: Record<string, unknown> = { ...summary };
  for (const k of BACKTEST_ONLY) delete totals[k];
  return { capital, totals: totals as unknown as LiveSummary, daily: daily({ trades: rows, capital, equityCurve }) };
}

/** The formulas of the fields a stats answer carries. */
export function statsFormulas(): Partial<Record<MetricKey, string>> {
  const skip = new Set<string>(BACKTEST_ONLY);
  return Object.fromEntries(Object.entries(METRIC_FORMULAS).filter(([k]) => !skip.has(k)));
}

export type { LedgerClosedTrade };

/**
 * Reads the window's trades (exit order) and the starting equity; null when the window holds more
 * than {@link MAX_STATS_TRADES}. With `mode`, only that mode's ledger (its own capital too): paper,
 * demo and live money never mix.
 */
export async function loadWindow(
  db: LedgerDb,
  startEquity: number,
  from: number,
  to: number,
  mode?: TradeMode,
): Promise<{ rows: LedgerClosedTrade[]; capital: number } | null> {
  const ofMode = mode === undefined ? undefined : eq(trades.mode, mode);
  const [before, rows] = await Promise.all([
    db
      .select({ net: sql<number | null>`sum(${trades.netPnl})` })
      .from(trades)
      .where(and(lt(trades.exitTime, from), ofMode)),
    db
      .select()
      .from(trades)
      .where(and(gte(trades.exitTime, from), lte(trades.exitTime, to), ofMode))
      .orderBy(asc(trades.exitTime), asc(trades.id))
      .limit(MAX_STATS_TRADES + 1),
  ]);
  if (rows.length > MAX_STATS_TRADES) return null;
  return { rows: rows.map(toClosedTrade), capital: startEquity + (before[0]?.net ?? 0) };
}

/** How the edge figures of a stats answer are computed (returned with them). */
export const EDGE_FORMULAS = {
  "edge.byMode.expectancyBps":
    "per symbol and mode (paper, live apart), over its last `window` trades closed in the stats window: mean of netPnl / (entryPrice × size) × 10 000, interval mean ± z·s/√n with z the normal quantile of (1 + confidence) / 2",
  "edge.monitor.symbols.expectancyBps":
    "the portfolio's live monitor (trades closed through it, all modes it ran): the same mean and interval over the symbol's last `window` closed trades",
  "edge.monitor.symbols.markoutsBps":
    "per horizon h: mean over the symbol's last `markoutWindow` entry decisions of (first price at or after decision + h − last price before the decision) / that price × 10 000, sign flipped for shorts; same interval",
  "edge.monitor.symbols.pause":
    "with edgeGuard.enabled: entries refused (negative_edge) for pauseMs once >= minTrades trades since the last pause and the expectancy interval's upper bound < 0",
} as const;

/** The window's expectancy by symbol and mode, measured with the live monitor's window and confidence. */
export function edgeStats(rows: readonly LedgerClosedTrade[], monitor: EdgeSnapshot): EdgeStats {
  return { byMode: expectancyBySymbolAndMode(rows, monitor.window, monitor.confidence), monitor };
}
