import { assertPeriod, type Indicator } from "./indicator";

/** Serialisable state of {@link Sma}. */
export interface SmaState {
  readonly period: number;
  readonly window: number[];
  readonly head: number;
  readonly count: number;
  readonly total: number;
  readonly value: number | null;
  readonly undo: { total: number; slot: number; value: number | null };
}

/**
 * Simple moving average, TA-Lib exact.
 *
 * TA-Lib keeps a running total of the newest `n - 1` inputs and, per bar, does
 * `total += x; out = total / n; total -= oldest` in exactly that order; doing the same keeps us
 * bit-identical to it (see ../shared/reference/indicators.md "Exact conventions").
 * First result after `n` inputs.
 */
export class Sma implements Indicator<number, number, SmaState> {
  readonly period: number;
  private readonly window: number[];
  private head = 0;
  private count = 0;
  private total = 0;
  private value: number | null = null;
  private undoTotal = 0;
  private undoSlot = 0;
  private undoValue: number | null = null;

  constructor(period: number) {
    assertPeriod("Sma period", period);
    this.period = period;
    this.window = new Array<number>(period).fill(0);
  }

  /** Rebuilds an Sma from {@link Sma.getState}. */
  static restore(state: SmaState): Sma {
    const sma = new Sma(state.period);
    state.window.forEach((v, i) => (sma.window[i] = v));
    sma.head = state.head;
    sma.count = state.count;
    sma.total = state.total;
    sma.value = state.value;
    sma.undoTotal = state.undo.total;
    sma.undoSlot = state.undo.slot;
    sma.undoValue = state.undo.value;
    return sma;
  }

  get isStable(): boolean {
    return this.count >= this.period;
  }

  get result(): number | null {
    return this.value;
  }

  add(x: number): number | null {
    const n = this.period;
    this.undoTotal = this.total;
    this.undoSlot = this.window[this.head];
    this.undoValue = this.value;
    this.total += x;
    this.window[this.head] = x;
    this.head = (this.head + 1) % n;
    this.count++;
    if (this.count < n) return (this.value = null);
    this.value = this.total / n;
    // The slot at `head` now holds the oldest of the last n inputs.
    this.total -= this.window[this.head];
    return this.value;
  }

  replace(x: number): number | null {
    if (this.count === 0) return this.add(x);
    const n = this.period;
    this.head = (this.head - 1 + n) % n;
    this.window[this.head] = this.undoSlot;
    this.total = this.undoTotal;
    this.value = this.undoValue;
    this.count--;
    return this.add(x);
  }

  getState(): SmaState {
    return {
      period: this.period,
      window: this.window.slice(),
      head: this.head,
      count: this.count,
      total: this.total,
      value: this.value,
      undo: { total: this.undoTotal, slot: this.undoSlot, value: this.undoValue },
    };
  }
}
