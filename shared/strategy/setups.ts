import type { FamilyWeights } from "../config/schema";
import type { ScoringSettings } from "../config/scoring";
import type { FeatureSnapshot } from "../indicators/symbol-features";
import { regimeOf, type Regime } from "./regime";
import { compositeScore, type CompositeScore } from "./score";
import { clamp1 } from "./sub-scores";
import { FAMILIES, type Family, type SubScores, zeroSubScores } from "./types";

/**
 * The two coherent setups of the plan. A side's score is the stronger of the setups its regime
 * allows, each scored like the plan's composite (100 × Σ wᵢ·max(0, ±sᵢ) / Σ wᵢ) over its own
 * families only, with the plan's weights: 80 then means most of a complete setup is there.
 * Every reading is signed (positive favours a long) and lies in [−1, 1]. The figures behind each
 * choice are in docs/readings.md (rank IC against forward returns on the dev data).
 * @module
 */
export type SetupKind = "reversal" | "continuation";

/** The families each setup reads; the others read 0 in it and neither score nor agree. */
export const SETUP_FAMILIES: Readonly<Record<SetupKind, readonly Family[]>> = {
  // The plan's reversal: RSI stretched, price at the band and away from VWAP, a sweep of the
  // lows/highs or a double bottom/top, divergence, order flow and MACD turning.
  reversal: ["rsi", "bollinger", "vwap", "liquiditySweep", "priceAction", "macd", "orderFlow"],
  // The plan's continuation: EMA pairs aligned, MACD expanding, tick momentum and order flow with
  // the move, RSI and %B strong. No vote for VWAP nor price structure: "price on the right side of
  // VWAP" and "higher highs and lows" predicted the wrong sign where continuation may fire
  // (variance ratio ≥ 1.1: rank IC at 30 s −0.31 and −0.28 on the liquid recordings, −0.10 and
  // −0.01 on XRPETH, +0.02 and −0.13 on BTCUSDT trades; docs/readings.md).
  continuation: ["ema", "macd", "tickMomentum", "orderFlow", "rsi", "bollinger"],
};

/** Each setup's reading of one family, in [−1, 1] (positive favours a long). */
type Reading = (f: FeatureSnapshot) => number;

/** A family's sub-score of one setup, after the engine's research transform. */
export type ReadingTransform = (family: Family, value: number) => number;

/** The setups' scores of one instant. */
export interface SetupScore extends CompositeScore {
  readonly regime: Regime;
  /** The setup behind each side's score (null when the regime allows none or it scores 0). */
  readonly longSetup: SetupKind | null;
  readonly shortSetup: SetupKind | null;
}

/** Scale of one-second moves: the measured σ of 1 s log returns, or 1 bp while it is unknown. */
function sigma(f: FeatureSnapshot): number {
  const s = f.returnStd1s;
  return s !== null && s > 0 ? s : 1e-4;
}

/** Price against the shortest VWAP window in σ of its window (z ≈ 1: one typical window move away). */
function vwapZ(f: FeatureSnapshot): number | null {
  const w = f.vwap[0];
  const v = w?.value;
  if (!v) return null;
  return v.deviationPct / 100 / (sigma(f) * Math.sqrt(w.windowMs / 1000));
}

/** Mean of `read` over the RSI periods that have a value (0 when none has). */
function rsiMean(f: FeatureSnapshot, read: (rsi: number) => number): number | null {
  let sum = 0;
  let n = 0;
  for (const r of f.rsi) {
    if (r.value === null) continue;
    sum += read(r.value);
    n++;
  }
  return n === 0 ? null : sum / n;
}

/** Mean %B (0 at the lower band, 1 at the upper) over the band sets that have a value. */
function percentB(f: FeatureSnapshot, squeezeWeight: number): number | null {
  if (f.price === null) return null;
  let sum = 0;
  let n = 0;
  for (const b of f.bollinger) {
    const v = b.value;
    if (v === null) continue;
    const width = v.upper - v.lower;
    const s = width > 0 ? clamp1(2 * ((f.price - v.lower) / width) - 1) : 0;
    sum += v.squeeze ? s * squeezeWeight : s;
    n++;
  }
  return n === 0 ? null : sum / n;
}

/** Mean taker delta ratio over the order-flow windows from `from` on (null without any). */
function deltaRatio(f: FeatureSnapshot, from: number, to: number): number | null {
  let sum = 0;
  let n = 0;
  for (let i = from; i < to && i < f.orderFlow.length; i++) {
    const v = f.orderFlow[i].value;
    if (v === null) continue;
    sum += v.deltaRatio;
    n++;
  }
  return n === 0 ? null : sum / n;
}

/**
 * The MACD histogram in tenths of a one-second σ of price: 1 is a large histogram. Measured |histogram|
 * / (price·σ₁ₛ) on the liquid recordings: median 0.04, 75th percentile 0.07–0.10, 90th 0.11–0.18
 * (.scratch/macdz.py on the feature dump), so tanh of this is about 0.8 at the 90th percentile.
 */
function macdZ(f: FeatureSnapshot): number | null {
  if (f.macd === null || f.price === null || f.price <= 0) return null;
  return f.macd.histogram / (0.1 * f.price * sigma(f));
}

const REVERSAL: Readonly<Partial<Record<Family, Reading>>> = {
  /** RSI stretched (RSI 25 → +1, 75 → −1, mean of the periods), 70 %; regular RSI divergence 30 %. */
  rsi: (f) => {
    const m = rsiMean(f, (v) => clamp1((50 - v) / 25));
    return m === null ? 0 : clamp1(0.7 * m + 0.3 * (f.rsiDivergence?.signal ?? 0));
  },
  /** At the lower band +1, at the upper −1; halved in a squeeze, where a breakout is as likely. */
  bollinger: (f) => -(percentB(f, 0.5) ?? 0),
  /**
   * Stretched from VWAP: one σ of its window below it → +1 (fade the stretch). One σ is about the
   * 90th percentile of |z| on the liquid recordings (0.5–1.1). The most robust reading of all: rank
   * IC at 30 s +0.39 (liquid, where the reversal may fire), +0.16 (XRPETH), −0.01 (BTCUSDT trades).
   */
  vwap: (f) => {
    const z = vwapZ(f);
    return z === null ? 0 : clamp1(-z);
  },
  /** A confirmed sweep of the lows +1, of the highs −1. */
  liquiditySweep: (f) => f.liquiditySweep?.signal ?? 0,
  /** A double bottom +1, a double top −1. */
  priceAction: (f) => {
    const p = f.priceAction;
    if (p === null) return 0;
    return (p.doubleBottom ? 1 : 0) - (p.doubleTop ? 1 : 0);
  },
  /** MACD turning: a histogram against the MACD line's side (50 %), MACD-histogram divergence (50 %). */
  macd: (f) => {
    const z = macdZ(f);
    const m = f.macd;
    const turn = z === null || m === null || Math.sign(m.histogram) === Math.sign(m.macd) ? 0 : Math.tanh(z);
    return clamp1(0.5 * turn + 0.5 * (f.macdDivergence?.signal ?? 0));
  },
  /** Order flow turning: the shortest window's delta over the longer ones' (×2, 60 %), book imbalance (40 %). */
  orderFlow: (f) => {
    const short = deltaRatio(f, 0, 1);
    const long = deltaRatio(f, 1, f.orderFlow.length);
    const turn = short === null || long === null ? 0 : clamp1(2 * (short - long));
    return clamp1(0.6 * turn + 0.4 * (f.book.imbalance ?? 0));
  },
};

const CONTINUATION: Readonly<Partial<Record<Family, Reading>>> = {
  /** All EMA pairs up +1 (down −1), else half the mean of the pair states. */
  ema: (f) => {
    const e = f.emaCross;
    if (e === null || e.pairs.length === 0) return 0;
    if (e.agree !== 0) return e.agree;
    let sum = 0;
    for (const p of e.pairs) sum += p.state;
    return (0.5 * sum) / e.pairs.length;
  },
  /** Histogram expanding with the MACD line: tanh(histogram / σ of price), halved against the line. */
  macd: (f) => {
    const z = macdZ(f);
    const m = f.macd;
    if (z === null || m === null) return 0;
    return Math.tanh(z) * (Math.sign(m.histogram) === Math.sign(m.macd) ? 1 : 0.5);
  },
  /** 60 % up/down tick balance, 40 % persistence over 5 ticks. */
  tickMomentum: (f) => {
    const t = f.tickMomentum;
    if (t === null) return 0;
    return clamp1(0.6 * (2 * t.upRatio - 1) + 0.4 * clamp1(t.persistence / 5));
  },
  /** With the move: 60 % mean delta ratio, 25 % book imbalance, 15 % sign of large-trade delta. */
  orderFlow: (f) => {
    const d = deltaRatio(f, 0, f.orderFlow.length);
    if (d === null) return 0;
    const large = f.orderFlow[0]?.value?.largeDelta ?? 0;
    return clamp1(0.6 * d + 0.25 * (f.book.imbalance ?? 0) + 0.15 * Math.sign(large));
  },
  /** RSI strong: 75 → +1, 25 → −1 (the fade's reading turned round). */
  rsi: (f) => rsiMean(f, (v) => clamp1((v - 50) / 25)) ?? 0,
  /** Riding the band: at the upper band +1, at the lower −1 (a squeeze's breakout counts in full). */
  bollinger: (f) => percentB(f, 1) ?? 0,
};

const READINGS: Readonly<Record<SetupKind, Readonly<Partial<Record<Family, Reading>>>>> = {
  reversal: REVERSAL,
  continuation: CONTINUATION,
};

/** One setup's reading of one family (a constant 0 for a family it does not read). */
export function setupReading(kind: SetupKind, family: Family): Reading {
  return READINGS[kind][family] ?? zero;
}

function zero(): number {
  return 0;
}

/** Every family's reading in one setup (0 for the families it does not read). */
export function setupReadings(kind: SetupKind, f: FeatureSnapshot, transform?: ReadingTransform): SubScores {
  const table = READINGS[kind];
  const out = {} as SubScores;
  for (const family of FAMILIES) {
    const read = table[family];
    const v = read === undefined ? 0 : read(f);
    out[family] = transform === undefined ? v : transform(family, v);
  }
  return out;
}

const masked = new WeakMap<FamilyWeights, Record<SetupKind, FamilyWeights>>();

/** The weights with every family outside the setup at 0 (cached per weights object). */
export function setupWeights(kind: SetupKind, w: FamilyWeights): FamilyWeights {
  let m = masked.get(w);
  if (m === undefined) {
    const mask = (k: SetupKind) =>
      Object.fromEntries(FAMILIES.map((f) => [f, SETUP_FAMILIES[k].includes(f) ? w[f] : 0])) as FamilyWeights;
    m = { reversal: mask("reversal"), continuation: mask("continuation") };
    masked.set(w, m);
  }
  return m[kind];
}

/** The setups the regime allows. */
export function allowedSetups(regime: Regime): readonly SetupKind[] {
  if (regime === "trend") return ["continuation"];
  if (regime === "range") return ["reversal"];
  return ["reversal", "continuation"];
}

/**
 * Scores both sides: each side takes the stronger allowed setup, with that setup's agreeing
 * families. `sub` is the readings of the setup behind the stronger side (what a decision records).
 */
export function scoreSetups(
  f: FeatureSnapshot,
  w: FamilyWeights,
  s: ScoringSettings,
  transform?: ReadingTransform,
): { readonly score: SetupScore; readonly sub: SubScores } {
  const regime = regimeOf(f.varianceRatio, s.regime);
  let long = 0;
  let short = 0;
  let agreeLong = 0;
  let agreeShort = 0;
  let longSetup: SetupKind | null = null;
  let shortSetup: SetupKind | null = null;
  let longSub: SubScores | null = null;
  let shortSub: SubScores | null = null;
  for (const kind of allowedSetups(regime)) {
    const sub = setupReadings(kind, f, transform);
    const c = compositeScore(sub, setupWeights(kind, w));
    if (c.long > long) {
      long = c.long;
      agreeLong = c.agreeLong;
      longSetup = kind;
      longSub = sub;
    }
    if (c.short > short) {
      short = c.short;
      agreeShort = c.agreeShort;
      shortSetup = kind;
      shortSub = sub;
    }
  }
  const sub = (long >= short ? longSub : shortSub) ?? zeroSubScores();
  return { score: { long, short, agreeLong, agreeShort, regime, longSetup, shortSetup }, sub };
}
