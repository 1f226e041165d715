/**
 * The order journal written behind the order (issue #13's push → order path): a row is recorded in
 * memory at once and written to storage by a later task, after the order's request left.
 *
 * Why: in a Durable Object the output gate holds every outgoing request until the writes made before
 * it commit, so a journal row written in the order's own turn puts a storage commit (locally an
 * fsync; in production a replicated commit) in front of every order. `cli/bench-floor.ts` measures
 * it: a row written in the turn costs the commit, one written by a later timer costs nothing.
 *
 * What it gives up, and why that is safe: the row may not be durable yet when the request reaches the
 * exchange, so a crash in that window (a few milliseconds: WRITE_BEHIND_MS) loses the order's row, and the
 * state written before the decision does not know the order either. The exchange still knows it,
 * by a clientOid that names the symbol ({@link parseClientOid}), and recovery on start
 * (recovery.ts) finds it there: an open one is cancelled, a filled one's executions are replayed and
 * adopted as the engine's position (or close the one it held), and the position's exchange-side
 * stop is checked and re-armed. docs/order-journal.md gives the argument case by case.
 *
 * Reads see the newest status at once (a fill or the exchange's answer can beat the write); the
 * pending rows are written in call order by {@link WriteBehindJournal.flush}, which the owner also
 * calls before it reads the journal's rows in storage or writes its state (a state that knows an
 * order is never written before that order's row).
 *
 * A write that throws (storage refused it) loses nothing: it and every row queued after it stay
 * queued, in order, with their statuses readable, for the next flush (the next row's later task, the
 * owner's next state write); the failure goes to `onError` (the agent logs and counts it) and the
 * flush answers false, so the owner does not write a state that knows an order whose row waits.
 * Nothing of this runs in the order's turn: a failed write costs the order nothing.
 * @module
 */
import type { OrderRequest } from "../execution/orders";
import type { JournalStatus, OrderJournal } from "./ports";

/** An {@link OrderJournal} whose writes wait for {@link flush}. */
export interface WriteBehindJournal extends OrderJournal {
  /**
   * Writes the pending rows to the journal underneath, oldest first. At a write that throws it stops:
   * that row and the ones after it stay queued in order, the error goes to `onError`. @returns true
   * when no row is left pending.
   */
  flush(): boolean;
  /** Rows changed in memory and not written yet. */
  readonly pending: number;
}

/** One row change waiting to be written, and the order it belongs to. */
interface PendingWrite {
  readonly clientOid: string;
  readonly write: () => void;
}

/**
 * `inner` written behind: each change is kept in memory and `later` (a task after the current turn's
 * I/O started) is asked once per batch to {@link WriteBehindJournal.flush} it. `onError` hears every
 * flush that a write of `inner` failed (the rows stay queued; see the module).
 */
export function writeBehindJournal(
  inner: OrderJournal,
  later: (fn: () => void) => void,
  onError: (error: unknown) => void,
): WriteBehindJournal {
  const writes: PendingWrite[] = [];
  const statuses = new Map<string, JournalStatus>();
  let scheduled = false;
  const flush = (): boolean => {
    scheduled = false;
    let written = 0;
    try {
      for (; written < writes.length; written++) writes[written].write();
    } catch (e) {
      writes.splice(0, written);
      // The orders whose rows all reached storage are read there; the waiting ones stay in memory.
      const waiting = new Set(writes.map((w) => w.clientOid));
      for (const oid of statuses.keys()) if (!waiting.has(oid)) statuses.delete(oid);
      onError(e);
      return false;
    }
    writes.length = 0;
    statuses.clear();
    return true;
  };
  const queue = (clientOid: string, write: () => void): void => {
    writes.push({ clientOid, write });
    if (scheduled) return;
    scheduled = true;
    later(flush);
  };
  return {
    sending: (req: OrderRequest) => {
      statuses.set(req.clientOid, "sending");
      queue(req.clientOid, () => inner.sending(req));
    },
    status: (oid) => statuses.get(oid) ?? inner.status(oid),
    update: (oid, status, detail) => {
      // The row underneath ignores an update of an order it does not hold; so does the memory.
      if (!statuses.has(oid) && inner.status(oid) === null) return;
      statuses.set(oid, status);
      queue(oid, () => inner.update(oid, status, detail));
    },
    flush,
    get pending() {
      return writes.length;
    },
  };
}
