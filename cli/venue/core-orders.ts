/**
 * Orders of the local venue and the parsing of Bitget's `place-order` body (bitget-v2.md §4.6) into
 * a typed request, with the contract checks that need no market: required fields, enumerations,
 * size on the step (40808) and ≥ minimum (43006), prices on the tick (41103). Checks that need the
 * market or the account (notional, TP/SL sides, reduce-only, post-only, margin) live in the core.
 * Enumerations are accepted case-insensitively (ccxt sends `GTC`, `Open`).
 * @module
 */

import { isOnGrid } from "../../shared/exchange/bitget/order-rules";
import type { MarginMode } from "../../shared/exchange/bitget/rest-types";
import type { Side } from "../../shared/market/events";
import { type Instrument, stepDecimals } from "../../shared/market/instrument";
import { type CoreError, CoreErrors, type CoreResult, fail, ok } from "./core-errors";
import { toNumber } from "./core-format";

/** Time in force. */
export type Force = "gtc" | "ioc" | "fok" | "post_only";
/** Lifecycle state, as Bitget spells it. */
export type OrderStatus = "live" | "partially_filled" | "filled" | "canceled";

/** A validated place-order request. */
export interface PlaceRequest {
  readonly symbol: string;
  readonly side: Side;
  readonly orderType: "limit" | "market";
  readonly force: Force;
  /** Limit price; null for market orders. */
  readonly price: number | null;
  readonly size: number;
  /** Null when the client sent none (the venue then assigns one). */
  readonly clientOid: string | null;
  readonly reduceOnly: boolean;
  /** `presetStopSurplusPrice`. */
  readonly takeProfit: number | null;
  /** `presetStopLossPrice`. */
  readonly stopLoss: number | null;
}

/** An order on the venue. Amounts are numbers; `fee` is positive when paid. */
export interface CoreOrder {
  readonly orderId: string;
  readonly clientOid: string;
  readonly symbol: string;
  readonly side: Side;
  readonly orderType: "limit" | "market";
  readonly force: Force;
  readonly price: number | null;
  /** Order size; a reduce-only order's size is cut to the position at placement. */
  size: number;
  filled: number;
  /** Σ fill price × fill size. */
  notional: number;
  fee: number;
  /** Realised PnL of the order's closing fills. */
  profit: number;
  readonly reduceOnly: boolean;
  status: OrderStatus;
  readonly takeProfit: number | null;
  readonly stopLoss: number | null;
  readonly leverage: number;
  readonly marginMode: MarginMode;
  /** `normal`, `market`, `pos_profit_market`, `pos_loss_market`. */
  readonly orderSource: string;
  cancelReason: string;
  readonly cTime: number;
  uTime: number;
  /** Resting size ahead of this order at its price (queue model, see exchange-core.ts). */
  queueAhead: number;
}

const FORCES: readonly string[] = ["gtc", "ioc", "fok", "post_only"];

/** Parses and checks a place-order body against the symbol's contract. */
export function parsePlaceOrder(
  body: Record<string, unknown>,
  instruments: ReadonlyMap<string, Instrument>,
): CoreResult<PlaceRequest> {
  const symbol = text(body.symbol);
  if (!symbol) return fail(CoreErrors.paramEmpty("symbol"));
  const inst = instruments.get(symbol);
  if (!inst) return fail(CoreErrors.symbolNotFound(symbol));
  const common = checkCommon(body);
  if (common) return fail(common);
  const side = lower(body.side);
  if (side !== "buy" && side !== "sell")
    return fail(side ? CoreErrors.paramError(`side ${side}`) : CoreErrors.paramEmpty("side"));
  const orderType = lower(body.orderType);
  if (orderType !== "limit" && orderType !== "market")
    return fail(orderType ? CoreErrors.paramError(`orderType ${orderType}`) : CoreErrors.paramEmpty("orderType"));
  const force = lower(body.force) || "gtc";
  if (!FORCES.includes(force)) return fail(CoreErrors.paramError(`force ${force}`));
  if (orderType === "market" && force === "post_only")
    return fail(CoreErrors.paramError("a market order cannot be post_only"));
  const size = checkSize(body.size, inst);
  if (!size.ok) return size;
  const price = orderType === "limit" ? checkPrice("price", body.price, inst, true) : ok(null);
  if (!price.ok) return price;
  const tp = checkPrice("presetStopSurplusPrice", body.presetStopSurplusPrice, inst, false);
  if (!tp.ok) return tp;
  const sl = checkPrice("presetStopLossPrice", body.presetStopLossPrice, inst, false);
  if (!sl.ok) return sl;
  const clientOid = text(body.clientOid) ?? text(body.clientOId);
  if (clientOid !== null && clientOid.length > 64)
    return fail(CoreErrors.paramError("clientOid longer than 64 characters"));
  return ok({
    symbol,
    side,
    orderType,
    force: force as Force,
    price: price.data,
    size: size.data,
    clientOid,
    reduceOnly: /^(yes|true)$/i.test(String(body.reduceOnly ?? "")),
    takeProfit: tp.data,
    stopLoss: sl.data,
  });
}

/** Checks `productType`, `marginCoin`, `marginMode` and `tradeSide` where sent. */
export function checkCommon(body: Record<string, unknown>): CoreError | null {
  const productType = lower(body.productType);
  if (productType && productType !== "usdt-futures" && productType !== "susdt-futures")
    return CoreErrors.paramError(`productType ${productType}`);
  const marginCoin = text(body.marginCoin);
  if (marginCoin && marginCoin.toUpperCase() !== "USDT" && marginCoin.toUpperCase() !== "SUSDT")
    return CoreErrors.paramError(`marginCoin ${marginCoin}`);
  const marginMode = lower(body.marginMode);
  if (marginMode && marginMode !== "isolated" && marginMode !== "crossed")
    return CoreErrors.paramError(`marginMode ${marginMode}`);
  if (lower(body.tradeSide) === "close") return CoreErrors.oneWayMismatch();
  return null;
}

/** A non-empty trimmed string field, or null. */
export function text(v: unknown): string | null {
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return typeof v === "string" && v.trim() !== "" ? v.trim() : null;
}

function lower(v: unknown): string {
  return (text(v) ?? "").toLowerCase();
}

function checkSize(raw: unknown, inst: Instrument): CoreResult<number> {
  if (text(raw) === null) return fail(CoreErrors.paramEmpty("size"));
  const size = toNumber(raw);
  if (size === null || size <= 0) return fail(CoreErrors.paramError(`size ${String(raw)}`));
  if (!isOnGrid(size, inst.sizeStep)) return fail(CoreErrors.sizeScale(String(raw), stepDecimals(inst.sizeStep)));
  if (size < inst.minSize * (1 - 1e-9)) return fail(CoreErrors.sizeBelowMinimum(String(inst.minSize)));
  return ok(size);
}

/** A price field: required or not, positive, on the tick grid. */
export function checkPrice(
  field: string,
  raw: unknown,
  inst: Instrument,
  required: boolean,
): CoreResult<number | null> {
  if (text(raw) === null) return required ? fail(CoreErrors.paramEmpty(field)) : ok(null);
  const price = toNumber(raw);
  if (price === null || price <= 0) return fail(CoreErrors.paramError(`${field} ${String(raw)}`));
  if (!isOnGrid(price, inst.tickSize))
    return fail(CoreErrors.priceScale(field, String(raw), stepDecimals(inst.tickSize)));
  return ok(price);
}
