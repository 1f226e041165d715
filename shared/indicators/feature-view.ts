import { blankBollingerResult, type BollingerBandsResult } from "./bollinger-bands";
import type { DivergenceResult } from "./divergence";
import { blankEmaCrossResult, type EmaCrossSetResult } from "./ema-cross";
import type { LiquiditySweepResult } from "./liquidity-sweep";
import { blankMacdResult, type MacdResult } from "./macd";
import { blankOrderFlowResult, type OrderFlowResult } from "./order-flow";
import type { PriceActionResult } from "./price-action";
import { blankVwapResult, type RollingVwapResult } from "./rolling-vwap";
import type { OrderBook } from "../market/order-book";
import type { Mutable } from "./indicator";
import type { FeatureSnapshot } from "./symbol-features";
import { blankTickMomentumResult, type TickMomentumResult } from "./tick-momentum";

/** One RSI of the view. */
export interface RsiSlot {
  readonly period: number;
  value: number | null;
}

/** The book part of the view, rewritten in place as plain doubles (NaN: none), read as `number | null`. */
export class BookFigures implements Readonly<BookSnapshot> {
  private bid = NaN;
  private ask = NaN;
  private middle = NaN;
  private spread = NaN;
  private imbalanceNow = NaN;
  private time = NaN;

  get bestBid(): number | null {
    return orNull(this.bid);
  }

  get bestAsk(): number | null {
    return orNull(this.ask);
  }

  get mid(): number | null {
    return orNull(this.middle);
  }

  get spreadBps(): number | null {
    return orNull(this.spread);
  }

  get imbalance(): number | null {
    return orNull(this.imbalanceNow);
  }

  get ts(): number | null {
    return orNull(this.time);
  }

  /** Reads the book's figures, with the imbalance over its top `levels`. */
  read(book: OrderBook, levels: number): void {
    this.bid = book.bestBid ?? NaN;
    this.ask = book.bestAsk ?? NaN;
    this.middle = book.mid ?? NaN;
    this.spread = book.spreadBps ?? NaN;
    this.imbalanceNow = book.imbalance(levels) ?? NaN;
    this.time = book.ts ?? NaN;
  }
}

type BookSnapshot = FeatureSnapshot["book"];

function orNull(x: number): number | null {
  return Number.isNaN(x) ? null : x;
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

export type { Mutable } from "./indicator";

/** The settings that shape a view: how many RSIs, band sets, EMA pairs and windows it holds. */
export interface FeatureViewSettings {
  readonly rsiPeriods: readonly number[];
  readonly bollinger: readonly { readonly period: number; readonly k: number }[];
  readonly emaPairs: readonly unknown[];
  readonly vwapWindowsMs: readonly number[];
  readonly orderFlowWindowsMs: readonly number[];
}

/** Where the view reads its lazily computed parts from when they are first asked for. */
export interface FeatureViewSources {
  /** Writes each RSI's value into its slot (same order as the settings). */
  readonly rsi: (out: RsiSlot[]) => void;
  /** The object-valued families write into the view's own objects and say whether there is a result. */
  readonly macd: (out: Mutable<MacdResult>) => boolean;
  /** Writes each band set's result into `out[i]` and points slot `i` at it (or at null). */
  readonly bollinger: (slots: BollingerSlot[], out: readonly Mutable<BollingerBandsResult>[]) => void;
  readonly emaCross: (out: Mutable<EmaCrossSetResult>) => boolean;
  readonly tickMomentum: (out: Mutable<TickMomentumResult>) => boolean;
  readonly vwap: (out: readonly Mutable<RollingVwapResult>[]) => boolean;
  readonly orderFlow: (out: readonly Mutable<OrderFlowResult>[]) => boolean;
  /** Writes the book's figures into `out`. */
  readonly book: (out: BookFigures) => void;
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
 * Valid until the next event fed to its {@link SymbolFeatures}: never keep it, nor the result objects
 * it holds (`macd`, `bollinger[i].value`, `vwap[i].value`, `book`, ...): they belong to the view and
 * are rewritten in place, so reading every family builds no objects. {@link copySnapshot} makes a
 * copy that may be kept.
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
  varianceRatio: number | null = null;
  private readonly sources: FeatureViewSources;
  private readonly rsiSlots: RsiSlot[];
  private readonly bollingerSlots: BollingerSlot[];
  private readonly bollingerOut: Mutable<BollingerBandsResult>[];
  private macdValue: MacdResult | null = null;
  private readonly macdOut = blankMacdResult();
  private emaCrossValue: EmaCrossSetResult | null = null;
  private readonly emaCrossOut: Mutable<EmaCrossSetResult>;
  private tickMomentumValue: TickMomentumResult | null = null;
  private readonly tickMomentumOut = blankTickMomentumResult();
  private readonly vwapSlots: WindowSlot<RollingVwapResult>[];
  private readonly vwapOut: Mutable<RollingVwapResult>[];
  private readonly orderFlowSlots: WindowSlot<OrderFlowResult>[];
  private readonly orderFlowOut: Mutable<OrderFlowResult>[];
  private fresh = 0;
  private readonly bookValue = new BookFigures();
  private readonly volumeValue: Mutable<FeatureSnapshot["volume"]> = {
    recent: 0,
    baselinePerWindow: null,
    ratio: null,
    baselineSeconds: 0,
  };
  private returnStdValue: number | null = null;
  private trendValue: FeatureSnapshot["trend"] = [];

  constructor(symbol: string, settings: FeatureViewSettings, sources: FeatureViewSources) {
    this.symbol = symbol;
    this.sources = sources;
    this.rsiSlots = settings.rsiPeriods.map((period) => ({ period, value: null }));
    this.bollingerSlots = settings.bollinger.map((b) => ({ period: b.period, k: b.k, value: null }));
    this.vwapSlots = settings.vwapWindowsMs.map((windowMs) => ({ windowMs, value: null }));
    this.orderFlowSlots = settings.orderFlowWindowsMs.map((windowMs) => ({ windowMs, value: null }));
    this.bollingerOut = settings.bollinger.map(blankBollingerResult);
    this.emaCrossOut = { pairs: settings.emaPairs.map(blankEmaCrossResult), agree: 0 };
    this.vwapOut = settings.vwapWindowsMs.map(blankVwapResult);
    this.orderFlowOut = settings.orderFlowWindowsMs.map(blankOrderFlowResult);
  }

  /** RSI per configured period. */
  get rsi(): FeatureSnapshot["rsi"] {
    if ((this.fresh & RSI) === 0) this.sources.rsi(this.rsiSlots);
    this.fresh |= RSI;
    return this.rsiSlots;
  }

  /** MACD line, signal and histogram. */
  get macd(): MacdResult | null {
    if ((this.fresh & MACD) === 0) this.macdValue = this.sources.macd(this.macdOut) ? this.macdOut : null;
    this.fresh |= MACD;
    return this.macdValue;
  }

  /** Bollinger bands per configured band set. */
  get bollinger(): FeatureSnapshot["bollinger"] {
    if ((this.fresh & BOLLINGER) === 0) this.sources.bollinger(this.bollingerSlots, this.bollingerOut);
    this.fresh |= BOLLINGER;
    return this.bollingerSlots;
  }

  /** The EMA crossover pairs. */
  get emaCross(): EmaCrossSetResult | null {
    if ((this.fresh & EMA_CROSS) === 0)
      this.emaCrossValue = this.sources.emaCross(this.emaCrossOut) ? this.emaCrossOut : null;
    this.fresh |= EMA_CROSS;
    return this.emaCrossValue;
  }

  /** Up/down tick balance, persistence, rate and size quantiles. */
  get tickMomentum(): TickMomentumResult | null {
    if ((this.fresh & TICK_MOMENTUM) === 0)
      this.tickMomentumValue = this.sources.tickMomentum(this.tickMomentumOut) ? this.tickMomentumOut : null;
    this.fresh |= TICK_MOMENTUM;
    return this.tickMomentumValue;
  }

  /** Rolling VWAP per configured window (computed on first read after an event). */
  get vwap(): FeatureSnapshot["vwap"] {
    if ((this.fresh & VWAP) === 0) fill(this.vwapSlots, this.sources.vwap(this.vwapOut), this.vwapOut);
    this.fresh |= VWAP;
    return this.vwapSlots;
  }

  /** Order flow per configured window (computed on first read after an event). */
  get orderFlow(): FeatureSnapshot["orderFlow"] {
    if ((this.fresh & ORDER_FLOW) === 0)
      fill(this.orderFlowSlots, this.sources.orderFlow(this.orderFlowOut), this.orderFlowOut);
    this.fresh |= ORDER_FLOW;
    return this.orderFlowSlots;
  }

  /** Best bid/ask, spread and imbalance (computed on first read after an event). */
  get book(): FeatureSnapshot["book"] {
    if ((this.fresh & BOOK) === 0) this.sources.book(this.bookValue);
    this.fresh |= BOOK;
    return this.bookValue;
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

function fill<V>(slots: WindowSlot<V>[], ok: boolean, results: readonly V[]): void {
  for (let i = 0; i < slots.length; i++) slots[i].value = ok ? results[i] : null;
}

/** A flat result's own copy (its fields are numbers, booleans or frozen arrays). */
function copy<T extends object>(r: T | null): T | null {
  return r === null ? null : { ...r };
}

/** A fresh, plain copy of a view (or snapshot) that nothing will rewrite: what is kept or serialised. */
export function copySnapshot(v: FeatureSnapshot): FeatureSnapshot {
  return {
    symbol: v.symbol,
    ts: v.ts,
    price: v.price,
    rsi: v.rsi.map((r) => ({ period: r.period, value: r.value })),
    macd: copy(v.macd),
    bollinger: v.bollinger.map((b) => ({ period: b.period, k: b.k, value: copy(b.value) })),
    emaCross: v.emaCross && { pairs: v.emaCross.pairs.map((p) => ({ ...p })), agree: v.emaCross.agree },
    vwap: v.vwap.map((w) => ({ windowMs: w.windowMs, value: copy(w.value) })),
    orderFlow: v.orderFlow.map((w) => ({ windowMs: w.windowMs, value: copy(w.value) })),
    tickMomentum: copy(v.tickMomentum),
    priceAction: v.priceAction,
    liquiditySweep: v.liquiditySweep,
    rsiDivergence: v.rsiDivergence,
    macdDivergence: v.macdDivergence,
    book: {
      bestBid: v.book.bestBid,
      bestAsk: v.book.bestAsk,
      mid: v.book.mid,
      spreadBps: v.book.spreadBps,
      imbalance: v.book.imbalance,
      ts: v.book.ts,
    },
    volume: {
      recent: v.volume.recent,
      baselinePerWindow: v.volume.baselinePerWindow,
      ratio: v.volume.ratio,
      baselineSeconds: v.volume.baselineSeconds,
    },
    returnStd1s: v.returnStd1s,
    varianceRatio: v.varianceRatio,
    trend: v.trend,
    lateTradesDropped: v.lateTradesDropped,
    gapResets: v.gapResets,
  };
}
