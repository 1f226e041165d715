/**
 * Taker order flow over time windows of trades: volume delta, buy ratio and large trades.
 * @module
 */

import type { TradeTick } from "../market/events";
import type { Mutable } from "./indicator";
import { WindowedTradeIndicator } from "./windowed-trade-indicator";
import { TimeBuckets, type TimeBucketsState } from "./time-buckets";

/** Options of {@link OrderFlow}. */
export interface OrderFlowOptions {
  /** Window lengths, ms, in result order: each a positive multiple of `bucketMs`. */
  readonly windowsMs: readonly number[];
  /** A trade is large when its size exceeds this multiple of the window's average trade size. Default 2. */
  readonly largeMultiple?: number;
  /** Bucket width, ms. Default 1,000. */
  readonly bucketMs?: number;
}

/** Result of {@link OrderFlow} for one window. */
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

/**
 * A writable {@link OrderFlowResult} to be filled by `readInto`. Its number fields start as NaN, a double:
 * V8 then stores the doubles written later in place, where a field that started as the small
 * integer 0 boxed every one of them (measured: twice the cost of a read).
 */
export function blankOrderFlowResult(): Mutable<OrderFlowResult> {
  return { delta: NaN, deltaRatio: NaN, buyRatio: NaN, volume: NaN, trades: NaN, largeTrades: NaN, largeDelta: NaN };
}

/** Serialisable state of {@link OrderFlow}. */
export interface OrderFlowState {
  readonly windowsMs: number[];
  readonly largeMultiple: number;
  readonly bucketMs: number;
  readonly buckets: TimeBucketsState;
}

const BUY = 0;
const SELL = 1;
/** Window-private fields: whether a trade is large depends on the window's own average. */
const LARGE_COUNT = 2;
const LARGE_DELTA = 3;

/**
 * Order flow over the last `windowMs` of trades for each configured window (whole buckets, one
 * shared {@link TimeBuckets} ring), by taker side: `delta = buyVolume − sellVolume`,
 * `deltaRatio = delta / volume`, `buyRatio = buyVolume / volume`.
 *
 * A trade is large in a window when `size > largeMultiple × average`, where the average is that
 * window's Σsize / trades at the moment the trade arrives, after expiry and excluding the trade
 * itself (so one big print cannot dilute its own threshold). The first trade of an empty window has
 * no reference and is never large. The flag is fixed on arrival, per window, and leaves each
 * window with its bucket.
 *
 * Sums are clamped at 0 when read, so float residue cannot push the ratios out of range.
 * The result, one entry per window in the order given, is non-null from the first trade;
 * `isStable` once the trades seen span the longest window (first trade at or before
 * `newestTs − windowMs + bucketMs`), and {@link isWindowStable} tells per window.
 *
 * Results are computed lazily (see {@link WindowedTradeIndicator}).
 */
export class OrderFlow extends WindowedTradeIndicator<OrderFlowResult, OrderFlowState> {
  /** Size multiple of the window average above which a trade is large. */
  readonly largeMultiple: number;

  constructor(options: OrderFlowOptions) {
    const largeMultiple = options.largeMultiple ?? 2;
    if (!(largeMultiple > 0 && Number.isFinite(largeMultiple))) {
      throw new RangeError(`OrderFlow largeMultiple must be a positive number, got ${largeMultiple}`);
    }
    super(new TimeBuckets({ windowsMs: options.windowsMs, bucketMs: options.bucketMs, fields: 2, windowFields: 2 }));
    this.largeMultiple = largeMultiple;
  }

  /** Rebuilds an OrderFlow from {@link OrderFlow.getState}. */
  static restore(state: OrderFlowState): OrderFlow {
    const flow = new OrderFlow(state);
    flow.buckets = TimeBuckets.restore(state.buckets);
    return flow;
  }

  protected consume(trade: TradeTick, undoable: boolean): void {
    const b = this.buckets;
    b.addTrade(trade.ts, undoable);
    const signed = trade.side === "buy" ? trade.size : -trade.size;
    for (let w = 0; w < b.windowCount; w++) {
      const before = b.trades(w) - 1;
      const volumeBefore = nonNegative(b.sum(w, BUY)) + nonNegative(b.sum(w, SELL));
      if (before > 0 && trade.size * before > this.largeMultiple * volumeBefore) {
        b.accumulateOwn(w, LARGE_COUNT, 1);
        b.accumulateOwn(w, LARGE_DELTA, signed);
      }
    }
    b.accumulate(trade.side === "buy" ? BUY : SELL, trade.size);
  }

  getState(): OrderFlowState {
    return {
      windowsMs: this.buckets.windowsMs.slice(),
      largeMultiple: this.largeMultiple,
      bucketMs: this.buckets.bucketMs,
      buckets: this.buckets.getState(),
    };
  }

  blank(): Mutable<OrderFlowResult> {
    return blankOrderFlowResult();
  }

  protected computeInto(w: number, out: Mutable<OrderFlowResult>): void {
    const b = this.buckets;
    const buy = nonNegative(b.sum(w, BUY));
    const sell = nonNegative(b.sum(w, SELL));
    const volume = buy + sell;
    const delta = buy - sell;
    out.delta = delta;
    out.deltaRatio = volume > 0 ? delta / volume : 0;
    out.buyRatio = volume > 0 ? buy / volume : 0.5;
    out.volume = volume;
    out.trades = b.trades(w);
    out.largeTrades = b.sum(w, LARGE_COUNT);
    out.largeDelta = b.sum(w, LARGE_DELTA);
  }
}

function nonNegative(x: number): number {
  return x > 0 ? x : 0;
}
