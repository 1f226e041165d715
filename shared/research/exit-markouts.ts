/**
 * Was leaving right? For each closed trade, the price move `h` after its exit, signed by the
 * position's side (positive: the price went on in the position's favour, so leaving gave up that
 * much; negative: leaving avoided it), grouped by exit reason; and the bound any exit distance
 * must respect, the mean absolute move of the trade price over each horizon. Pure, on trade-price
 * series sorted by time.
 * @module
 */
import type { PositionSide } from "../execution/orders";
import { type MeanInterval, meanInterval } from "../risk/mean-interval";

/** A trade-price series of one symbol, sorted by time. */
export interface PriceSeries {
  readonly ts: readonly number[];
  readonly price: readonly number[];
}

/** A closed trade as read here. */
export interface ExitedTrade {
  readonly symbol: string;
  readonly side: PositionSide;
  readonly exitTime: number;
  readonly exitPrice: number;
  readonly exitReason: string;
}

/** Index of the first point at or after `t`, or -1. */
export function firstAtOrAfter(s: PriceSeries, t: number): number {
  let lo = 0;
  let hi = s.ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (s.ts[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo < s.ts.length ? lo : -1;
}

/**
 * Markouts after exits, bps, per exit reason and horizon (key: horizon in ms): the first trade
 * price at or after `exitTime + h` against the exit fill price, signed by the position's side.
 * Trades whose horizon runs past the end of their series are left out of that horizon.
 */
export function exitMarkouts(
  trades: readonly ExitedTrade[],
  prices: ReadonlyMap<string, PriceSeries>,
  horizonsMs: readonly number[],
  confidence = 0.95,
): Record<string, Record<string, MeanInterval>> {
  const samples = new Map<string, number[][]>();
  for (const t of trades) {
    const s = prices.get(t.symbol);
    if (s === undefined || !(t.exitPrice > 0)) continue;
    let by = samples.get(t.exitReason);
    if (by === undefined) samples.set(t.exitReason, (by = horizonsMs.map(() => [])));
    horizonsMs.forEach((h, i) => {
      const j = firstAtOrAfter(s, t.exitTime + h);
      if (j < 0) return;
      const move = ((s.price[j] - t.exitPrice) / t.exitPrice) * 10_000;
      by[i].push(t.side === "long" ? move : -move);
    });
  }
  const out: Record<string, Record<string, MeanInterval>> = {};
  for (const [reason, by] of [...samples].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    out[reason] = Object.fromEntries(horizonsMs.map((h, i) => [String(h), meanInterval(by[i], confidence)]));
  }
  return out;
}

/**
 * Mean absolute move of the last trade price over each horizon, bps, sampled once per `stepMs`
 * from the first trade to the last that still has a full horizon after it.
 */
export function meanAbsMove(
  s: PriceSeries,
  horizonsMs: readonly number[],
  stepMs = 1_000,
): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  const n = s.ts.length;
  for (const h of horizonsMs) {
    let sum = 0;
    let count = 0;
    let i = 0;
    let j = 0;
    if (n > 0) {
      for (let t = s.ts[0]; t + h <= s.ts[n - 1]; t += stepMs) {
        while (i + 1 < n && s.ts[i + 1] <= t) i++;
        while (j + 1 < n && s.ts[j + 1] <= t + h) j++;
        sum += Math.abs((s.price[j] - s.price[i]) / s.price[i]) * 10_000;
        count++;
      }
    }
    out[String(h)] = count === 0 ? null : sum / count;
  }
  return out;
}
