/**
 * Translation of Bitget outcomes into the broker port's language (shared/execution/orders.ts):
 * REST failures and pre-send refusals become {@link OrderRejectReason}s, order states become
 * {@link OrderStatus} states (bitget-v2.md §4.5, §5).
 * @module
 */
import type { OrderRejectReason, OrderStatus } from "../../execution/orders";
import type { OrderRefusal } from "./order-rules";
import type { BitgetError } from "./rest-errors";

/** The exchange codes behind the port's refusals that the error kind alone does not tell. */
export interface RejectCodes {
  /** A reduce-only order with no position (left) to reduce. */
  readonly noPosition: ReadonlySet<string>;
  /** Quantity or notional below the contract minimum. */
  readonly minimum: ReadonlySet<string>;
  /** A cancel of an order that is already filled or canceled. */
  readonly done: ReadonlySet<string>;
}

/** Classic V2 codes (§5): 40757 not enough position, 43006/45110 below minimum, 22001 nothing to cancel. */
export const CLASSIC_REJECT_CODES: RejectCodes = {
  noPosition: new Set(["40757"]),
  minimum: new Set(["43006", "45110"]),
  done: new Set(["22001"]),
};

/** What the refused order was. */
export interface RefusedOrder {
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
}

/**
 * The port's reason for a placement Bitget refused: duplicate clientOid (43118), insufficient
 * balance or margin (40762, 43012, 40711, 40712), rate limit (429, 1001), no position to reduce
 * (40757, or a reduce-only refusal naming the position), a post-only order that would take
 * liquidity (Bitget has no dedicated code: a refusal of a post-only order whose message names
 * post_only), below the minimum (43006, 45110); anything else is `exchange_error`.
 */
export function placeRejectReason(
  e: BitgetError,
  order: RefusedOrder,
  table: RejectCodes = CLASSIC_REJECT_CODES,
): OrderRejectReason {
  if (e.kind === "duplicateClientOid") return "duplicate_client_oid";
  if (e.kind === "insufficientBalance") return "insufficient_margin";
  if (e.kind === "rateLimit") return "rate_limited";
  const code = e.code ?? "";
  const message = e.exchangeMessage;
  if (table.noPosition.has(code) || (order.reduceOnly && /no(t enough)? position/i.test(message)))
    return "reduce_only_no_position";
  if (order.postOnly && /post[_\s-]?only/i.test(message)) return "post_only_would_cross";
  if (table.minimum.has(code)) return "size_below_minimum";
  return "exchange_error";
}

/**
 * The port's reason for an order refused before sending (order-rules.ts). The port has no
 * "invalid order" reason: minimum breaches are `size_below_minimum`, every other rule breach
 * (off the size step or tick, bad clientOid, preset on the wrong side, …) is `exchange_error`
 * with the rule in the detail.
 */
export function refusalReason(refusal: OrderRefusal): OrderRejectReason {
  return refusal === "size_below_minimum" || refusal === "notional_below_minimum" || refusal === "size_not_positive"
    ? "size_below_minimum"
    : "exchange_error";
}

/** How a cancel that Bitget refused ended: 22001 = nothing left to cancel, other not-found codes = unknown order. */
export function cancelRefusal(
  e: BitgetError,
  table: RejectCodes = CLASSIC_REJECT_CODES,
): "unknown_order" | "already_done" | "exchange_error" {
  if (table.done.has(e.code ?? "")) return "already_done";
  return e.kind === "notFound" ? "unknown_order" : "exchange_error";
}

/** What the broker knows of an order on the exchange. */
export interface ExchangeOrderFacts {
  /** Bitget state: `live`, `partially_filled`, `filled`, `canceled`. */
  readonly state: string;
  readonly filledSize: number;
  readonly force: string | null;
  readonly cancelReason: string | null;
  /** True when this broker cancelled the order. */
  readonly cancelledByClient: boolean;
}

/** The port's status and reason of an order in Bitget state `facts`. */
export function portStatus(facts: ExchangeOrderFacts): {
  status: OrderStatus["status"];
  reason?: OrderStatus["reason"];
} {
  switch (facts.state) {
    case "live":
    case "new":
    case "partially_filled":
      return { status: "open" };
    case "filled":
      return { status: "filled" };
    case "canceled":
    case "cancelled":
      return cancelledStatus(facts);
    default:
      return { status: "pending" };
  }
}

/**
 * A canceled order: by this broker → `cancelled_by_client`; a post-only order canceled unfilled by
 * the exchange (not a user cancel) → `rejected` as `post_only_would_cross` (Bitget may accept a
 * crossing post-only order and cancel it at once); a reduce-only cancel → `reduce_only_no_position`.
 */
function cancelledStatus(facts: ExchangeOrderFacts): { status: OrderStatus["status"]; reason?: OrderStatus["reason"] } {
  if (facts.cancelledByClient) return { status: "cancelled", reason: "cancelled_by_client" };
  const why = facts.cancelReason ?? "";
  if (facts.force === "post_only" && facts.filledSize === 0 && why !== "normal_cancel" && !/reduce/i.test(why))
    return { status: "rejected", reason: "post_only_would_cross" };
  if (/reduce/i.test(why)) return { status: "cancelled", reason: "reduce_only_no_position" };
  return { status: "cancelled" };
}
