import { assertPeriod, type Indicator } from "./indicator";

/** Serialisable state of {@link Rsi}. */
export interface RsiState {
  readonly period: number;
  readonly count: number;
  readonly prev: number;
  readonly gain: number;
  readonly loss: number;
  readonly value: number | null;
  readonly undo: { prev: number; gain: number; loss: number; value: number | null };
}

/**
 * Relative Strength Index with Wilder smoothing, TA-Lib exact (`ta_RSI.c`, classic mode).
 *
 * The seed averages the gains and the loss magnitudes of the first n changes (a change of exactly
 * 0 counts as a gain of 0); each later change does
 * `loss *= n - 1; gain *= n - 1; if (d < 0) loss -= d; else gain += d; loss /= n; gain /= n`.
 * The output is `100 * (gain / (gain + loss))`, in TA-Lib's operation order. First result after
 * n + 1 inputs.
 *
 * Departure from TA-Lib: there is no absolute zero-test epsilon, because 1e-8 (or even 1e-14)
 * swallows every move of a ~1e-8-priced token. Only a perfectly flat window (`gain + loss === 0`)
 * is special, and it reads **50** (neutral: neither side moved), where TA-Lib returns 0.
 * See ../shared/reference/indicators.md "Exact conventions" and the recommended departures.
 * The value is a plain number plus a "has value" flag rather than `number | null`, so the field
 * stays a double in V8 and an update does not box a fresh heap number.
 */
export class Rsi implements Indicator<number, number, RsiState> {
  readonly period: number;
  private count = 0;
  private prev = 0;
  private gain = 0;
  private loss = 0;
  private value = 0;
  private hasValue = false;
  private undoPrev = 0;
  private undoGain = 0;
  private undoLoss = 0;
  private undoValue = 0;
  private undoHasValue = false;
  /** {@link wilder}'s output (scratch, not state). */
  private nextGain = 0;
  private nextLoss = 0;

  /** @param period Wilder period n; TA-Lib requires n >= 2. */
  constructor(period: number) {
    assertPeriod("Rsi period", period, 2);
    this.period = period;
  }

  /** Rebuilds an Rsi from {@link Rsi.getState}. */
  static restore(state: RsiState): Rsi {
    const rsi = new Rsi(state.period);
    rsi.count = state.count;
    rsi.prev = state.prev;
    rsi.gain = state.gain;
    rsi.loss = state.loss;
    rsi.hasValue = state.value !== null;
    rsi.value = state.value ?? 0;
    rsi.undoPrev = state.undo.prev;
    rsi.undoGain = state.undo.gain;
    rsi.undoLoss = state.undo.loss;
    rsi.undoHasValue = state.undo.value !== null;
    rsi.undoValue = state.undo.value ?? 0;
    return rsi;
  }

  get isStable(): boolean {
    return this.count > this.period;
  }

  get result(): number | null {
    return this.hasValue ? this.value : null;
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
    this.undoPrev = this.prev;
    this.undoGain = this.gain;
    this.undoLoss = this.loss;
    this.undoValue = this.value;
    this.undoHasValue = this.hasValue;
    this.count++;
    const d = x - this.prev;
    this.prev = x;
    if (this.count === 1) return;
    const averaged = this.wilder(this.count, d, this.gain, this.loss);
    this.gain = this.nextGain;
    this.loss = this.nextLoss;
    if (!averaged) return;
    this.value = rsiOf(this.gain, this.loss);
    this.hasValue = true;
  }

  /**
   * What `replace(x)` would return, without changing the indicator: a reader that looks at the
   * forming bar on every tick peeks, and leaves one real `revise` for when the bar closes. The same
   * arithmetic as {@link update}, on the state before the last add.
   */
  peek(x: number): number | null {
    const count = this.count;
    if (count === 0) return null;
    if (count === 1 || !this.wilder(count, x - this.undoPrev, this.undoGain, this.undoLoss))
      return this.undoHasValue ? this.undoValue : null;
    return rsiOf(this.nextGain, this.nextLoss);
  }

  /** {@link replace} without returning the result. */
  revise(x: number): void {
    if (this.count === 0) return this.update(x);
    this.prev = this.undoPrev;
    this.gain = this.undoGain;
    this.loss = this.undoLoss;
    this.value = this.undoValue;
    this.hasValue = this.undoHasValue;
    this.count--;
    this.update(x);
  }

  getState(): RsiState {
    return {
      period: this.period,
      count: this.count,
      prev: this.prev,
      gain: this.gain,
      loss: this.loss,
      value: this.hasValue ? this.value : null,
      undo: {
        prev: this.undoPrev,
        gain: this.undoGain,
        loss: this.undoLoss,
        value: this.undoHasValue ? this.undoValue : null,
      },
    };
  }

  /**
   * Wilder's step for input number `count` (≥ 2) with change `d`, from the average gain and loss (while
   * seeding: their sums) before it, into `nextGain` / `nextLoss`. False while still seeding (no value).
   */
  private wilder(count: number, d: number, gain: number, loss: number): boolean {
    const n = this.period;
    if (count > n + 1) {
      loss *= n - 1;
      gain *= n - 1;
    }
    if (d < 0) loss -= d;
    else gain += d;
    const averaged = count > n;
    if (averaged) {
      loss /= n;
      gain /= n;
    }
    this.nextGain = gain;
    this.nextLoss = loss;
    return averaged;
  }
}

function rsiOf(gain: number, loss: number): number {
  const total = gain + loss;
  return total === 0 ? 50 : 100 * (gain / total);
}
