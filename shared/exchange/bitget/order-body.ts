/**
 * The `place-order` JSON body of a validated order (bitget-v2.md §4.6, §6), in one fixed key order
 * so the bytes (and so the signature) are stable.
 *
 * Position modes (§6): in `one_way_mode` `side` is the trade direction, a close carries
 * `reduceOnly: "YES"` and `tradeSide` is omitted. In `hedge_mode` `tradeSide` is `open`/`close`,
 * `reduceOnly` is omitted, and a close's `side` is the POSITION's side (closing a long by selling
 * is `side: "buy", tradeSide: "close"`), as ccxt's hedged fixtures confirm.
 * @module
 */

import type { OrderSide, PositionMode, ValidatedOrder } from "./rest-types";

/** Account-level facts the body needs besides the order. */
export interface OrderBodyContext {
  /** `USDT-FUTURES` (or a demo product type). */
  readonly productType: string;
  /** `USDT`. */
  readonly marginCoin: string;
  readonly positionMode: PositionMode;
}

/** The place-order body: string fields in the order of the §4.3 signature vector, then the optional ones. */
export type PlaceOrderBody = Readonly<Record<string, string | undefined>>;

/** Builds the place-order body; absent fields are `undefined` (JSON.stringify drops them). */
export function placeOrderBody(order: ValidatedOrder, ctx: OrderBodyContext): PlaceOrderBody {
  const hedge = ctx.positionMode === "hedge_mode";
  return {
    symbol: order.symbol,
    productType: ctx.productType,
    marginMode: order.marginMode,
    marginCoin: ctx.marginCoin,
    size: order.size,
    price: order.price ?? undefined,
    side: hedge && order.reduceOnly ? opposite(order.side) : order.side,
    tradeSide: hedge ? (order.reduceOnly ? "close" : "open") : undefined,
    orderType: order.orderType,
    force: order.force,
    clientOid: order.clientOid,
    reduceOnly: !hedge && order.reduceOnly ? "YES" : undefined,
    presetStopSurplusPrice: order.takeProfitPrice ?? undefined,
    presetStopSurplusExecutePrice: order.takeProfitExecutePrice ?? undefined,
    presetStopLossPrice: order.stopLossPrice ?? undefined,
    presetStopLossExecutePrice: order.stopLossExecutePrice ?? undefined,
  };
}

function opposite(side: OrderSide): OrderSide {
  return side === "buy" ? "sell" : "buy";
}
