import { describe, expect, it } from "vitest";
import { flushOutbox, OUTBOX_BATCH, type OutboxRow, type OutboxStore } from "./outbox";

function store(n: number): OutboxStore & { rows: OutboxRow[] } {
  const rows: OutboxRow[] = Array.from({ length: n }, (_, i) => ({
    id: `${i % 2 ? "fill" : "trade"}:${i}`,
    kind: i % 2 ? "fill" : "trade",
    payload: JSON.stringify({ id: String(i) }),
  }));
  return {
    rows,
    outbox: (limit) => rows.slice(0, limit),
    deleteOutbox: (ids) => {
      for (const id of ids)
        rows.splice(
          rows.findIndex((r) => r.id === id),
          1,
        );
    },
  };
}

describe("the ledger outbox flush", () => {
  it("writes trades and fills to their tables in batches, oldest first, and deletes what was written", async () => {
    const s = store(OUTBOX_BATCH + 3);
    const batches: { trades: number; fills: number }[] = [];
    const flushed = await flushOutbox(s, async (r) => batches.push({ trades: r.trades.length, fills: r.fills.length }));
    expect(flushed).toBe(OUTBOX_BATCH + 3);
    expect(batches).toEqual([
      { trades: OUTBOX_BATCH / 2, fills: OUTBOX_BATCH / 2 },
      { trades: 2, fills: 1 },
    ]);
    expect(s.rows).toEqual([]);
  });

  it("keeps every row of a batch whose write failed, for the next flush", async () => {
    const s = store(3);
    await expect(
      flushOutbox(s, async () => {
        throw new Error("D1_ERROR");
      }),
    ).rejects.toThrow("D1_ERROR");
    expect(s.rows).toHaveLength(3);
  });

  it("stops after the given number of batches", async () => {
    const s = store(OUTBOX_BATCH * 3);
    expect(await flushOutbox(s, async () => {}, 2)).toBe(OUTBOX_BATCH * 2);
    expect(s.rows).toHaveLength(OUTBOX_BATCH);
  });
});
