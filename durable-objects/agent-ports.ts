/**
 * The two ports a SymbolAgent hands its {@link TradingSession}: the orders, with the order journal
 * in front (the paper broker's synchronous core, or the live broker's asynchronous port), and the portfolio as the Coordinator (entries asked over RPC; the other
 * updates queued in DO SQLite, delivered in order by agent-calls.ts).
 * @module
 */
import type { EntryDecision, EntryRequest } from "../shared/risk/portfolio-types";
import type { Broker } from "../shared/execution/broker";
import type { AsyncSessionOrders, SessionOrders, SessionPortfolio } from "../shared/strategy/session";
import type { AgentStore, QueuedCall } from "./agent-store";

/**
 * `broker()`'s orders, each journaled in DO SQLite before it is sent and updated with the answer.
 * `onChange` runs after every place and cancel (the caller persists at the end of the turn).
 */
export function journaledOrders(store: AgentStore, broker: () => SessionOrders, onChange: () => void): SessionOrders {
  return {
    placeSync: (req) => {
      const now = Date.now();
      store.journalOrder(req.clientOid, req, now);
      const r = broker().placeSync(req);
      store.journalStatus(req.clientOid, r.ok ? "accepted" : "rejected", r.ok ? null : r.reason, now);
      onChange();
      return r;
    },
    cancelSync: (symbol, clientOid) => {
      const r = broker().cancelSync(symbol, clientOid);
      onChange();
      return r;
    },
  };
}

/**
 * The live broker's orders, each journaled in DO SQLite (status `sending`) before the request leaves,
 * and updated with the answer unless a fill already moved it on (the private feed can beat the REST
 * answer); a throw leaves it `sending` for reconciliation. `broker()` null (the
 * contract rules not loaded yet) refuses without sending. `onChange` runs after every answer.
 */
export function liveJournaledOrders(
  store: AgentStore,
  broker: () => Pick<Broker, "place" | "cancel"> | null,
  onChange: () => void,
): AsyncSessionOrders {
  return {
    place: async (req) => {
      store.journalOrder(req.clientOid, req, Date.now());
      const b = broker();
      const r = b
        ? await b.place(req)
        : ({
            ok: false,
            reason: "exchange_error",
            detail: "the live broker is not ready (contract rules not loaded)",
          } as const);
      if (store.journalEntry(req.clientOid)?.status === "sending")
        store.journalStatus(
          req.clientOid,
          r.ok ? "accepted" : "rejected",
          r.ok ? null : (r.detail ?? r.reason),
          Date.now(),
        );
      onChange();
      return r;
    },
    cancel: async (symbol, clientOid) => {
      const b = broker();
      const r = b ? await b.cancel(symbol, clientOid) : ({ ok: false, reason: "exchange_error" } as const);
      if (r.ok) store.journalStatus(clientOid, "done", "cancelled", Date.now());
      onChange();
      return r;
    },
  };
}

/** The portfolio: `requestEntry` as given (an RPC); confirm, release and close queued for delivery. */
export function queuedPortfolio(
  store: AgentStore,
  requestEntry: (req: EntryRequest) => Promise<EntryDecision>,
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
