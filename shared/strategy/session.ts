/**
 * The orchestration between strategy engines, the portfolio rules and a broker: the one code path
 * the backtester (portfolio in memory, synchronous) and the SymbolAgent Durable Object (portfolio
 * = the Coordinator over RPC, asynchronous) share.
 * @module
 */
import { isPromise, type MaybePromise, type OrderPort } from "../execution/broker";
import type { Fill, OrderRequest } from "../execution/orders";
import { roundToStep } from "../market/instrument";
import type { CloseReport, EntryAnswer, EntryFill, EntryRequest } from "../risk/portfolio-types";
import { type EngineEvent, type EngineOutcome, type FillOutcome, intentOrderSide, type StrategyEngine } from "./engine";
import type { ClosedTrade, ExitReason, Intent, Position } from "./types";

export type { MaybePromise } from "../execution/broker";

/**
 * The portfolio rules as the session needs them. `requestEntry` may answer now (backtest) or later
 * (RPC); the shell in front of it may refuse by itself ({@link EntryAnswer}'s shell reasons).
 */
export interface SessionPortfolio {
  requestEntry(req: EntryRequest): MaybePromise<EntryAnswer>;
  /** Fire-and-forget from the session's view: the shell delivers it (in memory, or through a persisted queue). */
  confirmOpen(reservationId: string, fill: EntryFill): void;
  releaseReservation(reservationId: string): void;
  reportClose(symbol: string, report: CloseReport): void;
  /**
   * The position of `symbol` changed outside an entry the portfolio approved (a fill the engine did
   * not order grew it, or an orphan was adopted): the portfolio holds it at this size and average
   * price from now on. Fire-and-forget like the others; absent: the portfolio never hears of such
   * changes (a portfolio whose engines only trade their own orders: the backtester's).
   */
  syncPosition?(symbol: string, position: EntryFill): void;
}

/** An entry decision as the session saw it. */
export interface EntryDecisionRecord {
  readonly ts: number;
  readonly symbol: string;
  readonly side: "long" | "short";
  readonly clientOid: string;
  readonly decision: EntryAnswer;
}

/** A position the engine just opened, with the entry order that opened it. */
export interface OpenedPosition {
  readonly clientOid: string;
  readonly position: Position;
  readonly ts: number;
}

/** What the shell hears about. All optional. */
export interface SessionHooks {
  /** Every portfolio answer to an entry, before the order is placed. */
  readonly onEntryDecision?: (record: EntryDecisionRecord) => void;
  /** A position opened (its entry filled): the operator's notice. Called after the portfolio hears of it. */
  readonly onOpened?: (opened: OpenedPosition) => void;
  /** A position closed: what the ledger stores. Called before the portfolio hears of it. */
  readonly onClosed?: (trade: ClosedTrade) => void;
  /** An answer that came later (portfolio or broker) was processed (the shell persists then). */
  readonly onAsyncStep?: () => void;
  /** An answer that came later failed (a broker or portfolio threw): the shell logs and counts it. */
  readonly onAsyncError?: (what: string, error: unknown) => void;
  /** Every engine event, after the portfolio heard of it (the shell counts failed and halted exits). */
  readonly onEngineEvent?: (event: EngineEvent) => void;
}

/** Options of {@link TradingSession}. */
export interface TradingSessionOptions {
  /** The broker: answers now (simulated) or later (live). */
  readonly orders: OrderPort;
  readonly portfolio: SessionPortfolio;
  readonly hooks?: SessionHooks;
}

/** Serialisable state: the portfolio reservation held by each entry order still in flight. */
export interface TradingSessionState {
  readonly version: 1;
  readonly reservations: Readonly<Record<string, string>>;
}

type EnterIntent = Extract<Intent, { kind: "enter" }>;

/**
 * Turns engine intents into portfolio requests and orders, and broker events back into engine calls:
 *
 * - enter: `portfolio.requestEntry`; a refusal ends the entry (`engine.onOrderDone`) before any order
 *   exists; an approval holds a reservation and places the order. While an asynchronous answer is
 *   awaited the engine is already `entering`, so interleaved events cannot enter twice; a cancel
 *   (timeout, flatten) for that entry is remembered and the approval is then released unused.
 * - exit: placed reduce-only. Every order goes through the one {@link OrderPort}, whose answer may come
 *   now or later: a refused placement is done; a cancel answered ok or `unknown_order` is done, and
 *   `already_done` too unless the broker reports every order's end itself (`reportsDone`).
 * - fills and done orders go to the engine of their symbol, and its events drive the portfolio:
 *   `opened` confirms the reservation, `released` releases it, `closed` goes to `hooks.onClosed`,
 *   then `portfolio.reportClose`.
 *
 * Engines are routed by symbol: an engine ignores fills and done orders of ids that are not its own.
 */
export class TradingSession {
  private readonly orders: OrderPort;
  private readonly portfolio: SessionPortfolio;
  private readonly hooks: SessionHooks;
  private readonly bySymbol = new Map<string, StrategyEngine>();
  private readonly reservations = new Map<string, string>();
  /** Entries awaiting an asynchronous portfolio answer → whether a cancel came meanwhile. */
  private readonly awaiting = new Map<string, boolean>();

  constructor(options: TradingSessionOptions, state?: TradingSessionState) {
    this.orders = options.orders;
    this.portfolio = options.portfolio;
    this.hooks = options.hooks ?? {};
    if (state) for (const [oid, res] of Object.entries(state.reservations)) this.reservations.set(oid, res);
  }

  /** Adds (or replaces) the engine of its symbol. */
  setEngine(engine: StrategyEngine): void {
    this.bySymbol.set(engine.symbol, engine);
  }

  /** The engine of `symbol`, if any. */
  engine(symbol: string): StrategyEngine | undefined {
    return this.bySymbol.get(symbol);
  }

  /** Every engine, in insertion order. */
  engines(): IterableIterator<StrategyEngine> {
    return this.bySymbol.values();
  }

  /** Entries waiting for an asynchronous portfolio answer. */
  get pendingDecisions(): number {
    return this.awaiting.size;
  }

  /** Carries out intents in order. */
  execute(intents: readonly Intent[]): void {
    for (let i = 0; i < intents.length; i++) {
      const intent = intents[i];
      const engine = this.bySymbol.get(intent.symbol);
      if (!engine) continue;
      if (intent.kind === "cancel") this.cancel(engine, intent.clientOid, intent.ts);
      else if (intent.kind === "enter") this.enter(engine, intent);
      else this.place(engine, intent);
    }
  }

  /** Feeds one market event to the engine of its symbol and carries out what it wants. */
  onEvent(e: Parameters<StrategyEngine["onEvent"]>[0]): void {
    const engine = this.bySymbol.get(e.symbol);
    if (engine) this.onEventOf(engine, e);
  }

  /**
   * {@link onEvent} for a caller that already holds the engine of `e.symbol` (the one given to
   * {@link setEngine}): spares the lookup on the per-event path.
   */
  onEventOf(engine: StrategyEngine, e: Parameters<StrategyEngine["onEvent"]>[0]): void {
    const intents = engine.onEvent(e);
    if (intents.length > 0) this.execute(intents);
  }

  /** Advances every engine's clock (time exits and entry timeouts while the market is silent). */
  tick(ts: number): void {
    for (const engine of this.bySymbol.values()) this.execute(engine.tick(ts));
  }

  /** Exits every open position at market and cancels pending entries. */
  flatten(ts: number, reason: ExitReason): void {
    for (const engine of this.bySymbol.values()) this.execute(engine.flatten(ts, reason));
  }

  /** A broker fill (route the broker's `onFill` here); returns what the fill was to its engine (none: no engine). */
  onFill(fill: Fill): FillOutcome | null {
    const engine = this.bySymbol.get(fill.symbol);
    if (!engine) return null;
    const outcome = engine.onFill(fill);
    this.apply(engine, outcome);
    return outcome;
  }

  /**
   * A fill of an order the engine of its symbol did not place or no longer follows (see
   * {@link StrategyEngine.onExternalFill}): the position follows the exchange, and a close reaches
   * the portfolio like any other.
   */
  onExternalFill(fill: Fill): FillOutcome | null {
    const engine = this.bySymbol.get(fill.symbol);
    if (!engine) return null;
    const outcome = engine.onExternalFill(fill);
    this.apply(engine, outcome);
    return outcome;
  }

  /** An order ended without (fully) filling (route the broker's `onReject` and `onCancel` here). */
  onOrderDone(order: { readonly symbol: string; readonly clientOid: string }, ts: number): EngineOutcome | null {
    const engine = this.bySymbol.get(order.symbol);
    return engine ? this.afterDone(engine, order.clientOid, ts) : null;
  }

  /** Plain-JSON state (in-flight reservations). Entries awaiting an answer are not part of it. */
  getState(): TradingSessionState {
    return { version: 1, reservations: Object.fromEntries(this.reservations) };
  }

  private cancel(engine: StrategyEngine, clientOid: string, ts: number): void {
    if (this.awaiting.has(clientOid)) {
      this.awaiting.set(clientOid, true);
      return;
    }
    const doneIfAlready = this.orders.reportsDone !== true;
    this.answer(this.orders.cancel(engine.symbol, clientOid), "cancel", (r) => {
      if (r.ok || r.reason === "unknown_order" || (doneIfAlready && r.reason === "already_done"))
        this.afterDone(engine, clientOid, ts);
    });
  }

  private enter(engine: StrategyEngine, intent: EnterIntent): void {
    const answer = this.portfolio.requestEntry({
      symbol: intent.symbol,
      side: intent.side,
      notional: intent.size * intent.price,
      ts: intent.ts,
    });
    if (!isPromise(answer)) return this.decided(engine, intent, answer, false);
    this.awaiting.set(intent.clientOid, false);
    answer.then(
      (d) => this.decidedLater(engine, intent, d),
      (e: unknown) =>
        this.decidedLater(engine, intent, {
          ok: false,
          reason: "portfolio_unreachable",
          detail: e instanceof Error ? e.message : String(e),
        }),
    );
  }

  private decidedLater(engine: StrategyEngine, intent: EnterIntent, decision: EntryAnswer): void {
    const cancelled = this.awaiting.get(intent.clientOid) ?? false;
    this.awaiting.delete(intent.clientOid);
    this.decided(engine, intent, decision, cancelled);
    this.hooks.onAsyncStep?.();
  }

  private decided(engine: StrategyEngine, intent: EnterIntent, decision: EntryAnswer, cancelled: boolean): void {
    this.hooks.onEntryDecision?.({
      ts: intent.ts,
      symbol: intent.symbol,
      side: intent.side,
      clientOid: intent.clientOid,
      decision,
    });
    if (!decision.ok || cancelled || this.bySymbol.get(engine.symbol) !== engine) {
      if (decision.ok) this.portfolio.releaseReservation(decision.reservationId);
      this.afterDone(engine, intent.clientOid, intent.ts);
      return;
    }
    this.reservations.set(intent.clientOid, decision.reservationId);
    this.place(engine, intent);
  }

  private place(engine: StrategyEngine, intent: Exclude<Intent, { kind: "cancel" }>): void {
    const order: OrderRequest = {
      clientOid: intent.clientOid,
      symbol: intent.symbol,
      side: intentOrderSide(intent),
      type: intent.orderType,
      price: intent.orderType === "postOnly" ? intent.price : undefined,
      size: intent.size,
      reduceOnly: intent.kind === "exit",
      ts: intent.ts,
      stopLossPrice: intent.kind === "enter" ? roundToStep(intent.stopLoss, engine.instrument.tickSize) : undefined,
    };
    this.answer(this.orders.place(order), "place", (placed) => {
      if (!placed.ok) this.afterDone(engine, order.clientOid, order.ts);
    });
  }

  /**
   * Runs `then` on a broker answer: now, or when it comes (then `onAsyncStep`). A throw leaves the
   * order's outcome unknown (the shell's reconciliation looks it up); it is reported to `onAsyncError`.
   */
  private answer<T>(r: MaybePromise<T>, what: string, then: (r: T) => void): void {
    if (!isPromise(r)) return then(r);
    r.then(
      (v) => {
        then(v);
        this.hooks.onAsyncStep?.();
      },
      (e: unknown) => {
        this.hooks.onAsyncError?.(what, e);
        this.hooks.onAsyncStep?.();
      },
    );
  }

  private afterDone(engine: StrategyEngine, clientOid: string, ts: number): EngineOutcome {
    const outcome = engine.onOrderDone(clientOid, ts);
    this.apply(engine, outcome);
    return outcome;
  }

  /** The engine's events drive the portfolio; then its intents are carried out. */
  private apply(engine: StrategyEngine, outcome: EngineOutcome): void {
    const events = outcome.events;
    for (let i = 0; i < events.length; i++) this.onEngineEvent(engine, events[i]);
    if (outcome.intents.length > 0) this.execute(outcome.intents);
  }

  private onEngineEvent(engine: StrategyEngine, e: EngineEvent): void {
    if (e.kind === "opened") {
      this.confirm(engine, e.clientOid, e.ts);
      this.hooks.onOpened?.({ clientOid: e.clientOid, position: e.position, ts: e.ts });
    } else if (e.kind === "released") this.release(e.clientOid);
    else if (e.kind === "closed") this.closed(e.trade);
    else if (e.kind === "resized") this.syncPosition(engine, e.ts);
    this.hooks.onEngineEvent?.(e);
  }

  /**
   * Tells the portfolio the size and average price of `engine`'s open position as it is now (see
   * {@link SessionPortfolio.syncPosition}): after a fill it did not order grew it, or after it
   * adopted a position it found at the exchange. Nothing when flat.
   */
  syncPosition(engine: StrategyEngine, ts: number): void {
    const p = engine.position;
    if (!p) return;
    this.portfolio.syncPosition?.(p.symbol, {
      entryPrice: p.entryPrice,
      size: p.size,
      side: p.side,
      ts,
      entryFee: p.fees,
    });
  }

  private confirm(engine: StrategyEngine, clientOid: string, ts: number): void {
    const p = engine.position;
    const res = this.reservations.get(clientOid);
    if (!p || res === undefined) return;
    this.reservations.delete(clientOid);
    this.portfolio.confirmOpen(res, { entryPrice: p.entryPrice, size: p.size, side: p.side, ts, entryFee: p.fees });
  }

  private release(clientOid: string): void {
    const res = this.reservations.get(clientOid);
    if (res === undefined) return;
    this.reservations.delete(clientOid);
    this.portfolio.releaseReservation(res);
  }

  private closed(t: ClosedTrade): void {
    this.hooks.onClosed?.(t);
    this.portfolio.reportClose(t.symbol, { netPnl: t.netPnl, exitReason: t.exitReason, ts: t.exitTime });
  }
}
