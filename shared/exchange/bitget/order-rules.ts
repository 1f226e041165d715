/**
 * Checks an order against its contract's rules before it is sent (bitget-v2.md §4.5, §8.6):
 * size ≥ minTradeNum, size a multiple of the size step, price a multiple of the tick,
 * size × price ≥ minTradeUSDT. Refusals are values naming the rule, as in nautilus' order denials.
 * `validateOrder` rounds nothing; `normaliseOrder` rounds (size down, prices to the tick) and then validates.
 * @module
 */

import { formatToStep, type Instrument, type RoundMode, roundToStep } from "../../market/instrument";
import { CLIENT_OID_PATTERN } from "../../execution/client-oid";
import type { OrderIntent, ValidatedOrder } from "./rest-types";

/** Why an order was refused before sending. */
export type OrderRefusal =
  | "symbol_mismatch"
  | "bad_client_oid"
  | "size_not_positive"
  | "size_below_minimum"
  | "size_not_on_step"
  | "price_required"
  | "price_on_market_order"
  | "price_not_positive"
  | "price_not_on_tick"
  | "notional_below_minimum"
  | "force_not_allowed"
  | "preset_price_not_positive"
  | "preset_price_not_on_tick"
  | "execute_price_without_trigger"
  | "take_profit_wrong_side"
  | "stop_loss_wrong_side";

/** Outcome of validating one order. */
export type OrderValidation =
  | { readonly ok: true; readonly order: ValidatedOrder }
  | { readonly ok: false; readonly reason: OrderRefusal; readonly detail: string };

/** Extra facts for validation. */
export interface ValidateOptions {
  /**
   * Price to check a market order's notional and preset TP/SL sides against (e.g. the opposite best
   * price). Without it a market order's notional and preset sides are not checked.
   */
  readonly referencePrice?: number;
}

/** How `normaliseOrder` rounds prices: to the nearest tick, or away from the market (buy down, sell up). */
export type PriceRounding = "nearest" | "passive";

/** Options of {@link normaliseOrder}. */
export interface NormaliseOptions extends ValidateOptions {
  /** Default `nearest`. `passive` keeps a post-only price from crossing through rounding. */
  readonly priceRounding?: PriceRounding;
}

/** A value is on a grid when it is within float noise (1e-9 of a step, relative) of a multiple of it. */
const GRID_TOLERANCE = 1e-9;

/**
 * Validates `order` against `instrument` without rounding anything. On success every number comes
 * back as the exchange string (on the grid, float noise removed, trailing zeros stripped).
 */
export function validateOrder(
  instrument: Instrument,
  order: OrderIntent,
  options: ValidateOptions = {},
): OrderValidation {
  const { tickSize, sizeStep } = instrument;
  if (order.symbol !== instrument.symbol)
    return refuse("symbol_mismatch", `order is for ${order.symbol}, rules are for ${instrument.symbol}`);
  if (!CLIENT_OID_PATTERN.test(order.clientOid))
    return refuse("bad_client_oid", `clientOid "${order.clientOid}" is not 1-32 chars of [A-Za-z0-9._:/-]`);
  const sizeRefusal = checkSize(instrument, order.size);
  if (sizeRefusal) return sizeRefusal;
  const priceRefusal = checkPrice(order, tickSize);
  if (priceRefusal) return priceRefusal;
  const force = order.force ?? "gtc";
  if (order.orderType === "market" && force === "post_only")
    return refuse("force_not_allowed", "a market order cannot be post_only");
  const refPrice = order.orderType === "limit" ? order.price : options.referencePrice;
  if (refPrice !== undefined && order.size * refPrice < instrument.minNotional * (1 - GRID_TOLERANCE)) {
    return refuse("notional_below_minimum", `notional ${order.size * refPrice} < minimum ${instrument.minNotional}`);
  }
  const presetRefusal = checkPresets(order, tickSize, refPrice);
  if (presetRefusal) return presetRefusal;
  const validated = {
    symbol: order.symbol,
    side: order.side,
    orderType: order.orderType,
    size: exact(order.size, sizeStep),
    price: order.orderType === "limit" ? exact(order.price as number, tickSize) : null,
    force,
    reduceOnly: order.reduceOnly ?? false,
    clientOid: order.clientOid,
    marginMode: order.marginMode,
    takeProfitPrice: optionalExact(order.takeProfitPrice, tickSize),
    takeProfitExecutePrice: optionalExact(order.takeProfitExecutePrice, tickSize),
    stopLossPrice: optionalExact(order.stopLossPrice, tickSize),
    stopLossExecutePrice: optionalExact(order.stopLossExecutePrice, tickSize),
  } as ValidatedOrder;
  return { ok: true, order: validated };
}

/**
 * Rounds the order onto the contract's grid — size down to the step (never more than asked),
 * limit and preset prices to the tick (`nearest`, or `passive`: buy prices down, sell prices up) —
 * then validates it. A size that rounds below the minimum is refused, never rounded up.
 */
export function normaliseOrder(
  instrument: Instrument,
  order: OrderIntent,
  options: NormaliseOptions = {},
): OrderValidation {
  const tick = instrument.tickSize;
  const mode: RoundMode = options.priceRounding === "passive" ? (order.side === "buy" ? "down" : "up") : "nearest";
  const rounded: OrderIntent = {
    ...order,
    size: Number.isFinite(order.size) ? roundToStep(order.size, instrument.sizeStep, "down") : order.size,
    price: roundOptional(order.price, tick, mode),
    takeProfitPrice: roundOptional(order.takeProfitPrice, tick, "nearest"),
    takeProfitExecutePrice: roundOptional(order.takeProfitExecutePrice, tick, "nearest"),
    stopLossPrice: roundOptional(order.stopLossPrice, tick, "nearest"),
    stopLossExecutePrice: roundOptional(order.stopLossExecutePrice, tick, "nearest"),
  };
  return validateOrder(instrument, rounded, options);
}

/** True when `value` is a multiple of `step` up to float noise. */
export function isOnGrid(value: number, step: number): boolean {
  const units = value / step;
  return Math.abs(units - Math.round(units)) <= GRID_TOLERANCE * Math.max(1, Math.abs(units));
}

/** `value` (on the grid of `step`) as the shortest exact decimal string: 25000 → "25000", 0.0010 → "0.001". */
export function exact(value: number, step: number): string {
  const s = formatToStep(roundToStep(value, step, "nearest"), step);
  return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}

function checkSize(instrument: Instrument, size: number): OrderValidation | null {
  if (!(Number.isFinite(size) && size > 0)) return refuse("size_not_positive", `size ${size} is not a positive number`);
  if (!isOnGrid(size, instrument.sizeStep))
    return refuse("size_not_on_step", `size ${size} is not a multiple of ${instrument.sizeStep}`);
  if (size < instrument.minSize * (1 - GRID_TOLERANCE))
    return refuse("size_below_minimum", `size ${size} < minimum ${instrument.minSize}`);
  return null;
}

function checkPrice(order: OrderIntent, tick: number): OrderValidation | null {
  if (order.orderType === "market") {
    return order.price === undefined ? null : refuse("price_on_market_order", "a market order takes no price");
  }
  if (order.price === undefined) return refuse("price_required", "a limit order needs a price");
  if (!(Number.isFinite(order.price) && order.price > 0))
    return refuse("price_not_positive", `price ${order.price} is not a positive number`);
  if (!isOnGrid(order.price, tick))
    return refuse("price_not_on_tick", `price ${order.price} is not a multiple of ${tick}`);
  return null;
}

function checkPresets(order: OrderIntent, tick: number, refPrice: number | undefined): OrderValidation | null {
  const presets: [string, number | undefined][] = [
    ["takeProfitPrice", order.takeProfitPrice],
    ["takeProfitExecutePrice", order.takeProfitExecutePrice],
    ["stopLossPrice", order.stopLossPrice],
    ["stopLossExecutePrice", order.stopLossExecutePrice],
  ];
  for (const [name, value] of presets) {
    if (value === undefined) continue;
    if (!(Number.isFinite(value) && value > 0))
      return refuse("preset_price_not_positive", `${name} ${value} is not a positive number`);
    if (!isOnGrid(value, tick))
      return refuse("preset_price_not_on_tick", `${name} ${value} is not a multiple of ${tick}`);
  }
  if (order.takeProfitExecutePrice !== undefined && order.takeProfitPrice === undefined) {
    return refuse("execute_price_without_trigger", "takeProfitExecutePrice needs takeProfitPrice");
  }
  if (order.stopLossExecutePrice !== undefined && order.stopLossPrice === undefined) {
    return refuse("execute_price_without_trigger", "stopLossExecutePrice needs stopLossPrice");
  }
  if (refPrice === undefined) return null;
  const up = order.side === "buy" ? 1 : -1;
  if (order.takeProfitPrice !== undefined && (order.takeProfitPrice - refPrice) * up <= 0) {
    return refuse(
      "take_profit_wrong_side",
      `take-profit ${order.takeProfitPrice} is not beyond ${refPrice} for a ${order.side}`,
    );
  }
  if (order.stopLossPrice !== undefined && (refPrice - order.stopLossPrice) * up <= 0) {
    return refuse(
      "stop_loss_wrong_side",
      `stop-loss ${order.stopLossPrice} is not behind ${refPrice} for a ${order.side}`,
    );
  }
  return null;
}

function optionalExact(value: number | undefined, step: number): string | null {
  return value === undefined ? null : exact(value, step);
}

function roundOptional(value: number | undefined, step: number, mode: RoundMode): number | undefined {
  return value === undefined || !Number.isFinite(value) ? value : roundToStep(value, step, mode);
}

function refuse(reason: OrderRefusal, detail: string): OrderValidation {
  return { ok: false, reason, detail };
}
