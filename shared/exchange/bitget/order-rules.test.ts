import { describe, expect, it } from "vitest";
import type { Instrument } from "../../market/instrument";
import { exact, isOnGrid, normaliseOrder, validateOrder } from "./order-rules";
import type { OrderIntent } from "./rest-types";

const BTC: Instrument = { symbol: "BTCUSDT", tickSize: 0.1, sizeStep: 0.001, minSize: 0.001, minNotional: 5 };
const DOGE: Instrument = { symbol: "DOGEUSDT", tickSize: 0.00001, sizeStep: 1, minSize: 1, minNotional: 5 };

const limitBuy: OrderIntent = {
  symbol: "BTCUSDT",
  side: "buy",
  orderType: "limit",
  size: 0.001,
  price: 25000,
  clientOid: "BTC-loyw3v28-1",
  marginMode: "crossed",
};

function reasonOf(order: Partial<OrderIntent>, instrument = BTC, referencePrice?: number): string {
  const r = validateOrder(instrument, { ...limitBuy, ...order } as OrderIntent, { referencePrice });
  return r.ok ? "ok" : r.reason;
}

describe("validateOrder", () => {
  it("accepts a limit order on the grid and writes its numbers as exact strings", () => {
    const r = validateOrder(BTC, {
      ...limitBuy,
      size: 0.1 + 0.2,
      price: 63943.9,
      takeProfitPrice: 64000,
      stopLossPrice: 63900.5,
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.order).toMatchObject({
      size: "0.3",
      price: "63943.9",
      force: "gtc",
      reduceOnly: false,
      takeProfitPrice: "64000",
      stopLossPrice: "63900.5",
    });
  });

  it("refuses sizes that are not positive, off the step or below the minimum", () => {
    expect(reasonOf({ size: 0 })).toBe("size_not_positive");
    expect(reasonOf({ size: Number.NaN })).toBe("size_not_positive");
    expect(reasonOf({ size: 0.0015 })).toBe("size_not_on_step");
    expect(reasonOf({ size: 0.002 }, { ...BTC, minSize: 0.005 })).toBe("size_below_minimum");
  });

  it("refuses prices off the tick, missing on a limit, or given to a market order", () => {
    expect(reasonOf({ price: 25000.05 })).toBe("price_not_on_tick");
    expect(reasonOf({ price: undefined })).toBe("price_required");
    expect(reasonOf({ price: -1 })).toBe("price_not_positive");
    expect(reasonOf({ orderType: "market" })).toBe("price_on_market_order");
  });

  it("refuses a notional below the minimum, using the reference price for market orders", () => {
    expect(reasonOf({ price: 4000 })).toBe("notional_below_minimum");
    expect(reasonOf({ price: 5000 })).toBe("ok");
    expect(reasonOf({ orderType: "market", price: undefined }, BTC, 4000)).toBe("notional_below_minimum");
    expect(reasonOf({ orderType: "market", price: undefined }, BTC, 6000)).toBe("ok");
    expect(reasonOf({ size: 4, price: 1.2 }, { ...DOGE, symbol: "BTCUSDT" })).toBe("notional_below_minimum");
  });

  it("refuses post-only market orders, foreign symbols and bad clientOids", () => {
    expect(reasonOf({ orderType: "market", price: undefined, force: "post_only" })).toBe("force_not_allowed");
    expect(reasonOf({ symbol: "ETHUSDT" })).toBe("symbol_mismatch");
    expect(reasonOf({ clientOid: "has space" })).toBe("bad_client_oid");
    expect(reasonOf({ clientOid: "x".repeat(33) })).toBe("bad_client_oid");
  });

  it("refuses preset prices off the tick, on the wrong side, or execute prices without a trigger", () => {
    expect(reasonOf({ takeProfitPrice: 26000.05 })).toBe("preset_price_not_on_tick");
    expect(reasonOf({ takeProfitPrice: 24000 })).toBe("take_profit_wrong_side");
    expect(reasonOf({ stopLossPrice: 25100 })).toBe("stop_loss_wrong_side");
    expect(reasonOf({ side: "sell", takeProfitPrice: 24000, stopLossPrice: 25100 })).toBe("ok");
    expect(reasonOf({ stopLossExecutePrice: 24000 })).toBe("execute_price_without_trigger");
  });

  it("names the rule and the numbers in the detail", () => {
    const r = validateOrder(BTC, { ...limitBuy, size: 0.0015 });
    expect(r).toEqual({ ok: false, reason: "size_not_on_step", detail: "size 0.0015 is not a multiple of 0.001" });
  });
});

describe("normaliseOrder", () => {
  it("rounds the size down to the step and the price to the nearest tick", () => {
    const r = normaliseOrder(BTC, { ...limitBuy, size: 0.0019, price: 25000.06 });
    expect(r.ok && [r.order.size, r.order.price]).toEqual(["0.001", "25000.1"]);
  });

  it("rounds passively away from the market when asked", () => {
    const buy = normaliseOrder(BTC, { ...limitBuy, price: 25000.06 }, { priceRounding: "passive" });
    const sell = normaliseOrder(BTC, { ...limitBuy, side: "sell", price: 25000.01 }, { priceRounding: "passive" });
    expect(buy.ok && buy.order.price).toBe("25000");
    expect(sell.ok && sell.order.price).toBe("25000.1");
  });

  it("refuses a size that rounds below the minimum instead of rounding it up", () => {
    const rules = { ...BTC, minSize: 0.002 };
    const below = normaliseOrder(rules, { ...limitBuy, size: 0.0019 });
    const atMinimum = normaliseOrder(rules, { ...limitBuy, size: 0.0029 });
    expect(below.ok ? "ok" : below.reason).toBe("size_below_minimum");
    expect(atMinimum.ok && atMinimum.order.size).toBe("0.002");
    const zero = normaliseOrder(BTC, { ...limitBuy, size: 0.0009 });
    expect(zero.ok ? "ok" : zero.reason).toBe("size_not_positive");
  });

  it("writes a tiny tick without exponent notation", () => {
    const r = normaliseOrder(DOGE, { ...limitBuy, symbol: "DOGEUSDT", size: 100.7, price: 0.123456 });
    expect(r.ok && [r.order.size, r.order.price]).toEqual(["100", "0.12346"]);
  });
});

describe("grid helpers", () => {
  it("treats float noise as on the grid and real offsets as off it", () => {
    expect(isOnGrid(0.1 + 0.2, 0.1)).toBe(true);
    expect(isOnGrid(0.30001, 0.1)).toBe(false);
    expect([exact(25000, 0.1), exact(0.1 + 0.2, 0.001), exact(5, 1), exact(0.00001, 0.00001)]).toEqual([
      "25000",
      "0.3",
      "5",
      "0.00001",
    ]);
  });
});
