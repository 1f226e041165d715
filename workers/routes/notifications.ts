/**
 * Notification routes: the channels (configured or not — never their secrets), the last deliveries,
 * and "send a test message". Which events go where is the bot config's `notifications` section.
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import { CHANNELS } from "../../shared/notify/render";
import type { Env } from "../env";
import { errorResponses, jsonResponse } from "../schemas/error-schema";
import { list } from "../schemas/list";
import { apiRoutes } from "../validation";

/** The Notifier's stub (one per account). */
export function notifierOf(env: Env) {
  return env.NOTIFIER.getByName("notifier");
}

const channel = z.enum(CHANNELS);
const ChannelStatusSchema = z.object({ configured: z.boolean(), enabled: z.boolean(), events: list(z.string()) });

/** `GET /api/notifications` (shared/notify/notifier-status.ts); objects may gain fields. */
export const NotifierStatusSchema = z
  .object({
    channels: z.record(channel, ChannelStatusSchema),
    recent: list(
      z.object({
        id: z.string(),
        channel,
        events: z.number(),
        kinds: list(z.string()),
        status: z.enum(["sent", "retrying", "failed", "expired"]),
        attempt: z.number(),
        at: z.number(),
        detail: z.string().optional(),
      }),
    ),
    stats: z.object({
      sent: z.number(),
      failed: z.number(),
      expired: z.number(),
      dropped: z.number(),
      pending: z.number(),
    }),
    watchdog: z.object({
      at: z.number().nullable(),
      verdicts: list(
        z.object({
          symbol: z.string(),
          ok: z.boolean(),
          status: z.string(),
          detail: z.string(),
          hasPosition: z.boolean(),
        }),
      ),
    }),
  })
  .openapi("NotifierStatus");

const getStatus = createRoute({
  method: "get",
  path: "/",
  summary: "Notification channels (configured or not, never their secrets) and the last deliveries",
  security: [{ bearer: [] }],
  responses: { 200: jsonResponse("The channels and deliveries", NotifierStatusSchema), ...errorResponses() },
});

const sendTest = createRoute({
  method: "post",
  path: "/test",
  summary: "Queue a test message to every configured channel",
  security: [{ bearer: [] }],
  responses: {
    202: jsonResponse("Queued for these channels", z.strictObject({ channels: list(channel) })),
    ...errorResponses(400, 413),
  },
});

/** Notification routes (mounted at `/api/notifications`). */
export const notificationRoutes = apiRoutes()
  .openapi(getStatus, async (c) => c.json(await notifierOf(c.env).status(), 200))
  .openapi(sendTest, async (c) => c.json(await notifierOf(c.env).sendTest(), 202));
