import { assertPeriod, type Indicator } from "./indicator";

/** Result of {@link RollingSum}: the sum of the inputs in the window and how many there are. */
export interface RollingSumResult {
  readonly sum: number;
  /** Inputs in the window, at most `period`. */
  readonly count: number;
}

/** Serialisable state of {@link RollingSum}. */
export interface RollingSumState {
  readonly period: number;
  readonly window: number[];
  readonly head: number;
  readonly count: number;
  readonly sum: number;
  readonly undo: { sum: number; slot: number; count: number; sinceResync: number };
  readonly sinceResync: number;
}

/** Resumming the ring every this many updates bounds floating-point drift of the running sum. */
const RESYNC_EVERY = 4096;

/**
 * Sum of the last `period` inputs (fewer while warming up: the result is never null, and `count`
 * says how full the window is). Used for volume windows and return moments, where a partial
 * window is still meaningful. O(1) per update, plus an O(period) resum every 4,096 updates.
 */
export class RollingSum implements Indicator<number, RollingSumResult, RollingSumState> {
  readonly period: number;
  private readonly window: number[];
  private head = 0;
  private count = 0;
  private sum = 0;
  private undoSum = 0;
  private undoSlot = 0;
  private undoCount = 0;
  private undoSinceResync = 0;
  private sinceResync = 0;

  constructor(period: number) {
    assertPeriod("RollingSum period", period);
    this.period = period;
    this.window = new Array<number>(period).fill(0);
  }

  /** Rebuilds a RollingSum from {@link RollingSum.getState}. */
  static restore(s: RollingSumState): RollingSum {
    const r = new RollingSum(s.period);
    s.window.forEach((v, i) => (r.window[i] = v));
    r.head = s.head;
    r.count = s.count;
    r.sum = s.sum;
    r.undoSum = s.undo.sum;
    r.undoSlot = s.undo.slot;
    r.undoCount = s.undo.count;
    r.undoSinceResync = s.undo.sinceResync;
    r.sinceResync = s.sinceResync;
    return r;
  }

  get isStable(): boolean {
    return this.count >= this.period;
  }

  get result(): RollingSumResult | null {
    return this.count === 0 ? null : { sum: this.sum, count: this.count };
  }

  /** Sum of the window now (0 before the first input); reads without allocating a result. */
  get total(): number {
    return this.sum;
  }

  /** Inputs in the window now, at most `period`; reads without allocating a result. */
  get size(): number {
    return this.count;
  }

  add(x: number): RollingSumResult {
    this.push(x);
    return { sum: this.sum, count: this.count };
  }

  replace(x: number): RollingSumResult {
    this.revise(x);
    return { sum: this.sum, count: this.count };
  }

  /** {@link RollingSum.add} without building a result, for hot loops that read `total`/`size`. */
  push(x: number): void {
    this.undoSum = this.sum;
    this.undoSlot = this.window[this.head];
    this.undoCount = this.count;
    this.undoSinceResync = this.sinceResync;
    if (this.count === this.period) this.sum -= this.window[this.head];
    else this.count++;
    this.window[this.head] = x;
    this.sum += x;
    this.head = this.head + 1 === this.period ? 0 : this.head + 1;
    if (++this.sinceResync >= RESYNC_EVERY) this.resync();
  }

  /** {@link RollingSum.replace} without building a result. */
  revise(x: number): void {
    if (this.count === 0) return this.push(x);
    this.head = (this.head === 0 ? this.period : this.head) - 1;
    this.window[this.head] = this.undoSlot;
    this.sum = this.undoSum;
    this.count = this.undoCount;
    this.sinceResync = this.undoSinceResync;
    this.push(x);
  }

  getState(): RollingSumState {
    return {
      period: this.period,
      window: this.window.slice(),
      head: this.head,
      count: this.count,
      sum: this.sum,
      undo: { sum: this.undoSum, slot: this.undoSlot, count: this.undoCount, sinceResync: this.undoSinceResync },
      sinceResync: this.sinceResync,
    };
  }

  private resync(): void {
    let s = 0;
    for (let i = 0; i < this.period; i++) s += this.window[i];
    this.sum = s;
    this.sinceResync = 0;
  }
}
