/**
 * Taker order flow over a time window of trades: volume delta, buy ratio and large trades.
 * @module
 */

import type { TradeTick } from "../market/events";
import type { Indicator } from "./indicator";
import { TimeBuckets, type TimeBucketsState } from "./time-buckets";

/** Options of {@link OrderFlow}. */
export interface OrderFlowOptions {
  /** Window length, ms: a positive multiple of `bucketMs`. */
  readonly windowMs: number;
  /** A trade is large when its size exceeds this multiple of the window's average trade size. Default 2. */
  readonly largeMultiple?: number;
  /** Bucket width, ms. Default 1,000. */
  readonly bucketMs?: number;
}

/** Result of {@link OrderFlow}. */
export interface OrderFlowResult {
  /** Taker buy volume − taker sell volume. */
  readonly delta: number;
  /** delta / volume, in [-1, 1]; 0 when the window has no volume. */
  readonly deltaRatio: number;
  /** Taker buy volume / volume, in [0, 1]; 0.5 when the window has no volume. */
  readonly buyRatio: number;
  /** Total traded size in the window. */
  readonly volume: number;
  /** Trades in the window. */
  readonly trades: number;
  /** Trades in the window that were large when they arrived. */
  readonly largeTrades: number;
  /** Signed size (buy +, sell −) of those large trades. */
  readonly largeDelta: number;
}

/** Serialisable state of {@link OrderFlow}. */
export interface OrderFlowState {
  readonly windowMs: number;
  readonly largeMultiple: number;
  readonly bucketMs: number;
  readonly buckets: TimeBucketsState;
}

const BUY = 0;
const SELL = 1;
const LARGE_COUNT = 2;
const LARGE_DELTA = 3;

/**
 * Order flow over the last `windowMs` of trades (whole buckets, see {@link TimeBuckets}), by
 * taker side: `delta = buyVolume − sellVolume`, `deltaRatio = delta / volume`,
 * `buyRatio = buyVolume / volume`.
 *
 * A trade is large when `size > largeMultiple × average`, where the average is the window's
 * Σsize / trades at the moment the trade arrives, after expiry and excluding the trade itself
 * (so one big print cannot dilute its own threshold). The first trade of an empty window has no
 * reference and is never large. The flag is fixed on arrival and leaves the window with its bucket.
 *
 * Sums are clamped at 0 when read, so float residue cannot push the ratios out of range.
 * The result is non-null from the first trade; `isStable` once the trades seen span the window
 * (first trade at or before `newestTs − windowMs + bucketMs`). Each call returns a fresh object.
 */
export class OrderFlow implements Indicator<TradeTick, OrderFlowResult, OrderFlowState> {
  /** Size multiple of the window average above which a trade is large. */
  readonly largeMultiple: number;
  private buckets: TimeBuckets;
  private value: OrderFlowResult | null = null;

  constructor(options: OrderFlowOptions) {
    const largeMultiple = options.largeMultiple ?? 2;
    if (!(largeMultiple > 0 && Number.isFinite(largeMultiple))) {
      throw new RangeError(`OrderFlow largeMultiple must be a positive number, got ${largeMultiple}`);
    }
    this.largeMultiple = largeMultiple;
    this.buckets = new TimeBuckets({ windowMs: options.windowMs, bucketMs: options.bucketMs, fields: 4 });
  }

  /** Rebuilds an OrderFlow from {@link OrderFlow.getState}. */
  static restore(state: OrderFlowState): OrderFlow {
    const flow = new OrderFlow(state);
    flow.buckets = TimeBuckets.restore(state.buckets);
    flow.value = !flow.buckets.hasTrades ? null : flow.compute();
    return flow;
  }

  /** Window length, ms. */
  get windowMs(): number {
    return this.buckets.windowMs;
  }

  get isStable(): boolean {
    return this.buckets.spansWindow;
  }

  get result(): OrderFlowResult | null {
    return this.value;
  }

  add(trade: TradeTick): OrderFlowResult {
    const b = this.buckets;
    b.addTrade(trade.ts);
    const before = b.trades - 1;
    const volumeBefore = nonNegative(b.sum(BUY)) + nonNegative(b.sum(SELL));
    const signed = trade.side === "buy" ? trade.size : -trade.size;
    b.accumulate(trade.side === "buy" ? BUY : SELL, trade.size);
    if (before > 0 && trade.size * before > this.largeMultiple * volumeBefore) {
      b.accumulate(LARGE_COUNT, 1);
      b.accumulate(LARGE_DELTA, signed);
    }
    return (this.value = this.compute());
  }

  replace(trade: TradeTick): OrderFlowResult {
    if (!this.buckets.hasTrades) return this.add(trade);
    this.buckets.undo();
    return this.add(trade);
  }

  getState(): OrderFlowState {
    return {
      windowMs: this.buckets.windowMs,
      largeMultiple: this.largeMultiple,
      bucketMs: this.buckets.bucketMs,
      buckets: this.buckets.getState(),
    };
  }

  private compute(): OrderFlowResult {
    const b = this.buckets;
    const buy = nonNegative(b.sum(BUY));
    const sell = nonNegative(b.sum(SELL));
    const volume = buy + sell;
    const delta = buy - sell;
    return {
      delta,
      deltaRatio: volume > 0 ? delta / volume : 0,
      buyRatio: volume > 0 ? buy / volume : 0.5,
      volume,
      trades: b.trades,
      largeTrades: b.sum(LARGE_COUNT),
      largeDelta: b.sum(LARGE_DELTA),
    };
  }
}

function nonNegative(x: number): number {
  return x > 0 ? x : 0;
}
