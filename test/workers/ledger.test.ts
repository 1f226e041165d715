import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { NewFill } from "../../shared/db/schema";
import { insertConfigAudit, insertFills, insertLedger, insertTrades, ledgerDb } from "../../durable-objects/ledger";
import { tradeRow } from "./helpers";

function fill(i: number, over: Partial<NewFill> = {}): NewFill {
  return {
    id: `f-${i}`,
    tradeId: "t-x",
    symbol: "ETHUSDT",
    mode: "paper",
    clientOid: `oid-${i}`,
    side: "buy",
    role: "entry",
    price: 3000,
    size: 0.1,
    fee: 0.06,
    liquidity: "maker",
    slippage: 0,
    ts: 1_764_000_000_000 + i,
    final: true,
    exitReason: null,
    configVersion: "v-test",
    ...over,
  };
}

async function count(table: string, where = "1 = 1"): Promise<number> {
  return (await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`).first<number>("n")) ?? -1;
}

describe("the ledger insert helpers", () => {
  it("insert trades once and ignore the same ids when flushed again", async () => {
    const db = ledgerDb(env.DB);
    const rows = [1, 2, 3].map((i) => tradeRow(100 + i));
    const first = await insertTrades(db, rows);
    expect(first.inserted).toBe(3);
    // D1 counts index entries as rows written: the billed figure is above the row count.
    expect(first.rowsWritten).toBeGreaterThan(3);
    expect(
      await insertTrades(
        db,
        rows.map((r) => ({ ...r, netPnl: -99 })),
      ),
    ).toMatchObject({ inserted: 0 });
    expect(await count("trades", "id IN ('t-0101','t-0102','t-0103')")).toBe(3);
    expect(await count("trades", "net_pnl = -99")).toBe(0);
  });

  it("split a large flush into statements within D1's 100 bound parameters", async () => {
    const rows = Array.from({ length: 23 }, (_, i) => tradeRow(200 + i));
    expect(await insertTrades(ledgerDb(env.DB), rows)).toMatchObject({ inserted: 23 });
    expect(await count("trades", "id BETWEEN 't-0200' AND 't-0222'")).toBe(23);
  });

  it("insert fills idempotently and read back booleans and nulls", async () => {
    const db = ledgerDb(env.DB);
    const rows = Array.from({ length: 8 }, (_, i) =>
      fill(i, i === 7 ? { role: "exit", side: "sell", exitReason: "take_profit", final: false } : {}),
    );
    expect(await insertFills(db, rows)).toMatchObject({ inserted: 8 });
    expect(await insertFills(db, rows)).toMatchObject({ inserted: 0 });
    const last = await env.DB.prepare("SELECT role, final, exit_reason FROM fills WHERE id = 'f-7'").first();
    expect(last).toEqual({ role: "exit", final: 0, exit_reason: "take_profit" });
  });

  it("store a foreign fill (part of no trade, its fee kept) beside entry and exit fills, with no migration", async () => {
    const rows = [
      fill(400),
      fill(401, { role: "exit", side: "sell", exitReason: "stop_loss" }),
      fill(402, { role: "foreign", side: "sell", tradeId: null, clientOid: "1311111111111111111", fee: 0.12 }),
    ];
    expect(await insertFills(ledgerDb(env.DB), rows)).toMatchObject({ inserted: 3 });
    const read = await env.DB.prepare(
      "SELECT id, role, trade_id AS tradeId, fee FROM fills WHERE id IN ('f-400', 'f-401', 'f-402') ORDER BY id",
    ).all();
    expect(read.results).toEqual([
      { id: "f-400", role: "entry", tradeId: "t-x", fee: 0.06 },
      { id: "f-401", role: "exit", tradeId: "t-x", fee: 0.06 },
      { id: "f-402", role: "foreign", tradeId: null, fee: 0.12 },
    ]);
  });

  it("write trades and fills in one transaction: a bad row inserts nothing", async () => {
    const db = ledgerDb(env.DB);
    const bad = { ...tradeRow(301), symbol: null } as unknown as ReturnType<typeof tradeRow>;
    await expect(insertLedger(db, { trades: [tradeRow(300), bad], fills: [fill(300)] })).rejects.toThrow();
    expect(await count("trades", "id = 't-0300'")).toBe(0);
    expect(await count("fills", "id = 'f-300'")).toBe(0);
  });

  it("answer zero for an empty flush without touching D1", async () => {
    expect(await insertLedger(ledgerDb(env.DB), {})).toEqual({ inserted: 0, rowsWritten: 0 });
  });

  it("mirror config audit rows once per version and time", async () => {
    const db = ledgerDb(env.DB);
    const row = {
      at: 5,
      version: "v-b",
      previousVersion: "v-a",
      kind: "patch" as const,
      change: { gates: { minScore: 85 } },
    };
    expect(await insertConfigAudit(db, [row, { ...row, at: 6 }])).toMatchObject({ inserted: 2 });
    expect(await insertConfigAudit(db, [row])).toMatchObject({ inserted: 0 });
    const stored = await env.DB.prepare("SELECT change FROM config_audit WHERE at = 5").first<string>("change");
    expect(JSON.parse(stored ?? "null")).toEqual(row.change);
  });
});
