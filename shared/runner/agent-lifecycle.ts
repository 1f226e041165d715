/**
 * The life of one symbol's agent, whatever hosts it: whether it should run (`wanted`) and why not
 * (`error`), when to start, resume, halt and sleep, waking a stopped agent just to flatten and
 * putting it back to sleep once flat, the alarm's steps and where their failures go, and how a
 * background failure is classified for the operator. The SymbolAgent Durable Object hands it storage,
 * the alarm, the Coordinator's and the Notifier's stubs, the D1 writer and wall time; the running
 * agent itself is an {@link AgentLoop} the shell builds on request.
 *
 * Crash-only: `meta` is written as it changes and the constructor is the recovery path (a wanted
 * agent resumes; a state that cannot be rebuilt leaves it halted with the reason, never throwing).
 * @module
 */
import { SYMBOL_PATTERN } from "../config/settings";
import type { BotConfig } from "../config/schema";
import type { VersionedConfig } from "../config/versioned";
import {
  type ListingVerdict,
  listingAt,
  listingNeedsCheck,
  listingOfFeed,
  listingRefusal,
  type SymbolListing,
  UNCHECKED_LISTING,
} from "../market/symbol-listing";
import { AgentNotices } from "../notify/agent-notices";
import { type NotifierPort, NotifySender } from "../notify/notify-sender";
import type { AgentCoordinator, AgentLoop } from "./agent-loop";
import { agentStatus, type AgentStatusView, type FeedHealthReading } from "./agent-status";
import { AgentUsage } from "./agent-usage";
import { type CallQueue, drainCalls } from "./call-queue";
import { flushOutbox, type LedgerWriter, type OutboxStore } from "./outbox";
import { holdsSomething, storedHolding } from "./stored-holding";
import type { SymbolRunnerState } from "./symbol-runner";

/** Alarm period, ms (the design's "at most every 5 s"). */
export const ALARM_EVERY_MS = 5_000;

/** How long `flatten` waits for the engine to be flat before answering (under the callers' 10 s RPC bound), ms. */
export const FLATTEN_WAIT_MS = 6_000;

/** What the agent persists about itself (key `meta`). */
export interface AgentMeta {
  readonly symbol: string | null;
  /** The agent should run (set by `start`, cleared by `stop` or a refusal): the watchdog's target. */
  readonly wanted: boolean;
  readonly error: string | null;
  readonly lastAlarmAt: number | null;
  readonly alarmErrors: readonly string[];
  /** Whether the exchange lists the symbol, as last checked (absent before the first check). */
  readonly listing?: SymbolListing;
}

/** The running agent as the lifecycle drives it (an {@link AgentLoop}). */
export type LifecycleRuntime = Pick<
  AgentLoop,
  | "mode"
  | "configVersion"
  | "entriesBlocked"
  | "entryRefusal"
  | "startFeed"
  | "startLive"
  | "refreshEquity"
  | "reloadConfig"
  | "flatten"
  | "onAlarm"
  | "stop"
  | "feedHealth"
  | "engineStatus"
  | "accountSummary"
  | "recentReceipts"
> & { readonly runner: Pick<AgentLoop["runner"], "safety" | "exitHalted"> };

/** The shell's storage as the lifecycle uses it (synchronous, SQLite-backed in the Durable Object). */
export interface LifecycleStore extends CallQueue, OutboxStore {
  get<T>(key: string): T | null;
  put(key: string, value: unknown): void;
  outboxCount(): number;
}

/** The shell's one alarm. */
export interface AlarmPort {
  get(): Promise<number | null>;
  set(at: number): Promise<void>;
  delete(): Promise<void>;
}

/** Whether the exchange lists a symbol: its contracts check, and what the public feed says of it. */
export interface ListingPort {
  /** Asks the exchange; a failure to ask is `check_failed`, never `unknown_symbol`. */
  check(symbol: string): Promise<ListingVerdict>;
  /** The feed's evidence (Bitget: 30001 on the symbol's own instId), or null when it says nothing. */
  fromFeed(symbol: string, feed: FeedHealthReading): ListingVerdict | null;
}

/** What the lifecycle hands the shell's runtime factory. */
export interface RuntimeHooks {
  readonly symbol: string;
  /** The Coordinator, its calls counted. */
  readonly coordinator: () => AgentCoordinator;
  /** Whether `config` may trade (the live gate); null = yes. */
  readonly refusal: (config: BotConfig) => string | null;
  /** The agent must stop trading by itself, with the reason. */
  readonly onFatal: (reason: string) => void;
  /** A background step failed: logged, counted, told the operator. */
  readonly onError: (what: string, error: unknown) => void;
  readonly notices: AgentNotices;
}

/** What the shell gives the lifecycle. */
export interface AgentLifecycleOptions<R extends LifecycleRuntime> {
  /** The object's own name (its symbol), or null. */
  readonly name: string | null;
  readonly store: LifecycleStore;
  readonly alarm: AlarmPort;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Runs `fn` after the current turn (notifications leave after the trading turn). */
  readonly defer: (fn: () => void) => void;
  /** A fresh Coordinator stub (a stub that threw must not be reused). */
  readonly coordinator: () => AgentCoordinator;
  /** A fresh Notifier stub. */
  readonly notifier: () => NotifierPort;
  /** Writes ledger rows to D1, answering the rows D1 wrote. */
  readonly ledger: (rows: Parameters<LedgerWriter>[0]) => Promise<{ readonly rowsWritten?: number }>;
  /** Why the deployment must not trade in `mode` (shared/runner/mode-gate.ts); null = it may. */
  readonly modeRefusal: (mode: BotConfig["mode"]) => string | null;
  /** Builds the runtime from storage, or says why it cannot (e.g. a bad feed dialect). */
  readonly open: (hooks: RuntimeHooks) => R | string;
  /** Where background failures are logged. */
  readonly log: (line: string) => void;
  /** The listing check (absent: never checked, the status says `unchecked`). */
  readonly listing?: ListingPort;
}

/** One agent's life cycle (see the module). */
export class AgentLifecycle<R extends LifecycleRuntime = LifecycleRuntime> {
  /** The running agent, or null while stopped. */
  runtime: R | null = null;
  /** Requests served and caused, D1 rows written (agent-usage.ts; `npm run bench` reads them). */
  readonly usage: AgentUsage;
  private meta: AgentMeta;
  private starting: Promise<AgentStatusView> | null = null;
  /** Background failures (outside any RPC or alarm) since the object started: logged, counted, shown in the status. */
  private background = { count: 0, last: null as string | null };
  /** The operator's notices, delivered to the Notifier after the turn (never awaited by trading). */
  private readonly sender: NotifySender;
  private notices: AgentNotices | null = null;
  private readonly o: AgentLifecycleOptions<R>;

  constructor(o: AgentLifecycleOptions<R>) {
    this.o = o;
    this.usage = new AgentUsage(o.now());
    this.sender = new NotifySender({
      notifier: () => this.usage.counted(o.notifier(), "notifierCalls"),
      onError: (what, e) => this.backgroundError(what, e),
      defer: o.defer,
    });
    this.meta = o.store.get<AgentMeta>("meta") ?? {
      symbol: o.name,
      wanted: false,
      error: null,
      lastAlarmAt: null,
      alarmErrors: [],
    };
    if (this.meta.wanted) this.resumeGuarded();
  }

  /** Loads the Coordinator's config, passes the mode gate, connects the feed and arms the alarm. */
  start(symbol: string): Promise<AgentStatusView> {
    this.starting ??= this.open(symbol).finally(() => (this.starting = null));
    return this.starting;
  }

  /** Stops the feed; flushes what it can; the alarm ends once nothing waits for D1 or the Coordinator. */
  stop(): Promise<AgentStatusView> {
    this.saveMeta({ wanted: false, error: null });
    return this.sleep();
  }

  /** What the agent is doing. */
  status(): AgentStatusView {
    const r = this.runtime;
    const store = this.o.store;
    const config = r ? null : store.get<VersionedConfig>("config");
    return agentStatus({
      symbol: this.meta.symbol ?? this.o.name,
      running: r !== null,
      mode: r?.mode ?? config?.config.mode ?? "paper",
      configVersion: r?.configVersion ?? config?.version ?? null,
      feed: r?.feedHealth() ?? null,
      engine: r?.engineStatus() ?? null,
      stored: r ? null : storedHolding(store.get<SymbolRunnerState>("runner")),
      outboxPending: store.outboxCount(),
      entriesBlocked: r?.entriesBlocked ?? false,
      entriesPaused: r?.entryRefusal ?? null,
      account: r?.accountSummary() ?? null,
      lastAlarmAt: this.meta.lastAlarmAt,
      error: this.meta.error,
      alarmErrors: this.meta.alarmErrors,
      receipts: r?.recentReceipts() ?? [],
      backgroundErrors: { ...this.background },
      usage: this.usage.get(),
      safety: r ? { ...r.runner.safety } : null,
      exitHalted: r?.runner.exitHalted ?? false,
      listing: this.meta.listing,
    });
  }

  /** The Coordinator's config changed; it is stored now and applied when the engine is flat. */
  async updateConfig(version: string): Promise<AgentStatusView> {
    if (this.runtime && version !== this.runtime.configVersion) await this.runtime.reloadConfig();
    return this.status();
  }

  /**
   * Exit at market now and cancel a pending entry. A stopped agent that still holds something is
   * woken for it (and sleeps again once flat). Answers once the engine is flat, or after
   * {@link FLATTEN_WAIT_MS} with what it still holds (the caller may then close at the exchange).
   */
  async flatten(reason: "flatten" | "daily_loss_flatten"): Promise<AgentStatusView> {
    if (!this.runtime && holdsSomething(storedHolding(this.o.store.get<SymbolRunnerState>("runner"))))
      await this.wakeToFlatten();
    this.runtime?.flatten(reason === "daily_loss_flatten" ? "daily_loss_flatten" : "flatten");
    for (let waited = 0; waited < FLATTEN_WAIT_MS && !this.flat(); waited += 100) await this.o.sleep(100);
    if (this.runtime && !this.meta.wanted && this.flat()) return this.sleep();
    await this.arm(false);
    return this.status();
  }

  /** The cron watchdog: starts again if the agent should run and does not; makes sure the alarm is set. */
  async ensureRunning(): Promise<AgentStatusView> {
    this.usage.add("watchdogCalls");
    if (this.meta.wanted && !this.runtime && this.meta.symbol) return this.start(this.meta.symbol);
    await this.arm(false);
    return this.status();
  }

  /** The heartbeat: every step runs whatever the others threw, and the alarm is re-armed in `finally`. */
  async alarm(): Promise<void> {
    const now = this.o.now();
    this.usage.add("alarms");
    const errors: string[] = [];
    try {
      if (this.meta.wanted && !this.runtime && this.meta.symbol) await this.start(this.meta.symbol);
      if (this.runtime) errors.push(...(await this.runtime.onAlarm(now)));
      if (this.runtime) await this.step(errors, "listing", () => this.watchListing(now));
      else await this.step(errors, "coordinator calls", () => this.drainCalls());
      // Woken only to flatten: asleep again once flat.
      if (this.runtime && !this.meta.wanted && this.flat()) await this.sleep();
      await this.step(errors, "outbox", () => this.flushOutbox());
    } catch (e) {
      errors.push(`alarm: ${messageOf(e)}`);
    } finally {
      this.tellAlarmErrors(errors, now);
      void this.sender.flush();
      this.saveMeta({ lastAlarmAt: now, alarmErrors: errors });
      await this.arm(true);
    }
  }

  /** Sets the alarm when there is work (`force`: even if one is set); deletes it when there is none. */
  async arm(force: boolean): Promise<void> {
    const s = this.o.store;
    const work = this.meta.wanted || this.runtime !== null || s.outboxCount() > 0 || s.callCount() > 0;
    if (!work) return this.o.alarm.delete();
    if (force || (await this.o.alarm.get()) === null) await this.o.alarm.set(this.o.now() + ALARM_EVERY_MS);
  }

  /** The Coordinator, its calls counted. */
  readonly coordinator = (): AgentCoordinator => this.usage.counted(this.o.coordinator(), "coordinatorCalls");

  /** Stops the runtime, delivers what waits for the Coordinator and D1, re-arms the alarm for what is left. */
  private async sleep(): Promise<AgentStatusView> {
    this.runtime?.stop();
    this.runtime = null;
    const errors: string[] = [];
    await this.step(errors, "coordinator calls", () => this.drainCalls());
    await this.step(errors, "outbox", () => this.flushOutbox());
    if (errors.length > 0) this.saveMeta({ alarmErrors: errors });
    await this.arm(true);
    return this.status();
  }

  private async open(symbol: string): Promise<AgentStatusView> {
    const problem = this.symbolProblem(symbol);
    if (problem) return this.refuse(problem, this.meta.wanted);
    if (this.runtime) return this.status();
    // An unknown symbol never runs nor connects; a check without answer is no verdict (the alarm asks again).
    const unlisted = listingRefusal(await this.checkListing(symbol));
    if (unlisted) return this.refuse(unlisted, false);
    let versioned: VersionedConfig;
    try {
      versioned = await this.coordinator().getConfig();
    } catch (e) {
      return this.refuse(`start failed: the Coordinator did not answer getConfig: ${messageOf(e)}`, this.meta.wanted);
    }
    this.o.store.put("config", versioned);
    const refusal = this.o.modeRefusal(versioned.config.mode);
    if (refusal) return this.refuse(refusal, false);
    this.saveMeta({ symbol, wanted: true, error: null });
    const runtime = this.resume();
    await this.arm(false);
    // Live and demo: the exchange account must open (its mode detected from the key) or the start is refused with why.
    const liveRefusal = await runtime
      ?.startLive()
      .catch((e: unknown) => `${versioned.config.mode} trading not started: ${messageOf(e)}`);
    if (liveRefusal) {
      this.halt(liveRefusal);
      return this.status();
    }
    await runtime?.refreshEquity().catch((e: unknown) => this.backgroundError("equity refresh", e));
    return this.status();
  }

  /** Asks the exchange whether it lists `symbol` and keeps the answer; a check without answer is logged and counted. */
  private async checkListing(symbol: string): Promise<SymbolListing> {
    const port = this.o.listing;
    if (!port) return this.meta.listing ?? UNCHECKED_LISTING;
    const listing = listingAt(await port.check(symbol), this.o.now());
    this.saveMeta({ listing });
    if (listing.state === "check_failed") this.backgroundError("listing", listing.reason);
    return listing;
  }

  /** Running: the feed's evidence, or a check asked again after a failed one, may say the symbol is unknown; then it halts. */
  private async watchListing(now: number): Promise<void> {
    const symbol = this.meta.symbol;
    const port = this.o.listing;
    const feed = this.runtime?.feedHealth() ?? null;
    if (!port || !symbol) return;
    const current = this.meta.listing ?? UNCHECKED_LISTING;
    const fromFeed = listingOfFeed(current, feed && port.fromFeed(symbol, feed), now);
    if (fromFeed) this.saveMeta({ listing: fromFeed });
    else if (listingNeedsCheck(current, now)) await this.checkListing(symbol);
    const unlisted = listingRefusal(this.meta.listing ?? UNCHECKED_LISTING);
    if (unlisted) this.halt(unlisted);
  }

  /** Runs the engine of a stopped agent just to exit (the agent stays unwanted); a refusal is logged and counted. */
  private async wakeToFlatten(): Promise<void> {
    const config = this.o.store.get<VersionedConfig>("config");
    const refusal = config ? this.o.modeRefusal(config.config.mode) : "no stored config";
    if (refusal) return this.backgroundError("flatten of a stopped agent", refusal);
    const runtime = this.resume();
    const liveRefusal = await runtime?.startLive().catch((e: unknown) => messageOf(e));
    if (!liveRefusal) return;
    this.backgroundError("flatten of a stopped agent", liveRefusal);
    runtime?.stop();
    this.runtime = null;
  }

  /** True when the running engine holds nothing (or no engine runs). */
  private flat(): boolean {
    const phase = this.runtime?.engineStatus()?.phase;
    return phase === undefined || phase === "flat";
  }

  private symbolProblem(symbol: string): string | null {
    if (typeof symbol !== "string" || !SYMBOL_PATTERN.test(symbol))
      return `symbol ${String(symbol)} does not look like BTCUSDT`;
    const own = this.o.name ?? this.meta.symbol;
    return own && own !== symbol ? `this agent trades ${own}, not ${symbol}` : null;
  }

  private refuse(error: string, wanted: boolean): AgentStatusView {
    this.saveMeta({ wanted, error });
    return this.status();
  }

  private resume(): R | null {
    const symbol = this.meta.symbol;
    if (this.runtime || !symbol || !this.o.store.get<VersionedConfig>("config")) return this.runtime;
    const opened = this.o.open({
      symbol,
      coordinator: this.coordinator,
      refusal: (config) => this.o.modeRefusal(config.mode),
      onFatal: (reason) => this.halt(reason),
      onError: (what, e) => this.backgroundError(what, e),
      notices: this.noticesOf(symbol),
    });
    if (typeof opened === "string") {
      this.halt(opened);
      return null;
    }
    this.runtime = opened;
    opened.startFeed();
    return opened;
  }

  /**
   * The constructor's restore: a state that cannot be rebuilt must not throw out of the constructor
   * (every later call would fail the same way); the agent starts halted with the reason instead.
   */
  private resumeGuarded(): void {
    try {
      this.resume();
    } catch (e) {
      this.backgroundError("restore", e);
      this.halt(`restore failed, the agent is halted: ${messageOf(e)}`);
    }
  }

  private backgroundError(what: string, e: unknown): void {
    const message = `${what}: ${messageOf(e)}`;
    this.background = { count: this.background.count + 1, last: message };
    this.o.log(`SymbolAgent ${this.meta.symbol ?? "?"}: ${message}`);
    // A failed notification is not itself notified (it would loop); it is logged and counted above.
    if (what === "notify" || !this.meta.symbol) return;
    const broker = what.startsWith("order ") || what.startsWith("live broker");
    this.noticesOf(this.meta.symbol).error(broker ? "broker_error" : "agent_error", message, this.o.now());
  }

  /** The notices of this agent's symbol (made once the symbol is known). */
  private noticesOf(symbol: string): AgentNotices {
    this.notices ??= new AgentNotices({ symbol, send: this.sender.send });
    return this.notices;
  }

  /** The alarm's failed steps as agent errors; a reconciliation mismatch has its own notice (agent-loop.ts). */
  private tellAlarmErrors(errors: readonly string[], now: number): void {
    if (!this.meta.symbol) return;
    const notices = this.noticesOf(this.meta.symbol);
    for (const e of errors) {
      if (e.startsWith("reconcile:") && this.runtime?.entriesBlocked) continue;
      notices.error(e.startsWith("reconcile:") ? "broker_error" : "agent_error", `alarm ${e}`, now);
    }
  }

  private halt(reason: string): void {
    if (this.meta.symbol)
      this.noticesOf(this.meta.symbol).error("agent_error", `stopped trading: ${reason}`, this.o.now());
    this.runtime?.stop();
    this.runtime = null;
    this.saveMeta({ wanted: false, error: reason });
  }

  /** Only a started agent (it has its symbol) ever queued a call. */
  private async drainCalls(): Promise<number> {
    return this.meta.symbol === null ? 0 : drainCalls(this.o.store, this.coordinator, this.meta.symbol);
  }

  private flushOutbox(): Promise<number> {
    return flushOutbox(this.o.store, this.usage.countedWriter(this.o.ledger));
  }

  private async step(errors: string[], name: string, fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      errors.push(`${name}: ${messageOf(e)}`);
    }
  }

  private saveMeta(patch: Partial<AgentMeta>): void {
    this.meta = { ...this.meta, ...patch };
    this.o.store.put("meta", this.meta);
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
