/**
 * How often a rejected exit is tried again: with a doubling wait, and never more than
 * {@link EXIT_RETRY}`.maxFailures` times in a row for one position. After that the engine stops
 * sending exits for the position ("exit halted"): the exchange-side stop-loss stays its protection,
 * the shell halts new entries for the symbol and reports it. Without this a rejected exit was re-sent
 * on every trade print: 726 rejected orders in 91 s when the exchange had already stopped the position
 * out (issue #14), which also risks the account's rate limits.
 *
 * The figures are a safety bound, not a strategy reading: 5 attempts over 1 + 2 + 4 + 8 = 15 s give a
 * transient refusal (rate limit, a 5xx, a book momentarily empty) time to clear, and cap the orders
 * one stuck position can send at 5.
 * @module
 */

/** The retry bound of a rejected exit. */
export const EXIT_RETRY = {
  /** Wait after the first failure, ms; it doubles after each further one. */
  firstDelayMs: 1_000,
  /** Longest wait between two attempts, ms. */
  maxDelayMs: 30_000,
  /** Consecutive failures after which exits are halted for the position. */
  maxFailures: 5,
} as const;

/** What a failed exit leads to: the time of the next attempt, or a halt. */
export type ExitRetry = { readonly halted: false; readonly retryAt: number } | { readonly halted: true };

/** The next step after the `failures`-th consecutive exit failure (1-based) at exchange time `ts`. */
export function nextExitRetry(failures: number, ts: number): ExitRetry {
  if (failures >= EXIT_RETRY.maxFailures) return { halted: true };
  const delay = Math.min(EXIT_RETRY.maxDelayMs, EXIT_RETRY.firstDelayMs * 2 ** Math.max(0, failures - 1));
  return { halted: false, retryAt: ts + delay };
}
