/**
 * Idempotent order placement: one intent never becomes two live orders (bitget-v2.md §4.6, §8.5).
 *
 * The clientOid is the idempotency key. When a placement's outcome is unknown (timeout, network,
 * 5xx), the order is looked up by clientOid BEFORE any retry: found → done; `notFound` → place again
 * with the SAME clientOid. A `duplicateClientOid` (43118) rejection means an earlier attempt landed,
 * so the order is fetched. Definite rejections (balance, parameters, auth, rate limit) are returned,
 * never retried here. The lookup waits `settleMs` first so a request still in flight at the
 * exchange has time to show up in order detail.
 * @module
 */

import { type BitgetError, isBitgetError } from "./rest-errors";
import type { OrderAck, OrderDetail, OrderRef, ValidatedOrder } from "./rest-types";

/** The two client calls placement needs (a `BitgetRestClient` is one). */
export interface OrderPlacementPort {
  placeOrder(order: ValidatedOrder): Promise<OrderAck>;
  getOrder(symbol: string, ref: OrderRef): Promise<OrderDetail>;
}

/** How {@link placeOrderOnce} ended; `attempts` counts placement requests sent. */
export type PlaceOnceResult =
  /** The exchange acknowledged this request (orderId may be null, §4.6 quirk). */
  | { readonly outcome: "placed"; readonly ack: OrderAck; readonly attempts: number }
  /** An earlier attempt had landed; this is the order as the exchange has it. */
  | { readonly outcome: "found"; readonly order: OrderDetail; readonly attempts: number }
  /** The exchange refused the order; nothing was placed. */
  | { readonly outcome: "rejected"; readonly error: BitgetError; readonly attempts: number }
  /** Still unknown after all attempts: reconcile later by `clientOid` (WS orders channel or detail). */
  | { readonly outcome: "unknown"; readonly clientOid: string; readonly error: unknown; readonly attempts: number };

/** Options of {@link placeOrderOnce}. */
export interface PlaceOnceOptions {
  /** Placement requests at most; default 3. */
  readonly maxAttempts?: number;
  /** Wait before each lookup, ms; default 500. */
  readonly settleMs?: number;
  /** Default: a timer on `setTimeout`. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Places `order` at most once on the exchange, resolving unknown outcomes by clientOid lookup. */
export async function placeOrderOnce(
  port: OrderPlacementPort,
  order: ValidatedOrder,
  options: PlaceOnceOptions = {},
): Promise<PlaceOnceResult> {
  const maxAttempts = options.maxAttempts ?? 3;
  const settleMs = options.settleMs ?? 500;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let lastError: unknown = null;
  for (let attempts = 1; attempts <= maxAttempts; attempts++) {
    try {
      return { outcome: "placed", ack: await port.placeOrder(order), attempts };
    } catch (e) {
      if (!isBitgetError(e)) throw e;
      if (!e.outcomeUnknown && e.kind !== "duplicateClientOid") return { outcome: "rejected", error: e, attempts };
      lastError = e;
    }
    if (settleMs > 0) await sleep(settleMs);
    const lookup = await lookUp(port, order);
    if (lookup.found) return { outcome: "found", order: lookup.found, attempts };
    if (!lookup.absent || isBitgetError(lastError, "duplicateClientOid")) {
      return { outcome: "unknown", clientOid: order.clientOid, error: lookup.error ?? lastError, attempts };
    }
  }
  return { outcome: "unknown", clientOid: order.clientOid, error: lastError, attempts: maxAttempts };
}

type Lookup =
  | { found: OrderDetail; absent?: never; error?: never }
  | { found?: never; absent: boolean; error: unknown };

async function lookUp(port: OrderPlacementPort, order: ValidatedOrder): Promise<Lookup> {
  try {
    return { found: await port.getOrder(order.symbol, { clientOid: order.clientOid }) };
  } catch (e) {
    return { absent: isBitgetError(e, "notFound"), error: isBitgetError(e, "notFound") ? null : e };
  }
}
