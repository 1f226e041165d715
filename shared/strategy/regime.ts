import type { ScoringSettings } from "../config/scoring";

/** What the market is doing now, as far as the setups care. */
export type Regime = "trend" | "range" | "mixed";

/**
 * The regime from the variance ratio of 10 s to 1 s returns over the last 300 s
 * (FeatureSnapshot.varianceRatio): moves that persist (ratio ≥ `trendAbove`) make a trend, moves
 * that revert (≤ `rangeBelow`) a range; in between, or while unknown, it is mixed.
 *
 * Why this measure (docs/readings.md, `npx tsx .scratch/vr.py` in the readings worktree, then
 * `npm run signals` once it landed): the families' sign is a property of the market's return
 * autocorrelation, not of where price sits. Rank IC at 30 s of a momentum vote (mean of order-flow
 * 30 s delta, tick balance and the EMA pairs) and of a mean-reversion vote (RSI and Bollinger
 * fade), split by this ratio, on the dev data:
 *
 * | data                        | VR ≥ 1.1 momentum / fade | VR ≤ 0.9 momentum / fade |
 * |-----------------------------|--------------------------|--------------------------|
 * | BTCUSDT perp trades 2.1 h   | +0.34* / −0.29*          | +0.24* / −0.19*          |
 * | XRPETH spot trades 59 h     | −0.06 / +0.03            | −0.12* / +0.19*          |
 * | liquid BTC/ETH books 49 min | +0.05 / +0.02            | (69 samples)             |
 *
 * (* = 95 % block-bootstrap interval excludes 0.) The fade pays only where the ratio is low, and
 * the momentum pays where it is not: the two bands split the setups; the middle keeps both. An
 * efficiency ratio and the VWAP z-score were tried as splits and flipped no sign within a session.
 */
export function regimeOf(varianceRatio: number | null, s: ScoringSettings["regime"]): Regime {
  if (varianceRatio === null || !Number.isFinite(varianceRatio)) return "mixed";
  if (varianceRatio >= s.trendAbove) return "trend";
  if (varianceRatio <= s.rangeBelow) return "range";
  return "mixed";
}
