/**
 * `npm run signals -- --data <file|dir>... [--horizons 5s,30s,2m,10m] [--config cfg.json] [--json]
 *  [--report out.html] [--warmup 60s] [--replicates 200] [--seed 1] [--no-cache]`
 *
 * Does any family predict the next seconds or minutes? Replays recordings (format v1) through the
 * real feature engine and scoring of the config, one sample per second per symbol
 * (../shared/research/signals-sampler.ts), and measures each family's sub-score and the composite
 * long and short scores against the forward return at each horizon: rank IC, quintile means, hit
 * rate, each with a block-bootstrap interval, beside the mean absolute move and the round-trip
 * fees; plus the composite score's distribution and the gates' pass rates
 * (../shared/research/signals-report.ts). Each file is replayed on its own (its own feature
 * engines), so a spot and a perp capture of one symbol can be studied together; the figures pool
 * every file, and `series` breaks them down.
 * @module
 */
import { basename } from "node:path";
import { performance } from "node:perf_hooks";
import type { BotConfig } from "../shared/config/schema";
import { MAX_HORIZON_SECONDS, parseHorizons } from "../shared/research/horizons";
import { renderSignalsReport } from "../shared/research/signals-report-html";
import { signalsReport, type Estimate, type SignalsDocument } from "../shared/research/signals-report";
import { DEFAULT_WARMUP_MS, SignalSampler, type SignalSeries } from "../shared/research/signals-sampler";
import { FAMILIES } from "../shared/strategy/types";
import { type CliUsage, inputError, parseCliArgs, usageError } from "./args";
import { processIo, writeFileAtomic, type CliIo } from "./io";
import { expandDataPaths, mergeRecordingBatches } from "./merge-recordings";
import { RecordingError, type ReadOptions } from "./recording-file";
import { loadBaseConfig } from "./research/inputs";

const FLAGS = {
  data: { type: "list" },
  horizons: { type: "string" },
  config: { type: "string" },
  json: { type: "boolean" },
  report: { type: "string" },
  warmup: { type: "string" },
  replicates: { type: "number", min: 10, integer: true },
  seed: { type: "number", integer: true },
  "no-cache": { type: "boolean" },
  help: { type: "boolean" },
} as const;

const CLI: CliUsage = {
  name: "signals",
  usage:
    "usage: npm run signals -- --data <file|dir>... [--horizons 5s,30s,2m,10m] [--config cfg.json] [--json] [--report out.html] [--warmup 60s] [--replicates 200] [--seed 1] [--no-cache]",
};

/** Default horizons: the scalper's range, from a few seconds to its 10-minute maximum hold. */
export const DEFAULT_HORIZONS = "5s,30s,2m,10m";
/** Default bootstrap resamples per horizon. */
export const DEFAULT_REPLICATES = 200;
/** Shortest bootstrap block, seconds: longer than any score's own flicker at the shortest horizons. */
export const MIN_BLOCK_SECONDS = 60;

/** The JSON document: the study, plus what was read and how long it took. */
export type SignalsCliDocument = SignalsDocument & {
  readonly data: string[];
  readonly configVersion: string;
  readonly elapsedMs: number;
};

/** What a study needs beyond the files. */
export interface SignalsRunOptions {
  readonly horizons: readonly number[];
  readonly warmupMs: number;
  readonly replicates: number;
  readonly seed: number;
  readonly read?: ReadOptions;
  readonly progress?: (text: string) => void;
}

/** Samples every file (each on its own feature engines) and measures the pooled series. */
export async function runSignals(
  files: readonly string[],
  config: BotConfig,
  opts: SignalsRunOptions,
): Promise<{ doc: SignalsDocument; series: SignalSeries[] }> {
  const series: SignalSeries[] = [];
  for (const [i, file] of files.entries()) {
    const sampler = new SignalSampler(config, basename(file), { warmupMs: opts.warmupMs });
    let pushes = 0;
    for await (const batch of mergeRecordingBatches([file], opts.read)) {
      for (const rec of batch) for (const e of rec.events) sampler.onEvent(e);
      pushes += batch.length;
      opts.progress?.(
        `\rsignals: file ${i + 1}/${files.length} ${basename(file)}: ${pushes.toLocaleString("en")} pushes`,
      );
    }
    series.push(...sampler.finish());
    opts.progress?.("\n");
  }
  opts.progress?.(`signals: measuring ${series.length} series at ${opts.horizons.length} horizons\n`);
  const doc = signalsReport(series, {
    horizons: opts.horizons,
    replicates: opts.replicates,
    seed: opts.seed,
    level: 0.95,
    minBlockSeconds: MIN_BLOCK_SECONDS,
    fees: config.fees,
    breakdown: true,
  });
  return { doc, series };
}

/** The CLI; returns the exit code (0 ok, 2 usage or input error). */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const parsed = parseCliArgs(argv, FLAGS, CLI, io);
  if (!parsed.ok) return parsed.code;
  const f = parsed.flags;
  if (!f.data) return usageError(io, CLI, "--data is required");
  const horizons = parseHorizons(f.horizons ?? DEFAULT_HORIZONS);
  if (!horizons.ok) return usageError(io, CLI, `--horizons: ${horizons.error}`);
  let warmupMs = DEFAULT_WARMUP_MS;
  if (f.warmup !== undefined) {
    const w = f.warmup === "0" ? { ok: true as const, seconds: [0] } : parseHorizons(f.warmup);
    if (!w.ok || w.seconds.length !== 1 || w.seconds[0] > MAX_HORIZON_SECONDS)
      return usageError(io, CLI, `--warmup: ${w.ok ? "one duration only" : w.error.replace("horizon", "duration")}`);
    warmupMs = w.seconds[0] * 1000;
  }
  const cfg = await loadBaseConfig(f.config);
  if (!cfg.ok) return inputError(io, CLI, cfg.error);
  const read: ReadOptions = f["no-cache"] ? { cache: false } : {};
  const t0 = performance.now();
  try {
    const files = await expandDataPaths(f.data);
    const { doc } = await runSignals(files, cfg.value.config, {
      horizons: horizons.seconds,
      warmupMs,
      replicates: f.replicates ?? DEFAULT_REPLICATES,
      seed: f.seed ?? 1,
      read,
      progress: io.progress,
    });
    const full: SignalsCliDocument = {
      ...doc,
      data: files,
      configVersion: cfg.value.version,
      elapsedMs: Math.round(performance.now() - t0),
    };
    if (f.report) await writeFileAtomic(f.report, renderSignalsReport(full));
    io.out(f.json ? JSON.stringify(full) : table(full));
    return 0;
  } catch (e) {
    if (e instanceof RecordingError) return inputError(io, CLI, e.message);
    throw e;
  }
}

function fmt(x: number | null, d = 3): string {
  return x === null ? "n/a" : x.toFixed(d);
}

function interval(e: Estimate, d = 3): string {
  return `${fmt(e.value, d)} [${fmt(e.lo, d)}, ${fmt(e.hi, d)}]`;
}

/** The human-readable summary: ICs with intervals, moves against costs, the score's reach, the gates. */
function table(doc: SignalsCliDocument): string {
  const lines: string[] = [];
  lines.push(`samples ${doc.samples} (1 s) from ${doc.series.length} series, config ${doc.configVersion}`);
  lines.push(`rank IC with the forward return [${doc.level * 100} % block-bootstrap interval]`);
  const w = 16;
  lines.push(["signal".padEnd(w), ...doc.horizons.map((h) => h.padEnd(28))].join(""));
  const rows: [string, Record<string, Estimate>][] = [
    ...FAMILIES.map((f) => [f, doc.families[f].ic] as [string, Record<string, Estimate>]),
    ["composite long", doc.composite.long.ic],
    ["composite short", doc.composite.short.ic],
  ];
  for (const [name, ic] of rows)
    lines.push([name.padEnd(w), ...doc.horizons.map((h) => interval(ic[h]).padEnd(28))].join(""));
  lines.push(
    ["mean |move| bps".padEnd(w), ...doc.horizons.map((h) => interval(doc.meanAbsMoveBps[h], 2).padEnd(28))].join(""),
  );
  const c = doc.costsBps;
  lines.push(`round trip bps: maker/maker ${c.makerMaker}, maker/taker ${c.makerTaker}, taker/taker ${c.takerTaker}`);
  const s = doc.scoreDistribution;
  lines.push(
    `composite score (higher side): max ${fmt(s.max, 1)}, p95 ${fmt(s.p95, 1)}, p99 ${fmt(s.p99, 1)}, samples >= 50/60/70/80: ${s.reached["50"]}/${s.reached["60"]}/${s.reached["70"]}/${s.reached["80"]}`,
  );
  const g = doc.gates;
  lines.push(
    `gates pass (of ${g.samples}): all ${g.allPass}; ${Object.entries(g.byGate)
      .map(([k, t]) => `${k} ${fmt(t.passRate === null ? null : t.passRate * 100, 1)} %`)
      .join(", ")}`,
  );
  for (const x of doc.series)
    lines.push(
      `  ${x.source} ${x.symbol}: ${x.samples} samples (${x.usesMid ? "mid" : "last trade"}), score max ${fmt(x.scoreMax, 1)}, >= 80 ${x.scoreReached["80"]}, all gates ${x.gatesAllPass}`,
    );
  lines.push(`elapsed ${(doc.elapsedMs / 1000).toFixed(1)} s`);
  return lines.join("\n");
}

if (process.argv[1]?.endsWith("signals.ts")) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
