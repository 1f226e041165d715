import { describe, expect, it } from "vitest";
import { Account } from "./core-account";
import type { CoreOrder } from "./core-orders";

const LIMITS = { ordersPerSecond: 2, maxClosedOrders: 1, maxFills: 10, defaultLeverage: 20 };
let ids = 0;
const posId = () => String(++ids);

function order(orderId: string, clientOid: string): CoreOrder {
  return {
    orderId,
    clientOid,
    symbol: "BTCUSDT",
    side: "buy",
    orderType: "limit",
    force: "gtc",
    price: 100,
    size: 1,
    filled: 0,
    notional: 0,
    fee: 0,
    profit: 0,
    reduceOnly: false,
    status: "live",
    takeProfit: null,
    stopLoss: null,
    leverage: 20,
    marginMode: "crossed",
    orderSource: "normal",
    cancelReason: "",
    cTime: 0,
    uTime: 0,
    queueAhead: 0,
  };
}

describe("Account", () => {
  it("realises PnL on the closed part and subtracts fees from the balance", () => {
    const a = new Account(1000, LIMITS);
    a.applyExecution("BTCUSDT", 2, 100, 0.1, 0, 0.001, posId);
    const profit = a.applyExecution("BTCUSDT", -0.5, 110, 0.05, 1, 0.001, posId);
    expect(profit).toBeCloseTo(0.5 * 10, 9);
    expect(a.balance).toBeCloseTo(1000 - 0.1 - 0.05 + 5, 9);
    expect(a.positions.get("BTCUSDT")).toMatchObject({ size: 1.5, avg: 100, achievedProfits: 5 });
  });

  it("counts only the part of a resting order beyond the opposite position as order margin", () => {
    const a = new Account(1000, LIMITS);
    a.applyExecution("BTCUSDT", -0.4, 100, 0, 0, 0.001, posId);
    a.addOrder(order("1", "a"));
    expect(a.orderMargin("BTCUSDT")).toBeCloseTo((0.6 * 100) / 20, 9);
  });

  it("admits the configured number of place-order calls per rolling second", () => {
    const a = new Account(1000, LIMITS);
    expect([a.admit(0), a.admit(500), a.admit(999), a.admit(1000), a.admit(1400), a.admit(1600)]).toEqual([
      true,
      true,
      false,
      true,
      false,
      true,
    ]);
  });

  it("forgets the oldest closed orders and their clientOids past its bound", () => {
    const a = new Account(1000, LIMITS);
    const first = order("1", "a");
    const second = order("2", "b");
    a.addOrder(first);
    a.addOrder(second);
    a.closeOrder(first);
    a.closeOrder(second);
    expect(a.findOrder(null, "a")).toBeUndefined();
    expect(a.findOrder(null, "b")).toBe(second);
  });
});
