import { assertPeriod, type Indicator } from "./indicator";

/** Serialisable state of {@link Ema}. */
export interface EmaState {
  readonly period: number;
  readonly count: number;
  readonly sum: number;
  readonly ema: number | null;
  readonly undo: { sum: number; ema: number | null };
}

/**
 * Exponential moving average, TA-Lib exact.
 *
 * k = 2 / (n + 1). The seed is the SMA of the first n inputs (summed left to right, then divided
 * by n) and is the first result, after n inputs; each later input does
 * `ema = (x - ema) * k + ema` in exactly that form, as TA-Lib's `TA_INT_EMA` does
 * (see ../shared/reference/indicators.md "Exact conventions"). `replace` restores the sum and
 * value saved by the last `add` and adds again, so it is bit-identical to a plain `add`.
 * The value is kept as a plain number plus a "seeded" flag rather than `number | null`, so the
 * field stays a double in V8 and an update does not box a fresh heap number.
 */
export class Ema implements Indicator<number, number, EmaState> {
  readonly period: number;
  private readonly k: number;
  private count = 0;
  private sum = 0;
  private ema = 0;
  private seeded = false;
  private undoSum = 0;
  private undoEma = 0;
  private undoSeeded = false;

  constructor(period: number) {
    assertPeriod("Ema period", period);
    this.period = period;
    this.k = 2 / (period + 1);
  }

  /** Rebuilds an Ema from {@link Ema.getState}. */
  static restore(state: EmaState): Ema {
    const ema = new Ema(state.period);
    ema.count = state.count;
    ema.sum = state.sum;
    ema.seeded = state.ema !== null;
    ema.ema = state.ema ?? 0;
    ema.undoSum = state.undo.sum;
    ema.undoSeeded = state.undo.ema !== null;
    ema.undoEma = state.undo.ema ?? 0;
    return ema;
  }

  get isStable(): boolean {
    return this.count >= this.period;
  }

  get result(): number | null {
    return this.seeded ? this.ema : null;
  }

  /** True once seeded (when {@link result} is not null). */
  get ready(): boolean {
    return this.seeded;
  }

  /** The EMA as a plain number (0 until {@link ready}): {@link result} without the null. */
  get latest(): number {
    return this.ema;
  }

  add(x: number): number | null {
    this.update(x);
    return this.result;
  }

  replace(x: number): number | null {
    this.revise(x);
    return this.result;
  }

  /** {@link add} without returning the result (a returned double would be boxed on the hot path). */
  update(x: number): void {
    this.undoSum = this.sum;
    this.undoEma = this.ema;
    this.undoSeeded = this.seeded;
    this.count++;
    if (this.seeded) {
      this.ema = (x - this.ema) * this.k + this.ema;
      return;
    }
    this.sum += x;
    if (this.count < this.period) return;
    this.seeded = true;
    this.ema = this.sum / this.period;
  }

  /**
   * What `replace(x)` would return, as a number (NaN where it returns null), without changing the
   * indicator: the same arithmetic as {@link update} on the state before the last add.
   */
  peek(x: number): number {
    if (this.count === 0) return this.period === 1 ? (this.sum + x) / this.period : NaN;
    if (this.undoSeeded) return (x - this.undoEma) * this.k + this.undoEma;
    if (this.count < this.period) return NaN;
    return (this.undoSum + x) / this.period;
  }

  /** {@link replace} without returning the result. */
  revise(x: number): void {
    if (this.count === 0) return this.update(x);
    this.sum = this.undoSum;
    this.ema = this.undoEma;
    this.seeded = this.undoSeeded;
    this.count--;
    this.update(x);
  }

  getState(): EmaState {
    return {
      period: this.period,
      count: this.count,
      sum: this.sum,
      ema: this.seeded ? this.ema : null,
      undo: { sum: this.undoSum, ema: this.undoSeeded ? this.undoEma : null },
    };
  }
}
