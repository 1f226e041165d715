/**
 * The trading core of a running SymbolAgent: the public feed, the strategy engine, the broker (the
 * paper broker, or the live {@link LiveBroker} when the engine's config is live) and the
 * {@link TradingSession} that joins them to the Coordinator. Crash-only: every fill, order
 * change, close and portfolio answer is written to DO SQLite in the turn it happens (with the outbox
 * row and the queued Coordinator call), and otherwise the engine state is written every
 * {@link PERSIST_EVERY_MS} of wall time. A crash therefore loses at most that much indicator warm-up,
 * never a position, an order or a closed trade; {@link AgentRuntime.open} rebuilds everything.
 *
 * Time: the engine's and the broker's clock is the exchange time of the events. Wall time enters in
 * one place, {@link AgentRuntime.onAlarm}: when no event arrived for {@link SILENT_AFTER_MS}, they
 * are advanced to the estimated exchange time (last event time + wall time since it arrived) minus
 * `LATE_MARGIN_MS` (the margin keeps a late print inside its bar), so time exits
 * and entry timeouts still fire while the market is silent; the broker then moves on by the order
 * latency (still before `now`), so an exit decided in the silence fills against the last book at once.
 *
 * Config: a new config version is stored at once but the engine (and broker) are rebuilt with it only
 * when flat, so a position opened under one version finishes under it. Indicator state is kept when the
 * indicator settings did not change; otherwise the indicators warm up again.
 * @module
 */
import type { BotConfig } from "../shared/config/schema";
import { PublicFeed, type FeedHealth } from "../shared/exchange/bitget/public-feed";
import type { SocketPort } from "../shared/exchange/bitget/socket";
import type { Fill, OrderStatus } from "../shared/execution/orders";
import { SimulatedBroker, type SimulatedBrokerOptions } from "../shared/execution/sim-broker";
import type { SimulatedBrokerState } from "../shared/execution/sim-order";
import type { MarketEvent } from "../shared/market/events";
import type { Instrument } from "../shared/market/instrument";
import { defaultInstrument } from "../shared/market/instruments";
import type { EntryAnswer, EntryRequest } from "../shared/risk/portfolio-types";
import { StrategyEngine, type EngineOptions, type EngineStatus } from "../shared/strategy/engine";
import { TradingSession, type TradingSessionState } from "../shared/strategy/session";
import type { ClosedTrade, ExitReason } from "../shared/strategy/types";
import { drainCalls } from "./agent-calls";
import { rebuildEngine, type EngineRecord } from "./agent-engine";
import { fillRow, tradeRow } from "./agent-outbox";
import { LiveBroker, type LiveEndpoints } from "./agent-live";
import { journaledOrders, queuedPortfolio } from "./agent-ports";
import { PriceBatch } from "./agent-prices";
import { ReceiptRing, type Receipt } from "./agent-receipts";
import { WorkerdSocketPort } from "./agent-socket";
import type { AgentStore } from "./agent-store";
import type { CoordinatorApi, PriceReportAnswer, VersionedConfig } from "./contracts";

/** Engine state is written at least this often while the market moves, ms of wall time. */
export const PERSIST_EVERY_MS = 2_000;
/** The market counts as silent after this long without an event, ms. */
export const SILENT_AFTER_MS = 3_000;
/** Silent ticks stop this far behind wall time, ms. */
export const LATE_MARGIN_MS = 1_000;
/** Prices are reported at most this often, ms. */
export const REPORT_EVERY_MS = 1_000;

/** What a runtime needs from the Durable Object. */
export interface AgentRuntimeOptions {
  readonly symbol: string;
  readonly store: AgentStore;
  /** A fresh Coordinator stub (a stub that threw must not be reused). */
  readonly coordinator: () => CoordinatorApi;
  readonly feedUrl: string;
  /** Called when the agent must stop trading by itself (a refused config became due), with the reason. */
  readonly onFatal: (reason: string) => void;
  /** Whether `config` may trade (the live gate); null = yes. */
  readonly refusal: (config: BotConfig) => string | null;
  readonly socket?: SocketPort;
  /** Where a live config trades (null without the secrets: a live engine then has orders refused, never paper-traded). */
  readonly live?: LiveEndpoints | null;
}

/** One running agent's trading state and feed. */
export class AgentRuntime {
  private readonly o: AgentRuntimeOptions;
  private readonly store: AgentStore;
  private readonly session: TradingSession;
  private readonly prices = new PriceBatch();
  private readonly receipts = new ReceiptRing();
  private broker: SimulatedBroker;
  /** The live broker when the engine's config is live, else null (paper). */
  private readonly live: LiveBroker | null;
  private readonly liveMode: boolean;
  private engine: StrategyEngine | null = null;
  private engineConfig: VersionedConfig;
  private latest: VersionedConfig;
  private feed: PublicFeed | null = null;
  private equity: number;
  private dirty = false;
  private second = -1;
  private lastPersistAt = 0;
  private lastEventAt = 0;
  /** Latest exchange time seen. */
  private lastTs = 0;
  private lastReportAt = 0;
  private reporting = false;
  private draining: Promise<number> | null = null;
  private stopped = false;
  /** True while a reconciliation mismatch blocks new entries. */
  entriesBlocked = false;

  private constructor(o: AgentRuntimeOptions) {
    this.o = o;
    this.store = o.store;
    const rec = this.store.get<EngineRecord>("engine");
    this.latest = this.store.get<VersionedConfig>("config") as VersionedConfig;
    this.engineConfig = rec?.config ?? this.latest;
    this.equity = this.store.get<number>("equity") ?? 0;
    const brokerState = this.store.get<SimulatedBrokerState>("broker");
    this.broker = brokerState
      ? SimulatedBroker.restore(brokerState, this.brokerOptions())
      : new SimulatedBroker(this.brokerOptions());
    this.liveMode = this.engineConfig.config.mode === "live";
    this.live =
      this.liveMode && o.live
        ? new LiveBroker({ symbol: o.symbol, endpoints: o.live, onFill: (f) => this.liveFill(f), socket: o.socket })
        : null;
    this.session = new TradingSession(
      {
        orders: journaledOrders(
          this.store,
          () => (this.liveMode ? (this.live?.broker ?? null) : this.broker),
          () => (this.dirty = true),
        ),
        portfolio: queuedPortfolio(
          this.store,
          (req) => this.requestEntry(req),
          () => (this.dirty = true),
        ),
        hooks: { onClosed: (t) => this.onClosed(t), onAsyncStep: () => this.afterTurn(Date.now()) },
      },
      this.store.get<TradingSessionState>("session") ?? undefined,
    );
    if (rec) this.setEngine(new StrategyEngine(this.engineOptions(rec.config, rec.instrument), rec.state));
    this.lastTs = rec?.state.lastTs ?? 0;
    // When the last event arrived (wall clock), so the exchange clock can be estimated after a restart.
    this.lastEventAt = this.store.get<number>("lastEventAt") ?? 0;
  }

  /** Rebuilds the runtime from storage (the stored `config` must exist). */
  static open(o: AgentRuntimeOptions): AgentRuntime {
    return new AgentRuntime(o);
  }

  /** Connects the public feed (idempotent). */
  startFeed(): void {
    this.feed ??= new PublicFeed({
      url: this.o.feedUrl,
      symbols: [this.o.symbol],
      socket: this.o.socket ?? new WorkerdSocketPort(),
      clock: { now: () => Date.now() },
      timers: { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as number) },
      random: Math.random,
      onEvents: (events) => this.ingest(events),
    });
    this.feed.start();
    void this.live?.start().catch(() => {});
  }

  /**
   * Loads the live broker's contract rules and connects its private feed; resolves at once in paper
   * mode. A failure is retried by every alarm's reconciliation, which reports it in `alarmErrors`.
   */
  async startLive(): Promise<void> {
    await this.live?.start();
  }

  /** Closes the feed and writes the state; afterwards nothing is traded or written (late RPC answers are dropped). */
  stop(): void {
    this.feed?.stop();
    this.live?.stop();
    this.persist(Date.now());
    this.stopped = true;
  }

  /** The latest config version the agent knows. */
  get configVersion(): string {
    return this.latest.version;
  }

  /** The latest config's mode. */
  get mode(): "paper" | "demo" | "live" {
    return this.latest.config.mode;
  }

  /** Feed health, or null before the feed exists. */
  feedHealth(): FeedHealth | null {
    return this.feed?.health() ?? null;
  }

  /** The engine's view, or null before the first market event. */
  engineStatus(): EngineStatus | null {
    return this.engine?.status() ?? null;
  }

  /** When the last feed messages arrived and were handled (see {@link ReceiptRing}), oldest first. */
  recentReceipts(): Receipt[] {
    return this.receipts.list();
  }

  /** Feeds market events (the feed's handler; tests call it too). */
  ingest(events: readonly MarketEvent[]): void {
    if (this.stopped) return;
    const now = Date.now();
    this.lastEventAt = now;
    let newest = -Infinity;
    for (const e of events) {
      if (e.symbol !== this.o.symbol) continue;
      if (e.ts > newest) newest = e.ts;
      if (e.ts > this.lastTs) this.lastTs = e.ts;
      const engine = this.engineFor(e);
      this.broker.onEvent(e);
      this.live?.onEvent(e);
      if (e.kind === "trade") this.prices.add(e.ts, e.price);
      this.session.onEvent(e);
      const sec = Math.floor(e.ts / 1000);
      if (sec > this.second) {
        if (this.second >= 0 && engine) this.session.tick(e.ts);
        this.second = sec;
      }
    }
    if (newest > -Infinity) this.receipts.add(newest, now, Date.now());
    this.afterTurn(now);
  }

  /** Exits at market now and cancels a pending entry. */
  flatten(reason: ExitReason): void {
    this.session.flatten(this.exchangeNow(Date.now()), reason);
    this.afterTurn(Date.now());
  }

  /** Fetches the Coordinator's config; stores it, and applies it now if flat. */
  async reloadConfig(): Promise<void> {
    const next = await this.o.coordinator().getConfig();
    if (next.version === this.latest.version) return;
    this.latest = next;
    this.store.put("config", next);
    this.afterTurn(Date.now());
  }

  /** Refreshes the equity that sizes entries from the Coordinator. */
  async refreshEquity(): Promise<void> {
    const snap = await this.o.coordinator().portfolio();
    if (Number.isFinite(snap.equity)) {
      this.equity = snap.equity;
      this.store.put("equity", snap.equity);
    }
  }

  /**
   * The alarm's share: feed watchdog, silent-market ticks, reconciliation, price report, Coordinator
   * calls and equity. Every step runs even if an earlier one failed; the failures are returned.
   */
  async onAlarm(now: number): Promise<string[]> {
    const errors: string[] = [];
    const step = async (name: string, fn: () => unknown) => {
      try {
        await fn();
      } catch (e) {
        errors.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
      }
    };
    await step("feed", () => (this.feed ? this.feed.checkStale(now) : this.startFeed()));
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
    this.draining ??= drainCalls(this.store, this.o.coordinator).finally(() => (this.draining = null));
    return this.draining;
  }

  /**
   * The exchange clock now, estimated as the last event's exchange time plus the wall time since it
   * arrived. Live, this is about the wall clock; while the local venue replays an old recording it
   * stays on the recording's clock, so silent ticks and a flatten never jump to today's date.
   */
  private exchangeNow(now: number): number {
    if (this.lastTs <= 0 || this.lastEventAt <= 0) return now;
    return this.lastTs + Math.max(0, now - this.lastEventAt);
  }

  private silentTick(now: number): void {
    if (this.lastEventAt <= 0 || now - this.lastEventAt < SILENT_AFTER_MS || !this.engine) return;
    const ts = this.exchangeNow(now) - LATE_MARGIN_MS;
    this.broker.advance(ts);
    this.session.tick(ts);
    this.broker.advance(ts + this.engineConfig.config.execution.latencyMs);
    this.afterTurn(now);
  }

  /**
   * Reconciliation against the broker: with the engine flat, the broker must hold no position. Dust
   * below the instrument's minimum size (a partial entry fill too small to open, rounding) cannot be
   * traded and is tolerated; anything more blocks new entries until it is gone.
   */
  private reconcile(): void | Promise<void> {
    if (this.liveMode) return this.reconcileLive();
    const engine = this.engine;
    if (engine?.phase !== "flat" || this.session.pendingDecisions > 0) return;
    const held = this.broker.position(this.o.symbol);
    this.entriesBlocked = Math.abs(held) >= engine.instrument.minSize;
    if (this.entriesBlocked)
      throw new Error(`position mismatch: the broker holds ${held} while the engine is flat; entries blocked`);
  }

  /**
   * Live reconciliation: the broker's REST reconciliation (missed fills, unknown placements), then the
   * exchange's position against the engine's (flat = 0; open = its signed size), unless an entry is in
   * flight. A difference of at least the minimum size blocks new entries until a later alarm finds none.
   */
  private async reconcileLive(): Promise<void> {
    if (!this.live) throw new Error("live mode without the Bitget secrets: orders are refused");
    const held = await this.live.reconcile();
    const engine = this.engine;
    if (!engine || engine.phase === "entering" || this.session.pendingDecisions > 0) return;
    const p = engine.position;
    const expected = engine.phase === "open" && p ? (p.side === "long" ? p.size : -p.size) : 0;
    this.entriesBlocked = Math.abs(held - expected) >= engine.instrument.minSize;
    if (this.entriesBlocked)
      throw new Error(
        `position mismatch: the exchange holds ${held} ${this.o.symbol} while the engine expects ${expected}; entries blocked`,
      );
  }

  private afterTurn(now: number): void {
    if (this.stopped) return;
    this.applyConfigIfFlat();
    if (this.stopped) return;
    if (this.dirty || now - this.lastPersistAt >= PERSIST_EVERY_MS) this.persist(now);
    if (now - this.lastReportAt >= REPORT_EVERY_MS) void this.reportPrices(now).catch(() => {});
    if (this.store.callCount() > 0) void this.drain().catch(() => {});
  }

  private persist(now: number): void {
    this.store.transaction(() => {
      if (this.engine)
        this.store.put("engine", {
          config: this.engineConfig,
          instrument: this.engine.instrument,
          state: this.engine.getState(),
        } satisfies EngineRecord);
      this.store.put("broker", this.broker.getState());
      this.store.put("session", this.session.getState());
      this.store.put("lastEventAt", this.lastEventAt);
    });
    this.dirty = false;
    this.lastPersistAt = now;
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
    if (answer.configVersion !== this.latest.version) void this.reloadConfig().catch(() => {});
  }

  private applyConfigIfFlat(): void {
    if (this.latest.version === this.engineConfig.version) return;
    if ((this.engine && this.engine.phase !== "flat") || this.session.pendingDecisions > 0) return;
    const refused = this.o.refusal(this.latest.config);
    if (refused) return this.o.onFatal(refused);
    if ((this.latest.config.mode === "live") !== this.liveMode)
      return this.o.onFatal(
        `the config's mode changed to ${this.latest.config.mode}; restart the agent to trade in it`,
      );
    const old = this.engine;
    this.engineConfig = this.latest;
    this.broker = SimulatedBroker.restore(this.broker.getState(), this.brokerOptions());
    if (old) this.setEngine(rebuildEngine(old, this.engineOptions(this.engineConfig, old.instrument)));
    this.dirty = true;
  }

  private engineFor(e: MarketEvent): StrategyEngine | null {
    if (this.engine) return this.engine;
    if (this.liveMode && !this.live?.instrument) return null;
    const price = e.kind === "trade" ? e.price : e.kind === "bookTop" ? e.bidPrice : (e.bids[0]?.[0] ?? 0);
    this.setEngine(
      new StrategyEngine(
        this.engineOptions(this.engineConfig, this.live?.instrument ?? defaultInstrument(e.symbol, price)),
      ),
    );
    return this.engine;
  }

  private setEngine(engine: StrategyEngine): void {
    this.engine = engine;
    this.session.setEngine(engine);
  }

  private engineOptions(v: VersionedConfig, instrument: Instrument): EngineOptions {
    return { symbol: this.o.symbol, config: v.config, configVersion: v.version, instrument, equity: () => this.equity };
  }

  private brokerOptions(): SimulatedBrokerOptions {
    const { fees, execution } = this.engineConfig.config;
    return {
      fees,
      latencyMs: execution.latencyMs,
      entryTimeoutMs: execution.entryTimeoutMs,
      tradeOnlySpreadBps: execution.tradeOnlySpreadBps,
      maxFinishedOrders: 200,
      onFill: (f) => this.onFill(f),
      onReject: (s) => this.onDone(s),
      onCancel: (s) => this.onDone(s),
    };
  }

  private async requestEntry(req: EntryRequest): Promise<EntryAnswer> {
    if (this.entriesBlocked)
      return { ok: false, reason: "reconcile_blocked", detail: "entries blocked by a reconciliation mismatch" };
    if (this.store.callCount() > 0) {
      await this.drain().catch(() => 0);
      if (this.store.callCount() > 0)
        return { ok: false, reason: "calls_pending", detail: "earlier portfolio updates are not delivered yet" };
    }
    return this.o.coordinator().requestEntry(req);
  }

  private onFill(f: Fill): void {
    const configVersion = this.engine?.configVersion ?? this.engineConfig.version;
    const outcome = this.session.onFill(f);
    const closed = outcome?.events.find((e) => e.kind === "closed")?.trade ?? null;
    const role = outcome?.role ?? "exit";
    const row = fillRow(f, { mode: this.liveMode ? "live" : "paper", role, configVersion, closed });
    this.store.addOutbox("fill", row.id, row, Date.now());
    this.store.journalStatus(
      f.clientOid,
      f.final ? "done" : "accepted",
      f.final ? "filled" : "partially filled",
      Date.now(),
    );
    this.dirty = true;
  }

  /**
   * A live fill arrives outside any turn: it is handled, then the turn ends (persist, deliver). Fills of
   * orders the journal does not hold (placed by another client of the account) are not the engine's:
   * reconciliation sees the position they leave.
   */
  private liveFill(f: Fill): void {
    if (this.stopped || !this.store.journalEntry(f.clientOid)) return;
    this.onFill(f);
    this.afterTurn(Date.now());
  }

  private onDone(s: OrderStatus): void {
    this.store.journalStatus(s.clientOid, "done", s.reason ?? s.status, Date.now());
    this.session.onOrderDone(s, this.lastTs);
    this.dirty = true;
  }

  /**
   * A closed trade goes to the outbox, and its net PnL into the equity that sizes the next entry at
   * once (as the backtester's portfolio does); the alarm's refresh then replaces it with the
   * Coordinator's figure, which also holds the other symbols.
   */
  private onClosed(t: ClosedTrade): void {
    this.store.addOutbox("trade", t.id, tradeRow(t, this.liveMode ? "live" : "paper"), Date.now());
    if (Number.isFinite(t.netPnl)) {
      this.equity += t.netPnl;
      this.store.put("equity", this.equity);
    }
    this.dirty = true;
  }
}
