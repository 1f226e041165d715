/**
 * `npm run importance -- --data <file|dir>... [--config cfg.json] [--objective netPnl] [--repeats 3]
 *  [--seed 1] [--workers N] [--capital 1000] [--min-trades 10] [--json] [--deterministic] [--no-cache]`
 *
 * For each of the nine indicator families, the effect on the objective of removing it (ablation:
 * weight 0 and vote 0) and of shuffling its sub-score in time (permutation, seeded), over the whole
 * data; ranked, with suggested weights (../shared/research/importance.ts). Replays run on a pool of
 * worker threads. Few trades make every figure noise: the CLI says so below --min-trades.
 * @module
 */
import { availableParallelism } from "node:os";
import { performance } from "node:perf_hooks";
import { DEFAULT_MIN_TRADES, OBJECTIVES, type ObjectiveName } from "../shared/research/objectives";
import { parseArgs } from "./args";
import { RecordingError, type ReadOptions } from "./recording-file";
import { importance, type ImportanceResult } from "./research/importance-run";
import { loadBaseConfig, loadDataFiles } from "./research/inputs";
import { WorkerPool } from "./research/pool";
import { progressBar } from "./research/progress";
import { processIo, type CliIo } from "./io";

const FLAGS = {
  data: { type: "list" },
  config: { type: "string" },
  objective: { type: "string" },
  repeats: { type: "number", min: 1, integer: true },
  seed: { type: "number", integer: true },
  workers: { type: "number", min: 1, integer: true },
  capital: { type: "number", min: 1 },
  "min-trades": { type: "number", min: 0, integer: true },
  json: { type: "boolean" },
  deterministic: { type: "boolean" },
  "no-cache": { type: "boolean" },
  help: { type: "boolean" },
} as const;

const USAGE = `usage: npm run importance -- --data <file|dir>... [--config cfg.json] [--objective ${OBJECTIVES.join("|")}] [--repeats 3] [--seed 1] [--workers N] [--capital 1000] [--min-trades ${DEFAULT_MIN_TRADES}] [--json] [--deterministic] [--no-cache]`;

/** The JSON document of a study. */
export interface ImportanceDocument extends ImportanceResult {
  readonly data: string[];
  /** The baseline made fewer than --min-trades trades: the figures are noise. */
  readonly lowTrades: boolean;
  readonly workers: number;
  readonly elapsedMs: number | null;
}

/** The CLI; returns the exit code (0 ok, 2 usage or input error). */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const parsed = parseArgs(argv, FLAGS);
  if (!parsed.ok) return fail(io, `${parsed.error}\n${USAGE}`);
  const f = parsed.flags;
  if (f.help) {
    io.out(USAGE);
    return 0;
  }
  if (!f.data) return fail(io, `--data is required\n${USAGE}`);
  const objective = (f.objective ?? "netPnl") as ObjectiveName;
  if (!OBJECTIVES.includes(objective))
    return fail(io, `--objective must be one of ${OBJECTIVES.join(", ")}, got ${JSON.stringify(f.objective)}`);
  const base = await loadBaseConfig(f.config);
  if (!base.ok) return fail(io, base.error);
  const read: ReadOptions = f["no-cache"] ? { cache: false } : {};
  const capital = f.capital ?? 1000;
  let files: string[];
  try {
    const loaded = await loadDataFiles(f.data, read);
    if (!loaded.ok) return fail(io, loaded.error);
    files = loaded.value;
  } catch (e) {
    if (e instanceof RecordingError) return fail(io, e.message);
    throw e;
  }
  const t0 = performance.now();
  let pool: WorkerPool;
  try {
    pool = await WorkerPool.start({ files, read, capital, size: f.workers ?? availableParallelism() });
  } catch (e) {
    return fail(io, `cannot load the data: ${(e as Error).message}`);
  }
  let result: ImportanceResult;
  try {
    result = await importance(pool, {
      config: base.value.config,
      version: base.value.version,
      objective,
      repeats: f.repeats ?? 3,
      seed: f.seed ?? 1,
      progress: progressBar("importance", io.progress),
    });
  } catch (e) {
    if (e instanceof RangeError) return fail(io, e.message);
    throw e;
  } finally {
    await pool.close();
  }
  const minTrades = f["min-trades"] ?? DEFAULT_MIN_TRADES;
  const doc: ImportanceDocument = {
    ...result,
    data: files,
    lowTrades: result.baseline.trades < minTrades,
    workers: pool.size,
    elapsedMs: f.deterministic ? null : Math.round(performance.now() - t0),
  };
  if (doc.lowTrades)
    io.err(
      `importance: the baseline made ${doc.baseline.trades} trades (fewer than ${minTrades}): treat every figure as noise`,
    );
  io.out(f.json ? JSON.stringify(doc) : table(doc));
  return 0;
}

function fail(io: CliIo, error: string): number {
  io.err(`importance: ${error}`);
  return 2;
}

function table(doc: ImportanceDocument): string {
  const n = (x: number) => x.toFixed(4).padStart(12);
  return [
    `${doc.objective} baseline ${doc.baseline.objective.toFixed(4)} (${doc.baseline.trades} trades) · ${doc.repeats} permutation repeats · seed ${doc.seed} · ${doc.runs} replays on ${doc.workers} workers`,
    `rank  family          ${"ablation".padStart(12)}${"permutation".padStart(12)}${"importance".padStart(12)}  weight now → suggested`,
    ...doc.families.map(
      (r) =>
        `${String(r.rank).padEnd(6)}${r.family.padEnd(16)}${n(r.ablation)}${n(r.permutation)}${n(r.importance)}  ${doc.currentWeights[r.family].toFixed(3)} → ${doc.suggestedWeights[r.family].toFixed(3)}`,
    ),
    "Δ = baseline − value without the family (ablation) or with its sub-score shuffled (permutation); positive = the family helps.",
  ].join("\n");
}

if (process.argv[1]?.endsWith("importance.ts")) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
