/**
 * `npm run optimize -- --data <file|dir>... --space space.json --objective <name> [--folds K]
 *  [--trials M] [--workers N] [--seed S] [--sampler grid|random|tpe] [--anchored] [--min-trades 10]
 *  [--config base.json] [--capital 1000] [--json] [--report out.html] [--out best.json]
 *  [--deterministic] [--no-cache]`
 *
 * Walk-forward search over the config fields the space file names (../shared/research/space.ts):
 * the data is cut into K+1 time segments, fold i picks parameters on segment i (or 0..i with
 * --anchored) and is scored on segment i+1. Trials run on a pool of worker threads (all cores by
 * default); results depend only on the seed, not on the number of workers. `--out` writes the
 * winning parameters merged into the base config, a full config `PUT /api/config` accepts.
 * @module
 */
import { availableParallelism } from "node:os";
import { performance } from "node:perf_hooks";
import { gridProblem } from "../shared/research/grid";
import { applyParams } from "../shared/research/apply-params";
import { DEFAULT_MIN_TRADES, OBJECTIVES, type ObjectiveName } from "../shared/research/objectives";
import { renderOptimizeReport } from "../shared/research/optimize-report-html";
import { parseSpace, SAMPLERS, type SamplerName } from "../shared/research/space";
import type { OptimizeReport, WindowReport } from "../shared/research/walk-forward-result";
import { type CliUsage, inputError, parseCliArgs, usageError } from "./args";
import { RecordingError, type ReadOptions } from "./recording-file";
import { loadBaseConfig, loadDataFiles, readJson } from "./research/inputs";
import { WorkerPool } from "./research/pool";
import { progressBar } from "./research/progress";
import { optimize } from "./research/walk-forward";
import { processIo, writeFileAtomic, type CliIo } from "./io";

const FLAGS = {
  data: { type: "list" },
  space: { type: "string" },
  objective: { type: "string" },
  folds: { type: "number", min: 1, integer: true },
  trials: { type: "number", min: 1, integer: true },
  workers: { type: "number", min: 1, integer: true },
  seed: { type: "number", integer: true },
  sampler: { type: "string" },
  anchored: { type: "boolean" },
  "min-trades": { type: "number", min: 0, integer: true },
  config: { type: "string" },
  capital: { type: "number", min: 1 },
  json: { type: "boolean" },
  report: { type: "string" },
  out: { type: "string" },
  deterministic: { type: "boolean" },
  "no-cache": { type: "boolean" },
  help: { type: "boolean" },
} as const;

const CLI: CliUsage = {
  name: "optimize",
  usage: `usage: npm run optimize -- --data <file|dir>... --space space.json [--objective ${OBJECTIVES.join("|")}] [--folds 3] [--trials 50] [--workers N] [--seed 1] [--sampler ${SAMPLERS.join("|")}] [--anchored] [--min-trades ${DEFAULT_MIN_TRADES}] [--config base.json] [--capital 1000] [--json] [--report out.html] [--out best.json] [--deterministic] [--no-cache]`,
};

/** The CLI; returns the exit code (0 ok, 1 failure, 2 usage or input error). */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const parsed = parseCliArgs(argv, FLAGS, CLI, io);
  if (!parsed.ok) return parsed.code;
  const f = parsed.flags;
  if (!f.data) return usageError(io, CLI, "--data is required");
  if (!f.space) return usageError(io, CLI, "--space is required");
  const objective = (f.objective ?? "netPnl") as ObjectiveName;
  if (!OBJECTIVES.includes(objective))
    return usageError(
      io,
      CLI,
      `--objective must be one of ${OBJECTIVES.join(", ")}, got ${JSON.stringify(f.objective)}`,
    );
  if (f.sampler !== undefined && !SAMPLERS.includes(f.sampler as SamplerName))
    return usageError(io, CLI, `--sampler must be one of ${SAMPLERS.join(", ")}, got ${JSON.stringify(f.sampler)}`);
  const base = await loadBaseConfig(f.config);
  if (!base.ok) return inputError(io, CLI, base.error);
  const spaceJson = await readJson(f.space, `--space ${f.space}`);
  if (!spaceJson.ok) return inputError(io, CLI, spaceJson.error);
  const space = parseSpace(spaceJson.value, base.value.config);
  if (!space.ok)
    return inputError(
      io,
      CLI,
      `--space ${f.space}: invalid space\n${space.issues.map((i) => `  ${i.path || "(root)"}: ${i.message}`).join("\n")}`,
    );
  const sampler = (f.sampler ?? space.space.sampler ?? "tpe") as SamplerName;
  const gridIssue = sampler === "grid" ? gridProblem(space.space) : null;
  if (gridIssue !== null) return inputError(io, CLI, `--space ${f.space}: ${gridIssue}`);
  const read: ReadOptions = f["no-cache"] ? { cache: false } : {};
  const capital = f.capital ?? 1000;
  const workers = f.workers ?? availableParallelism();
  let files: string[];
  try {
    const loaded = await loadDataFiles(f.data, read);
    if (!loaded.ok) return inputError(io, CLI, loaded.error);
    files = loaded.value;
  } catch (e) {
    if (e instanceof RecordingError) return inputError(io, CLI, e.message);
    throw e;
  }
  const t0 = performance.now();
  let pool: WorkerPool;
  try {
    pool = await WorkerPool.start({ files, read, capital, size: workers });
  } catch (e) {
    return inputError(io, CLI, `cannot load the data: ${(e as Error).message}`);
  }
  let result;
  try {
    result = await optimize(pool, {
      base: base.value.config,
      space: space.space,
      sampler,
      objective,
      folds: f.folds ?? 3,
      mode: f.anchored ? "anchored" : "rolling",
      trials: f.trials,
      seed: f.seed ?? 1,
      minTrades: f["min-trades"] ?? DEFAULT_MIN_TRADES,
      capital,
      data: files,
      progress: progressBar("optimize", io.progress),
    });
  } catch (e) {
    if (e instanceof RangeError) return inputError(io, CLI, e.message);
    throw e;
  } finally {
    await pool.close();
  }
  const doc: OptimizeReport = {
    ...result,
    workers: pool.size,
    elapsedMs: f.deterministic ? null : Math.round(performance.now() - t0),
  };
  if (objective === "sharpe" && doc.folds.some((x) => x.train.to - x.train.from < 2 * 86_400_000))
    io.err("optimize: sharpe (daily) needs windows of two UTC days or more; shorter windows score 0");
  if (f.out) {
    const best = applyParams(base.value.config, doc.best.params);
    if (!best.ok) throw new Error("unreachable: the best parameters made a valid config during the search");
    await writeFileAtomic(f.out, `${JSON.stringify(best.config, null, 2)}\n`);
  }
  if (f.report) await writeFileAtomic(f.report, renderOptimizeReport(doc));
  io.out(f.json ? JSON.stringify(doc) : table(doc));
  return 0;
}

function table(doc: OptimizeReport): string {
  const side = (w: WindowReport) => `${w.objective.toFixed(4)}${w.penalised ? "*" : ""} (${w.trades} trades)`;
  const lines = [
    `${doc.objective} · ${doc.sampler} · seed ${doc.seed} · ${doc.folds.length} ${doc.mode} folds · ${doc.trials} trials on ${doc.workers} workers${doc.elapsedMs === null ? "" : ` in ${(doc.elapsedMs / 1000).toFixed(1)} s`}`,
    "fold  in sample (train)             out of sample (test)          params",
    ...doc.folds.map(
      (x) =>
        `${String(x.index).padEnd(6)}${side(x.train).padEnd(30)}${side(x.test).padEnd(30)}${JSON.stringify(x.params)}`,
    ),
    `${"total".padEnd(6)}${side(doc.totals.inSample).padEnd(30)}${side(doc.totals.outOfSample)}`,
    `best (last fold): ${JSON.stringify(doc.best.params)} (${doc.best.configVersion})`,
    `* fewer than ${doc.minTrades} trades in the window: penalised`,
  ];
  return lines.join("\n");
}

if (process.argv[1]?.endsWith("optimize.ts")) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
