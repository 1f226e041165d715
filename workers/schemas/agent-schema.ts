/**
 * What an agent shows about itself (`GET /api/symbols`, `/api/symbols/{symbol}`, start and stop), as
 * a zod schema: the contract of `shared/coordination/rpc-contracts.ts` `AgentStatus` plus the view's extra fields.
 * @module
 */
import { z } from "@hono/zod-openapi";
import { list } from "./list";
import type { AgentStatus } from "../../shared/coordination/rpc-contracts";
import { TRADE_MODES } from "../../shared/db/schema";
import { FAMILIES } from "../../shared/strategy/types";

const side = z.enum(["long", "short"]);
const familyScores = z.record(z.enum(FAMILIES), z.number()).openapi({ description: "per family, in [−1, 1]" });

const FeedHealthSchema = z.strictObject({
  healthy: z.boolean().openapi({ description: "fit to trade on: new entries wait while false" }),
  reason: z.string().nullable().openapi({ description: "why not, e.g. `stale: no market data for 5200 ms`" }),
  lastDataAgeMs: z.number().nullable(),
  connected: z.boolean(),
  lastFrameAgeMs: z.number().nullable(),
  reconnects: z.number(),
  gaps: z.number(),
  resyncs: z.number(),
  dropped: z.number(),
  lastError: z.string().nullable(),
});

const PositionSchema = z.strictObject({
  symbol: z.string(),
  side,
  size: z.number(),
  entryPrice: z.number(),
  entryTs: z.number(),
  peakPrice: z.number(),
  fees: z.number(),
  slippage: z.number(),
  realized: z.number(),
  entryScore: z.number(),
  entrySubScores: familyScores,
  configVersion: z.string(),
  stopLoss: z.number(),
  takeProfit: z.number(),
  trailingPct: z.number().optional(),
});

const GateSchema = z.strictObject({
  name: z.string(),
  status: z.enum(["pass", "fail", "unknown", "off"]),
  value: z.union([z.number(), z.string()]).nullable(),
  threshold: z.union([z.number(), z.string()]),
  rule: z.string(),
});

/** An agent's status. `error` says why it is not running when it was asked to (e.g. an unknown symbol). */
export const AgentStatusSchema = z
  .strictObject({
    symbol: z.string().nullable(),
    running: z.boolean(),
    mode: z.enum(TRADE_MODES),
    configVersion: z.string().nullable(),
    feed: FeedHealthSchema.nullable(),
    phase: z.enum(["flat", "entering", "open"]).nullable(),
    position: PositionSchema.nullable(),
    features: z
      .looseObject({ symbol: z.string(), ts: z.number(), price: z.number().nullable() })
      .nullable()
      .openapi({ description: "the latest value of every indicator family (shared/indicators/symbol-features.ts)" }),
    subScores: familyScores.nullable(),
    score: z
      .strictObject({
        long: z.number(),
        short: z.number(),
        agreeLong: z.number(),
        agreeShort: z.number(),
        regime: z.enum(["trend", "range", "mixed"]).optional(),
        longSetup: z.enum(["reversal", "continuation"]).nullable().optional(),
        shortSetup: z.enum(["reversal", "continuation"]).nullable().optional(),
      })
      .nullable()
      .openapi({ description: "the composite scores; with setups: the regime and the setup behind each side" }),
    gates: z.strictObject({ long: list(GateSchema), short: list(GateSchema) }).nullable(),
    outboxPending: z.number().openapi({ description: "closed trades not yet written to D1" }),
    entriesBlocked: z.boolean().openapi({ description: "a live reconciliation mismatch blocks new entries" }),
    entriesPaused: z.string().nullable().optional().openapi({
      description:
        "why the agent itself refuses new entries now (e.g. `feed_unhealthy: stale: no market data for 5200 ms`, `reconcile_blocked: …`); null when it may ask",
    }),
    lastAlarmAt: z.number().nullable(),
    error: z.string().nullable().optional(),
    alarmErrors: list(z.string()).optional(),
    receipts: list(z.strictObject({ ts: z.number(), receivedAt: z.number(), handledAt: z.number() })).optional(),
    account: z
      .strictObject({
        accountMode: z.string(),
        trading: z.string(),
        holdMode: z.string(),
        marginMode: z.string(),
        leverage: z.number().nullable(),
      })
      .nullable()
      .optional()
      .openapi({ description: "live or demo: the exchange account as set and verified on start; null in paper" }),
    usage: z
      .strictObject({
        since: z.number(),
        alarms: z.number(),
        watchdogCalls: z.number(),
        coordinatorCalls: z.number(),
        notifierCalls: z.number(),
        d1RowsWritten: z.number(),
        d1TradesWritten: z.number(),
        d1FillsWritten: z.number(),
      })
      .nullable()
      .optional()
      .openapi({ description: "the agent's counts of platform calls since it started (cost figures)" }),
    safety: z
      .record(z.string(), z.unknown())
      .nullable()
      .optional()
      .openapi({ description: "live safety counters since the agent started (shared/runner/safety-events.ts)" }),
    exitHalted: z.boolean().optional().openapi({ description: "exits stopped after repeated refusals" }),
    backgroundErrors: z
      .strictObject({ count: z.number(), last: z.string().nullable() })
      .optional()
      .openapi({ description: "failures of background steps since the object started, and the last one" }),
    listing: z
      .strictObject({
        state: z.enum(["unchecked", "listed", "unknown_symbol", "check_failed"]),
        reason: z.string().nullable(),
        checkedAt: z.number().nullable(),
      })
      .optional()
      .openapi({
        description:
          "whether Bitget lists the symbol as a USDT-FUTURES contract (contracts endpoint at start, the feed's 30001): `unknown_symbol` does not run and the reason names the symbol and product type; `check_failed` got no answer (not a verdict: the agent runs and asks again)",
      }),
  })
  .openapi("AgentStatus");

/**
 * An agent's status as its response schema types it. The features are a loose object (their many
 * indicator results are not spelt out), which TypeScript cannot match against the interface; the
 * response test checks every real status against the schema instead.
 */
export function statusView(status: AgentStatus): z.output<typeof AgentStatusSchema> {
  return status as unknown as z.output<typeof AgentStatusSchema>;
}
