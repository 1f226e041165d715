/**
 * The portfolio updates a runner owes its portfolio (a confirmed entry, a released reservation, a
 * closed position, a position changed at the exchange) when the portfolio is remote (the Coordinator
 * over RPC): they are queued in the same turn as the state change (the SymbolAgent's DO SQLite) and
 * delivered in order, at least once. Each is idempotent at the Coordinator (a repeat answers
 * `unknown_reservation`, `false` or `not_open`, or sets the same position again), so any answer
 * counts as delivered and only a throw leaves the call queued. One answer asks for more: a
 * `confirmOpen` answered `unknown_reservation` is followed by `syncPosition` with its fill, because
 * the Coordinator may have lost the reservation (it writes it behind its answer: coordinator-core.ts)
 * and must still learn of the position; after a repeated delivery that sets the same position again.
 * @module
 */
import type { CloseReport, EntryAnswer, EntryFill, EntryRequest } from "../risk/portfolio-types";
import type { SessionPortfolio } from "../strategy/session";

/** A call delivered at least once, in order. */
export type QueuedCall =
  | { readonly method: "confirmOpen"; readonly args: readonly [reservationId: string, fill: EntryFill] }
  | { readonly method: "releaseReservation"; readonly args: readonly [reservationId: string] }
  | { readonly method: "reportClose"; readonly args: readonly [symbol: string, report: CloseReport] }
  | { readonly method: "syncPosition"; readonly args: readonly [symbol: string, position: EntryFill] };

/** A queued call with its sequence number. */
export type StoredCall = QueuedCall & { readonly seq: number };

/** Durable FIFO of calls (synchronous: a call queued in a turn commits with that turn's state). */
export interface CallQueue {
  enqueueCall(call: QueuedCall): void;
  /** The oldest call, or null. */
  nextCall(): StoredCall | null;
  deleteCall(seq: number): void;
  callCount(): number;
}

/** Where queued calls are delivered (the Coordinator's RPC). */
export interface PortfolioCalls {
  confirmOpen(reservationId: string, fill: EntryFill): Promise<unknown>;
  releaseReservation(reservationId: string): Promise<unknown>;
  reportClose(symbol: string, report: CloseReport): Promise<unknown>;
  syncPosition(symbol: string, position: EntryFill): Promise<unknown>;
}

/** Calls delivered per drain at most (the rest wait for the next one). */
export const MAX_CALLS_PER_DRAIN = 50;

/** The session's portfolio: `requestEntry` as given (an RPC); confirm, release and close queued. */
export function queuedPortfolio(
  queue: CallQueue,
  requestEntry: (req: EntryRequest) => Promise<EntryAnswer>,
  onChange: () => void,
): SessionPortfolio {
  const put = (call: QueuedCall) => {
    queue.enqueueCall(call);
    onChange();
  };
  return {
    requestEntry,
    confirmOpen: (reservationId, fill) => put({ method: "confirmOpen", args: [reservationId, fill] }),
    releaseReservation: (reservationId) => put({ method: "releaseReservation", args: [reservationId] }),
    reportClose: (symbol, report) => put({ method: "reportClose", args: [symbol, report] }),
    syncPosition: (symbol, position) => put({ method: "syncPosition", args: [symbol, position] }),
  };
}

/**
 * Delivers `symbol`'s queued calls oldest first, at most {@link MAX_CALLS_PER_DRAIN}; stops at the
 * first that throws (and rethrows it). `target` is called per call (a stub that threw must not be reused).
 * @returns calls delivered.
 */
export async function drainCalls(queue: CallQueue, target: () => PortfolioCalls, symbol: string): Promise<number> {
  let delivered = 0;
  for (; delivered < MAX_CALLS_PER_DRAIN; delivered++) {
    const call = queue.nextCall();
    if (!call) break;
    await deliver(target(), call, symbol);
    queue.deleteCall(call.seq);
  }
  return delivered;
}

async function deliver(c: PortfolioCalls, call: StoredCall, symbol: string): Promise<unknown> {
  switch (call.method) {
    case "confirmOpen": {
      const answer = await c.confirmOpen(call.args[0], call.args[1]);
      if (lostReservation(answer)) await c.syncPosition(symbol, call.args[1]);
      return answer;
    }
    case "releaseReservation":
      return c.releaseReservation(call.args[0]);
    case "reportClose":
      return c.reportClose(call.args[0], call.args[1]);
    case "syncPosition":
      return c.syncPosition(call.args[0], call.args[1]);
  }
}

function lostReservation(answer: unknown): boolean {
  const a = answer as Partial<{ ok: boolean; reason: string }> | null;
  return typeof a === "object" && a !== null && a.ok === false && a.reason === "unknown_reservation";
}

/** A {@link CallQueue} in memory (tests, tools). */
export function memoryCallQueue(): CallQueue {
  const calls: StoredCall[] = [];
  let seq = 0;
  return {
    enqueueCall: (call) => void calls.push({ ...call, seq: ++seq } as StoredCall),
    nextCall: () => calls[0] ?? null,
    deleteCall: (s) => {
      const i = calls.findIndex((c) => c.seq === s);
      if (i >= 0) calls.splice(i, 1);
    },
    callCount: () => calls.length,
  };
}
