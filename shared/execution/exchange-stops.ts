/**
 * The exchange-side stop-loss of a position as a port: a position stop plan at the exchange
 * (Bitget V2 `pos_loss` plan, UTA v3 `tpsl` strategy order in `full` mode) that closes the whole
 * position at market when the market trades through its trigger, whoever holds the position
 * then and whether or not the agent is running (issue #14: "every open position always has an
 * exchange-side stop-loss"). The live brokers implement it; the runner's stop guard drives it.
 * @module
 */
import type { PositionSide } from "./orders";

/** One stop-loss plan of a position, as the exchange lists it. */
export interface ExchangeStop {
  /** The exchange's plan id (a string, never a number). */
  readonly id: string;
  readonly clientOid: string | null;
  readonly symbol: string;
  /** The side of the position it closes. */
  readonly side: PositionSide;
  readonly triggerPrice: number;
}

/** A stop-loss to place on the position of `symbol`. */
export interface StopRequest {
  readonly symbol: string;
  /** The side of the position it closes. */
  readonly side: PositionSide;
  /** Rounded to the nearest tick by the broker (as the entry's preset stop is). */
  readonly triggerPrice: number;
  readonly clientOid: string;
}

/** Why the exchange refused a stop. */
export type StopRefusalReason =
  /** There is no position of that side to protect (it closed meanwhile). */
  | "no_position"
  /** The trigger is already reached (on the wrong side of the mark price): the stop would fire at once. */
  | "trigger_wrong_side"
  /** The plan to cancel does not exist (fired, cancelled, or the position closed). */
  | "unknown_stop"
  | "rate_limited"
  | "exchange_error";

/** A refusal, with the exchange's code and message in `detail`. */
export interface StopRefusal {
  readonly ok: false;
  readonly reason: StopRefusalReason;
  readonly detail: string;
}

/** The answer of placing a stop: the exchange's plan id, or the refusal. */
export type StopPlaceResult = { readonly ok: true; readonly id: string } | StopRefusal;

/** The answer of cancelling a stop. */
export type StopCancelResult = { readonly ok: true } | StopRefusal;

/** The exchange-side stops of a broker. Network failures and unknown outcomes throw. */
export interface StopPort {
  /** The stop-loss plans of the positions of `symbol` still pending at the exchange. */
  stops(symbol: string): Promise<readonly ExchangeStop[]>;
  placeStop(req: StopRequest): Promise<StopPlaceResult>;
  cancelStop(symbol: string, id: string): Promise<StopCancelResult>;
}

/** True when `stop` closes a position of `side` at `triggerPrice` within one tick. */
export function stopMatches(stop: ExchangeStop, side: PositionSide, triggerPrice: number, tick: number): boolean {
  return stop.side === side && Math.abs(stop.triggerPrice - triggerPrice) <= tick * (1 + 1e-9);
}
