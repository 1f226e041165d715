import type { FamilyWeights } from "../config/schema";
import { FAMILIES, type SubScores } from "./types";

/** A family agrees with a direction when its sub-score points that way by at least this much. */
export const AGREE_THRESHOLD = 0.2;

/** Composite scores of one instant. */
export interface CompositeScore {
  /** 100 × Σ wᵢ·max(0, sᵢ) / Σ wᵢ, in [0, 100]. */
  readonly long: number;
  /** 100 × Σ wᵢ·max(0, −sᵢ) / Σ wᵢ, in [0, 100]. */
  readonly short: number;
  /** Families with sᵢ >= 0.2. */
  readonly agreeLong: number;
  /** Families with sᵢ <= −0.2. */
  readonly agreeShort: number;
}

/**
 * The weighted 0–100 scores of the plan. Weights are normalised by their sum, so a config whose
 * weights do not add up to 1 still scores on 0–100. Confluence counts agreeing families.
 */
export function compositeScore(s: SubScores, w: FamilyWeights): CompositeScore {
  let total = 0;
  let long = 0;
  let short = 0;
  let agreeLong = 0;
  let agreeShort = 0;
  for (const f of FAMILIES) {
    const weight = w[f];
    const v = s[f];
    total += weight;
    if (v > 0) long += weight * v;
    else short -= weight * v;
    if (v >= AGREE_THRESHOLD) agreeLong++;
    if (v <= -AGREE_THRESHOLD) agreeShort++;
  }
  if (total <= 0) return { long: 0, short: 0, agreeLong, agreeShort };
  return { long: (100 * long) / total, short: (100 * short) / total, agreeLong, agreeShort };
}
