/**
 * Indicator importance: how much the objective drops when a family is taken away.
 *
 * - Ablation Δ = baseline − value with the family removed (its weight set to 0 and its vote to 0,
 *   so it neither scores nor counts towards confluence).
 * - Permutation Δ = baseline − mean value with the family's sub-score shuffled in time (see
 *   ./sub-score-transforms.ts), averaged over the repeats.
 * - Importance = the mean of the two Δ; positive means the family helps the objective. Ranked by
 *   importance (descending), ties by the plan's family order.
 *
 * Suggested weights (see {@link suggestWeights}): each family's share of the positive importance,
 * blended with the current normalised weight, bounded, and normalised to sum 1.
 * @module
 */
import type { FamilyWeights } from "../config/schema";
import { FAMILIES, type Family } from "../strategy/types";

/** What one family's removal and shuffling did to the objective. */
export interface FamilyEffect {
  readonly family: Family;
  /** Baseline minus the value with the family removed. */
  readonly ablation: number;
  /** Baseline minus the mean value with the family's sub-score shuffled. */
  readonly permutation: number;
  /** (ablation + permutation) / 2. */
  readonly importance: number;
  /** 1 = most important. */
  readonly rank: number;
}

/** Tuning of {@link suggestWeights}. */
export interface SuggestOptions {
  /** Weight of the importance share against the current weight, in [0, 1]. Default 0.5. */
  readonly blend?: number;
  /** Bounds of a suggested weight (defaults mirror the learning config: 0.02 and 0.4). */
  readonly min?: number;
  readonly max?: number;
}

/**
 * The effects of every family, ranked. `ablated[f]` is the objective with f removed;
 * `permuted[f]` the objective of each shuffled repeat.
 * @throws RangeError when a family lacks its ablation or has no permutation repeat.
 */
export function rankImportance(
  baseline: number,
  ablated: Readonly<Record<Family, number>>,
  permuted: Readonly<Record<Family, readonly number[]>>,
): FamilyEffect[] {
  const rows = FAMILIES.map((family, order) => {
    const a = ablated[family];
    const p = permuted[family];
    if (a === undefined || p === undefined || p.length === 0)
      throw new RangeError(`${family}: missing ablation or permutation result`);
    const ablation = baseline - a;
    const permutation = baseline - p.reduce((s, x) => s + x, 0) / p.length;
    return { family, order, ablation, permutation, importance: (ablation + permutation) / 2 };
  });
  rows.sort((x, y) => (y.importance === x.importance ? x.order - y.order : y.importance > x.importance ? 1 : -1));
  return rows.map(({ family, ablation, permutation, importance }, i) => ({
    family,
    ablation,
    permutation,
    importance,
    rank: i + 1,
  }));
}

/**
 * w'_f = blend · max(0, I_f) / Σ max(0, I) + (1 − blend) · w_f / Σ w, then clamped to [min, max] and
 * renormalised (repeated until stable), rounded to 4 decimals. With no positive importance the
 * current weights are returned normalised: the study found nothing to move them towards.
 */
export function suggestWeights(
  current: FamilyWeights,
  effects: readonly FamilyEffect[],
  opts: SuggestOptions = {},
): FamilyWeights {
  const blend = opts.blend ?? 0.5;
  const lo = opts.min ?? 0.02;
  const hi = opts.max ?? 0.4;
  const total = FAMILIES.reduce((s, f) => s + current[f], 0);
  const byFamily = new Map(effects.map((e) => [e.family, Math.max(0, e.importance)]));
  const positive = FAMILIES.reduce((s, f) => s + (byFamily.get(f) ?? 0), 0);
  let w = FAMILIES.map((f) => {
    const now = total > 0 ? current[f] / total : 1 / FAMILIES.length;
    return positive > 0 ? blend * ((byFamily.get(f) ?? 0) / positive) + (1 - blend) * now : now;
  });
  for (let i = 0; i < 50; i++) {
    const clamped = w.map((x) => Math.min(hi, Math.max(lo, x)));
    const sum = clamped.reduce((s, x) => s + x, 0);
    const next = clamped.map((x) => x / sum);
    const moved = next.some((x, k) => Math.abs(x - w[k]) > 1e-12);
    w = next;
    if (!moved) break;
  }
  return Object.fromEntries(FAMILIES.map((f, k) => [f, Number(w[k].toFixed(4))])) as FamilyWeights;
}
