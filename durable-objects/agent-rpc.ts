/**
 * How the Worker and the Coordinator reach the Durable Objects: typed stubs, and agent calls
 * bounded by a timeout whose failures become {@link AgentCallError}s naming the symbol and method.
 * @module
 */
import type { SymbolAgentApi } from "../durable-objects/contracts";
/** The Worker's bindings (declared globally by workers/env.ts, so this folder imports nothing from workers/). */
type Env = Cloudflare.Env;

/** Name of the one Coordinator per account (`COORDINATOR.getByName`). */
export const COORDINATOR_NAME = "portfolio";

/** Default bound on one agent RPC, ms. */
export const AGENT_TIMEOUT_MS = 10_000;

/** The Coordinator's stub. */
export function coordinatorOf(env: Env) {
  return env.COORDINATOR.getByName(COORDINATOR_NAME);
}

/**
 * The agent of `symbol` as its RPC contract. A fresh stub each call (a stub that threw must not be
 * reused). The cast states that the SymbolAgent class implements {@link SymbolAgentApi}.
 */
export function agentOf(env: Pick<Env, "SYMBOL_AGENT">, symbol: string): SymbolAgentApi {
  return env.SYMBOL_AGENT.getByName(symbol) as unknown as SymbolAgentApi;
}

/** An agent RPC that threw or did not answer in time. */
export class AgentCallError extends Error {
  readonly symbol: string;
  readonly method: string;
  readonly timedOut: boolean;

  constructor(symbol: string, method: string, cause: unknown, timedOut: boolean) {
    super(
      timedOut
        ? `agent ${symbol} did not answer ${method}() in time`
        : `agent ${symbol} failed ${method}(): ${messageOf(cause)}`,
    );
    this.name = "AgentCallError";
    this.symbol = symbol;
    this.method = method;
    this.timedOut = timedOut;
  }
}

/** Calls `fn` on the agent of `symbol`; throws {@link AgentCallError} on failure or after `timeoutMs`. */
export async function callAgent<T>(
  env: Pick<Env, "SYMBOL_AGENT">,
  symbol: string,
  method: keyof SymbolAgentApi,
  fn: (agent: SymbolAgentApi) => Promise<T>,
  timeoutMs = AGENT_TIMEOUT_MS,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AgentCallError(symbol, method, null, true)), timeoutMs);
  });
  try {
    return await Promise.race([fn(agentOf(env, symbol)), timeout]);
  } catch (err) {
    throw err instanceof AgentCallError ? err : new AgentCallError(symbol, method, err, false);
  } finally {
    clearTimeout(timer);
  }
}

/** One symbol's outcome of a call fanned out to several agents. */
export type AgentOutcome<T> =
  | { readonly symbol: string; readonly ok: true; readonly value: T }
  | { readonly symbol: string; readonly ok: false; readonly error: string };

/** Calls every agent in parallel; never throws, reports each symbol's outcome in input order. */
export async function callAgents<T>(
  env: Pick<Env, "SYMBOL_AGENT">,
  symbols: readonly string[],
  method: keyof SymbolAgentApi,
  fn: (agent: SymbolAgentApi) => Promise<T>,
  timeoutMs = AGENT_TIMEOUT_MS,
): Promise<AgentOutcome<T>[]> {
  const settled = await Promise.allSettled(symbols.map((s) => callAgent(env, s, method, fn, timeoutMs)));
  return settled.map((r, i) =>
    r.status === "fulfilled"
      ? { symbol: symbols[i], ok: true, value: r.value }
      : { symbol: symbols[i], ok: false, error: messageOf(r.reason) },
  );
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
