/**
 * Sub-score transforms for the importance study (the engine's research seam,
 * ../strategy/engine.ts SubScoreTransform). Each is stateful per run: make a new one per replay.
 * @module
 */
import type { SubScoreTransform } from "../strategy/engine";
import { FAMILIES, type Family } from "../strategy/types";
import { createPrng, shuffleInPlace } from "./prng";

/** Every sub-score evaluated in a run, per family, in evaluation order. */
export type SubScoreSeries = Record<Family, number[]>;

/** Ablation: the family votes 0 (no score contribution, never agreeing); the others pass through. */
export function ablationTransform(family: Family): SubScoreTransform {
  return (f, v) => (f === family ? 0 : v);
}

/** Passes every sub-score through unchanged and records it (the first pass of a permutation). */
export function recordingTransform(): { readonly transform: SubScoreTransform; readonly series: SubScoreSeries } {
  const series = Object.fromEntries(FAMILIES.map((f) => [f, [] as number[]])) as SubScoreSeries;
  return {
    series,
    transform: (f, v) => {
      series[f].push(v);
      return v;
    },
  };
}

/**
 * Permutation: the family's k-th evaluation in this run gets element k (mod n) of its recorded
 * values shuffled with `seed` (Fisher–Yates), so the family keeps its distribution of votes but
 * loses their timing. Other families pass through. An empty recording leaves the family as it is.
 */
export function permutationTransform(family: Family, recorded: readonly number[], seed: number): SubScoreTransform {
  const shuffled = shuffleInPlace([...recorded], createPrng(seed));
  let k = 0;
  return (f, v) => {
    if (f !== family || shuffled.length === 0) return v;
    return shuffled[k++ % shuffled.length];
  };
}
