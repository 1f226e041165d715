/**
 * `GET /api/portfolio`: equity, open positions, trading state and daily PnL from the Coordinator.
 * @module
 */
import { Hono } from "hono";
import { coordinatorOf } from "../../durable-objects/agent-rpc";
import type { AppEnv } from "../env";

/** Portfolio routes (mounted at `/api/portfolio`). */
export const portfolioRoutes = new Hono<AppEnv>().get("/", async (c) => c.json(await coordinatorOf(c.env).portfolio()));
