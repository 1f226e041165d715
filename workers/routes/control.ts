/**
 * Control routes: operator halt and resume, and the kill switch (every agent exits at market,
 * entries refused until resume). Each answers the portfolio snapshot after the change.
 * @module
 */
import { Hono } from "hono";
import { z } from "zod";
import { coordinatorOf } from "../agents";
import type { AppEnv } from "../env";
import { validate } from "../validation";

/** Optional body of `POST /api/control/halt`. */
export const HaltBody = z.strictObject({ reason: z.string().trim().min(1).max(200).optional() });

/** Control routes (mounted at `/api/control`). */
export const controlRoutes = new Hono<AppEnv>()
  .post("/halt", validate("json", HaltBody), async (c) =>
    c.json(await coordinatorOf(c.env).halt(c.req.valid("json").reason ?? "halted by operator")),
  )
  .post("/resume", async (c) => c.json(await coordinatorOf(c.env).resume()))
  .post("/flatten", async (c) => c.json(await coordinatorOf(c.env).flatten()));
