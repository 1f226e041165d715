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
 */
export class Ema implements Indicator<number, number, EmaState> {
  readonly period: number;
  private readonly k: number;
  private count = 0;
  private sum = 0;
  private ema: number | null = null;
  private undoSum = 0;
  private undoEma: number | null = null;

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
    ema.ema = state.ema;
    ema.undoSum = state.undo.sum;
    ema.undoEma = state.undo.ema;
    return ema;
  }

  get isStable(): boolean {
    return this.count >= this.period;
  }

  get result(): number | null {
    return this.ema;
  }

  add(x: number): number | null {
    this.undoSum = this.sum;
    this.undoEma = this.ema;
    this.count++;
    if (this.ema !== null) return (this.ema = (x - this.ema) * this.k + this.ema);
    this.sum += x;
    if (this.count < this.period) return null;
    return (this.ema = this.sum / this.period);
  }

  replace(x: number): number | null {
    if (this.count === 0) return this.add(x);
    this.sum = this.undoSum;
    this.ema = this.undoEma;
    this.count--;
    return this.add(x);
  }

  getState(): EmaState {
    return {
      period: this.period,
      count: this.count,
      sum: this.sum,
      ema: this.ema,
      undo: { sum: this.undoSum, ema: this.undoEma },
    };
  }
}
