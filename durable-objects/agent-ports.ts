/**
 * The portfolio port a SymbolAgent hands its runner: the Coordinator (entries asked over RPC; the other
 * updates queued in DO SQLite, delivered in order by agent-calls.ts).
 * @module
 */
import type { EntryAnswer, EntryRequest } from "../shared/risk/portfolio-types";
import type { SessionPortfolio } from "../shared/strategy/session";
import type { AgentStore, QueuedCall } from "./agent-store";

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
