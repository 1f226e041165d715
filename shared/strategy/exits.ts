import type { BotConfig } from "../config/schema";
import type { PositionSide } from "../execution/orders";
import type { CompositeScore } from "./score";
import type { ExitReason, Position } from "./types";

/** The best bid and ask as the features see them; null sides when there is no book (trade-only data). */
export interface Quote {
  readonly bestBid: number | null;
  readonly bestAsk: number | null;
}

/** A position's exit distances, percent of its entry price. */
export interface ExitDistances {
  readonly takeProfitPct: number;
  readonly stopLossPct: number;
  readonly trailingPct: number;
}

/**
 * The exit distances of a position decided now: the plan's fixed percentages, or with
 * `exits.scaling.mode: "volatility"` multiples of σ over the holding horizon,
 * σ_h = `returnStd1s` × √(horizonMs / 1000) (the fixed ones while σ is unknown).
 */
export function exitDistances(config: BotConfig, returnStd1s: number | null): ExitDistances {
  const x = config.exits;
  const v = x.scaling;
  if (v.mode === "fixed" || returnStd1s === null || !(returnStd1s > 0) || !Number.isFinite(returnStd1s))
    return { takeProfitPct: x.takeProfitPct, stopLossPct: x.stopLossPct, trailingPct: x.trailingPct };
  const sigmaPct = returnStd1s * Math.sqrt(v.horizonMs / 1000) * 100;
  return {
    takeProfitPct: v.takeProfitSigma * sigmaPct,
    stopLossPct: v.stopLossSigma * sigmaPct,
    trailingPct: v.trailingSigma * sigmaPct,
  };
}

/** Signed return of the position at `price`, in percent of the entry price. */
export function movePct(p: Position, price: number): number {
  const m = ((price - p.entryPrice) / p.entryPrice) * 100;
  return p.side === "long" ? m : -m;
}

/**
 * Where a market exit of a `side` position would trade now: the best bid for a long, the best ask
 * for a short (the half-spread crossed); without that side of the book, the last trade ∓ half the
 * assumed spread (`execution.tradeOnlySpreadBps`), as the simulated broker fills it.
 */
export function marketExitPrice(side: PositionSide, price: number, quote: Quote | null, config: BotConfig): number {
  const touch = side === "long" ? quote?.bestBid : quote?.bestAsk;
  if (touch !== null && touch !== undefined) return touch;
  const half = config.execution.tradeOnlySpreadBps / 20_000;
  return side === "long" ? price * (1 - half) : price * (1 + half);
}

/**
 * Net result of closing the position at market at `exitPrice`, in percent of its entry notional:
 * the move from the entry's actual fill price (so the entry's slippage against the reference and the
 * spread it crossed are in it), minus the fees the position actually paid (taker if its entry took
 * liquidity, maker if it rested), minus a taker fee on the exit. Not the config's assumed round trip.
 */
export function netExitPct(p: Position, exitPrice: number, config: BotConfig): number {
  const notional = p.entryPrice * p.size;
  const paidPct = notional > 0 ? (p.fees / notional) * 100 : 0;
  const exitFeePct = (config.fees.takerPct * exitPrice) / p.entryPrice;
  return movePct(p, exitPrice) - paidPct - exitFeePct;
}

/**
 * The scores the exit rules read, asked for only when a rule gets to them: most exit checks end
 * before (the minimum hold, a price rule), and while closing would not cover the position's costs
 * the only scored rule is the reversal, which an exact bound on the opposite side settles without
 * scoring in full.
 */
export interface ExitScores {
  /** The composite scores now. */
  score(): CompositeScore;
  /** True only when `side`'s score is certainly at most `level` (exact); false decides nothing. */
  cannotExceed(side: PositionSide, level: number): boolean;
}

/**
 * The exit rule that fires now, if any, in priority order:
 * 1. stop-loss: a trade printed at or through the stop (ignores the minimum hold);
 * then, once the minimum hold has passed:
 * 2. take-profit by price (only when the TP is a market order; a post-only TP rests at the exchange);
 * 3. trailing stop: a retrace of the position's `trailingPct` (else `exits.trailingPct`) from the peak;
 * 4. reversal: the opposite score above `oppositeScoreAbove`;
 * 5. score decay: the position's own score below `exitScoreBelow` (the plan lists it as a
 *    take-profit: "TP at +0.3 % or score below 60");
 * 6. time exit after `maxHoldMs`.
 * Exits taken as profit (2, 3, 5) fire only while closing at market now would net ≥ 0 after
 * everything the position paid and the exit would pay ({@link netExitPct} at {@link marketExitPrice});
 * stop-loss, reversal and time exits are risk exits and never wait for it.
 */
export function exitReason(
  p: Position,
  price: number,
  ts: number,
  scores: CompositeScore | ExitScores | null,
  config: BotConfig,
  quote: Quote | null = null,
): ExitReason | null {
  const x = config.exits;
  if (p.side === "long" ? price <= p.stopLoss : price >= p.stopLoss) return "stop_loss";
  if (ts - p.entryTs < x.minHoldMs) return null;
  const covered = netExitPct(p, marketExitPrice(p.side, price, quote, config), config) >= 0;
  if (
    covered &&
    config.execution.takeProfitOrder === "market" &&
    (p.side === "long" ? price >= p.takeProfit : price <= p.takeProfit)
  )
    return "take_profit";
  const trailing = p.trailingPct ?? x.trailingPct;
  if (covered && trailing > 0 && movePct(p, p.peakPrice) - movePct(p, price) >= trailing) return "trailing_stop";
  // Not covered, the reversal is the only scored rule: the opposite side's bound may settle it.
  if (
    scores !== null &&
    (covered || !("score" in scores) || !scores.cannotExceed(otherSide(p.side), x.oppositeScoreAbove))
  ) {
    const score = "score" in scores ? scores.score() : scores;
    const own = p.side === "long" ? score.long : score.short;
    const opposite = p.side === "long" ? score.short : score.long;
    if (opposite > x.oppositeScoreAbove) return "reversal";
    if (covered && own < x.exitScoreBelow) return "score_decay";
  }
  if (ts - p.entryTs >= x.maxHoldMs) return "time_exit";
  return null;
}

function otherSide(side: PositionSide): PositionSide {
  return side === "long" ? "short" : "long";
}
