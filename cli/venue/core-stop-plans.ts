/**
 * Position stop-loss plans on the local venue (docs/exchange-stops.md): a position holds at most one
 * stop plan, its `stopLoss` trigger plus the plan's ids. An opening order's preset stop-loss becomes
 * the position's plan when it fills, as at Bitget; `place-tpsl-order` (`pos_loss`) or v3
 * `place-strategy-order` (`tpsl`, full) sets (replaces) it; a cancel removes it; the plan goes
 * with the position when it closes, and a print through the trigger (or `POST /admin/fire-stops`)
 * closes the position at market (`pos_loss_market`). These are the plan records and their V2 and
 * v3 list shapes.
 * @module
 */
import type { Instrument } from "../../shared/market/instrument";
import type { CorePosition } from "./core-account";
import { onGrid } from "./core-format";

/** One position's stop plan, as the venue lists it. */
export interface StopPlanView {
  readonly orderId: string;
  readonly clientOid: string;
  readonly symbol: string;
  readonly holdSide: "long" | "short";
  readonly triggerPrice: number;
  /** The position's size (a position stop closes all of it). */
  readonly size: number;
  readonly cTime: number;
  readonly inst: Instrument;
}

/** Gives `pos` a stop plan at `trigger` with new ids (`clientOid` null: the order id). */
export function setStopPlan(
  pos: CorePosition,
  trigger: number,
  orderId: string,
  clientOid: string | null,
  now: number,
): void {
  pos.stopLoss = trigger;
  pos.stopPlanId = orderId;
  pos.stopPlanClientOid = clientOid ?? orderId;
  pos.stopPlanTime = now;
}

/** Removes the stop plan of `pos`. */
export function clearStopPlan(pos: CorePosition): void {
  pos.stopLoss = null;
  pos.stopPlanId = null;
  pos.stopPlanClientOid = null;
}

/** The stop plan of `pos`, or null (a position restored from an older state lists its stop under its position id). */
export function stopPlanOf(pos: CorePosition, inst: Instrument): StopPlanView | null {
  if (pos.stopLoss === null) return null;
  const orderId = pos.stopPlanId ?? pos.posId;
  return {
    orderId,
    clientOid: pos.stopPlanClientOid ?? orderId,
    symbol: pos.symbol,
    holdSide: pos.size > 0 ? "long" : "short",
    triggerPrice: pos.stopLoss,
    size: Math.abs(pos.size),
    cTime: pos.stopPlanTime ?? pos.cTime,
    inst,
  };
}

/** V2 `orders-plan-pending` (`planType=profit_loss`) list item of a position stop. */
export function stopPlanShapeV2(p: StopPlanView): object {
  const price = onGrid(p.triggerPrice, p.inst.tickSize);
  return {
    planType: "pos_loss",
    symbol: p.symbol,
    size: onGrid(p.size, p.inst.sizeStep),
    orderId: p.orderId,
    clientOid: p.clientOid,
    price: "0",
    executePrice: "0",
    callbackRatio: "",
    triggerPrice: price,
    triggerType: "fill_price",
    planStatus: "live",
    side: p.holdSide === "long" ? "sell" : "buy",
    posSide: "net",
    holdSide: p.holdSide,
    marginCoin: "USDT",
    marginMode: "crossed",
    enterPointSource: "API",
    tradeSide: "close",
    posMode: "one_way_mode",
    orderType: "market",
    orderSource: "pos_loss_market",
    stopSurplusTriggerPrice: "",
    stopSurplusExecutePrice: "",
    stopSurplusTriggerType: "",
    stopLossTriggerPrice: price,
    stopLossExecutePrice: "0",
    stopLossTriggerType: "fill_price",
    cTime: String(p.cTime),
    uTime: String(p.cTime),
  };
}

/** v3 `unfilled-strategy-orders` (`type=tpsl`) list item of a position stop (`tpslMode` full). */
export function stopPlanShapeV3(p: StopPlanView): object {
  return {
    orderId: p.orderId,
    clientOid: p.clientOid,
    category: "USDT-FUTURES",
    symbol: p.symbol,
    qty: onGrid(p.size, p.inst.sizeStep),
    posSide: p.holdSide,
    status: "pending",
    tpslMode: "full",
    tpTriggerBy: "",
    slTriggerBy: "market",
    takeProfit: "",
    stopLoss: onGrid(p.triggerPrice, p.inst.tickSize),
    tpOrderType: "",
    slOrderType: "market",
    tpLimitPrice: "",
    slLimitPrice: "",
    createdTime: String(p.cTime),
    updatedTime: String(p.cTime),
  };
}
