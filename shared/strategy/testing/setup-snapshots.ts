import type { FeatureSnapshot } from "../../indicators/symbol-features";

/** Price of the hand-made snapshots. */
export const PRICE = 100;
/** σ of 1 s returns in the hand-made snapshots (1 bp). */
export const SIGMA = 1e-4;

/** A warmed-up snapshot where no family leans either way (RSI 50, mid-band, at VWAP, balanced flow), in a mixed regime. */
export function neutralSnapshot(): FeatureSnapshot {
  return {
    symbol: "BTCUSDT",
    ts: 1_700_000_000_000,
    price: PRICE,
    rsi: [2, 5, 15, 30].map((period) => ({ period, value: 50 })),
    macd: { macd: 0, signal: 0, histogram: 0 },
    bollinger: [10, 20].map((period) => ({
      period,
      k: 2,
      value: { upper: 101, middle: 100, lower: 99, bandwidth: 0.02, squeeze: false },
    })),
    emaCross: {
      pairs: [0, 1, 2].map(() => ({ fast: 100, slow: 100, state: 0 as const, cross: 0 as const })),
      agree: 0,
    },
    vwap: [300_000, 900_000, 3_600_000].map((windowMs) => ({
      windowMs,
      value: { vwap: 100, deviationPct: 0, bands: [], volume: 10 },
    })),
    orderFlow: [10_000, 30_000, 60_000].map((windowMs) => ({
      windowMs,
      value: { delta: 0, deltaRatio: 0, buyRatio: 0.5, volume: 10, trades: 20, largeTrades: 0, largeDelta: 0 },
    })),
    tickMomentum: {
      upTicks: 10,
      downTicks: 10,
      upRatio: 0.5,
      ticksPerSecond: 5,
      persistence: 0,
      sizeP50: 1,
      sizeP90: 2,
      sizeP99: 3,
    },
    priceAction: {
      trend: 0,
      lastSwingHigh: 101,
      lastSwingLow: 99,
      doubleTop: false,
      doubleBottom: false,
      breakOfStructure: 0,
    },
    liquiditySweep: { signal: 0, level: null, sweptAt: null },
    rsiDivergence: { signal: 0, kind: null },
    macdDivergence: { signal: 0, kind: null },
    book: { bestBid: 99.99, bestAsk: 100.01, mid: 100, spreadBps: 2, imbalance: 0, ts: 1_700_000_000_000 },
    volume: { recent: 20, baselinePerWindow: 10, ratio: 2, baselineSeconds: 900 },
    returnStd1s: SIGMA,
    varianceRatio: 1,
    trend: [],
    lateTradesDropped: 0,
    gapResets: 0,
  };
}

/** The VWAP deviation, in percent, of `z` σ of the 5-minute window. */
function vwapDeviationPct(z: number): number {
  return z * SIGMA * Math.sqrt(300) * 100;
}

/**
 * A complete reversal long, as the plan draws it: RSI oversold on every period with a bullish
 * divergence, price under the lower band and 2 σ under VWAP after a sweep of the lows and a
 * double bottom, the MACD histogram turning up under a negative line, buyers taking over the
 * last 10 s and the book leaning to the bid. `varianceRatio` sets the regime.
 */
export function reversalLong(varianceRatio = 0.8): FeatureSnapshot {
  const n = neutralSnapshot();
  return {
    ...n,
    price: 98.9,
    rsi: n.rsi.map((r) => ({ ...r, value: 22 })),
    rsiDivergence: { signal: 1, kind: "bullish" },
    bollinger: n.bollinger.map((b) => ({ ...b, value: { ...(b.value as NonNullable<typeof b.value>) } })),
    vwap: n.vwap.map((w) => ({
      ...w,
      value: { ...(w.value as NonNullable<typeof w.value>), deviationPct: vwapDeviationPct(-2.5) },
    })),
    liquiditySweep: { signal: 1, level: 99, sweptAt: n.ts - 2000 },
    priceAction: { ...(n.priceAction as NonNullable<FeatureSnapshot["priceAction"]>), doubleBottom: true },
    macd: { macd: -0.05, signal: -0.08, histogram: 0.03 },
    macdDivergence: { signal: 1, kind: "bullish" },
    orderFlow: n.orderFlow.map((w, i) => ({
      ...w,
      value: { ...(w.value as NonNullable<typeof w.value>), deltaRatio: i === 0 ? 0.5 : -0.4 },
    })),
    book: { ...n.book, imbalance: 0.6 },
    varianceRatio,
  };
}

/**
 * A complete continuation long: every EMA pair up, the MACD histogram expanding above a positive
 * line, price 1.5 σ above VWAP near the upper band, buyers lifting the offer on up-ticks, higher
 * highs and lows with a break of structure, RSI strong. `varianceRatio` sets the regime.
 */
export function continuationLong(varianceRatio = 1.3): FeatureSnapshot {
  const n = neutralSnapshot();
  return {
    ...n,
    price: 100.9,
    rsi: n.rsi.map((r) => ({ ...r, value: 72 })),
    emaCross: {
      pairs: [0, 1, 2].map(() => ({ fast: 100.5, slow: 100, state: 1 as const, cross: 0 as const })),
      agree: 1,
    },
    macd: { macd: 0.08, signal: 0.05, histogram: 0.03 },
    vwap: n.vwap.map((w) => ({
      ...w,
      value: { ...(w.value as NonNullable<typeof w.value>), deviationPct: vwapDeviationPct(1.5) },
    })),
    orderFlow: n.orderFlow.map((w) => ({
      ...w,
      value: { ...(w.value as NonNullable<typeof w.value>), deltaRatio: 0.7, largeDelta: 3 },
    })),
    book: { ...n.book, imbalance: 0.4 },
    tickMomentum: {
      ...(n.tickMomentum as NonNullable<FeatureSnapshot["tickMomentum"]>),
      upRatio: 0.85,
      persistence: 5,
    },
    priceAction: { ...(n.priceAction as NonNullable<FeatureSnapshot["priceAction"]>), trend: 1, breakOfStructure: 1 },
    varianceRatio,
  };
}
