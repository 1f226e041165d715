import type { BookLevelsEvent, BookTopEvent, Level } from "./events";

/** Serialisable state of {@link OrderBook}. */
export interface OrderBookState {
  readonly bids: Level[];
  readonly asks: Level[];
  readonly levelsTs: number | null;
  readonly top: { bidPrice: number; bidSize: number; askPrice: number; askSize: number; ts: number } | null;
}

/**
 * Book state from snapshot pushes (Bitget `books1` / `books5` / `books15` are full snapshots every
 * push, so there is nothing to merge). The best bid/ask comes from whichever push is newer by
 * exchange time: `books1` is usually fresher than the depth snapshot.
 */
export class OrderBook {
  private bids: Level[] = [];
  private asks: Level[] = [];
  // A plain double with a flag: a `number | null` field boxes every write.
  private levelsTs = 0;
  private hasLevels = false;
  private top: { bidPrice: number; bidSize: number; askPrice: number; askSize: number; ts: number } | null = null;

  /** Rebuilds a book from {@link OrderBook.getState}. */
  static restore(state: OrderBookState): OrderBook {
    const book = new OrderBook();
    book.bids = state.bids.map((l) => [l[0], l[1]] as const);
    book.asks = state.asks.map((l) => [l[0], l[1]] as const);
    book.hasLevels = state.levelsTs !== null;
    book.levelsTs = state.levelsTs ?? 0;
    book.top = state.top ? { ...state.top } : null;
    return book;
  }

  /** Applies a depth snapshot. */
  applyLevels(e: BookLevelsEvent): void {
    this.bids = e.bids as Level[];
    this.asks = e.asks as Level[];
    this.levelsTs = e.ts;
    this.hasLevels = true;
    const b = e.bids[0];
    const a = e.asks[0];
    if (b && a && (this.top === null || e.ts >= this.top.ts)) this.setTop(b[0], b[1], a[0], a[1], e.ts);
  }

  /** Applies a best-bid/offer snapshot. */
  applyTop(e: BookTopEvent): void {
    if (this.top !== null && e.ts < this.top.ts) return;
    this.setTop(e.bidPrice, e.bidSize, e.askPrice, e.askSize, e.ts);
  }

  /** Overwrites the top of book in place: it is private (getState copies it), and books update far more often than they are read. */
  private setTop(bidPrice: number, bidSize: number, askPrice: number, askSize: number, ts: number): void {
    const t = this.top;
    if (t === null) {
      this.top = { bidPrice, bidSize, askPrice, askSize, ts };
      return;
    }
    t.bidPrice = bidPrice;
    t.bidSize = bidSize;
    t.askPrice = askPrice;
    t.askSize = askSize;
    t.ts = ts;
  }

  /** True once a best bid and ask are known. */
  get hasTop(): boolean {
    return this.top !== null;
  }

  /** Exchange time of the newest book data, or null. */
  get ts(): number | null {
    return this.top?.ts ?? (this.hasLevels ? this.levelsTs : null);
  }

  get bestBid(): number | null {
    return this.top?.bidPrice ?? null;
  }

  get bestAsk(): number | null {
    return this.top?.askPrice ?? null;
  }

  /** (bid + ask) / 2, or null without a top of book. */
  get mid(): number | null {
    return this.top ? (this.top.bidPrice + this.top.askPrice) / 2 : null;
  }

  /** (ask − bid) / mid × 10 000, or null without a top of book. */
  get spreadBps(): number | null {
    const t = this.top;
    if (!t) return null;
    const mid = (t.bidPrice + t.askPrice) / 2;
    return mid > 0 ? ((t.askPrice - t.bidPrice) / mid) * 10_000 : null;
  }

  /**
   * Size imbalance over the top `n` levels of the depth snapshot:
   * (Σ bid size − Σ ask size) / (Σ bid size + Σ ask size), in [−1, 1]; positive means more
   * resting bids. Falls back to the top of book when no depth is known; null when nothing is.
   */
  imbalance(n: number): number | null {
    let bid = 0;
    let ask = 0;
    if (this.bids.length > 0 || this.asks.length > 0) {
      for (let i = 0; i < n && i < this.bids.length; i++) bid += this.bids[i][1];
      for (let i = 0; i < n && i < this.asks.length; i++) ask += this.asks[i][1];
    } else if (this.top) {
      bid = this.top.bidSize;
      ask = this.top.askSize;
    } else {
      return null;
    }
    const total = bid + ask;
    return total > 0 ? (bid - ask) / total : 0;
  }

  /** Depth levels of one side, best first (read-only view). */
  levels(side: "bids" | "asks"): readonly Level[] {
    return side === "bids" ? this.bids : this.asks;
  }

  getState(): OrderBookState {
    return {
      bids: this.bids.map((l) => [l[0], l[1]] as const),
      asks: this.asks.map((l) => [l[0], l[1]] as const),
      levelsTs: this.hasLevels ? this.levelsTs : null,
      top: this.top ? { ...this.top } : null,
    };
  }
}
