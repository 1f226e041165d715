/**
 * A rolling time window of fixed-width buckets holding per-bucket sums, shared by the
 * trade-fed microstructure indicators: one ring of buckets serves several window lengths.
 * @module
 */

import { assertPeriod } from "./indicator";

/** Options of {@link TimeBuckets}. */
export interface TimeBucketsOptions {
  /** Window lengths, ms, in any order (duplicates allowed): each a positive multiple of `bucketMs`. */
  readonly windowsMs: readonly number[];
  /** Bucket width, ms. Default 1,000. */
  readonly bucketMs?: number;
  /** Summed fields shared by every window (besides the built-in trade count). */
  readonly fields: number;
  /**
   * Summed fields private to each window, numbered after the shared ones: values that depend on
   * the window they are accumulated into (e.g. a flag decided against that window's own sums). Default 0.
   */
  readonly windowFields?: number;
}

/** What one `addTrade` changed, so that {@link TimeBuckets.undo} can put it back exactly. */
export interface TimeBucketsUndo {
  readonly end: number;
  readonly lengths: number[];
  readonly sums: number[];
  readonly popsSinceRecompute: number[];
  readonly firstTs: number | null;
  readonly newestTs: number | null;
  /** Ring position of the one bucket the add wrote to, with its id and cells before the add. */
  readonly slot: number;
  readonly slotId: number;
  readonly slotCells: number[];
}

/** Serialisable state of {@link TimeBuckets}. */
export interface TimeBucketsState {
  readonly windowsMs: number[];
  readonly bucketMs: number;
  readonly fields: number;
  readonly windowFields: number;
  readonly ids: number[];
  /**
   * `capacity × (1 + fields + windows·windowFields)` cells, row-major: column 0 is the trade count,
   * then the shared fields, then each window's private fields in window order.
   */
  readonly cells: number[];
  /** Ring slot after the newest stored bucket. */
  readonly end: number;
  /** Stored buckets per window: window `w` is the newest `lengths[w]` buckets of the ring. */
  readonly lengths: number[];
  /** `windows × (1 + fields + windowFields)` running sums, row-major; column 0 is the trade count. */
  readonly sums: number[];
  readonly popsSinceRecompute: number[];
  readonly firstTs: number | null;
  readonly newestTs: number | null;
  readonly undo: TimeBucketsUndo | null;
}

/**
 * Rolling sums over "the last `windowMs / bucketMs` buckets, the current one included", for each
 * configured window, where bucket `b` covers exchange time `[b·bucketMs, (b+1)·bucketMs)`. This is
 * a whole-bucket approximation of a sliding window: the oldest bucket is dropped whole, so a window
 * covers between `windowMs - bucketMs` and `windowMs` of history.
 *
 * Time comes only from trade timestamps (finite, ms). A trade older than the newest seen is treated as
 * happening at the newest timestamp (it lands in the current bucket and expires nothing).
 * Nothing expires during a silence until the next trade arrives.
 *
 * Only buckets that received trades are stored, in one ring of `longest window / bucketMs + 1`
 * slots; every window is a suffix of that ring (its newest `lengths[w]` buckets) with its own
 * running sums and expiry cursor, so a bucket leaves a short window's sums long before it leaves
 * a long one's. A trade writes its bucket once, whatever the number of windows. Expiring is
 * amortised O(1) per trade and window (each stored bucket leaves each window once); a gap longer
 * than a window empties it in O(1).
 *
 * Float drift: each window's running sums subtract exactly the bucket values they added, so the
 * error is at most about one ulp of the largest sum seen per update since the last rebuild. A
 * window's sums are rebuilt from its stored buckets after every `span + 1` of its expiries
 * (amortised O(1)) and reset to exactly 0 whenever it empties. Each window's sums therefore evolve
 * exactly as they would in a ring of its own.
 *
 * Each `addTrade` keeps an undo record of everything it changed (clock, ring end, window lengths,
 * sums and the one bucket it wrote), so `undo()` restores the previous state bit for bit; expired
 * buckets stay in their slots until overwritten, which never happens within the same add.
 */
export class TimeBuckets {
  /** Window lengths, ms, in the order given. */
  readonly windowsMs: readonly number[];
  /** Bucket width, ms. */
  readonly bucketMs: number;
  /** Summed fields shared by every window, besides the trade count. */
  readonly fields: number;
  /** Summed fields private to each window, numbered `fields … fields + windowFields − 1`. */
  readonly windowFields: number;
  /** Buckets per window, in window order. */
  readonly spans: readonly number[];
  private readonly windows: number;
  private readonly capacity: number;
  private readonly stride: number;
  private readonly sumStride: number;
  private readonly sumCount: number;
  private readonly shared: number;
  private readonly spanOf: Int32Array;
  private readonly ids: Float64Array;
  private readonly cells: Float64Array;
  private readonly sums: Float64Array;
  private readonly lengths: Int32Array;
  private readonly pops: Int32Array;
  private end = 0;
  private current = 0;
  private started = false;
  private firstTs = 0;
  private newest = 0;
  private hasUndo = false;
  /** Whether the last add opened a bucket (and so may have expired some): only then are `undoEnd`, `undoLengths`, `undoPops` set. */
  private undoAdvanced = false;
  private undoEnd = 0;
  /** Whether the trade being added keeps an undo record (see {@link addTrade}). */
  private keepUndo = true;
  private readonly undoLengths: Int32Array;
  private readonly undoSums: Float64Array;
  private readonly undoPops: Int32Array;
  private undoStarted = false;
  private undoFirstTs = 0;
  private undoNewest = 0;
  private undoSlot = 0;
  private undoSlotId = 0;
  private readonly undoSlotCells: Float64Array;

  constructor(options: TimeBucketsOptions) {
    const bucketMs = options.bucketMs ?? 1000;
    const windowFields = options.windowFields ?? 0;
    assertPeriod("TimeBuckets bucketMs", bucketMs);
    assertPeriod("TimeBuckets fields", options.fields, 0);
    assertPeriod("TimeBuckets windowFields", windowFields, 0);
    if (options.windowsMs.length === 0) throw new RangeError("TimeBuckets needs at least one window");
    options.windowsMs.forEach((w) => assertWindow(w, bucketMs));
    this.windowsMs = options.windowsMs.slice();
    this.bucketMs = bucketMs;
    this.fields = options.fields;
    this.windowFields = windowFields;
    this.windows = this.windowsMs.length;
    this.spans = this.windowsMs.map((w) => w / bucketMs);
    this.spanOf = Int32Array.from(this.spans);
    this.capacity = Math.max(...this.spans) + 1;
    this.shared = options.fields + 1;
    this.sumStride = this.shared + windowFields;
    this.stride = this.shared + this.windows * windowFields;
    this.ids = new Float64Array(this.capacity);
    this.cells = new Float64Array(this.capacity * this.stride);
    this.sumCount = this.windows * this.sumStride;
    this.sums = new Float64Array(this.sumCount);
    this.lengths = new Int32Array(this.windows);
    this.pops = new Int32Array(this.windows);
    this.undoLengths = new Int32Array(this.windows);
    this.undoSums = new Float64Array(this.sums.length);
    this.undoPops = new Int32Array(this.windows);
    this.undoSlotCells = new Float64Array(this.stride);
  }

  /** Rebuilds a TimeBuckets from {@link TimeBuckets.getState}. */
  static restore(state: TimeBucketsState): TimeBuckets {
    const tb = new TimeBuckets(state);
    tb.ids.set(state.ids);
    tb.cells.set(state.cells);
    tb.sums.set(state.sums);
    tb.lengths.set(state.lengths);
    tb.pops.set(state.popsSinceRecompute);
    tb.end = state.end;
    tb.current = (state.end - 1 + tb.capacity) % tb.capacity;
    tb.started = state.firstTs !== null;
    tb.firstTs = state.firstTs ?? 0;
    tb.newest = state.newestTs ?? 0;
    const u = state.undo;
    if (u === null) return tb;
    tb.hasUndo = true;
    tb.undoAdvanced = true;
    tb.undoEnd = u.end;
    tb.undoLengths.set(u.lengths);
    tb.undoSums.set(u.sums);
    tb.undoPops.set(u.popsSinceRecompute);
    tb.undoStarted = u.firstTs !== null;
    tb.undoFirstTs = u.firstTs ?? 0;
    tb.undoNewest = u.newestTs ?? 0;
    tb.undoSlot = u.slot;
    tb.undoSlotId = u.slotId;
    tb.undoSlotCells.set(u.slotCells);
    return tb;
  }

  /** Number of windows. */
  get windowCount(): number {
    return this.windows;
  }

  /** True once a trade was added. */
  get hasTrades(): boolean {
    return this.started;
  }

  /** Timestamp the windows end at (the newest trade's, after clamping), or `null` before any trade. */
  get newestTs(): number | null {
    return this.started ? this.newest : null;
  }

  /** Number of trades in window `w`. */
  trades(w: number): number {
    return this.sums[w * this.sumStride];
  }

  /** Running sum of `field` over window `w` (shared fields first, then the window's own). */
  sum(w: number, field: number): number {
    return this.sums[w * this.sumStride + field + 1];
  }

  /**
   * True once the trades seen span window `w`: the first trade is at or before
   * `newestTs - windowMs + bucketMs`, i.e. at least `span - 1` whole buckets lie between them.
   */
  spansWindow(w: number): boolean {
    return this.started && this.firstTs <= this.newest - this.windowsMs[w] + this.bucketMs;
  }

  /**
   * Starts a trade at `ts`: moves the clock (never backwards), expires buckets that left each
   * window, opens the trade's bucket and counts the trade in every window. Follow with
   * {@link accumulate} / {@link accumulateOwn} calls. With `undoable` false no undo record is kept
   * (a trade that will never be revised: the copy of the sums it saves is most of the cost), and
   * {@link undo} then throws until the next undoable trade.
   */
  addTrade(ts: number, undoable = true): void {
    this.keepUndo = undoable;
    if (undoable) this.saveUndo();
    else this.hasUndo = false;
    const fresh = !this.started;
    const t = fresh || ts > this.newest ? ts : this.newest;
    if (fresh) this.firstTs = t;
    this.started = true;
    this.newest = t;
    const id = Math.floor(t / this.bucketMs);
    if (!fresh && this.ids[this.current] === id) {
      if (undoable) this.rememberSlot(this.current);
    } else this.advanceTo(id);
    this.cells[this.current * this.stride]++;
    for (let at = 0; at < this.sumCount; at += this.sumStride) this.sums[at]++;
  }

  /** Adds `value` to shared `field` (< `fields`) of the current trade's bucket and to every window's sum. */
  accumulate(field: number, value: number): void {
    const col = field + 1;
    this.cells[this.current * this.stride + col] += value;
    for (let at = col; at < this.sumCount; at += this.sumStride) this.sums[at] += value;
  }

  /**
   * Adds `value` to window `w`'s own `field` (in `fields … fields + windowFields − 1`) of the
   * current trade's bucket and to that window's sum only.
   */
  accumulateOwn(w: number, field: number, value: number): void {
    const own = field + 1 - this.shared;
    this.cells[this.current * this.stride + this.shared + w * this.windowFields + own] += value;
    this.sums[w * this.sumStride + field + 1] += value;
  }

  /** Reverts the last {@link addTrade} and its accumulations exactly. One level only. */
  undo(): void {
    if (!this.hasUndo) throw new Error("TimeBuckets.undo without a preceding addTrade");
    this.ids[this.undoSlot] = this.undoSlotId;
    this.cells.set(this.undoSlotCells, this.undoSlot * this.stride);
    this.sums.set(this.undoSums);
    if (this.undoAdvanced) {
      this.lengths.set(this.undoLengths);
      this.pops.set(this.undoPops);
      this.end = this.undoEnd;
      this.current = (this.end - 1 + this.capacity) % this.capacity;
    }
    this.started = this.undoStarted;
    this.firstTs = this.undoFirstTs;
    this.newest = this.undoNewest;
    this.hasUndo = false;
  }

  getState(): TimeBucketsState {
    return {
      windowsMs: this.windowsMs.slice(),
      bucketMs: this.bucketMs,
      fields: this.fields,
      windowFields: this.windowFields,
      ids: Array.from(this.ids),
      cells: Array.from(this.cells),
      end: this.end,
      lengths: Array.from(this.lengths),
      sums: Array.from(this.sums),
      popsSinceRecompute: Array.from(this.pops),
      firstTs: this.started ? this.firstTs : null,
      newestTs: this.started ? this.newest : null,
      undo: this.hasUndo ? this.undoState() : null,
    };
  }

  private undoState(): TimeBucketsUndo {
    return {
      end: this.undoAdvanced ? this.undoEnd : this.end,
      lengths: Array.from(this.undoAdvanced ? this.undoLengths : this.lengths),
      sums: Array.from(this.undoSums),
      popsSinceRecompute: Array.from(this.undoAdvanced ? this.undoPops : this.pops),
      firstTs: this.undoStarted ? this.undoFirstTs : null,
      newestTs: this.undoStarted ? this.undoNewest : null,
      slot: this.undoSlot,
      slotId: this.undoSlotId,
      slotCells: Array.from(this.undoSlotCells),
    };
  }

  private saveUndo(): void {
    this.hasUndo = true;
    this.undoAdvanced = false;
    for (let i = 0; i < this.sumCount; i++) this.undoSums[i] = this.sums[i];
    this.undoStarted = this.started;
    this.undoFirstTs = this.firstTs;
    this.undoNewest = this.newest;
  }

  /** Drops window `w`'s stored buckets with an id below `oldestId`. */
  private expire(w: number, oldestId: number): void {
    let length = this.lengths[w];
    if (length === 0) return;
    if (this.ids[this.current] < oldestId) {
      this.lengths[w] = 0;
      this.clearSums(w);
      return;
    }
    let slot = this.end - length;
    if (slot < 0) slot += this.capacity;
    let popped = 0;
    while (this.ids[slot] < oldestId) {
      this.subtractRow(w, slot);
      if (++slot === this.capacity) slot = 0;
      length--;
      popped++;
    }
    if (popped === 0) return;
    this.lengths[w] = length;
    this.pops[w] += popped;
    if (this.pops[w] >= this.spanOf[w] + 1) this.recompute(w);
  }

  /** Expires what left each window before bucket `id` and appends `id` as the newest bucket. */
  private advanceTo(id: number): void {
    if (this.keepUndo) {
      this.undoAdvanced = true;
      this.undoEnd = this.end;
      for (let w = 0; w < this.windows; w++) {
        this.undoLengths[w] = this.lengths[w];
        this.undoPops[w] = this.pops[w];
      }
    }
    for (let w = 0; w < this.windows; w++) this.expire(w, id - this.spanOf[w] + 1);
    const slot = this.end;
    if (this.keepUndo) this.rememberSlot(slot);
    this.ids[slot] = id;
    const base = slot * this.stride;
    for (let f = 0; f < this.stride; f++) this.cells[base + f] = 0;
    for (let w = 0; w < this.windows; w++) this.lengths[w]++;
    this.current = slot;
    this.end = slot + 1 === this.capacity ? 0 : slot + 1;
  }

  private clearSums(w: number): void {
    const at = w * this.sumStride;
    for (let f = 0; f < this.sumStride; f++) this.sums[at + f] = 0;
  }

  private rememberSlot(slot: number): void {
    this.undoSlot = slot;
    this.undoSlotId = this.ids[slot];
    const base = slot * this.stride;
    for (let f = 0; f < this.stride; f++) this.undoSlotCells[f] = this.cells[base + f];
  }

  private subtractRow(w: number, slot: number): void {
    const base = slot * this.stride;
    const at = w * this.sumStride;
    for (let f = 0; f < this.shared; f++) this.sums[at + f] -= this.cells[base + f];
    const own = base + this.shared + w * this.windowFields;
    for (let f = 0; f < this.windowFields; f++) this.sums[at + this.shared + f] -= this.cells[own + f];
  }

  private recompute(w: number): void {
    const length = this.lengths[w];
    this.clearSums(w);
    for (let i = 0; i < length; i++) this.addRow(w, (this.end - length + i + this.capacity) % this.capacity);
    this.pops[w] = 0;
  }

  private addRow(w: number, slot: number): void {
    const base = slot * this.stride;
    const at = w * this.sumStride;
    for (let f = 0; f < this.shared; f++) this.sums[at + f] += this.cells[base + f];
    const own = base + this.shared + w * this.windowFields;
    for (let f = 0; f < this.windowFields; f++) this.sums[at + this.shared + f] += this.cells[own + f];
  }
}

function assertWindow(windowMs: number, bucketMs: number): void {
  assertPeriod("TimeBuckets windowMs", windowMs, bucketMs);
  if (windowMs % bucketMs !== 0) {
    throw new RangeError(`TimeBuckets windowMs must be a multiple of bucketMs (${bucketMs}), got ${windowMs}`);
  }
}
