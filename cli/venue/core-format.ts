/**
 * Number ↔ string conversions of the venue: Bitget writes every number as a decimal string
 * (bitget-v2.md §4.4, §8.1). Prices and sizes are written on their contract grid; money with
 * up to 8 decimals. Trailing zeros are stripped and `-0` is written `0`.
 * @module
 */

import { exact } from "../../shared/exchange/bitget/order-rules";
import { roundToStep } from "../../shared/market/instrument";

/** `n` with at most `dp` decimals, trailing zeros stripped; non-finite → "0". */
export function dec(n: number, dp = 8): string {
  if (!Number.isFinite(n)) return "0";
  const s = n.toFixed(dp);
  const t = s.includes(".") ? s.replace(/\.?0+$/, "") : s;
  return t === "-0" ? "0" : t;
}

/** `value` on the grid of `step`, as the shortest exact decimal string. */
export function onGrid(value: number, step: number): string {
  return exact(value, step);
}

/** Money rounded to 8 decimals so that repeated sums stay clean and deterministic. */
export function money(n: number): number {
  return +n.toFixed(8);
}

/** Snaps a size onto its step (removes float noise after sums and differences). */
export function snap(value: number, step: number): number {
  return roundToStep(value, step, "nearest");
}

/** A request number: a finite number or a numeric string; anything else is null. */
export function toNumber(v: unknown): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v !== "string" || v.trim() === "") return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}
