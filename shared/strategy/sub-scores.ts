import type { FeatureSnapshot } from "../indicators/symbol-features";
import { BOUND_ORDER } from "./score";
import type { Family, SubScores } from "./types";

/**
 * Directional sub-scores of the nine families, each in [−1, 1] (positive favours a long).
 * The plan names the families and their weights, not how each votes; these are our readings,
 * documented per family so they can be argued with. A family without data votes 0.
 */
export function subScores(f: FeatureSnapshot): SubScores {
  return {
    rsi: rsiScore(f),
    macd: macdScore(f),
    bollinger: bollingerScore(f),
    ema: emaScore(f),
    vwap: vwapScore(f),
    orderFlow: orderFlowScore(f),
    priceAction: priceActionScore(f),
    liquiditySweep: liquiditySweepScore(f),
    tickMomentum: tickMomentumScore(f),
  };
}

/** Each family's sub-score function (the readings documented below), for scoring one family at a time. */
export const FAMILY_SCORES: Readonly<Record<Family, (f: FeatureSnapshot) => number>> = {
  rsi: rsiScore,
  macd: macdScore,
  bollinger: bollingerScore,
  ema: emaScore,
  vwap: vwapScore,
  orderFlow: orderFlowScore,
  priceAction: priceActionScore,
  liquiditySweep: liquiditySweepScore,
  tickMomentum: tickMomentumScore,
};

/** {@link FAMILY_SCORES} in the score bound's order (see ./score.ts scoreCannotReach). */
export const BOUND_SCORERS: readonly ((f: FeatureSnapshot) => number)[] = BOUND_ORDER.map((f) => FAMILY_SCORES[f]);

/** Clamps to [−1, 1]. */
export function clamp1(x: number): number {
  return x > 1 ? 1 : x < -1 ? -1 : x;
}

/**
 * RSI, mean reversion: each period votes (50 − RSI) / 25 (RSI 25 → +1, RSI 75 → −1), averaged;
 * 70 % of the score, the other 30 % from a regular RSI divergence on the structure timeframe.
 */
function rsiScore(f: FeatureSnapshot): number {
  let sum = 0;
  let n = 0;
  for (const r of f.rsi) {
    const v = r.value;
    if (v === null) continue;
    sum += clamp1((50 - v) / 25);
    n++;
  }
  if (n === 0) return 0;
  return clamp1(0.7 * (sum / n) + 0.3 * (f.rsiDivergence?.signal ?? 0));
}

/** MACD, momentum: tanh of the histogram in units of 1 bp of price (70 %), plus MACD divergence (30 %). */
function macdScore(f: FeatureSnapshot): number {
  if (f.macd === null || f.price === null || f.price <= 0) return 0;
  return clamp1(0.7 * Math.tanh(f.macd.histogram / (f.price * 1e-4)) + 0.3 * (f.macdDivergence?.signal ?? 0));
}

/**
 * Bollinger, mean reversion: 1 − 2·%B (at the lower band +1, at the upper −1, beyond them
 * clamped), averaged over the configured bands; halved during a squeeze, when a breakout is as
 * likely as a reversion.
 */
function bollingerScore(f: FeatureSnapshot): number {
  if (f.price === null) return 0;
  let sum = 0;
  let n = 0;
  for (const b of f.bollinger) {
    const v = b.value;
    if (v === null) continue;
    const width = v.upper - v.lower;
    const s = width > 0 ? clamp1(1 - (2 * (f.price - v.lower)) / width) : 0;
    sum += v.squeeze ? s / 2 : s;
    n++;
  }
  return n === 0 ? 0 : sum / n;
}

/** EMA crossovers, trend: ±1 when all pairs agree, else half the mean of the pair states. */
function emaScore(f: FeatureSnapshot): number {
  const e = f.emaCross;
  if (e === null) return 0;
  if (e.agree !== 0) return e.agree;
  let sum = 0;
  for (const p of e.pairs) sum += p.state;
  return e.pairs.length === 0 ? 0 : (0.5 * sum) / e.pairs.length;
}

/**
 * Rolling VWAP: inside the outermost band, trend bias (deviation / first band, clamped: above
 * VWAP favours a long); at or beyond the outermost band the move is stretched and the vote fades
 * it (−sign of the deviation). Averaged over windows.
 */
function vwapScore(f: FeatureSnapshot): number {
  let sum = 0;
  let n = 0;
  for (const w of f.vwap) {
    const v = w.value;
    if (v === null || v.bands.length === 0) continue;
    const inner = v.bands[0].pct;
    const outer = v.bands[v.bands.length - 1].pct;
    const d = v.deviationPct;
    sum += Math.abs(d) >= outer ? -Math.sign(d) : clamp1(d / inner);
    n++;
  }
  return n === 0 ? 0 : sum / n;
}

/** Order flow: 60 % mean delta ratio over the windows, 25 % book imbalance, 15 % the sign of large-trade delta (shortest window). */
function orderFlowScore(f: FeatureSnapshot): number {
  let sum = 0;
  let n = 0;
  for (const w of f.orderFlow) {
    if (w.value === null) continue;
    sum += w.value.deltaRatio;
    n++;
  }
  if (n === 0) return 0;
  const large = f.orderFlow[0]?.value?.largeDelta ?? 0;
  return clamp1(0.6 * (sum / n) + 0.25 * (f.book.imbalance ?? 0) + 0.15 * Math.sign(large));
}

/** Price action: 40 % HH+HL / LH+LL trend, 40 % break of structure, ±30 % double bottom / top. */
function priceActionScore(f: FeatureSnapshot): number {
  const p = f.priceAction;
  if (p === null) return 0;
  return clamp1(0.4 * p.trend + 0.4 * p.breakOfStructure + (p.doubleBottom ? 0.3 : 0) - (p.doubleTop ? 0.3 : 0));
}

/** Liquidity sweep: its fade signal as it is (±1 on a confirmed sweep, else 0). */
function liquiditySweepScore(f: FeatureSnapshot): number {
  return f.liquiditySweep?.signal ?? 0;
}

/** Tick momentum: 60 % up/down tick balance (2·upRatio − 1), 40 % persistence over 5 ticks. */
function tickMomentumScore(f: FeatureSnapshot): number {
  const t = f.tickMomentum;
  if (t === null) return 0;
  return clamp1(0.6 * (2 * t.upRatio - 1) + 0.4 * clamp1(t.persistence / 5));
}
