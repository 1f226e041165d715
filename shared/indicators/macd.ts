import { Ema, type EmaState } from "./ema";
import { assertPeriod, type Indicator } from "./indicator";

/** One MACD result: the MACD line, its signal line and their difference. */
export interface MacdResult {
  /** fast EMA - slow EMA. */
  readonly macd: number;
  /** EMA(signal) of the MACD line. */
  readonly signal: number;
  /** macd - signal. */
  readonly histogram: number;
}

/** Serialisable state of {@link Macd}. */
export interface MacdState {
  readonly count: number;
  readonly fast: EmaState;
  readonly slow: EmaState;
  readonly signal: EmaState;
  readonly value: MacdResult | null;
  readonly undoValue: MacdResult | null;
}

/**
 * Moving Average Convergence/Divergence, TA-Lib exact (`TA_INT_MACD`, EMA type).
 *
 * Periods are swapped if slow < fast. The slow EMA is seeded with the SMA of inputs
 * 0..slow-1 and the fast EMA with the SMA of inputs slow-fast..slow-1 (it ignores the first
 * slow-fast inputs), so both start at input slow-1; the signal EMA is seeded with the SMA of
 * the first `signal` MACD values. All three outputs first appear together after
 * (slow-1)+(signal-1)+1 inputs (34 for 12/26/9). This is what TA-Lib outputs; the textbook seeding
 * (fast EMA from input 0, as technicalindicators does) differs only during the first few dozen
 * bars. See ../shared/reference/indicators.md "Exact conventions".
 *
 * `replace` revises each inner {@link Ema} that consumed the last input, each exact in turn.
 */
export class Macd implements Indicator<number, MacdResult, MacdState> {
  readonly fastPeriod: number;
  readonly slowPeriod: number;
  readonly signalPeriod: number;
  private fast: Ema;
  private slow: Ema;
  private signal: Ema;
  private count = 0;
  private value: MacdResult | null = null;
  private undoValue: MacdResult | null = null;

  /**
   * @param fast Fast EMA period (>= 2, as in TA-Lib).
   * @param slow Slow EMA period (>= 2); swapped with `fast` if smaller.
   * @param signal Signal EMA period (>= 1).
   */
  constructor(fast: number, slow: number, signal: number) {
    assertPeriod("Macd fast period", fast, 2);
    assertPeriod("Macd slow period", slow, 2);
    assertPeriod("Macd signal period", signal, 1);
    this.fastPeriod = Math.min(fast, slow);
    this.slowPeriod = Math.max(fast, slow);
    this.signalPeriod = signal;
    this.fast = new Ema(this.fastPeriod);
    this.slow = new Ema(this.slowPeriod);
    this.signal = new Ema(signal);
  }

  /** Rebuilds a Macd from {@link Macd.getState}. */
  static restore(state: MacdState): Macd {
    const macd = new Macd(state.fast.period, state.slow.period, state.signal.period);
    macd.fast = Ema.restore(state.fast);
    macd.slow = Ema.restore(state.slow);
    macd.signal = Ema.restore(state.signal);
    macd.count = state.count;
    macd.value = state.value;
    macd.undoValue = state.undoValue;
    return macd;
  }

  get isStable(): boolean {
    return this.count >= this.slowPeriod + this.signalPeriod - 1;
  }

  get result(): MacdResult | null {
    return this.value;
  }

  add(x: number): MacdResult | null {
    this.undoValue = this.value;
    this.count++;
    return this.step(x, false);
  }

  replace(x: number): MacdResult | null {
    if (this.count === 0) return this.add(x);
    this.value = this.undoValue;
    return this.step(x, true);
  }

  getState(): MacdState {
    return {
      count: this.count,
      fast: this.fast.getState(),
      slow: this.slow.getState(),
      signal: this.signal.getState(),
      value: this.value,
      undoValue: this.undoValue,
    };
  }

  /** Feeds input number `count` (1-based) to the EMAs that consume it; `revise` replaces instead. */
  private step(x: number, revise: boolean): MacdResult | null {
    const slow = revise ? this.slow.replace(x) : this.slow.add(x);
    if (this.count <= this.slowPeriod - this.fastPeriod) return null;
    const fast = revise ? this.fast.replace(x) : this.fast.add(x);
    if (fast === null || slow === null) return null;
    const macd = fast - slow;
    const signal = revise ? this.signal.replace(macd) : this.signal.add(macd);
    if (signal === null) return null;
    return (this.value = { macd, signal, histogram: macd - signal });
  }
}
