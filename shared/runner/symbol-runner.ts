/**
 * One symbol's trading turn, the same in the backtester and in the SymbolAgent Durable Object:
 * the strategy engine (made from the symbol's first event), the broker (the runner's own simulated
 * one in paper mode, the shell's live one otherwise), the {@link TradingSession} that joins them to
 * the portfolio, the per-second and silent ticks, the config applied when flat, the reconciliation
 * rule, the journal and ledger rows of every order, fill and close, and the equity on a close.
 * The shell keeps only I/O: storage, RPC, sockets and wall time (see ports.ts).
 *
 * Time: the engine's and the broker's clock is the exchange time of the events. Every event that
 * starts a new second ticks the engine (time exits and entry timeouts); a silent market is ticked by
 * the shell through {@link SymbolRunner.silentTick} (clock.ts).
 *
 * Config: a new version is held ({@link SymbolRunner.setConfig}) and applied only when flat, so a
 * position opened under one version finishes under it; indicator state is kept when the indicator
 * settings did not change.
 * @module
 */
import type { TradeMode } from "../db/schema";
import { fillRow, tradeRow } from "../db/ledger-mapping";
import { isPromise, type OrderPort } from "../execution/broker";
import { makeStopClientOid } from "../execution/client-oid";
import type { StopPort } from "../execution/exchange-stops";
import { type Fill, type OrderStatus, openingSide, type PositionSide } from "../execution/orders";
import { SimulatedBroker, type SimulatedBrokerOptions } from "../execution/sim-broker";
import type { SimulatedBrokerState, SimulatedBrokerStats } from "../execution/sim-order";
import type { MarketEvent, TradeEvent } from "../market/events";
import type { Instrument } from "../market/instrument";
import { defaultInstrument } from "../market/instruments";
import type { EntryAnswer, EntryRequest } from "../risk/portfolio-types";
import type { BotConfig } from "../config/schema";
import type { VersionedConfig } from "../config/versioned";
import {
  type EngineEvent,
  type EngineOptions,
  type EngineStatus,
  type FillOutcome,
  StrategyEngine,
  type SubScoreTransform,
} from "../strategy/engine";
import {
  type EntryDecisionRecord,
  type OpenedPosition,
  type SessionPortfolio,
  TradingSession,
  type TradingSessionState,
} from "../strategy/session";
import type { ClosedTrade, ExitReason, Position } from "../strategy/types";
import type { WeightChange } from "../strategy/weight-learner";
import { lastTsOfSecond } from "./clock";
import { type EngineRecord, rebuildEngine } from "./engine-record";
import { type AdoptionSource, ForeignAdoption, type ForeignAdoptionState } from "./foreign-adoption";
import { journaledOrders } from "./journaled-orders";
import type { EquitySource, FeedHealthInput, LedgerPort, LiveOrders, OrderJournal } from "./ports";
import { OrderWatch } from "./order-watch";
import { type ReconcileResult, reconcilePosition } from "./reconcile";
import {
  type ExchangePosition,
  netExchangePosition,
  type OrphanPolicy,
  type RecoverableRunner,
  type RecoveryCounters,
  type RecoveryEvent,
  SeenFills,
  type SeenFillsState,
  zeroRecoveryCounters,
} from "./recovery";
import { countSafetyEvent, type SafetyCounters, type SafetyEvent, zeroSafetyCounters } from "./safety-events";
import { StopGuard, type StopGuardLimits } from "./stop-guard";

/** What the shell hears about; all optional. */
export interface RunnerHooks {
  readonly onEntryDecision?: (record: EntryDecisionRecord) => void;
  /** A position opened (the operator's notice). */
  readonly onOpened?: (opened: OpenedPosition) => void;
  readonly onClosed?: (trade: ClosedTrade) => void;
  readonly onWeightChange?: (change: WeightChange) => void;
  /** A trade print, after the brokers saw it and before the engine does (the portfolio marks its price). */
  readonly onTrade?: (e: TradeEvent) => void;
  /** State changed that the shell persists at the end of the turn. */
  readonly onChange?: () => void;
  /** An answer that came later (portfolio, broker) was processed: the shell ends the turn then. */
  readonly onAsyncStep?: () => void;
  /** An answer that came later failed: the shell logs and counts it. */
  readonly onAsyncError?: (what: string, error: unknown) => void;
  /** A live-safety decision (safety-events.ts): the shell logs and reports it. */
  readonly onSafety?: (e: SafetyEvent) => void;
  /** What recovery on start did (recovery.ts): the shell logs and reports it. */
  readonly onRecovery?: (e: RecoveryEvent) => void;
}

/** Options of {@link SymbolRunner}. */
export interface SymbolRunnerOptions {
  readonly symbol: string;
  /** The config the engine runs (a restored engine's own, or the latest). */
  readonly config: VersionedConfig;
  readonly portfolio: SessionPortfolio;
  readonly equity: EquitySource;
  /** The live broker when the config is not paper; null = live without the secrets (orders refused, never paper-traded). */
  readonly live?: LiveOrders | null;
  /** Contract rules in paper mode; default {@link defaultInstrument}. */
  readonly instrument?: (symbol: string, price: number) => Instrument;
  readonly journal?: OrderJournal;
  readonly ledger?: LedgerPort;
  readonly hooks?: RunnerHooks;
  /** Research only (see {@link SubScoreTransform}). */
  readonly subScoreTransform?: SubScoreTransform;
  /** Done orders the paper broker remembers; default the broker's. */
  readonly maxFinishedOrders?: number;
  /** Retry bounds of the exchange-side stop guard (live only); default stop-guard.ts's. */
  readonly stopGuard?: StopGuardLimits;
}

/** What the runner persists. */
export interface SymbolRunnerState {
  readonly engine: EngineRecord | null;
  readonly broker: SimulatedBrokerState;
  readonly session: TradingSessionState;
  /** Live fills applied (recovery.ts); absent in states saved before it existed. */
  readonly fills?: SeenFillsState;
  /** Foreign fills waiting for the exchange's position (foreign-adoption.ts); absent before it existed. */
  readonly foreign?: ForeignAdoptionState;
  /** How many runners were made from this state's line (1 = the first); stop clientOids carry it. Absent before it existed. */
  readonly incarnation?: number;
}

/** The answer of {@link SymbolRunner.applyConfigIfFlat}: applied (or nothing to do), or refused with why. */
export type ConfigApplyResult =
  | { readonly ok: true; readonly applied: boolean }
  | { readonly ok: false; readonly reason: string };

const NOT_APPLIED: ConfigApplyResult = { ok: true, applied: false };

/** One symbol's engine, broker and session, driven by market events, fills and the shell's ticks. */
export class SymbolRunner implements RecoverableRunner {
  readonly symbol: string;
  /** The config's mode when the runner was made: a runner never changes mode. */
  readonly mode: TradeMode;
  private readonly o: SymbolRunnerOptions;
  private readonly session: TradingSession;
  private readonly hooks: RunnerHooks;
  private broker: SimulatedBroker;
  private engine: StrategyEngine | null = null;
  private engineConfig: VersionedConfig;
  private latest: VersionedConfig;
  private second = -1;
  /** Every `ts <= secondUntil` is in `second` or earlier (see {@link lastTsOfSecond}). */
  private secondUntil = -Infinity;
  private newestTs = 0;
  private blocked: ReconcileResult | null = null;
  private feedHealth: FeedHealthInput = { healthy: true, reason: null };
  /** Entries wait for recovery on start ({@link holdEntriesForRecovery}). */
  private recovering = false;
  private readonly safetyCounts: SafetyCounters = zeroSafetyCounters();
  private readonly port: OrderPort;
  /** Live only: looks up orders whose end does not come (order-watch.ts). */
  private readonly watch: OrderWatch | null;
  private readonly recoveryCounts: RecoveryCounters = zeroRecoveryCounters();
  private readonly seenFills: SeenFills;
  private appliedFills = 0;
  /** Live only, with a broker that has stops: keeps the position's exchange-side stop (stop-guard.ts). */
  private readonly stopGuard: StopGuard | null;
  /** Live only: foreign fills that find the engine flat wait here for the exchange's position (foreign-adoption.ts). */
  private readonly foreign: ForeignAdoption | null;
  /** This runner's place in its persisted line ({@link SymbolRunnerState.incarnation}). */
  private readonly incarnation: number;

  constructor(o: SymbolRunnerOptions, state?: SymbolRunnerState | null) {
    this.o = o;
    this.seenFills = new SeenFills(state?.fills);
    this.incarnation = (state?.incarnation ?? 0) + 1;
    this.symbol = o.symbol;
    this.hooks = o.hooks ?? {};
    this.engineConfig = state?.engine?.config ?? o.config;
    this.latest = o.config;
    this.mode = this.engineConfig.config.mode;
    this.broker = state
      ? SimulatedBroker.restore(state.broker, this.brokerOptions())
      : new SimulatedBroker(this.brokerOptions());
    this.port = this.orders();
    this.session = new TradingSession(
      {
        orders: this.port,
        portfolio: this.guardedPortfolio(o.portfolio),
        hooks: {
          onEntryDecision: this.hooks.onEntryDecision,
          onOpened: this.hooks.onOpened,
          onClosed: (t) => this.onClosed(t),
          onAsyncStep: this.hooks.onAsyncStep,
          onAsyncError: this.hooks.onAsyncError,
          onEngineEvent: (e) => this.onEngineEvent(e),
        },
      },
      state?.session,
    );
    this.watch = this.mode === "paper" ? null : this.orderWatch();
    this.stopGuard = this.mode === "paper" || !o.live?.stops ? null : this.makeStopGuard();
    this.foreign = this.mode === "paper" ? null : this.makeForeignAdoption(state?.foreign);
    const rec = state?.engine;
    if (rec) {
      this.setEngine(new StrategyEngine(this.engineOptions(rec.config, rec.instrument), rec.state));
      this.newestTs = rec.state.lastTs;
    }
    // The new incarnation is written before any stop it names can be sent (the shell persists a changed runner at the end of the turn).
    if (state && this.stopGuard) this.changed();
  }

  /** The latest config version the runner holds. */
  get configVersion(): string {
    return this.latest.version;
  }

  /** The version of the config the engine runs (it moves to the latest when flat). */
  get engineConfigVersion(): string {
    return this.engineConfig.version;
  }

  /** Newest exchange time seen (events and ticks), 0 before any. */
  get lastTs(): number {
    return this.newestTs;
  }

  /** Entries waiting for a portfolio answer. */
  get pendingDecisions(): number {
    return this.session.pendingDecisions;
  }

  /** True while a reconciliation mismatch blocks new entries. */
  get entriesBlocked(): boolean {
    return this.blocked !== null && !this.blocked.ok;
  }

  /** True while exits are halted for the open position (failed too often; the exchange-side stop protects it). */
  get exitHalted(): boolean {
    return this.engine?.exitsHalted ?? false;
  }

  /** Counts of the live-safety decisions since the runner was made. */
  get safety(): Readonly<SafetyCounters> {
    return this.safetyCounts;
  }

  /** The paper broker's counters (unfilled entries, trade-only data). */
  get brokerStats(): SimulatedBrokerStats {
    return this.broker.stats;
  }

  /** The engine's view, or null before the first market event. */
  engineStatus(): EngineStatus | null {
    return this.engine?.status() ?? null;
  }

  /** The engine, or null before the first market event (read-only use: the backtest's symbol list). */
  get engineOrNull(): StrategyEngine | null {
    return this.engine;
  }

  /** One market event: {@link feed}, then the per-second tick. */
  onEvent(e: MarketEvent): void {
    this.feed(e);
    this.tickIfNewSecond(e.ts);
  }

  /** Feeds one market event of this symbol to the brokers and the engine (made from the first event). */
  feed(e: MarketEvent): void {
    if (e.symbol !== this.symbol) return;
    if (e.ts > this.newestTs) this.newestTs = e.ts;
    const engine = this.engine ?? this.makeEngine(e);
    this.broker.onEvent(e);
    this.o.live?.onEvent(e);
    if (e.kind === "trade") this.hooks.onTrade?.(e);
    if (engine) this.session.onEventOf(engine, e);
  }

  /** Ticks the engine when `ts` starts a new second of this symbol's events (time exits and entry timeouts between trades). */
  tickIfNewSecond(ts: number): void {
    if (ts <= this.secondUntil) return;
    const sec = Math.floor(ts / 1000);
    if (!(sec > this.second)) return;
    if (this.second >= 0) this.tick(ts);
    this.second = sec;
    this.secondUntil = lastTsOfSecond(sec);
  }

  /** Ticks the engine at `ts` (a multi-symbol shell ticks every runner on its own clock's seconds). */
  tick(ts: number): void {
    if (this.engine) this.session.tick(ts);
    this.watch?.tick(ts);
    this.stopGuard?.tick(ts);
    this.foreign?.tick(ts);
    this.settleHeld();
  }

  /**
   * Advances a silent market to exchange time `ts` (see clock.ts `silentTickAt`): due orders act,
   * the engine ticks, then the broker moves on by the order latency, so an exit decided in the
   * silence fills against the last book at once.
   */
  silentTick(ts: number): void {
    if (!this.engine) return;
    if (ts > this.newestTs) this.newestTs = ts;
    this.broker.advance(ts);
    this.session.tick(ts);
    this.watch?.tick(ts);
    this.stopGuard?.tick(ts);
    this.foreign?.tick(ts);
    this.settleHeld();
    this.broker.advance(ts + this.engineConfig.config.execution.latencyMs);
  }

  /** Moves the paper broker's clock without an event (the backtest's end). */
  advance(ts: number): void {
    this.broker.advance(ts);
  }

  /** Exits at market and cancels a pending entry. */
  flatten(ts: number, reason: ExitReason): void {
    this.session.flatten(ts, reason);
  }

  /**
   * The market feed's health: entries are refused (`feed_unhealthy`) while it is unhealthy, and the
   * engine's book gates fail closed while the book is stale. A runner starts healthy (the backtester's
   * replay); a live shell reports its feed from the start.
   */
  setFeedHealth(h: FeedHealthInput): void {
    this.feedHealth = h;
    this.engine?.setBookStale(h.bookStale ?? !h.healthy);
  }

  /**
   * After a (re)start in live mode: no new entry until recovery on start (recovery.ts) has reconciled
   * with the exchange and says so ({@link recoveryComplete}). An entry decided while recovery reads the
   * exchange is a working order recovery looks up; a lookup that reaches the exchange before the
   * order's own request reads "never seen" and releases an entry that then fills (the soak's second
   * SOLUSDT entry, shared/runner/agent-loop-recovery.test.ts). A runner alone (the backtest) has nothing to recover.
   */
  holdEntriesForRecovery(): void {
    this.recovering = true;
  }

  /** Recovery on start has reconciled with the exchange: entries may be asked again. */
  recoveryComplete(): void {
    this.recovering = false;
  }

  /** True while entries wait for recovery on start ({@link holdEntriesForRecovery}). */
  get awaitingRecovery(): boolean {
    return this.recovering;
  }

  /** Why new entries are refused now by the runner itself (recovery, reconciliation, feed), or null. */
  get entryRefusal(): string | null {
    const r = this.refusal();
    return r && !r.ok ? `${r.reason}: ${r.detail}` : null;
  }

  /** Holds a new config; it is applied by {@link applyConfigIfFlat}. */
  setConfig(next: VersionedConfig): void {
    this.latest = next;
  }

  /**
   * Applies the latest config when the engine is flat and no entry awaits an answer. `refusal` says
   * whether the shell may trade it (the live gate); a refused config or a change of mode is refused
   * with the reason (the shell stops the agent).
   */
  applyConfigIfFlat(refusal: (config: BotConfig) => string | null): ConfigApplyResult {
    if (this.latest.version === this.engineConfig.version) return NOT_APPLIED;
    if ((this.engine && this.engine.phase !== "flat") || this.session.pendingDecisions > 0) return NOT_APPLIED;
    const refused = refusal(this.latest.config);
    if (refused) return { ok: false, reason: refused };
    if (this.latest.config.mode !== this.mode)
      return {
        ok: false,
        reason: `the config's mode changed to ${this.latest.config.mode}; restart the agent to trade in it`,
      };
    const old = this.engine;
    this.engineConfig = this.latest;
    this.broker = SimulatedBroker.restore(this.broker.getState(), this.brokerOptions());
    if (old) this.setEngine(rebuildEngine(old, this.engineOptions(this.engineConfig, old.instrument)));
    this.changed();
    return { ok: true, applied: true };
  }

  /**
   * Reconciliation: `held` (the exchange's position; default the paper broker's) against the engine's.
   * A mismatch blocks new entries until a later call finds none.
   */
  reconcile(held?: number): ReconcileResult {
    const engine = this.engine;
    if (!engine) return { ok: true, checked: false };
    const r = reconcilePosition({
      symbol: this.symbol,
      phase: engine.phase,
      position: engine.position,
      pendingDecisions: this.session.pendingDecisions,
      held: held ?? this.broker.position(this.symbol),
      minSize: engine.instrument.minSize,
    });
    if (!r.ok || r.checked) this.blocked = r;
    return r;
  }

  /**
   * A fill reported by the live broker. The exchange is the truth: a fill of an order the engine did
   * not place (not in the journal: the exchange-side stop or take-profit, a liquidation, a manual
   * order) or no longer follows goes to {@link StrategyEngine.onExternalFill}, so the position, the
   * ledger and the portfolio follow it; each is reported (`externalFill`).
   */
  onLiveFill(f: Fill): void {
    // The private feed carries every symbol's fills; another symbol's is not this position's (soak: an ETH entry adopted as a BTC orphan).
    if (f.symbol !== this.symbol) return;
    if (!this.seenFills.add(f.tradeId, f.ts)) {
      this.recoveryCounts.duplicateFills++;
      return;
    }
    this.appliedFills++;
    if (this.o.journal && this.o.journal.status(f.clientOid) === null) return this.onExternalFill(f, undefined, true);
    this.onFill(f);
  }

  /** A live order ended without (more) fills, reported by the exchange (e.g. a post-only order it cancelled). */
  onLiveOrderDone(s: OrderStatus): void {
    if (this.o.journal && this.o.journal.status(s.clientOid) === null) return;
    this.onDone(s);
  }

  /** Counts of what recovery did since the runner was made. */
  get recovery(): Readonly<RecoveryCounters> {
    return this.recoveryCounts;
  }

  /** Live fills applied since the runner was made. */
  get fillsApplied(): number {
    return this.appliedFills;
  }

  /** Live fills dropped as applied before (by execution id) since the runner was made. */
  get duplicateFills(): number {
    return this.recoveryCounts.duplicateFills;
  }

  /** Exchange time of the newest live fill applied, 0 before any. */
  get lastFillTs(): number {
    return this.seenFills.lastTs;
  }

  /** Client ids of the engine's working orders (entry, take-profit, market exit). */
  workingOrders(): string[] {
    return this.engine?.workingOrders ?? [];
  }

  /** Cancels an order nobody follows (recovery: a working order of a position that is gone). */
  cancelOrder(clientOid: string): void {
    const r = this.port.cancel(this.symbol, clientOid);
    if (isPromise(r)) r.catch((e: unknown) => this.hooks.onAsyncError?.("cancel", e));
  }

  /**
   * A position at the exchange while the engine is flat with no entry pending is an orphan: `adopt`
   * makes it the engine's (exits at the configured distances from its average price), `close` adopts it
   * and exits at market at once (reduce-only; the ledger gets the round trip as `flatten`). Live only;
   * the engine is made from the exchange's contract rules if no market event made it yet.
   * @returns what was done, or null (no orphan, or not flat).
   */
  recoverPosition(
    held: ExchangePosition | null,
    policy: OrphanPolicy,
    ts: number,
    paid?: { readonly fee: number; readonly slippage: number },
  ): RecoveryEvent | null {
    if (held === null || this.mode === "paper" || this.session.pendingDecisions > 0) return null;
    const engine = this.engine ?? this.makeLiveEngine();
    if (engine === null || held.size < engine.instrument.minSize) return null;
    const position = engine.adopt({ side: held.side, size: held.size, entryPrice: held.avgPrice, ts, ...paid });
    if (!position) return null;
    this.blocked = null;
    if (ts > this.newestTs) this.newestTs = ts;
    this.changed();
    // The portfolio holds it from now on (its close is then reported against a position it knows).
    this.session.syncPosition(engine, ts);
    if (policy === "close") this.session.flatten(ts, "flatten");
    else this.protectPosition(ts);
    const adopted = policy === "adopt";
    return {
      kind: adopted ? "orphanAdopted" : "orphanClosed",
      side: position.side,
      size: position.size,
      avgPrice: position.entryPrice,
      stopLoss: adopted ? position.stopLoss : null,
      ts,
    };
  }

  /** Counts and reports a recovery step. */
  recovered(e: RecoveryEvent): void {
    const c = this.recoveryCounts;
    if (e.kind === "orderRecovered") c.ordersRecovered++;
    else if (e.kind === "orphanAdopted") c.orphansAdopted++;
    else if (e.kind === "orphanClosed") c.orphansClosed++;
    else if (e.kind === "fillsReplayed") {
      c.recoveries++;
      c.fillsReplayed += e.applied;
    }
    this.hooks.onRecovery?.(e);
  }

  /**
   * Checks now that the exchange holds a stop for the engine's position at the engine's stop price,
   * and places one if not (stop-guard.ts): after an entry fills, after recovery or adoption, after an
   * external fill changed the size. Live only; nothing to do when flat.
   * @returns the check started (tests await it), or null.
   */
  protectPosition(ts: number = this.newestTs): Promise<void> | null {
    return this.stopGuard?.request(ts) ?? null;
  }

  /** What the runner persists. */
  getState(): SymbolRunnerState {
    return {
      engine: this.engine
        ? { config: this.engineConfig, instrument: this.engine.instrument, state: this.engine.getState() }
        : null,
      broker: this.broker.getState(),
      session: this.session.getState(),
      fills: this.seenFills.getState(),
      ...(this.foreign ? { foreign: this.foreign.getState() } : {}),
      incarnation: this.incarnation,
    };
  }

  private onFill(f: Fill): void {
    this.watch?.onFill(f);
    const configVersion = this.engine?.configVersion ?? this.engineConfig.version;
    const outcome = this.session.onFill(f);
    this.o.journal?.update(f.clientOid, f.final ? "done" : "accepted", f.final ? "filled" : "partially filled");
    if (this.mode !== "paper" && outcome?.role === null) return this.onExternalFill(f, configVersion);
    this.ledgerFill(f, outcome, configVersion);
    this.settleHeld();
  }

  /**
   * `foreign`: the fill's order is not in the journal (the runner never placed it). One that finds the
   * engine flat (or others waiting) says a position may have changed at the exchange that the engine
   * does not hold: it waits for the exchange's position (foreign-adoption.ts), which is adopted or
   * closed by `live.orphanPolicy` like one found on start, see {@link settleForeign}. So does a later
   * fill of an order that adoption folded in (the read may have counted it).
   * (A journaled order's fill while flat is not taken as an opening: a late fill of the runner's own
   * reduce-only exit opens nothing; reconciliation reads the exchange's position instead.)
   */
  private onExternalFill(
    f: Fill,
    configVersion = this.engine?.configVersion ?? this.engineConfig.version,
    foreign = false,
  ): void {
    const entering = this.engine?.enteringSide ?? null;
    if (foreign && this.foreign && entering !== null && f.side === openingSide(entering)) {
      this.safetyCounts.externalFills++;
      this.foreign.hold(f);
      this.changed();
      return;
    }
    if (foreign && this.foreign && this.waitsForExchange(f)) {
      this.safetyCounts.externalFills++;
      this.foreign.add(f);
      this.changed();
      return;
    }
    const outcome = this.session.onExternalFill(f);
    const closed = outcome?.events.some((e) => e.kind === "closed") ?? false;
    this.safetyCounts.externalFills++;
    if (!closed && this.engine?.position) this.protectPosition(f.ts);
    this.hooks.onSafety?.({ ...externalFillOf(f), role: outcome?.role ?? null, closed });
    this.ledgerFill(f, outcome, configVersion);
  }

  /** Whether a foreign fill waits for the exchange's position instead of moving the engine's (see {@link onExternalFill}). */
  private waitsForExchange(f: Fill): boolean {
    const foreign = this.foreign as ForeignAdoption;
    const engine = this.engine;
    if (engine === null || engine.phase === "flat") return true;
    // A closing fill (the exchange's stop firing) always reaches the position at once.
    const p = engine.position;
    if (engine.phase !== "open" || p === null || f.side !== openingSide(p.side)) return false;
    return foreign.pending || foreign.adoptedOrder(f.clientOid);
  }

  /**
   * The exchange's position `held` for the foreign `fills` that waited for it. Flat: it is adopted
   * (or closed) under `live.orphanPolicy` with the fills' fees charged to it, and each fill is
   * ledgered as its entry; nothing held: nothing is adopted (no ghost), the fills are ledgered as not
   * the engine's. Open (later fills of the adopted order): the position grows by what the exchange
   * added beyond the engine's size, at the fills' average price. Source `fills` (the reads failed):
   * the fills are all there is, taken as they are. Each fill reaches the ledger here, once.
   */
  private settleForeign(held: ExchangePosition | null, fills: readonly Fill[], source: AdoptionSource): void {
    if (fills.length === 0) return;
    const configVersion = this.engine?.configVersion ?? this.engineConfig.version;
    const ts = Math.max(...fills.map((f) => f.ts));
    const engine = this.engine;
    let role: "entry" | null = null;
    if (engine === null || engine.phase === "flat") {
      const paid = { fee: sum(fills, (f) => f.fee), slippage: sum(fills, (f) => f.slippage) };
      const done = this.recoverPosition(held, this.engineConfig.config.live.orphanPolicy, ts, paid);
      if (done) {
        this.recovered(done);
        role = "entry";
      }
    } else if (engine.phase === "open" && engine.position) {
      role = this.growToExchange(engine.position, held, fills, source);
    }
    for (const f of fills) {
      this.hooks.onSafety?.({ ...externalFillOf(f), role, closed: false });
      this.ledgerFill(f, { intents: [], events: [], role }, configVersion);
    }
  }

  /** Grows the open position by what the exchange holds beyond it on its side, up to the fills' size (see {@link settleForeign}). */
  private growToExchange(
    p: Position,
    held: ExchangePosition | null,
    fills: readonly Fill[],
    source: AdoptionSource,
  ): "entry" | null {
    const opening = fills.filter((f) => f.side === openingSide(p.side));
    const size = sum(opening, (f) => f.size);
    if (opening.length === 0 || !(size > 0)) return null;
    const signed = (side: PositionSide, n: number) => (side === "long" ? n : -n);
    const beyond = held ? (signed(held.side, held.size) - signed(p.side, p.size)) * signed(p.side, 1) : 0;
    const add = source === "fills" ? size : Math.min(size, Math.max(0, beyond));
    // Fills the exchange had already counted grow nothing, but their fees were paid: charged all the same.
    this.growBy(opening, add >= (this.engine?.instrument.sizeStep ?? 0) / 2 && add > 0 ? add : 0);
    return "entry";
  }

  /**
   * Grows the open position by `size` of the same-side `fills` at their average price, charging all
   * their fees: the engine's manual same-side add (one fill, so the take-profit is rested again once
   * for the whole size), then the exchange-side stop follows. Size 0: the fees alone.
   */
  private growBy(fills: readonly Fill[], size: number): void {
    const last = fills[fills.length - 1] as Fill;
    this.session.onExternalFill({
      ...last,
      size,
      price: sum(fills, (f) => f.price * f.size) / sum(fills, (f) => f.size),
      fee: sum(fills, (f) => f.fee),
      slippage: sum(fills, (f) => f.slippage),
    });
    if (size > 0) this.protectPosition(last.ts);
  }

  /**
   * Foreign fills on the entry's side held while the runner's entry worked, once it ended: merged
   * into the position it opened (the engine then holds what the exchange does, the take-profit and
   * the stop cover the whole size) and ledgered as entry fills; an entry that opened nothing leaves
   * them to the exchange's position (foreign-adoption.ts).
   */
  private settleHeld(): void {
    const foreign = this.foreign;
    const engine = this.engine;
    if (!foreign?.holding || engine === null || engine.phase === "entering") return;
    const fills = foreign.releaseHeld();
    if (engine.phase !== "open") {
      for (const f of fills) foreign.add(f);
      return;
    }
    const configVersion = engine.configVersion;
    this.growBy(
      fills,
      sum(fills, (f) => f.size),
    );
    for (const f of fills) {
      this.hooks.onSafety?.({ ...externalFillOf(f), role: "entry", closed: false });
      this.ledgerFill(f, { intents: [], events: [], role: "entry" }, configVersion);
    }
  }

  /**
   * What the runner's asynchronous safety components (the foreign adoption, the stop guard) report
   * through: safety events counted and handed on, their steps and errors, the stop guard's limits.
   */
  private asyncHooks() {
    return {
      emit: (e: SafetyEvent) => {
        countSafetyEvent(this.safetyCounts, e);
        this.hooks.onSafety?.(e);
      },
      asyncStep: () => this.hooks.onAsyncStep?.(),
      asyncError: (what: string, e: unknown) => this.hooks.onAsyncError?.(what, e),
      ...(this.o.stopGuard ? { limits: this.o.stopGuard } : {}),
    };
  }

  private makeForeignAdoption(state: ForeignAdoptionState | undefined): ForeignAdoption {
    return new ForeignAdoption(
      {
        read: async () => {
          const live = this.o.live;
          if (!live?.positions) throw new Error("the live broker cannot read the exchange's positions");
          const minSize = this.engine?.instrument.minSize ?? live.instrument()?.minSize ?? 0;
          return netExchangePosition(await live.positions(), minSize);
        },
        now: () => this.newestTs,
        epoch: () => this.appliedFills + this.recoveryCounts.orphansAdopted + this.recoveryCounts.orphansClosed,
        settle: (held, fills, source) => this.settleForeign(held, fills, source),
        ...this.asyncHooks(),
      },
      state,
    );
  }

  private ledgerFill(f: Fill, outcome: FillOutcome | null, configVersion: string): void {
    if (this.o.ledger) {
      let closed: ClosedTrade | null = null;
      for (const e of outcome?.events ?? []) if (e.kind === "closed") closed = e.trade;
      this.o.ledger.fill(fillRow(f, { mode: this.mode, role: outcome?.role ?? null, configVersion, closed }));
    }
    this.changed();
  }

  private makeStopGuard(): StopGuard {
    return new StopGuard({
      symbol: this.symbol,
      port: {
        stops: (symbol) => this.stopPort().stops(symbol),
        placeStop: (req) => this.stopPort().placeStop(req),
        cancelStop: (symbol, id) => this.stopPort().cancelStop(symbol, id),
      },
      position: () => this.engine?.position ?? null,
      tick: () => this.engine?.instrument.tickSize ?? 0,
      now: () => this.newestTs,
      clientOid: (n) => makeStopClientOid(this.symbol, this.incarnation, Math.max(0, Math.floor(this.newestTs)), n),
      closeAtMarket: (ts) => {
        this.session.flatten(ts, "flatten");
        this.changed();
      },
      ...this.asyncHooks(),
    });
  }

  /** The live broker's stops; a throw (not ready) is a failed check the guard retries. */
  private stopPort(): StopPort {
    const port = this.o.live?.stops?.() ?? null;
    if (!port) throw new Error("the live broker is not ready: its exchange-side stops cannot be read");
    return port;
  }

  private orderWatch(): OrderWatch {
    const lookup = this.o.live?.lookup;
    return new OrderWatch({
      symbol: this.symbol,
      awaited: () => this.engine?.awaitedOrder ?? null,
      lookup: lookup ? (symbol, oid) => lookup(symbol, oid) : null,
      cancel: (symbol, oid) => this.port.cancel(symbol, oid),
      ended: (order, detail) => {
        this.o.journal?.update(order.clientOid, "done", detail);
        this.session.onOrderDone({ symbol: this.symbol, clientOid: order.clientOid }, this.newestTs);
        this.changed();
      },
      unresolved: (order, lookups, detail) => {
        this.safetyCounts.unresolvedOutcomes++;
        this.hooks.onSafety?.({
          kind: "outcomeUnresolved",
          clientOid: order.clientOid,
          role: order.role,
          lookups,
          resolvedAs: "ended",
          detail,
          ts: this.newestTs,
        });
      },
      looked: () => void this.safetyCounts.orderLookups++,
      asyncStep: () => this.hooks.onAsyncStep?.(),
      asyncError: (what, e) => this.hooks.onAsyncError?.(what, e),
    });
  }

  private onEngineEvent(e: EngineEvent): void {
    if (e.kind === "opened") this.protectPosition(e.ts);
    else if (e.kind === "exitFailed" && e.retryAt !== null) {
      this.safetyCounts.exitFailures++;
      this.hooks.onSafety?.({ ...e, retryAt: e.retryAt });
    } else if (e.kind === "exitHalted") {
      this.safetyCounts.exitFailures++;
      this.safetyCounts.exitHalts++;
      this.hooks.onSafety?.(e);
    }
  }

  private onDone(s: OrderStatus): void {
    this.o.journal?.update(s.clientOid, "done", s.reason ?? s.status);
    this.session.onOrderDone(s, this.newestTs);
    this.changed();
    this.settleHeld();
  }

  private onClosed(t: ClosedTrade): void {
    this.foreign?.forgetAdopted();
    this.o.ledger?.trade(tradeRow(t, this.mode));
    if (Number.isFinite(t.netPnl)) this.o.equity.onClose?.(t.netPnl);
    this.hooks.onClosed?.(t);
    this.changed();
  }

  private changed(): void {
    this.hooks.onChange?.();
  }

  /** The orders the session places: the paper broker, or the live one; behind the journal when there is one. */
  private orders(): OrderPort {
    const paper = this.mode === "paper";
    const live = this.o.live ?? null;
    const inner = (): OrderPort | null => (paper ? this.broker : (live?.orders() ?? null));
    if (paper && !this.o.journal)
      return {
        reportsDone: true,
        place: (req) => this.broker.place(req),
        cancel: (symbol, oid) => this.broker.cancel(symbol, oid),
      };
    return journaledOrders(this.o.journal ?? null, inner, () => this.changed());
  }

  /** The portfolio behind the runner's own refusals: a reconciliation mismatch, an unhealthy feed. */
  private guardedPortfolio(p: SessionPortfolio): SessionPortfolio {
    return {
      requestEntry: (req: EntryRequest) => this.refusal() ?? p.requestEntry(req),
      confirmOpen: (res, fill) => p.confirmOpen(res, fill),
      releaseReservation: (res) => p.releaseReservation(res),
      reportClose: (symbol, report) => p.reportClose(symbol, report),
      syncPosition: (symbol, position) => p.syncPosition?.(symbol, position),
    };
  }

  private refusal(): EntryAnswer | null {
    if (this.recovering)
      return {
        ok: false,
        reason: "reconcile_blocked",
        detail: "recovery on start has not reconciled with the exchange yet (orders by clientOid, fills, the position)",
      };
    const b = this.blocked;
    if (b && !b.ok) return { ok: false, reason: "reconcile_blocked", detail: b.detail };
    if (this.foreign?.pending)
      return {
        ok: false,
        reason: "reconcile_blocked",
        detail: "a fill of an order the agent did not place waits for the exchange's position",
      };
    if (!this.feedHealth.healthy)
      return { ok: false, reason: "feed_unhealthy", detail: this.feedHealth.reason ?? "the market feed is unhealthy" };
    return null;
  }

  private makeEngine(e: MarketEvent): StrategyEngine | null {
    let instrument: Instrument | null;
    if (this.mode === "paper") {
      const price = e.kind === "trade" ? e.price : e.kind === "bookTop" ? e.bidPrice : (e.bids[0]?.[0] ?? 0);
      instrument = (this.o.instrument ?? defaultInstrument)(e.symbol, price);
    } else instrument = this.o.live?.instrument() ?? null;
    if (!instrument) return null;
    const engine = new StrategyEngine(this.engineOptions(this.engineConfig, instrument));
    this.setEngine(engine);
    return engine;
  }

  private makeLiveEngine(): StrategyEngine | null {
    const instrument = this.o.live?.instrument() ?? null;
    if (!instrument) return null;
    const engine = new StrategyEngine(this.engineOptions(this.engineConfig, instrument));
    this.setEngine(engine);
    return engine;
  }

  private setEngine(engine: StrategyEngine): void {
    engine.setBookStale(this.feedHealth.bookStale ?? !this.feedHealth.healthy);
    this.engine = engine;
    this.session.setEngine(engine);
  }

  private engineOptions(v: VersionedConfig, instrument: Instrument): EngineOptions {
    const onWeightChange = this.hooks.onWeightChange;
    return {
      symbol: this.symbol,
      config: v.config,
      configVersion: v.version,
      instrument,
      equity: () => this.o.equity.now(),
      ...(this.o.subScoreTransform ? { subScoreTransform: this.o.subScoreTransform } : {}),
      ...(onWeightChange ? { onWeightChange } : {}),
    };
  }

  private brokerOptions(): SimulatedBrokerOptions {
    const { fees, execution } = this.engineConfig.config;
    return {
      fees,
      latencyMs: execution.latencyMs,
      entryTimeoutMs: execution.entryTimeoutMs,
      tradeOnlySpreadBps: execution.tradeOnlySpreadBps,
      ...(this.o.maxFinishedOrders !== undefined ? { maxFinishedOrders: this.o.maxFinishedOrders } : {}),
      onFill: (f) => this.onFill(f),
      onReject: (s) => this.onDone(s),
      onCancel: (s) => this.onDone(s),
    };
  }
}

function sum<T>(xs: readonly T[], of: (x: T) => number): number {
  let total = 0;
  for (const x of xs) total += of(x);
  return total;
}

/** The `externalFill` safety event of `f`, without its verdict. */
function externalFillOf(f: Fill) {
  return {
    kind: "externalFill",
    clientOid: f.clientOid,
    side: f.side,
    price: f.price,
    size: f.size,
    ts: f.ts,
  } as const;
}
