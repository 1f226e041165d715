import type { BookLevelsEvent, BookTopEvent } from "../market/events";
import type { OrderBook } from "../market/order-book";

/**
 * The broker's book of one symbol, brought up to date when read: between reads, book pushes only
 * keep the newest depth snapshot and the winning top of book (the newest by exchange time, the
 * later on ties, as {@link OrderBook} picks it), so the per-event path neither allocates nor
 * writes the book. {@link current} gives the same book as applying every push in turn. A push
 * with a NaN time (which {@link OrderBook} always takes) is applied at once.
 */
export class LazyBook {
  private readonly book: OrderBook;
  private levels: BookLevelsEvent | null = null;
  private hasTop = false;
  private topTs = 0;
  private bidPrice = 0;
  private bidSize = 0;
  private askPrice = 0;
  private askSize = 0;

  constructor(book: OrderBook) {
    this.book = book;
  }

  onTop(e: BookTopEvent): void {
    if (Number.isNaN(e.ts)) return this.current().applyTop(e);
    if (this.hasTop && e.ts < this.topTs) return;
    this.setTop(e.ts, e.bidPrice, e.bidSize, e.askPrice, e.askSize);
  }

  onLevels(e: BookLevelsEvent): void {
    if (Number.isNaN(e.ts)) return this.current().applyLevels(e);
    this.levels = e;
    const b = e.bids[0];
    const a = e.asks[0];
    if (b && a && !(this.hasTop && e.ts < this.topTs)) this.setTop(e.ts, b[0], b[1], a[0], a[1]);
  }

  /** The book with every push so far: the newest snapshot, then the winning top (which the book takes unless its own is newer). */
  current(): OrderBook {
    if (this.levels !== null) {
      this.book.applyLevels(this.levels);
      this.levels = null;
    }
    if (this.hasTop) {
      this.book.applyTop({
        kind: "bookTop",
        symbol: "",
        ts: this.topTs,
        bidPrice: this.bidPrice,
        bidSize: this.bidSize,
        askPrice: this.askPrice,
        askSize: this.askSize,
        seq: "",
      });
      this.hasTop = false;
    }
    return this.book;
  }

  private setTop(ts: number, bidPrice: number, bidSize: number, askPrice: number, askSize: number): void {
    this.hasTop = true;
    this.topTs = ts;
    this.bidPrice = bidPrice;
    this.bidSize = bidSize;
    this.askPrice = askPrice;
    this.askSize = askSize;
  }
}
