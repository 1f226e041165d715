/**
 * Contract rules of a perpetual, and rounding to them.
 * Prices and sizes are rounded on integer multiples of the step so that `0.1 + 0.2` style
 * float noise never reaches an order (Bitget rejects a size that is not a multiple of the step).
 * @module
 */

/** The trading rules of one contract (Bitget: contracts endpoint, bitget-v2.md §4.5). */
export interface Instrument {
  readonly symbol: string;
  /** Price tick, e.g. 0.1 for BTCUSDT (priceEndStep × 10^-pricePlace). */
  readonly tickSize: number;
  /** Size step in base coin, e.g. 0.001 (sizeMultiplier). */
  readonly sizeStep: number;
  /** Minimum order size in base coin (minTradeNum). */
  readonly minSize: number;
  /** Minimum order notional in USDT (minTradeUSDT). */
  readonly minNotional: number;
}

/** Number of decimals needed to write `step` exactly (0.001 → 3, 5 → 0, 2.5e-7 → 8). */
export function stepDecimals(step: number): number {
  if (!(step > 0)) throw new RangeError(`step must be > 0, got ${step}`);
  for (let d = 0; d <= 15; d++) {
    const scaled = step * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-9 * Math.max(1, scaled)) return d;
  }
  return 15;
}

/** How to round onto a grid. */
export type RoundMode = "down" | "up" | "nearest";

/** Rounds `value` to a multiple of `step` and strips float noise (the result prints exactly). */
export function roundToStep(value: number, step: number, mode: RoundMode = "nearest"): number {
  const units = value / step;
  // A relative nudge so that 0.3 / 0.1 = 2.9999999999999996 floors to 3, not 2.
  const eps = 1e-9 * Math.max(1, Math.abs(units));
  const n = mode === "down" ? Math.floor(units + eps) : mode === "up" ? Math.ceil(units - eps) : Math.round(units);
  return +(n * step).toFixed(stepDecimals(step));
}

/** A price or size written with exactly the step's decimals, as an exchange expects it. */
export function formatToStep(value: number, step: number): string {
  return value.toFixed(stepDecimals(step));
}
