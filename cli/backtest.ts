/**
 * `npm run backtest -- --data <file|dir>... [--config cfg.json] [--capital 1000] [--json]
 *  [--report out.html] [--lookahead-check] [--deterministic] [--no-cache]`
 *
 * Replays recordings (format v1) through the same engine, portfolio rules and simulated broker
 * the live stack uses, and prints the metrics (a table, or one JSON document with --json).
 * Decoded recordings are cached (./recording-cache.ts), so a second run of the same files skips
 * parsing; --no-cache reads the sources only and writes no cache.
 */
import { readFile } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { Backtest, type BacktestRun } from "../shared/backtest/backtest";
import { computeMetrics, daily, type DailyStats, type Summary } from "../shared/backtest/metrics";
import { renderReport } from "../shared/backtest/report-html";
import { parseConfig } from "../shared/config/config";
import type { BotConfig } from "../shared/config/schema";
import type { MarketEvent } from "../shared/market/events";
import { parseArgs } from "./args";
import { expandDataPaths, mergeRecordingBatches, overlappingSymbols, readHeaders } from "./merge-recordings";
import { RecordingError, type ReadOptions } from "./recording-file";
import { splitSymbol } from "../shared/market/quote";
import { processIo, writeFileAtomic, type CliIo } from "./io";

const FLAGS = {
  data: { type: "list" },
  config: { type: "string" },
  capital: { type: "number", min: 1 },
  json: { type: "boolean" },
  report: { type: "string" },
  "lookahead-check": { type: "boolean" },
  deterministic: { type: "boolean" },
  "no-cache": { type: "boolean" },
  help: { type: "boolean" },
} as const;

const USAGE =
  "usage: npm run backtest -- --data <file|dir>... [--config cfg.json] [--capital 1000] [--json] [--report out.html] [--lookahead-check] [--deterministic] [--no-cache]";

/** The JSON document of a run. */
export interface BacktestDocument {
  readonly config: BotConfig & { readonly version: string };
  readonly data: string[];
  readonly trades: BacktestRun["trades"];
  readonly daily: DailyStats[];
  readonly summary: Summary;
  readonly denials: Record<string, number>;
  readonly entries: number;
  readonly symbols: string[];
  /** Currency of prices, PnL, fees and capital (the symbols' quote: USDT for USDT-M, ETH for XRPETH, …). */
  readonly quote: string;
  /** Every change of the learnt weights; present only with `config.learning.enabled`. */
  readonly weightChanges?: BacktestRun["weightChanges"];
  readonly elapsedMs: number | null;
}

/**
 * Runs the backtest over `files` and returns the document and the run (no output written).
 * `cutAt` drops events after that exchange time; `cutAfterEvents` stops after that many events (a
 * cut in receive order, as the bot saw the stream); `window` keeps only events with `from <= ts < to`
 * (a fresh run over that span: features warm up inside it, positions close at its end).
 */
export async function runBacktest(
  files: string[],
  config: BotConfig,
  version: string,
  capital: number,
  opts: {
    deterministic?: boolean;
    progress?: (t: string) => void;
    cutAt?: number;
    cutAfterEvents?: number;
    window?: { readonly from: number; readonly to: number };
    read?: ReadOptions;
  } = {},
): Promise<{ doc: BacktestDocument; run: BacktestRun }> {
  const bt = new Backtest({ config, configVersion: version, capital });
  const t0 = performance.now();
  let n = 0;
  let lastShown = t0;
  let fed = 0;
  const limit = opts.cutAfterEvents ?? Infinity;
  replay: for await (const batch of mergeRecordingBatches(files, opts.read)) {
    for (const rec of batch) {
      for (const e of rec.events) {
        if (fed >= limit) break replay;
        if (opts.cutAt !== undefined && e.ts > opts.cutAt) continue;
        if (opts.window !== undefined && (e.ts < opts.window.from || e.ts >= opts.window.to)) continue;
        bt.onEvent(e as MarketEvent);
        fed++;
      }
      if (opts.progress && ++n % 4096 === 0 && performance.now() - lastShown > 250) {
        lastShown = performance.now();
        opts.progress(`\rbacktest: ${n.toLocaleString("en")} pushes replayed`);
      }
    }
  }
  const run = bt.finish();
  const elapsedMs = performance.now() - t0;
  if (opts.progress && n >= 4096) opts.progress("\n");
  const summary = computeMetrics({
    trades: run.trades,
    capital,
    equityCurve: run.equityCurve,
    unfilledEntries: run.unfilledEntries,
    tradeOnly: run.tradeOnly,
    events: run.events,
    elapsedMs: opts.deterministic ? 0 : elapsedMs,
  });
  const doc: BacktestDocument = {
    config: { ...config, version },
    data: files,
    trades: run.trades,
    daily: daily({ trades: run.trades, capital, equityCurve: run.equityCurve }),
    summary,
    denials: run.denials,
    entries: run.entries.length,
    symbols: run.symbols,
    quote: splitSymbol(run.symbols[0] ?? "")?.quote ?? "USDT",
    ...(config.learning.enabled ? { weightChanges: run.weightChanges } : {}),
    elapsedMs: opts.deterministic ? null : Math.round(elapsedMs),
  };
  return { doc, run };
}

/**
 * Re-runs the data cut right after each entry decision (at most `limit` entries, spread over the
 * run) and checks that the engine makes the same decision without anything later in the stream.
 * The cut is by position in receive order, not by exchange time: two feeds' timestamps interleave
 * (a book push stamped later can arrive before a trade stamped earlier), and what the bot had
 * received is what it may use. Returns the entries that differ.
 */
export async function lookaheadCheck(
  files: string[],
  config: BotConfig,
  version: string,
  capital: number,
  full: BacktestRun,
  limit = 12,
  read: ReadOptions = {},
): Promise<{ checked: number; mismatches: string[] }> {
  const step = Math.max(1, Math.ceil(full.entries.length / limit));
  const sample = full.entries.filter((_, i) => i % step === 0);
  const mismatches: string[] = [];
  for (const entry of sample) {
    const { run } = await runBacktest(files, config, version, capital, {
      deterministic: true,
      cutAfterEvents: entry.eventIndex,
      read,
    });
    const same = run.entries.find((x) => x.eventIndex === entry.eventIndex && x.symbol === entry.symbol);
    if (!same || same.side !== entry.side || same.clientOid !== entry.clientOid)
      mismatches.push(`${entry.symbol} ${entry.side} at ${new Date(entry.ts).toISOString()}`);
  }
  return { checked: sample.length, mismatches };
}

/** The CLI; returns the exit code (0 ok, 1 failure, 2 usage or input error). */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const parsed = parseArgs(argv, FLAGS);
  if (!parsed.ok) {
    io.err(`backtest: ${parsed.error}\n${USAGE}`);
    return 2;
  }
  const f = parsed.flags;
  if (f.help) {
    io.out(USAGE);
    return 0;
  }
  if (!f.data) {
    io.err(`backtest: --data is required\n${USAGE}`);
    return 2;
  }
  const cfg = await loadConfig(f.config);
  if (!cfg.ok) {
    io.err(cfg.error);
    return 2;
  }
  const capital = f.capital ?? 1000;
  const read: ReadOptions = f["no-cache"] ? { cache: false } : {};
  try {
    const files = await expandDataPaths(f.data);
    const clash = overlappingSymbols(files, await readHeaders(files, read));
    if (clash !== null) {
      io.err(`backtest: ${clash}`);
      return 2;
    }
    const { doc, run } = await runBacktest(files, cfg.config, cfg.version, capital, {
      deterministic: f.deterministic,
      progress: io.progress,
      read,
    });
    if (f["lookahead-check"]) {
      const check = await lookaheadCheck(files, cfg.config, cfg.version, capital, run, 12, read);
      io.err(
        `lookahead check: ${check.checked} entries re-decided on data cut at their time, ${check.mismatches.length} differ`,
      );
      if (check.mismatches.length > 0) {
        check.mismatches.forEach((m) => io.err(`  differs: ${m}`));
        return 1;
      }
    }
    if (f.report) {
      const html = renderReport({
        summary: doc.summary,
        daily: doc.daily,
        trades: doc.trades,
        equityCurve: run.equityCurve,
        prices: Object.entries(run.prices).map(([symbol, points]) => ({ symbol, points })),
        config: doc.config,
        configVersion: cfg.version,
        title: `edge-scalper backtest: ${run.symbols.join(", ")}`,
      });
      await writeFileAtomic(f.report, html);
    }
    io.out(f.json ? JSON.stringify(doc) : table(doc));
    return 0;
  } catch (e) {
    if (e instanceof RecordingError) {
      io.err(`backtest: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

async function loadConfig(
  path: string | undefined,
): Promise<{ ok: true; config: BotConfig; version: string } | { ok: false; error: string }> {
  let raw: unknown = {};
  if (path !== undefined) {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch {
      return { ok: false, error: `backtest: --config ${path}: no such file` };
    }
    try {
      raw = JSON.parse(text);
    } catch (e) {
      return { ok: false, error: `backtest: --config ${path}: not JSON (${(e as Error).message})` };
    }
  }
  const r = parseConfig(raw);
  if (!r.ok)
    return {
      ok: false,
      error: `backtest: --config ${path}: invalid config\n${r.issues.map((i) => `  ${i.path || "(root)"}: ${i.message}`).join("\n")}`,
    };
  return { ok: true, config: r.config, version: r.version };
}

function table(doc: BacktestDocument): string {
  const s = doc.summary;
  const fmt = (v: number | null | boolean, d = 4) =>
    v === null ? "n/a" : typeof v === "boolean" ? String(v) : Number.isInteger(v) ? String(v) : v.toFixed(d);
  const rows: [string, string][] = [
    ["symbols", doc.symbols.join(", ")],
    ["config version", doc.config.version],
    ["capital", `${fmt(s.capital, 2)} ${doc.quote}`],
    ["final equity", fmt(s.finalEquity, 2)],
    ["trades", fmt(s.trades)],
    ["win rate", fmt(s.winRate)],
    ["profit factor", fmt(s.profitFactor)],
    ["expectancy", fmt(s.expectancy)],
    ["net / gross PnL", `${fmt(s.netPnl, 2)} / ${fmt(s.grossPnl, 2)}`],
    ["fees (fee impact)", `${fmt(s.fees, 2)} (${fmt(s.feeImpact)})`],
    ["max drawdown", fmt(s.maxDrawdown)],
    ["Sharpe daily / per trade", `${fmt(s.sharpeDaily)} / ${fmt(s.sharpePerTrade)}`],
    ["avg hold s", fmt(s.avgHoldSeconds, 1)],
    [
      "exit reasons",
      Object.entries(s.exitReasons)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${k} ${n}`)
        .join(", ") || "none",
    ],
    [
      "entries decided / refused",
      `${doc.entries} / ${
        Object.entries(doc.denials)
          .map(([k, n]) => `${k} ${n}`)
          .join(", ") || "none"
      }`,
    ],
    ["unfilled entries", fmt(s.unfilledEntries)],
    ["trade-only data", fmt(s.tradeOnly)],
    ["events/s", fmt(s.eventsPerSecond, 0)],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join("\n");
}

if (process.argv[1]?.endsWith("backtest.ts")) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
