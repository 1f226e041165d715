/**
 * The portfolio snapshot (`GET /api/portfolio`, and the answer of every control route) and the edge
 * monitor in it, as zod schemas matching `shared/risk/portfolio-types.ts` `PortfolioSnapshot`.
 * @module
 */
import { z } from "@hono/zod-openapi";
import { list } from "./list";

const side = z.enum(["long", "short"]);

/** A mean with its confidence interval (shared/risk/mean-interval.ts). */
export const MeanIntervalSchema = z.strictObject({
  n: z.number(),
  mean: z.number().nullable(),
  lo: z.number().nullable(),
  hi: z.number().nullable(),
});

const SymbolEdgeSchema = z.strictObject({
  symbol: z.string(),
  expectancyBps: MeanIntervalSchema,
  meanNetPnl: z.number().nullable(),
  markoutsBps: z.record(z.string(), MeanIntervalSchema).openapi({ description: "key: horizon, ms" }),
  pendingDecisions: z.number(),
  pause: z
    .strictObject({ symbol: z.string(), until: z.number(), reason: z.literal("negative_edge"), detail: z.string() })
    .nullable(),
});

/** The live edge monitor: its settings and every symbol seen. */
export const EdgeSnapshotSchema = z
  .strictObject({
    enabled: z.boolean(),
    window: z.number(),
    minTrades: z.number(),
    confidence: z.number(),
    horizonsMs: list(z.number()),
    symbols: list(SymbolEdgeSchema),
  })
  .openapi("EdgeSnapshot");

const PositionViewSchema = z.strictObject({
  symbol: z.string(),
  side,
  entryPrice: z.number(),
  size: z.number(),
  entryFee: z.number(),
  openedTs: z.number(),
  reservationId: z.string(),
  markPrice: z.number(),
  unrealised: z.number(),
  correlation: z.number().nullable(),
  correlated: z.boolean(),
});

/** The snapshot's fields (shared by the answers that carry it). */
const portfolioFields = {
  ts: z.number().openapi({ description: "the engine clock: the latest event time seen" }),
  equity: z.number(),
  realisedEquity: z.number(),
  realisedToday: z.number(),
  unrealised: z.number(),
  dayStartEquity: z.number(),
  dailyPnl: z.number(),
  dailyPnlPct: z.number().nullable(),
  dailyLossLimit: z.number(),
  openPositions: list(PositionViewSchema),
  reservations: list(
    z.strictObject({ id: z.string(), symbol: z.string(), side, notional: z.number(), ts: z.number() }),
  ),
  tradingState: z.enum(["ACTIVE", "REDUCING", "HALTED"]),
  reason: z.string().nullable(),
  requiresFlatten: z.boolean(),
  cooldowns: list(z.strictObject({ symbol: z.string(), until: z.number() })),
  edge: EdgeSnapshotSchema,
  configError: z
    .string()
    .nullable()
    .optional()
    .openapi({ description: "why the stored config does not load (the portfolio is then halted), else null" }),
  backgroundErrors: z
    .strictObject({ count: z.number(), last: z.string().nullable(), lastAt: z.number().nullable() })
    .optional()
    .openapi({
      description:
        "background failures no request waited for (the Worker's notify enqueue, config audit D1 mirror and cron jobs; the Coordinator's notices and config pushes), each logged with its context: how many, the last (`what: message`) and when (GET /api/portfolio)",
    }),
};

/** Equity, open positions, trading state and daily PnL. */
export const PortfolioSchema = z.strictObject(portfolioFields).openapi("Portfolio");

const FlattenResultSchema = z.strictObject({
  symbol: z.string(),
  outcome: z.enum(["flat", "closed_at_exchange", "still_open", "unknown"]),
  agent: z.string().openapi({ description: "what the agent answered, in one line" }),
  exchange: z
    .union([
      z.strictObject({
        symbol: z.string(),
        heldBefore: z.number(),
        orders: list(
          z.strictObject({
            clientOid: z.string(),
            side: z.enum(["buy", "sell"]),
            size: z.number(),
            ok: z.boolean(),
            detail: z.string().nullable(),
          }),
        ),
        remaining: z.number(),
      }),
      z.strictObject({ error: z.string() }),
    ])
    .nullable()
    .openapi({
      description: "the direct close at the exchange, or why it could not be used; null in paper or when not needed",
    }),
});

/** The kill switch's answer: the portfolio after it, and one result per symbol it reached. */
export const FlattenAnswerSchema = z
  .strictObject({ ...portfolioFields, flatten: list(FlattenResultSchema) })
  .openapi("FlattenAnswer");
