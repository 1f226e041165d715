/**
 * The Worker's background failures (work no request waits for: a notification enqueued after the
 * answer, the config audit's D1 mirror, the cron jobs): each is logged as one JSON line with its
 * context and counted by the Coordinator, where `/api/portfolio` shows it (`backgroundErrors`).
 * @module
 */
import { coordinatorOf } from "../durable-objects/agent-rpc";
import type { Env } from "./env";

/** Logs `error` with `context` and counts it as `worker <what>`; never throws (a failed count is logged too). */
export async function reportBackgroundError(
  env: Env,
  what: string,
  error: unknown,
  context: Record<string, unknown> = {},
): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  console.error(JSON.stringify({ event: "worker_background_error", what, error: message, ...context }));
  try {
    await coordinatorOf(env).recordBackgroundError(`worker ${what}`, message);
  } catch (e) {
    // The counter itself is out of reach: the line above and this one are all an operator gets.
    console.error(JSON.stringify({ event: "worker_background_error_not_counted", what, error: String(e) }));
  }
}
