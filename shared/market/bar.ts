/**
 * Time bars and the timeframes the plan uses.
 * @module
 */

/** Timeframe names of the plan, finest first. */
export const TIMEFRAMES = ["1s", "3s", "5s", "10s", "30s", "1m", "3m", "5m", "15m", "1h"] as const;

/** A timeframe name such as `"1s"` or `"15m"`. */
export type Timeframe = (typeof TIMEFRAMES)[number];

/** Length of each timeframe in milliseconds. */
export const TIMEFRAME_MS: Readonly<Record<Timeframe, number>> = {
  "1s": 1_000,
  "3s": 3_000,
  "5s": 5_000,
  "10s": 10_000,
  "30s": 30_000,
  "1m": 60_000,
  "3m": 180_000,
  "5m": 300_000,
  "15m": 900_000,
  "1h": 3_600_000,
};

/**
 * One time bar. Bars are aligned to the epoch: a bar covers `[start, start + tf)`.
 * A bar without trades is flat at the previous close, with zero volume and `vwap = close`.
 */
export interface Bar {
  /** Start of the bar, ms since the epoch (a multiple of the timeframe). */
  start: number;
  open: number;
  high: number;
  low: number;
  close: number;
  /** Base-coin volume. */
  volume: number;
  /** Volume of taker buys. */
  buyVolume: number;
  /** Volume of taker sells. */
  sellVolume: number;
  /** Number of trades. */
  trades: number;
  /** Σ price·size / Σ size over the bar; the close when the bar has no volume. */
  vwap: number;
}
