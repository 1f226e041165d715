/**
 * Order-book integrity for one Bitget book subscription (one channel of one symbol): `seq` ordering,
 * `pseq` continuity, the optional CRC32 checksum, and the incremental merge of the full-depth `books`
 * channel (bitget-v2.md §1.5).
 * @module
 */
import type { BookLevelsEvent, BookTopEvent, Level } from "../../market/events";
import { CRC32_START, crc32Finish, crc32Update } from "./crc32";
import { decodeChannelData } from "./public-codec";

/** Bitget public book channels: `books` is snapshot + deltas, the others a fixed-depth snapshot every push. */
export type BookChannel = "books" | "books1" | "books5" | "books15";

/** Every {@link BookChannel}. */
export const BOOK_CHANNELS: readonly BookChannel[] = ["books", "books1", "books5", "books15"];

/** True when `channel` is a {@link BookChannel}. */
export function isBookChannel(channel: string): channel is BookChannel {
  return channel === "books" || channel === "books1" || channel === "books5" || channel === "books15";
}

/** Why a book subscription must be resubscribed (unsubscribe + subscribe) to get a fresh snapshot. */
export type ResyncReason =
  /** `books` update whose `pseq` is not the last accepted `seq`: a push was missed. */
  | "gap"
  /** `books` update with `pseq` 0: the server reset the book. */
  | "reset"
  /** A run of `seq` going backwards: the exchange restarted its numbering (e.g. after maintenance). */
  | "seq-reset"
  /** The CRC32 of the local book differs from the push's `checksum`. */
  | "checksum";

/** What {@link BookSync.apply} decided about one push. */
export type BookSyncResult =
  /** The push is in order and consistent; `event` is the book to hand on. */
  | { readonly kind: "accept"; readonly event: BookTopEvent | BookLevelsEvent }
  /** Dropped without harm: an old/duplicate `seq`, or a `books` update before the snapshot it builds on. */
  | { readonly kind: "drop"; readonly reason: "stale" | "awaiting-snapshot" }
  /** The push is not a valid book push; the book state is untouched. */
  | { readonly kind: "malformed"; readonly reason: string }
  /** The local book can no longer be trusted; it was cleared and waits for a fresh snapshot. */
  | { readonly kind: "resync"; readonly reason: ResyncReason };

/** Options of {@link BookSync}. */
export interface BookSyncOptions {
  /** Levels per side in the events built from the merged `books` channel; default 50. */
  readonly depth?: number;
  /** Consecutive backwards/equal `seq` pushes tolerated before assuming a renumbering; default 20. */
  readonly maxStaleRun?: number;
}

/** Levels per side that Bitget's checksum covers (bitget-v2.md §1.5). */
const CHECKSUM_LEVELS = 25;

const DIGITS = /^\d{1,40}$/;

/** A level of the merged `books` book: the strings as received (for the checksum) and the parsed level. */
type StoredLevel = readonly [price: string, size: string, level: Level];

const STALE: BookSyncResult = { kind: "drop", reason: "stale" };
const AWAITING: BookSyncResult = { kind: "drop", reason: "awaiting-snapshot" };
const RESYNC: Readonly<Record<ResyncReason, BookSyncResult>> = {
  gap: { kind: "resync", reason: "gap" },
  reset: { kind: "resync", reason: "reset" },
  "seq-reset": { kind: "resync", reason: "seq-reset" },
  checksum: { kind: "resync", reason: "checksum" },
};

/**
 * Bitget's order-book checksum: CRC-32 over `bid1Price:bid1Size:ask1Price:ask1Size:bid2Price:...` for
 * the first 25 levels of each side, alternating bid/ask per level and skipping the missing entries of a
 * shorter side, over the strings exactly as received; returned as a signed 32-bit int (bitget-v2.md §1.5).
 * Each level is read as `[price, size, ...]`; non-string entries are stringified.
 */
export function bookChecksum(bids: ReadonlyArray<ArrayLike<unknown>>, asks: ReadonlyArray<ArrayLike<unknown>>): number {
  const n = Math.min(CHECKSUM_LEVELS, Math.max(bids.length, asks.length));
  let crc = CRC32_START;
  let first = true;
  for (let i = 0; i < n; i++) {
    if (i < bids.length) {
      crc = feedLevel(crc, bids[i], first);
      first = false;
    }
    if (i < asks.length) {
      crc = feedLevel(crc, asks[i], first);
      first = false;
    }
  }
  return crc32Finish(crc) | 0;
}

function feedLevel(crc: number, level: ArrayLike<unknown>, first: boolean): number {
  if (!first) crc = crc32Update(crc, ":");
  crc = crc32Update(crc, text(level?.[0]));
  crc = crc32Update(crc, ":");
  return crc32Update(crc, text(level?.[1]));
}

/**
 * Integrity state of one book subscription.
 *
 * - `books1` / `books5` / `books15`: every push is a snapshot. A push whose `seq` is not above the
 *   last accepted one is dropped as stale; otherwise it is accepted if its checksum (when present and
 *   non-zero) matches its own levels.
 * - `books`: a `snapshot` replaces the local book; an `update` is merged level by level (size `"0"`
 *   deletes, an existing price is replaced, a new price is inserted in order) after checking
 *   `seq > lastSeq` (else stale) and `pseq == lastSeq` (else gap; `pseq` 0 = server reset); the
 *   checksum is verified after the whole push is applied. Updates are dropped until a snapshot arrives.
 * - `seq`/`pseq` are compared as BigInt: they can exceed 2^53.
 * - A resync verdict clears the book and waits for a snapshot (a new push for the snapshot channels),
 *   so repeated faults do not repeat the verdict; the caller resubscribes.
 * - Decoding happens once: the codec parses the numbers, this class keeps the raw strings next to them.
 *   `books` merge costs O(log n) to find a level plus the array splice for inserts and deletes.
 */
export class BookSync {
  /** The channel this instance guards. */
  readonly channel: BookChannel;
  /** The symbol this instance guards: the routed push's `instId`, stamped on its events. */
  readonly symbol: string;
  private readonly depth: number;
  private readonly maxStaleRun: number;
  private seq: bigint | null = null;
  private synced = false;
  private staleRun = 0;
  private bids: StoredLevel[] = [];
  private asks: StoredLevel[] = [];

  constructor(channel: BookChannel, symbol: string, options: BookSyncOptions = {}) {
    const { depth = 50, maxStaleRun = 20 } = options;
    if (!(depth >= 1) || !Number.isInteger(depth))
      throw new RangeError(`BookSync depth must be an integer ≥ 1, got ${depth}`);
    if (!(maxStaleRun >= 1) || !Number.isInteger(maxStaleRun))
      throw new RangeError(`BookSync maxStaleRun must be an integer ≥ 1, got ${maxStaleRun}`);
    this.channel = channel;
    this.symbol = symbol;
    this.depth = depth;
    this.maxStaleRun = maxStaleRun;
  }

  /** True once a snapshot has been accepted since construction, the last reset or the last resync verdict. */
  get healthy(): boolean {
    return this.synced;
  }

  /** The last accepted `seq`, or null (none yet, or the pushes carry none). */
  get lastSeq(): bigint | null {
    return this.seq;
  }

  /** Forgets the book and waits for a snapshot: call after (re)subscribing or reconnecting. */
  reset(): void {
    this.seq = null;
    this.synced = false;
    this.staleRun = 0;
    this.bids = [];
    this.asks = [];
  }

  /**
   * Checks one push of this channel and symbol (the JSON-parsed envelope, strings intact; its `arg` is
   * the caller's to have routed, it is not read again) and updates the book.
   */
  apply(push: Readonly<Record<string, unknown>>): BookSyncResult {
    const data = push.data;
    const item = Array.isArray(data) ? data[0] : undefined;
    if (!isRecord(item)) return malformed("book push has no item");
    const seq = parseSeq(item.seq);
    if (seq === undefined) return malformed("book push has a bad seq");
    if (this.channel === "books") return this.applyDepth(push, item, seq);
    if (this.isStale(seq)) return this.stale();
    const event = this.decode(data);
    if (typeof event === "string") return malformed(event);
    if (!this.checksumMatches(item, item.bids as ArrayLike<unknown>[], item.asks as ArrayLike<unknown>[]))
      return this.resync("checksum");
    return this.accept(seq, event);
  }

  private applyDepth(
    push: Readonly<Record<string, unknown>>,
    item: Record<string, unknown>,
    seq: bigint | null,
  ): BookSyncResult {
    const action = push.action;
    if (action !== "snapshot" && action !== "update") return malformed("books push has no snapshot/update action");
    if (action === "update" && !this.synced) return AWAITING;
    if (action === "update" && this.isStale(seq)) return this.stale();
    if (action === "update") {
      const pseq = parseSeq(item.pseq);
      if (pseq === undefined) return malformed("books push has a bad pseq");
      if (pseq === 0n) return this.resync("reset");
      if (pseq !== null && this.seq !== null && pseq !== this.seq) return this.resync("gap");
    }
    const event = this.decode(push.data);
    if (typeof event === "string") return malformed(event);
    const levels = event as BookLevelsEvent;
    const rawBids = item.bids as ArrayLike<unknown>[];
    const rawAsks = item.asks as ArrayLike<unknown>[];
    if (action === "snapshot") {
      const bids = buildSide(rawBids, levels.bids, true);
      const asks = buildSide(rawAsks, levels.asks, false);
      if (!bids || !asks) return malformed("books snapshot is not sorted");
      this.bids = bids;
      this.asks = asks;
    } else {
      mergeSide(this.bids, rawBids, levels.bids, true);
      mergeSide(this.asks, rawAsks, levels.asks, false);
    }
    if (!this.checksumMatches(item, this.bids, this.asks)) return this.resync("checksum");
    return this.accept(seq, {
      kind: "bookLevels",
      symbol: levels.symbol,
      ts: levels.ts,
      bids: top(this.bids, this.depth),
      asks: top(this.asks, this.depth),
      seq: levels.seq,
    });
  }

  private decode(data: unknown): BookTopEvent | BookLevelsEvent | string {
    const r = decodeChannelData(this.channel, this.symbol, data);
    if (!r.ok) return r.reason;
    const e = r.events[0];
    if (e === undefined || e.kind === "trade") return "not a book push";
    return e;
  }

  private isStale(seq: bigint | null): boolean {
    return this.synced && seq !== null && this.seq !== null && seq <= this.seq;
  }

  private stale(): BookSyncResult {
    this.staleRun++;
    return this.staleRun >= this.maxStaleRun ? this.resync("seq-reset") : STALE;
  }

  private checksumMatches(
    item: Record<string, unknown>,
    bids: ReadonlyArray<ArrayLike<unknown>>,
    asks: ReadonlyArray<ArrayLike<unknown>>,
  ): boolean {
    const expected = checksumOf(item.checksum);
    return expected === 0 || bookChecksum(bids, asks) === expected;
  }

  private accept(seq: bigint | null, event: BookTopEvent | BookLevelsEvent): BookSyncResult {
    this.seq = seq;
    this.synced = true;
    this.staleRun = 0;
    return { kind: "accept", event };
  }

  private resync(reason: ResyncReason): BookSyncResult {
    this.reset();
    return RESYNC[reason];
  }
}

/** Stored levels from a snapshot; null when the side is not strictly sorted (bids descending, asks ascending). */
function buildSide(raw: ArrayLike<unknown>[], levels: readonly Level[], descending: boolean): StoredLevel[] | null {
  const out: StoredLevel[] = [];
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i];
    if (level[1] === 0) continue;
    const prev = out.length > 0 ? out[out.length - 1][2][0] : NaN;
    if (out.length > 0 && (descending ? level[0] >= prev : level[0] <= prev)) return null;
    out.push([text(raw[i][0]), text(raw[i][1]), level]);
  }
  return out;
}

function mergeSide(
  side: StoredLevel[],
  raw: ArrayLike<unknown>[],
  levels: readonly Level[],
  descending: boolean,
): void {
  for (let j = 0; j < levels.length; j++) {
    const level = levels[j];
    const idx = search(side, level[0], descending);
    if (idx >= 0 && level[1] === 0) side.splice(idx, 1);
    else if (idx >= 0) side[idx] = [text(raw[j][0]), text(raw[j][1]), level];
    else if (level[1] > 0) side.splice(~idx, 0, [text(raw[j][0]), text(raw[j][1]), level]);
  }
}

/** Index of `price` in the sorted side, or `~insertionPoint` when absent. */
function search(side: readonly StoredLevel[], price: number, descending: boolean): number {
  let lo = 0;
  let hi = side.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const p = side[mid][2][0];
    if (p === price) return mid;
    if (descending ? p > price : p < price) lo = mid + 1;
    else hi = mid - 1;
  }
  return ~lo;
}

function top(side: readonly StoredLevel[], depth: number): Level[] {
  const n = Math.min(depth, side.length);
  const out: Level[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = side[i][2];
  return out;
}

/** A `seq`/`pseq` as BigInt; null when absent; undefined when present but not a non-negative integer. */
function parseSeq(raw: unknown): bigint | null | undefined {
  if (raw === undefined || raw === null || raw === "") return null;
  if (typeof raw === "string") return DIGITS.test(raw) ? BigInt(raw) : undefined;
  if (typeof raw === "number") return Number.isInteger(raw) && raw >= 0 ? BigInt(raw) : undefined;
  return undefined;
}

/** The push's checksum as a signed 32-bit int; 0 (= do not check) when absent or not an integer. */
function checksumOf(raw: unknown): number {
  const n = typeof raw === "number" ? raw : typeof raw === "string" && raw !== "" ? Number(raw) : 0;
  return Number.isInteger(n) ? n | 0 : 0;
}

function text(v: unknown): string {
  return typeof v === "string" ? v : String(v);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function malformed(reason: string): BookSyncResult {
  return { kind: "malformed", reason };
}
