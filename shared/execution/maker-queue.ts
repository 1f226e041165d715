/**
 * How a resting post-only order meets the market: whether it would cross on arrival, and how much
 * of it a trade print fills once the size queued ahead of it at its price is used up.
 * @module
 */

import type { TradeEvent } from "../market/events";
import { samePrice, snapToZero } from "./book-walk";
import type { OrderSide } from "./orders";
import type { SimOrder } from "./sim-order";

/** True when a post-only order at `price` would take liquidity: a buy at or above the best ask, a sell at or below the best bid. */
export function crosses(side: OrderSide, price: number, best: number): boolean {
  return samePrice(price, best) || (side === "buy" ? price > best : price < best);
}

/**
 * Size of resting order `o` that trade `e` fills (0 for none), using up `o.queueAhead` as a side
 * effect. A print strictly through the limit (below a buy's, above a sell's) fills the whole rest,
 * whatever its size. A print at the limit counts only when its aggressor is the other side (a sell
 * hitting the bids a buy rests on): it first eats the queue ahead, the excess fills. Orders marked
 * `throughOnly` (no queue known) fill on prints through the limit only.
 */
export function makerFillSize(o: SimOrder, e: TradeEvent): number {
  const limit = o.price as number;
  const left = o.size - o.filled;
  const through = o.side === "buy" ? e.price < limit : e.price > limit;
  if (through && !samePrice(e.price, limit)) return left;
  if (o.throughOnly || e.side === o.side || !samePrice(e.price, limit)) return 0;
  const used = Math.min(o.queueAhead, e.size);
  o.queueAhead = snapToZero(o.queueAhead - used, e.size);
  return Math.min(left, snapToZero(e.size - used, e.size));
}
