import type { FamilyWeights } from "../config/schema";
import { FAMILIES, type Family, type SubScores } from "./types";

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

/**
 * The order {@link scoreCannotReach} reads families in: most weight for the least work first. Price
 * action and the sweep are results stored at bar close (free to read), MACD is one replace, RSI four,
 * tick momentum and order flow are built from their windows, Bollinger and the EMA pairs are two and
 * six replaces, VWAP three windows. With the plan's weights and the dev recordings, 96 % of trades are
 * ruled out after the first three and none needs more than four.
 */
export const BOUND_ORDER: readonly Family[] = [
  "priceAction",
  "liquiditySweep",
  "macd",
  "rsi",
  "tickMomentum",
  "orderFlow",
  "bollinger",
  "ema",
  "vwap",
];

/**
 * Slack on the 0–100 scale for summing in a different order than {@link compositeScore}: far above
 * the float error of nine terms, far below any meaningful score difference.
 */
const BOUND_SLACK = 1e-9;

/** The weights in {@link BOUND_ORDER}, as {@link scoreCannotReach} takes them. */
export function boundWeights(w: FamilyWeights): number[] {
  return BOUND_ORDER.map((f) => w[f]);
}

/** The side(s) a score bound is about: {@link scoreCannotReach} answers for both, or for one. */
export type BoundSide = "both" | "long" | "short";

/**
 * True when neither side's composite score can reach `minScore` (with `side` "long" or "short":
 * that side's), reading as few families as it can, in {@link BOUND_ORDER}: a family not read yet
 * adds at most its weight to either side, since every sub-score lies in [−1, 1]. `weights[i]` and
 * `scorers[i](x)` are the weight and the sub-score of `BOUND_ORDER[i]` (arrays, not records: this
 * runs on every trade). A branch-and-bound shortcut for the engine's entry check (both sides) and
 * its reversal exit (the opposite side): when it answers true, the full {@link compositeScore} would
 * have been below `minScore` there; when false, nothing is decided and the caller scores in full.
 * A sub-score outside [−1, 1] (NaN) makes it answer false.
 */
export function scoreCannotReach<T>(
  minScore: number,
  weights: readonly number[],
  scorers: readonly ((x: T) => number)[],
  x: T,
  side: BoundSide = "both",
): boolean {
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i];
  if (!(total > 0)) return false;
  let remaining = total;
  let long = 0;
  let short = 0;
  const limit = ((minScore - BOUND_SLACK) * total) / 100;
  for (let i = 0; i < weights.length; i++) {
    const weight = weights[i];
    if (weight === 0) continue;
    const v = scorers[i](x);
    if (!(v >= -1 && v <= 1)) return false;
    remaining -= weight;
    if (v > 0) long += weight * v;
    else short -= weight * v;
    const reach = side === "both" ? (long > short ? long : short) : side === "long" ? long : short;
    if (reach + remaining < limit) return true;
  }
  return false;
}
