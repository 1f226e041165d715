import { describe, expect, it } from "vitest";
import { type JournalRows, type JournalStatus, journalOver } from "./ports";

describe("journalOver", () => {
  it("journals an order as sending before it leaves, stamps each change with the clock, and reads its status back", () => {
    const rows = new Map<string, { status: JournalStatus; detail: string | null; at: number; request: unknown }>();
    const store: JournalRows = {
      journalOrder: (oid, request, now) => void rows.set(oid, { status: "sending", detail: null, at: now, request }),
      journalEntry: (oid) => rows.get(oid) ?? null,
      journalStatus: (oid, status, detail, now) => {
        const row = rows.get(oid);
        if (row) rows.set(oid, { ...row, status, detail, at: now });
      },
    };
    let t = 100;
    const journal = journalOver(store, () => t);
    const req = { symbol: "BTCUSDT", side: "buy", size: 0.01, clientOid: "o-1", type: "market" } as never;
    journal.sending(req);
    expect(journal.status("o-1")).toBe("sending");
    expect(rows.get("o-1")).toMatchObject({ at: 100, request: req });
    t = 250;
    journal.update("o-1", "rejected", "code 40762: insufficient margin");
    expect(rows.get("o-1")).toMatchObject({ status: "rejected", detail: "code 40762: insufficient margin", at: 250 });
    expect(journal.status("o-2")).toBeNull();
  });
});
