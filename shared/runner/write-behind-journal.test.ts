import { describe, expect, it } from "vitest";
import type { OrderRequest } from "../execution/orders";
import type { JournalStatus, OrderJournal } from "./ports";
import { writeBehindJournal } from "./write-behind-journal";

/** A journal underneath that logs its writes. */
function rows() {
  const log: string[] = [];
  const held = new Map<string, JournalStatus>();
  const inner: OrderJournal = {
    sending: (req) => (held.set(req.clientOid, "sending"), log.push(`sending ${req.clientOid}`)),
    status: (oid) => held.get(oid) ?? null,
    update: (oid, status, detail) => {
      if (!held.has(oid)) return;
      held.set(oid, status);
      log.push(`${oid} ${status}${detail ? ` (${detail})` : ""}`);
    },
  };
  return { log, held, inner };
}

/** An `onError` for tests where no write fails. */
const unexpected = (e: unknown): never => {
  throw e;
};

const order = (clientOid: string) =>
  ({ clientOid, symbol: "BTCUSDT", side: "buy", type: "market", size: 0.01, ts: 1 }) as OrderRequest;

describe("the order journal written behind the order", () => {
  it("writes nothing in the order's turn: the row goes down when the later task runs, once per batch", () => {
    const { log, inner } = rows();
    const tasks: (() => void)[] = [];
    const journal = writeBehindJournal(inner, (fn) => void tasks.push(fn), unexpected);
    journal.sending(order("BTC-a-1"));
    journal.update("BTC-a-1", "accepted", null);
    expect(log).toEqual([]);
    expect(tasks).toHaveLength(1);
    expect(journal.pending).toBe(2);
    tasks[0]();
    expect(log).toEqual(["sending BTC-a-1", "BTC-a-1 accepted"]);
    expect(journal.pending).toBe(0);
  });

  it("reads the newest status before it is written (a fill or the exchange's answer can beat the write)", () => {
    const { inner, held } = rows();
    const journal = writeBehindJournal(inner, () => {}, unexpected);
    journal.sending(order("BTC-a-1"));
    expect(journal.status("BTC-a-1")).toBe("sending");
    journal.update("BTC-a-1", "done", "filled");
    expect(journal.status("BTC-a-1")).toBe("done");
    expect(held.size).toBe(0);
    expect(journal.status("BTC-never")).toBeNull();
  });

  it("reads through to the rows already written, and updates them behind too", () => {
    const { log, inner } = rows();
    const tasks: (() => void)[] = [];
    const journal = writeBehindJournal(inner, (fn) => void tasks.push(fn), unexpected);
    journal.sending(order("BTC-a-1"));
    journal.flush();
    expect(journal.status("BTC-a-1")).toBe("sending");
    journal.update("BTC-a-1", "rejected", "code 40762");
    expect(journal.status("BTC-a-1")).toBe("rejected");
    for (const t of tasks.splice(0)) t();
    expect(log).toEqual(["sending BTC-a-1", "BTC-a-1 rejected (code 40762)"]);
  });

  it("ignores an update of an order it never journaled, as the rows underneath do", () => {
    const { log, inner } = rows();
    const journal = writeBehindJournal(inner, (fn) => fn(), unexpected);
    journal.update("1311111111111111111", "done", "filled");
    expect(journal.status("1311111111111111111")).toBeNull();
    expect(log).toEqual([]);
  });

  it("a flush by the owner writes the rows at once, and the later task then finds nothing left", () => {
    const { log, inner } = rows();
    const tasks: (() => void)[] = [];
    const journal = writeBehindJournal(inner, (fn) => void tasks.push(fn), unexpected);
    journal.sending(order("BTC-a-1"));
    journal.flush();
    expect(log).toEqual(["sending BTC-a-1"]);
    tasks[0]();
    expect(log).toEqual(["sending BTC-a-1"]);
    journal.sending(order("BTC-a-2"));
    expect(tasks).toHaveLength(2);
  });
});

describe("a journal write that fails (storage threw)", () => {
  /** Rows underneath whose writes of `oid` throw while `failing` holds it. */
  function flaky() {
    const r = rows();
    const failing = new Set<string>();
    const inner: OrderJournal = {
      sending: (req) => {
        if (failing.has(req.clientOid)) throw new Error(`SQLITE_BUSY writing ${req.clientOid}`);
        r.inner.sending(req);
      },
      status: r.inner.status,
      update: (oid, status, detail) => {
        if (failing.has(oid)) throw new Error(`SQLITE_BUSY updating ${oid}`);
        r.inner.update(oid, status, detail);
      },
    };
    return { ...r, inner, failing };
  }

  /** A journal written behind over {@link flaky} rows, its later tasks and reported errors kept for the test. */
  function flakyJournal() {
    const f = flaky();
    const errors: unknown[] = [];
    const tasks: (() => void)[] = [];
    const journal = writeBehindJournal(
      f.inner,
      (fn) => void tasks.push(fn),
      (e) => errors.push(e),
    );
    return { ...f, journal, errors, tasks };
  }

  it("keeps itself and every row after it queued, in order, and the next flush writes them once", () => {
    const { log, failing, journal, errors, tasks } = flakyJournal();
    journal.sending(order("BTC-a-1"));
    journal.sending(order("BTC-a-2"));
    journal.update("BTC-a-1", "accepted", null);
    journal.sending(order("BTC-a-3"));
    failing.add("BTC-a-2");
    tasks[0]();
    expect(log).toEqual(["sending BTC-a-1"]);
    expect(journal.pending).toBe(3);
    expect(errors.map(String)).toEqual(["Error: SQLITE_BUSY writing BTC-a-2"]);

    failing.clear();
    expect(journal.flush()).toBe(true);
    expect(log).toEqual(["sending BTC-a-1", "sending BTC-a-2", "BTC-a-1 accepted", "sending BTC-a-3"]);
    expect(journal.pending).toBe(0);
    expect(errors).toHaveLength(1);
  });

  it("still reads the newest status of the orders whose rows wait, before and after the retry", () => {
    const { inner, failing } = flaky();
    const journal = writeBehindJournal(
      inner,
      () => {},
      () => {},
    );
    journal.sending(order("BTC-a-1"));
    journal.sending(order("BTC-a-2"));
    failing.add("BTC-a-2");
    expect(journal.flush()).toBe(false);
    expect(journal.status("BTC-a-1")).toBe("sending");
    expect(journal.status("BTC-a-2")).toBe("sending");
    // The exchange's answer for the waiting order is kept too, behind its own row.
    journal.update("BTC-a-2", "rejected", "code 40762");
    expect(journal.status("BTC-a-2")).toBe("rejected");
    failing.clear();
    expect(journal.flush()).toBe(true);
    expect(journal.status("BTC-a-2")).toBe("rejected");
  });

  it("asks for the next later task when a row is queued after the failure, and reports each failed flush", () => {
    const { log, failing, journal, errors, tasks } = flakyJournal();
    journal.sending(order("BTC-a-1"));
    failing.add("BTC-a-1");
    tasks[0]();
    expect(journal.flush()).toBe(false);
    expect(errors).toHaveLength(2);
    journal.sending(order("BTC-a-2"));
    expect(tasks).toHaveLength(2);
    failing.clear();
    tasks[1]();
    expect(log).toEqual(["sending BTC-a-1", "sending BTC-a-2"]);
    expect(journal.pending).toBe(0);
  });
});
