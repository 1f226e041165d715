/**
 * Expectancy after fees of closed trades per symbol and trading mode, as `GET /api/stats` reports
 * it from the ledger: the last `window` trades of each (symbol, mode), their mean net return in bps
 * of entry notional with its interval, and the mean net PnL. Paper and live never mix: a paper
 * edge says nothing about live fills.
 * @module
 */
import type { EdgeSnapshot } from "./edge-monitor";
import { type MeanInterval, meanInterval } from "./mean-interval";

/** A closed trade as the ledger stores it (the fields read here). */
export interface LedgerTradeOutcome {
  readonly symbol: string;
  readonly mode: string;
  readonly entryPrice: number;
  readonly size: number;
  readonly netPnl: number;
  readonly exitTime: number;
}

/** One (symbol, mode)'s rolling expectancy. */
export interface TradeExpectancy {
  readonly symbol: string;
  readonly mode: string;
  /** Net return per trade after fees, bps of entry notional, over the last `window` trades. */
  readonly expectancyBps: MeanInterval;
  /** Mean net PnL per trade over the same trades, quote currency. */
  readonly meanNetPnl: number | null;
  /** Exit time of the newest trade counted. */
  readonly lastExit: number;
}

/**
 * Rolling expectancy of the last `window` trades (by exit time) of every (symbol, mode) in `rows`,
 * with two-sided `confidence` intervals; sorted by symbol, then mode. Rows with no notional or a
 * non-finite PnL are skipped.
 */
export function expectancyBySymbolAndMode(
  rows: readonly LedgerTradeOutcome[],
  window: number,
  confidence: number,
): TradeExpectancy[] {
  const groups = new Map<string, LedgerTradeOutcome[]>();
  for (const r of rows) {
    if (!(r.entryPrice * r.size > 0) || !Number.isFinite(r.netPnl)) continue;
    const key = `${r.symbol}\u0000${r.mode}`;
    const g = groups.get(key);
    if (g === undefined) groups.set(key, [r]);
    else g.push(r);
  }
  const out: TradeExpectancy[] = [];
  for (const g of groups.values()) {
    const last = [...g].sort((a, b) => a.exitTime - b.exitTime).slice(-window);
    const bps = last.map((t) => (t.netPnl / (t.entryPrice * t.size)) * 10_000);
    out.push({
      symbol: last[0].symbol,
      mode: last[0].mode,
      expectancyBps: meanInterval(bps, confidence),
      meanNetPnl: last.reduce((a, t) => a + t.netPnl, 0) / last.length,
      lastExit: last[last.length - 1].exitTime,
    });
  }
  return out.sort((a, b) => (a.symbol === b.symbol ? cmp(a.mode, b.mode) : cmp(a.symbol, b.symbol)));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The edge part of a `GET /api/stats` answer: the ledger's expectancy by symbol and mode, and the portfolio's live monitor. */
export interface EdgeStats {
  readonly byMode: TradeExpectancy[];
  readonly monitor: EdgeSnapshot;
}
