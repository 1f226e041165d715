/**
 * Bounded rolling quantiles of positive values (trade sizes) from a log-spaced histogram.
 * @module
 */

import { assertPeriod } from "./indicator";

/** Options of {@link QuantileHistogram}. */
export interface QuantileHistogramOptions {
  /** How many of the most recent values the quantiles cover. */
  readonly window: number;
  /** Quantiles to track, each in [0, 1]. */
  readonly quantiles: readonly number[];
  /** Histogram resolution: buckets per power of two. Default 16. */
  readonly bucketsPerOctave?: number;
  /** Smallest value resolved; anything below reads as 0. Default 1e-9. */
  readonly min?: number;
  /** Largest value resolved; anything above reads as the top edge (>= max). Default 1e9. */
  readonly max?: number;
}

/** Serialisable state of {@link QuantileHistogram}: the histogram is rebuilt from the ring. */
export interface QuantileHistogramState {
  readonly window: number;
  readonly quantiles: number[];
  readonly bucketsPerOctave: number;
  readonly min: number;
  readonly max: number;
  readonly ring: number[];
  readonly head: number;
  readonly count: number;
  readonly undo: { readonly slot: number; readonly evicted: boolean } | null;
}

/**
 * Quantiles of the last `window` values, from a ring of those values plus a histogram with
 * `bucketsPerOctave` log-spaced buckets per power of two between `min` and `max`.
 *
 * Quantile `q` is the nearest-rank value: the k-th smallest of the n values with
 * `k = clamp(ceil(q·n), 1, n)`. It is reported as the geometric midpoint of its bucket, so for
 * values in `[min, max]` the relative error is at most `2^(1/(2·bucketsPerOctave)) − 1`
 * ({@link relativeErrorBound}: 2.19 % at 16 per octave, 1.09 % at 32).
 *
 * Each tracked quantile keeps a cursor (its bucket and the count below it, kept exact on every
 * insert and eviction); the cursors walk to their quantiles on the next read, so a read costs
 * O(buckets the cursors cross since the last read): usually none or one, never a scan of the whole
 * histogram; the worst case (an abrupt jump of the whole distribution) is bounded by the bucket
 * count, 960 with the defaults. Values added between reads cost no walk at all. `undo()` reverts the last `add`
 * exactly; the cursor position is a function of the histogram, so it is re-derived the same way.
 */
export class QuantileHistogram {
  /** How many recent values are held. */
  readonly window: number;
  /** Tracked quantiles, in the order {@link quantile} indexes them. */
  readonly quantiles: readonly number[];
  /** Buckets per power of two. */
  readonly bucketsPerOctave: number;
  /** Smallest value resolved. */
  readonly min: number;
  /** Largest value resolved. */
  readonly max: number;
  private readonly lowExp: number;
  private readonly highExp: number;
  private readonly lowEdge: number;
  private readonly counts: Int32Array;
  private readonly mids: Float64Array;
  private readonly ring: Float64Array;
  private readonly bins: Int32Array;
  private readonly cursor: Int32Array;
  private readonly below: Int32Array;
  /** Nearest ranks of the quantiles for `ranksFor` held values (they only change while the window fills). */
  private readonly ranks: Int32Array;
  private ranksFor = -1;
  private head = 0;
  private count = 0;
  private hasUndo = false;
  /** True when a value came or went since the cursors last walked (they walk on the next read: `below` stays exact meanwhile). */
  private unsettled = false;
  private undoSlot = 0;
  private undoBin = 0;
  private undoEvicted = false;

  constructor(options: QuantileHistogramOptions) {
    assertPeriod("QuantileHistogram window", options.window);
    const perOctave = options.bucketsPerOctave ?? 16;
    assertPeriod("QuantileHistogram bucketsPerOctave", perOctave);
    const min = options.min ?? 1e-9;
    const max = options.max ?? 1e9;
    if (!(min > 0 && max > min && Number.isFinite(max))) {
      throw new RangeError(`QuantileHistogram needs 0 < min < max < Infinity, got ${min}, ${max}`);
    }
    options.quantiles.forEach((q) => {
      if (!(q >= 0 && q <= 1)) throw new RangeError(`QuantileHistogram quantile must be in [0, 1], got ${q}`);
    });
    this.window = options.window;
    this.quantiles = options.quantiles.slice();
    this.bucketsPerOctave = perOctave;
    this.min = min;
    this.max = max;
    this.lowExp = Math.floor(Math.log2(min) * perOctave);
    this.highExp = Math.ceil(Math.log2(max) * perOctave);
    this.lowEdge = 2 ** (this.lowExp / perOctave);
    const buckets = this.highExp - this.lowExp + 2;
    this.counts = new Int32Array(buckets);
    this.mids = midpoints(this.lowExp, this.highExp, perOctave);
    this.ring = new Float64Array(options.window);
    this.bins = new Int32Array(options.window);
    this.cursor = new Int32Array(this.quantiles.length);
    this.below = new Int32Array(this.quantiles.length);
    this.ranks = new Int32Array(this.quantiles.length);
  }

  /** Rebuilds a QuantileHistogram from {@link QuantileHistogram.getState}. */
  static restore(state: QuantileHistogramState): QuantileHistogram {
    const h = new QuantileHistogram(state);
    h.ring.set(state.ring);
    h.ring.forEach((x, i) => (h.bins[i] = h.bucketOf(x)));
    h.head = state.head;
    for (let i = 0; i < state.count; i++) h.counts[h.bins[(state.head - 1 - i + 2 * h.window) % h.window]]++;
    h.count = state.count;
    h.settleAll();
    if (state.undo === null) return h;
    h.hasUndo = true;
    h.undoSlot = state.undo.slot;
    h.undoBin = h.bucketOf(state.undo.slot);
    h.undoEvicted = state.undo.evicted;
    return h;
  }

  /** Worst relative error of a reported quantile for values in `[min, max]`. */
  get relativeErrorBound(): number {
    return 2 ** (1 / (2 * this.bucketsPerOctave)) - 1;
  }

  /** Number of values held (at most `window`). */
  get size(): number {
    return this.count;
  }

  /** The i-th tracked quantile (in the order given), or 0 when empty. */
  quantile(i: number): number {
    if (this.unsettled) {
      this.settleAll();
      this.unsettled = false;
    }
    return this.count === 0 ? 0 : this.mids[this.cursor[i]];
  }

  /** Adds a value, evicting the oldest once `window` values are held. */
  add(x: number): void {
    const evicted = this.count === this.window;
    this.hasUndo = true;
    this.undoSlot = this.ring[this.head];
    this.undoBin = this.bins[this.head];
    this.undoEvicted = evicted;
    if (evicted) this.remove(this.undoBin);
    else this.count++;
    const bin = this.bucketOf(x);
    this.ring[this.head] = x;
    this.bins[this.head] = bin;
    this.head = this.head + 1 === this.window ? 0 : this.head + 1;
    this.insert(bin);
    this.unsettled = true;
  }

  /** Reverts the last {@link add} exactly. One level only. */
  undo(): void {
    if (!this.hasUndo) throw new Error("QuantileHistogram.undo without a preceding add");
    this.head = (this.head === 0 ? this.window : this.head) - 1;
    this.remove(this.bins[this.head]);
    this.ring[this.head] = this.undoSlot;
    this.bins[this.head] = this.undoBin;
    if (this.undoEvicted) this.insert(this.undoBin);
    else this.count--;
    this.hasUndo = false;
    this.unsettled = true;
  }

  getState(): QuantileHistogramState {
    return {
      window: this.window,
      quantiles: this.quantiles.slice(),
      bucketsPerOctave: this.bucketsPerOctave,
      min: this.min,
      max: this.max,
      ring: Array.from(this.ring),
      head: this.head,
      count: this.count,
      undo: this.hasUndo ? { slot: this.undoSlot, evicted: this.undoEvicted } : null,
    };
  }

  /** Bucket index: 0 below the range, the last one above it, log-spaced in between. */
  private bucketOf(x: number): number {
    if (!(x >= this.lowEdge)) return 0;
    const e = Math.floor(Math.log2(x) * this.bucketsPerOctave);
    if (e >= this.highExp) return this.counts.length - 1;
    if (e < this.lowExp) return 0;
    return e - this.lowExp + 1;
  }

  private updateRanks(n: number): void {
    nearestRanks(this.quantiles, n, this.ranks);
    this.ranksFor = n;
  }

  private insert(b: number): void {
    this.counts[b]++;
    for (let j = 0; j < this.cursor.length; j++) if (b < this.cursor[j]) this.below[j]++;
  }

  private remove(b: number): void {
    this.counts[b]--;
    for (let j = 0; j < this.cursor.length; j++) if (b < this.cursor[j]) this.below[j]--;
  }

  /** Walks each cursor to the bucket holding its nearest-rank value. */
  private settleAll(): void {
    const n = this.count;
    if (n !== this.ranksFor) this.updateRanks(n);
    for (let j = 0; j < this.cursor.length; j++) {
      if (n === 0) {
        this.cursor[j] = 0;
        this.below[j] = 0;
        continue;
      }
      const k = this.ranks[j];
      let c = this.cursor[j];
      let below = this.below[j];
      while (k <= below) below -= this.counts[--c];
      while (k > below + this.counts[c]) below += this.counts[c++];
      this.cursor[j] = c;
      this.below[j] = below;
    }
  }
}

/** Nearest ranks `k = clamp(ceil(q·n), 1, n)` of the tracked quantiles, per held count `n`. */
function nearestRanks(quantiles: readonly number[], n: number, out: Int32Array): void {
  for (let j = 0; j < quantiles.length; j++) out[j] = Math.min(n, Math.max(1, Math.ceil(quantiles[j] * n)));
}

function midpoints(lowExp: number, highExp: number, perOctave: number): Float64Array {
  const mids = new Float64Array(highExp - lowExp + 2);
  for (let e = lowExp; e < highExp; e++) mids[e - lowExp + 1] = 2 ** ((e + 0.5) / perOctave);
  mids[mids.length - 1] = 2 ** (highExp / perOctave);
  return mids;
}
