/**
 * Delivery of the portfolio updates an agent owes the Coordinator (a confirmed entry, a released
 * reservation, a closed position). They are queued in DO SQLite in the same turn as the state change
 * and delivered in order, at least once: each is idempotent at the Coordinator (a repeat answers
 * `unknown_reservation`, `false` or `not_open`), so any answer at all counts as delivered and only a
 * thrown RPC leaves the call queued for the next attempt.
 * @module
 */
import type { CoordinatorApi } from "./contracts";
import type { EntryFill, CloseReport } from "../shared/risk/portfolio-types";
import type { AgentStore, StoredCall } from "./agent-store";

/** Calls delivered per drain at most (the rest wait for the next one). */
export const MAX_CALLS_PER_DRAIN = 50;

/**
 * Delivers queued calls oldest first; stops at the first that throws (and rethrows it).
 * @returns calls delivered.
 */
export async function drainCalls(store: AgentStore, coordinator: () => CoordinatorApi): Promise<number> {
  let delivered = 0;
  for (; delivered < MAX_CALLS_PER_DRAIN; delivered++) {
    const call = store.nextCall();
    if (!call) break;
    await deliver(coordinator(), call);
    store.deleteCall(call.seq);
  }
  return delivered;
}

function deliver(c: CoordinatorApi, call: StoredCall): Promise<unknown> {
  switch (call.method) {
    case "confirmOpen":
      return c.confirmOpen(call.args[0], call.args[1] as EntryFill);
    case "releaseReservation":
      return c.releaseReservation(call.args[0]);
    case "reportClose":
      return c.reportClose(call.args[0], call.args[1] as CloseReport);
  }
}
