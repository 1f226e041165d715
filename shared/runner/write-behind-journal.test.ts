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

const order = (clientOid: string) =>
  ({ clientOid, symbol: "BTCUSDT", side: "buy", type: "market", size: 0.01, ts: 1 }) as OrderRequest;

describe("the order journal written behind the order", () => {
  it("writes nothing in the order's turn: the row goes down when the later task runs, once per batch", () => {
    const { log, inner } = rows();
    const tasks: (() => void)[] = [];
    const journal = writeBehindJournal(inner, (fn) => void tasks.push(fn));
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
    const journal = writeBehindJournal(inner, () => {});
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
    const journal = writeBehindJournal(inner, (fn) => void tasks.push(fn));
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
    const journal = writeBehindJournal(inner, (fn) => fn());
    journal.update("1311111111111111111", "done", "filled");
    expect(journal.status("1311111111111111111")).toBeNull();
    expect(log).toEqual([]);
  });

  it("a flush by the owner writes the rows at once, and the later task then finds nothing left", () => {
    const { log, inner } = rows();
    const tasks: (() => void)[] = [];
    const journal = writeBehindJournal(inner, (fn) => void tasks.push(fn));
    journal.sending(order("BTC-a-1"));
    journal.flush();
    expect(log).toEqual(["sending BTC-a-1"]);
    tasks[0]();
    expect(log).toEqual(["sending BTC-a-1"]);
    journal.sending(order("BTC-a-2"));
    expect(tasks).toHaveLength(2);
  });
});
