/**
 * How the Worker and the Coordinator reach the Durable Objects: typed stubs, and agent calls on
 * workerd's timers, bounded and reported as shared/coordination/agent-calls.ts says.
 * @module
 */
import {
  AGENT_TIMEOUT_MS,
  type AgentOutcome,
  boundedAgentCall,
  type CallTimers,
  eachAgent,
} from "../shared/coordination/agent-calls";
import type { SymbolAgentApi } from "../shared/coordination/rpc-contracts";

export { AGENT_TIMEOUT_MS, AgentCallError, type AgentOutcome } from "../shared/coordination/agent-calls";

/** The Worker's bindings (declared globally by workers/env.ts, so this folder imports nothing from workers/). */
type Env = Cloudflare.Env;

/** Name of the one Coordinator per account (`COORDINATOR.getByName`). */
export const COORDINATOR_NAME = "portfolio";

const timers: CallTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as number),
};

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

/** Calls `fn` on the agent of `symbol`; throws an AgentCallError on failure or after `timeoutMs`. */
export function callAgent<T>(
  env: Pick<Env, "SYMBOL_AGENT">,
  symbol: string,
  method: keyof SymbolAgentApi,
  fn: (agent: SymbolAgentApi) => Promise<T>,
  timeoutMs = AGENT_TIMEOUT_MS,
): Promise<T> {
  return boundedAgentCall(symbol, method, () => fn(agentOf(env, symbol)), timers, timeoutMs);
}

/** Calls every agent in parallel; never throws, reports each symbol's outcome in input order. */
export function callAgents<T>(
  env: Pick<Env, "SYMBOL_AGENT">,
  symbols: readonly string[],
  method: keyof SymbolAgentApi,
  fn: (agent: SymbolAgentApi) => Promise<T>,
  timeoutMs = AGENT_TIMEOUT_MS,
): Promise<AgentOutcome<T>[]> {
  return eachAgent(symbols, (s) => callAgent(env, s, method, fn, timeoutMs));
}
