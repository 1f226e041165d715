import type { Bar } from "../market/bar";
import { assertPeriod, type Indicator } from "./indicator";

/** A confirmed swing: the bar's extreme, its start, and its position in the stream (first bar added = 0). */
export interface SwingPoint {
  readonly price: number;
  readonly start: number;
  readonly index: number;
}

/** Options of {@link Swings}. */
export interface SwingsOptions {
  /** Bars on each side that a swing must exceed (default 2: the classic 5-bar fractal). */
  readonly strength?: number;
  /** Confirmed swing highs and lows kept, each (default 4). */
  readonly keep?: number;
}

/** Result of {@link Swings}. Lists run oldest first; the arrays are shared between results and never mutated. */
export interface SwingsResult {
  /** The last `keep` confirmed swing highs, oldest first. */
  readonly highs: readonly SwingPoint[];
  /** The last `keep` confirmed swing lows, oldest first. */
  readonly lows: readonly SwingPoint[];
  /** A swing high was confirmed on this bar (it sits `strength` bars back). */
  readonly newHigh: boolean;
  /** A swing low was confirmed on this bar. */
  readonly newLow: boolean;
  /** Index of this bar, on the same scale as {@link SwingPoint.index}. */
  readonly index: number;
}

/** Serialisable state of {@link Swings}. */
export interface SwingsState {
  readonly strength: number;
  readonly keep: number;
  readonly barHighs: number[];
  readonly barLows: number[];
  readonly barStarts: number[];
  readonly head: number;
  readonly count: number;
  readonly highs: SwingPoint[];
  readonly lows: SwingPoint[];
  readonly newHigh: boolean;
  readonly newLow: boolean;
  readonly undo: { high: number; low: number; start: number; highs: SwingPoint[]; lows: SwingPoint[] };
}

/**
 * Fractal swing detector (Bill Williams fractals generalised to `strength` bars per side).
 *
 * Bar `i` is a swing high when its high is strictly greater than the highs of the `strength` bars
 * before it AND strictly greater than those of the `strength` bars after it; a swing low mirrors
 * this with strictly lower lows. Strict on both sides means a tie never makes a swing: two equal
 * peaks side by side give none, and flat bars give no swings at all. A swing is confirmed on the
 * bar that completes its right side, `strength` bars after it.
 *
 * Results are `null` for the first `2 · strength` bars. An update costs O(strength); the undo
 * record for `replace` is the overwritten window slot plus references to the previous swing lists
 * (which are immutable and only reallocated, O(keep), when a swing is confirmed).
 * @see https://www.investopedia.com/terms/f/fractal.asp
 */
export class Swings implements Indicator<Bar, SwingsResult, SwingsState> {
  readonly strength: number;
  readonly keep: number;
  private readonly width: number;
  private readonly barHighs: number[];
  private readonly barLows: number[];
  private readonly barStarts: number[];
  private head = 0;
  private count = 0;
  private highs: readonly SwingPoint[] = [];
  private lows: readonly SwingPoint[] = [];
  private newHigh = false;
  private newLow = false;
  private value: SwingsResult | null = null;
  private undoHigh = 0;
  private undoLow = 0;
  private undoStart = 0;
  private undoHighs: readonly SwingPoint[] = [];
  private undoLows: readonly SwingPoint[] = [];

  constructor({ strength = 2, keep = 4 }: SwingsOptions = {}) {
    assertPeriod("Swings strength", strength);
    assertPeriod("Swings keep", keep);
    this.strength = strength;
    this.keep = keep;
    this.width = 2 * strength + 1;
    this.barHighs = new Array<number>(this.width).fill(0);
    this.barLows = new Array<number>(this.width).fill(0);
    this.barStarts = new Array<number>(this.width).fill(0);
  }

  /** Rebuilds a Swings from {@link Swings.getState}. */
  static restore(state: SwingsState): Swings {
    const s = new Swings({ strength: state.strength, keep: state.keep });
    state.barHighs.forEach((v, i) => (s.barHighs[i] = v));
    state.barLows.forEach((v, i) => (s.barLows[i] = v));
    state.barStarts.forEach((v, i) => (s.barStarts[i] = v));
    s.head = state.head;
    s.count = state.count;
    s.highs = copyPoints(state.highs);
    s.lows = copyPoints(state.lows);
    s.newHigh = state.newHigh;
    s.newLow = state.newLow;
    s.undoHigh = state.undo.high;
    s.undoLow = state.undo.low;
    s.undoStart = state.undo.start;
    s.undoHighs = copyPoints(state.undo.highs);
    s.undoLows = copyPoints(state.undo.lows);
    s.value = s.makeResult();
    return s;
  }

  get isStable(): boolean {
    return this.count >= this.width;
  }

  get result(): SwingsResult | null {
    return this.value;
  }

  add(bar: Bar): SwingsResult | null {
    const h = this.head;
    this.undoHigh = this.barHighs[h];
    this.undoLow = this.barLows[h];
    this.undoStart = this.barStarts[h];
    this.undoHighs = this.highs;
    this.undoLows = this.lows;
    this.barHighs[h] = bar.high;
    this.barLows[h] = bar.low;
    this.barStarts[h] = bar.start;
    this.head = (h + 1) % this.width;
    this.count++;
    this.newHigh = false;
    this.newLow = false;
    if (this.count >= this.width) this.confirmMiddle();
    return (this.value = this.makeResult());
  }

  replace(bar: Bar): SwingsResult | null {
    if (this.count === 0) return this.add(bar);
    this.head = (this.head - 1 + this.width) % this.width;
    this.barHighs[this.head] = this.undoHigh;
    this.barLows[this.head] = this.undoLow;
    this.barStarts[this.head] = this.undoStart;
    this.highs = this.undoHighs;
    this.lows = this.undoLows;
    this.count--;
    return this.add(bar);
  }

  getState(): SwingsState {
    return {
      strength: this.strength,
      keep: this.keep,
      barHighs: this.barHighs.slice(),
      barLows: this.barLows.slice(),
      barStarts: this.barStarts.slice(),
      head: this.head,
      count: this.count,
      highs: copyPoints(this.highs),
      lows: copyPoints(this.lows),
      newHigh: this.newHigh,
      newLow: this.newLow,
      undo: {
        high: this.undoHigh,
        low: this.undoLow,
        start: this.undoStart,
        highs: copyPoints(this.undoHighs),
        lows: copyPoints(this.undoLows),
      },
    };
  }

  /** Tests the bar `strength` back (the window's middle) against every other bar in the window. */
  private confirmMiddle(): void {
    const w = this.width;
    const mid = (this.head + this.strength) % w;
    const high = this.barHighs[mid];
    const low = this.barLows[mid];
    let isHigh = true;
    let isLow = true;
    for (let k = 0; k < w && (isHigh || isLow); k++) {
      if (k === this.strength) continue;
      const j = (this.head + k) % w;
      if (!(high > this.barHighs[j])) isHigh = false;
      if (!(low < this.barLows[j])) isLow = false;
    }
    const index = this.count - 1 - this.strength;
    const start = this.barStarts[mid];
    if (isHigh) {
      this.highs = appendBounded(this.highs, { price: high, start, index }, this.keep);
      this.newHigh = true;
    }
    if (isLow) {
      this.lows = appendBounded(this.lows, { price: low, start, index }, this.keep);
      this.newLow = true;
    }
  }

  private makeResult(): SwingsResult | null {
    if (this.count < this.width) return null;
    return { highs: this.highs, lows: this.lows, newHigh: this.newHigh, newLow: this.newLow, index: this.count - 1 };
  }
}

function appendBounded(list: readonly SwingPoint[], point: SwingPoint, keep: number): readonly SwingPoint[] {
  const next = list.length < keep ? list.slice() : list.slice(1);
  next.push(point);
  return next;
}

function copyPoints(list: readonly SwingPoint[]): SwingPoint[] {
  return list.map((p) => ({ price: p.price, start: p.start, index: p.index }));
}
