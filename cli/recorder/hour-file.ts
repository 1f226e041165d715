/**
 * One recording file of one symbol and one UTC hour, written atomically: records go to an uncompressed
 * temp body while recording; on {@link HourFile.finish} the final header (which needs the counts, so it
 * cannot be written first) and the body are gzipped into a second temp file, which is renamed into place.
 * A reader never sees a partial `.jsonl.gz`.
 * @module
 */
import { once } from "node:events";
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { access, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";

/** A connection gap: nothing was received between `from` and `to` (ms, the recorder's clock). */
export interface Gap {
  /** The last frame received on the lost connection (or when it opened, if it brought none). */
  readonly from: number;
  /** When the next connection opened (or the recorder stopped, if none did). */
  readonly to: number;
  /** Why the connection ended, as PublicFeed reports it. */
  readonly reason: string;
}

/** What one finished file holds. */
export interface FinishedFile {
  readonly path: string;
  readonly symbol: string;
  readonly lines: number;
  readonly trades: number;
  readonly counts: Readonly<Record<string, number>>;
  readonly gaps: number;
  readonly bytes: number;
}

/** Options of {@link HourFile}. */
export interface HourFileOptions {
  readonly dir: string;
  /** File name prefix: `bitget`, or `custom` for any other url. */
  readonly venue: string;
  readonly symbol: string;
  /** `t` of the first record: names the file and fixes its UTC hour. */
  readonly firstT: number;
  /** Channels subscribed: each gets a count, zero included. */
  readonly channels: readonly string[];
}

/** What one recorded push holds: its trades, of them the duplicates the ingress dropped, and whether it is a trade snapshot. */
export interface PushCounts {
  readonly trades: number;
  readonly duplicates: number;
  readonly snapshot: boolean;
}

/** The header fields the recorder supplies (everything except what the file counts itself). */
export type HeaderFields = Readonly<Record<string, unknown>>;

const HOUR_MS = 3_600_000;
const FLUSH_CHARS = 1 << 16;

/** Start of the UTC hour holding `t`. */
export function hourOf(t: number): number {
  return Math.floor(t / HOUR_MS) * HOUR_MS;
}

/** `<venue>_<symbol>_<yyyymmddThhmm>[-n].bitget.jsonl.gz`: the UTC minute of the file's first `t`; `n` ≥ 2 avoids overwriting. */
export function recordingName(venue: string, symbol: string, firstT: number, n = 1): string {
  const iso = new Date(firstT).toISOString();
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}`;
  return `${venue}_${symbol.toLowerCase()}_${stamp}${n > 1 ? `-${n}` : ""}.bitget.jsonl.gz`;
}

/**
 * Accumulates one symbol-hour. {@link append} is synchronous and buffers up to 64 KiB before writing the
 * temp body; the write stream's own buffer absorbs bursts (the feed's rate bounds it).
 */
export class HourFile {
  /** Start of the UTC hour this file covers. */
  readonly hourStart: number;
  /** The name it will get (a `-n` suffix is added at finish if that name is taken). */
  readonly name: string;
  readonly symbol: string;
  private readonly dir: string;
  private readonly venue: string;
  private readonly bodyPath: string;
  private readonly body: WriteStream;
  private readonly bodyClosed: Promise<void>;
  private failure: Error | null = null;
  private pending = "";
  private readonly counts: Record<string, number> = {};
  private lines = 0;
  private trades = 0;
  private snapshotTrades = 0;
  private duplicateTrades = 0;
  private rejected = 0;
  private lastRejectReason: string | null = null;
  private clockClamps = 0;
  private readonly firstT: number;
  private lastT: number;
  /** `t` of the first books15 push: the header's `bookWarmupMs`, as the README defines it. */
  private firstBookT: number | null = null;

  constructor(options: HourFileOptions) {
    this.dir = options.dir;
    this.venue = options.venue;
    this.symbol = options.symbol;
    this.firstT = options.firstT;
    this.lastT = options.firstT;
    this.hourStart = hourOf(options.firstT);
    this.name = recordingName(options.venue, options.symbol, options.firstT);
    for (const c of options.channels) this.counts[c] = 0;
    this.bodyPath = join(this.dir, `.${this.name}.${process.pid}.body.tmp`);
    this.body = createWriteStream(this.bodyPath);
    this.body.on("error", (e) => (this.failure ??= e));
    this.bodyClosed = once(this.body, "close").then(() => undefined);
  }

  /** The first write error, if any. */
  get error(): Error | null {
    return this.failure;
  }

  /**
   * Records one line. `t` must not be less than the previous one: the caller clamps a clock that stepped
   * back and says so with `clamped`. `push` counts the push's trades, of them the duplicates the market
   * ingress dropped, and marks a trade snapshot.
   */
  append(t: number, line: string, channel: string, push: PushCounts, clamped: boolean): void {
    this.lastT = t;
    if (clamped) this.clockClamps++;
    this.lines++;
    this.counts[channel] = (this.counts[channel] ?? 0) + 1;
    this.trades += push.trades;
    this.duplicateTrades += push.duplicates;
    if (push.snapshot) this.snapshotTrades += push.trades;
    if (channel === "books15" && this.firstBookT === null) this.firstBookT = t;
    this.pending += `${line}\n`;
    if (this.pending.length >= FLUSH_CHARS) this.flush();
  }

  /** Counts pushes left out because they do not decode (a reader would refuse the file), keeping the last reason. */
  reject(count: number, reason: string | null): void {
    this.rejected += count;
    if (reason !== null) this.lastRejectReason = reason;
  }

  /** Hands the buffered lines to the temp body (bounds what a crash can lose). */
  flush(): void {
    if (this.pending.length === 0 || this.failure) return;
    this.body.write(this.pending);
    this.pending = "";
  }

  /**
   * Writes the final file: `fields` + this file's counts as line 1, then the body, gzipped, renamed into
   * place without overwriting. On failure the temp body is kept (its path is in the error) so no data is lost.
   */
  async finish(fields: HeaderFields, gaps: readonly Gap[]): Promise<FinishedFile> {
    this.flush();
    this.body.end();
    await this.bodyClosed;
    if (this.failure) throw new Error(`${this.bodyPath}: ${this.failure.message}`);
    const header = { ...fields, ...this.ownFields(gaps) };
    const gzPath = join(this.dir, `.${this.name}.${process.pid}.gz.tmp`);
    const bodyPath = this.bodyPath;
    try {
      await pipeline(
        async function* () {
          yield `${JSON.stringify(header)}\n`;
          yield* createReadStream(bodyPath);
        },
        createGzip(),
        createWriteStream(gzPath),
      );
      const path = await this.freePath();
      await rename(gzPath, path);
      await rm(bodyPath, { force: true });
      const bytes = (await stat(path)).size;
      return {
        path,
        symbol: this.symbol,
        lines: this.lines,
        trades: this.trades,
        counts: { ...this.counts },
        gaps: gaps.length,
        bytes,
      };
    } catch (e) {
      await rm(gzPath, { force: true }).catch(() => {});
      throw new Error(
        `${this.name}: could not write the recording (${(e as Error).message}); its records are kept in ${bodyPath}`,
      );
    }
  }

  private ownFields(gaps: readonly Gap[]): Record<string, unknown> {
    return {
      bookWarmupMs: this.firstBookT === null ? null : this.firstBookT - this.firstT,
      gaps,
      stats: {
        trades: this.trades,
        snapshotTrades: this.snapshotTrades,
        duplicateTrades: this.duplicateTrades,
        rejected: this.rejected,
        lastRejectReason: this.lastRejectReason,
        clockClamps: this.clockClamps,
      },
      counts: { ...this.counts },
      firstT: this.firstT,
      lastT: this.lastT,
      spanMs: this.lastT - this.firstT,
    };
  }

  private async freePath(): Promise<string> {
    for (let n = 1; ; n++) {
      const path = join(this.dir, recordingName(this.venue, this.symbol, this.firstT, n));
      const taken = await access(path).then(
        () => true,
        () => false,
      );
      if (!taken) return path;
    }
  }
}
