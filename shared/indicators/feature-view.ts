import type { Timeframe } from "../market/bar";
import type { BollingerBandsResult } from "./bollinger-bands";
import type { DivergenceResult } from "./divergence";
import type { EmaCrossResult, EmaCrossSetResult } from "./ema-cross";
import type { LiquiditySweepResult } from "./liquidity-sweep";
import type { MacdResult } from "./macd";
import type { OrderFlowResult } from "./order-flow";
import type { PriceActionResult } from "./price-action";
import type { RollingVwapResult } from "./rolling-vwap";
import type { FeatureSnapshot } from "./symbol-features";
import type { TickMomentumResult } from "./tick-momentum";

interface RsiSlot {
  readonly period: number;
  value: number | null;
}

interface BollingerSlot {
  readonly period: number;
  readonly k: number;
  value: BollingerBandsResult | null;
}

interface WindowSlot<V> {
  readonly windowMs: number;
  value: V | null;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Where the view reads the window results from when they are first asked for. */
export interface FeatureViewSources {
  readonly vwap: () => readonly RollingVwapResult[] | null;
  readonly orderFlow: () => readonly OrderFlowResult[] | null;
}

/**
 * The features of one symbol now, as one object that {@link SymbolFeatures.view} rewrites in place
 * on every call: the strategy engine reads it once per trade, so building a fresh object tree each
 * time (the eager {@link SymbolFeatures.snapshot}) would be pure garbage. The rolling VWAP and
 * order-flow windows are computed only when read (the engine's score bound often never reads them).
 *
 * Valid until the next event fed to its {@link SymbolFeatures}: never keep it. The indicator results
 * it points to (`macd`, `bollinger[i].value`, ...) are immutable and may be kept.
 */
export class FeatureView implements FeatureSnapshot {
  readonly symbol: string;
  ts = 0;
  price: number | null = null;
  readonly rsi: RsiSlot[];
  macd: MacdResult | null = null;
  readonly bollinger: BollingerSlot[];
  emaCross: EmaCrossSetResult | null = null;
  tickMomentum: TickMomentumResult | null = null;
  priceAction: PriceActionResult | null = null;
  liquiditySweep: LiquiditySweepResult | null = null;
  rsiDivergence: DivergenceResult | null = null;
  macdDivergence: DivergenceResult | null = null;
  book: FeatureSnapshot["book"] = { bestBid: null, bestAsk: null, mid: null, spreadBps: null, imbalance: null, ts: null };
  readonly volume: Mutable<FeatureSnapshot["volume"]> = { recent: 0, baselinePerWindow: null, ratio: null, baselineSeconds: 0 };
  returnStd1s: number | null = null;
  trend: readonly { readonly timeframe: Timeframe; readonly value: EmaCrossResult | null }[] = [];
  lateTradesDropped = 0;
  gapResets = 0;
  private readonly sources: FeatureViewSources;
  private readonly vwapSlots: WindowSlot<RollingVwapResult>[];
  private readonly orderFlowSlots: WindowSlot<OrderFlowResult>[];
  private vwapFresh = false;
  private orderFlowFresh = false;

  constructor(symbol: string, settings: { readonly rsiPeriods: readonly number[]; readonly bollinger: readonly { readonly period: number; readonly k: number }[]; readonly vwapWindowsMs: readonly number[]; readonly orderFlowWindowsMs: readonly number[] }, sources: FeatureViewSources) {
    this.symbol = symbol;
    this.sources = sources;
    this.rsi = settings.rsiPeriods.map((period) => ({ period, value: null }));
    this.bollinger = settings.bollinger.map((b) => ({ period: b.period, k: b.k, value: null }));
    this.vwapSlots = settings.vwapWindowsMs.map((windowMs) => ({ windowMs, value: null }));
    this.orderFlowSlots = settings.orderFlowWindowsMs.map((windowMs) => ({ windowMs, value: null }));
  }

  /** Rolling VWAP per configured window (computed on first read after an event). */
  get vwap(): FeatureSnapshot["vwap"] {
    if (!this.vwapFresh) fill(this.vwapSlots, this.sources.vwap());
    this.vwapFresh = true;
    return this.vwapSlots;
  }

  /** Order flow per configured window (computed on first read after an event). */
  get orderFlow(): FeatureSnapshot["orderFlow"] {
    if (!this.orderFlowFresh) fill(this.orderFlowSlots, this.sources.orderFlow());
    this.orderFlowFresh = true;
    return this.orderFlowSlots;
  }

  /** Marks the lazily read windows stale (the owner calls it before rewriting the view). */
  invalidate(): void {
    this.vwapFresh = false;
    this.orderFlowFresh = false;
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
