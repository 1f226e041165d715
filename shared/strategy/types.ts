import type { OrderType, PositionSide } from "../execution/orders";

/** The nine indicator families of the plan, in the order of its weight table. */
export const FAMILIES = [
  "rsi",
  "macd",
  "bollinger",
  "ema",
  "vwap",
  "orderFlow",
  "priceAction",
  "liquiditySweep",
  "tickMomentum",
] as const;

/** One of the nine families. */
export type Family = (typeof FAMILIES)[number];

/** Directional sub-score per family, in [−1, 1]: positive favours a long, negative a short. */
export type SubScores = Record<Family, number>;

/** Every family at 0: no family leans either way (a position the strategy did not score, a fixture). */
export function zeroSubScores(): SubScores {
  return Object.fromEntries(FAMILIES.map((f) => [f, 0])) as SubScores;
}

/**
 * Every reason a position can close for: the plan's exits, the kill switch, the daily-loss flatten,
 * the end of a backtest's data, and a close the exchange made that was none of them (a manual order,
 * a liquidation: `exchange_close`).
 */
export const EXIT_REASONS = [
  "take_profit",
  "score_decay",
  "stop_loss",
  "trailing_stop",
  "time_exit",
  "reversal",
  "flatten",
  "daily_loss_flatten",
  "end_of_data",
  "exchange_close",
] as const;

/** Why a position was closed. */
export type ExitReason = (typeof EXIT_REASONS)[number];

/** One entry gate with its measured value and threshold. `unknown` fails closed unless configured otherwise. */
export interface GateResult {
  readonly name: string;
  readonly status: "pass" | "fail" | "unknown" | "off";
  readonly value: number | string | null;
  readonly threshold: number | string;
  /** Human-readable rule, e.g. "score >= 80". */
  readonly rule: string;
}

/** Everything behind a decision: every sub-score, both composite scores and every gate. */
export interface Reasoning {
  readonly ts: number;
  readonly price: number | null;
  readonly subScores: SubScores;
  readonly longScore: number;
  readonly shortScore: number;
  /** Families agreeing with the side considered. */
  readonly agreeing: number;
  readonly side: PositionSide | null;
  readonly gates: readonly GateResult[];
}

/** An open position as the engine tracks it. */
export interface Position {
  readonly symbol: string;
  readonly side: PositionSide;
  /** Size in base coin currently open. */
  size: number;
  /** Volume-weighted entry price. */
  entryPrice: number;
  /** Time of the first entry fill. */
  entryTs: number;
  /** Best price seen since entry (highest for a long, lowest for a short). */
  peakPrice: number;
  /** Fees paid so far on this position (entry and any partial exits). */
  fees: number;
  /** Slippage paid so far, quote currency. */
  slippage: number;
  /** Realised gross PnL of partial exits so far. */
  realized: number;
  /** Score and sub-scores at entry. */
  readonly entryScore: number;
  readonly entrySubScores: SubScores;
  readonly configVersion: string;
  readonly stopLoss: number;
  readonly takeProfit: number;
  /** Trailing distance, percent, set at entry (volatility-scaled exits); absent: `exits.trailingPct`. */
  readonly trailingPct?: number;
}

/** What the engine wants done. Intents carry their reasoning; the shells turn them into orders. */
export type Intent =
  | {
      readonly kind: "enter";
      readonly symbol: string;
      readonly side: PositionSide;
      readonly ts: number;
      readonly clientOid: string;
      readonly orderType: OrderType;
      readonly price: number;
      readonly size: number;
      readonly stopLoss: number;
      readonly takeProfit: number;
      readonly reasoning: Reasoning;
    }
  | {
      readonly kind: "exit";
      readonly symbol: string;
      readonly side: PositionSide;
      readonly ts: number;
      readonly clientOid: string;
      readonly orderType: OrderType;
      /** Limit price for a post-only exit (the take-profit), else the reference price. */
      readonly price: number;
      readonly size: number;
      readonly reason: ExitReason;
      readonly reasoning: Reasoning | null;
    }
  | {
      readonly kind: "cancel";
      readonly symbol: string;
      readonly ts: number;
      readonly clientOid: string;
      readonly why: "entry_timeout" | "replaced_by_exit" | "stop";
    };

/** A closed round trip: what the ledger stores and the metrics read. */
export interface ClosedTrade {
  readonly id: string;
  readonly symbol: string;
  readonly side: PositionSide;
  readonly entryTime: number;
  readonly exitTime: number;
  readonly entryPrice: number;
  readonly exitPrice: number;
  readonly size: number;
  readonly entryScore: number;
  readonly subScores: SubScores;
  readonly exitReason: ExitReason;
  readonly holdSeconds: number;
  /** (exit − entry) × size for a long, the opposite for a short; fills at their real prices. */
  readonly grossPnl: number;
  readonly fees: number;
  /** Paid against the decision's reference price; already inside grossPnl, reported for monitoring. */
  readonly slippage: number;
  /** grossPnl − fees. */
  readonly netPnl: number;
  readonly configVersion: string;
}
