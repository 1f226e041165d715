import type { Bar } from "../market/bar";
import { assertPeriod, type Indicator } from "./indicator";
import { Swings, type SwingPoint, type SwingsResult, type SwingsState } from "./swings";

/** Options of {@link PriceAction}. */
export interface PriceActionOptions {
  /** Fractal strength of the swings (see {@link Swings}); default 2. */
  readonly strength?: number;
  /** Largest gap between two tops (bottoms), in % of the earlier one, for a double top (bottom); default 0.05. */
  readonly doubleTolerancePct?: number;
}

/** Result of {@link PriceAction}. */
export interface PriceActionResult {
  /** 1 for higher high + higher low, -1 for lower high + lower low, else 0 (from the last two swings of each kind). */
  readonly trend: 1 | -1 | 0;
  /** Price of the latest confirmed swing high, null before the first. */
  readonly lastSwingHigh: number | null;
  /** Price of the latest confirmed swing low, null before the first. */
  readonly lastSwingLow: number | null;
  /** The last two swing highs lie within the tolerance and this bar closed below both. */
  readonly doubleTop: boolean;
  /** The last two swing lows lie within the tolerance and this bar closed above both. */
  readonly doubleBottom: boolean;
  /** 1 (-1) on the first bar whose close is above (below) the last swing high (low); else 0. */
  readonly breakOfStructure: 1 | -1 | 0;
}

/** Serialisable state of {@link PriceAction}. */
export interface PriceActionState {
  readonly doubleTolerancePct: number;
  readonly swings: SwingsState;
  readonly highBroken: boolean;
  readonly lowBroken: boolean;
  readonly result: PriceActionResult | null;
  readonly undo: { highBroken: boolean; lowBroken: boolean };
}

/**
 * Market structure from fractal swings (composes {@link Swings} with `keep = 2`).
 *
 * - trend: HH+HL = 1, LH+LL = -1, anything else (including equal swings or fewer than two of
 *   either kind) = 0.
 * - doubleTop: with the last two swing highs `a` (older) and `b`, `|b − a| ≤ tol/100 · a` and this
 *   bar's close is strictly below `min(a, b)`; it lapses while price closes back up at or above a top
 *   and is recomputed on every bar. doubleBottom mirrors it with the last two swing lows (close
 *   strictly above `max(a, b)`). Tolerances are relative, so they work at any price scale.
 * - breakOfStructure: +1 on the first bar whose close is strictly above the latest swing high,
 *   counted from the bar that confirmed that swing; once per swing (a newer swing re-arms it).
 *   -1 mirrors it for the latest swing low; if one bar breaks both (a swing low above the swing
 *   high), the result is 0 and both count as broken.
 *
 * Results are `null` while the swings warm up (`2 · strength` bars). Flat bars have no swings, so
 * every field stays neutral. The undo record holds two flags.
 */
export class PriceAction implements Indicator<Bar, PriceActionResult, PriceActionState> {
  readonly doubleTolerancePct: number;
  private swings: Swings;
  private highBroken = false;
  private lowBroken = false;
  private value: PriceActionResult | null = null;
  private undoHighBroken = false;
  private undoLowBroken = false;

  constructor({ strength = 2, doubleTolerancePct = 0.05 }: PriceActionOptions = {}) {
    assertPeriod("PriceAction strength", strength);
    if (!(doubleTolerancePct >= 0 && Number.isFinite(doubleTolerancePct))) {
      throw new RangeError(`PriceAction doubleTolerancePct must be a finite number >= 0, got ${doubleTolerancePct}`);
    }
    this.doubleTolerancePct = doubleTolerancePct;
    this.swings = new Swings({ strength, keep: 2 });
  }

  /** Rebuilds a PriceAction from {@link PriceAction.getState}. */
  static restore(state: PriceActionState): PriceAction {
    const pa = new PriceAction({ strength: state.swings.strength, doubleTolerancePct: state.doubleTolerancePct });
    pa.swings = Swings.restore(state.swings);
    pa.highBroken = state.highBroken;
    pa.lowBroken = state.lowBroken;
    pa.undoHighBroken = state.undo.highBroken;
    pa.undoLowBroken = state.undo.lowBroken;
    pa.value = state.result && { ...state.result };
    return pa;
  }

  get isStable(): boolean {
    return this.swings.isStable;
  }

  get result(): PriceActionResult | null {
    return this.value;
  }

  add(bar: Bar): PriceActionResult | null {
    this.saveUndo();
    return this.apply(bar, this.swings.add(bar));
  }

  replace(bar: Bar): PriceActionResult | null {
    this.highBroken = this.undoHighBroken;
    this.lowBroken = this.undoLowBroken;
    this.saveUndo();
    return this.apply(bar, this.swings.replace(bar));
  }

  getState(): PriceActionState {
    return {
      doubleTolerancePct: this.doubleTolerancePct,
      swings: this.swings.getState(),
      highBroken: this.highBroken,
      lowBroken: this.lowBroken,
      result: this.value && { ...this.value },
      undo: { highBroken: this.undoHighBroken, lowBroken: this.undoLowBroken },
    };
  }

  private saveUndo(): void {
    this.undoHighBroken = this.highBroken;
    this.undoLowBroken = this.lowBroken;
  }

  private apply(bar: Bar, swings: SwingsResult | null): PriceActionResult | null {
    if (swings === null) return (this.value = null);
    if (swings.newHigh) this.highBroken = false;
    if (swings.newLow) this.lowBroken = false;
    const up = !this.highBroken && swings.highs.length > 0 && bar.close > last(swings.highs).price;
    const down = !this.lowBroken && swings.lows.length > 0 && bar.close < last(swings.lows).price;
    if (up) this.highBroken = true;
    if (down) this.lowBroken = true;
    return (this.value = this.evaluate(swings, bar.close, up === down ? 0 : up ? 1 : -1));
  }

  private evaluate(swings: SwingsResult, close: number, breakOfStructure: 1 | -1 | 0): PriceActionResult {
    const { highs, lows } = swings;
    const tol = this.doubleTolerancePct / 100;
    const hasTwo = highs.length === 2 && lows.length === 2;
    return {
      trend: hasTwo ? trendOf(highs, lows) : 0,
      lastSwingHigh: highs.length > 0 ? last(highs).price : null,
      lastSwingLow: lows.length > 0 ? last(lows).price : null,
      doubleTop: highs.length === 2 && isDouble(highs, tol) && close < Math.min(highs[0].price, highs[1].price),
      doubleBottom: lows.length === 2 && isDouble(lows, tol) && close > Math.max(lows[0].price, lows[1].price),
      breakOfStructure,
    };
  }
}

function last(list: readonly SwingPoint[]): SwingPoint {
  return list[list.length - 1];
}

function trendOf(highs: readonly SwingPoint[], lows: readonly SwingPoint[]): 1 | -1 | 0 {
  const hh = highs[1].price > highs[0].price;
  const hl = lows[1].price > lows[0].price;
  const lh = highs[1].price < highs[0].price;
  const ll = lows[1].price < lows[0].price;
  if (hh && hl) return 1;
  if (lh && ll) return -1;
  return 0;
}

function isDouble(points: readonly SwingPoint[], tol: number): boolean {
  return Math.abs(points[1].price - points[0].price) <= tol * Math.abs(points[0].price);
}
