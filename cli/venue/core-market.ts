/**
 * Public market state of one symbol on the local venue: the book the venue matches against, the
 * recent trades, and 1-minute candles, all driven by replayed {@link MarketEvent}s.
 *
 * Book: the latest `books5`/`books15` snapshot, with the `books1` top merged over it when the top
 * is newer (levels at or through the top's prices are replaced by it). Taking liquidity consumes
 * the venue's copy of the book until the next book event rebuilds it from the feed.
 * Candles are kept at 1 minute (bounded) and aggregated on request; buckets are aligned to the
 * UTC epoch (weeks start Monday 00:00 UTC, months on the calendar).
 * @module
 */

import type { BookLevelsEvent, BookTopEvent, Side, TradeEvent } from "../../shared/market/events";
import type { Instrument } from "../../shared/market/instrument";
import { BoundedLog } from "./core-bounded-log";
import { dec, onGrid } from "./core-format";

/** One public trade as the venue keeps it. */
export interface MarketTrade {
  readonly id: string;
  readonly ts: number;
  readonly price: number;
  readonly size: number;
  readonly side: Side;
}

/** One 1-minute candle; `quote` is the USDT volume. */
export interface MinuteCandle {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  base: number;
  quote: number;
}

type MutLevel = [price: number, size: number];

interface Top {
  readonly bidPrice: number;
  readonly bidSize: number;
  readonly askPrice: number;
  readonly askSize: number;
  readonly ts: number;
}

/** Serialisable state of {@link SymbolMarket}. */
export interface SymbolMarketState {
  readonly levels: { bids: MutLevel[]; asks: MutLevel[]; ts: number } | null;
  readonly top: Top | null;
  readonly bids: MutLevel[];
  readonly asks: MutLevel[];
  readonly lastPrice: number | null;
  readonly trades: MarketTrade[];
  readonly candles: MinuteCandle[];
}

/** Memory bounds of one symbol's market state. */
export interface SymbolMarketLimits {
  /** Public trades kept for `market/fills` (default 1000). */
  readonly maxTrades: number;
  /** 1-minute candles kept for `market/candles` and the 24 h ticker stats (default 4320 = 3 days). */
  readonly maxCandles: number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;
const GRANULARITY = /^(1|3|5|15|30)m$|^(1|2|4|6|12)H$|^(6|12)Hutc$|^(1|3)D(utc)?$|^1W(utc)?$|^1M(utc)?$/;

/** The venue's view of one symbol's public market. */
export class SymbolMarket {
  private levels: { bids: MutLevel[]; asks: MutLevel[]; ts: number } | null = null;
  private top: Top | null = null;
  private bids: MutLevel[] = [];
  private asks: MutLevel[] = [];
  private lastPrice: number | null = null;
  private readonly trades: BoundedLog<MarketTrade>;
  private readonly candles: BoundedLog<MinuteCandle>;

  constructor(
    readonly instrument: Instrument,
    limits: SymbolMarketLimits,
    state?: SymbolMarketState,
  ) {
    this.trades = new BoundedLog(limits.maxTrades, state?.trades ?? []);
    this.candles = new BoundedLog(limits.maxCandles, state?.candles ?? []);
    if (!state) return;
    this.levels = state.levels;
    this.top = state.top;
    this.bids = state.bids;
    this.asks = state.asks;
    this.lastPrice = state.lastPrice;
  }

  /** Replaces the depth snapshot (older snapshots are ignored) and rebuilds the book. */
  applyLevels(e: BookLevelsEvent): void {
    if (this.levels !== null && e.ts < this.levels.ts) return;
    this.levels = { bids: e.bids.map((l) => [l[0], l[1]]), asks: e.asks.map((l) => [l[0], l[1]]), ts: e.ts };
    this.rebuild();
  }

  /** Replaces the best bid/offer (older tops are ignored) and rebuilds the book. */
  applyTop(e: BookTopEvent): void {
    if (this.top !== null && e.ts < this.top.ts) return;
    this.top = { bidPrice: e.bidPrice, bidSize: e.bidSize, askPrice: e.askPrice, askSize: e.askSize, ts: e.ts };
    this.rebuild();
  }

  /** Records a public trade: last price, trade log, 1-minute candle. */
  applyTrade(e: TradeEvent): void {
    this.lastPrice = e.price;
    this.trades.push({ id: e.id, ts: e.ts, price: e.price, size: e.size, side: e.side });
    const minute = Math.floor(e.ts / MINUTE) * MINUTE;
    const c = this.candles.last();
    if (c && c.ts === minute) {
      c.high = Math.max(c.high, e.price);
      c.low = Math.min(c.low, e.price);
      c.close = e.price;
      c.base += e.size;
      c.quote += e.size * e.price;
    } else if (!c || minute > c.ts) {
      this.candles.push({
        ts: minute,
        open: e.price,
        high: e.price,
        low: e.price,
        close: e.price,
        base: e.size,
        quote: e.size * e.price,
      });
    }
  }

  /** Best bid of the venue's book, or null. */
  get bestBid(): number | null {
    return this.bids[0]?.[0] ?? null;
  }

  /** Best ask of the venue's book, or null. */
  get bestAsk(): number | null {
    return this.asks[0]?.[0] ?? null;
  }

  /** The last trade price, or null before the first trade. */
  get last(): number | null {
    return this.lastPrice;
  }

  /** Mark price of the venue: last trade, else the mid, else null. */
  get mark(): number | null {
    if (this.lastPrice !== null) return this.lastPrice;
    const b = this.bestBid;
    const a = this.bestAsk;
    return b !== null && a !== null ? (b + a) / 2 : (b ?? a);
  }

  /** Resting size at exactly `price` on one side of the book (0 when no such level). */
  sizeAt(side: "bids" | "asks", price: number): number {
    const lv = (side === "bids" ? this.bids : this.asks).find((l) => samePrice(l[0], price, this.instrument.tickSize));
    return lv ? lv[1] : 0;
  }

  /** Total size a taker on `side` can take at prices no worse than `limit` (null = any). */
  depthUpTo(side: Side, limit: number | null): number {
    let total = 0;
    for (const [p, s] of side === "buy" ? this.asks : this.bids) {
      if (limit !== null && !within(side, p, limit)) break;
      total += s;
    }
    return total;
  }

  /**
   * Takes up to `qty` as a taker on `side` at prices no worse than `limit` (null = any), best
   * level first, consuming the venue's book. Returns the `[price, size]` executions.
   */
  take(side: Side, qty: number, limit: number | null): [number, number][] {
    const book = side === "buy" ? this.asks : this.bids;
    const out: [number, number][] = [];
    let left = qty;
    while (left > 1e-12 && book.length > 0) {
      const lv = book[0];
      if (limit !== null && !within(side, lv[0], limit)) break;
      const q = Math.min(left, lv[1]);
      out.push([lv[0], q]);
      left -= q;
      lv[1] -= q;
      if (lv[1] <= 1e-12) book.shift();
    }
    return out;
  }

  /** `market/ticker` data: an array of one, 24 h stats from the 1-minute candles. */
  ticker(now: number): object[] {
    const { tickSize, sizeStep, symbol } = this.instrument;
    const window = this.candles.newest(1440, (c) => c.ts > now - DAY).reverse();
    const last = this.lastPrice ?? this.mark ?? 0;
    const open = window[0]?.open ?? last;
    const high = window.reduce((m, c) => Math.max(m, c.high), window.length ? -Infinity : last);
    const low = window.reduce((m, c) => Math.min(m, c.low), window.length ? Infinity : last);
    const base = window.reduce((s, c) => s + c.base, 0);
    const quote = window.reduce((s, c) => s + c.quote, 0);
    const price = (p: number | null): string => (p === null || p === 0 ? "0" : onGrid(p, tickSize));
    const size = (s: number | undefined): string => (s === undefined ? "0" : onGrid(s, sizeStep));
    return [
      {
        symbol,
        lastPr: price(last),
        askPr: price(this.bestAsk),
        bidPr: price(this.bestBid),
        bidSz: size(this.bids[0]?.[1]),
        askSz: size(this.asks[0]?.[1]),
        high24h: price(high),
        low24h: price(low),
        ts: String(now),
        change24h: dec(open > 0 ? (last - open) / open : 0, 5),
        baseVolume: dec(base, 8),
        quoteVolume: dec(quote, 8),
        usdtVolume: dec(quote, 8),
        openUtc: price(open),
        changeUtc24h: dec(open > 0 ? (last - open) / open : 0, 5),
        indexPrice: price(last),
        fundingRate: "0",
        holdingAmount: "0",
        deliveryStartTime: null,
        deliveryTime: null,
        deliveryStatus: "",
        open24h: price(open),
        markPrice: price(last),
      },
    ];
  }

  /** `market/merge-depth` data: the venue's current book, `limit` levels a side. */
  depth(limit: number, now: number): object {
    const { tickSize, sizeStep } = this.instrument;
    const lv = (l: MutLevel): string[] => [onGrid(l[0], tickSize), onGrid(l[1], sizeStep)];
    return {
      asks: this.asks.slice(0, limit).map(lv),
      bids: this.bids.slice(0, limit).map(lv),
      precision: "scale0",
      scale: onGrid(tickSize, tickSize),
      isMaxPrecision: "YES",
      ts: String(this.levels || this.top ? Math.max(this.levels?.ts ?? -Infinity, this.top?.ts ?? -Infinity) : now),
    };
  }

  /** `market/fills` data: up to `limit` newest public trades, newest first. */
  recentTrades(limit: number): object[] {
    const { tickSize, sizeStep, symbol } = this.instrument;
    return this.trades.newest(limit).map((t) => ({
      tradeId: t.id,
      price: onGrid(t.price, tickSize),
      size: onGrid(t.size, sizeStep),
      side: t.side,
      ts: String(t.ts),
      symbol,
    }));
  }

  /**
   * `market/candles` data: rows `[ts, open, high, low, close, baseVolume, quoteVolume]`, oldest
   * first, the newest `limit` buckets with start in [startTime, endTime]; null for an unknown granularity.
   */
  candleRows(granularity: string, limit: number, startTime?: number, endTime?: number): string[][] | null {
    if (!GRANULARITY.test(granularity)) return null;
    const { tickSize } = this.instrument;
    const rows: MinuteCandle[] = [];
    for (const c of this.candles.toArray()) {
      const ts = bucketStart(c.ts, granularity);
      const r = rows[rows.length - 1];
      if (r && r.ts === ts) {
        r.high = Math.max(r.high, c.high);
        r.low = Math.min(r.low, c.low);
        r.close = c.close;
        r.base += c.base;
        r.quote += c.quote;
      } else {
        rows.push({ ...c, ts });
      }
    }
    const kept = rows.filter(
      (r) => (startTime === undefined || r.ts >= startTime) && (endTime === undefined || r.ts <= endTime),
    );
    return kept
      .slice(-limit)
      .map((r) => [
        String(r.ts),
        onGrid(r.open, tickSize),
        onGrid(r.high, tickSize),
        onGrid(r.low, tickSize),
        onGrid(r.close, tickSize),
        dec(r.base, 8),
        dec(r.quote, 8),
      ]);
  }

  /** A JSON-safe deep copy of the state. */
  getState(): SymbolMarketState {
    return structuredCloneState({
      levels: this.levels,
      top: this.top,
      bids: this.bids,
      asks: this.asks,
      lastPrice: this.lastPrice,
      trades: this.trades.toArray(),
      candles: this.candles.toArray(),
    });
  }

  private rebuild(): void {
    const lv = this.levels;
    const top = this.top;
    this.bids = lv ? lv.bids.map((l) => [l[0], l[1]]) : [];
    this.asks = lv ? lv.asks.map((l) => [l[0], l[1]]) : [];
    if (!top || (lv && top.ts < lv.ts)) return;
    this.bids = [[top.bidPrice, top.bidSize], ...this.bids.filter((l) => l[0] < top.bidPrice)];
    this.asks = [[top.askPrice, top.askSize], ...this.asks.filter((l) => l[0] > top.askPrice)];
  }
}

/** Start of the candle bucket of `ts` for a Bitget granularity (UTC-aligned). */
export function bucketStart(ts: number, granularity: string): number {
  const m = /^(\d+)([mHDWM])/.exec(granularity);
  if (!m) throw new RangeError(`unknown granularity ${granularity}`);
  const n = Number(m[1]);
  const unit = m[2];
  if (unit === "M") {
    const d = new Date(ts);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
  if (unit === "W") {
    const monday = 4 * DAY;
    return Math.floor((ts - monday) / (7 * DAY)) * 7 * DAY + monday;
  }
  const size = n * (unit === "m" ? MINUTE : unit === "H" ? 3_600_000 : DAY);
  return Math.floor(ts / size) * size;
}

function within(side: Side, price: number, limit: number): boolean {
  return side === "buy" ? price <= limit + 1e-12 : price >= limit - 1e-12;
}

function samePrice(a: number, b: number, tick: number): boolean {
  return Math.abs(a - b) < tick * 1e-6;
}

function structuredCloneState<T>(s: T): T {
  return JSON.parse(JSON.stringify(s)) as T;
}
