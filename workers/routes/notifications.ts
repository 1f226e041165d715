/**
 * Notification routes: the channels (configured or not — never their secrets), the last deliveries,
 * and "send a test message". Which events go where is the bot config's `notifications` section.
 * @module
 */
import { Hono } from "hono";
import type { AppEnv, Env } from "../env";

/** The Notifier's stub (one per account). */
export function notifierOf(env: Env) {
  return env.NOTIFIER.getByName("notifier");
}

/** Notification routes (mounted at `/api/notifications`). */
export const notificationRoutes = new Hono<AppEnv>()
  .get("/", async (c) => c.json(await notifierOf(c.env).status()))
  .post("/test", async (c) => c.json(await notifierOf(c.env).sendTest(), 202));
