/**
 * `npm run bench [-- --json] [-- --quick]`: speed and memory of the hot paths, measured in one run.
 * Figures are medians of repeated timed runs after a warm-up; the machine is shared and noisy, so
 * compare figures from the same run (the ratios) rather than across runs.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { gunzipSync } from "node:zlib";
import { BollingerBands as TiBollinger, EMA as TiEma, MACD as TiMacd, RSI as TiRsi } from "technicalindicators";
import { defaultConfig } from "../shared/config/config";
import type { TradeTick } from "../shared/market/events";
import { SymbolFeatures } from "../shared/indicators/symbol-features";
import { BollingerBands } from "../shared/indicators/bollinger-bands";
import { EmaCrossSet } from "../shared/indicators/ema-cross";
import { Macd } from "../shared/indicators/macd";
import { Rsi } from "../shared/indicators/rsi";
import { runBacktest } from "./backtest";
import { expandDataPaths, sessionsOf } from "./merge-recordings";
import { readRecordingBatches, type ReadOptions } from "./recording-file";
import { benchE2eLive } from "./bench-live";
import { startStack, type Stack } from "./stack";
import { instrumentsFor } from "./venue/market-source";
import { startVenue, type Venue } from "./venue/server";
import type { AgentStatusView } from "../shared/runner/agent-status";
import { measureOptimizer } from "./research/bench-optimizer";
import { benchCosts } from "./bench-costs";
import { lcg } from "../shared/research/prng";
import { DEFAULT_TRIALS } from "../shared/research/sampler";

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
  const rand = lcg(seed);
  let ts = start;
  let price = 65_000;
  const out: TradeTick[] = new Array(count);
  for (let i = 0; i < count; i++) {
    ts += Math.floor(-Math.log(1 - rand()) * 200);
    price = Math.max(1000, price + Math.round((rand() - 0.5) * 40) / 10);
    out[i] = {
      ts,
      price: Math.round(price * 10) / 10,
      size: Math.round((0.001 + rand() * rand() * 2) * 1000) / 1000,
      side: rand() < 0.5 ? "buy" : "sell",
    };
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

let sink = 0;

/** How each timed trade is followed: nothing, the engine's in-place view with every family read, or a fresh snapshot tree. */
type Read = "none" | "view" | "fresh";

/** Reads every family of the view (each family is brought up to date and computed on its first read). */
function readView(f: SymbolFeatures): number {
  const v = f.view();
  return (
    v.ts +
    (v.rsi[0].value ?? 0) +
    (v.macd?.histogram ?? 0) +
    (v.bollinger[0].value?.middle ?? 0) +
    (v.emaCross?.agree ?? 0) +
    (v.vwap[0].value?.vwap ?? 0) +
    (v.orderFlow[0].value?.delta ?? 0) +
    (v.tickMomentum?.upRatio ?? 0) +
    (v.priceAction?.trend ?? 0) +
    (v.liquiditySweep?.signal ?? 0) +
    (v.rsiDivergence?.signal ?? 0) +
    (v.macdDivergence?.signal ?? 0) +
    (v.book.mid ?? 0) +
    v.volume.recent +
    (v.returnStd1s ?? 0) +
    v.trend.length
  );
}

function nsPerTrade(trades: TradeTick[], read: Read, runs: number): number {
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    const f = new SymbolFeatures("BTCUSDT", settings);
    const warm = Math.floor(trades.length / 5);
    for (let i = 0; i < warm; i++) f.onTrade(trades[i]);
    // A local accumulator: a module-level `sink` would box a heap number on every iteration.
    let local = 0;
    const t0 = performance.now();
    for (let i = warm; i < trades.length; i++) {
      f.onTrade(trades[i]);
      if (read === "view") local += readView(f);
      else if (read === "fresh") local += f.snapshot().ts;
    }
    samples.push(((performance.now() - t0) * 1e6) / (trades.length - warm));
    sink += local;
  }
  return median(samples);
}

function symbols100(trades: TradeTick[], rounds: number): number {
  const symbols = Array.from({ length: 100 }, (_, i) => new SymbolFeatures(`S${i}USDT`, settings));
  const warm = trades.length - rounds;
  for (let i = 0; i < warm; i++) for (const f of symbols) f.onTrade(trades[i]);
  const samples: number[] = [];
  for (let i = warm; i < trades.length; i++) {
    let local = 0;
    const t0 = performance.now();
    for (const f of symbols) {
      f.onTrade(trades[i]);
      local += readView(f);
    }
    samples.push(performance.now() - t0);
    sink += local;
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
    sink += TiMacd.calculate({
      fastPeriod: settings.macd.fast,
      slowPeriod: settings.macd.slow,
      signalPeriod: settings.macd.signal,
      SimpleMAOscillator: false,
      SimpleMASignal: false,
      values: window,
    }).length;
    for (const b of settings.bollinger)
      sink += TiBollinger.calculate({ period: b.period, stdDev: b.k, values: window }).length;
    for (const [f, s] of settings.emaPairs) {
      sink += TiEma.calculate({ period: f, values: window }).length;
      sink += TiEma.calculate({ period: s, values: window }).length;
    }
  }
  return ((performance.now() - t0) * 1e6) / ticks;
}

/**
 * Ours doing exactly the naive case's work: RSI x4, MACD, BB x2 and the six EMAs of the three pairs
 * on 1-second closes, updated per tick (`add` on a new second, `replace` while it forms).
 */
function oursStandardNsPerTick(trades: TradeTick[], runs: number): number {
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    const rsi = settings.rsiPeriods.map((p) => new Rsi(p));
    const macd = new Macd(settings.macd.fast, settings.macd.slow, settings.macd.signal);
    const bb = settings.bollinger.map((b) => new BollingerBands(b.period, b.k, settings.squeezeLookback));
    const ema = new EmaCrossSet(settings.emaPairs.map(([f, s]) => [f, s] as [number, number]));
    let second = -1;
    let local = 0;
    const warm = Math.floor(trades.length / 5);
    let t0 = 0;
    for (let i = 0; i < trades.length; i++) {
      if (i === warm) t0 = performance.now();
      const t = trades[i];
      const sec = Math.floor(t.ts / 1000);
      const fresh = sec !== second;
      second = sec;
      for (const x of rsi) local += (fresh ? x.add(t.price) : x.replace(t.price)) ?? 0;
      local += (fresh ? macd.add(t.price) : macd.replace(t.price))?.histogram ?? 0;
      for (const x of bb) local += (fresh ? x.add(t.price) : x.replace(t.price))?.middle ?? 0;
      local += (fresh ? ema.add(t.price) : ema.replace(t.price))?.agree ?? 0;
    }
    samples.push(((performance.now() - t0) * 1e6) / (trades.length - warm));
    sink += local;
  }
  return median(samples);
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
  const perTrade = nsPerTrade(trades, "view", runs);
  const perUpdate = nsPerTrade(trades, "none", runs);
  const perFresh = nsPerTrade(trades, "fresh", runs);
  // Naive and ours measured back to back in each round, the ratio taken per round: the shared
  // machine's speed drifts between measurements a few seconds apart.
  const pairs = Array.from({ length: runs }, () => {
    const n = naiveNsPerTick(trades, quick ? 100 : 250);
    return { naive: n, ours: oursStandardNsPerTick(trades, 1) };
  });
  const naive = median(pairs.map((p) => p.naive));
  const standard = median(pairs.map((p) => p.ours));
  const naiveRatio = median(pairs.map((p) => p.naive / p.ours));
  const hourOfTrades = benchTrades(Math.ceil((3_700 * 1000) / 200), 2);
  const heap = heapPerSymbol(hourOfTrades, quick ? 10 : 50);
  return [
    {
      key: "nsPerTradeEvent",
      value: perTrade,
      unit: "ns",
      target: "<= 2000",
      note: "one trade through the bar aggregator, every family updated, and every family of the snapshot computed and read (the engine's in-place FeatureView)",
    },
    { key: "nsPerTradeUpdate", value: perUpdate, unit: "ns", note: "the same without reading the snapshot" },
    {
      key: "nsPerTradeFreshSnapshot",
      value: perFresh,
      unit: "ns",
      note: "the same with a fresh snapshot object tree per trade (what the API's status sends)",
    },
    {
      key: "symbols100Ms",
      value: symbols100(trades.slice(0, quick ? 20_000 : 60_000), quick ? 500 : 2000),
      unit: "ms",
      target: "<= 1",
      note: "one new trade for each of 100 symbols, all features updated and snapshotted (median round)",
    },
    {
      key: "naiveNsPerTick",
      value: naive,
      unit: "ns",
      note: "technicalindicators recomputing RSI x4, MACD, BB x2, EMA x6 over a 200-bar window per tick",
    },
    {
      key: "naiveRatio",
      value: naiveRatio,
      unit: "x",
      target: ">= 1000",
      note: `the same work both ways: naive per tick / ours per tick on the same indicators, median of ${runs} back-to-back pairs (ours ${standard.toFixed(0)} ns)`,
    },
    {
      key: "naiveRatioWholeSnapshot",
      value: naive / perTrade,
      unit: "x",
      note: "naive per tick / our whole per-trade update and snapshot (which also does bars, order flow, VWAP, momentum, structure)",
    },
    {
      key: "heapBytesPerSymbol",
      value: heap,
      unit: "B",
      target: "<= 2 MB",
      note: "retained heap per symbol after an hour of trades (rings full), needs --expose-gc",
    },
  ];
}

/** Where the team's dev recordings live (absent in a user's clone). */
const RECORDINGS = resolve(import.meta.dirname, "../../shared/data/recordings");

/**
 * Backtest throughput on the dev recordings (issue #3), parsing included, against merely parsing them.
 * After untimed warm-up runs, each round uses a fresh, empty recording cache: the cold backtest
 * builds it (gunzip, parse, encode, write), the warm one reads it. `cacheBuildMs` is the time to
 * build the caches of every file alone.
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
    for (const session of sessions)
      events += (await runBacktest(session, config, "bench", 1000, { deterministic: true, read })).run.events;
    return performance.now() - t0;
  };
  // Warm-up (untimed): the JIT settles over the first few runs of the engine and the cache reader.
  await backtest({ cache: false });
  const warmUpDir = mkdtempSync(join(tmpdir(), "edge-scalper-bench-cache-"));
  for (let i = 0; i < 3; i++) await backtest({ cache: { dir: warmUpDir } });
  rmSync(warmUpDir, { recursive: true, force: true });
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
    {
      key: "backtestEventsPerSecond",
      value: events / (median(warm) / 1000),
      unit: "ev/s",
      target: ">= 1000000",
      note: `${what}, warm: read from the recording cache`,
    },
    {
      key: "backtestParseRatio",
      value: median(warm) / median(parse),
      unit: "x",
      target: "<= 2",
      note: "warm backtest time / time to gunzip and JSON.parse the same lines",
    },
    {
      key: "backtestColdEventsPerSecond",
      value: events / (median(cold) / 1000),
      unit: "ev/s",
      note: `${what}, cold: gunzip and parsing included, building the cache`,
    },
    {
      key: "cacheBuildMs",
      value: median(build),
      unit: "ms",
      note: `reading every file while building its cache (plain uncached read: ${median(plain).toFixed(0)} ms); cache ${mb(cacheBytes)} MB vs ${mb(gzBytes)} MB of .gz`,
    },
  ];
}

/**
 * Optimiser speed (issue #7 §4) on generated data: the same walk-forward TPE search (the CLI defaults: 3 folds of 50 trials) on one
 * worker thread and on all cores, in this run; only the search is timed.
 */
export async function benchOptimizer(quick: boolean): Promise<Figure[]> {
  const r = await measureOptimizer({
    minutes: quick ? 10 : 20,
    folds: quick ? 2 : 3,
    trials: quick ? 8 : DEFAULT_TRIALS,
    rounds: quick ? 1 : 5,
  });
  const what = `${r.trials} trials (${r.folds} folds, TPE), ${r.events}`;
  return [
    {
      key: "optimizerSpeedup",
      value: r.speedup,
      unit: "x",
      target: ">= 1.7 on 2 cores",
      note: `${what}: search time on 1 worker / on ${r.workers} workers`,
    },
    {
      key: "optimizerTrialsPerMinute",
      value: r.trialsPerMinute,
      unit: "trials/min",
      note: `${what}, ${r.workers} workers; starting the pool took ${r.poolStartMs.toFixed(0)} ms more`,
    },
    {
      key: "optimizerMachineSpeedup",
      value: r.machineSpeedup,
      unit: "x",
      note: `control: a pure arithmetic loop on 1 vs ${r.workers} threads between the searches, i.e. what the (shared) machine allowed`,
    },
  ];
}

/** Symbol of the e2e bench. */
const E2E_SYMBOL = "BTCUSDT";
/** Pushes per measuring round: fewer than the agent keeps receipts of (128), so none is overwritten unread. */
const E2E_ROUND = 100;
/** Wall time between pushes, ms (200 pushes/s: several times the dev recordings' average of ~40/s). */
const E2E_GAP_MS = 5;

/**
 * End-to-end latency through the running local stack (issue #5 §7): the local venue in this process
 * and `wrangler dev` (paper mode, its own `--persist-to` directory), one agent subscribed to the
 * venue's public WebSocket. Pushes are injected into the venue one at a time, every
 * {@link E2E_GAP_MS} ms: BTCUSDT trades with a books15 and a books1 snapshot in every ten, each with
 * a unique exchange time. Latency of a push = the wall time the agent had handled it (features,
 * engine, session and paper broker run: the decision made and, had it entered, the order placed;
 * the agent's receipt ring, read from `GET /api/symbols/BTCUSDT`) − the wall time just before the
 * venue was handed it (the venue checks it and writes it to the socket synchronously).
 *
 * It covers the venue's send, loopback TCP, workerd's WebSocket, the delivery to the SymbolAgent
 * Durable Object (including waiting while the agent is busy, e.g. writing its state every 2 s),
 * the feed's decoding and the agent's handling. It does not cover an order reaching the venue:
 * the stack runs in paper mode, where orders fill in the agent's own simulated broker, so this is
 * push → decision, not push → order at the venue. Both clocks are the system wall clock in
 * whole ms (workerd's advances during execution under wrangler dev), so the resolution is 1 ms.
 */
export async function benchE2e(quick: boolean): Promise<Figure[]> {
  const persistTo = mkdtempSync(join(tmpdir(), "edge-scalper-bench-e2e-"));
  let venue: Venue | null = null;
  let stack: Stack | null = null;
  try {
    venue = await startVenue({ manual: { instruments: instrumentsFor([E2E_SYMBOL]) }, log: () => {} });
    stack = await startStack({ port: 0, feedUrl: venue.urls.wsPublic, persistTo });
    await stack.api("POST", `/api/symbols/${E2E_SYMBOL}/start`);
    await e2eConnected(stack);
    const next = e2ePushes(Date.now());
    await e2eRound(venue, stack, next);
    await e2eRound(venue, stack, next);
    const rounds = quick ? 5 : 20;
    const latencies: number[] = [];
    for (let r = 0; r < rounds; r++) latencies.push(...(await e2eRound(venue, stack, next)));
    const sent = rounds * E2E_ROUND;
    if (latencies.length === 0) throw new Error("the agent reported no receipts");
    latencies.sort((a, b) => a - b);
    const mean = latencies.reduce((a, x) => a + x, 0) / latencies.length;
    const what = `${latencies.length} of ${sent} pushes (1 in 10 books15, 1 in 10 books1, the rest trades) at ${1000 / E2E_GAP_MS}/s`;
    return [
      {
        key: "e2eLatencyP50Ms",
        value: quantile(latencies, 0.5),
        unit: "ms",
        note: `venue push sent → SymbolAgent has handled it (decision made, paper order placed), through wrangler dev; ${what}; mean ${mean.toFixed(2)} ms, min ${latencies[0]} ms; paper mode: no order reaches the venue`,
      },
      {
        key: "e2eLatencyP99Ms",
        value: quantile(latencies, 0.99),
        unit: "ms",
        target: "<= 5",
        note: `the same, 99th percentile (max ${latencies[latencies.length - 1]} ms); 1 ms resolution; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores while measured`,
      },
    ];
  } catch (e) {
    console.error(`bench: e2e figures skipped: ${(e as Error).message}`);
    return [];
  } finally {
    await stack?.stop();
    await venue?.close();
    rmSync(persistTo, { recursive: true, force: true });
  }
}

/** Nearest-rank quantile of sorted values. */
function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

async function e2eConnected(stack: Stack): Promise<void> {
  const start = Date.now();
  while (Date.now() - start < 20_000) {
    const { status } = await stack.api<{ status: AgentStatusView }>("GET", `/api/symbols/${E2E_SYMBOL}`);
    if (status.feed?.connected) return void (await sleep(1_000));
    await sleep(100);
  }
  throw new Error("the agent's feed did not connect to the venue within 20 s");
}

/** Injects one round of pushes, then reads the agent's receipts: push → handled latencies of the pushes it matched. */
async function e2eRound(
  venue: Venue,
  stack: Stack,
  next: () => Record<string, unknown> & { ts: number },
): Promise<number[]> {
  const sentAt = new Map<number, number>();
  for (let i = 0; i < E2E_ROUND; i++) {
    const push = next();
    sentAt.set(push.ts, Date.now());
    const r = venue.inject([push]);
    if (!r.ok) throw new Error(`the venue refused a push: ${r.error}`);
    await sleep(E2E_GAP_MS);
  }
  await sleep(100);
  const { status } = await stack.api<{ status: AgentStatusView }>("GET", `/api/symbols/${E2E_SYMBOL}`);
  const out: number[] = [];
  for (const receipt of status.receipts) {
    const at = sentAt.get(receipt.ts);
    if (at !== undefined) out.push(receipt.handledAt - at);
  }
  return out;
}

/** Bitget V2 public pushes of a seeded BTC-like market: books15 every 10th push, books1 5 pushes later, trades otherwise; exchange times unique. */
function e2ePushes(start: number): () => Record<string, unknown> & { ts: number } {
  const trades = benchTrades(100_000, 7);
  const arg = (channel: string) => ({ instType: "USDT-FUTURES", channel, instId: E2E_SYMBOL });
  let i = 0;
  return () => {
    const ts = start + i * E2E_GAP_MS;
    const t = trades[i % trades.length];
    const book = (depth: number) => [
      {
        asks: e2eLevels(t.price + 0.1, 0.1, depth),
        bids: e2eLevels(t.price, -0.1, depth),
        checksum: 0,
        seq: String(i + 1),
        ts: String(ts),
      },
    ];
    const kind = i % 10;
    const push =
      kind === 0
        ? { action: "snapshot", arg: arg("books15"), data: book(15), ts }
        : kind === 5
          ? { action: "snapshot", arg: arg("books1"), data: book(1), ts }
          : {
              action: "update",
              arg: arg("trade"),
              data: [
                {
                  ts: String(ts),
                  price: t.price.toFixed(1),
                  size: t.size.toFixed(3),
                  side: t.side,
                  tradeId: String(i + 1),
                },
              ],
              ts,
            };
    i++;
    return push;
  };
}

function e2eLevels(best: number, step: number, depth: number): [string, string][] {
  return Array.from({ length: depth }, (_, k) => [(best + k * step).toFixed(1), (0.5 + k * 0.1).toFixed(3)]);
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
  const widths = [0, 1, 2, 3].map((c) =>
    Math.max(...rows.map((r) => r[c].length), ["figure", "value", "unit", "target"][c].length),
  );
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
  const figures = [
    ...benchIndicators(quick),
    ...(await benchBacktest(quick)),
    ...(await benchOptimizer(quick)),
    ...(await benchE2e(quick)),
    ...(await benchCosts(quick)),
    ...(await benchE2eLive(quick)),
  ];
  if (argv.includes("--json")) {
    const out: Record<string, number | string | Record<string, number>> = {
      node: process.version,
      quick: String(quick),
    };
    for (const f of figures) {
      const value = Number(f.value.toPrecision(6));
      // `name.part` keys nest: e2eLiveOrderP99Ms.classic → {"e2eLiveOrderP99Ms": {"classic": …}}.
      const [name, part] = f.key.split(".");
      if (part === undefined) out[f.key] = value;
      else out[name] = { ...(out[name] as Record<string, number> | undefined), [part]: value };
    }
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
