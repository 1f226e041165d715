/**
 * Result and error types of the local venue's exchange core, and the Bitget error each refusal
 * maps to (bitget-v2.md §5). Codes §5 documents are used as documented; where §5 has none the
 * closest documented one is used (`40020` parameter error), except `40757` (not enough position),
 * which is Bitget's real code for a reduce-only order without a position to reduce.
 * @module
 */

/** A refusal as the server sends it: HTTP status and Bitget's `code`/`msg` envelope fields. */
export interface CoreError {
  readonly http: number;
  readonly code: string;
  readonly msg: string;
}

/** Bitget-shaped success `data`, or the refusal. */
export type CoreResult<T> = { ok: true; data: T } | { ok: false; error: CoreError };

/** A success result. */
export function ok<T>(data: T): CoreResult<T> {
  return { ok: true, data };
}

/** A failure result. */
export function fail<T = never>(error: CoreError): CoreResult<T> {
  return { ok: false, error };
}

function e400(code: string, msg: string): CoreError {
  return { http: 400, code, msg };
}

/** The refusals of the core, one function per Bitget code. */
export const CoreErrors = {
  /** 429: more than `ordersPerSecond` place-order calls in one second (§5). */
  tooManyRequests: (): CoreError => ({ http: 429, code: "429", msg: "Too Many Requests" }),
  /** 40019: a required field is missing. */
  paramEmpty: (name: string): CoreError => e400("40019", `Parameter ${name} cannot be empty`),
  /** 40020: a field has a value the venue does not accept. */
  paramError: (detail: string): CoreError => e400("40020", `Parameter error: ${detail}`),
  /** 40102: unknown symbol. */
  symbolNotFound: (symbol: string): CoreError => e400("40102", `The contract configuration does not exist: ${symbol}`),
  /** 40808: size not a multiple of the size step. */
  sizeScale: (value: string, scale: number): CoreError =>
    e400("40808", `Parameter verification exception size checkBDScale error value=${value} checkScale=${scale}`),
  /** 41103: price not a multiple of the tick. */
  priceScale: (field: string, value: string, scale: number): CoreError =>
    e400("41103", `param ${field} scale error value=${value} checkScale=${scale}`),
  /** 43006: size below `minTradeNum`. */
  sizeBelowMinimum: (min: string): CoreError =>
    e400("43006", `The order quantity is less than the minimum order quantity ${min}`),
  /** 45110: notional below `minTradeUSDT`. */
  notionalBelowMinimum: (min: string): CoreError => e400("45110", `less than the minimum order quantity ${min} USDT`),
  /** 40762: initial margin plus opening fee exceed the available balance. */
  insufficientBalance: (): CoreError => e400("40762", "The order amount exceeds the balance"),
  /** 43118: the clientOid was used before on this account. */
  duplicateClientOid: (): CoreError => e400("43118", "clientOrderId duplicate"),
  /** 40757: a reduce-only order (or flash close) without a position it could reduce. */
  noPosition: (): CoreError => e400("40757", "Not enough position is available."),
  /** 40774: hedge-mode `tradeSide: close` sent to a one-way account. */
  oneWayMismatch: (): CoreError =>
    e400("40774", "The order type for unilateral position must also be the unilateral position type."),
  /** 40020: a post_only order would take liquidity (§5 has no dedicated code). */
  postOnlyWouldCross: (): CoreError =>
    e400("40020", "Parameter error: post_only order would cross the book and take liquidity"),
  /** 40917: preset take-profit/stop-loss on the wrong side of the order's reference price. */
  presetWrongSide: (which: "take-profit" | "stop-loss"): CoreError =>
    e400("40917", `The ${which} price is on the wrong side of the order price`),
  /** 40020: no price is known yet for a market order (no book, no trade). */
  noMarketPrice: (symbol: string): CoreError => e400("40020", `Parameter error: no market price for ${symbol} yet`),
  /** 40917: a stop plan's trigger already reached (wrong side of the mark price, bitget-v2.md §5). */
  stopWrongSide: (holdSide: string, trigger: string, mark: string): CoreError =>
    e400(
      "40917",
      `The stop-loss price ${trigger} of the ${holdSide} position must be on the other side of the mark price ${mark}`,
    ),
  /** 43001: cancel of a plan that does not exist (fired, cancelled, or its position closed). */
  planNotFound: (): CoreError => e400("43001", "The order does not exist"),
  /** 40768: cancel of an unknown order. */
  cancelNotFound: (): CoreError => e400("40768", "Order does not exist"),
  /** 22001: cancel of an order that is already filled or canceled. */
  nothingToCancel: (): CoreError => e400("22001", "No order to cancel"),
  /** 40109: detail query of an unknown order. */
  orderNotFound: (): CoreError =>
    e400("40109", "The data of the order cannot be found, please confirm the order number"),
  /** 40020: margin or position mode change while the symbol has positions or open orders. */
  modeLocked: (what: string): CoreError =>
    e400("40020", `Parameter error: ${what} cannot be changed while positions or open orders exist`),
} as const;
