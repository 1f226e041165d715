/**
 * Reading an order book the way a simulated taker or maker order meets it: which levels a market
 * order consumes, at what prices, and how much size already rests at a limit price.
 * Pure functions over {@link OrderBookState}; the simulated broker calls them once per order arrival.
 * @module
 */

import type { Level } from "../market/events";
import type { OrderBookState } from "../market/order-book";
import type { OrderSide } from "./orders";

/** One slice of a market order's execution. */
export interface WalkSlice {
  readonly price: number;
  readonly size: number;
}

/** Relative tolerance for comparing prices and for treating a size left over as zero. */
const REL_EPS = 1e-9;

/** True when two prices are the same grid price up to float noise. */
export function samePrice(a: number, b: number): boolean {
  return Math.abs(a - b) <= REL_EPS * Math.max(Math.abs(a), Math.abs(b));
}

/** `value`, or 0 when it is float noise relative to `scale` (a remainder left by repeated subtraction). */
export function snapToZero(value: number, scale: number): number {
  return Math.abs(value) <= REL_EPS * Math.abs(scale) ? 0 : value;
}

/** True when `price` is strictly worse than `ref` for the book side a `side` order takes from (higher asks for a buy). */
function worse(side: OrderSide, price: number, ref: number): boolean {
  return side === "buy" ? price > ref && !samePrice(price, ref) : price < ref && !samePrice(price, ref);
}

/**
 * One side of the book, best first: the top of book (Bitget `books1`, the freshest) as level 0,
 * then the depth snapshot's levels strictly worse than it. Depth levels better than the top are
 * stale (the top is at least as new) and are skipped. Empty without a top of book.
 * @param bookSide `"asks"` for what a buy takes, `"bids"` for what a sell takes (or where a buy rests).
 */
export function sideLevels(state: OrderBookState, bookSide: "bids" | "asks"): Level[] {
  const top = state.top;
  if (!top) return [];
  const topPrice = bookSide === "asks" ? top.askPrice : top.bidPrice;
  const topSize = bookSide === "asks" ? top.askSize : top.bidSize;
  const asSide: OrderSide = bookSide === "asks" ? "buy" : "sell";
  const out: Level[] = [[topPrice, topSize]];
  for (const level of bookSide === "asks" ? state.asks : state.bids) {
    if (worse(asSide, level[0], topPrice)) out.push(level);
  }
  return out;
}

/** The levels a taker order of `side` consumes (asks for a buy, bids for a sell), best first. */
export function takerLevels(state: OrderBookState, side: OrderSide): Level[] {
  return sideLevels(state, side === "buy" ? "asks" : "bids");
}

/**
 * Size already resting at `price` on the side a maker order of `side` joins (bids for a buy):
 * the queue ahead of a new order there. 0 when the book shows no level at that price.
 */
export function restingSizeAt(state: OrderBookState, side: OrderSide, price: number): number {
  for (const level of sideLevels(state, side === "buy" ? "bids" : "asks")) {
    if (samePrice(level[0], price)) return level[1];
  }
  return 0;
}

/**
 * Walks `levels` (best first) to execute `size`, level by level, one slice per level touched.
 * When the visible book runs out, the rest executes in one more slice at the last level's price
 * moved `penaltyBps` further against the taker (× (1 + bps/10 000) for a buy, × (1 − bps/10 000)
 * for a sell): a market order (a stop-loss above all) always fills, never silently stops short.
 * Levels with no size are skipped; `levels` must hold at least one priced level.
 */
export function walkBook(levels: readonly Level[], side: OrderSide, size: number, penaltyBps: number): WalkSlice[] {
  const slices: WalkSlice[] = [];
  let left = size;
  let lastPrice = levels[0][0];
  for (const [price, available] of levels) {
    lastPrice = price;
    if (!(available > 0)) continue;
    const take = Math.min(left, available);
    slices.push({ price, size: take });
    left = snapToZero(left - take, size);
    if (left === 0) return slices;
  }
  const factor = side === "buy" ? 1 + penaltyBps / 10_000 : 1 - penaltyBps / 10_000;
  slices.push({ price: lastPrice * factor, size: left });
  return slices;
}

/** Volume-weighted average price of `slices` (Σ price × size / Σ size). */
export function averagePrice(slices: readonly WalkSlice[]): number {
  let notional = 0;
  let size = 0;
  for (const s of slices) {
    notional += s.price * s.size;
    size += s.size;
  }
  return notional / size;
}
