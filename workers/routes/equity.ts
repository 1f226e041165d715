/**
 * `GET /api/equity?from&to&mode&maxPoints`: the equity curve of one mode's closed trades in a window with
 * its drawdown, for the dashboard's chart. Same window and mode rules, basis and starting equity as
 * `GET /api/stats` (default: the 30 days up to now); thinned to at most `maxPoints` points.
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import { EQUITY_FORMULAS, thinCurve, withDrawdown } from "../equity-curve";
import { closedTradeCurve } from "../stats";
import { errorResponses, jsonResponse } from "../schemas/error-schema";
import { EquitySchema } from "../schemas/stats-schema";
import { apiRoutes } from "../validation";
import { StatsWindowQuery, statsWindow } from "./stats-window";

/** Default and bounds of `maxPoints`. */
export const MAX_POINTS = { default: 1000, min: 10, max: 10_000 } as const;

/** Query of `GET /api/equity`. */
export const EquityQuery = StatsWindowQuery.extend({
  maxPoints: z.coerce
    .number()
    .int()
    .min(MAX_POINTS.min)
    .max(MAX_POINTS.max)
    .default(MAX_POINTS.default)
    .openapi({ description: "most points returned; a longer curve keeps each run's lowest and highest equity" }),
});

const getEquity = createRoute({
  method: "get",
  path: "/",
  summary:
    "Closed-trade equity curve with each point's drawdown from the running peak (same window, basis and starting equity as /api/stats), thinned to at most maxPoints",
  security: [{ bearer: [] }],
  request: { query: EquityQuery },
  responses: { 200: jsonResponse("The curve", EquitySchema), ...errorResponses(400, 422) },
});

/** Equity routes (mounted at `/api/equity`). */
export const equityRoutes = apiRoutes().openapi(getEquity, async (c) => {
  const q = c.req.valid("query");
  const { from, end, window, header } = await statsWindow(c.env, q);
  const full = withDrawdown(closedTradeCurve(window.rows, window.capital, from, end), window.capital);
  const deepest = full.reduce((a, p) => (p.drawdown > a.drawdown ? p : a), full[0]);
  return c.json(
    {
      ...header,
      finalEquity: full[full.length - 1].equity,
      trades: window.rows.length,
      maxDrawdown: deepest.drawdown,
      points: thinCurve(full, q.maxPoints),
      thinned: full.length > q.maxPoints,
      formulas: EQUITY_FORMULAS,
    },
    200,
  );
});
