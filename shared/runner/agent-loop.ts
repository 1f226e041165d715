/**
 * A {@link SymbolRunner} hosted in a long-lived shell (the SymbolAgent Durable Object): the policy
 * around the runner that is not the trading turn itself. Which state is restored and written when
 * (crash-only: every fill, order change, close and portfolio answer in the turn it happens, otherwise
 * every {@link PERSIST_EVERY_MS} of wall time), when prices are reported and what the answer makes
 * it do, when queued portfolio calls are delivered (an entry is asked only once they are), the
 * equity that sizes entries, and the alarm's steps. The shell hands in storage, the Coordinator's
 * RPC, the wall clock, and makes the feed and the live broker (sockets): {@link AgentLoopOptions}.
 * @module
 */
import type { BotConfig } from "../config/schema";
import type { VersionedConfig } from "../config/versioned";
import type { Fill, OrderStatus } from "../execution/orders";
import type { MarketEvent } from "../market/events";
import type { AgentNotices } from "../notify/agent-notices";
import type { PriceReportAnswer } from "../risk/coordinator-types";
import type { EntryAnswer, EntryRequest } from "../risk/portfolio-types";
import type { EngineStatus } from "../strategy/engine";
import type { ExitReason } from "../strategy/types";
import type { AccountView, FeedHealthReading } from "./agent-status";
import { type CallQueue, drainCalls, type PortfolioCalls, queuedPortfolio } from "./call-queue";
import { exchangeNow, silentTickAt } from "./clock";
import { FEED_NOT_CONNECTED, type FeedVerdictReading, feedGate } from "./feed-gate";
import type { OutboxKind } from "./outbox";
import type { FeedHealthInput, LiveOrders, OrderJournal } from "./ports";
import { PriceBatch } from "./price-batch";
import { type Receipt, ReceiptRing } from "./receipt-ring";
import { type EquityView, SizingEquity } from "./sizing-equity";
import { describeSafetyEvent, type SafetyEvent, safetyNeedsOperator } from "./safety-events";
import { type ExchangePosition, netExchangePosition, type OrphanPolicy, recoverOnStart } from "./recovery";
import { SymbolRunner, type SymbolRunnerState } from "./symbol-runner";
import { type WriteBehindJournal, writeBehindJournal } from "./write-behind-journal";

/** State is written at least this often while the market moves, ms of wall time. */
export const PERSIST_EVERY_MS = 2_000;
/** Prices are reported at most this often, ms. */
export const REPORT_EVERY_MS = 1_000;
/** Finished orders the paper broker remembers in a hosted runner. */
const MAX_FINISHED_ORDERS = 200;

/** The shell's storage: named JSON state, the ledger outbox, the call queue and the order journal. Synchronous. */
export interface AgentLoopStore extends CallQueue {
  get<T>(key: string): T | null;
  /** Writes a named value (null deletes it). */
  put(key: string, value: unknown): void;
  transaction<T>(body: () => T): T;
  /** Adds a ledger row, keyed `kind:id` (a second add of the same key is ignored). */
  addOutbox(kind: OutboxKind, id: string, row: unknown): void;
  journal(): OrderJournal;
  /** Client ids of journaled orders still `sending` or `accepted`, oldest first. */
  journalInFlight(): string[];
  pruneJournal(): void;
}

/** The portfolio service (the Coordinator's RPC). */
export interface AgentCoordinator extends PortfolioCalls {
  requestEntry(req: EntryRequest): Promise<EntryAnswer>;
  reportPrices(symbol: string, points: readonly { ts: number; price: number }[]): Promise<PriceReportAnswer>;
  getConfig(): Promise<VersionedConfig>;
  portfolio(): Promise<EquityView>;
}

/** The market feed the shell made (a WebSocket). */
export interface MarketFeed {
  start(): void;
  stop(): void;
  /** The watchdog: reconnects a feed that went silent. */
  checkStale(now: number): unknown;
  health(): FeedHealthReading & FeedVerdictReading;
}

/** The live (or demo) broker the shell made: the runner's {@link LiveOrders} plus its account and lifecycle. */
export interface LiveVenue extends LiveOrders {
  /**
   * Opens the account, loads the contract rules and connects the private feed (idempotent once it
   * succeeded); null when ready, else why trading must not start. A throw is retried by the next call.
   */
  start(): Promise<string | null>;
  stop(): void;
  /** The account (mode, hold mode, margin mode, leverage) as the exchange reports it now. */
  summary(): Promise<AccountView>;
  /** The account's USDT equity, or null before the account is open. */
  equity(): Promise<number | null>;
  /** Reconciles orders and fills with the exchange; the exchange's net position of the symbol (long > 0). */
  reconcile(): Promise<number>;
  /** The exchange's view of an order by clientOid, followed from then on; null: the exchange never saw it. */
  lookup(symbol: string, clientOid: string): Promise<OrderStatus | null>;
  /** Delivers the fills of followed orders not delivered yet, and (unless null) every fill of the symbol at or after `since`. */
  replayFills(since: number | null): Promise<void>;
  /** The symbol's open positions at the exchange. */
  positions(): Promise<readonly ExchangePosition[]>;
  /** The clientOids of the symbol's orders open at the exchange now. */
  openOrders(symbol: string): Promise<readonly string[]>;
}

/** What the live broker reports outside any turn. */
export interface LiveVenueHandlers {
  /** Every fill, once per exchange execution. */
  readonly onFill: (fill: Fill) => void;
  /** An order ended without filling (e.g. a post-only order the exchange cancelled). */
  readonly onOrderDone: (status: OrderStatus) => void;
  /** A background step of the broker failed. */
  readonly onError: (what: string, error: unknown) => void;
}

/** What an {@link AgentLoop} needs from its shell. */
export interface AgentLoopOptions {
  readonly symbol: string;
  readonly store: AgentLoopStore;
  /** A fresh Coordinator stub (a stub that threw must not be reused). */
  readonly coordinator: () => AgentCoordinator;
  /** Wall time, ms. */
  readonly now: () => number;
  /** Makes the market feed, delivering to `onEvents`; it calls `onHealth` when its verdict may have changed. */
  readonly feed: (onEvents: (events: readonly MarketEvent[]) => void, onHealth: () => void) => MarketFeed;
  /** Makes the live broker when the engine's mode is not paper; null = no secrets (orders refused, never paper-traded). */
  readonly live: (mode: "live" | "demo", handlers: LiveVenueHandlers) => LiveVenue | null;
  /** Whether `config` may trade (the live gate); null = yes. */
  readonly refusal: (config: BotConfig) => string | null;
  /** The agent must stop trading by itself (a refused config became due), with the reason. */
  readonly onFatal: (reason: string) => void;
  /** A background step failed (outside any RPC or alarm): the shell logs and counts it. */
  readonly onError: (what: string, error: unknown) => void;
  /** The operator's notices (positions, feed, reconciliation); they return at once, delivery is off the trading path. */
  readonly notices?: AgentNotices | null;
  /**
   * Runs `fn` once the current turn's I/O has started (the DO: a WRITE_BEHIND_MS timer, after the
   * order's signing and `fetch`). With it, a turn that sends an order writes the runner state after
   * the request left instead of before; absent, the state is written in the turn (see `afterTurn`).
   */
  readonly later?: (fn: () => void) => void;
}

/** One running agent's runner, feed and I/O policy. */
export class AgentLoop {
  readonly runner: SymbolRunner;
  private readonly o: AgentLoopOptions;
  private readonly store: AgentLoopStore;
  private readonly prices = new PriceBatch();
  private readonly receipts = new ReceiptRing();
  private readonly live: LiveVenue | null;
  /** The exchange account as last read (live and demo), null before. */
  private account: AccountView | null = null;
  private liveStarting: Promise<string | null> | null = null;
  private feed: MarketFeed | null = null;
  /** A test took the feed's place ({@link detachFeed}): no market feed is (re)started. */
  private detached = false;
  private readonly equity: SizingEquity;
  private dirty = false;
  private lastPersistAt = 0;
  private lastEventAt = 0;
  private lastReportAt = 0;
  private reporting = false;
  private draining: Promise<number> | null = null;
  private stopped = false;
  /** This turn journaled an order (it is on its way to the exchange). */
  private sentThisTurn = false;
  /** A deferred state write is scheduled ({@link AgentLoopOptions.later}). */
  private persistQueued = false;
  /** The order journal, written behind the order when the shell has {@link AgentLoopOptions.later}. */
  private readonly journal: WriteBehindJournal | null;
  /** The recovery on start running, if any. */
  private recovering: Promise<void> | null = null;

  /** Rebuilds the loop from the store (its `config` must exist). */
  constructor(o: AgentLoopOptions) {
    this.o = o;
    const store = (this.store = o.store);
    const latest = store.get<VersionedConfig>("config") as VersionedConfig;
    const state = store.get<SymbolRunnerState>("runner") ?? legacyState(store);
    this.equity = new SizingEquity(o.symbol, store.get<number>("equity") ?? 0);
    const mode = state?.engine?.config.config.mode ?? latest.config.mode;
    // With a later task the journal row is written after the order's request left (write-behind-journal.ts).
    // A row storage refused stays queued for the next flush; the failure is logged and counted (onError).
    this.journal = o.later ? writeBehindJournal(store.journal(), o.later, (e) => o.onError("journal write", e)) : null;
    const live = (this.live =
      mode !== "paper"
        ? o.live(mode, {
            onFill: (f) => this.liveFill(f),
            onOrderDone: (s) => this.liveDone(s),
            onError: (what, e) => o.onError(`live ${what}`, e),
          })
        : null);
    this.runner = new SymbolRunner(
      {
        symbol: o.symbol,
        config: latest,
        portfolio: queuedPortfolio(store, (req) => this.requestEntry(req), this.markDirty),
        equity: {
          now: () => this.equity.now(),
          onClose: (netPnl) => {
            this.equity.onClose(netPnl);
            store.put("equity", this.equity.now());
          },
        },
        live,
        journal: noticeSending(this.journal ?? store.journal(), () => (this.sentThisTurn = true)),
        ledger: {
          trade: (row) => store.addOutbox("trade", row.id, row),
          fill: (row) => store.addOutbox("fill", row.id, row),
        },
        maxFinishedOrders: MAX_FINISHED_ORDERS,
        hooks: {
          onOpened: (p) => o.notices?.opened(mode, p),
          onClosed: (t) => o.notices?.closed(mode, t),
          onChange: this.markDirty,
          onTrade: (t) => this.prices.add(t.ts, t.price),
          onAsyncStep: () => this.afterTurn(o.now()),
          onAsyncError: (what, e) => o.onError(`order ${what}`, e),
          onSafety: (e) => this.onSafety(e),
        },
      },
      state,
    );
    // Nothing is traded until the feed says it is fit (a runner alone starts healthy, for replays).
    this.runner.setFeedHealth(FEED_NOT_CONNECTED);
    // Live: nothing is entered until recovery on start has reconciled with the exchange (recovery.ts).
    if (live) this.runner.holdEntriesForRecovery();
    // When the last event arrived (wall clock), so the exchange clock can be estimated after a restart.
    this.lastEventAt = store.get<number>("lastEventAt") ?? 0;
  }

  /** Connects the market feed (idempotent) and starts the live broker. */
  startFeed(): void {
    if (!this.detached) {
      this.feed ??= this.o.feed(
        (events) => this.ingest(events),
        () => this.judgeFeed(),
      );
      this.feed.start();
    }
    this.startLive()
      .then((refusal) => refusal && this.o.onError("live start", new Error(refusal)))
      .catch((e: unknown) => this.o.onError("live start", e));
  }

  /**
   * Opens the exchange account (probe → Classic or UTA broker), loads the contract rules, connects the
   * private feed and reads the account; null when it is ready (or in paper mode), else why live (or
   * demo) trading must not start, with the exchange's code and message.
   */
  startLive(): Promise<string | null> {
    const live = this.live;
    if (!live) return Promise.resolve(null);
    this.liveStarting ??= this.openAccount(live).then(
      (refusal) => {
        if (refusal !== null) this.liveStarting = null;
        return refusal;
      },
      (e: unknown) => {
        this.liveStarting = null;
        throw e;
      },
    );
    return this.liveStarting;
  }

  /** The exchange account (mode, hold mode, margin mode, leverage) as last read; null in paper mode or before. */
  accountSummary(): AccountView | null {
    return this.account;
  }

  /** Closes the feeds and writes the state; afterwards nothing is traded or written (late answers are dropped). */
  stop(): void {
    this.feed?.stop();
    this.live?.stop();
    this.persist(this.o.now());
    this.stopped = true;
  }

  /** The latest config version the agent knows. */
  get configVersion(): string {
    return this.runner.configVersion;
  }

  /** The latest config's mode. */
  get mode(): "paper" | "demo" | "live" {
    return this.store.get<VersionedConfig>("config")?.config.mode ?? this.runner.mode;
  }

  /** True while a reconciliation mismatch blocks new entries. */
  get entriesBlocked(): boolean {
    return this.runner.entriesBlocked;
  }

  /** Feed health, or null before the feed exists. */
  feedHealth(): FeedHealthReading | null {
    return this.feed?.health() ?? null;
  }

  /** The engine's view, or null before the first market event. */
  engineStatus(): EngineStatus | null {
    return this.runner.engineStatus();
  }

  /** When the last feed messages arrived and were handled (see {@link ReceiptRing}), oldest first. */
  recentReceipts(): Receipt[] {
    return this.receipts.list();
  }

  /**
   * The feed's verdict for this symbol: entries wait and the book gates fail closed while it is
   * unhealthy (the feed's health handler; a test that detached the feed calls it in its place).
   */
  feedHealthChanged(h: FeedHealthInput): void {
    if (this.stopped) return;
    this.runner.setFeedHealth(h);
  }

  /**
   * Closes the market feed for good: the caller takes its place, handing events to {@link ingest} and
   * the feed's health to {@link feedHealthChanged} (tests that play a market by hand). Entries stay
   * refused until the caller reports a healthy feed.
   */
  detachFeed(): void {
    this.detached = true;
    this.feed?.stop();
    this.feed = null;
    this.runner.setFeedHealth(FEED_NOT_CONNECTED);
  }

  /** Why the agent itself refuses new entries now (feed, reconciliation), or null. */
  get entryRefusal(): string | null {
    return this.runner.entryRefusal;
  }

  /** Feeds market events (the feed's handler; tests call it too). */
  ingest(events: readonly MarketEvent[]): void {
    if (this.stopped) return;
    const now = this.o.now();
    this.lastEventAt = now;
    let newest = -Infinity;
    for (const e of events) {
      if (e.symbol !== this.o.symbol) continue;
      if (e.ts > newest) newest = e.ts;
      this.runner.onEvent(e);
    }
    if (newest > -Infinity) this.receipts.add(newest, now, this.o.now());
    this.afterTurn(now);
  }

  /** Exits at market now and cancels a pending entry. */
  flatten(reason: ExitReason): void {
    const now = this.o.now();
    this.runner.flatten(exchangeNow(this.runner.lastTs, this.lastEventAt, now), reason);
    this.afterTurn(now);
  }

  /** Fetches the Coordinator's config; stores it, and applies it now if flat. */
  async reloadConfig(): Promise<void> {
    const next = await this.o.coordinator().getConfig();
    if (next.version === this.runner.configVersion) return;
    this.runner.setConfig(next);
    this.store.put("config", next);
    this.afterTurn(this.o.now());
  }

  /**
   * Refreshes the equity that sizes entries: the exchange account's USDT equity in live and demo mode,
   * else the Coordinator's portfolio by the backtester's sizing rule ({@link SizingEquity}).
   */
  async refreshEquity(): Promise<void> {
    if (this.live) {
      const equity = await this.live.equity();
      if (equity !== null && this.equity.set(equity)) this.store.put("equity", equity);
      return;
    }
    const token = this.equity.ask();
    const queued = this.store.callCount() > 0;
    const view = await this.o.coordinator().portfolio();
    if (this.equity.apply(view, token, queued || this.store.callCount() > 0))
      this.store.put("equity", this.equity.now());
  }

  /**
   * The alarm's share: feed watchdog, silent-market tick, reconciliation, price report, Coordinator
   * calls and equity. Every step runs even if an earlier one failed; the failures are returned.
   */
  async onAlarm(now: number): Promise<string[]> {
    const errors: string[] = [];
    const step = async (name: string, fn: () => unknown) => {
      try {
        await fn();
      } catch (e) {
        errors.push(`${name}: ${messageOf(e)}`);
      }
    };
    await step("feed", () => this.checkFeed(now));
    await step("notices", () => this.tellFeed(now));
    await step("silent tick", () => this.silentTick(now));
    await step("reconcile", () => this.reconcile());
    await step("prices", () => this.reportPrices(now));
    await step("coordinator calls", () => this.drain());
    await step("equity", () => this.refreshEquity());
    await step("persist", () => (this.persist(now), this.store.pruneJournal()));
    return errors;
  }

  /** Delivers queued Coordinator calls (one drain at a time). */
  drain(): Promise<number> {
    this.draining ??= drainCalls(this.store, this.o.coordinator, this.o.symbol).finally(() => (this.draining = null));
    return this.draining;
  }

  private async openAccount(live: LiveVenue): Promise<string | null> {
    const refusal = await live.start();
    if (refusal !== null) return refusal;
    this.account = await live.summary();
    await this.refreshEquity();
    await this.recover(live).catch((e: unknown) => this.o.onError("recovery", e));
    return null;
  }

  /** Recovery on start (recovery.ts), one at a time: the journal and the exchange rebuild the engine's orders, fills and position. */
  private recover(live: LiveVenue): Promise<void> {
    this.recovering ??= this.recoverOnce(live).finally(() => (this.recovering = null));
    return this.recovering;
  }

  private async recoverOnce(live: LiveVenue): Promise<void> {
    const symbol = this.o.symbol;
    this.journal?.flush();
    await recoverOnStart(
      this.runner,
      {
        lookup: (oid) => live.lookup(symbol, oid),
        replayFills: (since) => live.replayFills(since),
        positions: () => live.positions(),
        openOrders: () => live.openOrders(symbol),
      },
      {
        journalInFlight: this.store.journalInFlight(),
        policy: this.orphanPolicy(),
        ts: this.exchangeTime(),
        minSize: live.instrument()?.minSize ?? 0,
      },
    );
    this.afterTurn(this.o.now());
  }

  /** A position the exchange holds while the engine is flat (e.g. found by reconciliation) is adopted or closed. */
  private async protectOrphan(live: LiveVenue, held: number): Promise<void> {
    const minSize = live.instrument()?.minSize ?? 0;
    if (Math.abs(held) < minSize || (this.runner.engineOrNull?.phase ?? "flat") !== "flat") return;
    const position = netExchangePosition(await live.positions(), minSize);
    const done = this.runner.recoverPosition(position, this.orphanPolicy(), this.exchangeTime());
    if (done) this.runner.recovered(done);
    this.afterTurn(this.o.now());
  }

  private orphanPolicy(): OrphanPolicy {
    return this.store.get<VersionedConfig>("config")?.config.live.orphanPolicy ?? "adopt";
  }

  private exchangeTime(): number {
    return exchangeNow(this.runner.lastTs, this.lastEventAt, this.o.now());
  }

  /** The alarm's feed step: the watchdog, then the verdict again (a stall shows with time, not frames). */
  private checkFeed(now: number): void {
    if (!this.feed) return this.startFeed();
    this.feed.checkStale(now);
    this.judgeFeed();
  }

  private judgeFeed(): void {
    if (this.feed) this.feedHealthChanged(feedGate(this.feed.health(), this.o.symbol));
  }

  private readonly markDirty = (): void => {
    this.dirty = true;
  };

  private silentTick(now: number): void {
    const ts = silentTickAt(this.runner.lastTs, this.lastEventAt, now);
    if (ts === null) return;
    this.runner.silentTick(ts);
    this.afterTurn(now);
  }

  /** Reconciliation: the paper broker's position, or the exchange's (after the broker's REST reconciliation). */
  private async reconcile(): Promise<void> {
    let held: number | undefined;
    if (this.runner.mode !== "paper") {
      if (!this.live) throw new Error("live mode without the Bitget secrets: orders are refused");
      const refusal = await this.startLive();
      if (refusal !== null) throw new Error(refusal);
      // Entries stay held until a recovery on start gets every answer (a failed read is tried again here).
      if (this.runner.awaitingRecovery) await this.recover(this.live);
      held = await this.live.reconcile();
      await this.protectOrphan(this.live, held);
    }
    const r = this.runner.reconcile(held);
    this.o.notices?.reconcile(r, this.o.now());
    if (!r.ok) throw new Error(r.detail);
  }

  /** The feed's health to the notices, against the latest config's threshold. */
  private tellFeed(now: number): void {
    const threshold = this.store.get<VersionedConfig>("config")?.config.notifications.feedDownAfterMs;
    const h = this.feedHealth();
    if (!this.o.notices || threshold === undefined || h === null) return;
    this.o.notices.feed({ healthy: h.healthy, reason: h.reason && `${h.reason}: ${h.detail}` }, now, threshold);
  }

  private afterTurn(now: number): void {
    if (this.stopped) return;
    const applied = this.runner.applyConfigIfFlat(this.o.refusal);
    if (!applied.ok) return this.o.onFatal(applied.reason);
    const sent = this.sentThisTurn;
    this.persistAfterTurn(now);
    if (now - this.lastReportAt >= REPORT_EVERY_MS) this.reportLater(now, sent);
    if (this.store.callCount() > 0) this.drain().catch((e: unknown) => this.o.onError("coordinator calls", e));
  }

  /**
   * Writes the runner state when it changed (fills, order answers) or every {@link PERSIST_EVERY_MS},
   * but never between a decision and its request: the state is ~150 KB of JSON after an hour of BTC
   * trades (the rolling VWAP windows; 3–12 ms to build and write on the bench machine), and in a
   * Durable Object a write also holds back an outgoing request until it commits. So a due write waits:
   * - while an entry awaits the Coordinator's answer: nothing is written; the answer's turn (or the
   *   alarm) writes it. The awaited entry is not part of the stored state anyway (session.ts);
   * - in a turn that sent an order: written by {@link AgentLoopOptions.later}, after the request left.
   * The order's journal row is written behind the request too when there is a later task
   * (write-behind-journal.ts), and always before a state that knows the order. Recovery (recovery.ts)
   * rebuilds an order the stored state does not know from the journal and the exchange, and one the
   * journal lost in a crash from the exchange alone, by its clientOid (docs/order-journal.md).
   */
  private persistAfterTurn(now: number): void {
    const sent = this.sentThisTurn;
    this.sentThisTurn = false;
    if (!this.dirty && now - this.lastPersistAt < PERSIST_EVERY_MS) return;
    if (this.runner.pendingDecisions > 0) return;
    if (!sent || !this.o.later) return this.persist(now);
    if (this.persistQueued) return;
    this.persistQueued = true;
    this.o.later(() => {
      this.persistQueued = false;
      if (!this.stopped) this.persist(this.o.now());
    });
  }

  private persist(now: number): void {
    const written = this.store.transaction(() => {
      // A state that knows an order is never stored before the order's journal row: while a row
      // storage refused waits (write-behind-journal.ts), the state waits too (still dirty).
      if (this.journal?.flush() === false) return false;
      this.store.put("runner", this.runner.getState());
      this.store.put("lastEventAt", this.lastEventAt);
      return true;
    });
    if (!written) return;
    this.dirty = false;
    this.lastPersistAt = now;
  }

  /** The price report, after the request when this turn sent an order (the report's RPC is no part of its path). */
  private reportLater(now: number, sent: boolean): void {
    const report = () => this.reportPrices(now).catch((e: unknown) => this.o.onError("price report", e));
    if (sent && this.o.later) {
      this.lastReportAt = now;
      this.o.later(() => {
        if (!this.stopped) void report();
      });
    } else void report();
  }

  private async reportPrices(now: number): Promise<void> {
    if (this.reporting || this.prices.size === 0) return;
    this.reporting = true;
    this.lastReportAt = now;
    const points = this.prices.take();
    try {
      this.obey(await this.o.coordinator().reportPrices(this.o.symbol, points));
    } catch (e) {
      this.prices.putBack(points);
      throw e;
    } finally {
      this.reporting = false;
    }
  }

  private obey(answer: PriceReportAnswer): void {
    if (answer.flatten) this.flatten(answer.flattenReason ?? "flatten");
    if (answer.configVersion !== this.runner.configVersion)
      this.reloadConfig().catch((e: unknown) => this.o.onError("config reload", e));
  }

  /** Queued Coordinator updates go first: an entry is asked only once they are delivered. */
  private async requestEntry(req: EntryRequest): Promise<EntryAnswer> {
    if (this.store.callCount() > 0) {
      await this.drain().catch((e: unknown) => this.o.onError("coordinator calls", e));
      if (this.store.callCount() > 0)
        return { ok: false, reason: "calls_pending", detail: "earlier portfolio updates are not delivered yet" };
    }
    return this.o.coordinator().requestEntry(req);
  }

  /** A live-safety decision of the runner (each is counted in `runner.safety`): the operator hears of the ones that need them. */
  private onSafety(e: SafetyEvent): void {
    if (safetyNeedsOperator(e)) this.o.notices?.error("broker_error", describeSafetyEvent(e), this.o.now());
  }

  /** A live order ended without filling (outside any turn): the engine learns it now, then the turn ends. */
  private liveDone(s: OrderStatus): void {
    if (this.stopped) return;
    this.runner.onLiveOrderDone(s);
    this.afterTurn(this.o.now());
  }

  /** A live fill arrives outside any turn: it is handled, then the turn ends (persist, deliver). */
  private liveFill(f: Fill): void {
    if (this.stopped) return;
    this.runner.onLiveFill(f);
    this.afterTurn(this.o.now());
  }
}

/** `journal`, telling `onSending` each time an order is journaled as about to be sent. */
function noticeSending(journal: OrderJournal, onSending: () => void): OrderJournal {
  return {
    sending: (req) => {
      journal.sending(req);
      onSending();
    },
    status: (oid) => journal.status(oid),
    update: (oid, status, detail) => journal.update(oid, status, detail),
  };
}

/** The state as agents before the shared runner stored it (engine, broker and session under their own keys). */
function legacyState(store: AgentLoopStore): SymbolRunnerState | null {
  const broker = store.get<SymbolRunnerState["broker"]>("broker");
  if (!broker) return null;
  return {
    engine: store.get<SymbolRunnerState["engine"]>("engine"),
    broker,
    session: store.get<SymbolRunnerState["session"]>("session") ?? { version: 1, reservations: {} },
  };
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
