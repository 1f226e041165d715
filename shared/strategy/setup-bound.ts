import type { FamilyWeights } from "../config/schema";
import type { ScoringSettings } from "../config/scoring";
import type { FeatureSnapshot } from "../indicators/symbol-features";
import { regimeOf } from "./regime";
import { BOUND_ORDER, type BoundSide, scoreCannotReach } from "./score";
import { allowedSetups, SETUP_FAMILIES, type SetupKind, setupReading } from "./setups";

/**
 * The entry check's shortcut for the `setups` readings, as ./score.ts scoreCannotReach is for
 * plan-v1: a side's score is the best of the allowed setups' composites, so when no allowed setup
 * can reach `minScore` on either side, neither can the full {@link scoreSetups}. Exact (the same
 * guarantee as scoreCannotReach, setup by setup). Why: without it every trade built two SubScores
 * records and two composites; the warm backtest ran at 0.61–0.69 M ev/s against plan-v1's 1.57 M
 * (bench probe, 2026-12-07; figures after this shortcut in the commit that added it).
 * @module
 */

/** One setup's families in the bound's order (cheapest and heaviest first), with their weights and readings. */
interface SetupBound {
  readonly weights: readonly number[];
  readonly readers: readonly ((f: FeatureSnapshot) => number)[];
}

const bounds = new WeakMap<FamilyWeights, Readonly<Record<SetupKind, SetupBound>>>();

/** The setup's families in {@link BOUND_ORDER} with their weights and readings (cached per weights object). */
function setupBound(kind: SetupKind, w: FamilyWeights): SetupBound {
  let b = bounds.get(w);
  if (b === undefined) {
    const build = (k: SetupKind): SetupBound => {
      const families = BOUND_ORDER.filter((f) => SETUP_FAMILIES[k].includes(f));
      return { weights: families.map((f) => w[f]), readers: families.map((f) => setupReading(k, f)) };
    };
    b = { reversal: build("reversal"), continuation: build("continuation") };
    bounds.set(w, b);
  }
  return b[kind];
}

/**
 * True when no setup the regime allows can reach `minScore` on either side (with `side` "long" or
 * "short": on that side), reading as few families as it can (see scoreCannotReach). A side's score
 * is the best allowed setup's, so this is exact. When false, nothing is decided: score in full.
 */
export function setupsCannotReach(
  minScore: number,
  w: FamilyWeights,
  s: ScoringSettings,
  f: FeatureSnapshot,
  side: BoundSide = "both",
): boolean {
  for (const kind of allowedSetups(regimeOf(f.varianceRatio, s.regime))) {
    const b = setupBound(kind, w);
    if (!scoreCannotReach(minScore, b.weights, b.readers, f, side)) return false;
  }
  return true;
}
