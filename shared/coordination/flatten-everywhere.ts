/**
 * The kill switch's reach: every symbol's agent is asked to exit (running or stopped: a stopped agent
 * holding a position is woken for it), and in live or demo mode the exchange is then read (it is the
 * truth) and whatever it still holds — a position the agent could not close, an agent that did not
 * answer, an orphan no agent knows — is closed there directly, reduce-only at market. The answer
 * comes once every symbol answered, one result per symbol.
 * @module
 */
import type { CloseAtExchangeResult } from "../exchange/bitget/close-at-exchange";

/** What an agent answers to `flatten` (its status after it). */
export interface AgentFlattenAnswer {
  readonly running: boolean;
  /** null: the agent holds nothing and runs no engine. */
  readonly phase: "flat" | "entering" | "open" | null;
  readonly position: { readonly side: string; readonly size: number } | null;
}

/** One agent's answer, or why there is none. */
export type AgentFlattenOutcome =
  | { readonly symbol: string; readonly ok: true; readonly value: AgentFlattenAnswer }
  | { readonly symbol: string; readonly ok: false; readonly error: string };

/** The exchange, as the kill switch uses it. */
export interface ExchangeCloser {
  /** Symbols with an open position on the account. */
  heldSymbols(): Promise<string[]>;
  /** Closes `symbol` at market, reduce-only (see `closeAtExchange`). */
  close(symbol: string): Promise<CloseAtExchangeResult>;
}

/**
 * One symbol's result:
 * - `flat`: nothing held any more (the agent's exit, or nothing to do);
 * - `closed_at_exchange`: the exchange still held a position and the direct close took it to zero;
 * - `still_open`: something is still held (the result says what);
 * - `unknown`: the agent did not answer and the exchange could not be read.
 */
export interface FlattenResult {
  readonly symbol: string;
  readonly outcome: "flat" | "closed_at_exchange" | "still_open" | "unknown";
  /** What the agent answered, in one line. */
  readonly agent: string;
  /** The direct close, or why the exchange could not be used; null when it was not needed or not available (paper). */
  readonly exchange: CloseAtExchangeResult | { readonly error: string } | null;
}

/** Options of {@link flattenEverywhere}. */
export interface FlattenEverywhereOptions {
  /** Every symbol to reach (the symbol list and the portfolio's positions and reservations). */
  readonly targets: readonly string[];
  /** Asks the agents to flatten; one outcome per symbol, never throws. */
  readonly flattenAgents: (symbols: readonly string[]) => Promise<readonly AgentFlattenOutcome[]>;
  /** The exchange (live or demo with the keys), or why it cannot be used; null in paper mode. */
  readonly exchange: (() => Promise<ExchangeCloser | string>) | null;
}

/** See the module documentation. */
export async function flattenEverywhere(o: FlattenEverywhereOptions): Promise<FlattenResult[]> {
  const answers = new Map((await o.flattenAgents(o.targets)).map((a) => [a.symbol, a]));
  const exchange = o.exchange ? await reach(o.exchange) : null;
  const held = exchange !== null && typeof exchange !== "string" ? await heldOrError(exchange) : null;
  const symbols = new Set([...o.targets, ...(Array.isArray(held) ? held : [])]);
  const results: FlattenResult[] = [];
  for (const symbol of [...symbols].sort()) {
    const answer = answers.get(symbol);
    const agent = answer === undefined ? "not asked (no agent knows this position)" : describe(answer);
    if (exchange === null) {
      results.push({ symbol, outcome: paperOutcome(answer), agent, exchange: null });
      continue;
    }
    const problem = typeof exchange === "string" ? exchange : typeof held === "string" ? held : null;
    if (problem !== null) {
      results.push({
        symbol,
        outcome: answer?.ok ? paperOutcome(answer) : "unknown",
        agent,
        exchange: { error: problem },
      });
      continue;
    }
    if (!(held as string[]).includes(symbol)) {
      results.push({ symbol, outcome: "flat", agent, exchange: null });
      continue;
    }
    results.push(await closeOne(exchange as ExchangeCloser, symbol, agent));
  }
  return results;
}

async function closeOne(exchange: ExchangeCloser, symbol: string, agent: string): Promise<FlattenResult> {
  try {
    const closed = await exchange.close(symbol);
    return { symbol, outcome: closed.remaining === 0 ? "closed_at_exchange" : "still_open", agent, exchange: closed };
  } catch (e) {
    return { symbol, outcome: "still_open", agent, exchange: { error: `close failed: ${messageOf(e)}` } };
  }
}

/** Without the exchange, the agent's answer is all there is. */
function paperOutcome(answer: AgentFlattenOutcome | undefined): FlattenResult["outcome"] {
  if (answer === undefined || !answer.ok) return "unknown";
  return answer.value.phase === null || answer.value.phase === "flat" ? "flat" : "still_open";
}

function describe(a: AgentFlattenOutcome): string {
  if (!a.ok) return `no answer: ${a.error}`;
  const { phase, position, running } = a.value;
  const where = running ? "running" : "stopped";
  if (position !== null) return `${where}, still ${phase} ${position.side} ${position.size}`;
  return phase === "entering" ? `${where}, entry still pending` : `${where}, flat`;
}

async function reach(open: () => Promise<ExchangeCloser | string>): Promise<ExchangeCloser | string> {
  try {
    return await open();
  } catch (e) {
    return `the exchange account did not open: ${messageOf(e)}`;
  }
}

async function heldOrError(exchange: ExchangeCloser): Promise<string[] | string> {
  try {
    return await exchange.heldSymbols();
  } catch (e) {
    return `the exchange's positions could not be read: ${messageOf(e)}`;
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Options of {@link flattenInMode}. */
export interface FlattenInModeOptions extends Omit<FlattenEverywhereOptions, "exchange"> {
  /** The config's trading mode now (undefined while the config does not load: the agents alone are asked). */
  readonly mode: "paper" | "demo" | "live" | undefined;
  readonly reason: string;
  /** Opens the account of a trading mode for the direct close, or says why it cannot. */
  readonly exchange: (trading: "live" | "demo") => Promise<ExchangeCloser | string>;
  /** Where the run is logged: `flatten_done`, or `flatten_incomplete` when something may still be held. */
  readonly log: (event: "flatten_done" | "flatten_incomplete", fields: Record<string, unknown>) => void;
}

/** The kill switch in the config's mode: the exchange is closed through directly only in live and demo mode. */
export async function flattenInMode(o: FlattenInModeOptions): Promise<FlattenResult[]> {
  const trading = o.mode === "live" || o.mode === "demo" ? o.mode : null;
  const results = await flattenEverywhere({
    targets: o.targets,
    flattenAgents: o.flattenAgents,
    exchange: trading ? () => o.exchange(trading) : null,
  });
  const open = results.some((r) => r.outcome === "still_open" || r.outcome === "unknown");
  o.log(open ? "flatten_incomplete" : "flatten_done", { reason: o.reason, results });
  return results;
}
