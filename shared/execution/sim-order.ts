/**
 * The simulated broker's record of one order, and its serialisable state: plain JSON so a Durable
 * Object can persist the paper broker and rebuild it after eviction.
 * @module
 */

import type { OrderBookState } from "../market/order-book";
import type { OrderRejectReason, OrderRequest, OrderSide, OrderStatus, OrderType } from "./orders";

/** One order as the simulator tracks it. Mutable inside the broker; copied whenever it leaves. */
export interface SimOrder {
  readonly clientOid: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  /** Limit price (post-only), null for market orders. */
  readonly price: number | null;
  /** Size to execute: the request's size, cut to the position for reduce-only orders. */
  size: number;
  readonly reduceOnly: boolean;
  /** Decision time (the request's `ts`). */
  readonly ts: number;
  /** When the order reaches the market: `ts + latencyMs`. */
  readonly arrival: number;
  /** Placement order, the tie-break between equal arrival times. */
  readonly seq: number;
  /** Slippage reference: the mid at decision time, else the last trade, else the same at arrival. */
  refPrice: number | null;
  status: OrderStatus["status"];
  filled: number;
  reason: OrderStatus["reason"] | null;
  /** Book size ahead of a resting order at its price; trades at the price use it up first. */
  queueAhead: number;
  /** Fills only on trades strictly through the price (trade-only resting orders: no queue known). */
  throughOnly: boolean;
  /** When it started resting (trades before this never fill it); null while pending. */
  openedAt: number | null;
  /** When a resting entry is cancelled for timeout; null for exits and non-resting orders. */
  expiresAt: number | null;
}

/** Counters a backtest report shows beside the trades. */
export interface SimulatedBrokerStats {
  /** True once any order of any symbol was priced from trades alone (no book): results are approximate. */
  tradeOnly: boolean;
  /** Post-only entries cancelled by the entry timeout (partially filled ones included). */
  unfilledEntries: number;
  /** Orders refused (at placement or at arrival). */
  rejected: number;
  fills: number;
  /** Σ fee over all fills, quote currency. */
  fees: number;
}

/** Serialisable state of the simulated broker (see `SimulatedBroker.getState`). */
export interface SimulatedBrokerState {
  readonly version: 1;
  /** The newest exchange time seen (events and `advance`), or null before any. */
  readonly clock: number | null;
  readonly seq: number;
  readonly books: Record<string, OrderBookState>;
  readonly lastTrades: Record<string, number>;
  /** Net position per symbol in base coin, positive long. */
  readonly positions: Record<string, number>;
  /** Orders not yet arrived, by (arrival, seq). */
  readonly pending: SimOrder[];
  /** Post-only orders resting in the book, by arrival. */
  readonly resting: SimOrder[];
  /** Done orders (filled, cancelled, rejected), oldest first, at most `maxFinishedOrders`. */
  readonly finished: SimOrder[];
  readonly stats: SimulatedBrokerStats;
}

/** A fresh order record for `req`, pending until `arrival`. */
export function newSimOrder(req: OrderRequest, arrival: number, seq: number, refPrice: number | null): SimOrder {
  return {
    clientOid: req.clientOid,
    symbol: req.symbol,
    side: req.side,
    type: req.type,
    price: req.type === "postOnly" ? (req.price ?? null) : null,
    size: req.size,
    reduceOnly: req.reduceOnly,
    ts: req.ts,
    arrival,
    seq,
    refPrice,
    status: "pending",
    filled: 0,
    reason: null,
    queueAhead: 0,
    throughOnly: false,
    openedAt: null,
    expiresAt: null,
  };
}

/** The port's view of an order record. */
export function simOrderStatus(o: SimOrder): OrderStatus {
  const base = {
    clientOid: o.clientOid,
    symbol: o.symbol,
    status: o.status,
    filledSize: o.filled,
    remainingSize: o.status === "filled" ? 0 : Math.max(0, o.size - o.filled),
  };
  return o.reason === null || o.reason === undefined ? base : { ...base, reason: o.reason };
}

/** A fresh, zeroed stats record. */
export function emptyStats(): SimulatedBrokerStats {
  return { tradeOnly: false, unfilledEntries: 0, rejected: 0, fills: 0, fees: 0 };
}

/** Why a request cannot be accepted at all (the reason and a detail), or null when it is well formed. */
export function requestProblem(req: OrderRequest): [OrderRejectReason, string] | null {
  if (!(req.size > 0) || !Number.isFinite(req.size)) return ["size_below_minimum", `size must be > 0, got ${req.size}`];
  if (!Number.isFinite(req.ts)) return ["exchange_error", `ts must be a finite number, got ${req.ts}`];
  if (req.type === "postOnly" && !(req.price !== undefined && req.price > 0 && Number.isFinite(req.price))) {
    return ["exchange_error", `a post-only order needs a price > 0, got ${req.price}`];
  }
  return null;
}
