import { z } from "zod";

/**
 * How the families' readings become the composite score (../strategy/readings.ts).
 * - `setups`: each side's score is the stronger of two coherent setups the plan describes, a
 *   reversal and a continuation, each scored with the plan's family weights over its own families,
 *   and only the setups the market's regime allows (../strategy/setups.ts, ../strategy/regime.ts).
 * - `plan-v1`: the first readings, one fixed vote per family (RSI and Bollinger fade, MACD, EMA,
 *   order flow and ticks follow), kept for comparison (../strategy/sub-scores.ts).
 * @module
 */
export const ScoringConfig = z
  .strictObject({
    readings: z.enum(["setups", "plan-v1"]).default("setups"),
    /**
     * Regime by the variance ratio of 10 s to 1 s returns over 300 s (../strategy/regime.ts):
     * at or above `trendAbove` only the continuation setup may fire, at or below `rangeBelow` only
     * the reversal; in between (and while unknown) both.
     */
    regime: z
      .strictObject({
        trendAbove: z.number().positive().max(10).default(1.1),
        rangeBelow: z.number().positive().max(10).default(0.9),
      })
      .refine((r) => r.rangeBelow <= r.trendAbove, {
        message: "regime.rangeBelow must not exceed regime.trendAbove",
        path: ["rangeBelow"],
      })
      .prefault({}),
  })
  .prefault({});

/** The validated scoring section. */
export type ScoringSettings = z.output<typeof ScoringConfig>;
