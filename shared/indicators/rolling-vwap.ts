/**
 * Rolling volume-weighted average price over time windows of trades, with percentage bands.
 * @module
 */

import type { TradeTick } from "../market/events";
import type { Mutable } from "./indicator";
import { WindowedTradeIndicator } from "./windowed-trade-indicator";
import { TimeBuckets, type TimeBucketsState } from "./time-buckets";

/** Options of {@link RollingVwap}. */
export interface RollingVwapOptions {
  /** Window lengths, ms, in result order: each a positive multiple of `bucketMs`. */
  readonly windowsMs: readonly number[];
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

/** Result of {@link RollingVwap} for one window. */
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
  readonly windowsMs: number[];
  readonly bandsPct: number[];
  readonly bucketMs: number;
  readonly buckets: TimeBucketsState;
  readonly lastPrice: number | null;
  /** Last price before the latest trade (0 before the first). */
  readonly undoLastPrice: number;
}

const PRICE_VOLUME = 0;
const VOLUME = 1;
/** Band sets up to this size get their flag arrays interned (3^n of them at most). */
const MAX_INTERNED_BANDS = 6;

const NO_BANDS: readonly VwapBand[] = Object.freeze([]);

/**
 * A writable {@link RollingVwapResult} to be filled by `readInto`. Its number fields start as NaN, a double:
 * V8 then stores the doubles written later in place, where a field that started as the small
 * integer 0 boxed every one of them (measured: twice the cost of a read).
 */
export function blankVwapResult(): Mutable<RollingVwapResult> {
  return { vwap: NaN, deviationPct: NaN, bands: NO_BANDS, volume: NaN };
}

/**
 * Rolling VWAP over the last `windowMs` of trades for each configured window (whole buckets, one
 * shared {@link TimeBuckets} ring): `vwap = Σ(price·size) / Σsize`,
 * `deviationPct = (lastPrice − vwap) · 100 / vwap` (multiplied before dividing, so a deviation of
 * exactly ±pct is computed exactly when the inputs allow), and per band `side = +1` if
 * `deviationPct >= pct`, `-1` if `<= -pct`, else 0.
 *
 * `lastPrice` is the price of the most recent trade, late or not. When a window holds only
 * zero-size trades its VWAP is the last price (deviation 0). The result, one entry per window in
 * the order given, is non-null from the first trade; `isStable` once the trades seen span the
 * longest window (first trade at or before `newestTs − windowMs + bucketMs`), and
 * {@link isWindowStable} tells per window.
 *
 * Results are computed lazily (see {@link WindowedTradeIndicator}). The band arrays inside are
 * interned, frozen and shared between results, one per combination of sides.
 *
 * @see ../../shared/design.md §5 (rolling VWAP over 5m/15m/1h with ±0.5/1/2 % bands)
 */
export class RollingVwap extends WindowedTradeIndicator<RollingVwapResult, RollingVwapState> {
  /** Band half-widths, percent. */
  readonly bandsPct: readonly number[];
  private lastPrice = 0;
  private undoLastPrice = 0;
  private readonly bandSets: (readonly VwapBand[] | undefined)[];

  constructor(options: RollingVwapOptions) {
    super(new TimeBuckets({ windowsMs: options.windowsMs, bucketMs: options.bucketMs, fields: 2 }));
    const bandsPct = options.bandsPct ?? [0.5, 1, 2];
    bandsPct.forEach((p) => {
      if (!(p > 0 && Number.isFinite(p))) throw new RangeError(`RollingVwap band must be a positive number, got ${p}`);
    });
    this.bandsPct = bandsPct.slice();
    this.bandSets = bandsPct.length <= MAX_INTERNED_BANDS ? new Array(3 ** bandsPct.length) : [];
  }

  /** Rebuilds a RollingVwap from {@link RollingVwap.getState}. */
  static restore(state: RollingVwapState): RollingVwap {
    const vwap = new RollingVwap(state);
    vwap.buckets = TimeBuckets.restore(state.buckets);
    vwap.lastPrice = state.lastPrice ?? 0;
    vwap.undoLastPrice = state.undoLastPrice;
    return vwap;
  }

  protected consume(trade: TradeTick, undoable: boolean): void {
    this.undoLastPrice = this.lastPrice;
    this.lastPrice = trade.price;
    this.buckets.addTrade(trade.ts, undoable);
    this.buckets.accumulate(PRICE_VOLUME, trade.price * trade.size);
    this.buckets.accumulate(VOLUME, trade.size);
  }

  protected override undoLast(): void {
    this.lastPrice = this.undoLastPrice;
  }

  getState(): RollingVwapState {
    return {
      windowsMs: this.buckets.windowsMs.slice(),
      bandsPct: this.bandsPct.slice(),
      bucketMs: this.buckets.bucketMs,
      buckets: this.buckets.getState(),
      lastPrice: !this.buckets.hasTrades ? null : this.lastPrice,
      undoLastPrice: this.undoLastPrice,
    };
  }

  blank(): Mutable<RollingVwapResult> {
    return blankVwapResult();
  }

  protected computeInto(w: number, out: Mutable<RollingVwapResult>): void {
    const lastPrice = this.lastPrice;
    const volume = this.buckets.sum(w, VOLUME);
    const vwap = volume > 0 ? this.buckets.sum(w, PRICE_VOLUME) / volume : lastPrice;
    const deviationPct = vwap !== 0 ? ((lastPrice - vwap) * 100) / vwap : 0;
    out.vwap = vwap;
    out.deviationPct = deviationPct;
    out.bands = this.bands(deviationPct);
    out.volume = volume > 0 ? volume : 0;
  }

  /** The band flags for a deviation, interned by their combination of sides. */
  private bands(deviationPct: number): readonly VwapBand[] {
    const pcts = this.bandsPct;
    let code = 0;
    for (let i = pcts.length - 1; i >= 0; i--) code = code * 3 + bandSide(deviationPct, pcts[i]) + 1;
    const cached = this.bandSets[code];
    if (cached !== undefined) return cached;
    const bands = Object.freeze(pcts.map((pct) => Object.freeze({ pct, side: bandSide(deviationPct, pct) })));
    if (code < this.bandSets.length) this.bandSets[code] = bands;
    return bands;
  }
}

function bandSide(deviationPct: number, pct: number): BandSide {
  if (deviationPct >= pct) return 1;
  if (deviationPct <= -pct) return -1;
  return 0;
}
