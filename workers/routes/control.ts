/**
 * Control routes: operator halt and resume, and the kill switch (every agent exits at market,
 * entries refused until resume). Each answers the portfolio snapshot after the change.
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { tradingStateChanged } from "../../shared/notify/notify-event";
import { coordinatorOf } from "../../durable-objects/agent-rpc";
import type { AppEnv } from "../env";
import { errorResponses, jsonResponse } from "../schemas/error-schema";
import { FlattenAnswerSchema, PortfolioSchema } from "../schemas/portfolio-schema";
import { apiRoutes } from "../validation";
import { reportBackgroundError } from "../background-errors";
import { notifierOf } from "./notifications";

/** Optional body of `POST /api/control/halt`. */
export const HaltBody = z.strictObject({ reason: z.string().trim().min(1).max(200).optional() });

/**
 * Tells the operator about the change, after the answer and off its path: a failing Notifier is
 * logged and counted (`backgroundErrors` in `/api/portfolio`), never turned into a failed halt.
 */
function announce(c: Context<AppEnv>, state: string, reason: string): void {
  const event = tradingStateChanged({ state, reason, ts: Date.now() });
  c.executionCtx.waitUntil(
    notifierOf(c.env)
      .notify([event])
      .catch((e: unknown) => reportBackgroundError(c.env, "notify enqueue", e, { kind: event.kind })),
  );
}

const snapshot = jsonResponse("The portfolio after the change", PortfolioSchema);

const halt = createRoute({
  method: "post",
  path: "/halt",
  summary: "Operator halt: no new entries",
  security: [{ bearer: [] }],
  request: { body: { required: false, content: { "application/json": { schema: HaltBody } } } },
  responses: { 200: snapshot, ...errorResponses(400, 413, 415) },
});

const resume = createRoute({
  method: "post",
  path: "/resume",
  summary: "Lift an operator halt and the kill switch (a daily-loss halt lasts until the next UTC day)",
  security: [{ bearer: [] }],
  responses: { 200: snapshot, ...errorResponses(400, 413) },
});

const flatten = createRoute({
  method: "post",
  path: "/flatten",
  summary:
    "Kill switch: every symbol's agent exits at market, stopped ones too; in live or demo mode what the exchange still holds is closed there directly (reduce-only market). Answers once every symbol answered. Entries refused until resume",
  security: [{ bearer: [] }],
  responses: {
    200: jsonResponse("The portfolio after it, and one result per symbol", FlattenAnswerSchema),
    ...errorResponses(400, 413),
  },
});

/** Control routes (mounted at `/api/control`). */
export const controlRoutes = apiRoutes()
  .openapi(halt, async (c) => {
    const reason = c.req.valid("json").reason ?? "halted by operator";
    const snap = await coordinatorOf(c.env).halt(reason);
    announce(c, "halted", reason);
    return c.json(snap, 200);
  })
  .openapi(resume, async (c) => {
    const snap = await coordinatorOf(c.env).resume();
    announce(c, "resumed", "resumed by operator");
    return c.json(snap, 200);
  })
  .openapi(flatten, async (c) => {
    const snap = await coordinatorOf(c.env).flatten();
    announce(c, "flattening", "kill switch: every position closed at market, entries refused until resume");
    return c.json(snap, 200);
  });
