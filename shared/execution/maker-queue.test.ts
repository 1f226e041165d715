import { describe, expect, it } from "vitest";
import type { TradeEvent } from "../market/events";
import { crosses, makerFillSize } from "./maker-queue";
import { newSimOrder } from "./sim-order";

const resting = (side: "buy" | "sell", price: number, size: number, queueAhead: number) => ({
  ...newSimOrder(
    { clientOid: "o", symbol: "X", side, type: "postOnly", price, size, reduceOnly: false, ts: 0 },
    0,
    0,
    null,
  ),
  queueAhead,
});
const print = (price: number, size: number, side: "buy" | "sell"): TradeEvent => ({
  kind: "trade",
  symbol: "X",
  ts: 1,
  price,
  size,
  side,
  id: "t",
});

describe("maker queue", () => {
  it("calls an order at or beyond the opposite best a cross", () => {
    expect(crosses("buy", 101, 101)).toBe(true);
    expect(crosses("buy", 100.9, 101)).toBe(false);
    expect(crosses("sell", 98, 99)).toBe(true);
    expect(crosses("sell", 99.1, 99)).toBe(false);
  });

  it("fills the whole rest on a print through the limit", () => {
    expect(makerFillSize(resting("buy", 100, 3, 10), print(99.9, 0.1, "sell"))).toBe(3);
    expect(makerFillSize(resting("sell", 100, 3, 10), print(100.1, 0.1, "buy"))).toBe(3);
  });

  it("eats the queue with prints at the limit before filling the excess", () => {
    const o = resting("sell", 100, 1, 2);
    expect(makerFillSize(o, print(100, 1.5, "buy"))).toBe(0);
    expect(o.queueAhead).toBe(0.5);
    expect(makerFillSize(o, print(100, 0.75, "buy"))).toBe(0.25);
    expect(o.queueAhead).toBe(0);
  });

  it("ignores prints away from the limit and own-side aggressors", () => {
    const o = resting("buy", 100, 1, 0);
    expect(makerFillSize(o, print(100.1, 5, "sell"))).toBe(0);
    expect(makerFillSize(o, print(100, 5, "buy"))).toBe(0);
  });

  it("fills a through-only order on prints through the limit alone", () => {
    const o = { ...resting("buy", 100, 1, 0), throughOnly: true };
    expect(makerFillSize(o, print(100, 5, "sell"))).toBe(0);
    expect(makerFillSize(o, print(99.9, 5, "sell"))).toBe(1);
  });
});
