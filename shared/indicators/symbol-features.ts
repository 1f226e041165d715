import type { IndicatorSettings } from "../config/schema";
import type { Bar, Timeframe } from "../market/bar";
import { BarAggregator, type BarAggregatorState } from "../market/bar-aggregator";
import type { BookLevelsEvent, BookTopEvent, TradeTick } from "../market/events";
import { OrderBook, type OrderBookState } from "../market/order-book";
import { BollingerBands, type BollingerBandsResult, type BollingerBandsState } from "./bollinger-bands";
import { copySnapshot, FeatureView, type Mutable } from "./feature-view";
import { Divergence, type DivergenceResult, type DivergenceState } from "./divergence";
import {
  EmaCross,
  EmaCrossSet,
  type EmaCrossResult,
  type EmaCrossSetResult,
  type EmaCrossSetState,
  type EmaCrossState,
} from "./ema-cross";
import { LiquiditySweep, type LiquiditySweepResult, type LiquiditySweepState } from "./liquidity-sweep";
import { Macd, type MacdResult, type MacdState } from "./macd";
import { OrderFlow, type OrderFlowResult, type OrderFlowState } from "./order-flow";
import { PriceAction, type PriceActionResult, type PriceActionState } from "./price-action";
import { RollingSum, type RollingSumState } from "./rolling-sum";
import { RollingVwap, type RollingVwapResult, type RollingVwapState } from "./rolling-vwap";
import { Rsi, type RsiState } from "./rsi";
import { TickMomentum, type TickMomentumResult, type TickMomentumState } from "./tick-momentum";
import { VarianceRatio, type VarianceRatioState } from "./variance-ratio";

/** Families whose forming-second revision may be pending (see SymbolFeatures.replaceSecond). */
const RSI = 1;
const MACD = 2;
const BOLLINGER = 4;
const EMA_CROSS = 8;
const VOLUME = 16;
const RETURNS = 32;
const ALL_PENDING = RSI | MACD | BOLLINGER | EMA_CROSS | VOLUME | RETURNS;

/** Window of 1-second log returns behind the volatility estimate. */
const VOLATILITY_BARS = 300;

/**
 * The regime's variance ratio: 10-second against 1-second returns over the last 300 closed seconds
 * (../strategy/regime.ts reads it; the evidence for these two numbers is written there).
 */
const REGIME_LAG_S = 10;
const REGIME_WINDOW_S = 300;

/** Every feature of one symbol at one instant: the nine families at the configured periods. */
export interface FeatureSnapshot {
  readonly symbol: string;
  /** Exchange time of the newest event seen. */
  readonly ts: number;
  /** Last trade price (null before the first trade). */
  readonly price: number | null;
  readonly rsi: readonly { readonly period: number; readonly value: number | null }[];
  readonly macd: MacdResult | null;
  readonly bollinger: readonly {
    readonly period: number;
    readonly k: number;
    readonly value: BollingerBandsResult | null;
  }[];
  readonly emaCross: EmaCrossSetResult | null;
  readonly vwap: readonly { readonly windowMs: number; readonly value: RollingVwapResult | null }[];
  readonly orderFlow: readonly { readonly windowMs: number; readonly value: OrderFlowResult | null }[];
  readonly tickMomentum: TickMomentumResult | null;
  readonly priceAction: PriceActionResult | null;
  readonly liquiditySweep: LiquiditySweepResult | null;
  /** RSI divergence on the structure timeframe, using the longest configured RSI period. */
  readonly rsiDivergence: DivergenceResult | null;
  /** MACD-histogram divergence on the structure timeframe. */
  readonly macdDivergence: DivergenceResult | null;
  readonly book: {
    readonly bestBid: number | null;
    readonly bestAsk: number | null;
    readonly mid: number | null;
    readonly spreadBps: number | null;
    /** Size imbalance over the configured top levels, in [−1, 1]. */
    readonly imbalance: number | null;
    readonly ts: number | null;
  };
  /**
   * Volume of the last `volumeRecentMs` of 1s bars against the average volume per such window
   * over the last `volumeBaselineMs` (partial while warming up: `baselineSeconds` says how much).
   */
  readonly volume: {
    readonly recent: number;
    readonly baselinePerWindow: number | null;
    readonly ratio: number | null;
    readonly baselineSeconds: number;
  };
  /** Standard deviation of 1-second log returns over the last 300 s (null until 30 s are known). */
  readonly returnStd1s: number | null;
  /**
   * Variance ratio of 10 s to 1 s returns over the last 300 closed seconds: > 1 moves persist
   * (trend), < 1 they revert (range). Null until 75 s are known. See ./variance-ratio.ts.
   */
  readonly varianceRatio: number | null;
  /** Closed-bar EMA fast/slow trend per configured timeframe. */
  readonly trend: readonly { readonly timeframe: Timeframe; readonly value: EmaCrossResult | null }[];
  readonly lateTradesDropped: number;
  /** Times the features started over after a silence longer than `maxGapMs`. */
  readonly gapResets: number;
}

/** Serialisable state of {@link SymbolFeatures}. */
export interface SymbolFeaturesState {
  readonly symbol: string;
  readonly settings: IndicatorSettings;
  readonly lastSecond: number;
  readonly prevClose: number | null;
  readonly lastTs: number;
  readonly price: number | null;
  readonly bars: BarAggregatorState;
  readonly book: OrderBookState;
  readonly rsi: RsiState[];
  readonly macd: MacdState;
  readonly bollinger: BollingerBandsState[];
  readonly emaCross: EmaCrossSetState;
  readonly vwap: RollingVwapState;
  readonly orderFlow: OrderFlowState;
  readonly tickMomentum: TickMomentumState;
  readonly priceAction: PriceActionState;
  readonly sweep: LiquiditySweepState;
  readonly rsiDivergence: DivergenceState;
  readonly macdDivergence: DivergenceState;
  readonly volumeRecent: RollingSumState;
  readonly volumeBaseline: RollingSumState;
  readonly returns: RollingSumState;
  readonly returnsSq: RollingSumState;
  readonly trend: EmaCrossState[];
  /** Absent in states saved before the regime existed: it then starts over. */
  readonly varianceRatio?: VarianceRatioState;
  readonly results: {
    priceAction: PriceActionResult | null;
    sweep: LiquiditySweepResult | null;
    rsiDivergence: DivergenceResult | null;
    macdDivergence: DivergenceResult | null;
    trend: (EmaCrossResult | null)[];
  };
  readonly gapResets?: number;
}

/**
 * The per-symbol feature engine: trades and book pushes in, a {@link FeatureSnapshot} out.
 *
 * Per trade (O(1)): the bar aggregator; the 1-second close-series indicators (RSI, MACD,
 * Bollinger, EMA pairs, volume and return windows), which `add` the first price of each new
 * second and `replace` it while the second is forming, so they are current at every tick (the
 * replace is deferred until the family is read or the next second starts: see `replaceSecond`);
 * and the trade-fed families (VWAP, order flow, tick momentum). Silent seconds become flat bars.
 * On bar close only: price action, liquidity sweep and divergence (they read confirmed
 * structure), and the higher-timeframe trend EMAs. Read through {@link SymbolFeatures.view} (the
 * engine, per trade) or {@link SymbolFeatures.snapshot} (a copy to keep or send).
 */
export class SymbolFeatures {
  readonly symbol: string;
  readonly settings: IndicatorSettings;
  private bars!: BarAggregator;
  private book = new OrderBook();
  private rsi!: Rsi[];
  private macd!: Macd;
  private bollinger!: BollingerBands[];
  private emaCross!: EmaCrossSet;
  private vwap!: RollingVwap;
  private orderFlow!: OrderFlow;
  private tickMomentum!: TickMomentum;
  private priceAction!: PriceAction;
  private sweep!: LiquiditySweep;
  private rsiDivergence!: Divergence;
  private macdDivergence!: Divergence;
  private volumeRecent!: RollingSum;
  private volumeBaseline!: RollingSum;
  private returns!: RollingSum;
  private returnsSq!: RollingSum;
  private trend!: EmaCross[];
  private varianceRatio!: VarianceRatio;
  private readonly trendIndex: Map<Timeframe, number>;
  /** Feature rebuilds after a silence longer than `maxGapMs`. */
  private gapResets = 0;
  /** Start of the 1s bar whose close is the latest input of the close-series indicators. */
  private lastSecond = -Infinity;
  /** Close of the last completed second, for 1-second returns. */
  private prevClose: number | null = null;
  private lastTs = 0;
  /** Last trade price, valid when `hasPrice` (a plain double field: no boxing per trade). */
  private price = 0;
  private hasPrice = false;
  private paResult: PriceActionResult | null = null;
  private sweepResult: LiquiditySweepResult | null = null;
  private rsiDivResult: DivergenceResult | null = null;
  private macdDivResult: DivergenceResult | null = null;
  private trendResults!: (EmaCrossResult | null)[];
  /** The snapshot's trend list, shared by snapshots until a trend EMA takes a closed bar. */
  private trendView: FeatureSnapshot["trend"] | null = null;
  /** Close last fed to the close-series indicators, if `hasLastClose` (not persisted: a restore re-feeds). */
  private lastClose = 0;
  private hasLastClose = false;
  /** Families (bits above) that have not yet taken the forming second's latest close / volume. */
  private pending = 0;
  private pendingVolume = 0;
  private pendingReturn = 0;
  /** The one view {@link view} rewrites. */
  private readonly liveView: FeatureView;

  constructor(symbol: string, settings: IndicatorSettings, state?: SymbolFeaturesState) {
    this.symbol = symbol;
    this.settings = settings;
    this.trendIndex = new Map(settings.trendTimeframes.map((tf, i) => [tf, i]));
    this.build(state);
    this.liveView = new FeatureView(symbol, settings, {
      // A family whose revision is pending peeks at it (the same numbers, nothing written); the
      // revision itself is applied once, when the second closes or the state is taken.
      rsi: (out) => {
        const peek = (this.pending & RSI) !== 0;
        for (let i = 0; i < out.length; i++)
          out[i].value = peek ? this.rsi[i].peek(this.lastClose) : this.rsi[i].result;
      },
      macd: (out) => ((this.pending & MACD) !== 0 ? this.macd.peekInto(this.lastClose, out) : this.macd.readInto(out)),
      bollinger: (slots, out) => {
        const peek = (this.pending & BOLLINGER) !== 0;
        for (let i = 0; i < slots.length; i++) {
          const b = this.bollinger[i];
          slots[i].value = (peek ? b.peekInto(this.lastClose, out[i]) : b.readInto(out[i])) ? out[i] : null;
        }
      },
      emaCross: (out) =>
        (this.pending & EMA_CROSS) !== 0 ? this.emaCross.peekInto(this.lastClose, out) : this.emaCross.readInto(out),
      tickMomentum: (out) => this.tickMomentum.readInto(out),
      vwap: (out) => this.vwap.readInto(out),
      orderFlow: (out) => this.orderFlow.readInto(out),
      book: (out) => out.read(this.book, this.settings.bookLevels),
      volume: (out) => (this.settle(VOLUME), this.volumeFigures(out)),
      returnStd1s: () => (this.settle(RETURNS), this.returnStd()),
      trend: () => this.trendList(),
    });
  }

  /** The trend list of the snapshot: rebuilt only after a trend timeframe closes a bar. */
  private trendList(): FeatureSnapshot["trend"] {
    if (this.trendView !== null) return this.trendView;
    const tfs = this.settings.trendTimeframes;
    return (this.trendView = tfs.map((tf, i) => ({ timeframe: tf, value: this.trendResults[i] })));
  }

  /** Creates every indicator fresh, or from a saved state. The constructor and the gap reset share it. */
  private build(state?: SymbolFeaturesState): void {
    const s = this.settings;
    this.trendView = null;
    this.hasLastClose = false;
    this.pending = 0;
    const timeframes = new Set<Timeframe>([
      "1s",
      s.structureTimeframe,
      s.sweepTimeframe,
      s.divergenceTimeframe,
      ...s.trendTimeframes,
    ]);
    this.bars = state
      ? BarAggregator.restore(state.bars, this.onBar)
      : new BarAggregator({ timeframes: [...timeframes], onBar: this.onBar });
    const recentBars = Math.max(1, Math.round(s.volumeRecentMs / 1000));
    const baselineBars = Math.max(recentBars, Math.round(s.volumeBaselineMs / 1000));
    if (state) {
      this.book = OrderBook.restore(state.book);
      this.rsi = state.rsi.map(Rsi.restore);
      this.macd = Macd.restore(state.macd);
      this.bollinger = state.bollinger.map(BollingerBands.restore);
      this.emaCross = EmaCrossSet.restore(state.emaCross);
      this.vwap = RollingVwap.restore(state.vwap);
      this.orderFlow = OrderFlow.restore(state.orderFlow);
      this.tickMomentum = TickMomentum.restore(state.tickMomentum);
      this.priceAction = PriceAction.restore(state.priceAction);
      this.sweep = LiquiditySweep.restore(state.sweep);
      this.rsiDivergence = Divergence.restore(state.rsiDivergence);
      this.macdDivergence = Divergence.restore(state.macdDivergence);
      this.volumeRecent = RollingSum.restore(state.volumeRecent);
      this.volumeBaseline = RollingSum.restore(state.volumeBaseline);
      this.returns = RollingSum.restore(state.returns);
      this.returnsSq = RollingSum.restore(state.returnsSq);
      this.trend = state.trend.map(EmaCross.restore);
      this.varianceRatio = state.varianceRatio
        ? VarianceRatio.restore(state.varianceRatio)
        : new VarianceRatio(REGIME_LAG_S, REGIME_WINDOW_S);
      this.lastSecond = state.lastSecond;
      this.prevClose = state.prevClose;
      this.lastTs = state.lastTs;
      this.hasPrice = state.price !== null;
      this.price = state.price ?? 0;
      this.paResult = state.results.priceAction;
      this.sweepResult = state.results.sweep;
      this.rsiDivResult = state.results.rsiDivergence;
      this.macdDivResult = state.results.macdDivergence;
      this.trendResults = state.results.trend.slice();
      this.gapResets = state.gapResets ?? 0;
      return;
    }
    this.rsi = s.rsiPeriods.map((p) => new Rsi(p));
    this.macd = new Macd(s.macd.fast, s.macd.slow, s.macd.signal);
    this.bollinger = s.bollinger.map((b) => new BollingerBands(b.period, b.k, s.squeezeLookback));
    this.emaCross = new EmaCrossSet(s.emaPairs.map(([f, sl]) => [f, sl] as [number, number]));
    this.vwap = new RollingVwap({ windowsMs: s.vwapWindowsMs, bandsPct: s.vwapBandsPct });
    this.orderFlow = new OrderFlow({ windowsMs: s.orderFlowWindowsMs, largeMultiple: s.largeTradeMultiple });
    this.tickMomentum = new TickMomentum({
      tickWindow: s.tickWindow,
      rateWindowMs: s.tickRateWindowMs,
      sizeWindow: s.tickSizeWindow,
    });
    this.priceAction = new PriceAction({ strength: s.swingStrength, doubleTolerancePct: s.doubleTolerancePct });
    this.sweep = new LiquiditySweep({
      strength: s.swingStrength,
      marginPct: s.sweepMarginPct,
      withinMs: s.sweepWithinMs,
      volumeLookback: s.sweepVolumeLookback,
      surgeMultiple: s.sweepSurgeMultiple,
      holdMs: s.sweepHoldMs,
    });
    this.rsiDivergence = new Divergence({ strength: s.swingStrength });
    this.macdDivergence = new Divergence({ strength: s.swingStrength });
    this.volumeRecent = new RollingSum(recentBars);
    this.volumeBaseline = new RollingSum(baselineBars);
    this.returns = new RollingSum(VOLATILITY_BARS);
    this.returnsSq = new RollingSum(VOLATILITY_BARS);
    this.trend = s.trendTimeframes.map(() => new EmaCross(s.trendEmaFast, s.trendEmaSlow));
    this.varianceRatio = new VarianceRatio(REGIME_LAG_S, REGIME_WINDOW_S);
    this.trendResults = s.trendTimeframes.map(() => null);
    this.lastSecond = -Infinity;
    this.prevClose = null;
    this.paResult = this.sweepResult = this.rsiDivResult = this.macdDivResult = null;
  }

  /**
   * After a silence longer than `maxGapMs` (a feed outage, or recordings days apart) the features
   * start over instead of filling the gap with flat bars: the old state describes a market that is
   * gone, and filling weeks of seconds would cost O(gap). The book is kept; the reset is counted.
   */
  private resetIfGap(ts: number): void {
    if (this.lastSecond === -Infinity || ts - this.lastSecond <= this.settings.maxGapMs) return;
    const late = this.bars.lateDropped;
    this.build();
    this.bars.addLateDropped(late);
    this.gapResets++;
  }

  /** Rebuilds the feature engine from {@link SymbolFeatures.getState}. */
  static restore(state: SymbolFeaturesState): SymbolFeatures {
    return new SymbolFeatures(state.symbol, state.settings, state);
  }

  /** Feeds one trade; returns false when it was too late to place in a bar (dropped and counted). */
  onTrade(trade: TradeTick): boolean {
    this.resetIfGap(trade.ts);
    if (this.bars.addTrade(trade) === "late") return false;
    if (trade.ts > this.lastTs) this.lastTs = trade.ts;
    this.price = trade.price;
    this.hasPrice = true;
    const forming = this.bars.formingSecond() as Bar;
    if (forming.start > this.lastSecond) this.addSecond(forming.close, forming.volume, forming.start);
    else this.replaceSecond(forming.close, forming.volume);
    this.vwap.push(trade);
    this.orderFlow.push(trade);
    this.tickMomentum.push(trade);
    return true;
  }

  /** Applies a best-bid/offer push. */
  onBookTop(e: BookTopEvent): void {
    this.book.applyTop(e);
    if (e.ts > this.lastTs) this.lastTs = e.ts;
  }

  /** Applies a depth snapshot push. */
  onBookLevels(e: BookLevelsEvent): void {
    this.book.applyLevels(e);
    if (e.ts > this.lastTs) this.lastTs = e.ts;
  }

  /** Closes bars up to `ts` when the market is silent (an explicit engine tick). */
  advance(ts: number): void {
    this.resetIfGap(ts);
    this.bars.advance(ts);
    if (ts > this.lastTs) this.lastTs = ts;
  }

  /** The order book (read-only use: the simulated broker walks it). */
  get orderBook(): OrderBook {
    return this.book;
  }

  /** Trades dropped as too late for their bar. */
  get lateTradesDropped(): number {
    return this.bars.lateDropped;
  }

  /**
   * Every family now, written into one reused {@link FeatureView} (no object tree per call; the
   * VWAP and order-flow windows are computed on first read). Valid until the next event: the
   * engine's per-trade read. Keep or send {@link snapshot} instead.
   */
  view(): FeatureView {
    const v = this.liveView;
    v.invalidate();
    v.ts = this.lastTs;
    v.price = this.hasPrice ? this.price : null;
    v.priceAction = this.paResult;
    v.liquiditySweep = this.sweepResult;
    v.rsiDivergence = this.rsiDivResult;
    v.macdDivergence = this.macdDivResult;
    v.lateTradesDropped = this.bars.lateDropped;
    v.gapResets = this.gapResets;
    v.varianceRatio = this.varianceRatio.value;
    return v;
  }

  /** A fresh snapshot of every family now (a plain object tree that nothing rewrites). */
  snapshot(): FeatureSnapshot {
    return copySnapshot(this.view());
  }

  /** The volume figures of the snapshot, written into `out`. */
  private volumeFigures(out: Mutable<FeatureSnapshot["volume"]>): void {
    const recent = this.volumeRecent.total;
    const baseCount = this.volumeBaseline.size;
    const perWindow =
      baseCount > 0 && this.volumeRecent.size > 0
        ? (this.volumeBaseline.total / baseCount) * this.volumeRecent.period
        : null;
    out.recent = recent;
    out.baselinePerWindow = perWindow;
    out.ratio = perWindow && perWindow > 0 ? recent / perWindow : null;
    out.baselineSeconds = baseCount;
  }

  /** Standard deviation of the 1-second log returns, once 30 are known. */
  private returnStd(): number | null {
    const n = this.returns.size;
    if (n < 30) return null;
    const mean = this.returns.total / n;
    return Math.sqrt(Math.max(0, this.returnsSq.total / n - mean * mean));
  }

  /** A plain JSON snapshot of everything needed to rebuild the features exactly. */
  getState(): SymbolFeaturesState {
    this.settle(ALL_PENDING);
    return {
      symbol: this.symbol,
      settings: this.settings,
      lastSecond: this.lastSecond,
      prevClose: this.prevClose,
      lastTs: this.lastTs,
      price: this.hasPrice ? this.price : null,
      bars: this.bars.getState(),
      book: this.book.getState(),
      rsi: this.rsi.map((r) => r.getState()),
      macd: this.macd.getState(),
      bollinger: this.bollinger.map((b) => b.getState()),
      emaCross: this.emaCross.getState(),
      vwap: this.vwap.getState(),
      orderFlow: this.orderFlow.getState(),
      tickMomentum: this.tickMomentum.getState(),
      priceAction: this.priceAction.getState(),
      sweep: this.sweep.getState(),
      rsiDivergence: this.rsiDivergence.getState(),
      macdDivergence: this.macdDivergence.getState(),
      volumeRecent: this.volumeRecent.getState(),
      volumeBaseline: this.volumeBaseline.getState(),
      returns: this.returns.getState(),
      returnsSq: this.returnsSq.getState(),
      trend: this.trend.map((t) => t.getState()),
      varianceRatio: this.varianceRatio.getState(),
      gapResets: this.gapResets,
      results: {
        priceAction: this.paResult,
        sweep: this.sweepResult,
        rsiDivergence: this.rsiDivResult,
        macdDivergence: this.macdDivResult,
        trend: this.trendResults.slice(),
      },
    };
  }

  /** Closed bars from the aggregator, in time order. */
  private readonly onBar = (tf: Timeframe, bar: Bar): void => {
    if (tf === "1s") {
      // A second with no trade was never fed: it enters the close series as a flat bar.
      if (bar.start > this.lastSecond) this.addSecond(bar.close, bar.volume, bar.start);
      this.prevClose = bar.close;
      if (bar.close > 0) this.varianceRatio.add(bar.close);
    }
    const s = this.settings;
    if (tf === s.structureTimeframe) this.paResult = this.priceAction.add(bar);
    if (tf === s.sweepTimeframe) this.sweepResult = this.sweep.add(bar);
    if (tf === s.divergenceTimeframe) {
      this.settle(RSI | MACD);
      const rsiValue = this.rsi[this.rsi.length - 1]?.result ?? null;
      this.rsiDivResult = this.rsiDivergence.add({ bar, value: rsiValue });
      this.macdDivResult = this.macdDivergence.add({ bar, value: this.macd.result?.histogram ?? null });
    }
    const ti = this.trendIndex.get(tf);
    if (ti === undefined) return;
    this.trendResults[ti] = this.trend[ti].add(bar.close);
    this.trendView = null;
  };

  private addSecond(close: number, volume: number, start: number): void {
    this.settle(ALL_PENDING);
    this.lastSecond = start;
    this.lastClose = close;
    this.hasLastClose = true;
    for (const r of this.rsi) r.update(close);
    this.macd.update(close);
    for (const b of this.bollinger) b.update(close);
    this.emaCross.update(close);
    this.volumeRecent.push(volume);
    this.volumeBaseline.push(volume);
    const ret = this.prevClose !== null && this.prevClose > 0 ? Math.log(close / this.prevClose) : 0;
    this.returns.push(ret);
    this.returnsSq.push(ret * ret);
  }

  /**
   * Revises the forming second, lazily: the new close and volume are only noted. A read of RSI,
   * MACD, Bollinger or the EMA pairs peeks at them (the numbers `replace` would give, nothing
   * written); the others take them (`revise`) when read; every family takes them for good when the
   * next second starts or the state is taken. A run of replaces is bit-identical to its last one (the
   * indicator contract: `replace(x)` equals `add(x)` in place of the last add), so skipping all but
   * the last changes no value. Replacing an input with
   * the very same value is a no-op, and `prevClose` cannot change within a second.
   */
  private replaceSecond(close: number, volume: number): void {
    this.pendingVolume = volume;
    this.pending |= VOLUME;
    if (this.hasLastClose && Object.is(close, this.lastClose)) return;
    this.lastClose = close;
    this.hasLastClose = true;
    this.pendingReturn = this.prevClose !== null && this.prevClose > 0 ? Math.log(close / this.prevClose) : 0;
    this.pending |= RSI | MACD | BOLLINGER | EMA_CROSS | RETURNS;
  }

  /** Applies the noted revision of the forming second to the `groups` that have not taken it yet. */
  private settle(groups: number): void {
    const due = this.pending & groups;
    if (due === 0) return;
    this.pending &= ~due;
    const close = this.lastClose;
    if (due & RSI) for (const r of this.rsi) r.revise(close);
    if (due & MACD) this.macd.revise(close);
    if (due & BOLLINGER) for (const b of this.bollinger) b.revise(close);
    if (due & EMA_CROSS) this.emaCross.revise(close);
    if (due & VOLUME) {
      this.volumeRecent.revise(this.pendingVolume);
      this.volumeBaseline.revise(this.pendingVolume);
    }
    if (due & RETURNS) {
      const ret = this.pendingReturn;
      this.returns.revise(ret);
      this.returnsSq.revise(ret * ret);
    }
  }
}
