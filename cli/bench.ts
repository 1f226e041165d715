/**
 * `npm run bench [-- --json] [-- --quick]`: speed and memory of the hot paths, measured in one run.
 * Figures are medians of repeated timed runs after a warm-up; the machine is shared and noisy, so
 * compare figures from the same run (the ratios) rather than across runs.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { gunzipSync } from "node:zlib";
import { BollingerBands as TiBollinger, EMA as TiEma, MACD as TiMacd, RSI as TiRsi } from "technicalindicators";
import { defaultConfig } from "../shared/config/config";
import type { TradeTick } from "../shared/market/events";
import { SymbolFeatures } from "../shared/indicators/symbol-features";
import { runBacktest } from "./backtest";
import { expandDataPaths, sessionsOf } from "./merge-recordings";
import { readRecordingBatches, type ReadOptions } from "./recording-file";

interface Figure {
  readonly key: string;
  readonly value: number;
  readonly unit: string;
  readonly target?: string;
  readonly note: string;
}

const settings = defaultConfig().indicators;
const T0 = Date.UTC(2024, 0, 1);

/** A seeded BTC-like trade stream: ~5 trades/s with silent gaps, random-walk prices on a 0.1 tick. */
export function benchTrades(count: number, seed = 1, start = T0): TradeTick[] {
  let s = seed >>> 0;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  let ts = start;
  let price = 65_000;
  const out: TradeTick[] = new Array(count);
  for (let i = 0; i < count; i++) {
    ts += Math.floor(-Math.log(1 - rand()) * 200);
    price = Math.max(1000, price + Math.round((rand() - 0.5) * 40) / 10);
    out[i] = { ts, price: Math.round(price * 10) / 10, size: Math.round((0.001 + rand() * rand() * 2) * 1000) / 1000, side: rand() < 0.5 ? "buy" : "sell" };
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

let sink = 0;

function nsPerTrade(trades: TradeTick[], withSnapshot: boolean, runs: number): number {
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    const f = new SymbolFeatures("BTCUSDT", settings);
    const warm = Math.floor(trades.length / 5);
    for (let i = 0; i < warm; i++) f.onTrade(trades[i]);
    const t0 = performance.now();
    for (let i = warm; i < trades.length; i++) {
      f.onTrade(trades[i]);
      if (withSnapshot) sink += f.snapshot().ts;
    }
    samples.push(((performance.now() - t0) * 1e6) / (trades.length - warm));
  }
  return median(samples);
}

function symbols100(trades: TradeTick[], rounds: number): number {
  const symbols = Array.from({ length: 100 }, (_, i) => new SymbolFeatures(`S${i}USDT`, settings));
  const warm = trades.length - rounds;
  for (let i = 0; i < warm; i++) for (const f of symbols) f.onTrade(trades[i]);
  const samples: number[] = [];
  for (let i = warm; i < trades.length; i++) {
    const t0 = performance.now();
    for (const f of symbols) {
      f.onTrade(trades[i]);
      sink += f.snapshot().ts;
    }
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

/** The naive way: every tick, technicalindicators recomputes each standard indicator over the last 200 one-second closes. */
function naiveNsPerTick(trades: TradeTick[], ticks: number): number {
  const closes: number[] = [];
  let second = -1;
  for (const t of trades) {
    const sec = Math.floor(t.ts / 1000);
    if (sec !== second) {
      for (let g = second + 1; second >= 0 && g < sec; g++) closes.push(closes[closes.length - 1]);
      closes.push(t.price);
      second = sec;
    } else closes[closes.length - 1] = t.price;
    if (closes.length >= 400) break;
  }
  const window = closes.slice(-200);
  const t0 = performance.now();
  for (let i = 0; i < ticks; i++) {
    window[199] = trades[i].price;
    for (const p of settings.rsiPeriods) sink += TiRsi.calculate({ period: p, values: window }).length;
    sink += TiMacd.calculate({ fastPeriod: settings.macd.fast, slowPeriod: settings.macd.slow, signalPeriod: settings.macd.signal, SimpleMAOscillator: false, SimpleMASignal: false, values: window }).length;
    for (const b of settings.bollinger) sink += TiBollinger.calculate({ period: b.period, stdDev: b.k, values: window }).length;
    for (const [f, s] of settings.emaPairs) {
      sink += TiEma.calculate({ period: f, values: window }).length;
      sink += TiEma.calculate({ period: s, values: window }).length;
    }
  }
  return ((performance.now() - t0) * 1e6) / ticks;
}

function heapPerSymbol(trades: TradeTick[], symbols: number): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return NaN;
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const all = Array.from({ length: symbols }, (_, i) => new SymbolFeatures(`S${i}USDT`, settings));
  for (const f of all) for (const t of trades) f.onTrade(t);
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  sink += all.length;
  return (after - before) / symbols;
}

/** Runs the indicator benchmarks of issue #2. */
export function benchIndicators(quick: boolean): Figure[] {
  const trades = benchTrades(quick ? 100_000 : 500_000);
  const runs = quick ? 3 : 5;
  const perTrade = nsPerTrade(trades, true, runs);
  const perUpdate = nsPerTrade(trades, false, runs);
  const naive = naiveNsPerTick(trades, quick ? 300 : 1000);
  const hourOfTrades = benchTrades(Math.ceil((3_700 * 1000) / 200), 2);
  const heap = heapPerSymbol(hourOfTrades, quick ? 10 : 50);
  return [
    { key: "nsPerTradeEvent", value: perTrade, unit: "ns", target: "<= 2000", note: "one trade through the bar aggregator, every family updated, and the full snapshot built" },
    { key: "nsPerTradeUpdate", value: perUpdate, unit: "ns", note: "the same without building the snapshot" },
    { key: "symbols100Ms", value: symbols100(trades.slice(0, quick ? 20_000 : 60_000), quick ? 500 : 2000), unit: "ms", target: "<= 1", note: "one new trade for each of 100 symbols, all features updated and snapshotted (median round)" },
    { key: "naiveNsPerTick", value: naive, unit: "ns", note: "technicalindicators recomputing RSI x4, MACD, BB x2, EMA x6 over a 200-bar window per tick" },
    { key: "naiveRatio", value: naive / perTrade, unit: "x", target: ">= 1000", note: "naive per tick / ours per trade (ours also does order flow, VWAP, momentum, structure)" },
    { key: "heapBytesPerSymbol", value: heap, unit: "B", target: "<= 2 MB", note: "retained heap per symbol after an hour of trades (rings full), needs --expose-gc" },
  ];
}

/** Where the team's dev recordings live (absent in a user's clone). */
const RECORDINGS = resolve(import.meta.dirname, "../../shared/data/recordings");

/**
 * Backtest throughput on the dev recordings (issue #3), parsing included, against merely parsing them.
 * Each run uses a fresh, empty recording cache: the cold backtest builds it (gunzip, parse, encode,
 * write), the warm one reads it. `cacheBuildMs` is the time to build the caches of every file alone.
 */
export async function benchBacktest(quick: boolean): Promise<Figure[]> {
  if (!existsSync(RECORDINGS)) {
    console.error(`bench: ${RECORDINGS} not found; backtest figures skipped`);
    return [];
  }
  const files = await expandDataPaths([RECORDINGS]);
  const sessions = sessionsOf(files);
  const config = defaultConfig();
  const runs = quick ? 2 : 3;
  const cold: number[] = [];
  const warm: number[] = [];
  const parse: number[] = [];
  const build: number[] = [];
  const plain: number[] = [];
  let events = 0;
  let cacheBytes = 0;
  const backtest = async (read: ReadOptions) => {
    const t0 = performance.now();
    events = 0;
    for (const session of sessions) events += (await runBacktest(session, config, "bench", 1000, { deterministic: true, read })).run.events;
    return performance.now() - t0;
  };
  await backtest({ cache: false });
  for (let r = 0; r < runs; r++) {
    parse.push(gunzipAndParseMs(files));
    plain.push(await readAllMs(files, { cache: false }));
    const buildDir = mkdtempSync(join(tmpdir(), "edge-scalper-bench-cache-"));
    build.push(await readAllMs(files, { cache: { dir: buildDir } }));
    cacheBytes = readdirSync(buildDir).reduce((a, n) => a + statSync(join(buildDir, n)).size, 0);
    rmSync(buildDir, { recursive: true, force: true });
    const dir = mkdtempSync(join(tmpdir(), "edge-scalper-bench-cache-"));
    cold.push(await backtest({ cache: { dir } }));
    warm.push(await backtest({ cache: { dir } }));
    rmSync(dir, { recursive: true, force: true });
  }
  const gzBytes = files.reduce((a, f) => a + statSync(f).size, 0);
  const what = `the ${files.length} dev recordings as their ${sessions.length} capture sessions (${events} market events), default config`;
  const mb = (n: number) => (n / 1e6).toFixed(1);
  return [
    { key: "backtestEventsPerSecond", value: events / (median(warm) / 1000), unit: "ev/s", target: ">= 1000000", note: `${what}, warm: read from the recording cache` },
    { key: "backtestParseRatio", value: median(warm) / median(parse), unit: "x", target: "<= 2", note: "warm backtest time / time to gunzip and JSON.parse the same lines" },
    { key: "backtestColdEventsPerSecond", value: events / (median(cold) / 1000), unit: "ev/s", note: `${what}, cold: gunzip and parsing included, building the cache` },
    { key: "cacheBuildMs", value: median(build), unit: "ms", note: `reading every file while building its cache (plain uncached read: ${median(plain).toFixed(0)} ms); cache ${mb(cacheBytes)} MB vs ${mb(gzBytes)} MB of .gz` },
  ];
}

function gunzipAndParseMs(files: readonly string[]): number {
  const t0 = performance.now();
  for (const f of files) {
    const text = gunzipSync(readFileSync(f)).toString("utf8");
    let start = 0;
    for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
      if (nl > start) sink += JSON.parse(text.slice(start, nl)) ? 1 : 0;
      start = nl + 1;
    }
  }
  return performance.now() - t0;
}

async function readAllMs(files: readonly string[], read: ReadOptions): Promise<number> {
  const t0 = performance.now();
  for (const f of files) for await (const x of readRecordingBatches(f, read)) sink += Array.isArray(x) ? x.length : 0;
  return performance.now() - t0;
}

function printTable(figures: Figure[]): void {
  const rows = figures.map((f) => [f.key, formatValue(f.value), f.unit, f.target ?? "", f.note]);
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c].length), ["figure", "value", "unit", "target"][c].length));
  const line = (r: string[]) => r.map((x, i) => (i < 4 ? x.padEnd(widths[i]) : x)).join("  ");
  console.log(line(["figure", "value", "unit", "target", "what"]));
  for (const r of rows) console.log(line(r));
}

function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3);
}

async function main(argv: string[]): Promise<number> {
  const known = new Set(["--json", "--quick"]);
  const unknown = argv.filter((a) => !known.has(a));
  if (unknown.length > 0) {
    console.error(`bench: unknown option ${unknown[0]} (options: --json, --quick)`);
    return 2;
  }
  const quick = argv.includes("--quick");
  const figures = [...benchIndicators(quick), ...(await benchBacktest(quick))];
  if (argv.includes("--json")) {
    const out: Record<string, number | string> = { node: process.version, quick: String(quick) };
    for (const f of figures) out[f.key] = Number(f.value.toPrecision(6));
    console.log(JSON.stringify(out));
  } else {
    printTable(figures);
  }
  if (sink === 42) console.error("");
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("bench.ts")) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
