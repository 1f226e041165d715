/**
 * The closed-trade equity curve with its drawdown, thinned for a chart. Basis as the stats
 * endpoint: equity marked at each exit, the running peak starting at the window's capital, so the
 * largest drawdown here is the stats' `maxDrawdown` (shared/backtest/formulas.ts).
 * @module
 */
import type { EquityPoint } from "../shared/backtest/metrics";

/** One point of the curve: equity and its drawdown from the running peak. */
export interface DrawdownPoint {
  readonly ts: number;
  readonly equity: number;
  /** (peak − equity) / peak, a positive fraction; 0 at a new peak or while peak ≤ 0. */
  readonly drawdown: number;
}

/** Published definitions of the curve's fields. */
export const EQUITY_FORMULAS = {
  equity:
    "equity_t = capital + Σ netPnl of the trades closed in the window up to t (marked at each exit; open positions are not marked)",
  drawdown:
    "drawdown_t = (P_t − equity_t) / P_t, P_t = running maximum of equity up to t starting from capital; a positive fraction, 0 when P_t ≤ 0",
  sampling:
    "when the curve has more points than maxPoints, it is cut into maxPoints / 2 equal runs of points and each run keeps its lowest and highest equity (in time order), so peaks and troughs survive",
} as const;

/** The curve with each point's drawdown from the running peak (which starts at `capital`). */
export function withDrawdown(curve: readonly EquityPoint[], capital: number): DrawdownPoint[] {
  let peak = capital;
  return curve.map((p) => {
    if (p.equity > peak) peak = p.equity;
    return { ts: p.ts, equity: p.equity, drawdown: peak > 0 ? (peak - p.equity) / peak : 0 };
  });
}

/**
 * At most `maxPoints` points of `points` (order kept): the first and last always, and between them
 * the lowest and highest equity of each of `maxPoints / 2` equal runs. Unchanged when short enough.
 */
export function thinCurve(points: readonly DrawdownPoint[], maxPoints: number): DrawdownPoint[] {
  if (points.length <= maxPoints) return points.slice();
  const inner = points.slice(1, -1);
  const runs = Math.max(1, Math.floor((maxPoints - 2) / 2));
  const out: DrawdownPoint[] = [points[0]];
  for (let r = 0; r < runs; r++) {
    const start = Math.floor((r * inner.length) / runs);
    const end = Math.floor(((r + 1) * inner.length) / runs);
    if (end <= start) continue;
    let lo = start;
    let hi = start;
    for (let i = start + 1; i < end; i++) {
      if (inner[i].equity < inner[lo].equity) lo = i;
      if (inner[i].equity > inner[hi].equity) hi = i;
    }
    out.push(inner[Math.min(lo, hi)]);
    if (hi !== lo) out.push(inner[Math.max(lo, hi)]);
  }
  out.push(points[points.length - 1]);
  return out;
}
