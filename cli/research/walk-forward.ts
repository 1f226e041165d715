/**
 * The walk-forward optimiser: for each fold, a sampler proposes parameters in batches, the pool
 * scores them on the fold's train window, the best (./walk-forward-result.ts pickBest) is then run
 * once on the following test window. Folds run concurrently on the shared pool; each fold's trial
 * sequence depends only on the seed, so the result is the same for any number of workers.
 * @module
 */
import { applyParams } from "../../shared/research/apply-params";
import { walkForwardFolds, type Fold, type FoldMode, type TimeWindow } from "../../shared/research/folds";
import type { ObjectiveName, WindowMetrics } from "../../shared/research/objectives";
import { deriveSeed } from "../../shared/research/prng";
import { createSampler } from "../../shared/research/sampler";
import type { Params, SamplerName, Space } from "../../shared/research/space";
import type { Observation } from "../../shared/research/tpe";
import {
  pickBest,
  summariseFolds,
  windowReport,
  type FoldReport,
  type OptimizeReport,
  type TrialRecord,
} from "../../shared/research/walk-forward-result";
import type { BotConfig } from "../../shared/config/schema";
import type { WorkerPool } from "./pool";

/** Trials proposed together: a fixed number, so the sequence does not depend on the worker count. */
export const PROPOSAL_BATCH = 8;

/** What {@link optimize} needs. */
export interface OptimizeOptions {
  readonly base: BotConfig;
  readonly space: Space;
  readonly sampler: SamplerName;
  readonly objective: ObjectiveName;
  readonly folds: number;
  readonly mode: FoldMode;
  /** Per fold; the sampler's default when absent. */
  readonly trials?: number;
  readonly seed: number;
  readonly minTrades: number;
  readonly capital: number;
  readonly data: string[];
  /** Called after every finished trial with the running count and the total. */
  readonly progress?: (done: number, total: number) => void;
}

/** Runs the search on `pool`; `elapsedMs` and `workers` are left to the caller. */
export async function optimize(
  pool: WorkerPool,
  opts: OptimizeOptions,
): Promise<Omit<OptimizeReport, "elapsedMs" | "workers">> {
  const spanResult = await pool.run({ kind: "span" });
  const span = spanResult.kind === "span" ? spanResult.span : null;
  if (span === null) throw new RangeError("the data holds no market events");
  const folds = walkForwardFolds(span, opts.folds, opts.mode);
  const samplers = folds.map((f) =>
    createSampler(opts.sampler, opts.space, { seed: deriveSeed(opts.seed, "fold", f.index), trials: opts.trials }),
  );
  const total = samplers.reduce((n, s) => n + s.total, 0);
  let done = 0;
  const tick = () => opts.progress?.(++done, total);
  const reports = await Promise.all(folds.map((f, i) => runFold(pool, opts, f, samplers[i], tick)));
  return {
    objective: opts.objective,
    sampler: opts.sampler,
    seed: opts.seed,
    mode: opts.mode,
    minTrades: opts.minTrades,
    capital: opts.capital,
    data: opts.data,
    span,
    space: opts.space.params.map((p) => p.name),
    folds: reports,
    ...summariseFolds(opts.objective, opts.minTrades, reports),
    trials: total,
  };
}

async function runFold(
  pool: WorkerPool,
  opts: OptimizeOptions,
  fold: Fold,
  sampler: ReturnType<typeof createSampler>,
  tick: () => void,
): Promise<FoldReport> {
  const trials: TrialRecord[] = [];
  const history: Observation[] = [];
  const memo = new Map<string, Promise<WindowMetrics>>();
  const evaluate = (config: BotConfig, version: string, window: TimeWindow) => {
    const key = `${version}|${window.from}|${window.to}`;
    let hit = memo.get(key);
    if (!hit)
      memo.set(
        key,
        (hit = pool
          .run({ kind: "evaluate", config, version, window, transform: { kind: "none" } })
          .then((r) => (r as { metrics: WindowMetrics }).metrics)),
      );
    return hit;
  };
  for (
    let batch = sampler.propose(PROPOSAL_BATCH, history);
    batch.length > 0;
    batch = sampler.propose(PROPOSAL_BATCH, history)
  ) {
    const results = await Promise.all(
      batch.map((params, j) => trial(opts, fold, trials.length + j, params, evaluate).finally(tick)),
    );
    for (const t of results) {
      trials.push(t);
      history.push({ params: t.params, score: t.score ?? -Infinity });
    }
  }
  const best = pickBest(trials);
  if (best === null)
    throw new RangeError(
      `fold ${fold.index}: every trial made an invalid config (${trials[0]?.invalid ?? "no trials"})`,
    );
  const config = applyParams(opts.base, best.params);
  if (!config.ok) throw new Error("unreachable: the best trial's config was valid");
  const [train, test] = await Promise.all([
    evaluate(config.config, config.version, fold.train),
    evaluate(config.config, config.version, fold.test),
  ]);
  return {
    index: fold.index,
    params: best.params,
    configVersion: config.version,
    trials,
    train: windowReport(opts.objective, train, opts.minTrades),
    test: windowReport(opts.objective, test, opts.minTrades),
  };
}

async function trial(
  opts: OptimizeOptions,
  fold: Fold,
  index: number,
  params: Params,
  evaluate: (c: BotConfig, v: string, w: TimeWindow) => Promise<WindowMetrics>,
): Promise<TrialRecord> {
  const config = applyParams(opts.base, params);
  if (!config.ok) {
    const invalid = config.issues.map((i) => `${i.path}: ${i.message}`).join("; ");
    return { index, params, configVersion: null, value: null, score: null, trades: 0, penalised: false, invalid };
  }
  const r = windowReport(opts.objective, await evaluate(config.config, config.version, fold.train), opts.minTrades);
  return {
    index,
    params,
    configVersion: config.version,
    value: r.objective,
    score: r.score,
    trades: r.trades,
    penalised: r.penalised,
    invalid: null,
  };
}
