/**
 * Plain settings read from the Worker's vars, with their defaults.
 * @module
 */

/** Starting equity when `START_EQUITY` is unset or not a positive number, USDT. */
export const DEFAULT_START_EQUITY = 1000;

/**
 * The starting equity from the `START_EQUITY` var: a positive finite number, else
 * {@link DEFAULT_START_EQUITY}. The Coordinator reads it once, on its first start; the stats
 * endpoint and the daily rollup start their closed-trade equity curve at it.
 */
export function startEquityOf(value: string | undefined): number {
  if (value === undefined || value.trim() === "") return DEFAULT_START_EQUITY;
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : DEFAULT_START_EQUITY;
}

/** What a tradable symbol looks like: Bitget USDT-M perpetuals, e.g. `BTCUSDT`. */
export const SYMBOL_PATTERN = /^[A-Z0-9]{2,20}USDT$/;
