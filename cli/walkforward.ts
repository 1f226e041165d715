/**
 * `npm run walkforward -- --data <file|dir>... [--folds 3] [--workers N] [--json]`
 *
 * The walk-forward study README "Results" reports: for each recording on its own, three rows scored
 * out of sample on the same rolling test windows of `npm run optimize`:
 * - `plan`: the plan's defaults, nothing fitted;
 * - `volatility`: the defaults with `exits.scaling.mode: "volatility"`, nothing fitted;
 * - `optimised`: the best of {@link STUDY_SPACE} chosen on each fold's train window (objective net PnL,
 *   the optimiser's default minimum of trades), then scored on the next window.
 * A fixed row is an optimisation over a one-point space, so all three go through the same code
 * (cli/optimize.ts) and the same windows. On data without a book the spread gate cannot be evaluated,
 * so `gates.requireBook` is off there (a data switch, not a strategy choice); everything else is the
 * plan's. The space is small on purpose: 16 hours of data can't choose among many parameters.
 * @module
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OptimizeReport, WindowReport } from "../shared/research/walk-forward-result";
import { type CliUsage, inputError, type ParsedFlags, parseCliArgs, usageError } from "./args";
import { processIo, captureIo, type CliIo } from "./io";
import { expandDataPaths, readHeaders } from "./merge-recordings";
import { main as optimizeMain } from "./optimize";
import { loadDataFiles } from "./research/inputs";
import { RecordingError } from "./recording-file";

/** What the optimiser may choose from: entry strictness and the exit scaling. */
export const STUDY_SPACE = {
  sampler: "grid",
  params: {
    "gates.minScore": { type: "choice", values: [50, 60, 70, 80] },
    "gates.minAgreeing": { type: "choice", values: [3, 4] },
    "gates.minExpectedMoveFeeMultiple": { type: "choice", values: [0, 5] },
    "exits.scaling.mode": { type: "choice", values: ["fixed", "volatility"] },
  },
} as const;

const ROWS = {
  plan: { sampler: "grid", params: { "gates.minScore": { type: "choice", values: [80] } } },
  volatility: { sampler: "grid", params: { "exits.scaling.mode": { type: "choice", values: ["volatility"] } } },
  optimised: STUDY_SPACE,
} as const;

const FLAGS = {
  data: { type: "list" },
  folds: { type: "number", min: 1, integer: true },
  workers: { type: "number", min: 1, integer: true },
  json: { type: "boolean" },
  help: { type: "boolean" },
} as const;

const CLI: CliUsage = {
  name: "walkforward",
  usage: "usage: npm run walkforward -- --data <file|dir>... [--folds 3] [--workers N] [--json]",
};

/** One recording's three out-of-sample rows. */
export interface StudyRow {
  readonly file: string;
  readonly tradeOnly: boolean;
  readonly rows: Record<keyof typeof ROWS, { outOfSample: WindowReport; params: unknown[] }>;
}

/**
 * The CLI; returns the exit code (0 ok, 1 failure, 2 usage or input error). The optimiser's space and
 * config files live in a directory made under `tempRoot` and removed when the run ends, however it ends.
 */
export async function main(argv: readonly string[], io: CliIo = processIo, tempRoot = tmpdir()): Promise<number> {
  const parsed = parseCliArgs(argv, FLAGS, CLI, io);
  if (!parsed.ok) return parsed.code;
  const f = parsed.flags;
  if (!f.data) return usageError(io, CLI, "--data is required");
  // Each file is studied alone, so captures of one symbol at the same time (spot and perp) or of two
  // quote currencies may sit side by side in --data.
  const files: string[] = [];
  try {
    for (const file of await expandDataPaths(f.data)) {
      const loaded = await loadDataFiles([file], {});
      if (!loaded.ok) return inputError(io, CLI, loaded.error);
      files.push(...loaded.value);
    }
  } catch (e) {
    if (e instanceof RecordingError) return inputError(io, CLI, e.message);
    throw e;
  }
  const dir = mkdtempSync(join(tempRoot, "walkforward-"));
  try {
    return await study(files, f, dir, io);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Studies each file in turn, its optimiser inputs written to `dir`; returns the exit code. */
async function study(files: readonly string[], f: ParsedFlags<typeof FLAGS>, dir: string, io: CliIo): Promise<number> {
  const out: StudyRow[] = [];
  for (const file of files) {
    const [header] = await readHeaders([file]);
    const tradeOnly = header.hasBook === false;
    const base = join(dir, "base.json");
    writeFileSync(base, JSON.stringify(tradeOnly ? { gates: { requireBook: false } } : {}));
    const rows = {} as StudyRow["rows"];
    for (const [name, space] of Object.entries(ROWS) as [keyof typeof ROWS, unknown][]) {
      const spaceFile = join(dir, `${name}.json`);
      writeFileSync(spaceFile, JSON.stringify(space));
      const args = ["--data", file, "--space", spaceFile, "--config", base, "--folds", String(f.folds ?? 3)];
      if (f.workers) args.push("--workers", String(f.workers));
      const cap = captureIo();
      const code = await optimizeMain([...args, "--json", "--deterministic"], { ...cap.io, progress: io.progress });
      if (code !== 0) {
        io.err(`walkforward: ${file} (${name}) failed:\n${cap.err.join("\n")}`);
        return code;
      }
      const doc = JSON.parse(cap.out.join("")) as OptimizeReport;
      rows[name] = { outOfSample: doc.totals.outOfSample, params: doc.folds.map((x) => x.params) };
    }
    out.push({ file, tradeOnly, rows });
    io.progress?.(`walkforward: ${file} done\n`);
  }
  io.out(f.json ? JSON.stringify(out) : table(out));
  return 0;
}

function table(study: readonly StudyRow[]): string {
  const lines = ["file  row  trades  wins  net  fees  profitFactor  maxDD"];
  for (const s of study)
    for (const [name, r] of Object.entries(s.rows)) {
      const o = r.outOfSample;
      const pf = o.lossPnl < 0 ? (o.winPnl / -o.lossPnl).toFixed(2) : "n/a";
      lines.push(
        `${s.file.split("/").pop()}  ${name}  ${o.trades}  ${o.wins}  ${o.netPnl.toFixed(2)}  ${o.fees.toFixed(2)}  ${pf}  ${(o.maxDrawdown * 100).toFixed(1)}%`,
      );
    }
  return lines.join("\n");
}

if (process.argv[1]?.endsWith("walkforward.ts")) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
