/**
 * `GET /api/stats?from&to`: daily aggregates and totals of the closed trades in a window, with
 * the formula of every metric. Default window: the 30 days up to now.
 * @module
 */
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { ledgerDb } from "../ledger";
import { startEquityOf } from "../settings";
import { CAPITAL_BASIS, MAX_STATS_TRADES, MAX_WINDOW_DAYS, STATS_BASIS, loadWindow, statsFormulas, windowStats } from "../stats";
import { DAY_MS, timeParam } from "../time-params";
import { validate } from "../validation";

/** Default window length, days. */
export const DEFAULT_STATS_DAYS = 30;

/** Query of `GET /api/stats`. */
export const StatsQuery = z.strictObject({ from: timeParam().optional(), to: timeParam(true).optional() });

/** Stats routes (mounted at `/api/stats`). */
export const statsRoutes = new Hono<AppEnv>().get("/", validate("query", StatsQuery), async (c) => {
  const q = c.req.valid("query");
  const now = Date.now();
  const to = q.to ?? now;
  const from = q.from ?? to - DEFAULT_STATS_DAYS * DAY_MS + 1;
  if (from > to) throw new ApiError(400, "bad_request", "Invalid query parameter: from is after to", [{ path: "from", message: "must not be after to" }]);
  if (to - from > MAX_WINDOW_DAYS * DAY_MS) throw new ApiError(400, "bad_request", `Invalid query parameter: from/to span more than ${MAX_WINDOW_DAYS} days`, [{ path: "from", message: `the window may span at most ${MAX_WINDOW_DAYS} days` }]);
  const window = await loadWindow(ledgerDb(c.env.DB), startEquityOf(c.env.START_EQUITY), from, to);
  if (window === null) throw new ApiError(422, "window_too_large", `The window holds more than ${MAX_STATS_TRADES} trades; narrow from/to`);
  if (!(window.capital > 0)) throw new ApiError(422, "no_equity", "Equity before the window is not positive, so returns are undefined", { capital: window.capital });
  const stats = windowStats(window.rows, window.capital, from, Math.min(to, Math.max(now, from)));
  return c.json({ from, to, basis: STATS_BASIS, capitalBasis: CAPITAL_BASIS, ...stats, formulas: statsFormulas() });
});
