/**
 * The two ports a SymbolAgent hands its {@link TradingSession}: the broker's synchronous core with
 * an order journal in front, and the portfolio as the Coordinator (entries asked over RPC; the other
 * updates queued in DO SQLite, delivered in order by agent-calls.ts).
 * @module
 */
import type { EntryDecision, EntryRequest } from "../shared/risk/portfolio-types";
import type { SessionOrders, SessionPortfolio } from "../shared/strategy/session";
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

/** The portfolio: `requestEntry` as given (an RPC); confirm, release and close queued for delivery. */
export function queuedPortfolio(store: AgentStore, requestEntry: (req: EntryRequest) => Promise<EntryDecision>, onChange: () => void): SessionPortfolio {
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
