/**
 * The importance study on the worker pool: one baseline replay, one ablation per family and
 * `repeats` permutations per family, all over the whole data span, then ranked by
 * ../../shared/research/importance.ts.
 * @module
 */
import type { BotConfig } from "../../shared/config/schema";
import { applyParams } from "../../shared/research/apply-params";
import type { TimeWindow } from "../../shared/research/folds";
import { rankImportance, suggestWeights, type FamilyEffect } from "../../shared/research/importance";
import { objectiveValue, type ObjectiveName, type WindowMetrics } from "../../shared/research/objectives";
import { deriveSeed } from "../../shared/research/prng";
import { FAMILIES, type Family } from "../../shared/strategy/types";
import type { FamilyWeights } from "../../shared/config/schema";
import type { WorkerPool } from "./pool";
import type { TransformSpec } from "./tasks";

/** What {@link importance} needs. */
export interface ImportanceOptions {
  readonly config: BotConfig;
  readonly version: string;
  readonly objective: ObjectiveName;
  readonly repeats: number;
  readonly seed: number;
  readonly progress?: (done: number, total: number) => void;
}

/** One family's row: the effects plus the trades of its runs. */
export interface FamilyRow extends FamilyEffect {
  readonly ablatedTrades: number;
  /** Mean over the repeats. */
  readonly permutedTrades: number;
}

/** The study's result (the caller adds workers and timing). */
export interface ImportanceResult {
  readonly objective: ObjectiveName;
  readonly span: TimeWindow;
  readonly repeats: number;
  readonly seed: number;
  readonly configVersion: string;
  readonly baseline: { readonly objective: number; readonly trades: number; readonly netPnl: number };
  /** Ranked, most important first. */
  readonly families: FamilyRow[];
  readonly currentWeights: FamilyWeights;
  readonly suggestedWeights: FamilyWeights;
  /** Replays run (1 + 9 + 9 × repeats). */
  readonly runs: number;
}

/** Runs the study on `pool`. @throws RangeError when the data holds no events. */
export async function importance(pool: WorkerPool, opts: ImportanceOptions): Promise<ImportanceResult> {
  const s = await pool.run({ kind: "span" });
  const span = s.kind === "span" ? s.span : null;
  if (span === null) throw new RangeError("the data holds no market events");
  const runs = 1 + FAMILIES.length * (1 + opts.repeats);
  let done = 0;
  const evaluate = (config: BotConfig, version: string, transform: TransformSpec) =>
    pool.run({ kind: "evaluate", config, version, window: span, transform }).then((r) => {
      opts.progress?.(++done, runs);
      return (r as { metrics: WindowMetrics }).metrics;
    });
  const value = (m: WindowMetrics) => objectiveValue(opts.objective, m);
  const baseline = evaluate(opts.config, opts.version, { kind: "none" });
  const ablations = FAMILIES.map((family) => {
    const c = withoutWeight(opts.config, family);
    return evaluate(c.config, c.version, { kind: "ablate", family });
  });
  const permutations = FAMILIES.map((family) =>
    Promise.all(
      Array.from({ length: opts.repeats }, (_, r) =>
        evaluate(opts.config, opts.version, { kind: "permute", family, seed: deriveSeed(opts.seed, family, r) }),
      ),
    ),
  );
  const [base, abl, perm] = await Promise.all([baseline, Promise.all(ablations), Promise.all(permutations)]);
  const byFamily = <T>(xs: T[]) => Object.fromEntries(FAMILIES.map((f, i) => [f, xs[i]])) as Record<Family, T>;
  const effects = rankImportance(value(base), byFamily(abl.map(value)), byFamily(perm.map((ms) => ms.map(value))));
  const families = effects.map((e) => {
    const i = FAMILIES.indexOf(e.family);
    return {
      ...e,
      ablatedTrades: abl[i].trades,
      permutedTrades: perm[i].reduce((a, m) => a + m.trades, 0) / perm[i].length,
    };
  });
  return {
    objective: opts.objective,
    span,
    repeats: opts.repeats,
    seed: opts.seed,
    configVersion: opts.version,
    baseline: { objective: value(base), trades: base.trades, netPnl: base.netPnl },
    families,
    currentWeights: opts.config.weights,
    suggestedWeights: suggestWeights(opts.config.weights, effects),
    runs,
  };
}

/** The config with the family's weight at 0 (or unchanged when that would leave no positive weight). */
function withoutWeight(config: BotConfig, family: Family): { config: BotConfig; version: string } {
  const r = applyParams(config, { [`weights.${family}`]: 0 });
  if (r.ok) return { config: r.config, version: r.version };
  const same = applyParams(config, {});
  if (!same.ok) throw new Error("unreachable: the base config is valid");
  return { config: same.config, version: same.version };
}
