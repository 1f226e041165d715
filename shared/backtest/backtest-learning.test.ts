import { describe, expect, it } from "vitest";
import { parseConfig } from "../config/config";
import type { BotConfig, BotConfigInput } from "../config/schema";
import { decodePublicPush } from "../exchange/bitget/public-codec";
import type { MarketEvent } from "../market/events";
import { defaultInstrument } from "../market/instruments";
import { StrategyEngine } from "../strategy/engine";
import { FAMILIES, type ClosedTrade } from "../strategy/types";
import { familySkill, WeightLearner } from "../strategy/weight-learner";
import { Backtest, type BacktestRun } from "./backtest";
import { generate } from "./synthetic-market";

const START = 1_700_000_000_000;
const EVERY = 10;

/** Gates wide open and short holds, so that the generated market trades often: this tests the wiring, not the strategy. */
const permissive: BotConfigInput = {
  symbols: ["BTCUSDT"],
  gates: { minScore: 0, minAgreeing: 0, minVolumeRatio: 0, minExpectedMoveFeeMultiple: 0 },
  exits: { maxHoldMs: 20_000, minHoldMs: 1_000, takeProfitPct: 0.05, stopLossPct: 0.05 },
};

function config(learning: boolean): BotConfig {
  const r = parseConfig({ ...permissive, learning: { enabled: learning, everyTrades: EVERY, learningRate: 0.3 } });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.config;
}

const events: MarketEvent[] = [];
for (const p of generate({ symbols: ["BTCUSDT"], startMs: START, seed: 5, minutes: 15 })) {
  const d = decodePublicPush(p.m);
  if (d.ok) events.push(...d.events);
}

function backtest(learning: boolean): BacktestRun {
  const bt = new Backtest({ config: config(learning), configVersion: "v-test", capital: 1000 });
  for (const e of events) bt.onEvent(e);
  return bt.finish();
}

/** Directed entry sub-scores, nine per trade, and sign(netPnl): the learner's inputs, rebuilt from the ledger. */
function inputs(trades: readonly ClosedTrade[]) {
  return {
    signals: trades.flatMap((t) => FAMILIES.map((f) => t.subScores[f] * (t.side === "long" ? 1 : -1))),
    outcomes: trades.map((t) => Math.sign(t.netPnl)),
  };
}

const run = backtest(true);

describe("Backtest with online weight learning (generated market, one engine-level run)", () => {
  it("changes the weights every everyTrades closed trades and logs each change with before and after", () => {
    expect(run.trades.length).toBeGreaterThanOrEqual(3 * EVERY);
    expect(run.weightChanges).toHaveLength(Math.floor(run.trades.length / EVERY));
    const configured = config(true).weights;
    run.weightChanges.forEach((c, k) => {
      const round = run.trades.slice(k * EVERY, (k + 1) * EVERY);
      expect(c).toMatchObject({ symbol: "BTCUSDT", trades: (k + 1) * EVERY, at: round[EVERY - 1].exitTime });
      expect(c.before).toEqual(k === 0 ? configured : run.weightChanges[k - 1].after);
      const { signals, outcomes } = inputs(round);
      expect(c.skill).toEqual(familySkill(signals, outcomes));
      expect(FAMILIES.reduce((s, f) => s + c.after[f], 0)).toBeCloseTo(1, 12);
      expect(FAMILIES.some((f) => Math.abs(c.after[f] - c.before[f]) > 1e-6)).toBe(true);
    });
  });

  it("is deterministic: the same events give the same trades and the same changes", () => {
    const again = backtest(true);
    expect(again.trades).toEqual(run.trades);
    expect(again.weightChanges).toEqual(run.weightChanges);
  });

  it("trades as without learning until the first round, then scores with the learnt weights", () => {
    const off = backtest(false);
    expect(off.weightChanges).toEqual([]);
    expect(run.trades.slice(0, EVERY)).toEqual(off.trades.slice(0, EVERY));
    const later = (r: BacktestRun) => r.trades.slice(EVERY).map((t) => [t.entryTime, t.side, t.entryScore]);
    expect(later(run)).not.toEqual(later(off));
  });
});

describe("StrategyEngine with online weight learning", () => {
  const instrument = defaultInstrument("BTCUSDT");
  const make = (cfg: BotConfig, state?: ConstructorParameters<typeof StrategyEngine>[1]) =>
    new StrategyEngine(
      { symbol: "BTCUSDT", config: cfg, configVersion: "v-test", instrument, equity: () => 1000 },
      state,
    );
  const trades = run.trades;

  it("keeps the learner in its state, so a restored engine scores with the learnt weights", () => {
    const cfg = config(true);
    const learner = new WeightLearner({ learning: cfg.learning, initial: cfg.weights });
    for (const t of trades.slice(0, 2 * EVERY + 3)) learner.observe(t);
    const engine = make(cfg, { ...make(cfg).getState(), learner: learner.getState() });
    expect(engine.weights).toEqual(learner.weights);
    expect(engine.weights).not.toEqual(cfg.weights);
    expect(engine.weightChanges).toEqual(learner.changes);
    expect(engine.status().learning).toEqual({
      weights: learner.weights,
      trades: 2 * EVERY + 3,
      changes: learner.changes,
    });
    const restored = make(cfg, JSON.parse(JSON.stringify(engine.getState())));
    expect(restored.getState().learner).toEqual(engine.getState().learner);
    expect(restored.weights).toEqual(learner.weights);
  });

  it("shows no learner in its state or status with learning off, and scores with the configured weights", () => {
    const cfg = config(false);
    const engine = make(cfg);
    expect("learner" in engine.getState()).toBe(false);
    expect("learning" in engine.status()).toBe(false);
    expect(engine.weights).toBe(cfg.weights);
    expect(engine.weightChanges).toEqual([]);
  });
});
