/**
 * `GET /api/equity?from&to&mode&maxPoints`: the equity curve of one mode's closed trades in a window with
 * its drawdown, for the dashboard's chart. Same window and mode rules, basis and starting equity as
 * `GET /api/stats` (default: the 30 days up to now); thinned to at most `maxPoints` points.
 * @module
 */
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { EQUITY_FORMULAS, thinCurve, withDrawdown } from "../equity-curve";
import { CAPITAL_BASIS, STATS_BASIS, closedTradeCurve } from "../stats";
import { timeParam } from "../time-params";
import { validate } from "../validation";
import { ModeParam, statsWindow } from "./stats-window";

/** Default and bounds of `maxPoints`. */
export const MAX_POINTS = { default: 1000, min: 10, max: 10_000 } as const;

/** Query of `GET /api/equity`. */
export const EquityQuery = z.strictObject({
  from: timeParam().optional(),
  to: timeParam(true).optional(),
  mode: ModeParam.optional(),
  maxPoints: z.coerce.number().int().min(MAX_POINTS.min).max(MAX_POINTS.max).default(MAX_POINTS.default),
});

/** Equity routes (mounted at `/api/equity`). */
export const equityRoutes = new Hono<AppEnv>().get("/", validate("query", EquityQuery), async (c) => {
  const q = c.req.valid("query");
  const { from, to, mode, now, window } = await statsWindow(c.env, q);
  const full = withDrawdown(
    closedTradeCurve(window.rows, window.capital, from, Math.min(to, Math.max(now, from))),
    window.capital,
  );
  const deepest = full.reduce((a, p) => (p.drawdown > a.drawdown ? p : a), full[0]);
  return c.json({
    from,
    to,
    mode,
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
