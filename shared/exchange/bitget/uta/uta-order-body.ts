/**
 * The v3 `place-order` JSON body of a validated order (bitget-uta-v3.md §2.4), in one fixed key
 * order so the bytes (and so the signature) are stable.
 *
 * Side/posSide matrix (§2.4): `side` is always the trade direction. One-way mode: a close carries
 * `reduceOnly: "yes"` and no `posSide`. Hedge mode: `posSide` is the position the order opens or
 * closes (close long = `sell` + `posSide: long`) and `reduceOnly` is omitted, because whether v3
 * accepts it beside `posSide` is UNVERIFIED (§6.1; one live client reports a rejection).
 * V2-only fields (`tradeSide`, `holdSide`, `marginCoin`, `productType`) are never sent (`25236`).
 * `marginMode` is sent only when isolated: crossed is the documented default, and older v3 pages
 * do not list the field at all.
 * @module
 */
import type { OrderSide, PositionMode, ValidatedOrder } from "../rest-types";
import { USDT_FUTURES } from "./uta-endpoints";

/** The v3 place-order body; absent fields are `undefined` (JSON.stringify drops them). */
export type UtaOrderBody = Readonly<Record<string, string | undefined>>;

/** Builds the place-order body for an account in `holdMode`. */
export function utaOrderBody(order: ValidatedOrder, holdMode: PositionMode, category = USDT_FUTURES): UtaOrderBody {
  const hedge = holdMode === "hedge_mode";
  const limit = order.orderType === "limit";
  return {
    category,
    symbol: order.symbol,
    qty: order.size,
    price: order.price ?? undefined,
    side: order.side,
    orderType: order.orderType,
    timeInForce: limit ? order.force : undefined,
    posSide: hedge ? positionSide(order.side, order.reduceOnly) : undefined,
    reduceOnly: !hedge && order.reduceOnly ? "yes" : undefined,
    clientOid: order.clientOid,
    marginMode: order.marginMode === "isolated" ? "isolated" : undefined,
    takeProfit: order.takeProfitPrice ?? undefined,
    tpOrderType: order.takeProfitPrice === null ? undefined : order.takeProfitExecutePrice ? "limit" : "market",
    tpLimitPrice: order.takeProfitExecutePrice ?? undefined,
    stopLoss: order.stopLossPrice ?? undefined,
    slOrderType: order.stopLossPrice === null ? undefined : order.stopLossExecutePrice ? "limit" : "market",
    slLimitPrice: order.stopLossExecutePrice ?? undefined,
  };
}

/** The hedge-mode position an order acts on: an opening buy or a closing sell is on the long. */
export function positionSide(side: OrderSide, reduceOnly: boolean): "long" | "short" {
  return (side === "buy") !== reduceOnly ? "long" : "short";
}
