/**
 * The order journal in front of a broker: each order is journaled (status `sending`) before the
 * request leaves, and updated with the answer (now or later) unless a fill already moved it on (the
 * private feed can beat the REST answer); a throw leaves it `sending` for reconciliation.
 * @module
 */
import { isPromise, type OrderPort } from "../execution/broker";
import type { CancelResult, OrderRequest, PlaceResult } from "../execution/orders";
import type { OrderJournal } from "./ports";

const NOT_READY: PlaceResult = {
  ok: false,
  reason: "exchange_error",
  detail: "the live broker is not ready (contract rules not loaded)",
};
const CANCEL_NOT_READY: CancelResult = { ok: false, reason: "exchange_error" };

/**
 * `broker()`'s orders with the journal in front (none: the orders as they are). `broker()` null (the live contract rules not loaded
 * yet) refuses without sending. `onChange` runs after every answer.
 */
export function journaledOrders(
  journal: OrderJournal | null,
  broker: () => OrderPort | null,
  onChange: () => void,
): OrderPort {
  const placed = (req: OrderRequest, r: PlaceResult): PlaceResult => {
    if (journal?.status(req.clientOid) === "sending")
      journal.update(req.clientOid, r.ok ? "accepted" : "rejected", r.ok ? null : (r.detail ?? r.reason));
    onChange();
    return r;
  };
  const cancelled = (clientOid: string, r: CancelResult): CancelResult => {
    if (r.ok) journal?.update(clientOid, "done", "cancelled");
    onChange();
    return r;
  };
  return {
    get reportsDone() {
      return broker()?.reportsDone;
    },
    place: (req) => {
      journal?.sending(req);
      const r = broker()?.place(req) ?? NOT_READY;
      return isPromise(r) ? r.then((v) => placed(req, v)) : placed(req, r);
    },
    cancel: (symbol, clientOid) => {
      const r = broker()?.cancel(symbol, clientOid) ?? CANCEL_NOT_READY;
      return isPromise(r) ? r.then((v) => cancelled(clientOid, v)) : cancelled(clientOid, r);
    },
  };
}
