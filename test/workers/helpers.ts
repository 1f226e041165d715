/**
 * Helpers of the workers tests: authorised requests to the Worker, ledger rows, a fake agent
 * namespace that records calls (so API tests never depend on the real agent's trading behaviour), and
 * the agent's market played by hand (configs that let it enter at once, warm-up trades, feeding them).
 * @module
 */
import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import type { AgentStatus, SymbolAgentApi } from "../../shared/coordination/rpc-contracts";
import type { SymbolAgent } from "../../durable-objects/symbol-agent";
import type { NewTrade } from "../../shared/db/schema";
import type { BitgetCredentials } from "../../shared/exchange/bitget/rest-transport";
import type { TradeEvent } from "../../shared/market/events";

/** The token the workers project binds as API_TOKEN (vitest.config.ts). */
export const TOKEN = "test-token";

/** Headers with the bearer token (and JSON content type when `json`). */
export function authHeaders(json = false): Record<string, string> {
  return json
    ? { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" }
    : { Authorization: `Bearer ${TOKEN}` };
}

/** Sends an authorised request to the Worker's fetch handler; `body` is sent as JSON. */
export function api(path: string, init: { method?: string; body?: unknown } = {}): Promise<Response> {
  const hasBody = init.body !== undefined;
  return exports.default.fetch(`http://x${path}`, {
    method: init.method ?? "GET",
    headers: authHeaders(hasBody),
    body: hasBody ? JSON.stringify(init.body) : undefined,
  });
}

/** A closed trade row; `i` makes the id unique. */
export function tradeRow(i: number, over: Partial<NewTrade> = {}): NewTrade {
  const entryTime = over.exitTime !== undefined ? over.exitTime - 30_000 : 1_764_000_000_000 + i * 60_000;
  return {
    id: `t-${String(i).padStart(4, "0")}`,
    symbol: "BTCUSDT",
    mode: "paper",
    side: i % 2 === 0 ? "long" : "short",
    entryTime,
    exitTime: entryTime + 30_000,
    entryPrice: 100,
    exitPrice: 101,
    size: 1,
    entryScore: 82,
    subScores: { rsi: 0.5 },
    exitReason: "take_profit",
    holdSeconds: 30,
    grossPnl: 1,
    fees: 0.1,
    slippage: 0.01,
    netPnl: 0.9,
    configVersion: "v-test",
    ...over,
  };
}

/** An agent status as a fake agent reports it. */
export function fakeStatus(symbol: string, running: boolean): AgentStatus {
  return {
    symbol,
    running,
    mode: "paper",
    configVersion: null,
    feed: null,
    phase: null,
    position: null,
    features: null,
    subScores: null,
    score: null,
    gates: null,
    outboxPending: 0,
    entriesBlocked: false,
    lastAlarmAt: null,
  };
}

/** A fake SYMBOL_AGENT namespace: records `symbol.method` calls; symbols in `failing` throw. */
export function fakeAgents(failing: readonly string[] = []) {
  const calls: string[] = [];
  const agent = (symbol: string): SymbolAgentApi => {
    const call = async (method: string, running: boolean): Promise<AgentStatus> => {
      calls.push(`${symbol}.${method}`);
      if (failing.includes(symbol)) throw new Error(`${symbol} exploded`);
      return fakeStatus(symbol, running);
    };
    return {
      start: () => call("start", true),
      stop: () => call("stop", false),
      status: () => call("status", true),
      updateConfig: () => call("updateConfig", true),
      flatten: () => call("flatten", true),
      ensureRunning: () => call("ensureRunning", true),
    };
  };
  const namespace = { getByName: agent } as unknown as Cloudflare.Env["SYMBOL_AGENT"];
  return { calls, namespace };
}

/**
 * The test plays the agent's market by hand: the agent's public feed is closed for good and the test
 * reports it healthy in its place (an agent trades only on a feed that said it is fit). Idempotent;
 * call it again after an eviction (a restored agent starts with a fresh feed).
 */
export function playMarketByHand(runtime: {
  detachFeed(): void;
  feedHealthChanged(h: { healthy: boolean; reason: string | null }): void;
}): void {
  runtime.detachFeed();
  runtime.feedHealthChanged({ healthy: true, reason: null });
}

/** Gates wide open and market entries, so that a warmed-up engine enters at once. */
export const PERMISSIVE = {
  gates: { minScore: 0, minAgreeing: 0, minVolumeRatio: 0, minExpectedMoveFeeMultiple: 0, requireBook: false },
  execution: { entryOrder: "market" },
};

/** Live, with PERMISSIVE's open gates and a stop wide enough for the venue's moving price. */
export const PERMISSIVE_LIVE = { ...PERMISSIVE, mode: "live", exits: { stopLossPct: 2 } };

let handTrades = 0;

/** One trade of the hand-played market; ids are unique within the test file. */
export function handTrade(
  symbol: string,
  ts: number,
  price: number,
  side: "buy" | "sell" = "buy",
  size = 2,
): TradeEvent {
  return { kind: "trade", symbol, ts, price, size, side, id: `h${++handTrades}` };
}

/**
 * A calm, gently rising market ending now, one trade every 500 ms, two buys to each sell (80 trades,
 * 40 s, unless `trades` says otherwise): warms the engine's volatility and volume windows. Without
 * `endingAt` it rises from 100 (a symbol the venue does not stream); with it, it ends at about that
 * price (the venue's ticker) in steps small enough for PERMISSIVE_LIVE's stop.
 */
export function warmup(symbol: string, opts: { endingAt?: number; trades?: number } = {}): TradeEvent[] {
  const n = opts.trades ?? 80;
  const t0 = Date.now() - n * 500;
  const end = opts.endingAt;
  return Array.from({ length: n }, (_, i) => {
    const side = i % 3 ? "buy" : "sell";
    if (end === undefined) return handTrade(symbol, t0 + i * 500, 100 + (i % 7) * 0.01 + i * 0.002, side);
    return handTrade(symbol, t0 + i * 500, end * (1 + (i % 7) * 0.00002 + (i - n + 1) * 0.000005), side, 0.5);
  });
}

/** What ingestIntoRuntime drives: the agent's runtime. */
type HandPlayed = Parameters<typeof playMarketByHand>[0] & {
  ingest(events: readonly TradeEvent[]): void;
  engineStatus(): { phase: string } | null;
};

/** Where the hand-played market stopped: the engine's phase and the last trade's time. */
export interface Ingested {
  phase: string | undefined;
  lastTs: number;
}

/**
 * Feeds trades to the agent's runtime as its feed would, one at a time, with the market played by
 * hand; with `untilNotFlat`, stops after the trade that made the engine leave flat.
 */
export function ingestIntoRuntime(
  runtime: HandPlayed,
  trades: readonly TradeEvent[],
  opts: { untilNotFlat?: boolean } = {},
): Ingested {
  playMarketByHand(runtime);
  let lastTs = 0;
  for (const t of trades) {
    runtime.ingest([t]);
    lastTs = t.ts;
    if (opts.untilNotFlat && runtime.engineStatus()?.phase !== "flat") break;
  }
  return { phase: runtime.engineStatus()?.phase, lastTs };
}

/** ingestIntoRuntime inside the agent's Durable Object; throws if the agent is not running. */
export function ingestByHand(
  agent: DurableObjectStub<SymbolAgent>,
  trades: readonly TradeEvent[],
  opts: { untilNotFlat?: boolean } = {},
): Promise<Ingested> {
  return runInDurableObject(agent, (a: SymbolAgent) => {
    const runtime = a["agent"].runtime;
    if (!runtime) throw new Error("agent not running");
    return ingestIntoRuntime(runtime, trades, opts);
  });
}

/**
 * Gives a Durable Object instance the venue key as its Bitget secrets, and an agent also a public feed
 * URL the venue refuses (HTTP 404), so that it sees only the trades a test feeds it.
 */
export function withVenueKey<O extends Rpc.DurableObjectBranded>(
  stub: DurableObjectStub<O>,
  credentials: BitgetCredentials,
  opts: { refusedFeed?: boolean } = { refusedFeed: true },
): Promise<void> {
  const restUrl = (env as unknown as Record<string, string>).REST_URL;
  return runInDurableObject(stub, (instance: unknown) => {
    const own = instance as { env: Record<string, unknown> };
    own.env = {
      ...own.env,
      BITGET_API_KEY: credentials.apiKey,
      BITGET_API_SECRET: credentials.apiSecret,
      BITGET_PASSPHRASE: credentials.passphrase,
      ...(opts.refusedFeed ? { FEED_URL: `${restUrl}/no-public-feed-here` } : {}),
    };
  });
}
