/**
 * Trade-by-trade comparison of two runs over the same data (the backtester and the running stack):
 * the same number of trades, the same side and exit reason in order, the same entry score, times
 * within `timeMs` and prices within `priceFraction` of the backtester's.
 * @module
 */

/** The fields of a closed trade that the comparison reads (a `ClosedTrade` or a D1 `trades` row). */
export interface ComparableTrade {
  readonly side: string;
  readonly entryTime: number;
  readonly exitTime: number;
  readonly entryPrice: number;
  readonly exitPrice: number;
  readonly size: number;
  readonly entryScore: number;
  readonly exitReason: string;
}

/** How far the stack may be from the backtester. */
export interface Tolerance {
  /** |stack − backtest| / backtest for entry and exit prices, e.g. 0.0005 = 0.05 %. */
  readonly priceFraction: number;
  /** |stack − backtest| for entry and exit times, ms of exchange time. */
  readonly timeMs: number;
  /** |stack − backtest| for the size, base coin (sizing reads equity, which the agent refreshes every alarm). */
  readonly size: number;
  /** |stack − backtest| for the entry score (the same events give the same score). */
  readonly score: number;
}

/** The outcome: `differences` is empty when the runs agree. */
export interface TradeComparison {
  /** Trades compared pairwise (the shorter list's length). */
  readonly compared: number;
  /** One line per disagreement, naming the trade index and the field. */
  readonly differences: string[];
  /** Largest relative price difference seen over the compared trades. */
  readonly maxPriceFraction: number;
  /** Largest time difference seen, ms. */
  readonly maxTimeMs: number;
}

/** Compares `stack` to `backtest` trade by trade, in exit order. */
export function compareTrades(
  backtest: readonly ComparableTrade[],
  stack: readonly ComparableTrade[],
  tol: Tolerance,
): TradeComparison {
  const differences: string[] = [];
  if (backtest.length !== stack.length)
    differences.push(`trade count: backtest ${backtest.length}, stack ${stack.length}`);
  const compared = Math.min(backtest.length, stack.length);
  let maxPriceFraction = 0;
  let maxTimeMs = 0;
  for (let i = 0; i < compared; i++) {
    const b = backtest[i];
    const s = stack[i];
    const differ = (field: string, bv: unknown, sv: unknown) =>
      differences.push(`trade ${i} ${field}: backtest ${String(bv)}, stack ${String(sv)}`);
    if (b.side !== s.side) differ("side", b.side, s.side);
    if (b.exitReason !== s.exitReason) differ("exitReason", b.exitReason, s.exitReason);
    for (const field of ["entryTime", "exitTime"] as const) {
      const d = Math.abs(b[field] - s[field]);
      maxTimeMs = Math.max(maxTimeMs, d);
      if (!(d <= tol.timeMs)) differ(field, b[field], s[field]);
    }
    for (const field of ["entryPrice", "exitPrice"] as const) {
      const d = Math.abs(b[field] - s[field]) / Math.abs(b[field]);
      maxPriceFraction = Math.max(maxPriceFraction, d);
      if (!(d <= tol.priceFraction)) differ(field, b[field], s[field]);
    }
    if (!(Math.abs(b.size - s.size) <= tol.size)) differ("size", b.size, s.size);
    if (!(Math.abs(b.entryScore - s.entryScore) <= tol.score)) differ("entryScore", b.entryScore, s.entryScore);
  }
  return { compared, differences, maxPriceFraction, maxTimeMs };
}
