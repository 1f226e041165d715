import { assertPeriod } from "./indicator";
import { RollingSum, type RollingSumState } from "./rolling-sum";

/** Serialisable state of {@link VarianceRatio}. */
export interface VarianceRatioState {
  readonly lag: number;
  readonly window: number;
  /** The last `lag + 1` closes, oldest first. */
  readonly closes: number[];
  readonly short: RollingSumState;
  readonly long: RollingSumState;
}

/**
 * Variance ratio of closed 1-second closes: Σ r_lag² / (lag · Σ r_1²) over the last `window`
 * seconds (r_k the k-second log return, overlapping). About 1 for a random walk; above 1 when
 * moves persist (a trending market), below 1 when they revert (a ranging or bouncing one). Null
 * until a quarter of the window is known or while the price has not moved at all.
 *
 * Not an {@link Indicator} with forming-value revisions: it reads closed seconds only, so a regime
 * reading cannot flicker within a second.
 */
export class VarianceRatio {
  readonly lag: number;
  readonly window: number;
  private closes: number[] = [];
  private short: RollingSum;
  private long: RollingSum;

  constructor(lag: number, window: number) {
    assertPeriod("VarianceRatio lag", lag);
    assertPeriod("VarianceRatio window", window);
    if (window <= lag) throw new RangeError(`VarianceRatio window (${window}) must exceed its lag (${lag})`);
    this.lag = lag;
    this.window = window;
    this.short = new RollingSum(window);
    this.long = new RollingSum(window);
  }

  /** Rebuilds a VarianceRatio from {@link VarianceRatio.getState}. */
  static restore(s: VarianceRatioState): VarianceRatio {
    const v = new VarianceRatio(s.lag, s.window);
    v.closes = s.closes.slice();
    v.short = RollingSum.restore(s.short);
    v.long = RollingSum.restore(s.long);
    return v;
  }

  /** Takes the close of one more completed second (a positive price). */
  add(close: number): void {
    const c = this.closes;
    c.push(close);
    if (c.length > this.lag + 1) c.shift();
    if (c.length < 2) return;
    const r1 = Math.log(close / c[c.length - 2]);
    this.short.push(r1 * r1);
    if (c.length === this.lag + 1) {
      const rk = Math.log(close / c[0]);
      this.long.push(rk * rk);
    }
  }

  /** The ratio now, or null while warming up (fewer than window/4 lag returns) or on a flat price. */
  get value(): number | null {
    if (this.long.size < this.window / 4) return null;
    const s = this.short.total;
    if (!(s > 0)) return null;
    // Normalise by how many returns of each kind are in the window (the long one starts later).
    return this.long.total / this.long.size / ((this.lag * s) / this.short.size);
  }

  /** A plain JSON snapshot to rebuild it exactly. */
  getState(): VarianceRatioState {
    return {
      lag: this.lag,
      window: this.window,
      closes: this.closes.slice(),
      short: this.short.getState(),
      long: this.long.getState(),
    };
  }
}
