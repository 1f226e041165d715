/**
 * The equity chart's data, without the DOM: the curve focused on its trades, the live
 * marked-to-market point appended, and uPlot's column layout.
 * @module
 */
import type { DrawdownPoint } from "./api-types";

/** A chart point before drawing. */
export interface ChartPoint {
  readonly ts: number;
  readonly equity: number;
  readonly drawdown: number;
}

/**
 * The curve with the live equity appended (when it is newer than the curve's last
 * point), its drawdown measured from the highest equity so far.
 */
export function withLivePoint(
  points: readonly DrawdownPoint[],
  live: { readonly ts: number; readonly equity: number } | null,
): ChartPoint[] {
  const out: ChartPoint[] = points.slice();
  if (live === null || !Number.isFinite(live.equity)) return out;
  const last = out[out.length - 1];
  if (last !== undefined && live.ts <= last.ts) return out;
  const peak = Math.max(live.equity, ...out.map((p) => p.equity));
  out.push({ ts: live.ts, equity: live.equity, drawdown: peak > 0 ? (peak - live.equity) / peak : 0 });
  return out;
}

/** The shortest view {@link focusOnTrades} gives, ms. */
export const MIN_VIEW_MS = 600_000;

/**
 * The curve cut to where its trades are: the window's opening point (the starting equity) moves up
 * to a little before the first exit, so minutes of trading are not a sliver at the end of a month.
 * A curve without trades (opening and closing point only) shows its last {@link MIN_VIEW_MS}.
 */
export function focusOnTrades(points: readonly DrawdownPoint[]): DrawdownPoint[] {
  if (points.length === 0) return [];
  const open = points[0];
  const last = points[points.length - 1];
  if (points.length < 3) return [{ ...open, ts: Math.max(open.ts, last.ts - MIN_VIEW_MS) }, ...points.slice(1)];
  const firstExit = points[1].ts;
  const pad = Math.max(60_000, (last.ts - firstExit) * 0.05);
  return [{ ...open, ts: Math.max(open.ts, Math.min(firstExit - pad, last.ts - MIN_VIEW_MS)) }, ...points.slice(1)];
}

/** uPlot's columns: seconds, equity, drawdown as a negative percentage. */
export function chartColumns(points: readonly ChartPoint[]): [number[], number[], number[]] {
  return [points.map((p) => p.ts / 1000), points.map((p) => p.equity), points.map((p) => -p.drawdown * 100)];
}
