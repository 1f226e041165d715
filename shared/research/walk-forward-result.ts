/**
 * The result of a walk-forward optimisation, and the pure steps that assemble it: picking a fold's
 * winner on its training trials, and the totals over folds.
 * @module
 */
import type { FoldMode, TimeWindow } from "./folds";
import { combineWindows, scoreWindow, type ObjectiveName, type WindowMetrics } from "./objectives";
import type { Params, SamplerName } from "./space";

/** One trial of a fold: parameters and their score on the fold's train window. */
export interface TrialRecord {
  /** Order of proposal within the fold. */
  readonly index: number;
  readonly params: Params;
  /** Null when the parameters make an invalid config. */
  readonly configVersion: string | null;
  readonly value: number | null;
  readonly score: number | null;
  readonly trades: number;
  readonly penalised: boolean;
  /** Why the config was refused, or null. */
  readonly invalid: string | null;
}

/** A window's metrics with the objective's value and score. */
export interface WindowReport extends WindowMetrics {
  readonly objective: number;
  readonly score: number;
  readonly penalised: boolean;
}

/** One fold: the parameters chosen on train, their train (in-sample) and test (out-of-sample) results. */
export interface FoldReport {
  readonly index: number;
  readonly train: WindowReport;
  readonly test: WindowReport;
  readonly params: Params;
  readonly configVersion: string;
  readonly trials: TrialRecord[];
}

/** In-sample and out-of-sample side by side. */
export interface SideBySide {
  readonly inSample: WindowReport;
  readonly outOfSample: WindowReport;
}

/** The document `npm run optimize -- --json` prints. */
export interface OptimizeReport {
  readonly objective: ObjectiveName;
  readonly sampler: SamplerName;
  readonly seed: number;
  readonly mode: FoldMode;
  readonly minTrades: number;
  readonly capital: number;
  readonly data: string[];
  readonly span: TimeWindow;
  readonly space: string[];
  readonly folds: FoldReport[];
  /** The last fold's winner (trained on the most recent data): what to deploy. */
  readonly best: { readonly params: Params; readonly configVersion: string } & SideBySide;
  /** Every fold pooled (see ./objectives.ts combineWindows). */
  readonly totals: SideBySide;
  /** Trials evaluated over all folds. */
  readonly trials: number;
  readonly workers: number;
  /** Wall time, or null with --deterministic. */
  readonly elapsedMs: number | null;
}

/** A window's report: metrics, objective value and (penalised) score. */
export function windowReport(objective: ObjectiveName, m: WindowMetrics, minTrades: number): WindowReport {
  const s = scoreWindow(objective, m, minTrades);
  return { ...m, objective: s.value, score: s.score, penalised: s.penalised };
}

/** The winning trial: highest score, the earliest on ties; invalid trials never win. Null when none is valid. */
export function pickBest(trials: readonly TrialRecord[]): TrialRecord | null {
  let best: TrialRecord | null = null;
  for (const t of trials) {
    if (t.score === null) continue;
    if (best === null || (best.score as number) < t.score || (best.score === t.score && t.index < best.index)) best = t;
  }
  return best;
}

/**
 * The `best` and `totals` of a report from its folds (in fold order).
 * @throws RangeError on no folds.
 */
export function summariseFolds(
  objective: ObjectiveName,
  minTrades: number,
  folds: readonly FoldReport[],
): Pick<OptimizeReport, "best" | "totals"> {
  if (folds.length === 0) throw new RangeError("no folds");
  const last = folds[folds.length - 1];
  const pooled = (side: "train" | "test") =>
    windowReport(objective, combineWindows(folds.map((f) => f[side])), minTrades * folds.length);
  return {
    best: { params: last.params, configVersion: last.configVersion, inSample: last.train, outOfSample: last.test },
    totals: { inSample: pooled("train"), outOfSample: pooled("test") },
  };
}
