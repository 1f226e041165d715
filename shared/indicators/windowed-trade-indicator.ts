import type { TradeTick } from "../market/events";
import type { Indicator, Mutable } from "./indicator";
import type { TimeBuckets } from "./time-buckets";

/**
 * What the trade-fed, multi-window indicators ({@link RollingVwap}, {@link OrderFlow}) share: running
 * sums over several time windows of one {@link TimeBuckets}, one result per window, built lazily.
 * `update` / `push` only move the sums; the first read of `result` after them builds a fresh array
 * (cached until the next trade, never mutated), while `readInto` writes into the reader's objects. `revise` undoes the last trade exactly (the buckets'
 * undo record plus {@link undoLast}) and takes the new one; `push` keeps no undo record, for a trade
 * that will never be revised.
 */
export abstract class WindowedTradeIndicator<R, S> implements Indicator<TradeTick, readonly R[], S> {
  private value: readonly R[] | null = null;

  /** @param buckets the windows; `restore` implementations replace it with the saved one. */
  protected constructor(protected buckets: TimeBuckets) {}

  /** Window lengths, ms, in result order. */
  get windowsMs(): readonly number[] {
    return this.buckets.windowsMs;
  }

  /** True once the trades seen span every window. */
  get isStable(): boolean {
    for (let w = 0; w < this.buckets.windowCount; w++) if (!this.buckets.spansWindow(w)) return false;
    return true;
  }

  /** True once the trades seen span window `w`. */
  isWindowStable(w: number): boolean {
    return this.buckets.spansWindow(w);
  }

  /** One result per window, in window order; `null` before the first trade. */
  get result(): readonly R[] | null {
    if (this.value !== null || !this.buckets.hasTrades) return this.value;
    const out: R[] = new Array(this.buckets.windowCount);
    for (let w = 0; w < out.length; w++) {
      const r = this.blank();
      this.computeInto(w, r);
      out[w] = r;
    }
    return (this.value = out);
  }

  /** Writes each window's latest result into `out[w]` (no allocation); false before the first trade. */
  readInto(out: readonly Mutable<R>[]): boolean {
    if (!this.buckets.hasTrades) return false;
    for (let w = 0; w < out.length; w++) this.computeInto(w, out[w]);
    return true;
  }

  /** Consumes a trade without building results (read them later through `result`). */
  update(trade: TradeTick): void {
    this.value = null;
    this.consume(trade, true);
  }

  /** Consumes a trade for good: as {@link update}, but it cannot be revised (no undo record is kept). */
  push(trade: TradeTick): void {
    this.value = null;
    this.consume(trade, false);
  }

  /** Revises the last trade without building results; as `update` on a fresh indicator. */
  revise(trade: TradeTick): void {
    if (this.buckets.hasTrades) {
      this.buckets.undo();
      this.undoLast();
    }
    this.update(trade);
  }

  add(trade: TradeTick): readonly R[] {
    this.update(trade);
    return this.result as readonly R[];
  }

  replace(trade: TradeTick): readonly R[] {
    this.revise(trade);
    return this.result as readonly R[];
  }

  abstract getState(): S;

  /** Adds the trade to the buckets (`addTrade(trade.ts, undoable)`, then the accumulations). */
  protected abstract consume(trade: TradeTick, undoable: boolean): void;

  /** A result object to be filled by {@link computeInto}. */
  abstract blank(): Mutable<R>;

  /** Writes the result of window `w` from the sums into `out`. */
  protected abstract computeInto(w: number, out: Mutable<R>): void;

  /** Puts back what {@link consume} changed outside the buckets (after the buckets' own undo). */
  protected undoLast(): void {}
}
