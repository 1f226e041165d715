import { z } from "zod";

/**
 * How the exit distances are set (issue 12.3). `fixed`: the plan's percentages
 * (`exits.takeProfitPct`, `stopLossPct`, `trailingPct`). `volatility`: each distance is a multiple
 * of σ over the holding horizon, σ_h = σ(1-second returns) × √(horizonMs / 1000), measured by the
 * features at the entry decision (the plan's percentages while σ is unknown). The plan's numbers
 * stay the default; the figures behind the option are in docs/exits.md.
 * @module
 */
export const ExitScalingConfig = z
  .strictObject({
    mode: z.enum(["fixed", "volatility"]).default("fixed"),
    /** Holding horizon σ is scaled to, ms. */
    horizonMs: z.number().int().min(1_000).max(3_600_000).default(120_000),
    takeProfitSigma: z.number().positive().max(50).default(2),
    stopLossSigma: z.number().positive().max(50).default(1),
    /** 0 turns the trailing stop off, as `trailingPct: 0` does. */
    trailingSigma: z.number().min(0).max(50).default(1),
  })
  .prefault({});

/** The exit-scaling settings. */
export type ExitScalingSettings = z.output<typeof ExitScalingConfig>;
