/**
 * The two ports a SymbolAgent hands its {@link TradingSession}: the orders, with the order journal
 * in front (the paper broker, or the live one), and the portfolio as the Coordinator (entries asked over RPC; the other
 * updates queued in DO SQLite, delivered in order by agent-calls.ts).
 * @module
 */
import type { EntryAnswer, EntryRequest } from "../shared/risk/portfolio-types";
import { isPromise, type OrderPort } from "../shared/execution/broker";
import type { CancelResult, OrderRequest, PlaceResult } from "../shared/execution/orders";
import type { SessionPortfolio } from "../shared/strategy/session";
import type { AgentStore, QueuedCall } from "./agent-store";

const NOT_READY = {
  ok: false,
  reason: "exchange_error",
  detail: "the live broker is not ready (contract rules not loaded)",
} as const;

/**
 * `broker()`'s orders, each journaled in DO SQLite (status `sending`) before the request leaves, and
 * updated with the answer (now or later) unless a fill already moved it on (the private feed can beat
 * the REST answer); a throw leaves it `sending` for reconciliation. `broker()` null (the live contract
 * rules not loaded yet) refuses without sending. `onChange` runs after every answer.
 */
export function journaledOrders(store: AgentStore, broker: () => OrderPort | null, onChange: () => void): OrderPort {
  const placed = (req: OrderRequest, r: PlaceResult) => {
    if (store.journalEntry(req.clientOid)?.status === "sending")
      store.journalStatus(
        req.clientOid,
        r.ok ? "accepted" : "rejected",
        r.ok ? null : (r.detail ?? r.reason),
        Date.now(),
      );
    onChange();
    return r;
  };
  const cancelled = (clientOid: string, r: CancelResult) => {
    if (r.ok) store.journalStatus(clientOid, "done", "cancelled", Date.now());
    onChange();
    return r;
  };
  return {
    get reportsDone() {
      return broker()?.reportsDone;
    },
    place: (req) => {
      store.journalOrder(req.clientOid, req, Date.now());
      const b = broker();
      const r = b ? b.place(req) : NOT_READY;
      return isPromise(r) ? r.then((v) => placed(req, v)) : placed(req, r);
    },
    cancel: (symbol, clientOid) => {
      const b = broker();
      const r = b ? b.cancel(symbol, clientOid) : ({ ok: false, reason: "exchange_error" } as const);
      return isPromise(r) ? r.then((v) => cancelled(clientOid, v)) : cancelled(clientOid, r);
    },
  };
}

/** The portfolio: `requestEntry` as given (an RPC); confirm, release and close queued for delivery. */
export function queuedPortfolio(
  store: AgentStore,
  requestEntry: (req: EntryRequest) => Promise<EntryAnswer>,
  onChange: () => void,
): SessionPortfolio {
  const queue = (call: QueuedCall) => {
    store.enqueueCall(call, Date.now());
    onChange();
  };
  return {
    requestEntry,
    confirmOpen: (reservationId, fill) => queue({ method: "confirmOpen", args: [reservationId, fill] }),
    releaseReservation: (reservationId) => queue({ method: "releaseReservation", args: [reservationId] }),
    reportClose: (symbol, report) => queue({ method: "reportClose", args: [symbol, report] }),
  };
}
