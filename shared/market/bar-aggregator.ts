import { TIMEFRAME_MS, TIMEFRAMES, type Bar, type Timeframe } from "./bar";
import type { TradeTick } from "./events";

/** Options of {@link BarAggregator}. */
export interface BarAggregatorOptions {
  /** Timeframes to build; `"1s"` is always built because every other one closes on its boundaries. */
  readonly timeframes?: readonly Timeframe[];
  /** Called for every closed bar, in time order; at a shared boundary finer timeframes come first. */
  readonly onBar?: (tf: Timeframe, bar: Bar) => void;
}

/** Serialisable state of {@link BarAggregator}. */
export interface BarAggregatorState {
  readonly timeframes: Timeframe[];
  readonly bars: (Bar | null)[];
  readonly pv: number[];
  readonly lateDropped: number;
}

/** What happened to one trade fed to {@link BarAggregator.addTrade}. */
export type TradeOutcome = "accepted" | "late";

/**
 * Multi-timeframe time bars built from trades, on the trades' exchange timestamps.
 *
 * - Bars are epoch-aligned: a 1m bar covers `[k·60 000, (k+1)·60 000)` ms.
 * - Closed bars are emitted in time order through `onBar`. Seconds without trades still close:
 *   they produce flat bars at the last close with zero volume, so a 1-second RSI keeps its time
 *   meaning. A long silence therefore costs O(silent seconds) once, when the next trade arrives
 *   (or on {@link BarAggregator.advance}).
 * - Late trades: a trade whose timestamp falls in the still-open 1s bar (or later) is accepted,
 *   even if older than the previous trade; a trade older than the open 1s bar's start cannot be
 *   placed in a bar that was already emitted, so it is dropped and counted in `lateDropped`.
 * - A bar's `vwap` (Σ price·size / volume, or the close while the volume is 0) is settled when the
 *   bar is read (`forming`, `getState`, emission) rather than on every trade: the same division
 *   on the same sums, so the same value, without one division per timeframe per trade.
 */
export class BarAggregator {
  readonly timeframes: readonly Timeframe[];
  private readonly ms: number[];
  private readonly bars: (Bar | null)[];
  /** Σ price·size of each forming bar, for its VWAP. */
  private readonly pv: number[];
  private readonly onBar: ((tf: Timeframe, bar: Bar) => void) | undefined;
  private dropped = 0;

  constructor(options: BarAggregatorOptions = {}) {
    const wanted = new Set<Timeframe>(options.timeframes ?? TIMEFRAMES);
    wanted.add("1s");
    this.timeframes = TIMEFRAMES.filter((tf) => wanted.has(tf));
    this.ms = this.timeframes.map((tf) => TIMEFRAME_MS[tf]);
    this.bars = this.timeframes.map(() => null);
    this.pv = this.timeframes.map(() => 0);
    this.onBar = options.onBar;
  }

  /** Rebuilds an aggregator from {@link BarAggregator.getState}; `onBar` is wiring, so it is passed again. */
  static restore(state: BarAggregatorState, onBar?: (tf: Timeframe, bar: Bar) => void): BarAggregator {
    const agg = new BarAggregator({ timeframes: state.timeframes, onBar });
    state.bars.forEach((b, i) => (agg.bars[i] = b ? { ...b } : null));
    state.pv.forEach((v, i) => (agg.pv[i] = v));
    agg.dropped = state.lateDropped;
    return agg;
  }

  /** Trades dropped because they belonged to an already closed 1s bar. */
  get lateDropped(): number {
    return this.dropped;
  }

  /** Carries a late-trade count over from a previous aggregator (a feature reset keeps the tally). */
  addLateDropped(n: number): void {
    this.dropped += n;
  }

  /** The forming bar of a timeframe (live object: read it, do not keep it), or null before the first trade. */
  forming(tf: Timeframe): Bar | null {
    const i = this.timeframes.indexOf(tf);
    if (i < 0) return null;
    this.settleVwap(i);
    return this.bars[i];
  }

  /**
   * The forming 1s bar without settling its VWAP (live object: read its start, close and volume,
   * do not keep it), or null before the first trade: the per-trade read of the feature engine.
   */
  formingSecond(): Bar | null {
    return this.bars[0];
  }

  /** Start of the forming 1s bar, or null before the first trade. */
  get openSecond(): number | null {
    return this.bars[0]?.start ?? null;
  }

  /** Feeds one trade; closes (and emits) every bar that ends at or before its second. */
  addTrade(trade: TradeTick): TradeOutcome {
    const first = this.bars[0];
    if (first === null) {
      this.open(trade.ts, trade.price);
    } else if (trade.ts < first.start) {
      this.dropped++;
      return "late";
    } else {
      this.advance(trade.ts);
    }
    const { price, size } = trade;
    const buy = trade.side === "buy";
    for (let i = 0; i < this.bars.length; i++) {
      const bar = this.bars[i] as Bar;
      if (bar.trades === 0) {
        bar.open = bar.high = bar.low = price;
      } else {
        if (price > bar.high) bar.high = price;
        if (price < bar.low) bar.low = price;
      }
      bar.close = price;
      bar.volume += size;
      if (buy) bar.buyVolume += size;
      else bar.sellVolume += size;
      bar.trades++;
      this.pv[i] += price * size;
    }
    return "accepted";
  }

  /**
   * Closes every bar that ends at or before `ts` (emitting flat bars for silent seconds) and opens
   * the bars containing `ts`. Used with wall time only through an explicit engine `tick(now)`.
   */
  advance(ts: number): void {
    const first = this.bars[0];
    if (first === null) return;
    const target = ts - (ts % 1000);
    while ((this.bars[0] as Bar).start < target) {
      const boundary = (this.bars[0] as Bar).start + 1000;
      for (let i = 0; i < this.bars.length; i++) {
        if (boundary % this.ms[i] !== 0) continue;
        this.settleVwap(i);
        const closed = this.bars[i] as Bar;
        this.bars[i] = flatBar(boundary, closed.close);
        this.pv[i] = 0;
        this.onBar?.(this.timeframes[i], closed);
      }
    }
  }

  /** A plain JSON snapshot of the forming bars. */
  getState(): BarAggregatorState {
    for (let i = 0; i < this.bars.length; i++) this.settleVwap(i);
    return {
      timeframes: [...this.timeframes],
      bars: this.bars.map((b) => (b ? { ...b } : null)),
      pv: this.pv.slice(),
      lateDropped: this.dropped,
    };
  }

  /** Writes the VWAP of forming bar `i` from its running sums (the close while it has no volume). */
  private settleVwap(i: number): void {
    const bar = this.bars[i];
    if (bar !== null) bar.vwap = bar.volume > 0 ? this.pv[i] / bar.volume : bar.close;
  }

  private open(ts: number, price: number): void {
    for (let i = 0; i < this.bars.length; i++) {
      this.bars[i] = flatBar(ts - (ts % this.ms[i]), price);
      this.pv[i] = 0;
    }
  }
}

function flatBar(start: number, price: number): Bar {
  return {
    start,
    open: price,
    high: price,
    low: price,
    close: price,
    volume: 0,
    buyVolume: 0,
    sellVolume: 0,
    trades: 0,
    vwap: price,
  };
}
