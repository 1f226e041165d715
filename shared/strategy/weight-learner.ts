import type { BotConfig, FamilyWeights } from "../config/schema";
import { FAMILIES, type ClosedTrade, type Family } from "./types";

/** The `learning` section of the bot config. */
export type LearningSettings = BotConfig["learning"];

/** Predictive skill per family, in [−1, 1] (see {@link WeightLearner}). */
export type FamilySkill = Record<Family, number>;

/** One learning round: the weights before and after, and the skill that moved them. */
export interface WeightChange {
  /** Exit time of the trade that completed the round (exchange time, ms). */
  readonly at: number;
  /** Closed trades observed so far, this round's included. */
  readonly trades: number;
  readonly before: FamilyWeights;
  readonly after: FamilyWeights;
  readonly skill: FamilySkill;
}

/** Options of {@link WeightLearner}. */
export interface WeightLearnerOptions {
  readonly learning: LearningSettings;
  /** The configured weights: the starting point, used as is until the first round. */
  readonly initial: FamilyWeights;
  /** Most recent changes kept in {@link WeightLearner.changes} and in the state (default 16). */
  readonly logLimit?: number;
}

/** Plain-JSON state of {@link WeightLearner}. */
export interface WeightLearnerState {
  readonly version: 1;
  /** The configured weights the learner started from (a changed config starts over, see {@link WeightLearner.resume}). */
  readonly initial: FamilyWeights;
  readonly weights: FamilyWeights;
  readonly trades: number;
  /** Directed entry sub-scores of the trades of the open round, nine per trade in {@link FAMILIES} order. */
  readonly signals: readonly number[];
  /** sign(netPnl) of the trades of the open round. */
  readonly outcomes: readonly number[];
  readonly log: readonly WeightChange[];
}

const DEFAULT_LOG_LIMIT = 16;
/** A family whose directed sub-score varies less than this over a round is constant: no evidence. */
const MIN_VARIANCE = 1e-12;
const N = FAMILIES.length;

/**
 * Online learning of the family weights of one symbol's composite score.
 *
 * Every closed trade is recorded as its directed entry sub-scores xᵢ = sᵢ · d (d = +1 long, −1 short:
 * positive means the family voted for the side taken) and its outcome y = sign(netPnl). After
 * `everyTrades` trades a round runs:
 *
 * - skillᵢ = Pearson correlation of xᵢ and y over the round (the point-biserial correlation), in
 *   [−1, 1]; 0 when either side is constant (a family without data, or all trades won or all lost).
 * - vᵢ = wᵢ · exp(η · skillᵢ) with η = `learningRate` (a multiplicative, Hedge-style step).
 * - wᵢ ← clip(c · vᵢ, lo, hi) with the one common scale c that makes the weights sum to 1: the fixed
 *   point of "clip to the bounds, renormalise, repeat", solved exactly on the piecewise-linear sum.
 *   lo = min(minWeight, 1/n), hi = max(maxWeight, 1/n) over the n active families, so the bounds
 *   always admit a sum of 1.
 *
 * Families configured at weight 0 stay at 0 (the user switched them off). When the weights before a
 * round sum to 1 within the bounds, every weight moves by a factor in [e^(−2η), e^(2η)] per round.
 * Memory: one round of trades (9 + 1 numbers each) and `logLimit` changes.
 */
export class WeightLearner {
  private readonly learning: LearningSettings;
  private readonly initial: FamilyWeights;
  private readonly logLimit: number;
  private current: FamilyWeights;
  private count = 0;
  private readonly signals: number[] = [];
  private readonly outcomes: number[] = [];
  private readonly log: WeightChange[] = [];

  constructor(options: WeightLearnerOptions) {
    this.learning = options.learning;
    this.initial = { ...options.initial };
    this.logLimit = Math.max(0, Math.floor(options.logLimit ?? DEFAULT_LOG_LIMIT));
    this.current = this.initial;
  }

  /** Rebuilds a learner from {@link WeightLearner.getState}; settings come from `options`, not the state. */
  static restore(state: WeightLearnerState, options: WeightLearnerOptions): WeightLearner {
    const l = new WeightLearner({ ...options, initial: state.initial });
    l.current = { ...state.weights };
    l.count = state.trades;
    l.signals.push(...state.signals);
    l.outcomes.push(...state.outcomes);
    if (l.logLimit > 0) l.log.push(...state.log.slice(-l.logLimit));
    return l;
  }

  /**
   * The learner for a (re)started engine: `state` restored when it was learnt from the same
   * configured weights, otherwise a fresh start from `options.initial` (a re-weighted config wins).
   */
  static resume(options: WeightLearnerOptions, state: WeightLearnerState | undefined): WeightLearner {
    if (state === undefined || !sameWeights(state.initial, options.initial)) return new WeightLearner(options);
    return WeightLearner.restore(state, options);
  }

  /** The weights to score with now. A new object after each round; never mutated. */
  get weights(): FamilyWeights {
    return this.current;
  }

  /** Closed trades observed so far. */
  get trades(): number {
    return this.count;
  }

  /** The most recent changes, oldest first (at most `logLimit`); a copy. */
  get changes(): readonly WeightChange[] {
    return this.log.slice();
  }

  /**
   * Records one closed trade; returns the change when it completes a round. Trades with a non-finite
   * netPnl are ignored; a non-finite sub-score counts as 0 (no vote), and −0 is stored as 0 so the
   * state survives JSON unchanged.
   */
  observe(trade: ClosedTrade): WeightChange | null {
    if (!Number.isFinite(trade.netPnl)) return null;
    const d = trade.side === "long" ? 1 : -1;
    for (const f of FAMILIES) {
      const x = trade.subScores[f] * d;
      this.signals.push(Number.isFinite(x) && x !== 0 ? x : 0);
    }
    this.outcomes.push(trade.netPnl > 0 ? 1 : trade.netPnl < 0 ? -1 : 0);
    this.count++;
    if (this.outcomes.length < this.learning.everyTrades) return null;
    return this.round(trade.exitTime);
  }

  /** A plain JSON snapshot. */
  getState(): WeightLearnerState {
    return {
      version: 1,
      initial: { ...this.initial },
      weights: { ...this.current },
      trades: this.count,
      signals: this.signals.slice(),
      outcomes: this.outcomes.slice(),
      log: this.log.slice(),
    };
  }

  private round(at: number): WeightChange {
    const skill = familySkill(this.signals, this.outcomes);
    const before = this.current;
    const after = step(before, skill, this.learning);
    this.signals.length = 0;
    this.outcomes.length = 0;
    this.current = after;
    const change: WeightChange = { at, trades: this.count, before, after, skill };
    this.log.push(change);
    if (this.log.length > this.logLimit) this.log.splice(0, this.log.length - this.logLimit);
    return change;
  }
}

/**
 * Pearson correlation of each family's directed sub-scores with the outcomes (`signals` holds nine
 * per trade, in {@link FAMILIES} order). 0 where a variance is below {@link MIN_VARIANCE}.
 */
export function familySkill(signals: readonly number[], outcomes: readonly number[]): FamilySkill {
  const n = outcomes.length;
  const skill = zeros();
  if (n < 2) return skill;
  let my = 0;
  for (const y of outcomes) my += y;
  my /= n;
  let vy = 0;
  for (const y of outcomes) vy += (y - my) * (y - my);
  if (vy / n < MIN_VARIANCE) return skill;
  FAMILIES.forEach((f, i) => {
    let mx = 0;
    for (let k = 0; k < n; k++) mx += signals[k * N + i];
    mx /= n;
    let vx = 0;
    let cov = 0;
    for (let k = 0; k < n; k++) {
      const dx = signals[k * N + i] - mx;
      vx += dx * dx;
      cov += dx * (outcomes[k] - my);
    }
    if (vx / n < MIN_VARIANCE) return;
    const r = cov / Math.sqrt(vx * vy);
    skill[f] = r > 1 ? 1 : r < -1 ? -1 : r;
  });
  return skill;
}

/** One learning step: multiplicative update by exp(η·skill), then {@link fitToBounds}. */
export function step(w: FamilyWeights, skill: FamilySkill, learning: LearningSettings): FamilyWeights {
  const v = FAMILIES.map((f) => (w[f] > 0 ? w[f] * Math.exp(learning.learningRate * skill[f]) : 0));
  const fitted = fitToBounds(v, learning.minWeight, learning.maxWeight);
  const out = {} as FamilyWeights;
  FAMILIES.forEach((f, i) => {
    out[f] = fitted[i];
  });
  return out;
}

/**
 * Scales the positive entries of `v` by the one c ≥ 0 for which Σ clip(c·vᵢ, lo, hi) = 1 (zeros stay
 * zero), with lo = min(minWeight, 1/n) and hi = max(maxWeight, 1/n) over the n positive entries.
 * The sum is piecewise linear and non-decreasing in c, from n·lo ≤ 1 to n·hi ≥ 1; c is found on the
 * segment between its breakpoints (lo/vᵢ, hi/vᵢ) where it crosses 1.
 */
export function fitToBounds(v: readonly number[], minWeight: number, maxWeight: number): number[] {
  const active = v.filter((x) => x > 0);
  const n = active.length;
  if (n === 0) return v.map(() => 0);
  const lo = Math.min(minWeight, 1 / n);
  const hi = Math.max(maxWeight, 1 / n);
  const sumAt = (c: number) => active.reduce((s, x) => s + clip(c * x, lo, hi), 0);
  const breaks = active.flatMap((x) => [lo / x, hi / x]).sort((a, b) => a - b);
  let c = breaks[breaks.length - 1];
  let prev = 0;
  let gPrev = n * lo;
  for (const b of breaks) {
    const g = sumAt(b);
    if (g >= 1) {
      c = g > gPrev ? prev + ((1 - gPrev) * (b - prev)) / (g - gPrev) : b;
      break;
    }
    prev = b;
    gPrev = g;
  }
  return v.map((x) => (x > 0 ? clip(c * x, lo, hi) : 0));
}

function clip(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

function zeros(): FamilySkill {
  const z = {} as FamilySkill;
  for (const f of FAMILIES) z[f] = 0;
  return z;
}

function sameWeights(a: FamilyWeights, b: FamilyWeights): boolean {
  return FAMILIES.every((f) => a[f] === b[f]);
}
