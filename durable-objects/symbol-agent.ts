/**
 * SymbolAgent: one Durable Object per symbol, addressed by `SYMBOL_AGENT.getByName(symbol)`. Wiring
 * only: its life cycle (start, stop, flatten, the watchdog, the alarm's steps, halts and their
 * notices) is {@link AgentLifecycle} (shared/runner/agent-lifecycle.ts), and the running agent is an
 * AgentLoop over the public feed and, in live or demo mode, the exchange (agent-runtime.ts). This
 * object gives them its SQLite storage, its alarm, the Coordinator's and the Notifier's stubs, the
 * D1 ledger, workerd's sockets and wall time. Crash-only: the constructor is the recovery path.
 * @module
 */
import { DurableObject } from "cloudflare:workers";
import { listingFromFeed } from "../shared/exchange/bitget/contract-listing";
import { parsePublicDialect } from "../shared/exchange/bitget/public-feed";
import { liveWiring } from "../shared/exchange/bitget/live-wiring";
import { AgentLifecycle } from "../shared/runner/agent-lifecycle";
import type { AgentStatusView } from "../shared/runner/agent-status";
import { modeRefusal } from "../shared/runner/mode-gate";
import { d1LedgerWriter } from "./agent-outbox";
import { type AgentRuntime, openAgentRuntime } from "./agent-runtime";
import { AGENT_PRODUCT_TYPE, checkListing } from "./agent-listing";
import { AgentStore } from "./agent-store";
import type { CoordinatorApi, SymbolAgentApi } from "../shared/coordination/rpc-contracts";

/** The Worker's bindings (declared globally by workers/env.ts, so this folder imports nothing from workers/). */
type Env = Cloudflare.Env;

/** Per-symbol agent Durable Object (SQLite-backed), implementing {@link SymbolAgentApi}. */
export class SymbolAgent extends DurableObject<Env> implements SymbolAgentApi {
  private readonly agent: AgentLifecycle<AgentRuntime>;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const store = new AgentStore(ctx.storage);
    // `this.env` is read at each use, as before the move: the bindings of the moment (tests swap them).
    this.agent = new AgentLifecycle<AgentRuntime>({
      name: ctx.id.name ?? null,
      store,
      alarm: {
        get: () => ctx.storage.getAlarm(),
        set: (at) => ctx.storage.setAlarm(at),
        delete: () => ctx.storage.deleteAlarm(),
      },
      now: () => Date.now(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      defer: (fn) => setTimeout(fn, 0),
      coordinator: () => this.env.COORDINATOR.getByName("portfolio") as unknown as CoordinatorApi,
      notifier: () => this.env.NOTIFIER.getByName("notifier"),
      ledger: (rows) => d1LedgerWriter(this.env.DB)(rows),
      modeRefusal: (mode) => modeRefusal(mode, this.env),
      open: (h) => {
        const dialect = parsePublicDialect(this.env.FEED_DIALECT);
        if (!dialect.ok) return dialect.reason;
        return openAgentRuntime({
          ...h,
          store,
          feedUrl: this.env.FEED_URL,
          feedDialect: dialect.dialect,
          live: liveWiring(this.env),
        });
      },
      log: (line) => console.error(line),
      listing: {
        check: (symbol) => checkListing(this.env, symbol),
        fromFeed: (symbol, feed) => listingFromFeed(symbol, AGENT_PRODUCT_TYPE, feed),
      },
    });
    void ctx.blockConcurrencyWhile(() => this.agent.arm(false));
  }

  /** RPC: loads the Coordinator's config, passes the mode gate, connects the feed and arms the alarm. */
  async start(symbol: string): Promise<AgentStatusView> {
    return this.agent.start(symbol);
  }

  /** RPC: stops the feed; flushes what it can; the alarm ends once nothing waits for D1 or the Coordinator. */
  async stop(): Promise<AgentStatusView> {
    return this.agent.stop();
  }

  /** RPC: what the agent is doing. */
  async status(): Promise<AgentStatusView> {
    return this.agent.status();
  }

  /** RPC: the Coordinator's config changed; it is stored now and applied when the engine is flat. */
  async updateConfig(version: string): Promise<AgentStatusView> {
    return this.agent.updateConfig(version);
  }

  /** RPC: exit at market now (a stopped agent holding something is woken for it); answers once flat or after a bound. */
  async flatten(reason: "flatten" | "daily_loss_flatten"): Promise<AgentStatusView> {
    return this.agent.flatten(reason);
  }

  /** RPC, cron watchdog: starts again if the agent should run and does not; makes sure the alarm is set. */
  async ensureRunning(): Promise<AgentStatusView> {
    return this.agent.ensureRunning();
  }

  /** The heartbeat (every 5 s while there is work); its steps and where their errors go are the life cycle's. */
  override async alarm(): Promise<void> {
    return this.agent.alarm();
  }
}
