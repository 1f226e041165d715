/**
 * The columnar form of a decoded recording: what the recording cache (./recording-cache.ts) stores,
 * built from the decoded records and read back with one buffer and zero-copy typed-array views.
 *
 * Layout (native byte order, every section 8-byte aligned), after an 80-byte fixed header:
 * `recT f64[R] | evTs f64[E] | nums f64[N] | recEnd u32[R] | evSym u16[E] | evStrLen u16[E] |
 *  bookSides u16[2B] | lvRef u16[L] | evKind u8[E] | header JSON | symbols JSON | strings`.
 * Everything is read in file order, each column through its own running offset: a record owns the
 * events up to `recEnd` (exclusive, cumulative); an event's kind is `evKind` (trade taken by a buyer,
 * trade taken by a seller, bookTop, bookLevels), its id or seq the next `evStrLen` UTF-16 code units
 * of the string blob, its numbers the next ones of `nums` (trade: price, size; bookTop: bid price,
 * bid size, ask price, ask size; bookLevels: the price and size of each new level), and a bookLevels
 * event, the B-th, has `bookSides[2B]` bids and `bookSides[2B + 1]` asks, whose references are the
 * next ones of `lvRef`.
 *
 * Consecutive depth snapshots repeat most of their levels, so a level is stored as a reference: 0
 * for a new level (its two numbers follow in `nums`), `j + 1` for the bit-identical level `j` of the
 * same side of the previous depth snapshot of the same symbol in the file. The reader hands out that
 * very {@link Level} tuple again (levels are read-only; the live book feed shares them alike).
 * @module
 */
import { crc32 } from "node:zlib";
import type { RecordingHeader } from "../shared/backtest/recording";
import type { BookLevelsEvent, BookTopEvent, Level, MarketEvent, TradeEvent } from "../shared/market/events";

/**
 * Bumped whenever the layout or the meaning of a column changes: older caches then miss.
 * 3: the records are what the market ingress accepted (duplicate trades and broken books dropped).
 */
export const CACHE_FORMAT_VERSION = 3;

/** Above this many bytes of columns a recording is not cached (the builder holds them in memory). */
export const MAX_CACHE_FILE_BYTES = 512 * 1024 * 1024;

/** The largest count a u16 column holds: longer ids, deeper books and more symbols are not cached. */
const U16_MAX = 0xffff;
const MAGIC = 0x43525345;
const FIXED_BYTES = 80;
const KIND_BUY = 0;
const KIND_SELL = 1;
const KIND_TOP = 2;
const KIND_LEVELS = 3;

/** The identity of a source file the columns were made from. */
export interface SourceStamp {
  readonly size: number;
  readonly mtimeMs: number;
}

/** One decoded record with the file it came from (the shape of `SourcedRecord` in ./recording-file.ts). */
export interface ColumnsRecord {
  readonly t: number;
  readonly events: MarketEvent[];
  readonly file: string;
}

interface Counts {
  readonly records: number;
  readonly events: number;
  readonly numbers: number;
  readonly books: number;
  readonly refs: number;
  readonly headerBytes: number;
  readonly symbolsBytes: number;
  readonly stringBytes: number;
}

interface Layout {
  readonly recT: number;
  readonly evTs: number;
  readonly nums: number;
  readonly recEnd: number;
  readonly evSym: number;
  readonly evStrLen: number;
  readonly bookSides: number;
  readonly lvRef: number;
  readonly evKind: number;
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
    evSym: take(2 * c.events),
    evStrLen: take(2 * c.events),
    bookSides: take(4 * c.books),
    lvRef: take(2 * c.refs),
    evKind: take(c.events),
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
const NO_LEVELS: readonly Level[] = [];
const sameLevel = (a: Level, b: Level) => Object.is(a[0], b[0]) && Object.is(a[1], b[1]);

/**
 * Collects the decoded records of one recording, in order, into columns, then encodes them as one
 * cache buffer. It gives up (and {@link encode} returns null) on an event shape it does not know, on
 * more than 65,535 symbols, an id or seq longer than 65,535 characters, a book side deeper than
 * 65,535 levels or above {@link MAX_CACHE_FILE_BYTES}: such a recording is simply not cached.
 */
export class RecordingColumnsBuilder {
  private readonly recT = new F64Column();
  private readonly recEnd = new U32Column();
  private readonly evTs = new F64Column();
  private readonly nums = new F64Column();
  private readonly evSym = new U32Column();
  private readonly evStrLen = new U32Column();
  private readonly evKind = new U32Column();
  private readonly bookSides = new U32Column();
  private readonly lvRef = new U32Column();
  private readonly symbols = new Map<string, number>();
  private readonly prevSides: (readonly Level[])[] = [];
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
    const bytes =
      8 * (this.nums.length + this.evTs.length) +
      12 * this.recT.length +
      5 * this.evTs.length +
      2 * (this.lvRef.length + this.bookSides.length + this.chars);
    if (bytes > MAX_CACHE_FILE_BYTES) this.failed = "recording too large to cache";
  }

  private addEvent(e: MarketEvent): void {
    if (this.failed !== null) return;
    if (!this.shapes.has(e.kind) && !this.knownShape(e)) return;
    const sym = this.symbolId(e.symbol);
    if (sym < 0) return;
    this.evSym.push(sym);
    this.evTs.push(e.ts);
    if (e.kind === "trade") {
      if (e.side !== "buy" && e.side !== "sell") this.failed = `unknown trade side ${JSON.stringify(e.side)}`;
      this.evKind.push(e.side === "sell" ? KIND_SELL : KIND_BUY);
      this.nums.push(e.price);
      this.nums.push(e.size);
      this.pushString(e.id);
    } else if (e.kind === "bookTop") {
      this.evKind.push(KIND_TOP);
      this.nums.push(e.bidPrice);
      this.nums.push(e.bidSize);
      this.nums.push(e.askPrice);
      this.nums.push(e.askSize);
      this.pushString(e.seq);
    } else {
      this.evKind.push(KIND_LEVELS);
      this.pushSide(e.bids, this.prevSides[2 * sym]);
      this.pushSide(e.asks, this.prevSides[2 * sym + 1]);
      this.prevSides[2 * sym] = e.bids;
      this.prevSides[2 * sym + 1] = e.asks;
      this.pushString(e.seq);
    }
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

  /** The index of `symbol`, added on first sight; -1 (and the builder gives up) past {@link U16_MAX} symbols. */
  private symbolId(symbol: string): number {
    const known = this.symbols.get(symbol);
    if (known !== undefined) return known;
    const sym = this.symbols.size;
    if (sym >= U16_MAX) {
      this.failed = "more than 65535 symbols";
      return -1;
    }
    this.symbols.set(symbol, sym);
    this.prevSides.push(NO_LEVELS, NO_LEVELS);
    return sym;
  }

  /** Appends the references of one side of a depth snapshot, against the same side of the symbol's previous one. */
  private pushSide(side: readonly Level[], prev: readonly Level[]): void {
    if (side.length > U16_MAX) this.failed = "a book side deeper than 65535 levels";
    this.bookSides.push(side.length);
    let byPrice: Map<number, number> | null = null;
    for (let i = 0; i < side.length; i++) {
      const l = side[i];
      if (l.length !== 2) this.failed = "a book level is not [price, size]";
      let j = i < prev.length && sameLevel(prev[i], l) ? i : -1;
      if (j < 0 && prev.length > 0) {
        byPrice ??= new Map(prev.map((p, k) => [p[0], k]));
        const k = byPrice.get(l[0]);
        if (k !== undefined && sameLevel(prev[k], l)) j = k;
      }
      if (j >= 0 && j < U16_MAX) {
        this.lvRef.push(j + 1);
        continue;
      }
      this.lvRef.push(0);
      this.nums.push(l[0]);
      this.nums.push(l[1]);
    }
  }

  private pushString(s: string): void {
    if (s.length > U16_MAX) this.failed = "an id or seq longer than 65535 characters";
    this.strings.push(s);
    this.chars += s.length;
    this.evStrLen.push(s.length);
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
    const counts: Counts = {
      records: this.recT.length,
      events: this.evTs.length,
      numbers: this.nums.length,
      books: this.bookSides.length >> 1,
      refs: this.lvRef.length,
      headerBytes: header.length,
      symbolsBytes: symbols.length,
      stringBytes: strings.length,
    };
    const at = layoutOf(counts);
    const buf = Buffer.from(new ArrayBuffer(at.total));
    const ab = buf.buffer;
    new Float64Array(ab, at.recT, counts.records).set(this.recT.view());
    new Float64Array(ab, at.evTs, counts.events).set(this.evTs.view());
    new Float64Array(ab, at.nums, counts.numbers).set(this.nums.view());
    new Uint32Array(ab, at.recEnd, counts.records).set(this.recEnd.view());
    new Uint16Array(ab, at.evSym, counts.events).set(this.evSym.view());
    new Uint16Array(ab, at.evStrLen, counts.events).set(this.evStrLen.view());
    new Uint16Array(ab, at.bookSides, 2 * counts.books).set(this.bookSides.view());
    new Uint16Array(ab, at.lvRef, counts.refs).set(this.lvRef.view());
    new Uint8Array(ab, at.evKind, counts.events).set(this.evKind.view());
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
  u[16] = c.books;
  u[17] = c.refs;
}

/** The columns of an opened cache buffer (zero-copy views) and its decoded header, symbols and string blob. */
interface Columns {
  readonly header: RecordingHeader;
  readonly records: number;
  readonly recT: Float64Array;
  readonly evTs: Float64Array;
  readonly nums: Float64Array;
  readonly recEnd: Uint32Array;
  readonly evSym: Uint16Array;
  readonly evStrLen: Uint16Array;
  readonly bookSides: Uint16Array;
  readonly lvRef: Uint16Array;
  readonly evKind: Uint8Array;
  readonly symbols: readonly string[];
  readonly text: string;
}

/**
 * A recording decoded from its cache buffer: the header, the receive times, and the records, turned
 * into the {@link MarketEvent} objects the engine needs only when {@link decode} or {@link record}
 * asks for them: fresh objects each time, except the level tuples a depth snapshot shares with the
 * previous one (see the module notes). Records are decoded in order through running offsets; asking
 * for a record out of order replays the file up to it.
 */
export class RecordingColumns {
  /** The recording's header (line 1). */
  readonly header: RecordingHeader;
  /** How many records (lines after the header) the recording holds. */
  readonly records: number;
  /** The receive time `t` of every record, in file order. */
  readonly times: Float64Array;
  private readonly cols: Columns;
  private source: Buffer | null;
  /** The bids and asks last decoded per symbol (`2 * symbol`, `2 * symbol + 1`): what level references point into. */
  private prevSides: Level[][] = [];
  private next = 0;
  private ev = 0;
  private num = 0;
  private str = 0;
  private book = 0;
  private ref = 0;

  private constructor(cols: Columns, source: Buffer) {
    this.cols = cols;
    this.source = source;
    this.header = cols.header;
    this.records = cols.records;
    this.times = cols.recT;
    this.rewind();
  }

  /** Checks and opens a cache buffer for a source at `stamp`: the columns, or why the buffer is unusable. */
  static open(input: Buffer, stamp: SourceStamp): RecordingColumns | string {
    if (input.length < FIXED_BYTES) return "shorter than its header";
    try {
      const aligned = input.byteOffset % 8 === 0 ? input : Buffer.from(new Uint8Array(input).buffer);
      const cols = columnsOf(aligned, stamp);
      if (typeof cols === "string") return cols;
      return malformation(cols) ?? new RecordingColumns(cols, aligned);
    } catch (e) {
      return `unreadable: ${(e as Error).message}`;
    }
  }

  /** Builds the records `[from, to)` with fresh event objects, each tagged with `file`. */
  decode(from: number, to: number, file: string): ColumnsRecord[] {
    const out = new Array<ColumnsRecord>(to - from);
    for (let r = from; r < to; r++) out[r - from] = this.record(r, file);
    return out;
  }

  /**
   * Ends reading: returns the whole buffer the columns were opened on (for reuse; no decoded value
   * refers to it), or null when it was already closed. Decoding afterwards throws.
   */
  close(): Buffer | null {
    const source = this.source;
    if (source === null) return null;
    this.source = null;
    return Buffer.from(source.buffer, 0, source.buffer.byteLength);
  }

  /** Builds record `r` (fresh event objects), tagged with `file`. */
  record(r: number, file: string): ColumnsRecord {
    if (this.source === null) throw new Error("the recording columns are closed");
    if (r !== this.next) this.replayTo(r);
    this.next = r + 1;
    const end = this.cols.recEnd[r];
    const t = this.times[r];
    if (end - this.ev === 1) return { t, events: [this.event()], file };
    const events: MarketEvent[] = [];
    while (this.ev < end) events.push(this.event());
    return { t, events, file };
  }

  private replayTo(r: number): void {
    this.rewind();
    for (let q = 0; q < r; q++) this.record(q, "");
  }

  private rewind(): void {
    this.prevSides = [];
    for (let i = 0; i < 2 * this.cols.symbols.length; i++) this.prevSides.push([]);
    this.next = this.ev = this.num = this.str = this.book = this.ref = 0;
  }

  private event(): MarketEvent {
    const kind = this.cols.evKind[this.ev];
    if (kind === KIND_TOP) return this.top();
    if (kind === KIND_LEVELS) return this.levels();
    return this.trade(kind);
  }

  private trade(kind: number): TradeEvent {
    const c = this.cols;
    const e = this.ev++;
    const n = this.num;
    this.num = n + 2;
    return {
      kind: "trade",
      symbol: c.symbols[c.evSym[e]],
      ts: c.evTs[e],
      price: c.nums[n],
      size: c.nums[n + 1],
      side: kind === KIND_SELL ? "sell" : "buy",
      id: this.string(e),
    };
  }

  private top(): BookTopEvent {
    const c = this.cols;
    const e = this.ev++;
    const n = this.num;
    this.num = n + 4;
    return {
      kind: "bookTop",
      symbol: c.symbols[c.evSym[e]],
      ts: c.evTs[e],
      bidPrice: c.nums[n],
      bidSize: c.nums[n + 1],
      askPrice: c.nums[n + 2],
      askSize: c.nums[n + 3],
      seq: this.string(e),
    };
  }

  private levels(): BookLevelsEvent {
    const c = this.cols;
    const e = this.ev++;
    const sym = c.evSym[e];
    const b = this.book++;
    const bids = this.side(c.bookSides[2 * b], this.prevSides[2 * sym]);
    const asks = this.side(c.bookSides[2 * b + 1], this.prevSides[2 * sym + 1]);
    this.prevSides[2 * sym] = bids;
    this.prevSides[2 * sym + 1] = asks;
    return { kind: "bookLevels", symbol: c.symbols[sym], ts: c.evTs[e], bids, asks, seq: this.string(e) };
  }

  private side(count: number, prev: Level[]): Level[] {
    const refs = this.cols.lvRef;
    const nums = this.cols.nums;
    const out = new Array<Level>(count);
    let n = this.num;
    let k = this.ref;
    for (let i = 0; i < count; i++, k++) {
      const ref = refs[k];
      if (ref !== 0) {
        out[i] = prev[ref - 1];
        continue;
      }
      out[i] = [nums[n], nums[n + 1]];
      n += 2;
    }
    this.num = n;
    this.ref = k;
    return out;
  }

  private string(e: number): string {
    const s = this.str;
    this.str = s + this.cols.evStrLen[e];
    return this.cols.text.slice(s, this.str);
  }
}

/** Checks the fixed header, length and checksum of a cache buffer and maps its sections; or why it is unusable. */
function columnsOf(buf: Buffer, stamp: SourceStamp): Columns | string {
  const ab = buf.buffer;
  const base = buf.byteOffset;
  const u = new Uint32Array(ab, base, FIXED_BYTES / 4);
  const f = new Float64Array(ab, base, FIXED_BYTES / 8);
  if (u[0] !== MAGIC) return "not a recording cache";
  if (u[1] !== CACHE_FORMAT_VERSION) return `format version ${u[1]}, expected ${CACHE_FORMAT_VERSION}`;
  if (f[3] !== stamp.size || f[4] !== stamp.mtimeMs) return "made from another version of the source";
  if (f[2] !== buf.length) return `${buf.length} bytes, its header says ${f[2]}`;
  const counts: Counts = {
    records: u[3],
    events: u[10],
    numbers: u[11],
    books: u[16],
    refs: u[17],
    headerBytes: u[12],
    symbolsBytes: u[13],
    stringBytes: u[14],
  };
  const at = layoutOf(counts);
  if (at.total !== buf.length) return "section sizes do not add up";
  if (crc32(buf.subarray(16)) !== u[2]) return "checksum mismatch";
  let header: RecordingHeader;
  let symbols: unknown;
  try {
    header = JSON.parse(buf.toString("utf8", at.header, at.header + counts.headerBytes));
    symbols = JSON.parse(buf.toString("utf8", at.symbols, at.symbols + counts.symbolsBytes));
  } catch {
    return "header or symbols are not JSON";
  }
  if (!Array.isArray(symbols) || !symbols.every((s) => typeof s === "string")) return "symbols are not strings";
  // As many bytes as UTF-16 code units: every character is ASCII, and latin1 decodes it alike, only faster.
  const text = buf.toString(
    counts.stringBytes === u[15] ? "latin1" : "utf8",
    at.strings,
    at.strings + counts.stringBytes,
  );
  if (text.length !== u[15]) return "string blob length mismatch";
  return {
    header,
    records: counts.records,
    recT: new Float64Array(ab, base + at.recT, counts.records),
    evTs: new Float64Array(ab, base + at.evTs, counts.events),
    nums: new Float64Array(ab, base + at.nums, counts.numbers),
    recEnd: new Uint32Array(ab, base + at.recEnd, counts.records),
    evSym: new Uint16Array(ab, base + at.evSym, counts.events),
    evStrLen: new Uint16Array(ab, base + at.evStrLen, counts.events),
    bookSides: new Uint16Array(ab, base + at.bookSides, 2 * counts.books),
    lvRef: new Uint16Array(ab, base + at.lvRef, counts.refs),
    evKind: new Uint8Array(ab, base + at.evKind, counts.events),
    symbols: symbols as string[],
    text,
  };
}

/**
 * Why the columns are inconsistent, or null: walks them as the reader will and checks that the
 * records cover the events, every kind and symbol is known, every level reference points into the
 * previous snapshot's side, and the running offsets end exactly at the ends of their columns.
 */
function malformation(c: Columns): string | null {
  const { recEnd, evSym, evStrLen, evKind, bookSides } = c;
  const events = c.evTs.length;
  const symbols = c.symbols.length;
  let prev = 0;
  for (let r = 0; r < c.records; r++) {
    if (recEnd[r] < prev) return `record ${r} ends before it starts`;
    prev = recEnd[r];
  }
  if (prev !== events) return "records do not cover the events";
  const books = bookSides.length >> 1;
  const bookSym = new Uint16Array(books);
  let num = 0;
  let str = 0;
  let book = 0;
  let bad = 0;
  for (let e = 0; e < events; e++) {
    const kind = evKind[e];
    bad |= (evSym[e] >= symbols ? 1 : 0) | (kind > KIND_LEVELS ? 1 : 0);
    str += evStrLen[e];
    num += kind === KIND_TOP ? 4 : kind === KIND_LEVELS ? 0 : 2;
    if (kind !== KIND_LEVELS) continue;
    if (book < books) bookSym[book] = evSym[e];
    book++;
  }
  if (bad !== 0) return "an event has an unknown kind or symbol";
  if (book !== books) return "bookLevels events and their book sides differ in number";
  const fresh = freshLevels(c, bookSym);
  if (fresh < 0) return "a level reference points past the previous snapshot";
  if (num + 2 * fresh !== c.nums.length || str !== c.text.length) return "events do not cover the numbers and strings";
  return null;
}

/** How many level references are new levels; -1 when one points past its previous snapshot's side or the references do not match the book sides. */
function freshLevels(c: Columns, bookSym: Uint16Array): number {
  const { bookSides, lvRef } = c;
  const depth = new Uint32Array(2 * c.symbols.length);
  let ref = 0;
  let fresh = 0;
  let bad = 0;
  for (let i = 0; i < bookSides.length; i++) {
    const side = 2 * bookSym[i >> 1] + (i & 1);
    const n = bookSides[i];
    const end = ref + n;
    if (end > lvRef.length) return -1;
    const max = depth[side];
    for (; ref < end; ref++) {
      const r = lvRef[ref];
      bad |= r > max ? 1 : 0;
      fresh += r === 0 ? 1 : 0;
    }
    depth[side] = n;
  }
  return bad === 0 && ref === lvRef.length ? fresh : -1;
}
