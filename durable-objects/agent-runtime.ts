/**
 * The SymbolAgent's wiring around its {@link SymbolRunner} (shared/runner, where the trading policy
 * lives): the public feed socket, the live broker's REST and private socket, DO SQLite (state, order
 * journal, outbox, queued Coordinator calls), the Coordinator's RPC, and wall time. Crash-only: every
 * fill, order change, close and portfolio answer is written in the turn it happens, and otherwise the
 * state is written every {@link PERSIST_EVERY_MS} of wall time; {@link AgentRuntime.open} rebuilds it.
 * @module
 */
import type { BotConfig } from "../shared/config/schema";
import { type FeedHealth, PublicFeed, type PublicDialect } from "../shared/exchange/bitget/public-feed";
import type { SocketPort } from "../shared/exchange/bitget/socket";
import type { MarketEvent } from "../shared/market/events";
import type { AgentNotices } from "../shared/notify/agent-notices";
import type { EntryAnswer, EntryRequest } from "../shared/risk/portfolio-types";
import { exchangeNow, silentTickAt } from "../shared/runner/clock";
import { SymbolRunner, type SymbolRunnerState } from "../shared/runner/symbol-runner";
import type { EngineStatus } from "../shared/strategy/engine";
import type { ExitReason } from "../shared/strategy/types";
import { drainCalls } from "./agent-calls";
import type { AccountSummary } from "../shared/exchange/bitget/bitget-account";
import type { BitgetLive } from "../shared/exchange/bitget/bitget-live";
import type { OrderStatus } from "../shared/execution/orders";
import { type LiveWiring, openLive } from "./agent-live";
import { queuedPortfolio } from "./agent-ports";
import { PriceBatch } from "../shared/runner/price-batch";
import { ReceiptRing, type Receipt } from "../shared/runner/receipt-ring";
import { WorkerdSocketPort } from "./agent-socket";
import type { AgentStore } from "./agent-store";
import type { CoordinatorApi, PriceReportAnswer, VersionedConfig } from "./contracts";

/** State is written at least this often while the market moves, ms of wall time. */
export const PERSIST_EVERY_MS = 2_000;
/** Prices are reported at most this often, ms. */
export const REPORT_EVERY_MS = 1_000;

/** What a runtime needs from the Durable Object. */
export interface AgentRuntimeOptions {
  readonly symbol: string;
  readonly store: AgentStore;
  /** A fresh Coordinator stub (a stub that threw must not be reused). */
  readonly coordinator: () => CoordinatorApi;
  readonly feedUrl: string;
  /** Wire dialect of `feedUrl` (the `FEED_DIALECT` var); default v2. */
  readonly feedDialect?: PublicDialect;
  /** Called when the agent must stop trading by itself (a refused config became due), with the reason. */
  readonly onFatal: (reason: string) => void;
  /** Whether `config` may trade (the live gate); null = yes. */
  readonly refusal: (config: BotConfig) => string | null;
  /** A background step failed (outside any RPC or alarm): the agent logs and counts it. */
  readonly onError: (what: string, error: unknown) => void;
  readonly socket?: SocketPort;
  /** Where a live or demo config trades (null without the secrets: a live engine then has orders refused, never paper-traded). */
  readonly live?: LiveWiring | null;
  /** The operator's notices (positions, feed, reconciliation); they return at once, delivery is off the trading path. */
  readonly notices?: AgentNotices | null;
}

/** One running agent's runner, feed and I/O. */
export class AgentRuntime {
  private readonly o: AgentRuntimeOptions;
  private readonly store: AgentStore;
  readonly runner: SymbolRunner;
  private readonly prices = new PriceBatch();
  private readonly receipts = new ReceiptRing();
  private readonly live: BitgetLive | null;
  /** The exchange account as last read (live and demo), null before. */
  private account: AccountSummary | null = null;
  private liveStarting: Promise<string | null> | null = null;
  private feed: PublicFeed | null = null;
  private equity: number;
  private dirty = false;
  private lastPersistAt = 0;
  private lastEventAt = 0;
  private lastReportAt = 0;
  private reporting = false;
  private draining: Promise<number> | null = null;
  private stopped = false;

  private constructor(o: AgentRuntimeOptions) {
    this.o = o;
    this.store = o.store;
    const latest = this.store.get<VersionedConfig>("config") as VersionedConfig;
    const state = this.store.get<SymbolRunnerState>("runner") ?? legacyState(this.store);
    this.equity = this.store.get<number>("equity") ?? 0;
    const mode = state?.engine?.config.config.mode ?? latest.config.mode;
    this.live =
      mode !== "paper" && o.live
        ? openLive(o.live, mode, {
            symbol: o.symbol,
            onFill: (f) => this.liveFill(f),
            onOrderDone: (s) => this.liveDone(s),
            onBackgroundError: (what, e) => o.onError(`live ${what}`, e),
            socket: o.socket,
          })
        : null;
    const live = this.live;
    this.runner = new SymbolRunner(
      {
        symbol: o.symbol,
        config: latest,
        portfolio: queuedPortfolio(this.store, (req) => this.requestEntry(req), this.markDirty),
        equity: {
          now: () => this.equity,
          onClose: (netPnl) => {
            this.equity += netPnl;
            this.store.put("equity", this.equity);
          },
        },
        live: live
          ? { orders: () => live.broker, instrument: () => live.instrument, onEvent: (e) => live.onEvent(e) }
          : null,
        journal: this.store.journal(),
        ledger: {
          trade: (row) => this.store.addOutbox("trade", row.id, row, Date.now()),
          fill: (row) => this.store.addOutbox("fill", row.id, row, Date.now()),
        },
        maxFinishedOrders: 200,
        hooks: {
          onOpened: (p) => o.notices?.opened(mode, p),
          onClosed: (t) => o.notices?.closed(mode, t),
          onChange: this.markDirty,
          onTrade: (t) => this.prices.add(t.ts, t.price),
          onAsyncStep: () => this.afterTurn(Date.now()),
          onAsyncError: (what, e) => o.onError(`order ${what}`, e),
        },
      },
      state,
    );
    // When the last event arrived (wall clock), so the exchange clock can be estimated after a restart.
    this.lastEventAt = this.store.get<number>("lastEventAt") ?? 0;
  }

  /** Rebuilds the runtime from storage (the stored `config` must exist). */
  static open(o: AgentRuntimeOptions): AgentRuntime {
    return new AgentRuntime(o);
  }

  /** Connects the public feed (idempotent) and starts the live broker. */
  startFeed(): void {
    this.feed ??= new PublicFeed({
      url: this.o.feedUrl,
      dialect: this.o.feedDialect,
      symbols: [this.o.symbol],
      socket: this.o.socket ?? new WorkerdSocketPort(),
      clock: { now: () => Date.now() },
      timers: { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as number) },
      random: Math.random,
      onEvents: (events) => this.ingest(events),
    });
    this.feed.start();
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

  private async openAccount(live: BitgetLive): Promise<string | null> {
    const started = await live.start();
    if (!started.ok) return started.reason;
    this.account = await started.account.summary(this.o.symbol);
    await this.refreshEquity();
    return null;
  }

  /** The exchange account (mode, hold mode, margin mode, leverage) as last read; null in paper mode or before. */
  accountSummary(): AccountSummary | null {
    return this.account;
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
  feedHealth(): FeedHealth | null {
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

  /** Feeds market events (the feed's handler; tests call it too). */
  ingest(events: readonly MarketEvent[]): void {
    if (this.stopped) return;
    const now = Date.now();
    this.lastEventAt = now;
    let newest = -Infinity;
    for (const e of events) {
      if (e.symbol !== this.o.symbol) continue;
      if (e.ts > newest) newest = e.ts;
      this.runner.onEvent(e);
    }
    if (newest > -Infinity) this.receipts.add(newest, now, Date.now());
    this.afterTurn(now);
  }

  /** Exits at market now and cancels a pending entry. */
  flatten(reason: ExitReason): void {
    const now = Date.now();
    this.runner.flatten(exchangeNow(this.runner.lastTs, this.lastEventAt, now), reason);
    this.afterTurn(now);
  }

  /** Fetches the Coordinator's config; stores it, and applies it now if flat. */
  async reloadConfig(): Promise<void> {
    const next = await this.o.coordinator().getConfig();
    if (next.version === this.runner.configVersion) return;
    this.runner.setConfig(next);
    this.store.put("config", next);
    this.afterTurn(Date.now());
  }

  /** Refreshes the equity that sizes entries: the exchange account's USDT equity in live and demo mode, else the Coordinator's. */
  async refreshEquity(): Promise<void> {
    const account = this.live?.account;
    if (account) return this.setEquity((await account.equity()).equity);
    if (this.live) return;
    const snap = await this.o.coordinator().portfolio();
    this.setEquity(snap.equity);
  }

  private setEquity(equity: number): void {
    if (Number.isFinite(equity)) {
      this.equity = equity;
      this.store.put("equity", equity);
    }
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
    await step("feed", () => (this.feed ? this.feed.checkStale(now) : this.startFeed()));
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
    this.draining ??= drainCalls(this.store, this.o.coordinator).finally(() => (this.draining = null));
    return this.draining;
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
      held = await this.live.reconcile();
    }
    const r = this.runner.reconcile(held);
    this.o.notices?.reconcile(r, Date.now());
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
    if (this.dirty || now - this.lastPersistAt >= PERSIST_EVERY_MS) this.persist(now);
    if (now - this.lastReportAt >= REPORT_EVERY_MS)
      this.reportPrices(now).catch((e: unknown) => this.o.onError("price report", e));
    if (this.store.callCount() > 0) this.drain().catch((e: unknown) => this.o.onError("coordinator calls", e));
  }

  private persist(now: number): void {
    this.store.transaction(() => {
      this.store.put("runner", this.runner.getState());
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

  /** A live order ended without filling (outside any turn): the engine learns it now, then the turn ends. */
  private liveDone(s: OrderStatus): void {
    if (this.stopped) return;
    this.runner.onLiveOrderDone(s);
    this.afterTurn(Date.now());
  }

  /** A live fill arrives outside any turn: it is handled, then the turn ends (persist, deliver). */
  private liveFill(f: Parameters<SymbolRunner["onLiveFill"]>[0]): void {
    if (this.stopped) return;
    this.runner.onLiveFill(f);
    this.afterTurn(Date.now());
  }
}

/** The state as agents before the shared runner stored it (engine, broker and session under their own keys). */
function legacyState(store: AgentStore): SymbolRunnerState | null {
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
