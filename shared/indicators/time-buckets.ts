/**
 * A rolling time window of fixed-width buckets holding per-bucket sums, shared by the
 * trade-fed microstructure indicators.
 * @module
 */

import { assertPeriod } from "./indicator";

/** Options of {@link TimeBuckets}. */
export interface TimeBucketsOptions {
  /** Window length, ms: a positive multiple of `bucketMs`. */
  readonly windowMs: number;
  /** Bucket width, ms. Default 1,000. */
  readonly bucketMs?: number;
  /** Number of summed fields per bucket (besides the built-in trade count). */
  readonly fields: number;
}

/** What one `addTrade` changed, so that {@link TimeBuckets.undo} can put it back exactly. */
export interface TimeBucketsUndo {
  readonly head: number;
  readonly length: number;
  readonly sums: number[];
  readonly popsSinceRecompute: number;
  readonly firstTs: number | null;
  readonly newestTs: number | null;
  /** Ring position of the one bucket the add wrote to, with its id and cells before the add. */
  readonly slot: number;
  readonly slotId: number;
  readonly slotCells: number[];
}

/** Serialisable state of {@link TimeBuckets}. */
export interface TimeBucketsState {
  readonly windowMs: number;
  readonly bucketMs: number;
  readonly fields: number;
  readonly ids: number[];
  /** `capacity × (fields + 1)` cells, row-major; column 0 of each row is the trade count. */
  readonly cells: number[];
  readonly head: number;
  readonly length: number;
  readonly sums: number[];
  readonly popsSinceRecompute: number;
  readonly firstTs: number | null;
  readonly newestTs: number | null;
  readonly undo: TimeBucketsUndo | null;
}

/**
 * Rolling sums over "the last `windowMs / bucketMs` buckets, the current one included", where
 * bucket `b` covers exchange time `[b·bucketMs, (b+1)·bucketMs)`. This is a whole-bucket
 * approximation of a sliding window: the oldest bucket is dropped whole, so the window covers
 * between `windowMs - bucketMs` and `windowMs` of history.
 *
 * Time comes only from trade timestamps (finite, ms). A trade older than the newest seen is treated as
 * happening at the newest timestamp (it lands in the current bucket and expires nothing).
 * Nothing expires during a silence until the next trade arrives.
 *
 * Only buckets that received trades are stored, in a deque of `windowMs / bucketMs + 1` slots, so
 * expiring is amortised O(1) per trade (each stored bucket is dropped once); a gap longer than
 * the window drops everything in O(1).
 *
 * Float drift: running sums subtract exactly the bucket values they added, so the error is at
 * most about one ulp of the largest sum seen per update since the last rebuild. Sums are rebuilt from the stored
 * buckets after every `capacity` expiries (amortised O(1)) and reset to exactly 0 whenever the
 * window empties.
 *
 * Each `addTrade` keeps an undo record of everything it changed (clock, deque bounds, sums and
 * the one bucket it wrote), so `undo()` restores the previous state bit for bit; expired buckets
 * stay in their slots until overwritten, which never happens within the same add.
 */
export class TimeBuckets {
  /** Window length, ms. */
  readonly windowMs: number;
  /** Bucket width, ms. */
  readonly bucketMs: number;
  /** Summed fields per bucket, besides the trade count. */
  readonly fields: number;
  /** Buckets per window. */
  readonly span: number;
  private readonly capacity: number;
  private readonly stride: number;
  private readonly ids: Float64Array;
  private readonly cells: Float64Array;
  private readonly sums: Float64Array;
  private head = 0;
  private length = 0;
  private current = 0;
  private popsSinceRecompute = 0;
  private started = false;
  private firstTs = 0;
  private newest = 0;
  private hasUndo = false;
  private undoHead = 0;
  private undoLength = 0;
  private readonly undoSums: Float64Array;
  private undoPops = 0;
  private undoStarted = false;
  private undoFirstTs = 0;
  private undoNewest = 0;
  private undoSlot = 0;
  private undoSlotId = 0;
  private readonly undoSlotCells: Float64Array;

  constructor(options: TimeBucketsOptions) {
    const bucketMs = options.bucketMs ?? 1000;
    assertPeriod("TimeBuckets bucketMs", bucketMs);
    assertPeriod("TimeBuckets windowMs", options.windowMs, bucketMs);
    assertPeriod("TimeBuckets fields", options.fields, 0);
    if (options.windowMs % bucketMs !== 0) {
      throw new RangeError(`TimeBuckets windowMs must be a multiple of bucketMs (${bucketMs}), got ${options.windowMs}`);
    }
    this.windowMs = options.windowMs;
    this.bucketMs = bucketMs;
    this.fields = options.fields;
    this.span = options.windowMs / bucketMs;
    this.capacity = this.span + 1;
    this.stride = options.fields + 1;
    this.ids = new Float64Array(this.capacity);
    this.cells = new Float64Array(this.capacity * this.stride);
    this.sums = new Float64Array(this.stride);
    this.undoSums = new Float64Array(this.stride);
    this.undoSlotCells = new Float64Array(this.stride);
  }

  /** Rebuilds a TimeBuckets from {@link TimeBuckets.getState}. */
  static restore(state: TimeBucketsState): TimeBuckets {
    const tb = new TimeBuckets(state);
    tb.ids.set(state.ids);
    tb.cells.set(state.cells);
    tb.sums.set(state.sums);
    tb.head = state.head;
    tb.length = state.length;
    tb.current = (state.head + state.length - 1 + tb.capacity) % tb.capacity;
    tb.popsSinceRecompute = state.popsSinceRecompute;
    tb.started = state.firstTs !== null;
    tb.firstTs = state.firstTs ?? 0;
    tb.newest = state.newestTs ?? 0;
    const u = state.undo;
    if (u === null) return tb;
    tb.hasUndo = true;
    tb.undoHead = u.head;
    tb.undoLength = u.length;
    tb.undoSums.set(u.sums);
    tb.undoPops = u.popsSinceRecompute;
    tb.undoStarted = u.firstTs !== null;
    tb.undoFirstTs = u.firstTs ?? 0;
    tb.undoNewest = u.newestTs ?? 0;
    tb.undoSlot = u.slot;
    tb.undoSlotId = u.slotId;
    tb.undoSlotCells.set(u.slotCells);
    return tb;
  }

  /** Number of trades in the window. */
  get trades(): number {
    return this.sums[0];
  }

  /** True once a trade was added. */
  get hasTrades(): boolean {
    return this.started;
  }

  /** Timestamp the window ends at (the newest trade's, after clamping), or `null` before any trade. */
  get newestTs(): number | null {
    return this.started ? this.newest : null;
  }

  /**
   * True once the trades seen span the whole window: the first trade is at or before
   * `newestTs - windowMs + bucketMs`, i.e. at least `span - 1` whole buckets lie between them.
   */
  get spansWindow(): boolean {
    return this.started && this.firstTs <= this.newest - this.windowMs + this.bucketMs;
  }

  /** Running sum of `field` over the window. */
  sum(field: number): number {
    return this.sums[field + 1];
  }

  /**
   * Starts a trade at `ts`: moves the clock (never backwards), expires buckets that left the
   * window, opens the trade's bucket and counts the trade. Follow with {@link accumulate} calls.
   */
  addTrade(ts: number): void {
    this.saveUndo();
    const t = !this.started || ts > this.newest ? ts : this.newest;
    if (!this.started) this.firstTs = t;
    this.started = true;
    this.newest = t;
    const id = Math.floor(t / this.bucketMs);
    this.expire(id - this.span + 1);
    this.open(id);
    this.cells[this.current * this.stride]++;
    this.sums[0]++;
  }

  /** Adds `value` to `field` of the current trade's bucket and to the window sum. */
  accumulate(field: number, value: number): void {
    this.cells[this.current * this.stride + field + 1] += value;
    this.sums[field + 1] += value;
  }

  /** Reverts the last {@link addTrade} and its accumulations exactly. One level only. */
  undo(): void {
    if (!this.hasUndo) throw new Error("TimeBuckets.undo without a preceding addTrade");
    this.ids[this.undoSlot] = this.undoSlotId;
    const base = this.undoSlot * this.stride;
    for (let f = 0; f < this.stride; f++) this.cells[base + f] = this.undoSlotCells[f];
    for (let f = 0; f < this.stride; f++) this.sums[f] = this.undoSums[f];
    this.head = this.undoHead;
    this.length = this.undoLength;
    this.current = (this.head + this.length - 1 + this.capacity) % this.capacity;
    this.popsSinceRecompute = this.undoPops;
    this.started = this.undoStarted;
    this.firstTs = this.undoFirstTs;
    this.newest = this.undoNewest;
    this.hasUndo = false;
  }

  getState(): TimeBucketsState {
    return {
      windowMs: this.windowMs,
      bucketMs: this.bucketMs,
      fields: this.fields,
      ids: Array.from(this.ids),
      cells: Array.from(this.cells),
      head: this.head,
      length: this.length,
      sums: Array.from(this.sums),
      popsSinceRecompute: this.popsSinceRecompute,
      firstTs: this.started ? this.firstTs : null,
      newestTs: this.started ? this.newest : null,
      undo: this.hasUndo ? this.undoState() : null,
    };
  }

  private undoState(): TimeBucketsUndo {
    return {
      head: this.undoHead,
      length: this.undoLength,
      sums: Array.from(this.undoSums),
      popsSinceRecompute: this.undoPops,
      firstTs: this.undoStarted ? this.undoFirstTs : null,
      newestTs: this.undoStarted ? this.undoNewest : null,
      slot: this.undoSlot,
      slotId: this.undoSlotId,
      slotCells: Array.from(this.undoSlotCells),
    };
  }

  private saveUndo(): void {
    this.hasUndo = true;
    this.undoHead = this.head;
    this.undoLength = this.length;
    for (let f = 0; f < this.stride; f++) this.undoSums[f] = this.sums[f];
    this.undoPops = this.popsSinceRecompute;
    this.undoStarted = this.started;
    this.undoFirstTs = this.firstTs;
    this.undoNewest = this.newest;
  }

  /** Drops stored buckets with an id below `oldestId`. */
  private expire(oldestId: number): void {
    if (this.length === 0) return;
    if (this.ids[this.current] < oldestId) {
      this.head = (this.head + this.length) % this.capacity;
      this.length = 0;
      this.sums.fill(0);
      return;
    }
    while (this.ids[this.head] < oldestId) {
      this.subtractRow(this.head);
      this.head = (this.head + 1) % this.capacity;
      this.length--;
      this.popsSinceRecompute++;
    }
    if (this.popsSinceRecompute >= this.capacity) this.recompute();
  }

  /** Makes the bucket `id` current, appending it when it is newer than the newest stored one. */
  private open(id: number): void {
    if (this.length > 0 && this.ids[this.current] === id) {
      this.rememberSlot(this.current);
      return;
    }
    const slot = (this.head + this.length) % this.capacity;
    this.rememberSlot(slot);
    this.ids[slot] = id;
    const base = slot * this.stride;
    for (let f = 0; f < this.stride; f++) this.cells[base + f] = 0;
    this.length++;
    this.current = slot;
  }

  private rememberSlot(slot: number): void {
    this.undoSlot = slot;
    this.undoSlotId = this.ids[slot];
    const base = slot * this.stride;
    for (let f = 0; f < this.stride; f++) this.undoSlotCells[f] = this.cells[base + f];
  }

  private subtractRow(slot: number): void {
    const base = slot * this.stride;
    for (let f = 0; f < this.stride; f++) this.sums[f] -= this.cells[base + f];
  }

  private recompute(): void {
    this.sums.fill(0);
    for (let i = 0; i < this.length; i++) {
      const base = ((this.head + i) % this.capacity) * this.stride;
      for (let f = 0; f < this.stride; f++) this.sums[f] += this.cells[base + f];
    }
    this.popsSinceRecompute = 0;
  }
}
