/**
 * The SymbolAgent's wiring of its {@link AgentLoop} (shared/runner, where the policy lives): the
 * public feed socket, the live broker's REST and private socket, DO SQLite, the Coordinator's RPC
 * and wall time.
 * @module
 */
import type { BotConfig } from "../shared/config/schema";
import { PublicFeed, type PublicDialect } from "../shared/exchange/bitget/public-feed";
import type { SocketPort } from "../shared/exchange/bitget/socket";
import type { AgentNotices } from "../shared/notify/agent-notices";
import { AgentLoop, type AgentCoordinator } from "../shared/runner/agent-loop";
import type { VersionedConfig } from "../shared/config/versioned";
import { accountTargets } from "../shared/exchange/bitget/account-setup";
import type { LiveWiring } from "../shared/exchange/bitget/live-wiring";
import { openLive } from "./agent-live";
import { WorkerdSocketPort } from "./agent-socket";
import type { AgentStore } from "./agent-store";

/** What a runtime needs from the Durable Object. */
export interface AgentRuntimeOptions {
  readonly symbol: string;
  readonly store: AgentStore;
  /** A fresh Coordinator stub (a stub that threw must not be reused). */
  readonly coordinator: () => AgentCoordinator;
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

/** A running agent: its loop over the runner, feed and I/O. */
export type AgentRuntime = AgentLoop;

/** Rebuilds the runtime from storage (the stored `config` must exist). */
export function openAgentRuntime(o: AgentRuntimeOptions): AgentRuntime {
  const socket = o.socket ?? new WorkerdSocketPort();
  const wiring = o.live ?? null;
  return new AgentLoop({
    symbol: o.symbol,
    store: o.store,
    coordinator: o.coordinator,
    now: () => Date.now(),
    feed: (onEvents, onHealth) =>
      new PublicFeed({
        url: o.feedUrl,
        dialect: o.feedDialect,
        symbols: [o.symbol],
        socket,
        clock: { now: () => Date.now() },
        timers: { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as number) },
        random: Math.random,
        onEvents,
        onHealth,
      }),
    live: (mode, h) => {
      if (!wiring) return null;
      const b = openLive(wiring, mode, {
        symbol: o.symbol,
        onFill: h.onFill,
        onOrderDone: h.onOrderDone,
        onBackgroundError: h.onError,
        // Leverage (the config's, which sizes entries), crossed margin and one-way mode, set and verified on start.
        targets: () =>
          accountTargets((o.store.get<VersionedConfig>("config") as VersionedConfig).config.sizing.leverage),
        socket: o.socket,
      });
      return {
        start: async () => {
          const started = await b.start();
          return started.ok ? null : started.reason;
        },
        stop: () => b.stop(),
        summary: () => b.summary(),
        equity: async () => (b.account ? (await b.account.equity()).equity : null),
        reconcile: () => b.reconcile(),
        replayFills: async (since) => {
          await b.broker?.reconcile();
          if (since !== null) await b.broker?.fillsSince(o.symbol, since);
        },
        positions: async () => (b.account ? await b.account.positions(o.symbol) : []),
        orders: () => b.broker,
        lookup: (symbol, clientOid) =>
          b.broker ? b.broker.order(symbol, clientOid) : Promise.reject(new Error("the live broker is not started")),
        instrument: () => b.instrument,
        onEvent: (e) => b.onEvent(e),
      };
    },
    refusal: o.refusal,
    onFatal: o.onFatal,
    onError: o.onError,
    notices: o.notices,
    // A 0 ms timer runs after the turn's signing and fetch started: the state write stays off the order's path.
    later: (fn) => void setTimeout(fn, 0),
  });
}
