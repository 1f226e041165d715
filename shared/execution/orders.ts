/**
 * Orders and fills: the language between the engine, the portfolio rules and every broker
 * (simulated or live). Prices and sizes are numbers already on the instrument's grid; ids are strings.
 * @module
 */

/** Order side on the exchange. */
export type OrderSide = "buy" | "sell";

/** Position direction. */
export type PositionSide = "long" | "short";

/** How an order executes: a market order takes liquidity; a post-only limit order only rests. */
export type OrderType = "market" | "postOnly";

/** Maker (rested) or taker (crossed). */
export type Liquidity = "maker" | "taker";

/** An order to place. `clientOid` is deterministic (symbol, intent time, sequence) and idempotent. */
export interface OrderRequest {
  readonly clientOid: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  /** Limit price for post-only orders; ignored (may be absent) for market orders. */
  readonly price?: number;
  /** Size in base coin, on the size step. */
  readonly size: number;
  /** Closes (part of) a position only; never opens or flips one. */
  readonly reduceOnly: boolean;
  /** Exchange time of the decision (the engine's clock). */
  readonly ts: number;
  /** Stop-loss price an exchange may hold for the position (a preset stop); informational for the simulator. */
  readonly stopLossPrice?: number;
}

/** Why a broker refused an order (a value, never an exception). */
export type OrderRejectReason =
  | "post_only_would_cross"
  | "no_liquidity"
  | "size_below_minimum"
  | "reduce_only_no_position"
  | "duplicate_client_oid"
  | "insufficient_margin"
  | "rate_limited"
  | "exchange_error"
  | "unknown_order";

/** One execution of (part of) an order. */
export interface Fill {
  readonly clientOid: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly price: number;
  readonly size: number;
  /** Fee paid in quote currency (USDT), always >= 0. */
  readonly fee: number;
  readonly liquidity: Liquidity;
  /** Exchange time of the execution. */
  readonly ts: number;
  /**
   * Cost against the reference price of the decision (the mid, or the last trade without a book),
   * in quote currency, positive when the fill was worse: (price − ref) × size for a buy,
   * (ref − price) × size for a sell.
   */
  readonly slippage: number;
  /** True when the order has no remaining size after this fill. */
  readonly final: boolean;
  /** The exchange's execution id (live brokers): a runner applies each once, across restarts too. */
  readonly tradeId?: string;
}

/** The state of one order as a broker reports it. */
export interface OrderStatus {
  readonly clientOid: string;
  readonly symbol: string;
  readonly status: "pending" | "open" | "filled" | "cancelled" | "rejected";
  readonly filledSize: number;
  readonly remainingSize: number;
  readonly reason?: OrderRejectReason | "timeout" | "cancelled_by_client";
}

/** Result of placing an order. */
export type PlaceResult =
  | { readonly ok: true; readonly clientOid: string }
  | { readonly ok: false; readonly reason: OrderRejectReason; readonly detail?: string };

/** Result of cancelling an order. */
export type CancelResult =
  | { readonly ok: true; readonly filledSize: number }
  | { readonly ok: false; readonly reason: "unknown_order" | "already_done" | "exchange_error" };

/** The opposite order side that closes a position of `side`. */
export function closingSide(side: PositionSide): OrderSide {
  return side === "long" ? "sell" : "buy";
}

/** The order side that opens a position of `side`. */
export function openingSide(side: PositionSide): OrderSide {
  return side === "long" ? "buy" : "sell";
}
