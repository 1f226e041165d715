/**
 * Calls to the symbol agents as the Worker and the Coordinator make them: each bounded by a
 * timeout, a failure or a late answer becoming an {@link AgentCallError} that names the symbol and
 * the method; a call fanned out to several agents never throws and reports each symbol's outcome.
 * @module
 */

/** Default bound on one agent RPC, ms. */
export const AGENT_TIMEOUT_MS = 10_000;

/** The shell's timers (workerd's `setTimeout`). */
export interface CallTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
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

/** Runs `call` (the agent of `symbol`'s `method`); throws {@link AgentCallError} on failure or after `timeoutMs`. */
export async function boundedAgentCall<T>(
  symbol: string,
  method: string,
  call: () => Promise<T>,
  timers: CallTimers,
  timeoutMs = AGENT_TIMEOUT_MS,
): Promise<T> {
  let timer: unknown;
  const timeout = new Promise<never>((_, reject) => {
    timer = timers.setTimeout(() => reject(new AgentCallError(symbol, method, null, true)), timeoutMs);
  });
  try {
    return await Promise.race([call(), timeout]);
  } catch (err) {
    throw err instanceof AgentCallError ? err : new AgentCallError(symbol, method, err, false);
  } finally {
    timers.clearTimeout(timer);
  }
}

/** One symbol's outcome of a call fanned out to several agents. */
export type AgentOutcome<T> =
  | { readonly symbol: string; readonly ok: true; readonly value: T }
  | { readonly symbol: string; readonly ok: false; readonly error: string };

/** Runs `call` for every symbol in parallel; never throws, reports each symbol's outcome in input order. */
export async function eachAgent<T>(
  symbols: readonly string[],
  call: (symbol: string) => Promise<T>,
): Promise<AgentOutcome<T>[]> {
  const settled = await Promise.allSettled(symbols.map((s) => call(s)));
  return settled.map((r, i) =>
    r.status === "fulfilled"
      ? { symbol: symbols[i], ok: true, value: r.value }
      : { symbol: symbols[i], ok: false, error: messageOf(r.reason) },
  );
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
