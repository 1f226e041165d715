/**
 * Rolling volume-weighted average price over a time window of trades, with percentage bands.
 * @module
 */

import type { TradeTick } from "../market/events";
import type { Indicator } from "./indicator";
import { TimeBuckets, type TimeBucketsState } from "./time-buckets";

/** Options of {@link RollingVwap}. */
export interface RollingVwapOptions {
  /** Window length, ms: a positive multiple of `bucketMs`. */
  readonly windowMs: number;
  /** Band half-widths in percent of the VWAP. Default `[0.5, 1, 2]`. */
  readonly bandsPct?: readonly number[];
  /** Bucket width, ms. Default 1,000. */
  readonly bucketMs?: number;
}

/** Where the last price sits relative to one band: above `+pct` (1), below `-pct` (-1), inside (0). */
export type BandSide = 1 | -1 | 0;

/** One band flag of {@link RollingVwapResult}. */
export interface VwapBand {
  readonly pct: number;
  readonly side: BandSide;
}

/** Result of {@link RollingVwap}. */
export interface RollingVwapResult {
  /** Σ(price·size) / Σsize over the window. */
  readonly vwap: number;
  /** (lastPrice − vwap) / vwap × 100. */
  readonly deviationPct: number;
  /** One flag per configured band, in the order given. */
  readonly bands: readonly VwapBand[];
  /** Σsize over the window. */
  readonly volume: number;
}

/** Serialisable state of {@link RollingVwap}. */
export interface RollingVwapState {
  readonly windowMs: number;
  readonly bandsPct: number[];
  readonly bucketMs: number;
  readonly buckets: TimeBucketsState;
  readonly lastPrice: number | null;
  /** Last price before the latest trade (0 before the first). */
  readonly undoLastPrice: number;
}

const PRICE_VOLUME = 0;
const VOLUME = 1;

/**
 * Rolling VWAP over the last `windowMs` of trades (whole buckets, see {@link TimeBuckets}):
 * `vwap = Σ(price·size) / Σsize`, `deviationPct = (lastPrice − vwap) · 100 / vwap` (multiplied
 * before dividing, so a deviation of exactly ±pct is computed exactly when the inputs allow),
 * and per band `side = +1` if `deviationPct >= pct`, `-1` if `<= -pct`, else 0.
 *
 * `lastPrice` is the price of the most recent trade, late or not. When the window holds only
 * zero-size trades the VWAP is the last price (deviation 0). The result is non-null from the first
 * trade; `isStable` once the trades seen span the window (first trade at or before
 * `newestTs − windowMs + bucketMs`). Each call returns a fresh result object.
 *
 * @see ../../shared/design.md §5 (rolling VWAP over 5m/15m/1h with ±0.5/1/2 % bands)
 */
export class RollingVwap implements Indicator<TradeTick, RollingVwapResult, RollingVwapState> {
  /** Band half-widths, percent. */
  readonly bandsPct: readonly number[];
  private buckets: TimeBuckets;
  private lastPrice = 0;
  private undoLastPrice = 0;
  private value: RollingVwapResult | null = null;

  constructor(options: RollingVwapOptions) {
    const bandsPct = options.bandsPct ?? [0.5, 1, 2];
    bandsPct.forEach((p) => {
      if (!(p > 0 && Number.isFinite(p))) throw new RangeError(`RollingVwap band must be a positive number, got ${p}`);
    });
    this.bandsPct = bandsPct.slice();
    this.buckets = new TimeBuckets({ windowMs: options.windowMs, bucketMs: options.bucketMs, fields: 2 });
  }

  /** Rebuilds a RollingVwap from {@link RollingVwap.getState}. */
  static restore(state: RollingVwapState): RollingVwap {
    const vwap = new RollingVwap(state);
    vwap.buckets = TimeBuckets.restore(state.buckets);
    vwap.lastPrice = state.lastPrice ?? 0;
    vwap.undoLastPrice = state.undoLastPrice;
    vwap.value = state.lastPrice === null ? null : vwap.compute(state.lastPrice);
    return vwap;
  }

  /** Window length, ms. */
  get windowMs(): number {
    return this.buckets.windowMs;
  }

  get isStable(): boolean {
    return this.buckets.spansWindow;
  }

  get result(): RollingVwapResult | null {
    return this.value;
  }

  add(trade: TradeTick): RollingVwapResult {
    this.undoLastPrice = this.lastPrice;
    this.lastPrice = trade.price;
    this.buckets.addTrade(trade.ts);
    this.buckets.accumulate(PRICE_VOLUME, trade.price * trade.size);
    this.buckets.accumulate(VOLUME, trade.size);
    return (this.value = this.compute(trade.price));
  }

  replace(trade: TradeTick): RollingVwapResult {
    if (!this.buckets.hasTrades) return this.add(trade);
    this.buckets.undo();
    this.lastPrice = this.undoLastPrice;
    return this.add(trade);
  }

  getState(): RollingVwapState {
    return {
      windowMs: this.buckets.windowMs,
      bandsPct: this.bandsPct.slice(),
      bucketMs: this.buckets.bucketMs,
      buckets: this.buckets.getState(),
      lastPrice: !this.buckets.hasTrades ? null : this.lastPrice,
      undoLastPrice: this.undoLastPrice,
    };
  }

  private compute(lastPrice: number): RollingVwapResult {
    const volume = this.buckets.sum(VOLUME);
    const vwap = volume > 0 ? this.buckets.sum(PRICE_VOLUME) / volume : lastPrice;
    const deviationPct = vwap !== 0 ? ((lastPrice - vwap) * 100) / vwap : 0;
    const bands: VwapBand[] = new Array(this.bandsPct.length);
    for (let i = 0; i < bands.length; i++) {
      const pct = this.bandsPct[i];
      bands[i] = { pct, side: bandSide(deviationPct, pct) };
    }
    return { vwap, deviationPct, bands, volume: volume > 0 ? volume : 0 };
  }
}

function bandSide(deviationPct: number, pct: number): BandSide {
  if (deviationPct >= pct) return 1;
  if (deviationPct <= -pct) return -1;
  return 0;
}
