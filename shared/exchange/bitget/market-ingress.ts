/**
 * The market-ingress stage: one frame in, market events out, through the same steps wherever frames
 * come from — the live feed (`PublicFeed` wraps it with the socket), the recorder (it records the
 * pushes this stage judged valid) and replay (the recording reader and its columnar cache run it), so
 * the live agent and the backtester see the same events.
 *
 * frame → parse → route (arg, once) → decode → trade de-duplication ({@link RecentIds}) → book
 * continuity (a {@link BookGuard} per book arg: `seq`/`pseq`, checksums, snapshot/update order) → events.
 *
 * Pure and synchronous: no clock, no I/O. The wire dialect (envelope, decoder, book rules) is a
 * {@link IngressDialect}; {@link BITGET_V2} is Bitget's classic V2 public feed, and another dialect
 * (e.g. UTA v3 `topic`/`symbol`) plugs in beside it.
 * @module
 */
import type { MarketEvent } from "../../market/events";
import { BookSync, type BookSyncResult, isBookChannel, type ResyncReason } from "./book-sync";
import { type DecodeResult, decodeChannelData, parseFrameText } from "./public-codec";
import { RecentIds } from "./recent-ids";

/** One subscription of a feed: a channel (the dialect's name for it) of one symbol. */
export interface IngressArg {
  readonly channel: string;
  readonly symbol: string;
}

/** The continuity guard of one book arg: what {@link BookSync} is for V2. */
export interface BookGuard {
  /** True once a snapshot was accepted since construction, the last reset or the last resync verdict. */
  readonly healthy: boolean;
  /** Checks one push of this arg (envelope already routed) and updates the book. */
  apply(push: Readonly<Record<string, unknown>>): BookSyncResult;
  /** Forgets the book and waits for a snapshot (a new connection or subscription). */
  reset(): void;
}

/** A public WebSocket dialect: how a push names its arg, and how its trades and books are read. */
export interface IngressDialect {
  /** Parses a text frame as JSON, keeping what plain `JSON.parse` would lose (e.g. big integer seqs); throws as it does. */
  parse(text: string): unknown;
  /** The arg of a (non-control) push, or why it has none. Checks the envelope; the data is the decoders'. */
  argOf(push: Readonly<Record<string, unknown>>): IngressArg | string;
  /** What a channel carries: trades, a book, or nothing this stage handles. */
  streamOf(channel: string): "trade" | "book" | null;
  /** Decodes a routed trade push into trade events, sorted by (ts, id). */
  decodeTrades(symbol: string, push: Readonly<Record<string, unknown>>): DecodeResult;
  /** A fresh guard for one book arg. */
  bookGuard(arg: IngressArg, depth: number): BookGuard;
}

/** Bitget classic V2 public pushes: `arg: {instType, channel, instId}`, `trade` and `books*` channels. */
export const BITGET_V2: IngressDialect = {
  parse: parseFrameText,
  argOf(push) {
    const arg = push.arg;
    if (!isRecord(arg)) return "push has no arg";
    const { channel, instId } = arg;
    if (typeof channel !== "string" || typeof instId !== "string" || instId === "")
      return "push arg lacks channel or instId";
    return { channel, symbol: instId };
  },
  streamOf: (channel) => (channel === "trade" ? "trade" : isBookChannel(channel) ? "book" : null),
  decodeTrades: (symbol, push) => decodeChannelData("trade", symbol, push.data),
  bookGuard: (arg, depth) => {
    if (!isBookChannel(arg.channel)) throw new RangeError(`not a V2 book channel: ${arg.channel}`);
    return new BookSync(arg.channel, arg.symbol, { depth });
  },
};

/** Options of {@link MarketIngress}. */
export interface MarketIngressOptions {
  /** The wire dialect; default {@link BITGET_V2}. */
  readonly dialect?: IngressDialect;
  /**
   * The args this stage accepts (a live feed's subscriptions); pushes of other args are `ignored`.
   * Absent: every trade or book arg is accepted, its state made on first sight (replay).
   */
  readonly args?: readonly IngressArg[];
  /** Trade ids remembered per symbol for de-duplication; default 2 000. */
  readonly dedupCapacity?: number;
  /** Levels per side of the events built from an incremental book; default 50. */
  readonly booksDepth?: number;
}

/** What {@link MarketIngress} decided about one frame. `key` is `channel:symbol`. */
export type IngressVerdict =
  /** A control frame (`{"event": …}`: acks, errors, pong): the transport's business. */
  | { readonly kind: "control"; readonly msg: Record<string, unknown> }
  /** Not a valid push; nothing changed. `push` is the parsed object when there was one. */
  | {
      readonly kind: "malformed";
      readonly reason: string;
      readonly key: string | null;
      readonly push: Record<string, unknown> | null;
    }
  /** A push of an arg this stage does not accept (not subscribed, or a channel it does not handle). */
  | { readonly kind: "ignored"; readonly key: string; readonly push: Record<string, unknown> }
  /**
   * A valid push, taken: `events` is what to hand on (trades minus the `duplicates` dropped; may be
   * empty). `recovered`: a book arg that was unhealthy is healthy again.
   */
  | {
      readonly kind: "accepted";
      readonly key: string;
      readonly arg: IngressArg;
      readonly push: Record<string, unknown>;
      readonly events: MarketEvent[];
      readonly duplicates: number;
      readonly recovered: boolean;
    }
  /** A valid book push dropped without harm: an old `seq`, or an update before its snapshot. */
  | {
      readonly kind: "dropped";
      readonly key: string;
      readonly arg: IngressArg;
      readonly push: Record<string, unknown>;
      readonly reason: "stale" | "awaiting-snapshot";
    }
  /** The book of this arg broke (gap, reset, renumbering, checksum): it is cleared until a fresh snapshot. */
  | {
      readonly kind: "resync";
      readonly key: string;
      readonly arg: IngressArg;
      readonly push: Record<string, unknown>;
      readonly reason: ResyncReason;
    };

/** Counters of everything {@link MarketIngress} refused or repaired since construction. */
export interface IngressCounts {
  /** Frames or pushes that were not valid (not JSON, no arg, bad data). */
  readonly malformed: number;
  /** Why the last malformed one was refused. */
  readonly lastMalformedReason: string | null;
  /** Trades dropped because their id was seen recently. */
  readonly duplicates: number;
  /** Book pushes dropped as not newer than the last accepted `seq`. */
  readonly stale: number;
  /** Book continuity breaks: `pseq` gaps, server resets and `seq` renumberings. */
  readonly gaps: number;
  /** Checksum mismatches. */
  readonly checksumFailures: number;
}

interface Slot {
  readonly key: string;
  readonly arg: IngressArg;
  readonly stream: "trade" | "book";
  /** Trades: the symbol's recent ids (shared by every trade arg of the symbol). */
  readonly seen: RecentIds | null;
  /** Books: the arg's guard. */
  readonly book: BookGuard | null;
}

/**
 * The market-ingress stage for one connection's worth of args; see the module notes.
 *
 * - Trade ids are remembered per symbol across connections: the snapshot a (re)subscribe brings
 *   repeats recent trades, and those are exactly the duplicates to drop.
 * - Books are per arg and reset by {@link connectionLost}: a new connection starts from a snapshot.
 * - Malformed input is a verdict, never a throw, and leaves every state unchanged.
 */
export class MarketIngress {
  private readonly dialect: IngressDialect;
  private readonly fixed: boolean;
  private readonly dedupCapacity: number;
  private readonly booksDepth: number;
  private readonly slots = new Map<string, Slot>();
  private readonly recent = new Map<string, RecentIds>();
  private malformedCount = 0;
  private lastMalformed: string | null = null;
  private duplicateCount = 0;
  private staleCount = 0;
  private gapCount = 0;
  private checksumCount = 0;

  constructor(options: MarketIngressOptions = {}) {
    this.dialect = options.dialect ?? BITGET_V2;
    this.dedupCapacity = options.dedupCapacity ?? 2000;
    this.booksDepth = options.booksDepth ?? 50;
    if (!(this.dedupCapacity >= 1) || !Number.isInteger(this.dedupCapacity))
      throw new RangeError(`MarketIngress dedupCapacity must be an integer ≥ 1, got ${this.dedupCapacity}`);
    this.fixed = options.args !== undefined;
    for (const arg of options.args ?? []) {
      if (this.dialect.streamOf(arg.channel) === null)
        throw new RangeError(`MarketIngress cannot take channel ${arg.channel}`);
      this.slotOf(arg, argKey(arg.channel, arg.symbol));
    }
  }

  /** Counters since construction. */
  counts(): IngressCounts {
    return {
      malformed: this.malformedCount,
      lastMalformedReason: this.lastMalformed,
      duplicates: this.duplicateCount,
      stale: this.staleCount,
      gaps: this.gapCount,
      checksumFailures: this.checksumCount,
    };
  }

  /** True when every book arg of `symbol` holds a snapshot-based, consistent book; null without book args. */
  bookHealthy(symbol: string): boolean | null {
    let any = false;
    for (const slot of this.slots.values()) {
      if (slot.book === null || slot.arg.symbol !== symbol) continue;
      if (!slot.book.healthy) return false;
      any = true;
    }
    return any ? true : null;
  }

  /** True when `key` (`channel:symbol`) is a book arg whose book is consistent. */
  isBookHealthy(key: string): boolean {
    return this.slots.get(key)?.book?.healthy === true;
  }

  /** The connection ended: every book waits for a fresh snapshot (trade ids are kept). */
  connectionLost(): void {
    for (const slot of this.slots.values()) slot.book?.reset();
  }

  /** Counts a frame the caller could not even hand in (e.g. its handling threw): it shows as malformed. */
  countMalformed(reason: string): void {
    this.malformedCount++;
    this.lastMalformed = reason;
  }

  /** Parses one text frame and judges it (see {@link push}). */
  frame(text: string): IngressVerdict {
    let msg: unknown;
    try {
      msg = this.dialect.parse(text);
    } catch {
      return this.malformed("frame is not JSON", null, null);
    }
    if (!isRecord(msg)) return this.malformed("frame is not a JSON object", null, null);
    return this.push(msg);
  }

  /** Parses text (a frame, or a recording line holding one) as this stage's dialect does; throws as `JSON.parse`. */
  parse(text: string): unknown {
    return this.dialect.parse(text);
  }

  /** Judges one parsed frame: control, malformed, ignored, or what its arg's checks made of it. */
  push(msg: Record<string, unknown>): IngressVerdict {
    if (typeof msg.event === "string") return { kind: "control", msg };
    const arg = this.dialect.argOf(msg);
    if (typeof arg === "string") return this.malformed(arg, null, msg);
    const key = argKey(arg.channel, arg.symbol);
    let slot = this.slots.get(key);
    if (slot === undefined) {
      if (this.fixed || this.dialect.streamOf(arg.channel) === null) return { kind: "ignored", key, push: msg };
      slot = this.slotOf(arg, key);
    }
    return slot.stream === "trade" ? this.trades(slot, msg) : this.book(slot, msg);
  }

  private trades(slot: Slot, msg: Record<string, unknown>): IngressVerdict {
    const r = this.dialect.decodeTrades(slot.arg.symbol, msg);
    if (!r.ok) return this.malformed(r.reason, slot.key, msg);
    const seen = slot.seen as RecentIds;
    const events = r.events;
    let kept = 0;
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      if (e.kind === "trade" && !seen.add(e.id)) continue;
      events[kept++] = e;
    }
    const duplicates = events.length - kept;
    events.length = kept;
    this.duplicateCount += duplicates;
    return { kind: "accepted", key: slot.key, arg: slot.arg, push: msg, events, duplicates, recovered: false };
  }

  private book(slot: Slot, msg: Record<string, unknown>): IngressVerdict {
    const guard = slot.book as BookGuard;
    const wasHealthy = guard.healthy;
    const r = guard.apply(msg);
    const { key, arg } = slot;
    if (r.kind === "accept")
      return { kind: "accepted", key, arg, push: msg, events: [r.event], duplicates: 0, recovered: !wasHealthy };
    if (r.kind === "malformed") return this.malformed(r.reason, key, msg);
    if (r.kind === "drop") {
      if (r.reason === "stale") this.staleCount++;
      return { kind: "dropped", key, arg, push: msg, reason: r.reason };
    }
    if (r.reason === "checksum") this.checksumCount++;
    else this.gapCount++;
    return { kind: "resync", key, arg, push: msg, reason: r.reason };
  }

  private malformed(reason: string, key: string | null, push: Record<string, unknown> | null): IngressVerdict {
    this.countMalformed(reason);
    return { kind: "malformed", reason, key, push };
  }

  private slotOf(arg: IngressArg, key: string): Slot {
    const known = this.slots.get(key);
    if (known) return known;
    const stream = this.dialect.streamOf(arg.channel) as "trade" | "book";
    let seen: RecentIds | null = null;
    if (stream === "trade") {
      seen = this.recent.get(arg.symbol) ?? new RecentIds(this.dedupCapacity);
      this.recent.set(arg.symbol, seen);
    }
    const book = stream === "book" ? this.dialect.bookGuard(arg, this.booksDepth) : null;
    const slot: Slot = { key, arg, stream, seen, book };
    this.slots.set(key, slot);
    return slot;
  }
}

/** The key of an arg: `channel:symbol`. */
export function argKey(channel: string, symbol: string): string {
  return `${channel}:${symbol}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
