import { Ema, type EmaState } from "./ema";
import { assertPeriod, type Indicator, type InPlaceReadable, type Mutable } from "./indicator";

/** Side of the fast EMA against the slow one: 1 above, -1 below, 0 tied. */
export type CrossState = 1 | -1 | 0;

/**
 * Relative gap under which the two EMAs count as tied. On a flat price the SMA seeds of different
 * periods can differ by a few ulps (e.g. 0.1·3/3 vs 0.1·7/7), and `(x - ema)·k + ema` never
 * closes a 1-ulp gap when k < 0.5, so a strict sign would report a trend in a flat market
 * forever. Seed rounding stays below n·2.2e-16 relative (< 1e-12 up to n ≈ 4500), while 1e-12 of
 * a price is far below any tick, so this only absorbs rounding.
 */
export const EMA_TIE_RELATIVE = 1e-12;

/** One {@link EmaCross} result. */
export interface EmaCrossResult {
  readonly fast: number;
  readonly slow: number;
  /** sign(fast - slow), 0 when they are within {@link EMA_TIE_RELATIVE} of each other. */
  readonly state: CrossState;
  /** `state` when it differs from the previous input's non-null state and is not 0; else 0. */
  readonly cross: CrossState;
}

/** Serialisable state of {@link EmaCross}. */
/**
 * A writable {@link EmaCrossResult} to be filled by `readInto`. Its number fields start as NaN, a double:
 * V8 then stores the doubles written later in place, where a field that started as the small
 * integer 0 boxed every one of them (measured: twice the cost of a read).
 */
export function blankEmaCrossResult(): Mutable<EmaCrossResult> {
  return { fast: NaN, slow: NaN, state: 0, cross: 0 };
}

export interface EmaCrossState {
  readonly fast: EmaState;
  readonly slow: EmaState;
  readonly state: CrossState | null;
  readonly before: CrossState | null;
}

/**
 * A fast/slow EMA pair (TA-Lib-exact {@link Ema}s), its side and fresh crosses.
 *
 * `state` = sign(fastEma - slowEma), with gaps within {@link EMA_TIE_RELATIVE} (relative, so it
 * works at any price scale) read as a tie, 0. `cross` is +1 or -1 on the input whose state
 * differs from the state after the previous committed input, in the direction of the new state;
 * it is 0 otherwise, on the first result (there is no previous state to cross from), and when the new
 * state is 0 (touching is not crossing). A move out of a tie (only seen on flat data, where both
 * EMAs equal the price) therefore counts as a cross in the direction of the move.
 * `replace` revises both EMAs exactly and re-compares with the same previous state, so a forming
 * bar that crosses and then uncrosses ends with cross 0.
 * First result after `slow` inputs.
 */
export class EmaCross implements Indicator<number, EmaCrossResult, EmaCrossState>, InPlaceReadable<EmaCrossResult> {
  private fastEma: Ema;
  private slowEma: Ema;
  private state: CrossState | null = null;
  private before: CrossState | null = null;
  private value: EmaCrossResult | null = null;
  /** True when `value` lags the last input (it is built on read). */
  private stale = false;

  /**
   * @param fast Fast EMA period (>= 1).
   * @param slow Slow EMA period, greater than `fast`.
   */
  constructor(fast: number, slow: number) {
    assertPeriod("EmaCross fast period", fast);
    assertPeriod("EmaCross slow period", slow, fast + 1);
    this.fastEma = new Ema(fast);
    this.slowEma = new Ema(slow);
  }

  /** Rebuilds an EmaCross from {@link EmaCross.getState}. */
  static restore(state: EmaCrossState): EmaCross {
    const ec = new EmaCross(state.fast.period, state.slow.period);
    ec.fastEma = Ema.restore(state.fast);
    ec.slowEma = Ema.restore(state.slow);
    ec.state = state.state;
    ec.before = state.before;
    ec.stale = true;
    return ec;
  }

  /** Fast EMA period. */
  get fastPeriod(): number {
    return this.fastEma.period;
  }

  /** Slow EMA period. */
  get slowPeriod(): number {
    return this.slowEma.period;
  }

  get isStable(): boolean {
    return this.slowEma.isStable;
  }

  get result(): EmaCrossResult | null {
    if (this.stale) {
      this.value = this.compose(this.fastEma.result, this.slowEma.result);
      this.stale = false;
    }
    return this.value;
  }

  add(x: number): EmaCrossResult | null {
    this.update(x);
    return this.result;
  }

  /** Takes the next input without building the result (read it later through `result`). */
  update(x: number): void {
    this.before = this.state;
    this.fastEma.update(x);
    this.slowEma.update(x);
    this.settle();
  }

  /** Revises the last input without building the result. */
  revise(x: number): void {
    this.fastEma.revise(x);
    this.slowEma.revise(x);
    this.settle();
  }

  /** Revises the last input; on a fresh instance `before` is still null, so this acts as `add`. */
  replace(x: number): EmaCrossResult | null {
    this.revise(x);
    return this.result;
  }

  getState(): EmaCrossState {
    return {
      fast: this.fastEma.getState(),
      slow: this.slowEma.getState(),
      state: this.state,
      before: this.before,
    };
  }

  private settle(): void {
    const fast = this.fastEma;
    const slow = this.slowEma;
    this.state = fast.ready && slow.ready ? side(fast.latest, slow.latest) : null;
    this.stale = true;
  }

  private compose(fast: number | null, slow: number | null): EmaCrossResult | null {
    const state = this.state;
    if (fast === null || slow === null || state === null) return null;
    return { fast, slow, state, cross: this.cross(state) };
  }

  private cross(state: CrossState): CrossState {
    return state !== 0 && this.before !== null && state !== this.before ? state : 0;
  }

  /**
   * What `revise(x)` then `readInto(out)` would give, without changing the indicator (see
   * {@link Ema.peek}); `revise` keeps the state before the last add, so the cross compares with it too.
   */
  peekInto(x: number, out: Mutable<EmaCrossResult>): boolean {
    const fast = this.fastEma.peek(x);
    const slow = this.slowEma.peek(x);
    if (Number.isNaN(fast) || Number.isNaN(slow)) return false;
    const state = side(fast, slow);
    out.fast = fast;
    out.slow = slow;
    out.state = state;
    out.cross = this.cross(state);
    return true;
  }

  /** Writes the latest result into `out` (no allocation); false while `result` is null. */
  readInto(out: Mutable<EmaCrossResult>): boolean {
    const state = this.state;
    if (!this.fastEma.ready || !this.slowEma.ready || state === null) return false;
    out.fast = this.fastEma.latest;
    out.slow = this.slowEma.latest;
    out.state = state;
    out.cross = this.cross(state);
    return true;
  }
}

/** The side of `fast` against `slow`, ties within {@link EMA_TIE_RELATIVE} reading 0. */
function side(fast: number, slow: number): CrossState {
  const gap = fast - slow;
  if (Math.abs(gap) <= EMA_TIE_RELATIVE * Math.max(Math.abs(fast), Math.abs(slow))) return 0;
  return gap > 0 ? 1 : -1;
}

/** One {@link EmaCrossSet} result. */
export interface EmaCrossSetResult {
  /** One result per pair, in constructor order. */
  readonly pairs: EmaCrossResult[];
  /** The common state when every pair has the same non-zero state, else 0. */
  readonly agree: CrossState;
}

/** Serialisable state of {@link EmaCrossSet}. */
export interface EmaCrossSetState {
  readonly pairs: EmaCrossState[];
}

/** The default fast/slow pairs of {@link EmaCrossSet}: short, medium and long trend. */
export const DEFAULT_EMA_CROSS_PAIRS: readonly (readonly [number, number])[] = [
  [3, 7],
  [5, 15],
  [10, 30],
];

/**
 * Several {@link EmaCross} pairs over one input and whether their trends agree.
 * A result appears once every pair has one (after the longest slow period). `replace` replaces in
 * every pair, each exact.
 */
export class EmaCrossSet
  implements Indicator<number, EmaCrossSetResult, EmaCrossSetState>, InPlaceReadable<EmaCrossSetResult>
{
  private readonly crosses: EmaCross[];
  private value: EmaCrossSetResult | null = null;
  /** True when `value` lags the last input (it is built on read). */
  private stale = false;

  /** @param pairs `[fast, slow]` periods, at least one pair. */
  constructor(pairs: readonly (readonly [number, number])[] = DEFAULT_EMA_CROSS_PAIRS) {
    if (pairs.length === 0) throw new RangeError("EmaCrossSet needs at least one pair");
    this.crosses = pairs.map(([fast, slow]) => new EmaCross(fast, slow));
  }

  /** Rebuilds an EmaCrossSet from {@link EmaCrossSet.getState}. */
  static restore(state: EmaCrossSetState): EmaCrossSet {
    const set = new EmaCrossSet(state.pairs.map((p) => [p.fast.period, p.slow.period] as const));
    state.pairs.forEach((p, i) => (set.crosses[i] = EmaCross.restore(p)));
    set.stale = true;
    return set;
  }

  get isStable(): boolean {
    return this.crosses.every((c) => c.isStable);
  }

  get result(): EmaCrossSetResult | null {
    if (this.stale) {
      this.value = this.collect();
      this.stale = false;
    }
    return this.value;
  }

  add(x: number): EmaCrossSetResult | null {
    this.update(x);
    return this.result;
  }

  replace(x: number): EmaCrossSetResult | null {
    this.revise(x);
    return this.result;
  }

  /** Takes the next input without building results (read them later through `result`). */
  update(x: number): void {
    const crosses = this.crosses;
    for (let i = 0; i < crosses.length; i++) crosses[i].update(x);
    this.stale = true;
  }

  /** Revises the last input without building results. */
  revise(x: number): void {
    const crosses = this.crosses;
    for (let i = 0; i < crosses.length; i++) crosses[i].revise(x);
    this.stale = true;
  }

  /** What `revise(x)` then `readInto(out)` would give, without changing the indicator. */
  peekInto(x: number, out: Mutable<EmaCrossSetResult>): boolean {
    const crosses = this.crosses;
    const pairs = out.pairs;
    for (let i = 0; i < crosses.length; i++) if (!crosses[i].peekInto(x, pairs[i])) return false;
    out.agree = agreement(pairs, crosses.length);
    return true;
  }

  /**
   * Writes the latest result into `out`, whose `pairs` holds one writable object per pair (no
   * allocation); false while `result` is null.
   */
  readInto(out: Mutable<EmaCrossSetResult>): boolean {
    const crosses = this.crosses;
    const pairs = out.pairs;
    for (let i = 0; i < crosses.length; i++) if (!crosses[i].readInto(pairs[i])) return false;
    out.agree = agreement(pairs, crosses.length);
    return true;
  }

  getState(): EmaCrossSetState {
    return { pairs: this.crosses.map((c) => c.getState()) };
  }

  private collect(): EmaCrossSetResult | null {
    const crosses = this.crosses;
    const n = crosses.length;
    for (let i = 0; i < n; i++) if (crosses[i].result === null) return null;
    const pairs = new Array<EmaCrossResult>(n);
    const first = (pairs[0] = crosses[0].result as EmaCrossResult).state;
    let agree: CrossState = first;
    for (let i = 1; i < n; i++) {
      const r = (pairs[i] = crosses[i].result as EmaCrossResult);
      if (r.state !== first) agree = 0;
    }
    return { pairs, agree };
  }
}

/** The shared state of the first `n` pairs, or 0 when they differ. */
function agreement(pairs: readonly EmaCrossResult[], n: number): CrossState {
  const first = pairs[0].state;
  for (let i = 1; i < n; i++) if (pairs[i].state !== first) return 0;
  return first;
}
