/**
 * Tick momentum: up/down ticks, run persistence, trade rate and trade-size percentiles.
 * @module
 */

import type { TradeTick } from "../market/events";
import { assertPeriod, type Indicator, type InPlaceReadable, type Mutable } from "./indicator";
import { QuantileHistogram, type QuantileHistogramState } from "./quantile-histogram";
import { TimeBuckets, type TimeBucketsState } from "./time-buckets";

/** Options of {@link TickMomentum}. */
export interface TickMomentumOptions {
  /** Trades over which up and down ticks are counted. Default 50. */
  readonly tickWindow?: number;
  /** Window of the trade rate, ms: a positive multiple of `bucketMs`. Default 10,000. */
  readonly rateWindowMs?: number;
  /** Trades over which size percentiles are taken. Default 500. */
  readonly sizeWindow?: number;
  /** Bucket width of the rate window, ms. Default 1,000. */
  readonly bucketMs?: number;
  /** Resolution of the size histogram, buckets per power of two. Default 16 (error ≤ 2.19 %). */
  readonly bucketsPerOctave?: number;
}

/** Result of {@link TickMomentum}. */
export interface TickMomentumResult {
  /** Trades among the last `tickWindow` that printed above the previous trade. */
  readonly upTicks: number;
  /** Trades among the last `tickWindow` that printed below the previous trade. */
  readonly downTicks: number;
  /** upTicks / (upTicks + downTicks); 0.5 when there are none. */
  readonly upRatio: number;
  /** Trades in the rate window divided by its length in seconds. */
  readonly ticksPerSecond: number;
  /** +k after k up-ticks in a row, −k after k down-ticks; zero ticks neither break nor extend it. */
  readonly persistence: number;
  /** Median size of the last `sizeWindow` trades. */
  readonly sizeP50: number;
  /** 90th percentile size of the last `sizeWindow` trades. */
  readonly sizeP90: number;
  /** 99th percentile size of the last `sizeWindow` trades. */
  readonly sizeP99: number;
}

/**
 * A writable {@link TickMomentumResult} to be filled by `readInto`. Its number fields start as NaN, a double:
 * V8 then stores the doubles written later in place, where a field that started as the small
 * integer 0 boxed every one of them (measured: twice the cost of a read).
 */
export function blankTickMomentumResult(): Mutable<TickMomentumResult> {
  return {
    upTicks: NaN,
    downTicks: NaN,
    upRatio: NaN,
    ticksPerSecond: NaN,
    persistence: NaN,
    sizeP50: NaN,
    sizeP90: NaN,
    sizeP99: NaN,
  };
}

/** Serialisable state of {@link TickMomentum}. */
export interface TickMomentumState {
  readonly tickWindow: number;
  readonly rateWindowMs: number;
  readonly sizeWindow: number;
  readonly bucketMs: number;
  readonly bucketsPerOctave: number;
  readonly directions: number[];
  readonly head: number;
  readonly seen: number;
  readonly upTicks: number;
  readonly downTicks: number;
  readonly run: number;
  readonly lastPrice: number | null;
  /** What the latest trade changed; `lastPrice` is 0 when it was the first trade. */
  readonly undo: { readonly direction: number; readonly run: number; readonly lastPrice: number };
  readonly rate: TimeBucketsState;
  readonly sizes: QuantileHistogramState;
}

/**
 * Tick momentum over trades. Each trade's tick is the sign of its price change from the previous
 * trade (the first trade's tick is 0). `upTicks`/`downTicks` count strictly rising/falling ticks
 * among the last `tickWindow` trades; zero ticks count as neither.
 *
 * `persistence` follows the tick-test convention that a zero tick carries the previous direction:
 * it does not break the run, and it does not lengthen it either, so `k` is the number of actual
 * up-moves (up, up, same, up → +3; then down → −1).
 *
 * `ticksPerSecond` is the trade count of the last `rateWindowMs` (whole buckets, see
 * {@link TimeBuckets}) divided by `rateWindowMs / 1000`. Size percentiles come from a
 * {@link QuantileHistogram} over the last `sizeWindow` sizes (nearest rank, relative error at most
 * its `relativeErrorBound`).
 *
 * The result is non-null from the first trade; `isStable` once `tickWindow` trades were seen.
 * Each call returns a fresh result object.
 */
export class TickMomentum
  implements Indicator<TradeTick, TickMomentumResult, TickMomentumState>, InPlaceReadable<TickMomentumResult>
{
  /** Trades over which ticks are counted. */
  readonly tickWindow: number;
  private readonly directions: Int8Array;
  private head = 0;
  private seen = 0;
  private upTicks = 0;
  private downTicks = 0;
  private run = 0;
  private lastPrice = 0;
  private undoDirection = 0;
  private undoRun = 0;
  private undoLastPrice = 0;
  private rate: TimeBuckets;
  private sizes: QuantileHistogram;
  private value: TickMomentumResult | null = null;
  /** True when `value` lags the last trade (it is rebuilt on read). */
  private stale = false;

  constructor(options: TickMomentumOptions = {}) {
    const tickWindow = options.tickWindow ?? 50;
    const sizeWindow = options.sizeWindow ?? 500;
    assertPeriod("TickMomentum tickWindow", tickWindow);
    assertPeriod("TickMomentum sizeWindow", sizeWindow);
    this.tickWindow = tickWindow;
    this.directions = new Int8Array(tickWindow);
    this.rate = new TimeBuckets({ windowsMs: [options.rateWindowMs ?? 10_000], bucketMs: options.bucketMs, fields: 0 });
    this.sizes = new QuantileHistogram({
      window: sizeWindow,
      quantiles: [0.5, 0.9, 0.99],
      bucketsPerOctave: options.bucketsPerOctave,
    });
  }

  /** Rebuilds a TickMomentum from {@link TickMomentum.getState}. */
  static restore(state: TickMomentumState): TickMomentum {
    const tm = new TickMomentum(state);
    tm.directions.set(state.directions);
    tm.head = state.head;
    tm.seen = state.seen;
    tm.upTicks = state.upTicks;
    tm.downTicks = state.downTicks;
    tm.run = state.run;
    tm.lastPrice = state.lastPrice ?? 0;
    tm.undoDirection = state.undo.direction;
    tm.undoRun = state.undo.run;
    tm.undoLastPrice = state.undo.lastPrice;
    tm.rate = TimeBuckets.restore(state.rate);
    tm.sizes = QuantileHistogram.restore(state.sizes);
    tm.value = state.seen === 0 ? null : tm.compute();
    return tm;
  }

  get isStable(): boolean {
    return this.seen >= this.tickWindow;
  }

  get result(): TickMomentumResult | null {
    if (this.stale) {
      this.value = this.compute();
      this.stale = false;
    }
    return this.value;
  }

  add(trade: TradeTick): TickMomentumResult {
    this.update(trade);
    return this.result as TickMomentumResult;
  }

  /** Consumes a trade without building the result (read it later through `result`). */
  update(trade: TradeTick): void {
    this.consume(trade, true);
  }

  /** Consumes a trade for good: as {@link update}, but it cannot be revised (the rate window keeps no undo record). */
  push(trade: TradeTick): void {
    this.consume(trade, false);
  }

  private consume(trade: TradeTick, undoable: boolean): void {
    const dir = this.seen === 0 ? 0 : Math.sign(trade.price - this.lastPrice);
    this.undoDirection = this.directions[this.head];
    this.undoRun = this.run;
    this.undoLastPrice = this.lastPrice;
    if (this.seen >= this.tickWindow) this.count(this.undoDirection, -1);
    this.directions[this.head] = dir;
    this.count(dir, 1);
    this.head = this.head + 1 === this.tickWindow ? 0 : this.head + 1;
    this.seen++;
    this.run = nextRun(this.run, dir);
    this.lastPrice = trade.price;
    this.rate.addTrade(trade.ts, undoable);
    this.sizes.add(trade.size);
    this.stale = true;
  }

  replace(trade: TradeTick): TickMomentumResult {
    if (this.seen === 0) return this.add(trade);
    this.head = (this.head === 0 ? this.tickWindow : this.head) - 1;
    this.count(this.directions[this.head], -1);
    this.directions[this.head] = this.undoDirection;
    this.seen--;
    if (this.seen >= this.tickWindow) this.count(this.undoDirection, 1);
    this.run = this.undoRun;
    this.lastPrice = this.undoLastPrice;
    this.rate.undo();
    this.sizes.undo();
    return this.add(trade);
  }

  getState(): TickMomentumState {
    return {
      tickWindow: this.tickWindow,
      rateWindowMs: this.rate.windowsMs[0],
      sizeWindow: this.sizes.window,
      bucketMs: this.rate.bucketMs,
      bucketsPerOctave: this.sizes.bucketsPerOctave,
      directions: Array.from(this.directions),
      head: this.head,
      seen: this.seen,
      upTicks: this.upTicks,
      downTicks: this.downTicks,
      run: this.run,
      lastPrice: this.seen > 0 ? this.lastPrice : null,
      undo: { direction: this.undoDirection, run: this.undoRun, lastPrice: this.undoLastPrice },
      rate: this.rate.getState(),
      sizes: this.sizes.getState(),
    };
  }

  private count(dir: number, by: number): void {
    if (dir > 0) this.upTicks += by;
    else if (dir < 0) this.downTicks += by;
  }

  /** Writes the latest result into `out` (no allocation); false before the first trade. */
  readInto(out: Mutable<TickMomentumResult>): boolean {
    if (this.seen === 0) return false;
    const moves = this.upTicks + this.downTicks;
    out.upTicks = this.upTicks;
    out.downTicks = this.downTicks;
    out.upRatio = moves > 0 ? this.upTicks / moves : 0.5;
    out.ticksPerSecond = (this.rate.trades(0) * 1000) / this.rate.windowsMs[0];
    out.persistence = this.run;
    out.sizeP50 = this.sizes.quantile(0);
    out.sizeP90 = this.sizes.quantile(1);
    out.sizeP99 = this.sizes.quantile(2);
    return true;
  }

  private compute(): TickMomentumResult {
    const out = blankTickMomentumResult();
    this.readInto(out);
    return out;
  }
}

function nextRun(run: number, dir: number): number {
  if (dir > 0) return run > 0 ? run + 1 : 1;
  if (dir < 0) return run < 0 ? run - 1 : -1;
  return run;
}
