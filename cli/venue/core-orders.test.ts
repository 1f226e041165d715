import { describe, expect, it } from "vitest";
import type { Instrument } from "../../shared/market/instrument";
import { parsePlaceOrder } from "./core-orders";

const BTC: Instrument = { symbol: "BTCUSDT", tickSize: 0.1, sizeStep: 0.001, minSize: 0.001, minNotional: 5 };
const INSTRUMENTS = new Map([["BTCUSDT", BTC]]);

describe("parsePlaceOrder", () => {
  it("accepts ccxt's capitalised enumerations and its reduce-only flag", () => {
    const r = parsePlaceOrder(
      {
        symbol: "BTCUSDT",
        productType: "USDT-FUTURES",
        marginCoin: "USDT",
        marginMode: "crossed",
        orderType: "limit",
        price: "38000",
        force: "GTC",
        size: "0.001",
        reduceOnly: "YES",
        side: "sell",
        tradeSide: "Open",
      },
      INSTRUMENTS,
    );
    expect(r).toEqual({
      ok: true,
      data: {
        symbol: "BTCUSDT",
        side: "sell",
        orderType: "limit",
        force: "gtc",
        price: 38000,
        size: 0.001,
        clientOid: null,
        reduceOnly: true,
        takeProfit: null,
        stopLoss: null,
      },
    });
  });

  it("reads the clientOId spelling of one doc example", () => {
    const r = parsePlaceOrder(
      { symbol: "BTCUSDT", side: "buy", orderType: "market", size: "0.002", clientOId: "abc" },
      INSTRUMENTS,
    );
    expect(r.ok && r.data.clientOid).toBe("abc");
  });

  it("refuses a market post_only, an unknown force and a wrong product type", () => {
    const base = { symbol: "BTCUSDT", side: "buy", size: "0.001" };
    const code = (b: Record<string, unknown>) => {
      const r = parsePlaceOrder(b, INSTRUMENTS);
      return r.ok ? null : r.error.code;
    };
    expect(code({ ...base, orderType: "market", force: "post_only" })).toBe("40020");
    expect(code({ ...base, orderType: "limit", price: "100", force: "gtd" })).toBe("40020");
    expect(code({ ...base, orderType: "market", productType: "COIN-FUTURES" })).toBe("40020");
    expect(code({ ...base, orderType: "market", size: "0.0001" })).toBe("40808");
    expect(code({ ...base, orderType: "limit" })).toBe("40019");
  });
});
