import { assertPeriod, type Indicator, type InPlaceReadable, type Mutable } from "./indicator";

/** One Bollinger Bands result. */
export interface BollingerBandsResult {
  /** middle + k·σ. */
  readonly upper: number;
  /** SMA(n) of the inputs. */
  readonly middle: number;
  /** middle - k·σ. */
  readonly lower: number;
  /** (upper - lower) / middle, or 0 when middle is 0. */
  readonly bandwidth: number;
  /**
   * True when this bandwidth is the narrowest of the last `squeezeLookback` results (itself
   * included); false until that many results exist.
   */
  readonly squeeze: boolean;
}

/**
 * A writable {@link BollingerBandsResult} to be filled by `readInto`. Its number fields start as NaN, a double:
 * V8 then stores the doubles written later in place, where a field that started as the small
 * integer 0 boxed every one of them (measured: twice the cost of a read).
 */
export function blankBollingerResult(): Mutable<BollingerBandsResult> {
  return { upper: NaN, middle: NaN, lower: NaN, bandwidth: NaN, squeeze: false };
}

/** Serialisable state of {@link BollingerBands}. */
export interface BollingerBandsState {
  readonly period: number;
  readonly k: number;
  readonly squeezeLookback: number;
  readonly window: number[];
  readonly head: number;
  readonly count: number;
  readonly sum: number;
  readonly sumSq: number;
  readonly minValues: number[];
  readonly minIndices: number[];
  readonly minHead: number;
  readonly minTail: number;
  readonly value: BollingerBandsResult | null;
  readonly undo: {
    readonly sum: number;
    readonly sumSq: number;
    readonly slot: number;
    readonly minHead: number;
    readonly minTail: number;
    readonly minValue: number;
    readonly minIndex: number;
    readonly value: BollingerBandsResult | null;
  };
}

/**
 * Bollinger Bands (SMA ± k·population σ) with bandwidth and a squeeze flag, TA-Lib exact.
 *
 * Like TA-Lib's `BBANDS` with `TA_INT_stddev_using_precalc_ma`, rolling Σx and Σx² are updated as
 * `sum += x; out = sum / n; sum -= oldest`, and σ = sqrt(Σx²/n - middle²). A negative variance
 * (rounding on a flat window) is clamped to 0. Departure from TA-Lib: no absolute zero-test
 * epsilon, because TA-Lib's 1e-8 (or 1e-14) collapses the bands of ~1e-8-priced tokens to zero
 * width; the price of that is a residual σ of order 1e-8·price on a flat window whose prices are
 * not exactly representable. First result after n inputs.
 * See ../shared/reference/indicators.md "Exact conventions".
 *
 * The squeeze needs the minimum bandwidth over the last L = `squeezeLookback` results. It is
 * kept in a monotonic deque (strictly increasing bandwidths, front = minimum) stored in fixed
 * rings of L slots. A new bandwidth pops every entry >= it from the back, found by galloping
 * then binary search, so an update costs O(log popped): amortised O(1), and O(log L) at worst.
 * Popping only moves the tail index and pushing overwrites exactly one slot, so the popped
 * entries stay intact and `replace` undoes an add in O(1) by restoring head, tail and that
 * one slot.
 *
 * The latest result and the one before the last add are kept as plain numbers; the result object
 * is built only when `result` is read ({@link BollingerBands.readInto} copies the numbers instead).
 */
export class BollingerBands
  implements Indicator<number, BollingerBandsResult, BollingerBandsState>, InPlaceReadable<BollingerBandsResult>
{
  readonly period: number;
  readonly k: number;
  readonly squeezeLookback: number;
  private readonly window: number[];
  private head = 0;
  private count = 0;
  private sum = 0;
  private sumSq = 0;
  private readonly minValues: number[];
  private readonly minIndices: number[];
  private minHead = 0;
  private minTail = 0;
  private readonly value = new Bands();
  private readonly undoValue = new Bands();
  private built: BollingerBandsResult | null = null;
  /** Scratch for {@link bandsOf} in `update`. */
  private readonly next = blankBollingerResult();
  private undoSum = 0;
  private undoSumSq = 0;
  private undoSlot = 0;
  private undoMinHead = 0;
  private undoMinTail = 0;
  private undoMinValue = 0;
  private undoMinIndex = 0;

  /**
   * @param period SMA and σ window n (>= 1).
   * @param k Band width in standard deviations (finite, >= 0), e.g. 2.
   * @param squeezeLookback Number of results L whose minimum bandwidth defines a squeeze (>= 1).
   */
  constructor(period: number, k: number, squeezeLookback: number) {
    assertPeriod("BollingerBands period", period);
    assertPeriod("BollingerBands squeezeLookback", squeezeLookback);
    if (!Number.isFinite(k) || k < 0) throw new RangeError(`BollingerBands k must be finite and >= 0, got ${k}`);
    this.period = period;
    this.k = k;
    this.squeezeLookback = squeezeLookback;
    this.window = new Array<number>(period).fill(0);
    this.minValues = new Array<number>(squeezeLookback).fill(0);
    this.minIndices = new Array<number>(squeezeLookback).fill(0);
  }

  /** Rebuilds a BollingerBands from {@link BollingerBands.getState}. */
  static restore(state: BollingerBandsState): BollingerBands {
    const bb = new BollingerBands(state.period, state.k, state.squeezeLookback);
    state.window.forEach((v, i) => (bb.window[i] = v));
    state.minValues.forEach((v, i) => (bb.minValues[i] = v));
    state.minIndices.forEach((v, i) => (bb.minIndices[i] = v));
    bb.head = state.head;
    bb.count = state.count;
    bb.sum = state.sum;
    bb.sumSq = state.sumSq;
    bb.minHead = state.minHead;
    bb.minTail = state.minTail;
    bb.value.load(state.value);
    const u = state.undo;
    bb.undoSum = u.sum;
    bb.undoSumSq = u.sumSq;
    bb.undoSlot = u.slot;
    bb.undoMinHead = u.minHead;
    bb.undoMinTail = u.minTail;
    bb.undoMinValue = u.minValue;
    bb.undoMinIndex = u.minIndex;
    bb.undoValue.load(u.value);
    return bb;
  }

  get isStable(): boolean {
    return this.count >= this.period;
  }

  get result(): BollingerBandsResult | null {
    if (!this.value.has) return null;
    return (this.built ??= this.value.toResult());
  }

  readInto(out: Mutable<BollingerBandsResult>): boolean {
    return this.value.writeTo(out);
  }

  add(x: number): BollingerBandsResult | null {
    this.update(x);
    return this.result;
  }

  replace(x: number): BollingerBandsResult | null {
    this.revise(x);
    return this.result;
  }

  /** {@link add} without building the result object. */
  update(x: number): void {
    const n = this.period;
    this.built = null;
    this.saveUndo();
    this.sum += x;
    this.sumSq += x * x;
    this.window[this.head] = x;
    this.head = this.head + 1 === n ? 0 : this.head + 1;
    this.count++;
    if (this.count < n) {
      this.value.has = false;
      return;
    }
    const next = this.next;
    this.bandsOf(this.sum, this.sumSq, next);
    const oldest = this.window[this.head];
    this.sum -= oldest;
    this.sumSq -= oldest * oldest;
    this.value.set(next.upper, next.middle, next.lower, next.bandwidth, this.pushBandwidth(next.bandwidth));
  }

  /**
   * What `revise(x)` then `readInto(out)` would give, without changing the indicator: a reader that
   * looks at the forming bar on every tick peeks, and leaves one real `revise` for when the bar
   * closes (a run of revisions equals its last one). The same arithmetic on the state before the
   * last add; the squeeze needs only the front of that state's min deque, as the push would pop
   * every entry at or above the new bandwidth.
   */
  peekInto(x: number, out: Mutable<BollingerBandsResult>): boolean {
    const n = this.period;
    const L = this.squeezeLookback;
    const fresh = this.count === 0;
    const count = fresh ? 1 : this.count;
    if (count < n) return false;
    this.bandsOf((fresh ? this.sum : this.undoSum) + x, (fresh ? this.sumSq : this.undoSumSq) + x * x, out);
    const bandwidth = out.bandwidth;
    // The deque before the last add: its bounds, and the one slot that add overwrote.
    let head = fresh ? this.minHead : this.undoMinHead;
    const tail = fresh ? this.minTail : this.undoMinTail;
    const written = fresh ? -1 : (this.minTail - 1) % L;
    const index = count - n;
    if (tail > head && (head % L === written ? this.undoMinIndex : this.minIndices[head % L]) <= index - L) head++;
    const front = head % L === written ? this.undoMinValue : this.minValues[head % L];
    out.squeeze = index >= L - 1 && (head === tail || front >= bandwidth);
    return true;
  }

  /** {@link replace} without building the result object. */
  revise(x: number): void {
    if (this.count === 0) return this.update(x);
    const n = this.period;
    this.head = (this.head === 0 ? n : this.head) - 1;
    this.window[this.head] = this.undoSlot;
    this.sum = this.undoSum;
    this.sumSq = this.undoSumSq;
    this.value.copy(this.undoValue);
    this.undoMinState();
    this.count--;
    this.update(x);
  }

  getState(): BollingerBandsState {
    return {
      period: this.period,
      k: this.k,
      squeezeLookback: this.squeezeLookback,
      window: this.window.slice(),
      head: this.head,
      count: this.count,
      sum: this.sum,
      sumSq: this.sumSq,
      minValues: this.minValues.slice(),
      minIndices: this.minIndices.slice(),
      minHead: this.minHead,
      minTail: this.minTail,
      value: this.result,
      undo: {
        sum: this.undoSum,
        sumSq: this.undoSumSq,
        slot: this.undoSlot,
        minHead: this.undoMinHead,
        minTail: this.undoMinTail,
        minValue: this.undoMinValue,
        minIndex: this.undoMinIndex,
        value: this.undoValue.toResult(),
      },
    };
  }

  /** The bands of a full window with sums Σx and Σx² (all but the squeeze) into `out`. */
  private bandsOf(sum: number, sumSq: number, out: Mutable<BollingerBandsResult>): void {
    const n = this.period;
    const middle = sum / n;
    const meanSq = sumSq / n;
    const variance = meanSq - middle * middle;
    const spread = variance > 0 ? Math.sqrt(variance) * this.k : 0;
    out.upper = middle + spread;
    out.middle = middle;
    out.lower = middle - spread;
    out.bandwidth = middle === 0 ? 0 : (out.upper - out.lower) / middle;
  }

  private saveUndo(): void {
    this.undoSum = this.sum;
    this.undoSumSq = this.sumSq;
    this.undoSlot = this.window[this.head];
    this.undoValue.copy(this.value);
    this.undoMinHead = this.minHead;
    this.undoMinTail = this.minTail;
  }

  /** Restores the deque as it was before the last add, which wrote only one slot (if it pushed). */
  private undoMinState(): void {
    if (this.count < this.period) return;
    const L = this.squeezeLookback;
    const slot = (this.minTail - 1) % L;
    this.minValues[slot] = this.undoMinValue;
    this.minIndices[slot] = this.undoMinIndex;
    this.minHead = this.undoMinHead;
    this.minTail = this.undoMinTail;
  }

  /**
   * Adds result number `count - period` to the min deque and says whether it is the minimum of
   * the last L results. Deque positions are absolute counters; slot = position mod L.
   */
  private pushBandwidth(bw: number): boolean {
    const L = this.squeezeLookback;
    const index = this.count - this.period;
    if (this.minTail > this.minHead && this.minIndices[this.minHead % L] <= index - L) this.minHead++;
    this.minTail = this.firstPopped(bw);
    const slot = this.minTail % L;
    this.undoMinValue = this.minValues[slot];
    this.undoMinIndex = this.minIndices[slot];
    this.minValues[slot] = bw;
    this.minIndices[slot] = index;
    this.minTail++;
    return index >= L - 1 && this.minHead === this.minTail - 1;
  }

  /** First deque position whose bandwidth is >= `bw` (the new tail): gallop back, then bisect. */
  private firstPopped(bw: number): number {
    const L = this.squeezeLookback;
    let hi = this.minTail;
    let step = 1;
    let lo = hi - step;
    while (lo >= this.minHead && this.minValues[lo % L] >= bw) {
      hi = lo;
      step *= 2;
      lo = hi - step;
    }
    if (lo < this.minHead) lo = this.minHead - 1;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.minValues[mid % L] >= bw) hi = mid;
      else lo = mid;
    }
    return hi;
  }
}

/** A result as numbers (`has` false: none). */
class Bands {
  has = false;
  upper = 0;
  middle = 0;
  lower = 0;
  bandwidth = 0;
  squeeze = false;

  set(upper: number, middle: number, lower: number, bandwidth: number, squeeze: boolean): void {
    this.has = true;
    this.upper = upper;
    this.middle = middle;
    this.lower = lower;
    this.bandwidth = bandwidth;
    this.squeeze = squeeze;
  }

  copy(from: Bands): void {
    this.has = from.has;
    this.upper = from.upper;
    this.middle = from.middle;
    this.lower = from.lower;
    this.bandwidth = from.bandwidth;
    this.squeeze = from.squeeze;
  }

  load(r: BollingerBandsResult | null): void {
    if (r === null) this.has = false;
    else this.set(r.upper, r.middle, r.lower, r.bandwidth, r.squeeze);
  }

  toResult(): BollingerBandsResult | null {
    return this.has
      ? { upper: this.upper, middle: this.middle, lower: this.lower, bandwidth: this.bandwidth, squeeze: this.squeeze }
      : null;
  }

  writeTo(out: Mutable<BollingerBandsResult>): boolean {
    if (!this.has) return false;
    out.upper = this.upper;
    out.middle = this.middle;
    out.lower = this.lower;
    out.bandwidth = this.bandwidth;
    out.squeeze = this.squeeze;
    return true;
  }
}
