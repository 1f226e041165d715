/**
 * `npm run record -- --symbols BTCUSDT,ETHUSDT --out DIR [--minutes N] [--url wss://…]`: records Bitget's
 * public feed (or any server speaking its protocol) into recording format v1
 * (../shared/data/recordings/README.md), one gzip file per symbol per UTC hour, named
 * `<venue>_<symbol>_<yyyymmddThhmm>.bitget.jsonl.gz`, written atomically. PublicFeed keeps the connection
 * alive and reconnects; each connection loss is listed in the headers' `gaps`. A progress line goes to
 * stderr every few seconds; the files written go to stdout at the end. Stops after `--minutes`, or on
 * Ctrl-C / SIGTERM, closing every file cleanly.
 * @module
 */
import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import {
  DEFAULT_PUBLIC_CHANNELS,
  PublicFeed,
  type FeedClock,
  type FeedHealth,
  type FeedTimers,
  type PublicFeedOptions,
} from "../shared/exchange/bitget/public-feed";
import type { SocketPort } from "../shared/exchange/bitget/socket";
import { parseArgs } from "./args";
import { NodeSocketPort } from "./node-socket";
import { GapTracker } from "./recorder/gap-tracker";
import type { FinishedFile } from "./recorder/hour-file";
import { HourlyRecorder } from "./recorder/hourly-recorder";
import { processIo, type CliIo } from "./io";

/** Exit code of a usage error (bad or missing flag). */
export const EXIT_USAGE = 2;
/** Exit code when nothing could be recorded or a file could not be written. */
export const EXIT_FAILURE = 1;

/** Bitget's public V2 endpoint (bitget-v2.md §1.1). */
export const BITGET_PUBLIC_URL = "wss://ws.bitget.com/v2/ws/public";

/** `--minutes` ceiling: Node timers hold at most 2^31 − 1 ms (24.8 days); run without it for longer. */
const MAX_MINUTES = 14 * 24 * 60;
const PROGRESS_MS = 5000;

const FLAGS = {
  symbols: { type: "string" },
  out: { type: "string" },
  minutes: { type: "number" },
  url: { type: "string" },
  help: { type: "boolean" },
} as const;

/** Usage text printed by `--help` and after a usage error. */
export const USAGE = `usage: npm run record -- --symbols BTCUSDT,ETHUSDT --out DIR [--minutes N] [--url wss://...]
  --symbols  comma-separated [A-Z0-9]+USDT symbols (USDT-FUTURES)
  --out      directory to write the recordings to (created if missing)
  --minutes  stop after N minutes, a positive number up to ${MAX_MINUTES} (default: until Ctrl-C)
  --url      ws:// or wss:// endpoint speaking Bitget's V2 public protocol (default ${BITGET_PUBLIC_URL})
Writes <venue>_<symbol>_<yyyymmddThhmm>.bitget.jsonl.gz per symbol per UTC hour; venue is bitget, or custom for another url.`;

/** Validated flags of the record command. */
export interface RecordArgs {
  readonly symbols: string[];
  readonly out: string;
  /** null: until stopped by a signal. */
  readonly minutes: number | null;
  readonly url: string;
  /** `bitget` for a *.bitget.com host, else `custom`. */
  readonly venue: "bitget" | "custom";
}

/** Parse result: the flags, a request for help, or a usage error naming the flag. */
export type ParsedRecordArgs =
  | { readonly ok: true; readonly args: RecordArgs }
  | { readonly ok: true; readonly help: true }
  | { readonly ok: false; readonly error: string };

/** Parses and validates the flags; every error names its flag. */
export function parseRecordArgs(argv: readonly string[]): ParsedRecordArgs {
  if (argv.includes("-h")) return { ok: true, help: true };
  const parsed = parseArgs(argv, FLAGS);
  if (!parsed.ok) return parsed;
  const f = parsed.flags;
  if (f.help) return { ok: true, help: true };
  if (f.symbols === undefined || f.symbols === "")
    return { ok: false, error: "--symbols is required: comma-separated symbols such as BTCUSDT,ETHUSDT" };
  const symbols = f.symbols.split(",");
  const bad = symbols.find((s) => !/^[A-Z0-9]+USDT$/.test(s));
  if (bad !== undefined)
    return {
      ok: false,
      error: `--symbols: ${JSON.stringify(bad)} is not a symbol of the form [A-Z0-9]+USDT (e.g. BTCUSDT)`,
    };
  const twice = symbols.find((s, i) => symbols.indexOf(s) !== i);
  if (twice !== undefined) return { ok: false, error: `--symbols: ${twice} is listed twice` };
  if (f.out === undefined || f.out === "")
    return { ok: false, error: "--out is required: the directory to write the recordings to" };
  if (f.minutes !== undefined && !(f.minutes > 0 && f.minutes <= MAX_MINUTES))
    return { ok: false, error: `--minutes must be a positive number up to ${MAX_MINUTES}, got ${f.minutes}` };
  const url = f.url ?? BITGET_PUBLIC_URL;
  let host: string;
  try {
    const u = new URL(url);
    if (u.protocol !== "ws:" && u.protocol !== "wss:")
      return { ok: false, error: `--url must be a ws:// or wss:// url, got ${JSON.stringify(url)}` };
    host = u.hostname;
  } catch {
    return { ok: false, error: `--url must be a ws:// or wss:// url, got ${JSON.stringify(url)}` };
  }
  const venue = host === "bitget.com" || host.endsWith(".bitget.com") ? "bitget" : "custom";
  return { ok: true, args: { symbols, out: f.out, minutes: f.minutes ?? null, url, venue } };
}

/** What tests (or another host) can replace; the CLI uses Node's clock, timers, `ws` and process signals. */
export interface RecordDeps {
  readonly clock?: FeedClock;
  readonly timers?: FeedTimers;
  readonly random?: () => number;
  readonly socket?: SocketPort;
  /** Progress line period; default 5000 ms. */
  readonly progressMs?: number;
  /** Installs the stop signals and returns their removal; default SIGINT and SIGTERM (a second one kills). */
  readonly signals?: (stop: (why: string) => void) => () => void;
  /** Stops the recording when it resolves, as a signal would. */
  readonly stop?: Promise<unknown>;
  /** Receives the events the recorder's own feed accepted (what a live agent on this feed would see). */
  readonly onEvents?: PublicFeedOptions["onEvents"];
  /** PublicFeed tuning (keepalive, backoff, timeouts). */
  readonly feed?: Partial<
    Pick<PublicFeedOptions, "pingIntervalMs" | "pongTimeoutMs" | "staleAfterMs" | "connectTimeoutMs" | "backoff">
  >;
}

const nodeTimers: FeedTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

function processSignals(stop: (why: string) => void): () => void {
  const onSignal = (name: NodeJS.Signals) => stop(name);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  return () => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
}

/** Runs the command; returns the exit code (0, {@link EXIT_USAGE} or {@link EXIT_FAILURE}). */
export async function main(argv: readonly string[], io: CliIo = processIo, deps: RecordDeps = {}): Promise<number> {
  const parsed = parseRecordArgs(argv);
  if (!parsed.ok) {
    io.err(`record: ${parsed.error}`);
    io.err(USAGE);
    return EXIT_USAGE;
  }
  if ("help" in parsed) {
    io.out(USAGE);
    return 0;
  }
  const dir = resolve(parsed.args.out);
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    io.err(`record: --out ${parsed.args.out}: cannot create the directory (${(e as Error).message})`);
    return EXIT_FAILURE;
  }
  return record(parsed.args, dir, io, deps);
}

/** One recording run, from connect to the last file renamed into place. */
async function record(args: RecordArgs, dir: string, io: CliIo, deps: RecordDeps): Promise<number> {
  const clock = deps.clock ?? { now: () => Date.now() };
  const timers = deps.timers ?? nodeTimers;
  const startedAt = clock.now();
  const channels = [...DEFAULT_PUBLIC_CHANNELS];
  const recorder = new HourlyRecorder({
    dir,
    venue: args.venue,
    url: args.url,
    symbols: args.symbols,
    channels,
    startedAt,
  });
  const gaps = new GapTracker();
  let health = null as FeedHealth | null;
  const feed = new PublicFeed({
    ...deps.feed,
    url: args.url,
    symbols: args.symbols,
    channels,
    socket: deps.socket ?? new NodeSocketPort(),
    clock,
    timers,
    random: deps.random ?? Math.random,
    onEvents: deps.onEvents ?? (() => {}),
    onPush: (push, receivedAt, text, verdict) => recorder.push(push, receivedAt, text, verdict),
    onHealth: (h) => {
      health = h;
      const gap = gaps.observe(h, clock.now());
      if (gap) recorder.addGap(gap);
    },
  });

  const stop = stopTrigger(args.minutes, deps, timers);
  const stopProgress = every(timers, deps.progressMs ?? PROGRESS_MS, () => {
    recorder.flush();
    io.err(progressLine(clock.now() - startedAt, recorder, health, gaps.open));
    if (recorder.error) stop.now(`write failed: ${recorder.error.message}`);
  });
  io.err(
    `record: ${args.symbols.join(",")} from ${args.url} into ${dir}${args.minutes === null ? " until Ctrl-C" : ` for ${args.minutes} min`}`,
  );
  feed.start();
  const why = await stop.reason;
  stop.dispose();
  stopProgress();
  const lastGap = gaps.finish(clock.now());
  if (lastGap) recorder.addGap(lastGap);
  feed.stop();
  io.err(`record: stopping (${why}), closing files`);
  const result = await recorder.finish();
  for (const f of result.files) io.out(summaryLine(f));
  for (const e of result.errors) io.err(`record: ${e.message}`);
  if (result.errors.length > 0 || why.startsWith("write failed")) return EXIT_FAILURE;
  if (result.files.length === 0) {
    io.err(
      `record: nothing recorded from ${args.url}${health?.lastDisconnect ? ` (last disconnect: ${health.lastDisconnect})` : ""}`,
    );
    return EXIT_FAILURE;
  }
  return 0;
}

/** What ends a run: `--minutes`, a signal, `deps.stop`, or {@link StopTrigger.now} (a write failure). */
interface StopTrigger {
  readonly reason: Promise<string>;
  now(why: string): void;
  /** Removes the signal handlers and the deadline. */
  dispose(): void;
}

function stopTrigger(minutes: number | null, deps: RecordDeps, timers: FeedTimers): StopTrigger {
  let now: (why: string) => void = () => {};
  const reason = new Promise<string>((ok) => (now = ok));
  const removeSignals = (deps.signals ?? processSignals)(now);
  void deps.stop?.then(() => now("stopped"));
  const deadline = minutes === null ? null : timers.setTimeout(() => now(`${minutes} min elapsed`), minutes * 60_000);
  const dispose = () => {
    removeSignals();
    if (deadline !== null) timers.clearTimeout(deadline);
  };
  return { reason, now, dispose };
}

/** Runs `fn` every `ms` on the injected timers; returns the cancel. */
function every(timers: FeedTimers, ms: number, fn: () => void): () => void {
  let handle: unknown = null;
  let cancelled = false;
  const tick = () => {
    fn();
    if (!cancelled) handle = timers.setTimeout(tick, ms);
  };
  handle = timers.setTimeout(tick, ms);
  return () => {
    cancelled = true;
    timers.clearTimeout(handle);
  };
}

/** `record 0:01:05 open, reconnects 1, gaps 1 | BTCUSDT 1234 pushes 560 trades → file | …`; an unfinished gap shows as `(+1 open)`. */
function progressLine(
  elapsedMs: number,
  recorder: HourlyRecorder,
  health: FeedHealth | null,
  gapOpen: boolean,
): string {
  const s = Math.max(0, Math.floor(elapsedMs / 1000));
  const clock = `${Math.floor(s / 3600)}:${String(Math.floor(s / 60) % 60).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
  const state = health?.state ?? "connecting";
  const symbols = recorder
    .progress()
    .map(
      (p) =>
        `${p.symbol} ${p.pushes} pushes ${p.trades} trades${p.rejected > 0 ? ` ${p.rejected} rejected` : ""} → ${p.file ?? "(no file yet)"}`,
    )
    .join(" | ");
  return `record ${clock} ${state}, reconnects ${health?.reconnects ?? 0}, gaps ${recorder.gapsSeen}${gapOpen ? " (+1 open)" : ""} | ${symbols}`;
}

function summaryLine(f: FinishedFile): string {
  const counts = Object.entries(f.counts)
    .map(([c, n]) => `${n} ${c}`)
    .join(", ");
  return `${f.path}: ${f.symbol} ${f.lines} pushes (${counts}), ${f.trades} trades, ${f.gaps} gap${f.gaps === 1 ? "" : "s"}, ${(f.bytes / 1e6).toFixed(2)} MB`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
