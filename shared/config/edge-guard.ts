import { z } from "zod";

/**
 * The edge guard (issue 12.7): the bot watches its own expectancy per symbol and, when enabled,
 * pauses a symbol's entries once its recent trades lose money with the given confidence. Off by
 * default, like the stop-loss cooldown: a pause is a judgement the operator opts into.
 * @module
 */
export const EdgeGuardConfig = z
  .strictObject({
    /** Pause entries of a symbol whose expectancy is below zero with `confidence` (off by default). */
    enabled: z.boolean().default(false),
    /** Closed trades per symbol the rolling expectancy is measured over. */
    window: z.number().int().min(5).max(1000).default(50),
    /** Fewest trades (since the last pause) before a symbol may be paused. */
    minTrades: z.number().int().min(5).max(1000).default(30),
    /** Two-sided confidence of the intervals; a pause needs the whole interval below zero. */
    confidence: z.number().min(0.5).max(0.999).default(0.95),
    /** How long a pause lasts, ms; afterwards `minTrades` new trades are needed to pause again. */
    pauseMs: z.number().int().positive().max(86_400_000).default(3_600_000),
    /** Horizons of the entry-decision markouts, ms. */
    markoutHorizonsMs: z
      .array(z.number().int().positive().max(3_600_000))
      .min(1)
      .max(6)
      .default([5_000, 30_000, 120_000]),
    /** Markouts per symbol and horizon kept for the rolling mean. */
    markoutWindow: z.number().int().min(5).max(1000).default(200),
  })
  .refine((g) => g.minTrades <= g.window, {
    message: "edgeGuard.minTrades must not exceed edgeGuard.window",
    path: ["minTrades"],
  })
  .prefault({});

/** The edge guard's settings. */
export type EdgeGuardSettings = z.output<typeof EdgeGuardConfig>;
