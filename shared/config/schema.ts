import { z } from "zod";
import { TIMEFRAMES } from "../market/bar";
import { EdgeGuardConfig } from "./edge-guard";
import { ExitScalingConfig } from "./exit-scaling";
import { NotificationsConfig, WatchdogConfig } from "./notify-schema";
import { ScoringConfig } from "./scoring";

/**
 * The bot config: one zod schema for everything the plan makes tunable. Defaults are the plan's
 * numbers (../shared/design.md §5). Percentages are written as percent (0.3 = 0.3 %), times in ms.
 * The same schema validates the API, the Durable Objects, the CLI and the backtester.
 * @module
 */

/** What a symbol the engine trades looks like: USDT-margined, e.g. `BTCUSDT` (order ids and fees assume a USDT quote). */
export const TRADABLE_SYMBOL = /^[A-Z0-9]{2,20}USDT$/;

/** One day, ms: the longest time any setting may name. */
export const MAX_CONFIG_MS = 86_400_000;
/** Most 1-second buckets a rolling window may hold (one day). */
const BUCKET_MS = 1000;
/** Most return slots the BTC correlation window may hold (memory per symbol). */
export const MAX_CORRELATION_SLOTS = 10_000;

const pct = (def: number) => z.number().min(0).max(100).default(def);
/** A duration, ms: a positive integer of at most `max` (one day by default). */
const ms = (def: number, max = MAX_CONFIG_MS) => z.number().int().positive().max(max).default(def);
/** A rolling window over the features' 1-second buckets: whole seconds, at most one day. */
const bucketWindowMs = () => z.number().int().min(BUCKET_MS).max(MAX_CONFIG_MS).multipleOf(BUCKET_MS);
const period = (def: number) => z.number().int().min(1).max(10_000).default(def);
/** MACD's EMAs need at least two bars (TA-Lib's rule). */
const macdPeriod = (def: number) => z.number().int().min(2).max(10_000).default(def);
const timeframe = z.enum(TIMEFRAMES);
const weight = (def: number) => z.number().min(0).max(1).default(def);

/**
 * Adds one issue per field of a rule that spans several fields of one section, each naming the rule,
 * so a refusal names every field the user may change to fix it. Rules never span two top-level
 * sections: each section validates on its own (see `reparseConfig`).
 */
function both(ctx: z.RefinementCtx, paths: readonly string[], message: string): void {
  for (const path of paths) ctx.addIssue({ code: "custom", path: [path], message });
}

/** Periods and windows of the nine indicator families (all on 1-second bars unless a timeframe is named). */
export const IndicatorConfig = z
  .strictObject({
    rsiPeriods: z.array(z.number().int().min(2).max(1000)).min(1).max(8).default([2, 5, 15, 30]),
    macd: z
      .strictObject({ fast: macdPeriod(3), slow: macdPeriod(7), signal: period(2) })
      .superRefine((m, ctx) => {
        if (m.fast >= m.slow) both(ctx, ["fast", "slow"], "macd.fast must be below macd.slow");
      })
      .prefault({}),
    bollinger: z
      .array(z.strictObject({ period: z.number().int().min(2).max(1000), k: z.number().positive().max(10) }))
      .min(1)
      .max(4)
      .default([
        { period: 10, k: 2 },
        { period: 20, k: 2 },
      ]),
    squeezeLookback: period(60),
    emaPairs: z
      .array(
        z
          .tuple([z.number().int().min(1).max(10_000), z.number().int().min(2).max(10_000)])
          .refine(([f, s]) => f < s, { message: "the fast EMA must be shorter than the slow one" }),
      )
      .min(1)
      .max(6)
      .default([
        [3, 7],
        [5, 15],
        [10, 30],
      ]),
    vwapWindowsMs: z.array(bucketWindowMs()).min(1).max(4).default([300_000, 900_000, 3_600_000]),
    vwapBandsPct: z.array(z.number().positive().max(50)).min(1).max(4).default([0.5, 1, 2]),
    orderFlowWindowsMs: z.array(bucketWindowMs()).min(1).max(4).default([10_000, 30_000, 60_000]),
    largeTradeMultiple: z.number().min(1).max(100).default(2),
    bookLevels: z.number().int().min(1).max(50).default(5),
    tickWindow: period(50),
    tickRateWindowMs: bucketWindowMs().default(10_000),
    tickSizeWindow: period(500),
    structureTimeframe: timeframe.default("5s"),
    swingStrength: z.number().int().min(1).max(20).default(2),
    doubleTolerancePct: pct(0.05),
    sweepTimeframe: timeframe.default("1s"),
    sweepMarginPct: pct(0.02),
    sweepWithinMs: ms(10_000),
    sweepVolumeLookback: period(30),
    sweepSurgeMultiple: z.number().min(1).max(100).default(2),
    sweepHoldMs: ms(5_000),
    divergenceTimeframe: timeframe.default("5s"),
    trendTimeframes: z.array(timeframe).max(10).default(["1m", "3m", "5m", "15m", "1h"]),
    trendEmaFast: period(9),
    trendEmaSlow: period(21),
    volumeRecentMs: ms(10_000),
    volumeBaselineMs: ms(900_000),
    /** After a silence longer than this the features start over instead of filling flat bars. */
    maxGapMs: ms(900_000),
  })
  .superRefine((s, ctx) => {
    if (s.trendEmaFast >= s.trendEmaSlow)
      both(ctx, ["trendEmaFast", "trendEmaSlow"], "trendEmaFast must be below trendEmaSlow");
  })
  .prefault({});

/** Family weights of the composite score; they are normalised by their sum when scoring. */
export const WeightsConfig = z
  .strictObject({
    rsi: weight(0.15),
    macd: weight(0.15),
    bollinger: weight(0.1),
    ema: weight(0.1),
    vwap: weight(0.1),
    orderFlow: weight(0.15),
    priceAction: weight(0.1),
    liquiditySweep: weight(0.05),
    tickMomentum: weight(0.1),
  })
  .refine((w) => Object.values(w).some((v) => v > 0), { message: "at least one weight must be positive" })
  .prefault({});

/** Entry gates: all must pass. */
export const GatesConfig = z
  .strictObject({
    minScore: z.number().min(0).max(100).default(80),
    minAgreeing: z.number().int().min(0).max(9).default(4),
    minVolumeRatio: z.number().min(0).max(1000).default(1.5),
    maxSpreadBps: z.number().positive().max(10_000).default(30),
    minExpectedMoveFeeMultiple: z.number().min(0).max(1000).default(5),
    /** Without book data the spread gate is "unknown": it fails closed unless this is false. */
    requireBook: z.boolean().default(true),
    confirmation: z
      .strictObject({
        enabled: z.boolean().default(false),
        timeframes: z.array(timeframe).max(10).default(["1m", "3m", "5m"]),
      })
      .prefault({}),
    trendFilter: z
      .strictObject({
        enabled: z.boolean().default(false),
        timeframes: z.array(timeframe).max(10).default(["15m", "1h"]),
      })
      .prefault({}),
  })
  .prefault({});

/** Exit rules. */
export const ExitsConfig = z
  .strictObject({
    takeProfitPct: pct(0.3),
    exitScoreBelow: z.number().min(0).max(100).default(60),
    stopLossPct: z.number().positive().max(100).default(0.12),
    trailingPct: pct(0.1),
    maxHoldMs: ms(600_000),
    oppositeScoreAbove: z.number().min(0).max(100).default(70),
    minHoldMs: z.number().int().min(0).max(MAX_CONFIG_MS).default(5_000),
    scaling: ExitScalingConfig,
  })
  .prefault({});

/** Position sizing. */
export const SizingConfig = z
  .strictObject({
    /** Share of equity committed as margin per trade, percent. */
    capitalFractionPct: z.number().positive().max(100).default(10),
    leverage: z.number().min(1).max(125).default(50),
    /** The stop-loss may lose at most this share of equity, percent (plan: 6 %). */
    maxLossPerTradePct: z.number().positive().max(100).default(6),
  })
  .prefault({});

/** Fees, as percent of notional (Bitget defaults: maker 0.02 %, taker 0.06 %). */
export const FeesConfig = z.strictObject({ makerPct: pct(0.02), takerPct: pct(0.06) }).prefault({});

/** How orders are placed and simulated. */
export const ExecutionConfig = z
  .strictObject({
    entryOrder: z.enum(["postOnly", "market"]).default("postOnly"),
    takeProfitOrder: z.enum(["postOnly", "market"]).default("postOnly"),
    latencyMs: z.number().int().min(0).max(10_000).default(100),
    entryTimeoutMs: ms(3_000),
    /** Trade-only data (no book): fills at the last trade ± half this spread. */
    tradeOnlySpreadBps: z.number().min(0).max(1000).default(2),
  })
  .prefault({});

/** Portfolio rules. */
export const PortfolioConfig = z
  .strictObject({
    maxPositions: z.number().int().min(1).max(100).default(10),
    dailyLossLimitPct: z.number().positive().max(100).default(15),
    flattenOnDailyLimit: z.boolean().default(false),
    maxBtcCorrelated: z.number().int().min(0).max(100).default(3),
    correlationThreshold: z.number().min(-1).max(1).default(0.7),
    correlationWindowMs: ms(900_000),
    correlationReturnMs: ms(5_000),
    btcSymbol: z
      .string()
      .regex(/^[A-Z0-9]{2,30}$/)
      .default("BTCUSDT"),
    cooldownAfterStopLosses: z.number().int().min(0).max(1000).default(3),
    cooldownMs: z.number().int().min(0).max(MAX_CONFIG_MS).default(300_000),
    edgeGuard: EdgeGuardConfig,
  })
  .superRefine((p, ctx) => {
    const fields = ["correlationWindowMs", "correlationReturnMs"];
    if (p.correlationWindowMs < 2 * p.correlationReturnMs)
      both(ctx, fields, "correlationWindowMs must hold at least two correlationReturnMs returns");
    else if (p.correlationWindowMs / p.correlationReturnMs > MAX_CORRELATION_SLOTS)
      both(ctx, fields, `correlationWindowMs may hold at most ${MAX_CORRELATION_SLOTS} correlationReturnMs returns`);
  })
  .prefault({});

/** Online weight learning (off by default). */
export const LearningConfig = z
  .strictObject({
    enabled: z.boolean().default(false),
    everyTrades: z.number().int().min(10).max(100_000).default(100),
    learningRate: z.number().positive().max(1).default(0.1),
    minWeight: z.number().min(0).max(1).default(0.02),
    maxWeight: z.number().min(0).max(1).default(0.4),
  })
  .superRefine((l, ctx) => {
    if (l.minWeight > l.maxWeight) both(ctx, ["minWeight", "maxWeight"], "minWeight must not exceed maxWeight");
  })
  .prefault({});

/** Live and demo trading on the exchange. */
export const LiveConfig = z
  .strictObject({
    /**
     * A position the engine does not know, found at the exchange on start or by reconciliation (an
     * entry that filled while the agent was evicted, a manual order): `adopt` (default) makes it the
     * engine's, managed by its exits with the stop-loss at `exits.stopLossPct` from the exchange's
     * average price; `close` closes it at market, reduce-only, into the ledger (exit reason `flatten`).
     * Never left bare either way.
     */
    orphanPolicy: z.enum(["adopt", "close"]).default("adopt"),
  })
  .prefault({});

/** The whole bot config's fields. No rule spans two of them: each validates on its own (rules inside one are {@link both}). */
const BotConfigObject = z.strictObject({
  /**
   * Paper by default. Live orders also need keys as secrets. Demo trades real order flow on Bitget's
   * demo environment (a demo API key, `paptrading: 1`, the wspap hosts) with no money at risk.
   */
  mode: z.enum(["paper", "demo", "live"]).default("paper"),
  symbols: z
    .array(z.string().regex(TRADABLE_SYMBOL, "symbols look like BTCUSDT"))
    .max(50)
    .default(["BTCUSDT", "ETHUSDT"]),
  indicators: IndicatorConfig,
  weights: WeightsConfig,
  gates: GatesConfig,
  exits: ExitsConfig,
  sizing: SizingConfig,
  fees: FeesConfig,
  execution: ExecutionConfig,
  portfolio: PortfolioConfig,
  learning: LearningConfig,
  notifications: NotificationsConfig,
  scoring: ScoringConfig,
  watchdog: WatchdogConfig,
  live: LiveConfig,
});

/** The schema of each top-level field, for validating one field on its own. */
export const BOT_CONFIG_FIELDS = BotConfigObject.shape;

/** The whole bot config. */
export const BotConfigSchema = BotConfigObject.prefault({});

/** A validated bot config with every default filled in. */
export type BotConfig = z.output<typeof BotConfigSchema>;
/** What a user may write: every field optional. */
export type BotConfigInput = z.input<typeof BotConfigSchema>;
export type IndicatorSettings = BotConfig["indicators"];
export type FamilyWeights = BotConfig["weights"];
