/**
 * The answers of `GET /api/stats` and `GET /api/equity` as zod schemas: the backtest's metrics
 * (shared/backtest/metrics.ts) of the window's closed trades, the daily rows, the edge figures and
 * the equity curve.
 * @module
 */
import { z } from "@hono/zod-openapi";
import { TRADE_MODES } from "../../shared/db/schema";
import { EXIT_REASONS } from "../../shared/strategy/types";
import { list } from "./list";
import { EdgeSnapshotSchema, MeanIntervalSchema } from "./portfolio-schema";

const ratio = z.number().nullable();

/** The window's totals: the backtest summary without its backtest-only fields. */
const TotalsSchema = z.strictObject({
  capital: z.number(),
  finalEquity: z.number(),
  trades: z.number(),
  winRate: ratio,
  avgWinLossRatio: ratio,
  profitFactor: ratio,
  expectancy: ratio,
  sharpeDaily: ratio,
  sharpePerTrade: ratio,
  sortino: ratio,
  maxDrawdown: z.number(),
  maxDrawdownAbs: z.number(),
  netPnl: z.number(),
  grossPnl: z.number(),
  fees: z.number(),
  feeImpact: ratio,
  avgHoldSeconds: ratio,
  exitReasons: z.record(z.enum(EXIT_REASONS), z.number()),
});

/** One UTC day of the window. */
const DaySchema = z.strictObject({
  date: z.string().openapi({ example: "2026-01-31" }),
  trades: z.number(),
  wins: z.number(),
  winRate: ratio,
  grossPnl: z.number(),
  fees: z.number(),
  netPnl: z.number(),
  profitFactor: ratio,
  startEquity: z.number(),
  endEquity: z.number(),
  return: ratio,
  maxDrawdown: z.number(),
  avgHoldSeconds: ratio,
  feeImpact: ratio,
});

const formulas = z.record(z.string(), z.string()).openapi({ description: "each figure's definition" });

/** What both answers open with: the window, whose ledger, how it is computed and the starting equity. */
const WindowAnswer = z.strictObject({
  from: z.number(),
  to: z.number(),
  mode: z.enum(TRADE_MODES).openapi({ description: "whose ledger the figures are" }),
  basis: z.string(),
  capitalBasis: z.string(),
  capital: z.number(),
});

/** `GET /api/stats`. */
export const StatsSchema = WindowAnswer.extend({
  totals: TotalsSchema,
  daily: list(DaySchema),
  edge: z.strictObject({
    byMode: list(
      z.strictObject({
        symbol: z.string(),
        mode: z.string(),
        expectancyBps: MeanIntervalSchema,
        meanNetPnl: z.number().nullable(),
        lastExit: z.number(),
      }),
    ),
    monitor: EdgeSnapshotSchema,
  }),
  formulas,
}).openapi("Stats");

/** `GET /api/equity`. */
export const EquitySchema = WindowAnswer.extend({
  finalEquity: z.number(),
  trades: z.number(),
  maxDrawdown: z.number(),
  points: list(z.strictObject({ ts: z.number(), equity: z.number(), drawdown: z.number() })),
  thinned: z.boolean(),
  formulas,
}).openapi("Equity");
