import type { BotConfig, FamilyWeights } from "../config/schema";
import type { FeatureSnapshot } from "../indicators/symbol-features";
import { compositeScore, type CompositeScore } from "./score";
import { scoreSetups, type ReadingTransform } from "./setups";
import { subScores } from "./sub-scores";
import { FAMILIES, type SubScores } from "./types";

/** The family readings of one instant and the composite they make. */
export interface Readings {
  /** The sub-scores a decision records (for `setups`, the readings of the stronger side's setup). */
  readonly sub: SubScores;
  readonly score: CompositeScore;
}

/**
 * The composite score the config's `scoring.readings` selects: `setups` (../strategy/setups.ts) or
 * the first readings, `plan-v1` (./sub-scores.ts with ./score.ts). `transform` rewrites each
 * sub-score before it is scored (the engine's research seam); with `setups` it sees every family
 * of every setup considered.
 */
export function readingsOf(
  f: FeatureSnapshot,
  config: BotConfig,
  weights: FamilyWeights,
  transform?: ReadingTransform,
): Readings {
  if (config.scoring.readings === "setups") return scoreSetups(f, weights, config.scoring, transform);
  const sub = subScores(f);
  if (transform !== undefined) for (const family of FAMILIES) sub[family] = transform(family, sub[family]);
  return { sub, score: compositeScore(sub, weights) };
}
