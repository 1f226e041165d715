/**
 * Where the venue's market comes from, and how it is paced: recordings (format v1, several files
 * merged by receive time `t`) or the seeded synthetic market, played at `speed` × real time.
 * Each push is handed over once, with its exact text (a recording's `m` verbatim, without
 * re-serialising), its parsed form and its decoded market events, so that the public WebSocket
 * and the matching core see the same pushes in the same order.
 * @module
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { parseRecordingHeader } from "../../shared/backtest/recording";
import { createSyntheticMarket, profileFor, type SymbolProfile } from "../../shared/backtest/synthetic-market";
import { decodePublicPush } from "../../shared/exchange/bitget/public-codec";
import type { MarketEvent } from "../../shared/market/events";
import type { Instrument } from "../../shared/market/instrument";
import { RecordingError } from "../recording-file";

/** One public push ready to send and to match against. */
export interface VenuePush {
  /** Receive time on the source's clock (pacing only). */
  readonly t: number;
  /** Exchange time of the push (the envelope `ts`): the venue's market clock. */
  readonly ts: number;
  /** The push, parsed. Shared with every consumer: never mutate it. */
  readonly msg: PushMessage;
  /** The push as text, exactly as the source holds it. */
  readonly text: string;
  /** Its market events (public-codec), for the matching core. */
  readonly events: readonly MarketEvent[];
}

/** The parts of a Bitget V2 public push the venue reads. */
export interface PushMessage {
  readonly action: string;
  readonly arg: { readonly instType: string; readonly channel: string; readonly instId: string };
  readonly data: readonly unknown[];
  readonly ts: number;
}

/** A finite or unbounded sequence of pushes, `t` non-decreasing. */
export interface MarketSource {
  /** Symbols the source emits. */
  readonly symbols: readonly string[];
  /** The next push, or null at the end. */
  next(): Promise<VenuePush | null>;
  /** Releases files. */
  close(): void;
}

/** Contract rules of every symbol a source emits: Bitget-like steps from the synthetic profiles. */
export function instrumentsFor(
  symbols: readonly string[],
  profiles: Readonly<Record<string, SymbolProfile>> = {},
): Instrument[] {
  return symbols.map((symbol) => {
    const p = profiles[symbol] ?? profileFor(symbol);
    return { symbol, tickSize: p.tickSize, sizeStep: p.sizeStep, minSize: p.sizeStep, minNotional: 5 };
  });
}

/** The synthetic market as a source, with receive clock starting at `startMs`. */
export function syntheticSource(options: {
  readonly symbols: readonly string[];
  readonly seed: number;
  readonly startMs: number;
}): MarketSource & { readonly profiles: Readonly<Record<string, SymbolProfile>> } {
  const market = createSyntheticMarket({ symbols: options.symbols, seed: options.seed, startMs: options.startMs });
  return {
    symbols: [...options.symbols],
    profiles: market.profiles,
    next: async () => {
      const p = market.next();
      const msg = p.m as unknown as PushMessage;
      const decoded = decodePublicPush(p.m);
      return { t: p.t, ts: msg.ts, msg, text: JSON.stringify(p.m), events: decoded.ok ? decoded.events : [] };
    },
    close: () => {},
  };
}

/**
 * Recordings as one source: headers are checked when opened (throws {@link RecordingError} naming
 * the file), records are merged by `t` (ties: file order) and read lazily.
 */
export async function recordingSource(files: readonly string[]): Promise<MarketSource> {
  if (files.length === 0) throw new RecordingError("no recording files given");
  const readers = await Promise.all(files.map((f) => RecordingReader.open(f)));
  const symbols = [...new Set(readers.flatMap((r) => r.symbols))];
  const heads = await Promise.all(readers.map((r) => r.read()));
  return {
    symbols,
    next: async () => {
      let best = -1;
      for (let i = 0; i < heads.length; i++) {
        const h = heads[i];
        if (h && (best < 0 || h.t < heads[best]!.t)) best = i;
      }
      if (best < 0) return null;
      const out = heads[best];
      heads[best] = await readers[best].read();
      return out;
    },
    close: () => readers.forEach((r) => r.close()),
  };
}

class RecordingReader {
  #lines: AsyncIterator<string>;
  #lineNo = 1;
  #close: () => void;

  private constructor(
    readonly file: string,
    readonly symbols: readonly string[],
    lines: AsyncIterator<string>,
    close: () => void,
  ) {
    this.#lines = lines;
    this.#close = close;
  }

  static async open(file: string): Promise<RecordingReader> {
    try {
      await stat(file);
    } catch {
      throw new RecordingError(`${file}: no such file`);
    }
    const input = createReadStream(file);
    const stream = file.endsWith(".gz") ? input.pipe(createGunzip()) : input;
    input.on("error", (e) => stream.destroy(e));
    const rl = createInterface({ input: stream, crlfDelay: Infinity });
    const lines = rl[Symbol.asyncIterator]();
    const close = () => {
      rl.close();
      input.destroy();
    };
    const first = await readLine(file, lines, 0);
    if (first === null) {
      close();
      throw new RecordingError(`${file}: empty file, no header`);
    }
    const header = parseRecordingHeader(first);
    if (!header.ok) {
      close();
      throw new RecordingError(`${file}: ${header.error}`);
    }
    return new RecordingReader(file, header.value.symbols, lines, close);
  }

  async read(): Promise<VenuePush | null> {
    for (;;) {
      const line = await readLine(this.file, this.#lines, this.#lineNo);
      if (line === null) return null;
      this.#lineNo++;
      if (line.trim() !== "") return parseRecord(this.file, line, this.#lineNo);
    }
  }

  close(): void {
    this.#close();
  }
}

async function readLine(file: string, lines: AsyncIterator<string>, after: number): Promise<string | null> {
  try {
    const r = await lines.next();
    return r.done ? null : r.value;
  } catch (e) {
    const why = (e as { code?: string }).code?.startsWith("Z_") ? "corrupt gzip data" : (e as Error).message;
    throw new RecordingError(`${file}: ${why} (after line ${after})`);
  }
}

const RAW_M = /^\{\s*"t"\s*:\s*[-0-9.eE+]+\s*,\s*"m"\s*:\s*/;

function parseRecord(file: string, line: string, lineNo: number): VenuePush {
  const bad = (why: string) => new RecordingError(`${file}: line ${lineNo}: ${why}`);
  let rec: { t?: unknown; m?: unknown };
  try {
    rec = JSON.parse(line);
  } catch {
    throw bad("not JSON");
  }
  if (typeof rec !== "object" || rec === null) throw bad("not an object");
  if (typeof rec.t !== "number" || !Number.isFinite(rec.t)) throw bad(`"t" must be a number`);
  const decoded = decodePublicPush(rec.m);
  if (!decoded.ok) throw bad(`not a Bitget push: ${decoded.reason}`);
  const msg = rec.m as PushMessage;
  const ts = typeof msg.ts === "number" ? msg.ts : decoded.events.reduce((a, e) => Math.max(a, e.ts), 0);
  return { t: rec.t, ts, msg, text: rawM(line) ?? JSON.stringify(rec.m), events: decoded.events };
}

/** The `m` of a `{"t":…,"m":…}` line as it is written in the file, or null if the line is laid out otherwise. */
function rawM(line: string): string | null {
  const head = RAW_M.exec(line);
  if (!head) return null;
  const end = line.lastIndexOf("}");
  return end > head[0].length ? line.slice(head[0].length, end).trimEnd() : null;
}

/** Options of {@link MarketPlayer}. */
export interface PlayerOptions {
  readonly source: MarketSource;
  /** Replay speed: 1 = real time, 10 = ten times faster, 0 = as fast as possible. */
  readonly speed: number;
  /** Receives each push when it is due. */
  readonly onPush: (push: VenuePush) => void;
  /** Called once when a finite source is exhausted. */
  readonly onEnd?: () => void;
  /** Called when the source fails mid-run (e.g. a corrupt line); the player stops. */
  readonly onError?: (error: unknown) => void;
  /** Wall clock; default `Date.now`. */
  readonly now?: () => number;
  /** Idle gaps in `t` longer than this are skipped (back-to-back windows of different days); default 10 000 ms. */
  readonly maxIdleMs?: number;
}

/**
 * Plays a source in real time × speed: a push with receive time `t` is due at
 * `start + (t − t₀ − skipped idle) / speed` of wall time. Due pushes go out in bursts; the player
 * yields to I/O at least every 256 pushes. The market clock is the largest `ts` handed out so far.
 */
export class MarketPlayer {
  readonly #o: PlayerOptions;
  readonly #now: () => number;
  #stopped = false;
  #clock = 0;
  #count = 0;
  #first: VenuePush | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #wake: (() => void) | null = null;

  constructor(options: PlayerOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  /** Reads the first push so that the market clock is known before anything is served. */
  async prime(): Promise<void> {
    this.#first = await this.#o.source.next();
    if (this.#first) this.#clock = this.#first.ts;
  }

  /** Market time: the largest push `ts` so far (before the first push: its `ts`). */
  get clock(): number {
    return this.#clock;
  }

  /** Pushes handed out so far. */
  get count(): number {
    return this.#count;
  }

  /** Starts playing (after {@link prime}); returns when the source ends or {@link stop} is called. */
  async run(): Promise<void> {
    let p = this.#first;
    if (!p) return this.#finish();
    const t0 = p.t;
    const w0 = this.#now();
    const maxIdle = this.#o.maxIdleMs ?? 10_000;
    let skipped = 0;
    let prevT = t0;
    let burst = 0;
    try {
      while (p && !this.#stopped) {
        if (p.t - prevT > maxIdle) skipped += p.t - prevT - maxIdle;
        prevT = p.t;
        const wait = this.#o.speed > 0 ? w0 + (p.t - t0 - skipped) / this.#o.speed - this.#now() : 0;
        if (wait >= 1) {
          await this.#sleep(wait);
          burst = 0;
        } else if (++burst >= 256) {
          await new Promise((r) => setImmediate(r));
          burst = 0;
        }
        if (this.#stopped) break;
        if (p.ts > this.#clock) this.#clock = p.ts;
        this.#count++;
        this.#o.onPush(p);
        p = await this.#o.source.next();
      }
    } catch (e) {
      this.#o.onError?.(e);
      return;
    }
    if (!this.#stopped) this.#finish();
  }

  /** Stops playing and closes the source. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#wake?.();
    this.#o.source.close();
  }

  #finish(): void {
    this.#o.onEnd?.();
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve;
      this.#timer = setTimeout(resolve, ms);
    });
  }
}

/**
 * A push handed in by a test or the admin endpoint (the venue's manual market): a Bitget V2 public
 * push (`trade`, `books1`, `books5`, `books15` or `books`) of a symbol in `symbols`, checked and
 * decoded like a recorded one. Its `ts` (else its newest event) is both its receive and exchange time.
 * Returns the push, or why it was refused.
 */
export function manualPush(m: unknown, symbols: ReadonlySet<string>): VenuePush | string {
  if (typeof m !== "object" || m === null || Array.isArray(m) || "event" in m) return "not a Bitget push";
  const decoded = decodePublicPush(m);
  if (!decoded.ok) return decoded.reason;
  const msg = m as PushMessage;
  if (!MANUAL_CHANNELS.has(msg.arg.channel))
    return `channel ${msg.arg.channel} cannot be played (use trade, books1, books5, books15 or books)`;
  if (!symbols.has(msg.arg.instId)) return `symbol ${msg.arg.instId} is not traded on this venue`;
  const ts =
    typeof msg.ts === "number" && Number.isFinite(msg.ts)
      ? msg.ts
      : decoded.events.reduce((a, e) => Math.max(a, e.ts), 0);
  if (!(ts > 0)) return "push has no ts";
  return { t: ts, ts, msg, text: JSON.stringify(m), events: decoded.events };
}

const MANUAL_CHANNELS: ReadonlySet<string> = new Set(["trade", "books1", "books5", "books15", "books"]);
