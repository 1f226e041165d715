/**
 * `GET /api/stats?from&to&mode`: daily aggregates and totals of one mode's closed trades in a window, with
 * the formula of every metric, and the bot's own edge: expectancy after fees per symbol and mode,
 * and the portfolio's live monitor (entry markouts, edge pauses). Default window: the 30 days up to now;
 * default mode: the current config's.
 * @module
 */
import { createRoute } from "@hono/zod-openapi";
import { coordinatorOf } from "../../durable-objects/agent-rpc";
import { ApiError } from "../errors";
import { errorResponses, jsonResponse } from "../schemas/error-schema";
import { StatsSchema } from "../schemas/stats-schema";
import { EDGE_FORMULAS, edgeStats, statsFormulas, windowStats } from "../stats";
import { apiRoutes } from "../validation";
import { StatsWindowQuery, statsWindow } from "./stats-window";

const getStats = createRoute({
  method: "get",
  path: "/",
  summary:
    "Daily aggregates and totals of one mode's closed trades (paper, demo and live ledgers apart) with each metric's formula (basis: closed trades; equity marked at each exit)",
  security: [{ bearer: [] }],
  request: { query: StatsWindowQuery },
  responses: {
    200: jsonResponse("The window's figures", StatsSchema),
    ...errorResponses(400, 422),
  },
});

/** Stats routes (mounted at `/api/stats`). */
export const statsRoutes = apiRoutes().openapi(getStats, async (c) => {
  const { from, end, window, header } = await statsWindow(c.env, c.req.valid("query"));
  if (!(window.capital > 0))
    throw new ApiError(422, "no_equity", "Equity before the window is not positive, so returns are undefined", {
      capital: window.capital,
    });
  const stats = windowStats(window.rows, window.capital, from, end);
  const edge = edgeStats(window.rows, (await coordinatorOf(c.env).portfolio()).edge);
  return c.json({ ...header, ...stats, edge, formulas: { ...statsFormulas(), ...EDGE_FORMULAS } }, 200);
});
