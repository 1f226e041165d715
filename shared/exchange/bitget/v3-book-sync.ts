/**
 * Order-book continuity for one v3 book subscription (bitget-uta-v3.md §1.3), on top of the V2
 * {@link BookSync} (merge, stale drops, optional checksum) fed with the V2 form of each push
 * (v3-public-codec.ts). What v3 adds is the rule for the first `books` update after a snapshot:
 * the snapshot's `seq` must fall in `[pseq, seq]` of that update (V2 wants `pseq` equal to it).
 * After that, as in V2, each update's `pseq` must equal the previous `seq`; `pseq` 0 is a server
 * reset. Any break clears the book and asks for a resubscribe, which brings a fresh snapshot.
 * @module
 */
import { BookSync, type BookSyncOptions, type BookSyncResult } from "./book-sync";
import { V3_BOOK_TOPICS, v2Data } from "./v3-public-codec";

/** v3 book topics: `books` is snapshot + deltas, the others a fixed-depth snapshot every push. */
export type V3BookTopic = "books" | "books1" | "books5" | "books50";

/** True when `topic` is a {@link V3BookTopic}. */
export function isV3BookTopic(topic: string): topic is V3BookTopic {
  return topic in V3_BOOK_TOPICS;
}

const DIGITS = /^\d{1,40}$/;

/** Integrity state of one v3 book subscription; see the module doc. */
export class V3BookSync {
  /** The topic this instance guards. */
  readonly topic: V3BookTopic;
  readonly #inner: BookSync;
  /** `seq` of the accepted `books` snapshot until its first update is accepted, else null. */
  #snapshotSeq: bigint | null = null;

  constructor(topic: V3BookTopic, symbol: string, options: BookSyncOptions = {}) {
    this.topic = topic;
    this.#inner = new BookSync(V3_BOOK_TOPICS[topic], symbol, options);
  }

  /** The symbol this instance guards. */
  get symbol(): string {
    return this.#inner.symbol;
  }

  /** True once a snapshot has been accepted since construction, the last reset or the last resync verdict. */
  get healthy(): boolean {
    return this.#inner.healthy;
  }

  /** The last accepted `seq`, or null. */
  get lastSeq(): bigint | null {
    return this.#inner.lastSeq;
  }

  /** Forgets the book and waits for a snapshot: call after (re)subscribing or reconnecting. */
  reset(): void {
    this.#snapshotSeq = null;
    this.#inner.reset();
  }

  /**
   * Checks one v3 push of this topic and symbol (JSON-parsed, strings intact; its `arg` is the
   * caller's to have routed and is not read) and updates the book.
   */
  apply(push: Readonly<Record<string, unknown>>): BookSyncResult {
    const data = v2Data(this.topic, push.data);
    if (data === null) return { kind: "malformed", reason: `${this.topic} push has no data array` };
    const v2 = { action: push.action, ts: push.ts, data };
    if (this.topic !== "books") return this.#inner.apply(v2);
    if (push.action === "snapshot") return this.#snapshot(v2);
    if (push.action === "update" && this.#snapshotSeq !== null) return this.#firstUpdate(v2);
    return this.#inner.apply(v2);
  }

  #snapshot(v2: Record<string, unknown>): BookSyncResult {
    const r = this.#inner.apply(v2);
    this.#snapshotSeq = r.kind === "accept" ? this.#inner.lastSeq : null;
    return r;
  }

  /** The first update after a snapshot: accepted when the snapshot's seq is within [pseq, seq]. */
  #firstUpdate(v2: Record<string, unknown>): BookSyncResult {
    const snap = this.#snapshotSeq as bigint;
    const item = (v2.data as Record<string, unknown>[])[0];
    const seq = parse(item?.seq);
    const pseq = parse(item?.pseq);
    if (seq === null || pseq === null || pseq === 0n) return this.#settle(this.#inner.apply(v2));
    if (seq <= snap) return this.#inner.apply(v2);
    if (pseq > snap) {
      this.reset();
      return { kind: "resync", reason: "gap" };
    }
    const bridged = { ...v2, data: [{ ...item, pseq: String(snap) }] };
    return this.#settle(this.#inner.apply(bridged));
  }

  #settle(r: BookSyncResult): BookSyncResult {
    if (r.kind !== "drop") this.#snapshotSeq = null;
    return r;
  }
}

/** A seq/pseq as BigInt, or null when absent or not a non-negative integer (the inner check refuses it). */
function parse(raw: unknown): bigint | null {
  if (typeof raw === "string" && DIGITS.test(raw)) return BigInt(raw);
  if (typeof raw === "number" && Number.isInteger(raw) && raw >= 0) return BigInt(raw);
  return null;
}
