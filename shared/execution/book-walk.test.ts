import { describe, expect, it } from "vitest";
import type { OrderBookState } from "../market/order-book";
import { averagePrice, restingSizeAt, samePrice, sideLevels, snapToZero, takerLevels, walkBook } from "./book-walk";

const state = (over: Partial<OrderBookState> = {}): OrderBookState => ({
  bids: [
    [99, 1],
    [98, 2],
  ],
  asks: [
    [101, 1],
    [102, 2],
  ],
  levelsTs: 0,
  top: { bidPrice: 99, bidSize: 1, askPrice: 101, askSize: 1, ts: 0 },
  ...over,
});

describe("book walk", () => {
  it("reads nothing from a book without a top", () => {
    expect(takerLevels(state({ top: null }), "buy")).toEqual([]);
  });

  it("puts a fresher top first and drops depth at or better than it", () => {
    const s = state({ top: { bidPrice: 98.5, bidSize: 0.2, askPrice: 101.5, askSize: 0.4, ts: 5 } });
    expect(sideLevels(s, "asks")).toEqual([
      [101.5, 0.4],
      [102, 2],
    ]);
    expect(takerLevels(s, "sell")).toEqual([
      [98.5, 0.2],
      [98, 2],
    ]);
  });

  it("finds the queue at a price on the side a maker order joins, and none elsewhere", () => {
    expect(restingSizeAt(state(), "buy", 98)).toBe(2);
    expect(restingSizeAt(state(), "sell", 102)).toBe(2);
    expect(restingSizeAt(state(), "buy", 100)).toBe(0);
    expect(restingSizeAt(state(), "buy", 0.1 + 0.2 + 97.7)).toBe(2);
  });

  it("walks level by level, skipping empty levels, and prices the overflow past the last level", () => {
    const slices = walkBook(
      [
        [100, 1],
        [100.5, 0],
        [101, 1],
      ],
      "buy",
      2.5,
      20,
    );
    expect(slices).toEqual([
      { price: 100, size: 1 },
      { price: 101, size: 1 },
      { price: 101 * 1.002, size: 0.5 },
    ]);
    expect(averagePrice(slices)).toBeCloseTo((100 + 101 + 101 * 1.002 * 0.5) / 2.5, 12);
    expect(walkBook([[99, 5]], "sell", 0.3, 20)).toEqual([{ price: 99, size: 0.3 }]);
  });

  it("treats float noise as equal prices and zero sizes", () => {
    expect(samePrice(0.1 + 0.2, 0.3)).toBe(true);
    expect(samePrice(100, 100.1)).toBe(false);
    expect(snapToZero(0.3 - 0.1 - 0.2, 0.3)).toBe(0);
    expect(snapToZero(0.001, 0.3)).toBe(0.001);
  });
});
