import type { BotConfig } from "../config/schema";
import type { CompositeScore } from "./score";
import { marketExitRoundTripPct } from "./gates";
import type { ExitReason, Position } from "./types";

/** Signed return of the position at `price`, in percent of the entry price. */
export function movePct(p: Position, price: number): number {
  const m = ((price - p.entryPrice) / p.entryPrice) * 100;
  return p.side === "long" ? m : -m;
}

/**
 * The exit rule that fires now, if any, in priority order:
 * 1. stop-loss: a trade printed at or through the stop (ignores the minimum hold);
 * then, once the minimum hold has passed:
 * 2. take-profit by price (only when the TP is a market order; a post-only TP rests at the exchange);
 * 3. trailing stop: once the best move covered the round-trip fees of a market exit, a retrace of `trailingPct` from the peak;
 * 4. reversal: the opposite score above `oppositeScoreAbove`;
 * 5. score decay: the position's own score below `exitScoreBelow` while the move covers the round-trip fees of a market exit
 *    (the plan lists it as a take-profit: "TP at +0.3 % or score below 60");
 * 6. time exit after `maxHoldMs`.
 */
export function exitReason(
  p: Position,
  price: number,
  ts: number,
  score: CompositeScore | null,
  config: BotConfig,
): ExitReason | null {
  const x = config.exits;
  if (p.side === "long" ? price <= p.stopLoss : price >= p.stopLoss) return "stop_loss";
  if (ts - p.entryTs < x.minHoldMs) return null;
  const fees = marketExitRoundTripPct(config);
  if (
    config.execution.takeProfitOrder === "market" &&
    (p.side === "long" ? price >= p.takeProfit : price <= p.takeProfit)
  )
    return "take_profit";
  const peakMove = movePct(p, p.peakPrice);
  if (x.trailingPct > 0 && peakMove >= fees && peakMove - movePct(p, price) >= x.trailingPct) return "trailing_stop";
  if (score !== null) {
    const own = p.side === "long" ? score.long : score.short;
    const opposite = p.side === "long" ? score.short : score.long;
    if (opposite > x.oppositeScoreAbove) return "reversal";
    if (own < x.exitScoreBelow && movePct(p, price) >= fees) return "score_decay";
  }
  if (ts - p.entryTs >= x.maxHoldMs) return "time_exit";
  return null;
}
