import type { BollingerBandsResult } from "./bollinger-bands";
import type { DivergenceResult } from "./divergence";
import type { EmaCrossSetResult } from "./ema-cross";
import type { LiquiditySweepResult } from "./liquidity-sweep";
import type { MacdResult } from "./macd";
import type { OrderFlowResult } from "./order-flow";
import type { PriceActionResult } from "./price-action";
import type { RollingVwapResult } from "./rolling-vwap";
import type { FeatureSnapshot } from "./symbol-features";
import type { TickMomentumResult } from "./tick-momentum";

/** One RSI of the view. */
export interface RsiSlot {
  readonly period: number;
  value: number | null;
}

/** One band set of the view. */
export interface BollingerSlot {
  readonly period: number;
  readonly k: number;
  value: BollingerBandsResult | null;
}

interface WindowSlot<V> {
  readonly windowMs: number;
  value: V | null;
}

/** `T` with its fields writable. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Where the view reads its lazily computed parts from when they are first asked for. */
export interface FeatureViewSources {
  /** Writes each RSI's value into its slot (same order as the settings). */
  readonly rsi: (out: RsiSlot[]) => void;
  readonly macd: () => MacdResult | null;
  /** Writes each band set's result into its slot. */
  readonly bollinger: (out: BollingerSlot[]) => void;
  readonly emaCross: () => EmaCrossSetResult | null;
  readonly tickMomentum: () => TickMomentumResult | null;
  readonly vwap: () => readonly RollingVwapResult[] | null;
  readonly orderFlow: () => readonly OrderFlowResult[] | null;
  readonly book: () => FeatureSnapshot["book"];
  /** Writes the volume figures into `out`. */
  readonly volume: (out: Mutable<FeatureSnapshot["volume"]>) => void;
  readonly returnStd1s: () => number | null;
  readonly trend: () => FeatureSnapshot["trend"];
}

/** Bits of {@link FeatureView}'s lazily computed parts that are current. */
const VWAP = 1;
const ORDER_FLOW = 2;
const BOOK = 4;
const VOLUME = 8;
const VOLATILITY = 16;
const TREND = 32;
const RSI = 64;
const MACD = 128;
const BOLLINGER = 256;
const EMA_CROSS = 512;
const TICK_MOMENTUM = 1024;

/**
 * The features of one symbol now, as one object that {@link SymbolFeatures.view} rewrites in place
 * on every call: the strategy engine reads it once per trade, so building a fresh object tree each
 * time (the eager {@link SymbolFeatures.snapshot}) would be pure garbage. Every indicator family is
 * brought up to date and read only when its field is first read after an event: the engine's score
 * bound usually rules an entry out after two or three families, and only the gates read the book,
 * volume, volatility and trend parts.
 *
 * Valid until the next event fed to its {@link SymbolFeatures}: never keep it. The indicator results
 * it points to (`macd`, `bollinger[i].value`, ...) are immutable and may be kept.
 */
export class FeatureView implements FeatureSnapshot {
  readonly symbol: string;
  ts = 0;
  price: number | null = null;
  priceAction: PriceActionResult | null = null;
  liquiditySweep: LiquiditySweepResult | null = null;
  rsiDivergence: DivergenceResult | null = null;
  macdDivergence: DivergenceResult | null = null;
  lateTradesDropped = 0;
  gapResets = 0;
  private readonly sources: FeatureViewSources;
  private readonly rsiSlots: RsiSlot[];
  private readonly bollingerSlots: BollingerSlot[];
  private macdValue: MacdResult | null = null;
  private emaCrossValue: EmaCrossSetResult | null = null;
  private tickMomentumValue: TickMomentumResult | null = null;
  private readonly vwapSlots: WindowSlot<RollingVwapResult>[];
  private readonly orderFlowSlots: WindowSlot<OrderFlowResult>[];
  private fresh = 0;
  private bookValue: FeatureSnapshot["book"] | null = null;
  private readonly volumeValue: Mutable<FeatureSnapshot["volume"]> = { recent: 0, baselinePerWindow: null, ratio: null, baselineSeconds: 0 };
  private returnStdValue: number | null = null;
  private trendValue: FeatureSnapshot["trend"] = [];

  constructor(symbol: string, settings: { readonly rsiPeriods: readonly number[]; readonly bollinger: readonly { readonly period: number; readonly k: number }[]; readonly vwapWindowsMs: readonly number[]; readonly orderFlowWindowsMs: readonly number[] }, sources: FeatureViewSources) {
    this.symbol = symbol;
    this.sources = sources;
    this.rsiSlots = settings.rsiPeriods.map((period) => ({ period, value: null }));
    this.bollingerSlots = settings.bollinger.map((b) => ({ period: b.period, k: b.k, value: null }));
    this.vwapSlots = settings.vwapWindowsMs.map((windowMs) => ({ windowMs, value: null }));
    this.orderFlowSlots = settings.orderFlowWindowsMs.map((windowMs) => ({ windowMs, value: null }));
  }

  /** RSI per configured period. */
  get rsi(): FeatureSnapshot["rsi"] {
    if ((this.fresh & RSI) === 0) this.sources.rsi(this.rsiSlots);
    this.fresh |= RSI;
    return this.rsiSlots;
  }

  /** MACD line, signal and histogram. */
  get macd(): MacdResult | null {
    if ((this.fresh & MACD) === 0) this.macdValue = this.sources.macd();
    this.fresh |= MACD;
    return this.macdValue;
  }

  /** Bollinger bands per configured band set. */
  get bollinger(): FeatureSnapshot["bollinger"] {
    if ((this.fresh & BOLLINGER) === 0) this.sources.bollinger(this.bollingerSlots);
    this.fresh |= BOLLINGER;
    return this.bollingerSlots;
  }

  /** The EMA crossover pairs. */
  get emaCross(): EmaCrossSetResult | null {
    if ((this.fresh & EMA_CROSS) === 0) this.emaCrossValue = this.sources.emaCross();
    this.fresh |= EMA_CROSS;
    return this.emaCrossValue;
  }

  /** Up/down tick balance, persistence, rate and size quantiles. */
  get tickMomentum(): TickMomentumResult | null {
    if ((this.fresh & TICK_MOMENTUM) === 0) this.tickMomentumValue = this.sources.tickMomentum();
    this.fresh |= TICK_MOMENTUM;
    return this.tickMomentumValue;
  }

  /** Rolling VWAP per configured window (computed on first read after an event). */
  get vwap(): FeatureSnapshot["vwap"] {
    if ((this.fresh & VWAP) === 0) fill(this.vwapSlots, this.sources.vwap());
    this.fresh |= VWAP;
    return this.vwapSlots;
  }

  /** Order flow per configured window (computed on first read after an event). */
  get orderFlow(): FeatureSnapshot["orderFlow"] {
    if ((this.fresh & ORDER_FLOW) === 0) fill(this.orderFlowSlots, this.sources.orderFlow());
    this.fresh |= ORDER_FLOW;
    return this.orderFlowSlots;
  }

  /** Best bid/ask, spread and imbalance (computed on first read after an event). */
  get book(): FeatureSnapshot["book"] {
    if ((this.fresh & BOOK) === 0) this.bookValue = this.sources.book();
    this.fresh |= BOOK;
    return this.bookValue as FeatureSnapshot["book"];
  }

  /** Recent volume against its baseline (computed on first read after an event). */
  get volume(): FeatureSnapshot["volume"] {
    if ((this.fresh & VOLUME) === 0) this.sources.volume(this.volumeValue);
    this.fresh |= VOLUME;
    return this.volumeValue;
  }

  /** Standard deviation of 1-second log returns (computed on first read after an event). */
  get returnStd1s(): number | null {
    if ((this.fresh & VOLATILITY) === 0) this.returnStdValue = this.sources.returnStd1s();
    this.fresh |= VOLATILITY;
    return this.returnStdValue;
  }

  /** Closed-bar EMA trend per timeframe (read on first use after an event). */
  get trend(): FeatureSnapshot["trend"] {
    if ((this.fresh & TREND) === 0) this.trendValue = this.sources.trend();
    this.fresh |= TREND;
    return this.trendValue;
  }

  /** Marks every lazily read part stale (the owner calls it before rewriting the view). */
  invalidate(): void {
    this.fresh = 0;
  }
}

function fill<V>(slots: WindowSlot<V>[], results: readonly V[] | null): void {
  for (let i = 0; i < slots.length; i++) slots[i].value = results === null ? null : results[i];
}

/** A fresh, plain copy of a view (or snapshot) that nothing will rewrite: what is kept or serialised. */
export function copySnapshot(v: FeatureSnapshot): FeatureSnapshot {
  return {
    symbol: v.symbol,
    ts: v.ts,
    price: v.price,
    rsi: v.rsi.map((r) => ({ period: r.period, value: r.value })),
    macd: v.macd,
    bollinger: v.bollinger.map((b) => ({ period: b.period, k: b.k, value: b.value })),
    emaCross: v.emaCross,
    vwap: v.vwap.map((w) => ({ windowMs: w.windowMs, value: w.value })),
    orderFlow: v.orderFlow.map((w) => ({ windowMs: w.windowMs, value: w.value })),
    tickMomentum: v.tickMomentum,
    priceAction: v.priceAction,
    liquiditySweep: v.liquiditySweep,
    rsiDivergence: v.rsiDivergence,
    macdDivergence: v.macdDivergence,
    book: v.book,
    volume: { recent: v.volume.recent, baselinePerWindow: v.volume.baselinePerWindow, ratio: v.volume.ratio, baselineSeconds: v.volume.baselineSeconds },
    returnStd1s: v.returnStd1s,
    trend: v.trend,
    lateTradesDropped: v.lateTradesDropped,
    gapResets: v.gapResets,
  };
}
