import { describe, expect, it } from "vitest";
import type { Instrument } from "../../market/instrument";
import { placeOrderBody } from "./order-body";
import { validateOrder } from "./order-rules";
import type { OrderSide, PositionMode, ValidatedOrder } from "./rest-types";

const BTC: Instrument = { symbol: "BTCUSDT", tickSize: 0.1, sizeStep: 0.001, minSize: 0.001, minNotional: 5 };

function order(side: OrderSide, reduceOnly: boolean): ValidatedOrder {
  const r = validateOrder(BTC, {
    symbol: "BTCUSDT",
    side,
    orderType: "market",
    size: 0.001,
    reduceOnly,
    clientOid: "c",
    marginMode: "crossed",
  });
  if (!r.ok) throw new Error(r.reason);
  return r.order;
}

function sides(mode: PositionMode, side: OrderSide, reduceOnly: boolean) {
  const b = placeOrderBody(order(side, reduceOnly), {
    productType: "USDT-FUTURES",
    marginCoin: "USDT",
    positionMode: mode,
  });
  return { side: b.side, tradeSide: b.tradeSide, reduceOnly: b.reduceOnly };
}

describe("placeOrderBody", () => {
  it("encodes one-way intents with side alone and reduceOnly YES for closes (§6)", () => {
    expect(sides("one_way_mode", "buy", false)).toEqual({ side: "buy", tradeSide: undefined, reduceOnly: undefined });
    expect(sides("one_way_mode", "sell", false)).toEqual({ side: "sell", tradeSide: undefined, reduceOnly: undefined });
    expect(sides("one_way_mode", "sell", true)).toEqual({ side: "sell", tradeSide: undefined, reduceOnly: "YES" });
    expect(sides("one_way_mode", "buy", true)).toEqual({ side: "buy", tradeSide: undefined, reduceOnly: "YES" });
  });

  it("encodes hedge closes with the position's side and tradeSide close (§6)", () => {
    expect(sides("hedge_mode", "buy", false)).toEqual({ side: "buy", tradeSide: "open", reduceOnly: undefined });
    expect(sides("hedge_mode", "sell", false)).toEqual({ side: "sell", tradeSide: "open", reduceOnly: undefined });
    expect(sides("hedge_mode", "sell", true)).toEqual({ side: "buy", tradeSide: "close", reduceOnly: undefined });
    expect(sides("hedge_mode", "buy", true)).toEqual({ side: "sell", tradeSide: "close", reduceOnly: undefined });
  });

  it("serialises in a fixed key order whatever order the intent was written in", () => {
    const a = validateOrder(BTC, {
      clientOid: "c",
      marginMode: "crossed",
      price: 25000,
      size: 0.002,
      orderType: "limit",
      side: "buy",
      symbol: "BTCUSDT",
      stopLossPrice: 24900,
    });
    const b = validateOrder(BTC, {
      symbol: "BTCUSDT",
      stopLossPrice: 24900,
      side: "buy",
      size: 0.002,
      orderType: "limit",
      price: 25000,
      marginMode: "crossed",
      clientOid: "c",
    });
    if (!a.ok || !b.ok) throw new Error("invalid");
    const ctx = { productType: "USDT-FUTURES", marginCoin: "USDT", positionMode: "one_way_mode" as const };
    const json = JSON.stringify(placeOrderBody(a.order, ctx));
    expect(json).toBe(JSON.stringify(placeOrderBody(b.order, ctx)));
    expect(json).toBe(
      '{"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginMode":"crossed","marginCoin":"USDT","size":"0.002","price":"25000","side":"buy","orderType":"limit","force":"gtc","clientOid":"c","presetStopLossPrice":"24900"}',
    );
  });
});
