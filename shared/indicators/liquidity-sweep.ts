import type { Bar } from "../market/bar";
import { assertPeriod, type Indicator } from "./indicator";
import { Swings, type SwingPoint, type SwingsResult, type SwingsState } from "./swings";

/** Options of {@link LiquiditySweep}. */
export interface LiquiditySweepOptions {
  /** Fractal strength of the swings that mark liquidity (see {@link Swings}); default 2. */
  readonly strength?: number;
  /** How far beyond the swing, in % of it, a bar must reach to pierce it; default 0.02. */
  readonly marginPct?: number;
  /** Longest time from the piercing bar's start to the closing-back bar's start; default 10 000 ms. */
  readonly withinMs?: number;
  /** Bars before the piercing bar whose mean volume is the baseline; default 30. */
  readonly volumeLookback?: number;
  /** Volume surge needed, as a multiple of the baseline; default 2. */
  readonly surgeMultiple?: number;
  /** How long the signal stays up after the sweep is confirmed; default 5 000 ms. */
  readonly holdMs?: number;
}

/** Result of {@link LiquiditySweep}. `level` and `sweptAt` describe the active signal and are null without one. */
export interface LiquiditySweepResult {
  /** -1 after a swept high (fade: short), +1 after a swept low (fade: long), else 0. */
  readonly signal: 1 | -1 | 0;
  /** The swing price that was swept. */
  readonly level: number | null;
  /** Start of the bar that closed back and so confirmed the sweep. */
  readonly sweptAt: number | null;
}

/** Sweep tracking for one side (highs or lows); plain numbers so it copies and serialises cheaply. */
export interface SweepSideState {
  /** Latest confirmed swing on this side and its index (-1: none yet). */
  level: number;
  levelIndex: number;
  /** The latest swing may still be swept (not yet swept, not broken). */
  armed: boolean;
  /** A pierce is waiting for a close back inside. */
  pending: boolean;
  pendingLevel: number;
  pendingIndex: number;
  pierceStart: number;
  baseline: number;
  maxVolume: number;
}

/** The latest confirmed sweep (signal 0: none yet). */
export interface HeldSweep {
  signal: 1 | -1 | 0;
  level: number;
  /** Start of the bar that confirmed it. */
  at: number;
}

/** Serialisable state of {@link LiquiditySweep}. */
export interface LiquiditySweepState {
  readonly options: Required<LiquiditySweepOptions>;
  readonly swings: SwingsState;
  readonly volumes: number[];
  readonly volumeHead: number;
  readonly volumeSum: number;
  readonly count: number;
  readonly high: SweepSideState;
  readonly low: SweepSideState;
  readonly last: HeldSweep;
  readonly result: LiquiditySweepResult | null;
  readonly undo: {
    volume: number;
    volumeSum: number;
    high: SweepSideState;
    low: SweepSideState;
    last: HeldSweep;
  };
}

const NEUTRAL: LiquiditySweepResult = Object.freeze({ signal: 0, level: null, sweptAt: null });

/**
 * Liquidity sweep (stop run) detector: a fade signal when price spikes through a swing and snaps back.
 *
 * A sweep of a high needs, in order:
 * 1. a bar whose high reaches `level · (1 + marginPct/100)`, where `level` is the most recent
 *    confirmed swing high (see {@link Swings}), confirmed before that bar;
 * 2. a bar (the piercing bar itself included) closing strictly below `level`, whose start is at
 *    most `withinMs` after the piercing bar's start;
 * 3. the largest bar volume from the piercing bar to the closing bar, which must be positive and at
 *    least `surgeMultiple ×` the mean volume of the `volumeLookback` bars before the piercing bar.
 * Then the signal is -1 for bars starting in `[sweptAt, sweptAt + holdMs)`; lows mirror it with +1.
 *
 * A pierce that does not close back within `withinMs` is a breakout: that swing is disarmed. A
 * close back without the surge ends the attempt and leaves the swing armed. A swept swing is never
 * swept again; a newer swing re-arms the side while an attempt on the older one runs to its end.
 * A newer sweep replaces the held signal; a bar sweeping both sides at once is ambiguous and ignored.
 *
 * Results are `null` until `max(2 · strength + 1, volumeLookback + 1)` bars, the first bar with a
 * full volume baseline. The rolling volume sum is recomputed each time its ring wraps (amortised
 * O(1)) so it cannot drift. The undo record is the overwritten volume slot, the sum, and a copy
 * of the two side records and the held signal (copied into preallocated objects, no allocation).
 */
export class LiquiditySweep implements Indicator<Bar, LiquiditySweepResult, LiquiditySweepState> {
  readonly options: Required<LiquiditySweepOptions>;
  private readonly warmup: number;
  private swings: Swings;
  private readonly volumes: number[];
  private volumeHead = 0;
  private volumeSum = 0;
  private count = 0;
  private readonly high = emptySide();
  private readonly low = emptySide();
  private readonly last: HeldSweep = { signal: 0, level: 0, at: 0 };
  private value: LiquiditySweepResult | null = null;
  private undoVolume = 0;
  private undoVolumeSum = 0;
  private readonly undoHigh = emptySide();
  private readonly undoLow = emptySide();
  private readonly undoLast: HeldSweep = { signal: 0, level: 0, at: 0 };

  constructor({
    strength = 2,
    marginPct = 0.02,
    withinMs = 10_000,
    volumeLookback = 30,
    surgeMultiple = 2,
    holdMs = 5_000,
  }: LiquiditySweepOptions = {}) {
    assertPeriod("LiquiditySweep strength", strength);
    assertPeriod("LiquiditySweep volumeLookback", volumeLookback);
    assertNonNegative({ marginPct, withinMs, surgeMultiple, holdMs });
    this.options = { strength, marginPct, withinMs, volumeLookback, surgeMultiple, holdMs };
    this.warmup = Math.max(2 * strength + 1, volumeLookback + 1);
    this.swings = new Swings({ strength, keep: 1 });
    this.volumes = new Array<number>(volumeLookback).fill(0);
  }

  /** Rebuilds a LiquiditySweep from {@link LiquiditySweep.getState}. */
  static restore(state: LiquiditySweepState): LiquiditySweep {
    const ls = new LiquiditySweep(state.options);
    ls.swings = Swings.restore(state.swings);
    state.volumes.forEach((v, i) => (ls.volumes[i] = v));
    ls.volumeHead = state.volumeHead;
    ls.volumeSum = state.volumeSum;
    ls.count = state.count;
    copySide(ls.high, state.high);
    copySide(ls.low, state.low);
    copyLast(ls.last, state.last);
    ls.value = state.result && { ...state.result };
    ls.undoVolume = state.undo.volume;
    ls.undoVolumeSum = state.undo.volumeSum;
    copySide(ls.undoHigh, state.undo.high);
    copySide(ls.undoLow, state.undo.low);
    copyLast(ls.undoLast, state.undo.last);
    return ls;
  }

  get isStable(): boolean {
    return this.count >= this.warmup;
  }

  get result(): LiquiditySweepResult | null {
    return this.value;
  }

  add(bar: Bar): LiquiditySweepResult | null {
    this.undoVolume = this.volumes[this.volumeHead];
    this.undoVolumeSum = this.volumeSum;
    copySide(this.undoHigh, this.high);
    copySide(this.undoLow, this.low);
    copyLast(this.undoLast, this.last);
    return this.apply(bar, this.swings.add(bar));
  }

  replace(bar: Bar): LiquiditySweepResult | null {
    if (this.count === 0) return this.add(bar);
    this.count--;
    this.volumeHead = (this.volumeHead - 1 + this.volumes.length) % this.volumes.length;
    this.volumes[this.volumeHead] = this.undoVolume;
    this.volumeSum = this.undoVolumeSum;
    copySide(this.high, this.undoHigh);
    copySide(this.low, this.undoLow);
    copyLast(this.last, this.undoLast);
    return this.apply(bar, this.swings.replace(bar));
  }

  getState(): LiquiditySweepState {
    return {
      options: { ...this.options },
      swings: this.swings.getState(),
      volumes: this.volumes.slice(),
      volumeHead: this.volumeHead,
      volumeSum: this.volumeSum,
      count: this.count,
      high: { ...this.high },
      low: { ...this.low },
      last: { ...this.last },
      result: this.value && { ...this.value },
      undo: {
        volume: this.undoVolume,
        volumeSum: this.undoVolumeSum,
        high: { ...this.undoHigh },
        low: { ...this.undoLow },
        last: { ...this.undoLast },
      },
    };
  }

  private apply(bar: Bar, swings: SwingsResult | null): LiquiditySweepResult | null {
    const lookback = this.options.volumeLookback;
    const baseline = this.count >= lookback ? Math.max(0, this.volumeSum / lookback) : -1;
    const newHigh = swings?.newHigh ? swings.highs[swings.highs.length - 1] : null;
    const newLow = swings?.newLow ? swings.lows[swings.lows.length - 1] : null;
    const sweptHigh = this.step(this.high, bar, newHigh, baseline, true);
    const sweptLow = this.step(this.low, bar, newLow, baseline, false);
    if (sweptHigh !== sweptLow) {
      this.last.signal = sweptHigh ? -1 : 1;
      this.last.level = sweptHigh ? this.high.pendingLevel : this.low.pendingLevel;
      this.last.at = bar.start;
    }
    this.pushVolume(bar.volume);
    this.count++;
    if (this.count < this.warmup) return (this.value = null);
    const held = this.last.signal !== 0 && bar.start - this.last.at < this.options.holdMs;
    return (this.value = held ? { signal: this.last.signal, level: this.last.level, sweptAt: this.last.at } : NEUTRAL);
  }

  /** Advances one side by one bar; true when this bar confirms a sweep of it. */
  private step(side: SweepSideState, bar: Bar, swing: SwingPoint | null, baseline: number, isHigh: boolean): boolean {
    if (swing) {
      side.level = swing.price;
      side.levelIndex = swing.index;
      side.armed = true;
    }
    if (side.pending && bar.start - side.pierceStart > this.options.withinMs) {
      side.pending = false;
      if (side.levelIndex === side.pendingIndex) side.armed = false;
    }
    if (!side.pending && side.armed && baseline >= 0 && this.pierces(bar, side.level, isHigh)) {
      side.pending = true;
      side.pendingLevel = side.level;
      side.pendingIndex = side.levelIndex;
      side.pierceStart = bar.start;
      side.baseline = baseline;
      side.maxVolume = 0;
    }
    if (!side.pending) return false;
    side.maxVolume = Math.max(side.maxVolume, bar.volume);
    if (isHigh ? !(bar.close < side.pendingLevel) : !(bar.close > side.pendingLevel)) return false;
    side.pending = false;
    const surge = side.maxVolume > 0 && side.maxVolume >= this.options.surgeMultiple * side.baseline;
    if (surge && side.levelIndex === side.pendingIndex) side.armed = false;
    return surge;
  }

  private pierces(bar: Bar, level: number, isHigh: boolean): boolean {
    const margin = this.options.marginPct / 100;
    return isHigh ? bar.high >= level * (1 + margin) : bar.low <= level * (1 - margin);
  }

  private pushVolume(volume: number): void {
    const n = this.volumes.length;
    this.volumeSum += volume - this.volumes[this.volumeHead];
    this.volumes[this.volumeHead] = volume;
    this.volumeHead = (this.volumeHead + 1) % n;
    if (this.volumeHead !== 0) return;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += this.volumes[i];
    this.volumeSum = sum;
  }
}

function copySide(to: SweepSideState, from: SweepSideState): void {
  to.level = from.level;
  to.levelIndex = from.levelIndex;
  to.armed = from.armed;
  to.pending = from.pending;
  to.pendingLevel = from.pendingLevel;
  to.pendingIndex = from.pendingIndex;
  to.pierceStart = from.pierceStart;
  to.baseline = from.baseline;
  to.maxVolume = from.maxVolume;
}

function copyLast(to: HeldSweep, from: HeldSweep): void {
  to.signal = from.signal;
  to.level = from.level;
  to.at = from.at;
}

function emptySide(): SweepSideState {
  return {
    level: 0,
    levelIndex: -1,
    armed: false,
    pending: false,
    pendingLevel: 0,
    pendingIndex: -1,
    pierceStart: 0,
    baseline: 0,
    maxVolume: 0,
  };
}

function assertNonNegative(values: Record<string, number>): void {
  for (const [name, v] of Object.entries(values)) {
    if (!(v >= 0 && Number.isFinite(v)))
      throw new RangeError(`LiquiditySweep ${name} must be a finite number >= 0, got ${v}`);
  }
}
