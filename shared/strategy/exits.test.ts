import { describe, expect, it } from "vitest";
import { defaultConfig } from "../config/config";
import { type ExitScores, exitDistances, exitReason } from "./exits";
import { lcg } from "../research/prng";
import type { CompositeScore } from "./score";
import { type Position, zeroSubScores } from "./types";

const config = defaultConfig();
const T = 1_700_000_000_000;
const neutral: CompositeScore = { long: 65, short: 10, agreeLong: 3, agreeShort: 0 };
const decayed: CompositeScore = { long: 50, short: 20, agreeLong: 1, agreeShort: 0 };
/** Fees paid by the test position (0.01 at 100): a maker entry 0.02 %, a taker entry 0.06 %. */
const makerFee = (100 * 0.01 * 0.02) / 100;
const takerFee = (100 * 0.01 * 0.06) / 100;

function long(overrides: Partial<Position> = {}): Position {
  return {
    symbol: "BTCUSDT",
    side: "long",
    size: 0.01,
    entryPrice: 100,
    entryTs: T,
    peakPrice: 100,
    fees: makerFee,
    slippage: 0,
    realized: 0,
    entryScore: 85,
    entrySubScores: zeroSubScores(),
    configVersion: "v-test",
    stopLoss: 99.88,
    takeProfit: 100.3,
    ...overrides,
  };
}

describe("exit rules", () => {
  it("stops out at the stop price even inside the minimum hold", () => {
    expect(exitReason(long(), 99.88, T + 100, neutral, config)).toBe("stop_loss");
    expect(exitReason(long(), 99.89, T + 100, neutral, config)).toBeNull();
  });

  it("stops out a short when price rises to its stop", () => {
    const short = long({ side: "short", stopLoss: 100.12, takeProfit: 99.7 });
    expect(exitReason(short, 100.12, T + 100, { ...neutral, long: 10, short: 65 }, config)).toBe("stop_loss");
  });

  it("holds for the minimum hold before any other exit", () => {
    const reversal: CompositeScore = { long: 10, short: 90, agreeLong: 0, agreeShort: 6 };
    expect(exitReason(long(), 100, T + 4_999, reversal, config)).toBeNull();
    expect(exitReason(long(), 100, T + 5_000, reversal, config)).toBe("reversal");
  });

  it("trails 0.1 % from the peak once the best move covered the round-trip fees", () => {
    expect(exitReason(long({ peakPrice: 100.2 }), 100.1, T + 6_000, neutral, config)).toBe("trailing_stop");
    expect(exitReason(long({ peakPrice: 100.2 }), 100.11, T + 6_000, neutral, config)).toBeNull();
    expect(exitReason(long({ peakPrice: 100.03 }), 99.93, T + 6_000, neutral, config)).toBeNull();
  });

  it("takes profit on score decay only when closing at market would net ≥ 0 after the maker entry fee, the half-spread and a taker exit", () => {
    // Maker entry (0.02 %), no book: the exit sells at the last trade − 1 bp and pays 0.06 %.
    expect(exitReason(long(), 100.091, T + 6_000, decayed, config)).toBe("score_decay");
    expect(exitReason(long(), 100.089, T + 6_000, decayed, config)).toBeNull();
  });

  it("does not take as profit a decayed position entered as taker whose gain covers maker + taker fees but not taker + taker", () => {
    // +0.1 % gross covers the config's assumed round trip (0.02 + 0.06 %) but not what this
    // position paid: a taker entry (0.06 %), plus the half-spread and a taker fee to get out.
    const taker = long({ fees: takerFee });
    expect(exitReason(taker, 100.1, T + 6_000, decayed, config)).toBeNull();
    expect(exitReason(taker, 100.131, T + 6_000, decayed, config)).toBe("score_decay");
  });

  it("counts the spread a market exit crosses: a long's decay exit is priced at the best bid, not the last trade", () => {
    const quote = { bestBid: 100.07, bestAsk: 100.12 };
    expect(exitReason(long(), 100.12, T + 6_000, decayed, config, quote)).toBeNull();
    expect(exitReason(long(), 100.12, T + 6_000, decayed, config, { ...quote, bestBid: 100.081 })).toBe("score_decay");
  });

  it("prices a short's market exit at the best ask", () => {
    const short = long({ side: "short", stopLoss: 100.12, takeProfit: 99.7 });
    const shortDecayed: CompositeScore = { long: 20, short: 50, agreeLong: 0, agreeShort: 1 };
    expect(exitReason(short, 99.88, T + 6_000, shortDecayed, config, { bestBid: 99.88, bestAsk: 99.93 })).toBeNull();
    expect(exitReason(short, 99.88, T + 6_000, shortDecayed, config, { bestBid: 99.88, bestAsk: 99.919 })).toBe(
      "score_decay",
    );
  });

  it("does not label a trailing retrace that would close at a net loss as a trailing stop", () => {
    expect(exitReason(long({ fees: takerFee, peakPrice: 100.2 }), 100.1, T + 6_000, neutral, config)).toBeNull();
  });

  it("still takes the risk exits at a loss: reversal and time", () => {
    const reversal: CompositeScore = { long: 10, short: 90, agreeLong: 0, agreeShort: 6 };
    expect(exitReason(long({ fees: takerFee }), 99.95, T + 6_000, reversal, config)).toBe("reversal");
    expect(exitReason(long({ fees: takerFee }), 99.95, T + 600_000, neutral, config)).toBe("time_exit");
  });

  it("exits on time after ten minutes", () => {
    expect(exitReason(long(), 100, T + 599_999, neutral, config)).toBeNull();
    expect(exitReason(long(), 100, T + 600_000, neutral, config)).toBe("time_exit");
  });

  it("takes profit by price only when the take-profit is a market order", () => {
    expect(exitReason(long({ peakPrice: 100.3 }), 100.3, T + 6_000, neutral, config)).toBeNull();
    const market = { ...config, execution: { ...config.execution, takeProfitOrder: "market" as const } };
    expect(exitReason(long({ peakPrice: 100.3 }), 100.3, T + 6_000, neutral, market)).toBe("take_profit");
  });
});

/** Scores handed over lazily, counting how often they are read and bounded; the bound answers exactly. */
function lazyScores(score: CompositeScore, bound = true): ExitScores & { reads: number; bounds: number } {
  return {
    reads: 0,
    bounds: 0,
    score() {
      this.reads++;
      return score;
    },
    cannotExceed(side, level) {
      this.bounds++;
      return bound && score[side] <= level;
    },
  };
}

describe("exit rules with lazy scores", () => {
  it("read no score inside the minimum hold nor when a price rule fires", () => {
    const reversal = lazyScores({ long: 10, short: 90, agreeLong: 0, agreeShort: 6 });
    expect(exitReason(long(), 100, T + 4_999, reversal, config)).toBeNull();
    expect(exitReason(long(), 99.88, T + 6_000, reversal, config)).toBe("stop_loss");
    expect(exitReason(long({ peakPrice: 100.2 }), 100.1, T + 6_000, reversal, config)).toBe("trailing_stop");
    expect(reversal.reads + reversal.bounds).toBe(0);
  });

  it("settle an uncovered position on the opposite side's bound alone, and score a covered one", () => {
    const quiet = lazyScores(decayed);
    expect(exitReason(long(), 100, T + 6_000, quiet, config)).toBeNull();
    expect(quiet.reads).toBe(0);
    expect(exitReason(long(), 100.091, T + 6_000, quiet, config)).toBe("score_decay");
    expect(quiet.reads).toBe(1);
  });

  it("give the reason the scores themselves give, whatever the bound answers", () => {
    const rand = lcg(11);
    for (let i = 0; i < 5_000; i++) {
      const score: CompositeScore = { long: rand() * 100, short: rand() * 100, agreeLong: 0, agreeShort: 0 };
      const side = rand() < 0.5 ? "long" : "short";
      const p = long(side === "long" ? {} : { side, stopLoss: 100.12, takeProfit: 99.7 });
      const price = 99.9 + rand() * 0.2;
      const ts = T + rand() * 700_000;
      const want = exitReason(p, price, ts, score, config);
      expect(exitReason(p, price, ts, lazyScores(score), config)).toBe(want);
      expect(exitReason(p, price, ts, lazyScores(score, false), config)).toBe(want);
    }
  });
});

describe("exit distances", () => {
  it("are the plan's fixed percentages by default, whatever the volatility", () => {
    expect(exitDistances(config, 0.0002)).toEqual({ takeProfitPct: 0.3, stopLossPct: 0.12, trailingPct: 0.1 });
  });

  it("are multiples of σ over the holding horizon in volatility mode", () => {
    const vol = {
      ...config,
      exits: {
        ...config.exits,
        scaling: {
          mode: "volatility" as const,
          horizonMs: 100_000,
          takeProfitSigma: 3,
          stopLossSigma: 1.5,
          trailingSigma: 1,
        },
      },
    };
    // σ(1 s) = 1 bp → σ over 100 s = 10 bps = 0.1 %.
    const d = exitDistances(vol, 0.0001);
    expect(d.takeProfitPct).toBeCloseTo(0.3, 12);
    expect(d.stopLossPct).toBeCloseTo(0.15, 12);
    expect(d.trailingPct).toBeCloseTo(0.1, 12);
    expect(exitDistances(vol, null)).toEqual({ takeProfitPct: 0.3, stopLossPct: 0.12, trailingPct: 0.1 });
  });

  it("trails by the position's own distance when it has one", () => {
    const p = long({ peakPrice: 100.3, trailingPct: 0.05 });
    expect(exitReason(p, 100.24, T + 6_000, neutral, config)).toBe("trailing_stop");
    expect(exitReason(long({ peakPrice: 100.3 }), 100.24, T + 6_000, neutral, config)).toBeNull();
  });
});
