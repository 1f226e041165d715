/**
 * Streaming indicators: the nine families of the plan, O(1) per update, TA-Lib exact where
 * TA-Lib defines them. See {@link Indicator} for the contract.
 * @module
 */
export { assertPeriod, type Indicator } from "./indicator";
export { Sma, type SmaState } from "./sma";
export { Ema, type EmaState } from "./ema";
export { Rsi, type RsiState } from "./rsi";
export { Macd, type MacdResult, type MacdState } from "./macd";
export { BollingerBands, type BollingerBandsResult, type BollingerBandsState } from "./bollinger-bands";
export * from "./ema-cross";
export * from "./rolling-vwap";
export * from "./order-flow";
export * from "./tick-momentum";
export * from "./swings";
export * from "./price-action";
export * from "./liquidity-sweep";
export * from "./divergence";
export * from "./rolling-sum";
export * from "./time-buckets";
export * from "./quantile-histogram";
export * from "./symbol-features";
