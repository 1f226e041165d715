/**
 * The optimiser's speed figures for `npm run bench` (issue #7 §4): the same walk-forward search run
 * on a pool of one worker and on a pool of all cores, in one process, on generated data (so the
 * bench needs no recordings), read through the recording cache as `npm run optimize` does by default.
 * Only the search is timed; starting the pool (booting the workers and loading the recordings in each)
 * is measured apart, and each pool first runs a shorter search of the same space with another seed so
 * that the JIT of every thread is warm: in a real search of hours of data warm-up is noise, in this
 * short one it is not (a cold pool keeps compiling on a background thread, which the one-worker run
 * gets for free on the idle core and the all-worker run pays for).
 * @module
 */
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { defaultConfig, patchConfig } from "../../shared/config/config";
import { parseSpace } from "../../shared/research/space";
import { main as generate } from "../generate";
import { expandDataPaths } from "../merge-recordings";
import { WorkerPool } from "./pool";
import { optimize, type OptimizeOptions } from "./walk-forward";

/** What {@link measureOptimizer} found. */
export interface OptimizerSpeed {
  /** Search time on one worker / on all workers: the median over the rounds of each round's ratio. */
  readonly speedup: number;
  /** Trials per minute of the search on all workers. */
  readonly trialsPerMinute: number;
  readonly trials: number;
  readonly folds: number;
  readonly workers: number;
  /** Time to start the all-worker pool (boot and load the recordings in each worker). */
  readonly poolStartMs: number;
  /**
   * The same ratio for a pure arithmetic loop on 1 vs all threads, measured between the searches:
   * what the machine allowed at that moment (a shared, loaded machine gives less than its cores).
   */
  readonly machineSpeedup: number;
  readonly events: string;
}

const SPACE = {
  params: {
    "gates.minScore": { type: "int", min: 35, max: 70, step: 5 },
    "gates.minAgreeing": { type: "int", min: 2, max: 5 },
    "exits.takeProfitPct": { type: "float", min: 0.1, max: 0.6, step: 0.05 },
  },
};

/** Runs the comparison: `rounds` alternating pairs of 1-worker and all-worker searches of `trials` trials per fold over `folds` folds. */
export async function measureOptimizer(opts: {
  readonly minutes: number;
  readonly folds: number;
  readonly trials: number;
  readonly rounds: number;
}): Promise<OptimizerSpeed> {
  const dir = mkdtempSync(join(tmpdir(), "edge-scalper-bench-opt-"));
  try {
    const silent = { out: () => {}, err: () => {} };
    if (
      (await generate(
        ["--symbols", "BTCUSDT,ETHUSDT", "--minutes", String(opts.minutes), "--seed", "1", "--out", dir],
        silent,
      )) !== 0
    )
      throw new Error("bench: generating the optimiser's data failed");
    const files = await expandDataPaths([dir]);
    const base = patchConfig(defaultConfig(), { gates: { minVolumeRatio: 0, minExpectedMoveFeeMultiple: 0 } });
    if (!base.ok) throw new Error("bench: bad base config");
    const space = parseSpace(SPACE, base.config);
    if (!space.ok) throw new Error("bench: bad space");
    const all = availableParallelism();
    const search = async (size: number) => {
      const t0 = performance.now();
      const pool = await WorkerPool.start({ files, read: { cache: { dir: join(dir, "cache") } }, capital: 1000, size });
      const started = performance.now();
      const run: OptimizeOptions = {
        base: base.config,
        space: space.space,
        sampler: "tpe",
        objective: "netPnl",
        folds: opts.folds,
        mode: "rolling",
        trials: opts.trials,
        seed: 1,
        minTrades: 1,
        capital: 1000,
        data: files,
      };
      try {
        await warmUp(pool, run);
        const t1 = performance.now();
        const r = await optimize(pool, run);
        return { startMs: started - t0, searchMs: performance.now() - t1, trials: r.trials };
      } finally {
        await pool.close();
      }
    };
    const one: number[] = [];
    const many: number[] = [];
    const machine: number[] = [];
    let start = 0;
    let trials = 0;
    for (let r = 0; r < opts.rounds; r++) {
      one.push((await search(1)).searchMs);
      const m = await search(all);
      many.push(m.searchMs);
      start = m.startMs;
      trials = m.trials;
      machine.push((await spinMs(1, all)) / (await spinMs(all, all)));
    }
    // The ratio of each round's adjacent pair, then the median: the shared machine's speed drifts over
    // seconds to minutes, and a pair run back to back sees nearly the same machine.
    const ratios = one.map((t, i) => t / many[i]);
    return {
      speedup: median(ratios),
      trialsPerMinute: trials / (median(many) / 60_000),
      trials,
      folds: opts.folds,
      workers: all,
      poolStartMs: start,
      machineSpeedup: median(machine),
      events: `2 symbols x ${opts.minutes} min generated`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A short search of the same space with another seed (outside the timing): the JIT of every thread
 * then has seen the configs, windows and code paths the timed search takes, as it has early in a
 * real search of hours.
 */
async function warmUp(pool: WorkerPool, search: OptimizeOptions): Promise<void> {
  await optimize(pool, {
    ...search,
    seed: search.seed + 1,
    trials: Math.max(1, Math.floor((search.trials ?? WARM_UP_TRIALS) / 2)),
  });
}

const WARM_UP_TRIALS = 16;

const SPIN = `const { parentPort } = require("node:worker_threads");
parentPort.on("message", (n) => { let x = 0; for (let i = 0; i < n; i++) x = (x * 1.0000001 + i) % 1e9; parentPort.postMessage(x); });`;

/** Wall time of `jobs` equal arithmetic jobs (~0.1 s each on one core) on `threads` plain worker threads. */
async function spinMs(threads: number, jobs: number): Promise<number> {
  const workers = Array.from({ length: threads }, () => new Worker(SPIN, { eval: true }));
  try {
    await Promise.all(workers.map((w) => once(w, 1)));
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      workers.map(async (w) => {
        while (next < jobs * 4) {
          next++;
          await once(w, 1e7);
        }
      }),
    );
    return performance.now() - t0;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

function once(w: Worker, n: number): Promise<void> {
  return new Promise((resolve) => {
    w.once("message", () => resolve());
    w.postMessage(n);
  });
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
