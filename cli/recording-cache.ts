/**
 * A columnar binary cache of decoded recordings, so that replaying the same file again skips gunzip,
 * JSON.parse and number parsing.
 *
 * One cache file per recording, named by sha256(absolute path, size, mtimeMs, {@link CACHE_FORMAT_VERSION}),
 * in `node_modules/.cache/edge-scalper/recordings/` under the working directory (`EDGE_SCALPER_CACHE_DIR`
 * overrides). It is written atomically (temporary file + rename) only after the whole recording decoded
 * without error, and it is read with one `readFile` and zero-copy typed-array views. Any cache that fails
 * a check (magic, version, source size and mtime, total length, CRC-32, section bounds) is ignored and rebuilt.
 *
 * Layout (native byte order, every section 8-byte aligned), after an 80-byte fixed header:
 * `recT f64[R] | evTs f64[E] | nums f64[N] | recEnd u32[R] | evNumEnd u32[E] | evBids u32[E] |
 *  evStrEnd u32[E] | evSym u16[E] | evKind u8[E] | evSide u8[E] | header JSON | symbols JSON | strings`.
 * A record owns the events up to `recEnd` (exclusive, cumulative); an event owns the numbers up to
 * `evNumEnd` (trade: price, size; bookTop: bid price, bid size, ask price, ask size; bookLevels: the bid
 * pairs then the ask pairs, `evBids` of them bids) and the characters of the decoded string blob up to
 * `evStrEnd` (its trade id or seq, in UTF-16 code units).
 * @module
 */
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { crc32 } from "node:zlib";
import type { RecordingHeader } from "../shared/backtest/recording";
import type { Level, MarketEvent } from "../shared/market/events";

/** Bumped whenever the layout or the meaning of a column changes: older caches then miss. */
export const CACHE_FORMAT_VERSION = 1;

/** Environment variable naming the cache folder (overrides the default under `node_modules/.cache`). */
export const CACHE_DIR_ENV = "EDGE_SCALPER_CACHE_DIR";

/** Above this many bytes of columns a recording is not cached (the builder holds them in memory). */
export const MAX_CACHE_FILE_BYTES = 512 * 1024 * 1024;

/** The cache folder is pruned, oldest first, down to this many bytes after each write. */
export const MAX_CACHE_DIR_BYTES = 2 * 1024 * 1024 * 1024;

const MAGIC = 0x43525345;
const FIXED_BYTES = 80;
const KIND_TRADE = 0;
const KIND_TOP = 1;
const KIND_LEVELS = 2;

/** What happened to the cache while reading one recording (for tests and diagnostics). */
export type CacheOutcome = "hit" | "miss" | "stale" | "written" | "not-written";

/** One cache observation: the recording, the outcome and, for `stale` / `not-written`, why. */
export interface CacheEvent {
  readonly file: string;
  readonly outcome: CacheOutcome;
  readonly reason?: string;
}

/** Settings of the cache; every field is optional. */
export interface RecordingCacheOptions {
  /** The cache folder (default {@link defaultCacheDir}). */
  readonly dir?: string;
  /** Called on every cache outcome: the observable hook of tests and diagnostics. */
  readonly observe?: (event: CacheEvent) => void;
}

/** The identity of a source file the cache is keyed on. */
export interface SourceStamp {
  readonly size: number;
  readonly mtimeMs: number;
}

/** The cache folder: `$EDGE_SCALPER_CACHE_DIR`, else `node_modules/.cache/edge-scalper/recordings` under the working directory. */
export function defaultCacheDir(): string {
  const env = process.env[CACHE_DIR_ENV];
  return resolve(env !== undefined && env !== "" ? env : join("node_modules", ".cache", "edge-scalper", "recordings"));
}

/** The cache file of `file` at `stamp`: sha256 of (absolute path, size, mtimeMs, format version). */
export function cacheFileFor(dir: string, file: string, stamp: SourceStamp): string {
  const key = createHash("sha256").update(JSON.stringify([resolve(file), stamp.size, stamp.mtimeMs, CACHE_FORMAT_VERSION])).digest("hex");
  return join(dir, `${key}.esrc`);
}

interface Counts {
  readonly records: number;
  readonly events: number;
  readonly numbers: number;
  readonly headerBytes: number;
  readonly symbolsBytes: number;
  readonly stringBytes: number;
}

interface Layout {
  readonly recT: number;
  readonly evTs: number;
  readonly nums: number;
  readonly recEnd: number;
  readonly evNumEnd: number;
  readonly evBids: number;
  readonly evStrEnd: number;
  readonly evSym: number;
  readonly evKind: number;
  readonly evSide: number;
  readonly header: number;
  readonly symbols: number;
  readonly strings: number;
  readonly total: number;
}

const align8 = (n: number) => (n + 7) & ~7;

function layoutOf(c: Counts): Layout {
  let at = FIXED_BYTES;
  const take = (bytes: number) => {
    const start = at;
    at = align8(at + bytes);
    return start;
  };
  return {
    recT: take(8 * c.records),
    evTs: take(8 * c.events),
    nums: take(8 * c.numbers),
    recEnd: take(4 * c.records),
    evNumEnd: take(4 * c.events),
    evBids: take(4 * c.events),
    evStrEnd: take(4 * c.events),
    evSym: take(2 * c.events),
    evKind: take(c.events),
    evSide: take(c.events),
    header: take(c.headerBytes),
    symbols: take(c.symbolsBytes),
    strings: take(c.stringBytes),
    total: at,
  };
}

/** A growable Float64Array (doubling), so that building the columns allocates O(log n) times. */
class F64Column {
  private data = new Float64Array(1024);
  length = 0;

  push(x: number): void {
    if (this.length === this.data.length) this.data = grown(this.data, new Float64Array(2 * this.length));
    this.data[this.length++] = x;
  }

  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

/** A growable Uint32Array; a class of its own so that each push site sees one element kind. */
class U32Column {
  private data = new Uint32Array(1024);
  length = 0;

  push(x: number): void {
    if (this.length === this.data.length) this.data = grown(this.data, new Uint32Array(2 * this.length));
    this.data[this.length++] = x;
  }

  view(): Uint32Array {
    return this.data.subarray(0, this.length);
  }
}

function grown<T extends Float64Array | Uint32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

const KEYS = { trade: 7, bookTop: 8, bookLevels: 6 } as const;

/**
 * Collects the decoded records of one recording, in order, into columns, then encodes them as one
 * cache buffer. It gives up (and {@link encode} returns null) on an event shape it does not know, on
 * more than 65,535 symbols or above {@link MAX_CACHE_FILE_BYTES}: such a recording is simply not cached.
 */
export class RecordingColumnsBuilder {
  private readonly recT = new F64Column();
  private readonly recEnd = new U32Column();
  private readonly evTs = new F64Column();
  private readonly nums = new F64Column();
  private readonly evNumEnd = new U32Column();
  private readonly evBids = new U32Column();
  private readonly evStrEnd = new U32Column();
  private readonly evSym = new U32Column();
  private readonly evKind = new U32Column();
  private readonly evSide = new U32Column();
  private readonly symbols = new Map<string, number>();
  private readonly shapes = new Set<string>();
  private readonly strings: string[] = [];
  private chars = 0;
  private header: RecordingHeader | null = null;
  /** Why the recording cannot be cached, once it cannot. */
  failed: string | null = null;

  /** Sets the recording's header (line 1). */
  setHeader(header: RecordingHeader): void {
    this.header = header;
  }

  /** Appends one record; a no-op once the builder has given up. */
  add(t: number, events: readonly MarketEvent[]): void {
    if (this.failed !== null) return;
    for (let i = 0; i < events.length; i++) this.addEvent(events[i]);
    this.recT.push(t);
    this.recEnd.push(this.evTs.length);
    if (8 * (this.nums.length + this.evTs.length) + 20 * this.evTs.length + 2 * this.chars > MAX_CACHE_FILE_BYTES) this.failed = "recording too large to cache";
  }

  private addEvent(e: MarketEvent): void {
    if (this.failed !== null) return;
    if (!this.shapes.has(e.kind) && !this.knownShape(e)) return;
    let sym = this.symbols.get(e.symbol);
    if (sym === undefined) {
      sym = this.symbols.size;
      if (sym > 0xffff) {
        this.failed = "more than 65535 symbols";
        return;
      }
      this.symbols.set(e.symbol, sym);
    }
    this.evSym.push(sym);
    this.evTs.push(e.ts);
    if (e.kind === "trade") {
      this.evKind.push(KIND_TRADE);
      this.evSide.push(e.side === "sell" ? 1 : 0);
      this.evBids.push(0);
      this.nums.push(e.price);
      this.nums.push(e.size);
      this.pushString(e.id);
    } else if (e.kind === "bookTop") {
      this.evKind.push(KIND_TOP);
      this.evSide.push(0);
      this.evBids.push(0);
      this.nums.push(e.bidPrice);
      this.nums.push(e.bidSize);
      this.nums.push(e.askPrice);
      this.nums.push(e.askSize);
      this.pushString(e.seq);
    } else {
      this.evKind.push(KIND_LEVELS);
      this.evSide.push(0);
      this.evBids.push(e.bids.length);
      this.pushLevels(e.bids);
      this.pushLevels(e.asks);
      this.pushString(e.seq);
    }
    this.evNumEnd.push(this.nums.length);
  }

  /** Checks the first event of each kind for exactly the fields the cache stores (the decoder makes every event of a kind alike). */
  private knownShape(e: MarketEvent): boolean {
    const keys = Object.keys(e);
    if (KEYS[e.kind] === undefined || keys.length !== KEYS[e.kind]) {
      this.failed = `unknown event shape ${JSON.stringify(keys)}`;
      return false;
    }
    this.shapes.add(e.kind);
    return true;
  }

  private pushLevels(levels: readonly Level[]): void {
    for (let i = 0; i < levels.length; i++) {
      const l = levels[i];
      if (l.length !== 2) this.failed = "a book level is not [price, size]";
      this.nums.push(l[0]);
      this.nums.push(l[1]);
    }
  }

  private pushString(s: string): void {
    this.strings.push(s);
    this.chars += s.length;
    this.evStrEnd.push(this.chars);
  }

  /** The cache file's bytes for a source at `stamp`, or null when this recording cannot be cached. */
  encode(stamp: SourceStamp): Buffer | null {
    if (this.failed !== null || this.header === null) return null;
    const text = this.strings.join("");
    const strings = Buffer.from(text, "utf8");
    if (strings.toString("utf8") !== text) {
      this.failed = "an id or seq is not valid UTF-16";
      return null;
    }
    const header = Buffer.from(JSON.stringify(this.header), "utf8");
    const symbols = Buffer.from(JSON.stringify([...this.symbols.keys()]), "utf8");
    const counts: Counts = { records: this.recT.length, events: this.evTs.length, numbers: this.nums.length, headerBytes: header.length, symbolsBytes: symbols.length, stringBytes: strings.length };
    const at = layoutOf(counts);
    const buf = Buffer.from(new ArrayBuffer(at.total));
    const ab = buf.buffer;
    new Float64Array(ab, at.recT, counts.records).set(this.recT.view());
    new Float64Array(ab, at.evTs, counts.events).set(this.evTs.view());
    new Float64Array(ab, at.nums, counts.numbers).set(this.nums.view());
    new Uint32Array(ab, at.recEnd, counts.records).set(this.recEnd.view());
    new Uint32Array(ab, at.evNumEnd, counts.events).set(this.evNumEnd.view());
    new Uint32Array(ab, at.evBids, counts.events).set(this.evBids.view());
    new Uint32Array(ab, at.evStrEnd, counts.events).set(this.evStrEnd.view());
    new Uint16Array(ab, at.evSym, counts.events).set(this.evSym.view());
    new Uint8Array(ab, at.evKind, counts.events).set(this.evKind.view());
    new Uint8Array(ab, at.evSide, counts.events).set(this.evSide.view());
    header.copy(buf, at.header);
    symbols.copy(buf, at.symbols);
    strings.copy(buf, at.strings);
    writeFixed(ab, counts, at.total, stamp, text.length);
    new Uint32Array(ab, 0, 4)[2] = crc32(buf.subarray(16));
    return buf;
  }
}

function writeFixed(ab: ArrayBuffer, c: Counts, total: number, stamp: SourceStamp, chars: number): void {
  const u = new Uint32Array(ab, 0, FIXED_BYTES / 4);
  const f = new Float64Array(ab, 0, FIXED_BYTES / 8);
  u[0] = MAGIC;
  u[1] = CACHE_FORMAT_VERSION;
  u[3] = c.records;
  f[2] = total;
  f[3] = stamp.size;
  f[4] = stamp.mtimeMs;
  u[10] = c.events;
  u[11] = c.numbers;
  u[12] = c.headerBytes;
  u[13] = c.symbolsBytes;
  u[14] = c.stringBytes;
  u[15] = chars;
}

/**
 * A recording decoded from its cache file: the header, and the records, turned into the
 * {@link MarketEvent} objects the engine needs only when {@link decode} asks for them.
 */
export class RecordingColumns {
  private constructor(
    /** The recording's header (line 1). */
    readonly header: RecordingHeader,
    /** How many records (lines after the header) the recording holds. */
    readonly records: number,
    private readonly recT: Float64Array,
    private readonly recEnd: Uint32Array,
    private readonly evTs: Float64Array,
    private readonly nums: Float64Array,
    private readonly evNumEnd: Uint32Array,
    private readonly evBids: Uint32Array,
    private readonly evStrEnd: Uint32Array,
    private readonly evSym: Uint16Array,
    private readonly evKind: Uint8Array,
    private readonly evSide: Uint8Array,
    private readonly symbols: string[],
    private readonly text: string,
  ) {}

  /** Checks and opens a cache buffer for a source at `stamp`: the columns, or why the buffer is unusable. */
  static open(input: Buffer, stamp: SourceStamp): RecordingColumns | string {
    if (input.length < FIXED_BYTES) return "shorter than its header";
    try {
      return RecordingColumns.openAligned(input.byteOffset % 8 === 0 ? input : Buffer.from(new Uint8Array(input).buffer), stamp);
    } catch (e) {
      return `unreadable: ${(e as Error).message}`;
    }
  }

  private static openAligned(buf: Buffer, stamp: SourceStamp): RecordingColumns | string {
    const ab = buf.buffer;
    const base = buf.byteOffset;
    const u = new Uint32Array(ab, base, FIXED_BYTES / 4);
    const f = new Float64Array(ab, base, FIXED_BYTES / 8);
    if (u[0] !== MAGIC) return "not a recording cache";
    if (u[1] !== CACHE_FORMAT_VERSION) return `format version ${u[1]}, expected ${CACHE_FORMAT_VERSION}`;
    if (f[3] !== stamp.size || f[4] !== stamp.mtimeMs) return "made from another version of the source";
    if (f[2] !== buf.length) return `${buf.length} bytes, its header says ${f[2]}`;
    const counts: Counts = { records: u[3], events: u[10], numbers: u[11], headerBytes: u[12], symbolsBytes: u[13], stringBytes: u[14] };
    const at = layoutOf(counts);
    if (at.total !== buf.length) return "section sizes do not add up";
    if (crc32(buf.subarray(16)) !== u[2]) return "checksum mismatch";
    const view = <T>(make: new (b: ArrayBufferLike, o: number, n: number) => T, off: number, n: number) => new make(ab, base + off, n);
    let header: RecordingHeader;
    let symbols: string[];
    try {
      header = JSON.parse(buf.toString("utf8", at.header, at.header + counts.headerBytes));
      symbols = JSON.parse(buf.toString("utf8", at.symbols, at.symbols + counts.symbolsBytes));
    } catch {
      return "header or symbols are not JSON";
    }
    const text = buf.toString("utf8", at.strings, at.strings + counts.stringBytes);
    if (text.length !== u[15]) return "string blob length mismatch";
    const cols = new RecordingColumns(
      header,
      counts.records,
      view(Float64Array, at.recT, counts.records),
      view(Uint32Array, at.recEnd, counts.records),
      view(Float64Array, at.evTs, counts.events),
      view(Float64Array, at.nums, counts.numbers),
      view(Uint32Array, at.evNumEnd, counts.events),
      view(Uint32Array, at.evBids, counts.events),
      view(Uint32Array, at.evStrEnd, counts.events),
      view(Uint16Array, at.evSym, counts.events),
      view(Uint8Array, at.evKind, counts.events),
      view(Uint8Array, at.evSide, counts.events),
      symbols,
      text,
    );
    return cols.checkBounds();
  }

  /** Every offset is monotone and in bounds and every event has the numbers its kind needs. */
  private checkBounds(): RecordingColumns | string {
    if (!Array.isArray(this.symbols) || !this.symbols.every((s) => typeof s === "string")) return "symbols are not strings";
    const events = this.evTs.length;
    let prev = 0;
    for (let r = 0; r < this.records; r++) {
      if (this.recEnd[r] < prev) return `record ${r} ends before it starts`;
      prev = this.recEnd[r];
    }
    if (prev !== events) return "records do not cover the events";
    let num = 0;
    let str = 0;
    for (let e = 0; e < events; e++) {
      const n = this.evNumEnd[e] - num;
      const k = this.evKind[e];
      const ok = k === KIND_TRADE ? n === 2 : k === KIND_TOP ? n === 4 : k === KIND_LEVELS && n >= 0 && n % 2 === 0 && 2 * this.evBids[e] <= n;
      if (!ok || this.evStrEnd[e] < str || this.evSym[e] >= this.symbols.length) return `event ${e} is malformed`;
      num = this.evNumEnd[e];
      str = this.evStrEnd[e];
    }
    if (num !== this.nums.length || str !== this.text.length) return "events do not cover the numbers and strings";
    return this;
  }

  /** Builds the records `[from, to)` with fresh event objects, each tagged with `file`. */
  decode(from: number, to: number, file: string): { t: number; events: MarketEvent[]; file: string }[] {
    const out = new Array<{ t: number; events: MarketEvent[]; file: string }>(to - from);
    let e = from === 0 ? 0 : this.recEnd[from - 1];
    for (let r = from; r < to; r++) {
      const end = this.recEnd[r];
      const events = new Array<MarketEvent>(end - e);
      for (let i = 0; e < end; e++, i++) events[i] = this.event(e);
      out[r - from] = { t: this.recT[r], events, file };
    }
    return out;
  }

  private event(e: number): MarketEvent {
    const n = e === 0 ? 0 : this.evNumEnd[e - 1];
    const s = e === 0 ? 0 : this.evStrEnd[e - 1];
    const nums = this.nums;
    const symbol = this.symbols[this.evSym[e]];
    const ts = this.evTs[e];
    const str = this.text.slice(s, this.evStrEnd[e]);
    const kind = this.evKind[e];
    if (kind === KIND_TRADE) return { kind: "trade", symbol, ts, price: nums[n], size: nums[n + 1], side: this.evSide[e] === 1 ? "sell" : "buy", id: str };
    if (kind === KIND_TOP) return { kind: "bookTop", symbol, ts, bidPrice: nums[n], bidSize: nums[n + 1], askPrice: nums[n + 2], askSize: nums[n + 3], seq: str };
    const mid = n + 2 * this.evBids[e];
    return { kind: "bookLevels", symbol, ts, bids: levels(nums, n, mid), asks: levels(nums, mid, this.evNumEnd[e]), seq: str };
  }
}

function levels(nums: Float64Array, from: number, to: number): Level[] {
  const out = new Array<Level>((to - from) >> 1);
  for (let i = 0, k = from; k < to; i++, k += 2) out[i] = [nums[k], nums[k + 1]];
  return out;
}

/** Loads the cache of `file` at `stamp`: the columns, or null on a miss or an unusable cache (observed as `miss` / `stale`). */
export async function loadRecordingCache(file: string, stamp: SourceStamp, opts: RecordingCacheOptions): Promise<RecordingColumns | null> {
  const path = cacheFileFor(opts.dir ?? defaultCacheDir(), file, stamp);
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch {
    opts.observe?.({ file, outcome: "miss" });
    return null;
  }
  const cols = RecordingColumns.open(buf, stamp);
  if (typeof cols === "string") {
    opts.observe?.({ file, outcome: "stale", reason: cols });
    return null;
  }
  opts.observe?.({ file, outcome: "hit" });
  return cols;
}

let tmpSeq = 0;

/**
 * Writes the cache of `file` (its source still at `stamp`) atomically, then prunes the folder to
 * {@link MAX_CACHE_DIR_BYTES}. Never throws: a failure is observed as `not-written`.
 */
export async function storeRecordingCache(file: string, stamp: SourceStamp, builder: RecordingColumnsBuilder, opts: RecordingCacheOptions): Promise<void> {
  const dir = opts.dir ?? defaultCacheDir();
  const bytes = builder.encode(stamp);
  if (bytes === null) {
    opts.observe?.({ file, outcome: "not-written", reason: builder.failed ?? "no header" });
    return;
  }
  const path = cacheFileFor(dir, file, stamp);
  const tmp = `${path}.${process.pid}-${tmpSeq++}.tmp`;
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    opts.observe?.({ file, outcome: "not-written", reason: (e as Error).message });
    return;
  }
  opts.observe?.({ file, outcome: "written" });
  await pruneCacheDir(dir, MAX_CACHE_DIR_BYTES).catch(() => undefined);
}

/** Deletes the oldest cache files (by mtime) until the folder holds at most `maxBytes`. */
export async function pruneCacheDir(dir: string, maxBytes: number): Promise<void> {
  const names = (await readdir(dir)).filter((n) => n.endsWith(".esrc"));
  const files = await Promise.all(names.map(async (n) => ({ path: join(dir, n), st: await stat(join(dir, n)).catch(() => null) })));
  const live = files.filter((f) => f.st !== null).sort((a, b) => b.st!.mtimeMs - a.st!.mtimeMs);
  let total = 0;
  for (const f of live) {
    total += f.st!.size;
    if (total > maxBytes) await unlink(f.path).catch(() => undefined);
  }
}
