/**
 * The simulated broker: backtests and paper mode. It sees the market through `onEvent` (its only
 * clock) and fills orders against its own order book and trade prints, with latency, queue
 * position, fees and slippage. Deterministic: no clock, no randomness.
 * @module
 */

import type { MarketEvent, TradeEvent } from "../market/events";
import { OrderBook } from "../market/order-book";
import { LazyBook } from "./lazy-book";
import { restingSizeAt, snapToZero, takerLevels, walkBook, type WalkSlice } from "./book-walk";
import { crosses, makerFillSize } from "./maker-queue";
import type { Broker, FillListener } from "./broker";
import type {
  CancelResult,
  Liquidity,
  OrderRejectReason,
  OrderRequest,
  OrderSide,
  OrderStatus,
  PlaceResult,
} from "./orders";
import {
  emptyStats,
  newSimOrder,
  requestProblem,
  simOrderStatus,
  type SimOrder,
  type SimulatedBrokerState,
  type SimulatedBrokerStats,
} from "./sim-order";

/** Options of {@link SimulatedBroker}; defaults are Bitget's fees and the config's execution defaults. */
export interface SimulatedBrokerOptions {
  /** Percent of notional per fill; default maker 0.02, taker 0.06 (Bitget USDT-M). */
  readonly fees?: { readonly makerPct: number; readonly takerPct: number };
  /** Decision-to-exchange delay, ms; default 100. */
  readonly latencyMs?: number;
  /** A post-only entry still resting this long after arrival is cancelled, ms; default 3 000. */
  readonly entryTimeoutMs?: number;
  /** Without a book, market orders fill at the last trade ± half this spread, bps; default 2. */
  readonly tradeOnlySpreadBps?: number;
  /** Size beyond the visible book fills this far past its last level, bps; default 10. */
  readonly exhaustedPenaltyBps?: number;
  /** Done orders remembered for status and duplicate checks (oldest dropped first); default 10 000. */
  readonly maxFinishedOrders?: number;
  readonly onFill?: FillListener;
  /** An order refused after `place` returned (at its delayed arrival). */
  readonly onReject?: (status: OrderStatus) => void;
  /** An order the broker cancelled by itself: entry timeout, or a reduce-only order left with no position. */
  readonly onCancel?: (status: OrderStatus) => void;
}

const DUPLICATE: PlaceResult = { ok: false, reason: "duplicate_client_oid" };

/**
 * Simulated broker over the {@link Broker} port (mode `"paper"`), with a synchronous core for the
 * backtester. Orders act at arrival = `order.ts + latencyMs`, against the market as of the last
 * event before arrival: every event first lets due orders (arrival ≤ event.ts) and timeouts act,
 * then updates the market.
 *
 * - Market: walks the opposite side (top of book as level 0, then depth), one fill per level at
 *   that level's price, `ts` = arrival; beyond the visible book the rest fills at the last level
 *   moved `exhaustedPenaltyBps` (see {@link walkBook}). Taker fee.
 * - Post-only: refused at arrival if it would cross (`post_only_would_cross`); else rests with the
 *   book size at its price as queue ahead. A trade strictly through the price fills the whole rest
 *   at the limit; a trade at the price whose aggressor is the other side (a sell for a resting buy)
 *   first uses up the queue ahead, the excess fills. Maker fee, `ts` = the trade's. Entries time
 *   out `entryTimeoutMs` after arrival (counted in `stats.unfilledEntries`); reduce-only exits never.
 * - Reduce-only: cut to the net position at arrival and again at each fill; refused with no position
 *   to reduce (`reduce_only_no_position`); a resting one is cancelled if the position goes away.
 * - No book ever seen for the symbol (trade-only): market orders fill in one piece at the last trade
 *   ± half `tradeOnlySpreadBps`, regardless of size (the half-spread a taker crosses). A post-only
 *   order (entry or exit) is refused if it would cross that assumed touch, else it rests with an
 *   unknown queue: it fills, whole and at its limit, only on a later trade printed strictly through
 *   its price, never at the touch (a print at the price may have been someone ahead of it).
 *   Entries still time out. Flags `stats.tradeOnly`. This is pessimistic for a maker: with a book,
 *   a print at the price fills once the queue ahead is used up; without one we cannot know the queue.
 * - Fee = price × size × pct / 100 on every fill. Slippage against the mid at placement (the last
 *   trade without a book).
 * - A reused clientOid is refused (`duplicate_client_oid`, as Bitget does); never a second order.
 * - Cancelling a market order is `already_done` (it executes on arrival, as on an exchange); a
 *   pending post-only order is cancelled before it arrives.
 *
 * Callbacks may place and cancel orders re-entrantly; such orders act once the current step is
 * done (a zero-latency order placed from a fill still executes at that event's time).
 */
export class SimulatedBroker implements Broker {
  readonly mode = "paper" as const;
  /** Every order's end is reported: a final fill, `onReject` or `onCancel`. */
  readonly reportsDone = true;
  private readonly makerPct: number;
  private readonly takerPct: number;
  private readonly latencyMs: number;
  private readonly entryTimeoutMs: number;
  private readonly halfSpread: number;
  private readonly penaltyBps: number;
  private readonly maxFinished: number;
  private readonly opts: SimulatedBrokerOptions;
  // A plain double with a flag, not `number | null`: such a field boxes every write, and the clock moves on every event.
  private clock = 0;
  private hasClock = false;
  private seq = 0;
  private readonly books = new Map<string, LazyBook>();
  private readonly lastTrades = new Map<string, number>();
  private readonly positions = new Map<string, number>();
  private pending: SimOrder[] = [];
  private resting: SimOrder[] = [];
  private readonly active = new Map<string, SimOrder>();
  private readonly finished = new Map<string, SimOrder>();
  private counters: SimulatedBrokerStats = emptyStats();
  private busy = false;
  private placing: string | null = null;

  constructor(options: SimulatedBrokerOptions = {}) {
    this.opts = options;
    this.makerPct = nonNegative("fees.makerPct", options.fees?.makerPct ?? 0.02);
    this.takerPct = nonNegative("fees.takerPct", options.fees?.takerPct ?? 0.06);
    this.latencyMs = nonNegative("latencyMs", options.latencyMs ?? 100);
    this.entryTimeoutMs = nonNegative("entryTimeoutMs", options.entryTimeoutMs ?? 3_000);
    this.halfSpread = nonNegative("tradeOnlySpreadBps", options.tradeOnlySpreadBps ?? 2) / 20_000;
    this.penaltyBps = nonNegative("exhaustedPenaltyBps", options.exhaustedPenaltyBps ?? 10);
    this.maxFinished = Math.max(1, Math.floor(nonNegative("maxFinishedOrders", options.maxFinishedOrders ?? 10_000)));
  }

  /** Rebuilds a broker from {@link SimulatedBroker.getState}; options (fees, callbacks) come anew. */
  static restore(state: SimulatedBrokerState, options: SimulatedBrokerOptions = {}): SimulatedBroker {
    const b = new SimulatedBroker(options);
    b.hasClock = state.clock !== null;
    b.clock = state.clock ?? 0;
    b.seq = state.seq;
    for (const [symbol, s] of Object.entries(state.books)) b.books.set(symbol, new LazyBook(OrderBook.restore(s)));
    for (const [symbol, p] of Object.entries(state.lastTrades)) b.lastTrades.set(symbol, p);
    for (const [symbol, p] of Object.entries(state.positions)) b.positions.set(symbol, p);
    b.pending = state.pending.map((o) => ({ ...o }));
    b.resting = state.resting.map((o) => ({ ...o }));
    for (const o of [...b.pending, ...b.resting]) b.active.set(o.clientOid, o);
    for (const o of state.finished) b.finished.set(o.clientOid, { ...o });
    b.counters = { ...state.stats };
    return b;
  }

  /** Plain-JSON snapshot of everything but the options; independent of later updates. */
  getState(): SimulatedBrokerState {
    return {
      version: 1,
      clock: this.hasClock ? this.clock : null,
      seq: this.seq,
      books: Object.fromEntries([...this.books].map(([s, book]) => [s, book.current().getState()])),
      lastTrades: Object.fromEntries(this.lastTrades),
      positions: Object.fromEntries(this.positions),
      pending: this.pending.map((o) => ({ ...o })),
      resting: this.resting.map((o) => ({ ...o })),
      finished: [...this.finished.values()].map((o) => ({ ...o })),
      stats: { ...this.counters },
    };
  }

  /** A copy of the counters. */
  get stats(): SimulatedBrokerStats {
    return { ...this.counters };
  }

  /** Net position in base coin from this broker's fills, positive long. */
  position(symbol: string): number {
    return this.positions.get(symbol) ?? 0;
  }

  /** True while no book event has been seen for `symbol`: its orders are priced from trades alone. */
  isTradeOnly(symbol: string): boolean {
    return !this.books.get(symbol)?.current().hasTop;
  }

  /** Feeds one market event: due orders and timeouts act first, against the market before it. */
  onEvent(e: MarketEvent): void {
    if (!this.idle()) return this.step(e.ts, e);
    this.moveClock(e.ts);
    this.apply(e);
  }

  /** Moves the clock to `ts` without a market event: due orders and timeouts act. */
  advance(ts: number): void {
    this.step(ts, null);
  }

  /** Places an order; refusals known at once (invalid, duplicate, or refused on an immediate arrival) come back here. */
  place(req: OrderRequest): PlaceResult {
    if (this.active.has(req.clientOid) || this.finished.has(req.clientOid)) return DUPLICATE;
    const invalid = requestProblem(req);
    if (invalid) {
      this.counters.rejected++;
      return { ok: false, reason: invalid[0], detail: invalid[1] };
    }
    const o = newSimOrder(req, req.ts + this.latencyMs, this.seq++, this.reference(req.symbol));
    this.insertPending(o);
    this.active.set(o.clientOid, o);
    if (this.busy || !this.hasClock || o.arrival > this.clock) return { ok: true, clientOid: o.clientOid };
    this.placing = o.clientOid;
    this.run(() => this.processDue(this.clock));
    this.placing = null;
    return o.status === "rejected"
      ? { ok: false, reason: o.reason as OrderRejectReason }
      : { ok: true, clientOid: o.clientOid };
  }

  /** Cancels the unfilled rest of a pending or resting post-only order. */
  cancel(symbol: string, clientOid: string): CancelResult {
    const o = this.active.get(clientOid);
    if (!o || o.symbol !== symbol) {
      return this.finished.get(clientOid)?.symbol === symbol
        ? { ok: false, reason: "already_done" }
        : { ok: false, reason: "unknown_order" };
    }
    if (o.type === "market") return { ok: false, reason: "already_done" };
    if (o.status === "pending") this.pending.splice(this.pending.indexOf(o), 1);
    this.finish(o, "cancelled", "cancelled_by_client");
    return { ok: true, filledSize: o.filled };
  }

  /** The broker's view of an order, or null if it never saw it (or forgot it, see `maxFinishedOrders`). */
  order(symbol: string, clientOid: string): OrderStatus | null {
    const o = this.active.get(clientOid) ?? this.finished.get(clientOid);
    return o && o.symbol === symbol ? simOrderStatus(o) : null;
  }

  /**
   * No order pending or resting, outside any callback: nothing is due before or after an event,
   * and the event cannot fill anything (so no callback can place one), so it only moves the
   * clock and the market.
   */
  private idle(): boolean {
    return this.pending.length === 0 && this.resting.length === 0 && !this.busy;
  }

  /**
   * Due orders and timeouts act, the clock moves to `ts`, the market takes `e` (if any), then
   * what became due acts. Re-entrant calls (from callbacks) run inside the outer step.
   */
  private step(ts: number, e: MarketEvent | null): void {
    const outer = !this.busy;
    this.busy = true;
    try {
      this.processDue(ts);
      this.moveClock(ts);
      if (e !== null) this.apply(e);
      this.processDue(this.clock);
    } finally {
      if (outer) this.busy = false;
    }
  }

  private moveClock(ts: number): void {
    // As Math.max (NaN wins) without boxing a new number on every event.
    if (this.hasClock && !(ts > this.clock) && !Number.isNaN(ts)) return;
    this.clock = ts;
    this.hasClock = true;
  }

  private apply(e: MarketEvent): void {
    if (e.kind === "trade") this.onTrade(e);
    else if (e.kind === "bookLevels") this.book(e.symbol).onLevels(e);
    else this.book(e.symbol).onTop(e);
  }

  private run(body: () => void): void {
    if (this.busy) return body();
    this.busy = true;
    try {
      body();
    } finally {
      this.busy = false;
    }
  }

  private book(symbol: string): LazyBook {
    let book = this.books.get(symbol);
    if (!book) this.books.set(symbol, (book = new LazyBook(new OrderBook())));
    return book;
  }

  private reference(symbol: string): number | null {
    return this.books.get(symbol)?.current().mid ?? this.lastTrades.get(symbol) ?? null;
  }

  private insertPending(o: SimOrder): void {
    let i = this.pending.length;
    while (i > 0 && this.pending[i - 1].arrival > o.arrival) i--;
    this.pending.splice(i, 0, o);
  }

  /** Lets arrivals and entry timeouts up to `upTo` act, in time order (arrivals first on ties). */
  private processDue(upTo: number): void {
    if (this.pending.length === 0 && this.resting.length === 0) return;
    for (;;) {
      const next = this.pending[0];
      const expiring = this.nextExpiry();
      const arriveAt = next ? next.arrival : Infinity;
      const expireAt = expiring?.expiresAt ?? Infinity;
      if (Math.min(arriveAt, expireAt) > upTo) return;
      if (arriveAt <= expireAt) {
        this.pending.shift();
        this.arrive(next);
      } else {
        this.expire(expiring as SimOrder);
      }
    }
  }

  private nextExpiry(): SimOrder | null {
    let best: SimOrder | null = null;
    for (const o of this.resting) {
      if (o.expiresAt !== null && (best === null || o.expiresAt < (best.expiresAt as number))) best = o;
    }
    return best;
  }

  private arrive(o: SimOrder): void {
    const ts = this.hasClock ? Math.max(o.arrival, this.clock) : o.arrival;
    o.refPrice ??= this.reference(o.symbol);
    if (o.reduceOnly && !this.cutToPosition(o)) return this.reject(o, "reduce_only_no_position");
    if (o.type === "market") return this.executeMarket(o, ts);
    const book = this.books.get(o.symbol)?.current();
    if (!book?.hasTop) return this.openTradeOnly(o, ts);
    const best = o.side === "buy" ? (book.bestAsk as number) : (book.bestBid as number);
    if (crosses(o.side, o.price as number, best)) return this.reject(o, "post_only_would_cross");
    o.queueAhead = restingSizeAt(book.getState(), o.side, o.price as number);
    this.rest(o, ts);
  }

  /**
   * A post-only order with no book to queue in: refused if it would cross the assumed touch (the
   * last trade ± half the spread), else it rests and fills only on prints strictly through its
   * price. The queue at its price is unknown, so a print at the price never fills it.
   */
  private openTradeOnly(o: SimOrder, ts: number): void {
    this.counters.tradeOnly = true;
    const last = this.lastTrades.get(o.symbol);
    if (last !== undefined && crosses(o.side, o.price as number, this.tradeOnlyPrice(last, o.side))) {
      return this.reject(o, "post_only_would_cross");
    }
    o.throughOnly = true;
    this.rest(o, ts);
  }

  private rest(o: SimOrder, ts: number): void {
    o.status = "open";
    o.openedAt = ts;
    o.expiresAt = o.reduceOnly ? null : ts + this.entryTimeoutMs;
    this.resting.push(o);
  }

  private executeMarket(o: SimOrder, ts: number): void {
    const slices = this.marketSlices(o);
    if (!slices) return this.reject(o, "no_liquidity");
    for (const s of slices) this.fill(o, s.price, s.size, "taker", ts);
  }

  private marketSlices(o: SimOrder): WalkSlice[] | null {
    const size = o.size - o.filled;
    const book = this.books.get(o.symbol)?.current();
    if (book?.hasTop) return walkBook(takerLevels(book.getState(), o.side), o.side, size, this.penaltyBps);
    const last = this.lastTrades.get(o.symbol);
    if (last === undefined) return null;
    this.counters.tradeOnly = true;
    return [{ price: this.tradeOnlyPrice(last, o.side), size }];
  }

  /** Where a taker of `side` trades without a book: the last trade ± half the assumed spread. */
  private tradeOnlyPrice(last: number, side: OrderSide): number {
    return side === "buy" ? last * (1 + this.halfSpread) : last * (1 - this.halfSpread);
  }

  /** Fills resting orders the trade reaches (over a copy when several rest: a fill's callbacks may cancel others). */
  private onTrade(e: TradeEvent): void {
    const n = this.resting.length;
    if (n === 1) this.tradeAgainst(this.resting[0], e);
    else if (n > 1) for (const o of this.resting.slice()) this.tradeAgainst(o, e);
    this.lastTrades.set(e.symbol, e.price);
  }

  private tradeAgainst(o: SimOrder, e: TradeEvent): void {
    if (o.status !== "open" || o.symbol !== e.symbol || e.ts < (o.openedAt as number)) return;
    const size = makerFillSize(o, e);
    if (size > 0) this.fillResting(o, size, e.ts);
  }

  private fillResting(o: SimOrder, size: number, ts: number): void {
    if (o.reduceOnly) {
      const closable = this.closable(o.symbol, o.side);
      if (closable === 0) return this.cancelByBroker(o, "reduce_only_no_position");
      if (size > closable) {
        size = closable;
        o.size = o.filled + closable;
      }
    }
    this.fill(o, o.price as number, size, "maker", ts);
  }

  /** Size a reduce-only order of `side` may still close: the long for a sell, the short for a buy. */
  private closable(symbol: string, side: OrderSide): number {
    const pos = this.position(symbol);
    return side === "sell" ? Math.max(pos, 0) : Math.max(-pos, 0);
  }

  private cutToPosition(o: SimOrder): boolean {
    const closable = this.closable(o.symbol, o.side);
    if (closable === 0) return false;
    o.size = Math.min(o.size, closable);
    return true;
  }

  private fill(o: SimOrder, price: number, size: number, liquidity: Liquidity, ts: number): void {
    const fee = (price * size * (liquidity === "maker" ? this.makerPct : this.takerPct)) / 100;
    const sign = o.side === "buy" ? 1 : -1;
    o.filled += size;
    const final = snapToZero(o.size - o.filled, o.size) === 0;
    if (final) o.filled = o.size;
    this.positions.set(o.symbol, snapToZero(this.position(o.symbol) + sign * size, size));
    this.counters.fills++;
    this.counters.fees += fee;
    if (final) this.finish(o, "filled", null);
    this.opts.onFill?.({
      clientOid: o.clientOid,
      symbol: o.symbol,
      side: o.side,
      price,
      size,
      fee,
      liquidity,
      ts,
      slippage: o.refPrice === null ? 0 : sign * (price - o.refPrice) * size,
      final,
    });
  }

  private reject(o: SimOrder, reason: OrderRejectReason): void {
    this.counters.rejected++;
    this.finish(o, "rejected", reason);
    if (o.clientOid !== this.placing) this.opts.onReject?.(simOrderStatus(o));
  }

  private expire(o: SimOrder): void {
    this.counters.unfilledEntries++;
    this.cancelByBroker(o, "timeout");
  }

  private cancelByBroker(o: SimOrder, reason: NonNullable<OrderStatus["reason"]>): void {
    this.finish(o, "cancelled", reason);
    this.opts.onCancel?.(simOrderStatus(o));
  }

  private finish(o: SimOrder, status: "filled" | "cancelled" | "rejected", reason: SimOrder["reason"]): void {
    o.status = status;
    o.reason = reason;
    o.expiresAt = null;
    this.active.delete(o.clientOid);
    const i = this.resting.indexOf(o);
    if (i >= 0) this.resting.splice(i, 1);
    this.finished.set(o.clientOid, o);
    if (this.finished.size > this.maxFinished) this.finished.delete(this.finished.keys().next().value as string);
  }
}

function nonNegative(name: string, value: number): number {
  if (!(value >= 0) || !Number.isFinite(value))
    throw new RangeError(`${name} must be a finite number >= 0, got ${value}`);
  return value;
}
