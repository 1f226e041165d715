import type { Bar } from "../market/bar";
import { assertPeriod, type Indicator } from "./indicator";
import { Swings, type SwingsResult, type SwingsState } from "./swings";

/** One input of {@link Divergence}: a bar and the oscillator's value at it (null or non-finite while it warms up). */
export interface DivergenceInput {
  readonly bar: Bar;
  readonly value: number | null;
}

/** Options of {@link Divergence}. */
export interface DivergenceOptions {
  /** Fractal strength of the price swings (see {@link Swings}); default 2. */
  readonly strength?: number;
  /** Bars the signal lasts, counting the confirming bar; default `strength + 1`. */
  readonly holdBars?: number;
}

/** Result of {@link Divergence}. */
export interface DivergenceResult {
  /** -1 for bearish, +1 for bullish, 0 for none. */
  readonly signal: 1 | -1 | 0;
  readonly kind: "bullish" | "bearish" | null;
}

/** Serialisable state of {@link Divergence}. */
export interface DivergenceState {
  readonly holdBars: number;
  readonly swings: SwingsState;
  readonly values: (number | null)[];
  readonly valueHead: number;
  readonly count: number;
  readonly pivots: PivotValues;
  readonly result: DivergenceResult | null;
  readonly undo: { value: number | null; pivots: PivotValues };
}

/** Oscillator values at the last two swing highs and lows, and the held signal. */
export interface PivotValues {
  prevHigh: number | null;
  lastHigh: number | null;
  prevLow: number | null;
  lastLow: number | null;
  signal: 1 | -1 | 0;
  /** Index of the last bar the signal is held on. */
  until: number;
}

const NEUTRAL: DivergenceResult = Object.freeze({ signal: 0, kind: null });

/**
 * Regular divergence between price swings and an oscillator (RSI, MACD histogram, …).
 *
 * Bearish: the latest confirmed swing high (see {@link Swings}) is strictly above the previous one
 * while the oscillator, read at those two swing bars, is strictly lower. Bullish: a strictly lower
 * swing low with a strictly higher oscillator. A swing whose oscillator value is missing never
 * diverges. The signal appears on the bar that confirms the swing (`strength` bars after it) and
 * lasts `holdBars` bars in all; a newer divergence replaces it, and a bar confirming both kinds
 * at once is ambiguous and ignored. Hidden divergences are out of scope.
 *
 * Results are `null` for the first `2 · strength` bars; flat bars have no swings, hence no signal.
 * The undo record is the overwritten oscillator slot and a copy of {@link PivotValues}.
 * @see https://www.investopedia.com/terms/d/divergence.asp
 */
export class Divergence implements Indicator<DivergenceInput, DivergenceResult, DivergenceState> {
  readonly holdBars: number;
  private swings: Swings;
  private readonly values: (number | null)[];
  private valueHead = 0;
  private count = 0;
  private readonly pivots = emptyPivots();
  private value: DivergenceResult | null = null;
  private undoValue: number | null = null;
  private readonly undoPivots = emptyPivots();

  constructor({ strength = 2, holdBars = strength + 1 }: DivergenceOptions = {}) {
    assertPeriod("Divergence strength", strength);
    assertPeriod("Divergence holdBars", holdBars);
    this.holdBars = holdBars;
    this.swings = new Swings({ strength, keep: 2 });
    this.values = new Array<number | null>(strength + 1).fill(null);
  }

  /** Rebuilds a Divergence from {@link Divergence.getState}. */
  static restore(state: DivergenceState): Divergence {
    const d = new Divergence({ strength: state.swings.strength, holdBars: state.holdBars });
    d.swings = Swings.restore(state.swings);
    state.values.forEach((v, i) => (d.values[i] = v));
    d.valueHead = state.valueHead;
    d.count = state.count;
    copyPivots(d.pivots, state.pivots);
    d.value = state.result && { ...state.result };
    d.undoValue = state.undo.value;
    copyPivots(d.undoPivots, state.undo.pivots);
    return d;
  }

  get isStable(): boolean {
    return this.swings.isStable;
  }

  get result(): DivergenceResult | null {
    return this.value;
  }

  add(input: DivergenceInput): DivergenceResult | null {
    this.undoValue = this.values[this.valueHead];
    copyPivots(this.undoPivots, this.pivots);
    this.pushValue(input.value);
    return this.apply(this.swings.add(input.bar));
  }

  replace(input: DivergenceInput): DivergenceResult | null {
    if (this.count === 0) return this.add(input);
    this.count--;
    this.valueHead = (this.valueHead - 1 + this.values.length) % this.values.length;
    this.values[this.valueHead] = this.undoValue;
    copyPivots(this.pivots, this.undoPivots);
    this.pushValue(input.value);
    return this.apply(this.swings.replace(input.bar));
  }

  getState(): DivergenceState {
    return {
      holdBars: this.holdBars,
      swings: this.swings.getState(),
      values: this.values.slice(),
      valueHead: this.valueHead,
      count: this.count,
      pivots: { ...this.pivots },
      result: this.value && { ...this.value },
      undo: { value: this.undoValue, pivots: { ...this.undoPivots } },
    };
  }

  private pushValue(value: number | null): void {
    this.values[this.valueHead] = typeof value === "number" && Number.isFinite(value) ? value : null;
    this.valueHead = (this.valueHead + 1) % this.values.length;
    this.count++;
  }

  /** Reads the oscillator at a newly confirmed swing (the oldest slot, `strength` bars back). */
  private apply(swings: SwingsResult | null): DivergenceResult | null {
    if (swings === null) return (this.value = null);
    const p = this.pivots;
    const atSwing = this.values[this.valueHead];
    let bearish = false;
    let bullish = false;
    if (swings.newHigh) {
      p.prevHigh = p.lastHigh;
      p.lastHigh = atSwing;
      bearish =
        swings.highs.length === 2 && swings.highs[1].price > swings.highs[0].price && below(p.lastHigh, p.prevHigh);
    }
    if (swings.newLow) {
      p.prevLow = p.lastLow;
      p.lastLow = atSwing;
      bullish = swings.lows.length === 2 && swings.lows[1].price < swings.lows[0].price && below(p.prevLow, p.lastLow);
    }
    if (bearish !== bullish) {
      p.signal = bearish ? -1 : 1;
      p.until = swings.index + this.holdBars - 1;
    }
    const held = p.signal !== 0 && swings.index <= p.until;
    return (this.value = held ? { signal: p.signal, kind: p.signal === 1 ? "bullish" : "bearish" } : NEUTRAL);
  }
}

/** `a < b`, false when either is missing. */
function below(a: number | null, b: number | null): boolean {
  return a !== null && b !== null && a < b;
}

function copyPivots(to: PivotValues, from: PivotValues): void {
  to.prevHigh = from.prevHigh;
  to.lastHigh = from.lastHigh;
  to.prevLow = from.prevLow;
  to.lastLow = from.lastLow;
  to.signal = from.signal;
  to.until = from.until;
}

function emptyPivots(): PivotValues {
  return { prevHigh: null, lastHigh: null, prevLow: null, lastLow: null, signal: 0, until: -1 };
}
