/**
 * `GET /api/equity?from&to&maxPoints`: the equity curve of the closed trades in a window with its
 * drawdown, for the dashboard's chart. Same window rules, basis and starting equity as
 * `GET /api/stats` (default: the 30 days up to now); thinned to at most `maxPoints` points.
 * @module
 */
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { EQUITY_FORMULAS, thinCurve, withDrawdown } from "../equity-curve";
import { ApiError } from "../errors";
import { ledgerDb } from "../ledger";
import { startEquityOf } from "../settings";
import { CAPITAL_BASIS, MAX_STATS_TRADES, MAX_WINDOW_DAYS, STATS_BASIS, closedTradeCurve, loadWindow } from "../stats";
import { DAY_MS, timeParam } from "../time-params";
import { validate } from "../validation";
import { DEFAULT_STATS_DAYS } from "./stats";

/** Default and bounds of `maxPoints`. */
export const MAX_POINTS = { default: 1000, min: 10, max: 10_000 } as const;

/** Query of `GET /api/equity`. */
export const EquityQuery = z.strictObject({
  from: timeParam().optional(),
  to: timeParam(true).optional(),
  maxPoints: z.coerce.number().int().min(MAX_POINTS.min).max(MAX_POINTS.max).default(MAX_POINTS.default),
});

/** Equity routes (mounted at `/api/equity`). */
export const equityRoutes = new Hono<AppEnv>().get("/", validate("query", EquityQuery), async (c) => {
  const q = c.req.valid("query");
  const now = Date.now();
  const to = q.to ?? now;
  const from = q.from ?? to - DEFAULT_STATS_DAYS * DAY_MS + 1;
  if (from > to) throw new ApiError(400, "bad_request", "Invalid query parameter: from is after to", [{ path: "from", message: "must not be after to" }]);
  if (to - from > MAX_WINDOW_DAYS * DAY_MS) throw new ApiError(400, "bad_request", `Invalid query parameter: from/to span more than ${MAX_WINDOW_DAYS} days`, [{ path: "from", message: `the window may span at most ${MAX_WINDOW_DAYS} days` }]);
  const window = await loadWindow(ledgerDb(c.env.DB), startEquityOf(c.env.START_EQUITY), from, to);
  if (window === null) throw new ApiError(422, "window_too_large", `The window holds more than ${MAX_STATS_TRADES} trades; narrow from/to`);
  const full = withDrawdown(closedTradeCurve(window.rows, window.capital, from, Math.min(to, Math.max(now, from))), window.capital);
  const deepest = full.reduce((a, p) => (p.drawdown > a.drawdown ? p : a), full[0]);
  return c.json({
    from,
    to,
    basis: STATS_BASIS,
    capitalBasis: CAPITAL_BASIS,
    capital: window.capital,
    finalEquity: full[full.length - 1].equity,
    trades: window.rows.length,
    maxDrawdown: deepest.drawdown,
    points: thinCurve(full, q.maxPoints),
    thinned: full.length > q.maxPoints,
    formulas: EQUITY_FORMULAS,
  });
});
