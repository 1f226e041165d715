/**
 * Helpers of the workers tests: authorised requests to the Worker, ledger rows, and a fake agent
 * namespace that records calls (so API tests never depend on the real agent's trading behaviour).
 * @module
 */
import { exports } from "cloudflare:workers";
import type { AgentStatus, SymbolAgentApi } from "../../durable-objects/contracts";
import type { NewTrade } from "../../shared/db/schema";

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
