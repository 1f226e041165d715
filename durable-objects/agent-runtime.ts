/**
 * The SymbolAgent's {@link AgentLoop} (shared/runner, where the policy lives) on workerd: the public
 * feed's socket, the live broker's REST and private socket ({@link BitgetLive}, the loop's venue
 * through shared/exchange/bitget/live-venue.ts), DO SQLite, wall time, timers and `Math.random`.
 * @module
 */
import type { VersionedConfig } from "../shared/config/versioned";
import { accountTargets } from "../shared/exchange/bitget/account-setup";
import { BitgetLive } from "../shared/exchange/bitget/bitget-live";
import { liveVenue } from "../shared/exchange/bitget/live-venue";
import type { LiveWiring } from "../shared/exchange/bitget/live-wiring";
import { PublicFeed, type PublicDialect } from "../shared/exchange/bitget/public-feed";
import { AgentLoop } from "../shared/runner/agent-loop";
import type { RuntimeHooks } from "../shared/runner/agent-lifecycle";
import { WRITE_BEHIND_MS } from "../shared/runner/write-behind-delay";
import { WorkerdSocketPort } from "./agent-socket";
import type { AgentStore } from "./agent-store";

/** What a runtime needs: the life cycle's hooks and the Durable Object's storage and bindings. */
export interface AgentRuntimeOptions extends RuntimeHooks {
  readonly store: AgentStore;
  readonly feedUrl: string;
  /** Wire dialect of `feedUrl` (the `FEED_DIALECT` var); default v2. */
  readonly feedDialect?: PublicDialect;
  /** Where a live or demo config trades (null without the secrets: a live engine then has orders refused, never paper-traded). */
  readonly live: LiveWiring | null;
}

/** A running agent: its loop over the runner, feed and I/O. */
export type AgentRuntime = AgentLoop;

const timers = {
  setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
  clearTimeout: (h: unknown) => clearTimeout(h as number),
};

/** Rebuilds the runtime from storage (the stored `config` must exist). */
export function openAgentRuntime(o: AgentRuntimeOptions): AgentRuntime {
  const { store, feedUrl, feedDialect, live: wiring, ...hooks } = o;
  const socket = new WorkerdSocketPort();
  const clock = { now: () => Date.now() };
  return new AgentLoop({
    ...hooks,
    store,
    now: clock.now,
    feed: (onEvents, onHealth) =>
      new PublicFeed({
        url: feedUrl,
        dialect: feedDialect,
        symbols: [o.symbol],
        socket,
        clock,
        timers,
        random: Math.random,
        onEvents,
        onHealth,
      }),
    live: (mode, h) => {
      if (!wiring) return null;
      const live = new BitgetLive({
        symbol: o.symbol,
        endpoints: wiring.endpoints(mode),
        credentials: wiring.credentials,
        onFill: h.onFill,
        onOrderDone: h.onOrderDone,
        onBackgroundError: h.onError,
        // Leverage (the config's, which sizes entries), crossed margin and one-way mode, set and verified on start.
        targets: () => accountTargets((store.get<VersionedConfig>("config") as VersionedConfig).config.sizing.leverage),
        socket,
        clock,
        timers,
        random: Math.random,
      });
      return liveVenue(live, o.symbol);
    },
    // A timer that runs after the turn's request left: the state write stays off the order's path.
    later: (fn) => void setTimeout(fn, WRITE_BEHIND_MS),
  });
}
