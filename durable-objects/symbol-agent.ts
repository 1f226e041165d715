/**
 * SymbolAgent: one Durable Object per symbol, addressed by `SYMBOL_AGENT.getByName(symbol)`. It holds
 * the public feed socket, the strategy engine and the broker — paper, or live with the Bitget secrets
 * and `mode: "live"` ({@link AgentRuntime}, agent-live.ts) — asks the
 * Coordinator (`COORDINATOR.getByName("portfolio")`) before every entry and reports fills, closes and
 * prices to it. Crash-only: the state is written as it changes and the constructor is the recovery
 * path (an open position keeps its stop-loss and exits after an eviction).
 *
 * One alarm, every {@link ALARM_EVERY_MS} while the agent runs (or while D1 rows or Coordinator calls
 * wait): keep-alive, stale-feed reconnect, time exits while the market is silent, reconciliation,
 * price report, Coordinator call delivery and the D1 outbox flush. It re-arms itself in `finally`,
 * whatever its steps threw.
 *
 * `stop()` stops the feed and the alarm but does not close a position: it stays persisted and is
 * managed again on the next start (call `flatten` first to exit).
 * @module
 */
import { DurableObject } from "cloudflare:workers";
/** The Worker's bindings (declared globally by workers/env.ts, so this folder imports nothing from workers/). */
type Env = Cloudflare.Env;
import { SYMBOL_PATTERN } from "../shared/config/settings";
import { parsePublicDialect } from "../shared/exchange/bitget/public-feed";
import { agentStatus, type AgentStatusView } from "../shared/runner/agent-status";
import { drainCalls } from "../shared/runner/call-queue";
import { flushOutbox } from "../shared/runner/outbox";
import { liveWiring } from "../shared/exchange/bitget/live-wiring";
import { modeRefusal } from "../shared/runner/mode-gate";
import { d1LedgerWriter } from "./agent-outbox";
import { type AgentRuntime, openAgentRuntime } from "./agent-runtime";
import { AgentStore } from "./agent-store";
import { holdsSomething, storedHolding } from "../shared/runner/stored-holding";
import type { SymbolRunnerState } from "../shared/runner/symbol-runner";
import { NotifySender } from "../shared/notify/notify-sender";
import { AgentUsage } from "../shared/runner/agent-usage";
import { AgentNotices } from "../shared/notify/agent-notices";
import type { CoordinatorApi, SymbolAgentApi, VersionedConfig } from "./contracts";

/** Alarm period, ms (the design's "at most every 5 s"). */
export const ALARM_EVERY_MS = 5_000;

/** How long `flatten` waits for the engine to be flat before answering (under the callers' 10 s RPC bound), ms. */
export const FLATTEN_WAIT_MS = 6_000;

/** What the agent persists about itself. */
interface AgentMeta {
  readonly symbol: string | null;
  /** The agent should run (set by `start`, cleared by `stop` or a refusal): the watchdog's target. */
  readonly wanted: boolean;
  readonly error: string | null;
  readonly lastAlarmAt: number | null;
  readonly alarmErrors: readonly string[];
}

/** Per-symbol agent Durable Object (SQLite-backed), implementing {@link SymbolAgentApi}. */
export class SymbolAgent extends DurableObject<Env> implements SymbolAgentApi {
  private readonly store: AgentStore;
  private meta: AgentMeta;
  private runtime: AgentRuntime | null = null;
  private starting: Promise<AgentStatusView> | null = null;
  /** Background failures (outside any RPC or alarm) since the object started: logged, counted, shown in the status. */
  private background = { count: 0, last: null as string | null };
  /** Requests served and caused, D1 rows written (agent-usage.ts; `npm run bench` reads them). */
  private readonly usage = new AgentUsage(Date.now());
  /** The operator's notices, delivered to the Notifier after the turn (never awaited by trading). */
  private readonly sender = new NotifySender({
    notifier: () => this.usage.counted(this.env.NOTIFIER.getByName("notifier"), "notifierCalls"),
    onError: (what, e) => this.backgroundError(what, e),
    defer: (fn) => setTimeout(fn, 0),
  });
  private notices: AgentNotices | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new AgentStore(ctx.storage);
    this.meta = this.store.get<AgentMeta>("meta") ?? {
      symbol: ctx.id.name ?? null,
      wanted: false,
      error: null,
      lastAlarmAt: null,
      alarmErrors: [],
    };
    if (this.meta.wanted) this.resumeGuarded();
    void ctx.blockConcurrencyWhile(() => this.arm(false));
  }

  /** RPC: loads the Coordinator's config, passes the mode gate, connects the feed and arms the alarm. */
  async start(symbol: string): Promise<AgentStatusView> {
    this.starting ??= this.open(symbol).finally(() => (this.starting = null));
    return this.starting;
  }

  /** RPC: stops the feed; flushes what it can; the alarm ends once nothing waits for D1 or the Coordinator. */
  async stop(): Promise<AgentStatusView> {
    this.saveMeta({ wanted: false, error: null });
    return this.sleep();
  }

  /** Stops the runtime, delivers what waits for the Coordinator and D1, re-arms the alarm for what is left. */
  private async sleep(): Promise<AgentStatusView> {
    this.runtime?.stop();
    this.runtime = null;
    const errors: string[] = [];
    await this.step(errors, "coordinator calls", () => drainCalls(this.store, () => this.coordinator()));
    await this.step(errors, "outbox", () =>
      flushOutbox(this.store, this.usage.countedWriter(d1LedgerWriter(this.env.DB))),
    );
    if (errors.length > 0) this.saveMeta({ alarmErrors: errors });
    await this.arm(true);
    return this.status();
  }

  /** RPC: what the agent is doing. */
  async status(): Promise<AgentStatusView> {
    const r = this.runtime;
    const config = r ? null : this.store.get<VersionedConfig>("config");
    return agentStatus({
      symbol: this.meta.symbol ?? this.ctx.id.name ?? null,
      running: r !== null,
      mode: r?.mode ?? config?.config.mode ?? "paper",
      configVersion: r?.configVersion ?? config?.version ?? null,
      feed: r?.feedHealth() ?? null,
      engine: r?.engineStatus() ?? null,
      stored: r ? null : storedHolding(this.store.get<SymbolRunnerState>("runner")),
      outboxPending: this.store.outboxCount(),
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
    });
  }

  /** RPC: the Coordinator's config changed; it is stored now and applied when the engine is flat. */
  async updateConfig(version: string): Promise<AgentStatusView> {
    if (this.runtime && version !== this.runtime.configVersion) await this.runtime.reloadConfig();
    return this.status();
  }

  /**
   * RPC: exit at market now and cancel a pending entry. A stopped agent that still holds something
   * is woken for it (and sleeps again once flat). Answers once the engine is flat, or after
   * {@link FLATTEN_WAIT_MS} with what it still holds (the caller may then close at the exchange).
   */
  async flatten(reason: "flatten" | "daily_loss_flatten"): Promise<AgentStatusView> {
    if (!this.runtime && holdsSomething(storedHolding(this.store.get<SymbolRunnerState>("runner"))))
      await this.wakeToFlatten();
    this.runtime?.flatten(reason === "daily_loss_flatten" ? "daily_loss_flatten" : "flatten");
    for (let waited = 0; waited < FLATTEN_WAIT_MS && !this.flat(); waited += 100) await sleepMs(100);
    if (this.runtime && !this.meta.wanted && this.flat()) return this.sleep();
    await this.arm(false);
    return this.status();
  }

  /** RPC, cron watchdog: starts again if the agent should run and does not; makes sure the alarm is set. */
  async ensureRunning(): Promise<AgentStatusView> {
    this.usage.add("watchdogCalls");
    if (this.meta.wanted && !this.runtime && this.meta.symbol) return this.start(this.meta.symbol);
    await this.arm(false);
    return this.status();
  }

  /** The heartbeat: every step runs whatever the others threw, and the alarm is re-armed in `finally`. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    this.usage.add("alarms");
    const errors: string[] = [];
    try {
      if (this.meta.wanted && !this.runtime && this.meta.symbol) await this.start(this.meta.symbol);
      if (this.runtime) errors.push(...(await this.runtime.onAlarm(now)));
      else await this.step(errors, "coordinator calls", () => drainCalls(this.store, () => this.coordinator()));
      // Woken only to flatten: asleep again once flat.
      if (this.runtime && !this.meta.wanted && this.flat()) await this.sleep();
      await this.step(errors, "outbox", () =>
        flushOutbox(this.store, this.usage.countedWriter(d1LedgerWriter(this.env.DB))),
      );
    } catch (e) {
      errors.push(`alarm: ${messageOf(e)}`);
    } finally {
      this.tellAlarmErrors(errors, now);
      void this.sender.flush();
      this.saveMeta({ lastAlarmAt: now, alarmErrors: errors });
      await this.arm(true);
    }
  }

  private async open(symbol: string): Promise<AgentStatusView> {
    const problem = this.symbolProblem(symbol);
    if (problem) return this.refuse(problem, this.meta.wanted);
    if (this.runtime) return this.status();
    let versioned: VersionedConfig;
    try {
      versioned = await this.coordinator().getConfig();
    } catch (e) {
      return this.refuse(`start failed: the Coordinator did not answer getConfig: ${messageOf(e)}`, this.meta.wanted);
    }
    this.store.put("config", versioned);
    const refusal = modeRefusal(versioned.config.mode, this.env);
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

  /** Runs the engine of a stopped agent just to exit (the agent stays unwanted); a refusal is logged and counted. */
  private async wakeToFlatten(): Promise<void> {
    const config = this.store.get<VersionedConfig>("config");
    const refusal = config ? modeRefusal(config.config.mode, this.env) : "no stored config";
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
    const own = this.ctx.id.name ?? this.meta.symbol;
    return own && own !== symbol ? `this agent trades ${own}, not ${symbol}` : null;
  }

  private refuse(error: string, wanted: boolean): AgentStatusView | Promise<AgentStatusView> {
    this.saveMeta({ wanted, error });
    return this.status();
  }

  private resume(): AgentRuntime | null {
    const symbol = this.meta.symbol;
    if (this.runtime || !symbol || !this.store.get<VersionedConfig>("config")) return this.runtime;
    const dialect = parsePublicDialect(this.env.FEED_DIALECT);
    if (!dialect.ok) {
      this.halt(dialect.reason);
      return null;
    }
    this.runtime = openAgentRuntime({
      symbol,
      store: this.store,
      coordinator: () => this.coordinator(),
      feedUrl: this.env.FEED_URL,
      feedDialect: dialect.dialect,
      refusal: (config) => modeRefusal(config.mode, this.env),
      onFatal: (reason) => this.halt(reason),
      onError: (what, e) => this.backgroundError(what, e),
      live: liveWiring(this.env),
      notices: this.noticesOf(symbol),
    });
    this.runtime.startFeed();
    return this.runtime;
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
    console.error(`SymbolAgent ${this.meta.symbol ?? "?"}: ${message}`);
    // A failed notification is not itself notified (it would loop); it is logged and counted above.
    if (what === "notify") return;
    const broker = what.startsWith("order ") || what.startsWith("live broker");
    this.noticesOf(this.meta.symbol)?.error(broker ? "broker_error" : "agent_error", message, Date.now());
  }

  /** The notices of this agent's symbol (made once the symbol is known). */
  private noticesOf(symbol: string | null): AgentNotices | null {
    if (!symbol) return null;
    this.notices ??= new AgentNotices({ symbol, send: this.sender.send });
    return this.notices;
  }

  /** The alarm's failed steps as agent errors; a reconciliation mismatch has its own notice (agent-runtime.ts). */
  private tellAlarmErrors(errors: readonly string[], now: number): void {
    const notices = this.noticesOf(this.meta.symbol);
    if (!notices) return;
    for (const e of errors) {
      if (e.startsWith("reconcile:") && this.runtime?.entriesBlocked) continue;
      notices.error(e.startsWith("reconcile:") ? "broker_error" : "agent_error", `alarm ${e}`, now);
    }
  }

  private halt(reason: string): void {
    this.noticesOf(this.meta.symbol)?.error("agent_error", `stopped trading: ${reason}`, Date.now());
    this.runtime?.stop();
    this.runtime = null;
    this.saveMeta({ wanted: false, error: reason });
  }

  /** Sets the alarm when there is work (`force`: even if one is set); deletes it when there is none. */
  private async arm(force: boolean): Promise<void> {
    const work =
      this.meta.wanted || this.runtime !== null || this.store.outboxCount() > 0 || this.store.callCount() > 0;
    if (!work) return this.ctx.storage.deleteAlarm();
    if (force || (await this.ctx.storage.getAlarm()) === null)
      await this.ctx.storage.setAlarm(Date.now() + ALARM_EVERY_MS);
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
    this.store.put("meta", this.meta);
  }

  private coordinator(): CoordinatorApi {
    return this.usage.counted(
      this.env.COORDINATOR.getByName("portfolio") as unknown as CoordinatorApi,
      "coordinatorCalls",
    );
  }
}

function sleepMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
