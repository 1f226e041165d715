import { describe, expect, it } from "vitest";
import { WeightsConfig, type FamilyWeights } from "../config/schema";
import { FAMILIES, type ClosedTrade, type SubScores } from "./types";
import { familySkill, fitToBounds, WeightLearner, type LearningSettings, type WeightChange } from "./weight-learner";
import { mulberry32 } from "../research/prng";

const DEFAULTS: FamilyWeights = WeightsConfig.parse({});
const LEARNING: LearningSettings = {
  enabled: true,
  everyTrades: 100,
  learningRate: 0.1,
  minWeight: 0.02,
  maxWeight: 0.4,
};
const T0 = 1_700_000_000_000;

function closed(i: number, side: "long" | "short", netPnl: number, subScores: SubScores): ClosedTrade {
  return {
    id: `T:${i}`,
    symbol: "BTCUSDT",
    side,
    entryTime: T0 + i * 60_000,
    exitTime: T0 + i * 60_000 + 30_000,
    entryPrice: 100,
    exitPrice: 100,
    size: 1,
    entryScore: 80,
    subScores,
    exitReason: "take_profit",
    holdSeconds: 30,
    grossPnl: netPnl,
    fees: 0,
    slippage: 0,
    netPnl,
    configVersion: "v-test",
  };
}

/**
 * Trades of a market where orderFlow's entry sub-score points to the side that wins, liquiditySweep's
 * points to the side that loses, rsi is noise and every other family votes a constant 0.3 for the side taken.
 */
function market(seed: number, count: number): ClosedTrade[] {
  const rand = mulberry32(seed);
  return Array.from({ length: count }, (_, i) => {
    const side = rand() < 0.5 ? "long" : "short";
    const d = side === "long" ? 1 : -1;
    const win = rand() < 0.5 ? 1 : -1;
    const sub = {} as SubScores;
    for (const f of FAMILIES) sub[f] = 0.3 * d;
    sub.orderFlow = d * win * (0.2 + 0.8 * rand());
    sub.liquiditySweep = -d * win * (0.2 + 0.8 * rand());
    sub.rsi = 2 * rand() - 1;
    return closed(i, side, win * (1 + rand()), sub);
  });
}

function feed(l: WeightLearner, trades: readonly ClosedTrade[]): WeightChange[] {
  const out: WeightChange[] = [];
  for (const t of trades) {
    const c = l.observe(t);
    if (c) out.push(c);
  }
  return out;
}

function sum(w: FamilyWeights): number {
  return FAMILIES.reduce((s, f) => s + w[f], 0);
}

describe("WeightLearner", () => {
  it("changes nothing before everyTrades closed trades, then reports the round", () => {
    const l = new WeightLearner({ learning: LEARNING, initial: DEFAULTS });
    const trades = market(1, 100);
    for (const t of trades.slice(0, 99)) {
      expect(l.observe(t)).toBeNull();
      expect(l.weights).toEqual(DEFAULTS);
    }
    expect(l.changes).toEqual([]);
    const change = l.observe(trades[99]);
    expect(change).toMatchObject({ at: trades[99].exitTime, trades: 100, before: DEFAULTS });
    expect(l.weights).toBe(change?.after);
    expect(l.changes).toEqual([change]);
  });

  it("moves weight to the family that predicts outcomes and away from the noisy and the misleading ones", () => {
    const l = new WeightLearner({ learning: LEARNING, initial: DEFAULTS });
    const changes = feed(l, market(2, 3000));
    expect(changes).toHaveLength(30);
    for (const c of changes) {
      expect(c.skill.orderFlow).toBeGreaterThan(0.5);
      expect(c.skill.liquiditySweep).toBeLessThan(-0.5);
      expect(Math.abs(c.skill.rsi)).toBeLessThan(0.35);
      expect(c.skill.ema).toBe(0);
    }
    expect(changes[0].after.orderFlow).toBeGreaterThan(DEFAULTS.orderFlow);
    expect(changes[0].after.liquiditySweep).toBeLessThan(DEFAULTS.liquiditySweep);
    expect(l.weights.orderFlow).toBeCloseTo(LEARNING.maxWeight, 12);
    expect(l.weights.liquiditySweep).toBeCloseTo(LEARNING.minWeight, 12);
    expect(l.weights.rsi).toBeLessThan(DEFAULTS.rsi);
  });

  it("keeps every weight within the bounds, sums them to 1 and moves each by at most e^(±2η) per round", () => {
    for (const learningRate of [0.05, 0.1, 0.5, 1]) {
      const learning = { ...LEARNING, learningRate, everyTrades: 50 };
      const changes = feed(new WeightLearner({ learning, initial: DEFAULTS }), market(3, 1500));
      expect(changes).toHaveLength(30);
      for (const c of changes) {
        expect(sum(c.after)).toBeCloseTo(1, 12);
        for (const f of FAMILIES) {
          expect(c.after[f]).toBeGreaterThanOrEqual(learning.minWeight - 1e-12);
          expect(c.after[f]).toBeLessThanOrEqual(learning.maxWeight + 1e-12);
          expect(Math.abs(Math.log(c.after[f] / c.before[f]))).toBeLessThanOrEqual(2 * learningRate + 1e-12);
        }
      }
      for (let i = 1; i < changes.length; i++) expect(changes[i].before).toBe(changes[i - 1].after);
    }
  });

  it("takes bigger steps with a bigger learning rate", () => {
    const first = (learningRate: number) =>
      feed(new WeightLearner({ learning: { ...LEARNING, learningRate }, initial: DEFAULTS }), market(4, 100))[0];
    const slow = first(0.05);
    const fast = first(0.2);
    expect(fast.skill).toEqual(slow.skill);
    expect(fast.after.orderFlow - DEFAULTS.orderFlow).toBeGreaterThan(slow.after.orderFlow - DEFAULTS.orderFlow);
    expect(slow.after.orderFlow).toBeGreaterThan(DEFAULTS.orderFlow);
  });

  it("leaves the weights where they are when every trade of the round had the same outcome", () => {
    const l = new WeightLearner({ learning: LEARNING, initial: DEFAULTS });
    const wins = market(5, 100).map((t, i) => closed(i, t.side, Math.abs(t.netPnl), t.subScores));
    const [change] = feed(l, wins);
    for (const f of FAMILIES) {
      expect(change.skill[f]).toBe(0);
      expect(change.after[f]).toBeCloseTo(DEFAULTS[f], 12);
    }
  });

  it("keeps families configured at weight 0 switched off", () => {
    const initial = { ...DEFAULTS, rsi: 0, orderFlow: 0 };
    const l = new WeightLearner({ learning: LEARNING, initial });
    feed(l, market(6, 500));
    expect(l.weights.rsi).toBe(0);
    expect(l.weights.orderFlow).toBe(0);
    expect(sum(l.weights)).toBeCloseTo(1, 12);
  });

  it("ignores trades whose netPnl is not finite", () => {
    const l = new WeightLearner({ learning: LEARNING, initial: DEFAULTS });
    const t = market(7, 1)[0];
    expect(l.observe({ ...t, netPnl: Number.NaN })).toBeNull();
    expect(l.trades).toBe(0);
  });

  it("round-trips its state through JSON in the middle of a round", () => {
    const trades = market(8, 400);
    const a = new WeightLearner({ learning: LEARNING, initial: DEFAULTS });
    feed(a, trades.slice(0, 250));
    const b = WeightLearner.restore(JSON.parse(JSON.stringify(a.getState())), {
      learning: LEARNING,
      initial: DEFAULTS,
    });
    expect(b.weights).toEqual(a.weights);
    expect(b.trades).toBe(250);
    expect(b.changes).toEqual(a.changes);
    expect(feed(b, trades.slice(250))).toEqual(feed(a, trades.slice(250)));
    expect(b.getState()).toEqual(a.getState());
  });

  it("resumes a state learnt from the same configured weights, and starts over for re-weighted ones", () => {
    const a = new WeightLearner({ learning: LEARNING, initial: DEFAULTS });
    feed(a, market(9, 150));
    const state = a.getState();
    expect(WeightLearner.resume({ learning: LEARNING, initial: DEFAULTS }, state).weights).toEqual(a.weights);
    const reweighted = { ...DEFAULTS, rsi: 0.2, macd: 0.1 };
    const fresh = WeightLearner.resume({ learning: LEARNING, initial: reweighted }, state);
    expect(fresh.weights).toEqual(reweighted);
    expect(fresh.trades).toBe(0);
  });

  it("keeps only the most recent logLimit changes", () => {
    const l = new WeightLearner({ learning: { ...LEARNING, everyTrades: 10 }, initial: DEFAULTS, logLimit: 3 });
    const all = feed(l, market(10, 100));
    expect(all).toHaveLength(10);
    expect(l.changes).toEqual(all.slice(-3));
    expect(WeightLearner.restore(l.getState(), { learning: LEARNING, initial: DEFAULTS, logLimit: 2 }).changes).toEqual(
      all.slice(-2),
    );
  });
});

describe("familySkill", () => {
  it("is the Pearson correlation of each family's directed sub-score with the outcome", () => {
    const x = [1, -1, 0.5, -0.5];
    const y = [1, -1, 1, -1];
    const signals = x.flatMap((v) => FAMILIES.map((f) => (f === "macd" ? v : f === "vwap" ? -v : 0.4)));
    const skill = familySkill(signals, y);
    expect(skill.macd).toBeCloseTo(3 / Math.sqrt(2.5 * 4), 12);
    expect(skill.vwap).toBeCloseTo(-3 / Math.sqrt(2.5 * 4), 12);
    expect(skill.rsi).toBe(0);
  });

  it("is zero for every family with fewer than two trades", () => {
    const skill = familySkill(
      FAMILIES.map(() => 1),
      [1],
    );
    for (const f of FAMILIES) expect(skill[f]).toBe(0);
  });
});

describe("fitToBounds", () => {
  it("scales the free weights by one factor, pins the rest to the bounds, and sums to 1", () => {
    const rand = mulberry32(11);
    for (let k = 0; k < 200; k++) {
      const v = Array.from({ length: 9 }, () => (rand() < 0.1 ? 0 : rand() ** 3));
      if (v.every((x) => x === 0)) continue;
      const w = fitToBounds(v, 0.02, 0.3);
      const n = v.filter((x) => x > 0).length;
      const lo = Math.min(0.02, 1 / n);
      const hi = Math.max(0.3, 1 / n);
      expect(w.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
      const ratios: number[] = [];
      v.forEach((x, i) => {
        if (x === 0) return expect(w[i]).toBe(0);
        expect(w[i]).toBeGreaterThanOrEqual(lo - 1e-12);
        expect(w[i]).toBeLessThanOrEqual(hi + 1e-12);
        if (w[i] > lo + 1e-12 && w[i] < hi - 1e-12) ratios.push(w[i] / x);
      });
      for (const r of ratios) expect(r / ratios[0]).toBeCloseTo(1, 9);
      v.forEach((x, i) =>
        v.forEach((y, j) => x > 0 && y > 0 && x < y && expect(w[i]).toBeLessThanOrEqual(w[j] + 1e-15)),
      );
    }
  });

  it("widens bounds that cannot sum to 1 to include 1/n", () => {
    expect(fitToBounds([0.5, 0.2, 0.3, 0.1], 0.02, 0.1)).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(fitToBounds([0.5, 0.2], 0.6, 0.9)).toEqual([0.5, 0.5]);
  });

  it("leaves normalised weights within the bounds as they are", () => {
    const v = FAMILIES.map((f) => DEFAULTS[f]);
    fitToBounds(v, 0.02, 0.4).forEach((w, i) => expect(w).toBeCloseTo(v[i], 12));
  });
});
