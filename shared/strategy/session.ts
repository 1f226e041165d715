/**
 * The orchestration between strategy engines, the portfolio rules and a broker: the one code path
 * the backtester (portfolio in memory, synchronous) and the SymbolAgent Durable Object (portfolio
 * = the Coordinator over RPC, asynchronous) share.
 * @module
 */
import type { CancelResult, Fill, OrderRequest, PlaceResult } from "../execution/orders";
import { roundToStep } from "../market/instrument";
import type { CloseReport, EntryDecision, EntryFill, EntryRequest } from "../risk/portfolio-types";
import { intentOrderSide, type StrategyEngine } from "./engine";
import type { ClosedTrade, ExitReason, Intent } from "./types";

/** A value now, or later. */
export type MaybePromise<T> = T | Promise<T>;

/** The portfolio rules as the session needs them. `requestEntry` may answer now (backtest) or later (RPC). */
export interface SessionPortfolio {
  requestEntry(req: EntryRequest): MaybePromise<EntryDecision>;
  /** Fire-and-forget from the session's view: the shell delivers it (in memory, or through a persisted queue). */
  confirmOpen(reservationId: string, fill: EntryFill): void;
  releaseReservation(reservationId: string): void;
  reportClose(symbol: string, report: CloseReport): void;
}

/**
 * The broker's synchronous core ({@link SimulatedBroker} has it). `placeSync` returning ok means
 * "accepted"; refusals that come later arrive through the broker's reject/cancel callbacks, which
 * the shell routes to {@link TradingSession.onOrderDone}.
 */
export interface SessionOrders {
  placeSync(req: OrderRequest): PlaceResult;
  cancelSync(symbol: string, clientOid: string): CancelResult;
}

/**
 * A broker that answers later (the live `Broker` port of shared/execution/broker.ts). `place` resolving ok means "accepted";
 * a refusal (or a throw, whose outcome is unknown and left to the shell's reconciliation) arrives
 * after the turn. The session then runs `hooks.onAsyncStep`, as after an asynchronous portfolio answer.
 */
export interface AsyncSessionOrders {
  place(req: OrderRequest): Promise<PlaceResult>;
  cancel(symbol: string, clientOid: string): Promise<CancelResult>;
}

/** An entry decision as the session saw it. */
export interface EntryDecisionRecord {
  readonly ts: number;
  readonly symbol: string;
  readonly side: "long" | "short";
  readonly clientOid: string;
  readonly decision: EntryDecision;
}

/** What the shell hears about. All optional. */
export interface SessionHooks {
  /** Every portfolio answer to an entry, before the order is placed. */
  readonly onEntryDecision?: (record: EntryDecisionRecord) => void;
  /** A position closed: what the ledger stores. Called before the portfolio hears of it. */
  readonly onClosed?: (trade: ClosedTrade) => void;
  /** An asynchronous portfolio answer was processed (the shell persists then). */
  readonly onAsyncStep?: () => void;
}

/** Options of {@link TradingSession}. */
export interface TradingSessionOptions {
  /** The synchronous core (backtest, paper) or an asynchronous broker (live). */
  readonly orders: SessionOrders | AsyncSessionOrders;
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
 * - exit: placed reduce-only. cancel: `cancelSync`; a cancelled or unknown order is done. With
 *   {@link AsyncSessionOrders} the answers come later: a refused placement, and a cancelled, unknown
 *   or already finished order, are done then.
 * - fills and done orders go to the engine of their symbol; entering → open confirms the reservation,
 *   entering → flat releases it; a closed trade goes to `hooks.onClosed`, then `portfolio.reportClose`.
 *
 * Engines are routed by symbol: an engine ignores fills and done orders of ids that are not its own.
 */
export class TradingSession {
  private readonly orders: SessionOrders | AsyncSessionOrders;
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

  /** A broker fill (route the broker's `onFill` here). */
  onFill(fill: Fill): void {
    const engine = this.bySymbol.get(fill.symbol);
    if (!engine) return;
    const before = engine.phase;
    const { intents, closed } = engine.onFill(fill);
    if (before === "entering" && phaseOf(engine) === "open") this.confirm(engine, fill.clientOid, fill.ts);
    if (closed) this.closed(closed);
    this.execute(intents);
  }

  /** An order ended without (fully) filling (route the broker's `onReject` and `onCancel` here). */
  onOrderDone(order: { readonly symbol: string; readonly clientOid: string }, ts: number): void {
    const engine = this.bySymbol.get(order.symbol);
    if (engine) this.afterDone(engine, order.clientOid, ts);
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
    if (!isSync(this.orders)) return this.cancelLater(this.orders, engine, clientOid, ts);
    const r = this.orders.cancelSync(engine.symbol, clientOid);
    if (r.ok || r.reason === "unknown_order") this.afterDone(engine, clientOid, ts);
  }

  /** Asynchronous cancel: an order cancelled, unknown or already done (a broker without done callbacks) is done. */
  private cancelLater(orders: AsyncSessionOrders, engine: StrategyEngine, clientOid: string, ts: number): void {
    orders.cancel(engine.symbol, clientOid).then(
      (r) => {
        if (r.ok || r.reason === "unknown_order" || r.reason === "already_done") this.afterDone(engine, clientOid, ts);
        this.hooks.onAsyncStep?.();
      },
      () => this.hooks.onAsyncStep?.(),
    );
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
          reason: "invalid_request",
          detail: `portfolio unreachable: ${e instanceof Error ? e.message : String(e)}`,
        }),
    );
  }

  private decidedLater(engine: StrategyEngine, intent: EnterIntent, decision: EntryDecision): void {
    const cancelled = this.awaiting.get(intent.clientOid) ?? false;
    this.awaiting.delete(intent.clientOid);
    this.decided(engine, intent, decision, cancelled);
    this.hooks.onAsyncStep?.();
  }

  private decided(engine: StrategyEngine, intent: EnterIntent, decision: EntryDecision, cancelled: boolean): void {
    this.hooks.onEntryDecision?.({
      ts: intent.ts,
      symbol: intent.symbol,
      side: intent.side,
      clientOid: intent.clientOid,
      decision,
    });
    if (!decision.ok || cancelled || this.bySymbol.get(engine.symbol) !== engine) {
      if (decision.ok) this.portfolio.releaseReservation(decision.reservationId);
      this.execute(engine.onOrderDone(intent.clientOid, intent.ts));
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
    if (!isSync(this.orders)) return this.placeLater(this.orders, engine, order);
    const placed = this.orders.placeSync(order);
    if (!placed.ok) this.afterDone(engine, intent.clientOid, intent.ts);
  }

  /** Asynchronous place: a refusal ends the order; a throw leaves it to the shell's reconciliation. */
  private placeLater(orders: AsyncSessionOrders, engine: StrategyEngine, order: OrderRequest): void {
    orders.place(order).then(
      (placed) => {
        if (!placed.ok) this.afterDone(engine, order.clientOid, order.ts);
        this.hooks.onAsyncStep?.();
      },
      () => this.hooks.onAsyncStep?.(),
    );
  }

  private afterDone(engine: StrategyEngine, clientOid: string, ts: number): void {
    const before = engine.phase;
    const intents = engine.onOrderDone(clientOid, ts);
    const after = phaseOf(engine);
    if (before === "entering" && after === "open") this.confirm(engine, clientOid, ts);
    else if (before === "entering" && after === "flat") this.release(clientOid);
    this.execute(intents);
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

/** The engine's phase, read afresh (TypeScript would narrow a repeated getter read). */
function phaseOf(engine: StrategyEngine): "flat" | "entering" | "open" {
  return engine.phase;
}

function isSync(orders: SessionOrders | AsyncSessionOrders): orders is SessionOrders {
  return typeof (orders as Partial<SessionOrders>).placeSync === "function";
}

function isPromise<T>(v: MaybePromise<T>): v is Promise<T> {
  return typeof (v as { then?: unknown } | null)?.then === "function";
}
