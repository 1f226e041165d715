/**
 * Control routes: operator halt and resume, and the kill switch (every agent exits at market,
 * entries refused until resume). Each answers the portfolio snapshot after the change.
 * @module
 */
import { type Context, Hono } from "hono";
import { tradingStateChanged } from "../../shared/notify/notify-event";
import { z } from "zod";
import { coordinatorOf } from "../../durable-objects/agent-rpc";
import type { AppEnv } from "../env";
import { validate } from "../validation";
import { notifierOf } from "./notifications";

/** Optional body of `POST /api/control/halt`. */
export const HaltBody = z.strictObject({ reason: z.string().trim().min(1).max(200).optional() });

/**
 * Tells the operator about the change, after the answer and off its path: a failing Notifier is
 * logged, never turned into a failed halt.
 */
function announce(c: Context<AppEnv>, state: string, reason: string): void {
  const event = tradingStateChanged({ state, reason, ts: Date.now() });
  c.executionCtx.waitUntil(
    notifierOf(c.env)
      .notify([event])
      .catch((e: unknown) =>
        console.error(JSON.stringify({ event: "notify_enqueue_failed", kind: event.kind, error: String(e) })),
      ),
  );
}

/** Control routes (mounted at `/api/control`). */
export const controlRoutes = new Hono<AppEnv>()
  .post("/halt", validate("json", HaltBody), async (c) => {
    const reason = c.req.valid("json").reason ?? "halted by operator";
    const snapshot = await coordinatorOf(c.env).halt(reason);
    announce(c, "halted", reason);
    return c.json(snapshot);
  })
  .post("/resume", async (c) => {
    const snapshot = await coordinatorOf(c.env).resume();
    announce(c, "resumed", "resumed by operator");
    return c.json(snapshot);
  })
  .post("/flatten", async (c) => {
    const snapshot = await coordinatorOf(c.env).flatten();
    announce(c, "flattening", "kill switch: every position closed at market, entries refused until resume");
    return c.json(snapshot);
  });
