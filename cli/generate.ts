/**
 * `npm run generate -- --symbols BTCUSDT,ETHUSDT --minutes 10 --seed 1 --out DIR [--start ISO]`:
 * writes one synthetic recording (format v1, ../shared/data/recordings/README.md) per symbol,
 * `synthetic_<symbol>_<yyyymmddThhmm>.bitget.jsonl.gz`, from the seeded generator in
 * shared/backtest/synthetic-market.ts. Same flags, same bytes. For demos and tests only: the market
 * is invented and never evidence that a strategy makes money.
 * @module
 */
import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createGzip, type Gzip } from "node:zlib";
import {
  generate,
  profileFor,
  type GenerateOptions,
  type RegimeChange,
  type SymbolProfile,
} from "../shared/backtest/synthetic-market";
import { processIo, type CliIo } from "./io";

/** Validated flags of the generate command. */
export interface GenerateArgs {
  readonly symbols: string[];
  readonly minutes: number;
  readonly seed: number;
  readonly startMs: number;
  readonly out: string;
}

/** Parse result: the flags, a request for help, or a usage error naming the flag. */
export type ParsedArgs =
  | { readonly ok: true; readonly args: GenerateArgs }
  | { readonly ok: true; readonly help: true }
  | { readonly ok: false; readonly error: string };

/** Exit code of a usage error (bad or missing flag). */
export const EXIT_USAGE = 2;
/** Exit code when writing failed. */
export const EXIT_FAILURE = 1;

const DEFAULT_SYMBOLS = ["BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT", "DOGEUSDT"];
const DEFAULT_START = "2024-01-01T00:00:00Z";
const MAX_MINUTES = 7 * 24 * 60;
const FLAGS = ["--symbols", "--minutes", "--seed", "--start", "--out"] as const;
const ISO_RE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const CHUNK_CHARS = 1 << 16;

/** Usage text printed by `--help` and after a usage error. */
export const USAGE = `usage: npm run generate -- --out DIR [--symbols BTCUSDT,ETHUSDT,...] [--minutes N] [--seed S] [--start ISO]
  --out      directory to write the recordings to (created if missing)
  --symbols  comma-separated [A-Z0-9]+USDT symbols (default ${DEFAULT_SYMBOLS.join(",")})
  --minutes  length of the run, a positive number up to ${MAX_MINUTES} (default 10)
  --seed     integer seed (default 1)
  --start    ISO time with a zone, or a date (default ${DEFAULT_START})
Writes synthetic_<symbol>_<yyyymmddThhmm>.bitget.jsonl.gz per symbol: a synthetic market for demos and tests.`;

/** Parses and validates the flags (`--flag value` or `--flag=value`); errors name the flag. */
export function parseGenerateArgs(argv: readonly string[]): ParsedArgs {
  const raw = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--help" || a === "-h") return { ok: true, help: true };
    if (!a.startsWith("--"))
      return { ok: false, error: `unexpected argument ${JSON.stringify(a)}: every value follows its flag` };
    const eq = a.indexOf("=");
    const flag = eq < 0 ? a : a.slice(0, eq);
    if (!(FLAGS as readonly string[]).includes(flag))
      return { ok: false, error: `unknown flag ${flag} (known: ${FLAGS.join(", ")})` };
    if (raw.has(flag)) return { ok: false, error: `${flag} is given twice` };
    const value = eq < 0 ? argv[++i] : a.slice(eq + 1);
    if (value === undefined || (eq < 0 && value.startsWith("--"))) return { ok: false, error: `${flag} needs a value` };
    raw.set(flag, value);
  }
  return validate(raw);
}

function validate(raw: Map<string, string>): ParsedArgs {
  const out = raw.get("--out");
  if (out === undefined || out === "")
    return { ok: false, error: "--out is required: the directory to write the recordings to" };
  const symbols = raw.has("--symbols") ? raw.get("--symbols")!.split(",") : DEFAULT_SYMBOLS;
  const badSymbol = symbols.find((s) => !/^[A-Z0-9]+USDT$/.test(s));
  if (badSymbol !== undefined)
    return {
      ok: false,
      error: `--symbols: ${JSON.stringify(badSymbol)} is not a symbol of the form [A-Z0-9]+USDT (e.g. BTCUSDT)`,
    };
  const twice = symbols.find((s, i) => symbols.indexOf(s) !== i);
  if (twice !== undefined) return { ok: false, error: `--symbols: ${twice} is listed twice` };
  const minutesText = raw.get("--minutes") ?? "10";
  const minutes = /^\d+(\.\d+)?$/.test(minutesText) ? Number(minutesText) : NaN;
  if (!(minutes > 0 && minutes <= MAX_MINUTES))
    return {
      ok: false,
      error: `--minutes must be a positive number up to ${MAX_MINUTES}, got ${JSON.stringify(minutesText)}`,
    };
  const seedText = raw.get("--seed") ?? "1";
  const seed = /^-?\d+$/.test(seedText) ? Number(seedText) : NaN;
  if (!Number.isSafeInteger(seed))
    return { ok: false, error: `--seed must be an integer, got ${JSON.stringify(seedText)}` };
  const startText = raw.get("--start") ?? DEFAULT_START;
  const startMs = ISO_RE.test(startText) ? Date.parse(startText) : NaN;
  if (!(startMs >= 0))
    return {
      ok: false,
      error: `--start must be an ISO time with a zone like ${DEFAULT_START}, or a date, got ${JSON.stringify(startText)}`,
    };
  return { ok: true, args: { symbols, minutes, seed, startMs, out } };
}

/** The file name of a symbol's recording: the UTC minute of its first exchange timestamp, as the README names files. */
export function recordingFileName(symbol: string, firstTs: number): string {
  const iso = new Date(firstTs).toISOString();
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}`;
  return `synthetic_${symbol.toLowerCase()}_${stamp}.bitget.jsonl.gz`;
}

interface SymbolSummary {
  firstT: number;
  lastT: number;
  firstTs: number;
  trades: number;
  lines: number;
  counts: { books1: number; books15: number; trade: number };
}

/** Runs the command; returns the exit code (0, {@link EXIT_USAGE} or {@link EXIT_FAILURE}). */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const parsed = parseGenerateArgs(argv);
  if (!parsed.ok) {
    io.err(`generate: ${parsed.error}`);
    io.err(USAGE);
    return EXIT_USAGE;
  }
  if ("help" in parsed) {
    io.out(USAGE);
    return 0;
  }
  try {
    await write(parsed.args, io);
    return 0;
  } catch (e) {
    io.err(`generate: ${(e as Error).message}`);
    return EXIT_FAILURE;
  }
}

function options(args: GenerateArgs, onRegime?: (c: RegimeChange) => void): GenerateOptions {
  return { symbols: args.symbols, startMs: args.startMs, seed: args.seed, minutes: args.minutes, onRegime };
}

/** First pass: what each file's header needs (counts, first and last `t`), and the regime timeline. */
function summarize(args: GenerateArgs): { sums: Map<string, SymbolSummary>; regimes: RegimeChange[] } {
  const regimes: RegimeChange[] = [];
  const sums = new Map<string, SymbolSummary>();
  for (const { t, m } of generate(options(args, (c) => regimes.push(c)))) {
    let s = sums.get(m.arg.instId);
    if (!s)
      sums.set(
        m.arg.instId,
        (s = { firstT: t, lastT: t, firstTs: m.ts, trades: 0, lines: 0, counts: { books1: 0, books15: 0, trade: 0 } }),
      );
    s.lastT = t;
    s.lines++;
    s.counts[m.arg.channel]++;
    if (m.arg.channel === "trade") s.trades += m.data.length;
  }
  return { sums, regimes };
}

function header(
  symbol: string,
  args: GenerateArgs,
  profile: SymbolProfile,
  s: SymbolSummary,
  regimes: RegimeChange[],
): object {
  return {
    format: "bitget-ws-recording",
    version: 1,
    instType: "USDT-FUTURES",
    symbols: [symbol],
    source: "edge-scalper synthetic generator",
    note: "synthetic market, not real data: for demos and tests, never evidence of profitability",
    seed: args.seed,
    hasBook: true,
    channels: ["trade", "books1", "books15"],
    generator: { version: 1, symbols: args.symbols, startMs: args.startMs, minutes: args.minutes, profile },
    tClock: "synthetic receive time, ms; books15 every 100 ms and books1 on a 20 ms grid of this clock",
    tsClock: "synthetic exchange time = t minus 5-40 ms latency, non-decreasing per symbol",
    seq: "per-file counter shared by books1 and books15, +1 per book push",
    regimes,
    stats: { trades: s.trades },
    counts: s.counts,
    firstT: s.firstT,
    lastT: s.lastT,
    spanMs: s.lastT - s.firstT,
  };
}

interface Sink {
  readonly symbol: string;
  readonly tmp: string;
  readonly file: string;
  readonly gz: Gzip;
  readonly stream: WriteStream;
  readonly done: Promise<void>;
  chunk: string;
  lines: number;
}

async function write(args: GenerateArgs, io: CliIo): Promise<void> {
  const dir = resolve(args.out);
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new Error(`--out ${args.out}: cannot create the directory (${(e as Error).message})`);
  }
  const { sums, regimes } = summarize(args);
  const sinks = new Map<string, Sink>();
  try {
    for (const symbol of args.symbols) {
      const s = sums.get(symbol)!;
      const sink = openSink(dir, symbol, s);
      sinks.set(symbol, sink);
      sink.chunk = `${JSON.stringify(header(symbol, args, profileFor(symbol), s, regimes))}\n`;
    }
    for (const p of generate(options(args))) {
      const sink = sinks.get(p.m.arg.instId)!;
      sink.chunk += `${JSON.stringify(p)}\n`;
      sink.lines++;
      if (sink.chunk.length >= CHUNK_CHARS) await flush(sink);
    }
    for (const sink of sinks.values()) {
      if (sink.lines !== sums.get(sink.symbol)!.lines)
        throw new Error(
          `${sink.symbol}: second pass wrote ${sink.lines} lines, first counted ${sums.get(sink.symbol)!.lines}`,
        );
      await flush(sink);
      sink.gz.end();
    }
    await Promise.all([...sinks.values()].map((s) => s.done));
    for (const sink of sinks.values()) await rename(sink.tmp, sink.file);
  } catch (e) {
    for (const sink of sinks.values()) {
      sink.gz.destroy();
      sink.stream.destroy();
    }
    await Promise.all(
      [...sinks.values()].map((s) => s.done.catch(() => {}).then(() => rm(s.tmp, { force: true }).catch(() => {}))),
    );
    throw e;
  }
  for (const sink of sinks.values()) io.out(await summaryLine(sink, sums.get(sink.symbol)!, args.minutes));
}

function openSink(dir: string, symbol: string, s: SymbolSummary): Sink {
  const name = recordingFileName(symbol, s.firstTs);
  const tmp = join(dir, `.${name}.${process.pid}.tmp`);
  const gz = createGzip();
  const stream = createWriteStream(tmp);
  gz.pipe(stream);
  const done = new Promise<void>((ok, fail) => {
    gz.on("error", fail);
    stream.on("error", fail);
    stream.on("close", () =>
      stream.writableFinished ? ok() : fail(new Error(`${tmp}: closed before it was complete`)),
    );
  });
  done.catch(() => {});
  return { symbol, tmp, file: join(dir, name), gz, stream, done, chunk: "", lines: 0 };
}

async function flush(sink: Sink): Promise<void> {
  if (sink.chunk.length === 0) return;
  const ok = sink.gz.write(sink.chunk);
  sink.chunk = "";
  if (!ok) await Promise.race([once(sink.gz, "drain"), sink.done]);
}

async function summaryLine(sink: Sink, s: SymbolSummary, minutes: number): Promise<string> {
  const bytes = (await stat(sink.file)).size;
  return `${sink.file}: ${sink.symbol} ${minutes} min, ${s.trades} trades in ${s.counts.trade} pushes, ${s.counts.books1} books1, ${s.counts.books15} books15, ${(bytes / 1e6).toFixed(2)} MB`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
