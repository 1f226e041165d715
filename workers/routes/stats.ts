/**
 * `GET /api/stats?from&to&mode`: daily aggregates and totals of one mode's closed trades in a window, with
 * the formula of every metric, and the bot's own edge: expectancy after fees per symbol and mode,
 * and the portfolio's live monitor (entry markouts, edge pauses). Default window: the 30 days up to now;
 * default mode: the current config's.
 * @module
 */
import { Hono } from "hono";
import { z } from "zod";
import { coordinatorOf } from "../../durable-objects/agent-rpc";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { CAPITAL_BASIS, EDGE_FORMULAS, STATS_BASIS, edgeStats, statsFormulas, windowStats } from "../stats";
import { timeParam } from "../time-params";
import { validate } from "../validation";
import { ModeParam, statsWindow } from "./stats-window";

/** Query of `GET /api/stats`. */
export const StatsQuery = z.strictObject({
  from: timeParam().optional(),
  to: timeParam(true).optional(),
  mode: ModeParam.optional(),
});

/** Stats routes (mounted at `/api/stats`). */
export const statsRoutes = new Hono<AppEnv>().get("/", validate("query", StatsQuery), async (c) => {
  const { from, to, mode, now, window } = await statsWindow(c.env, c.req.valid("query"));
  if (!(window.capital > 0))
    throw new ApiError(422, "no_equity", "Equity before the window is not positive, so returns are undefined", {
      capital: window.capital,
    });
  const stats = windowStats(window.rows, window.capital, from, Math.min(to, Math.max(now, from)));
  const edge = edgeStats(window.rows, (await coordinatorOf(c.env).portfolio()).edge);
  return c.json({
    from,
    to,
    mode,
    basis: STATS_BASIS,
    capitalBasis: CAPITAL_BASIS,
    ...stats,
    edge,
    formulas: { ...statsFormulas(), ...EDGE_FORMULAS },
  });
});
