import { describe, expect, it } from "vitest";
import type { BookLevelsEvent, BookTopEvent } from "./events";
import { OrderBook } from "./order-book";

const levels = (ts: number, bids: [number, number][], asks: [number, number][]): BookLevelsEvent => ({
  kind: "bookLevels",
  symbol: "BTCUSDT",
  ts,
  bids,
  asks,
  seq: String(ts),
});
const top = (ts: number, bid: number, ask: number, bidSize = 1, askSize = 1): BookTopEvent => ({
  kind: "bookTop",
  symbol: "BTCUSDT",
  ts,
  bidPrice: bid,
  bidSize,
  askPrice: ask,
  askSize,
  seq: String(ts),
});

describe("OrderBook", () => {
  it("knows nothing before the first push", () => {
    const book = new OrderBook();
    expect([book.mid, book.spreadBps, book.imbalance(5)]).toEqual([null, null, null]);
  });

  it("computes mid and spread in basis points from the top of book", () => {
    const book = new OrderBook();
    book.applyTop(top(1, 99.99, 100.01));
    expect(book.mid).toBe(100);
    expect(book.spreadBps).toBeCloseTo(2, 10);
  });

  it("measures size imbalance over the top N levels", () => {
    const book = new OrderBook();
    book.applyLevels(
      levels(
        1,
        [
          [100, 3],
          [99, 1],
          [98, 100],
        ],
        [
          [101, 1],
          [102, 1],
          [103, 100],
        ],
      ),
    );
    expect(book.imbalance(2)).toBeCloseTo((4 - 2) / 6, 12);
    expect(book.imbalance(1)).toBeCloseTo(0.5, 12);
    expect(book.imbalance(3)).toBeCloseTo((104 - 102) / 206, 12);
  });

  it("takes the best bid and ask from whichever push is newer", () => {
    const book = new OrderBook();
    book.applyLevels(levels(10, [[100, 1]], [[101, 1]]));
    book.applyTop(top(12, 100.5, 100.6));
    expect(book.mid).toBeCloseTo(100.55, 12);
    book.applyLevels(levels(11, [[100, 1]], [[101, 1]]));
    expect(book.mid).toBeCloseTo(100.55, 12);
    book.applyTop(top(9, 1, 2));
    expect(book.mid).toBeCloseTo(100.55, 12);
    book.applyLevels(levels(13, [[100.2, 1]], [[100.4, 1]]));
    expect(book.mid).toBeCloseTo(100.3, 12);
  });

  it("restores from its state", () => {
    const book = new OrderBook();
    book.applyLevels(levels(1, [[100, 3]], [[101, 1]]));
    const copy = OrderBook.restore(JSON.parse(JSON.stringify(book.getState())));
    expect(copy.getState()).toEqual(book.getState());
    expect(copy.imbalance(5)).toBe(book.imbalance(5));
  });
});
