/**
 * Routes raw pushes to one {@link HourFile} per symbol and UTC hour, rotating when a push's `t` enters a
 * new hour, and gives each file the header fields and the connection gaps that overlap its hour.
 * @module
 */
import type { IngressVerdict } from "../../shared/exchange/bitget/market-ingress";
import { HourFile, hourOf, type FinishedFile, type Gap, type HeaderFields } from "./hour-file";

/** Options of {@link HourlyRecorder}. */
export interface HourlyRecorderOptions {
  readonly dir: string;
  /** `bitget` or `custom`: names the files and sets the header's `market`. */
  readonly venue: string;
  readonly url: string;
  readonly symbols: readonly string[];
  readonly channels: readonly string[];
  /** Clock time the run started, for the header. */
  readonly startedAt: number;
}

/** Where one symbol stands, for the progress line. */
export interface SymbolProgress {
  readonly symbol: string;
  readonly pushes: number;
  readonly trades: number;
  readonly rejected: number;
  /** Name of the file being written, or null before the first push. */
  readonly file: string | null;
}

/** What {@link HourlyRecorder.finish} leaves behind. */
export interface RecorderResult {
  readonly files: FinishedFile[];
  readonly errors: Error[];
}

interface SymbolState {
  readonly symbol: string;
  file: HourFile | null;
  pushes: number;
  trades: number;
  rejected: number;
  /** Rejected pushes seen while no file of their hour was open: counted in the next file. */
  carried: number;
  carriedReason: string | null;
}

const HOUR_MS = 3_600_000;

/**
 * Header text explaining what a live recording holds; shared by every file of the run.
 * `t` is clamped so lines stay sorted even if the wall clock steps back.
 */
const CLOCK_NOTES = {
  tClock:
    "receive time on the recording machine, ms since the epoch (the recorder's wall clock when the frame arrived), clamped never to decrease",
  tsClock: "exchange time as the server sent it; do not mix with t",
  seq: "the server's own book seq, as sent",
  raw: "every push of a subscribed arg exactly as received, before de-duplication or book checks: the trade snapshot after each (re)subscribe repeats recent trades (stats.duplicateTrades counts those the live market ingress dropped; replay runs the same ingress and drops them too, resetting the books at each of the gaps' to); pushes the ingress refused as malformed are left out (stats.rejected)",
  lineOrder: "arrival order (sorted by t); lines with equal t are not reordered by channel",
  gapNote:
    "gaps lists the connection losses overlapping this file's UTC hour: from = last frame received on the lost connection, to = when the next connection opened (or the recorder stopped); nothing was received in between",
} as const;

/** Records raw pushes into hourly files; see the module doc. Not reusable after {@link finish}. */
export class HourlyRecorder {
  private readonly options: HourlyRecorderOptions;
  private readonly states = new Map<string, SymbolState>();
  private readonly gaps: Gap[] = [];
  private readonly pending = new Set<Promise<void>>();
  private readonly finished: FinishedFile[] = [];
  private readonly errors: Error[] = [];
  private lastT = -Infinity;
  private gapCount = 0;
  private closed = false;

  constructor(options: HourlyRecorderOptions) {
    this.options = options;
    for (const symbol of options.symbols)
      this.states.set(symbol, {
        symbol,
        file: null,
        pushes: 0,
        trades: 0,
        rejected: 0,
        carried: 0,
        carriedReason: null,
      });
  }

  /** Connection gaps reported so far (a gap reported again with the same `from` counts once). */
  get gapsSeen(): number {
    return this.gapCount;
  }

  /** The first write error, if any: recording should stop. */
  get error(): Error | null {
    if (this.errors.length > 0) return this.errors[0];
    for (const s of this.states.values()) if (s.file?.error) return s.file.error;
    return null;
  }

  /**
   * Takes one raw push with the market ingress's verdict on it (PublicFeed `onPush`); `text` is written
   * verbatim when it is one line. Every push the ingress did not refuse as malformed is recorded as
   * received (duplicates and dropped books included), so that replay, running the same ingress over the
   * same pushes, makes the same decisions the live feed made.
   */
  push(push: Record<string, unknown>, receivedAt: number, text: string, verdict: IngressVerdict): void {
    if (this.closed || verdict.kind === "control" || verdict.kind === "ignored") return;
    const arg = push.arg as Record<string, unknown>;
    const s = this.states.get(String(arg.instId));
    if (!s) return;
    const t = Math.max(receivedAt, this.lastT);
    this.lastT = t;
    if (verdict.kind === "malformed") return this.reject(s, t, verdict.reason);
    const channel = String(arg.channel);
    const accepted = verdict.kind === "accepted" && channel === "trade";
    const duplicates = accepted ? verdict.duplicates : 0;
    const trades = accepted ? verdict.events.length + duplicates : 0;
    s.pushes++;
    s.trades += trades;
    const snapshot = channel === "trade" && push.action === "snapshot";
    this.fileFor(s, t).append(
      t,
      recordLine(t, push, text),
      channel,
      { trades, duplicates, snapshot },
      t !== receivedAt,
    );
  }

  /** Adds a connection gap; one with the same `from` as the last supersedes it (see GapTracker). */
  addGap(gap: Gap): void {
    const last = this.gaps[this.gaps.length - 1];
    if (last !== undefined && last.from === gap.from) {
      this.gaps[this.gaps.length - 1] = gap;
      return;
    }
    this.gaps.push(gap);
    this.gapCount++;
  }

  /** Hands buffered lines of every open file to disk. */
  flush(): void {
    for (const s of this.states.values()) s.file?.flush();
  }

  /** Per symbol: pushes, trades and the current file. */
  progress(): SymbolProgress[] {
    return [...this.states.values()].map((s) => ({
      symbol: s.symbol,
      pushes: s.pushes,
      trades: s.trades,
      rejected: s.rejected,
      file: s.file?.name ?? null,
    }));
  }

  /** Closes every file (also those still finishing after a rotation) and reports what was written. */
  async finish(): Promise<RecorderResult> {
    this.closed = true;
    for (const s of this.states.values()) {
      if (s.file) this.retire(s.file);
      s.file = null;
    }
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    return { files: [...this.finished].sort((a, b) => (a.path < b.path ? -1 : 1)), errors: [...this.errors] };
  }

  private reject(s: SymbolState, t: number, reason: string): void {
    s.rejected++;
    if (s.file && s.file.hourStart === hourOf(t)) return s.file.reject(1, reason);
    s.carried++;
    s.carriedReason = reason;
  }

  private fileFor(s: SymbolState, t: number): HourFile {
    if (s.file && s.file.hourStart !== hourOf(t)) {
      this.retire(s.file);
      s.file = null;
    }
    if (s.file) return s.file;
    const { dir, venue, channels } = this.options;
    const file = new HourFile({ dir, venue, symbol: s.symbol, firstT: t, channels });
    file.reject(s.carried, s.carriedReason);
    s.carried = 0;
    s.carriedReason = null;
    s.file = file;
    return file;
  }

  private retire(file: HourFile): void {
    const overlapping = this.gaps.filter((g) => g.to >= file.hourStart && g.from < file.hourStart + HOUR_MS);
    const done = file.finish(this.fields(file.symbol, file.hourStart), overlapping).then(
      (f) => void this.finished.push(f),
      (e: unknown) => void this.errors.push(e instanceof Error ? e : new Error(String(e))),
    );
    this.pending.add(done);
    void done.finally(() => this.pending.delete(done));
    this.pruneGaps();
  }

  /** Forgets gaps that ended before the hour of every open file, so memory stays bounded over long runs. */
  private pruneGaps(): void {
    let oldest = hourOf(this.lastT);
    for (const s of this.states.values()) if (s.file && s.file.hourStart < oldest) oldest = s.file.hourStart;
    let keep = 0;
    while (keep < this.gaps.length && this.gaps[keep].to < oldest) keep++;
    if (keep > 0) this.gaps.splice(0, keep);
  }

  private fields(symbol: string, hourStart: number): HeaderFields {
    const { url, venue, channels, startedAt } = this.options;
    return {
      format: "bitget-ws-recording",
      version: 1,
      instType: "USDT-FUTURES",
      symbols: [symbol],
      source: `edge-scalper recorder ${url}`,
      note: `recorded live from ${url}`,
      market: venue === "bitget" ? "bitget-usdt-futures" : "custom",
      hasBook: channels.some((c) => c !== "trade"),
      channels: [...channels],
      recorder: {
        version: 1,
        venue,
        url,
        startedAt: new Date(startedAt).toISOString(),
        hour: new Date(hourStart).toISOString(),
      },
      ...CLOCK_NOTES,
    };
  }
}

/** `{"t":…,"m":…}` with the frame's own text as `m` (exact numbers and key order), or re-serialised if it spans lines. */
function recordLine(t: number, push: Record<string, unknown>, text: string): string {
  const m = text.includes("\n") ? JSON.stringify(push) : text.trim();
  return `{"t":${t},"m":${m}}`;
}
