import { Ema, type EmaState } from "./ema";
import { assertPeriod, type Indicator, type InPlaceReadable, type Mutable } from "./indicator";

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
/**
 * A writable {@link MacdResult} to be filled by `readInto`. Its number fields start as NaN, a double:
 * V8 then stores the doubles written later in place, where a field that started as the small
 * integer 0 boxed every one of them (measured: twice the cost of a read).
 */
export function blankMacdResult(): Mutable<MacdResult> {
  return { macd: NaN, signal: NaN, histogram: NaN };
}

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
export class Macd implements Indicator<number, MacdResult, MacdState>, InPlaceReadable<MacdResult> {
  readonly fastPeriod: number;
  readonly slowPeriod: number;
  readonly signalPeriod: number;
  private fast: Ema;
  private slow: Ema;
  private signal: Ema;
  private count = 0;
  // The latest result and the one before the last add, as numbers; the object is built on read.
  private has = false;
  private line = 0;
  private signalLine = 0;
  private undoHas = false;
  private undoLine = 0;
  private undoSignalLine = 0;
  private built: MacdResult | null = null;

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
    if (state.value !== null) [macd.has, macd.line, macd.signalLine] = [true, state.value.macd, state.value.signal];
    if (state.undoValue !== null)
      [macd.undoHas, macd.undoLine, macd.undoSignalLine] = [true, state.undoValue.macd, state.undoValue.signal];
    return macd;
  }

  get isStable(): boolean {
    return this.count >= this.slowPeriod + this.signalPeriod - 1;
  }

  get result(): MacdResult | null {
    if (!this.has) return null;
    return (this.built ??= result(this.line, this.signalLine));
  }

  readInto(out: Mutable<MacdResult>): boolean {
    if (!this.has) return false;
    out.macd = this.line;
    out.signal = this.signalLine;
    out.histogram = this.line - this.signalLine;
    return true;
  }

  add(x: number): MacdResult | null {
    return this.update(x) ? this.result : null;
  }

  replace(x: number): MacdResult | null {
    return this.revise(x) ? this.result : null;
  }

  /**
   * What `revise(x)` then `readInto(out)` would give, without changing the indicator (see
   * {@link Ema.peek}): where `revise` stops early, the result before the last add stands.
   */
  peekInto(x: number, out: Mutable<MacdResult>): boolean {
    if (this.count === 0) return false;
    const slow = this.slow.peek(x);
    let line = NaN;
    let signal = NaN;
    if (this.count > this.slowPeriod - this.fastPeriod) {
      const fast = this.fast.peek(x);
      if (!Number.isNaN(fast) && !Number.isNaN(slow)) {
        line = fast - slow;
        signal = this.signal.peek(line);
      }
    }
    if (Number.isNaN(signal)) {
      if (!this.undoHas) return false;
      line = this.undoLine;
      signal = this.undoSignalLine;
    }
    out.macd = line;
    out.signal = signal;
    out.histogram = line - signal;
    return true;
  }

  /** {@link add} without building the result object; false where `add` returns null. */
  update(x: number): boolean {
    this.undoHas = this.has;
    this.undoLine = this.line;
    this.undoSignalLine = this.signalLine;
    this.count++;
    return this.step(x, false);
  }

  /** {@link replace} without building the result object; false where `replace` returns null. */
  revise(x: number): boolean {
    if (this.count === 0) return this.update(x);
    this.has = this.undoHas;
    this.line = this.undoLine;
    this.signalLine = this.undoSignalLine;
    this.built = null;
    return this.step(x, true);
  }

  getState(): MacdState {
    return {
      count: this.count,
      fast: this.fast.getState(),
      slow: this.slow.getState(),
      signal: this.signal.getState(),
      value: this.result,
      undoValue: this.undoHas ? result(this.undoLine, this.undoSignalLine) : null,
    };
  }

  /** Feeds input number `count` (1-based) to the EMAs that consume it; `revise` replaces instead. */
  private step(x: number, revise: boolean): boolean {
    if (revise) this.slow.revise(x);
    else this.slow.update(x);
    if (this.count <= this.slowPeriod - this.fastPeriod) return false;
    if (revise) this.fast.revise(x);
    else this.fast.update(x);
    if (!this.fast.ready || !this.slow.ready) return false;
    const macd = this.fast.latest - this.slow.latest;
    if (revise) this.signal.revise(macd);
    else this.signal.update(macd);
    if (!this.signal.ready) return false;
    this.has = true;
    this.line = macd;
    this.signalLine = this.signal.latest;
    this.built = null;
    return true;
  }
}

function result(macd: number, signal: number): MacdResult {
  return { macd, signal, histogram: macd - signal };
}
