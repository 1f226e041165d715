/**
 * The SymbolAgent's D1 outbox: closed trades and fills are written to DO SQLite in the same
 * synchronous turn as the state change that produced them, and the alarm copies them to the D1
 * ledger with keyed inserts that ignore duplicates (workers/ledger.ts). Rows are deleted only after
 * the D1 batch succeeded, so a D1 outage loses nothing, and a flush repeated after a lost answer or
 * a crash between the batch and the delete inserts nothing twice.
 * @module
 */
import type { NewFill, NewTrade } from "../shared/db/schema";
import { insertLedger, ledgerDb } from "./ledger";
import type { AgentStore } from "./agent-store";

/** Writes ledger rows to D1 in one transaction, ignoring ids already stored. */
export type LedgerWriter = (rows: { readonly trades: NewTrade[]; readonly fills: NewFill[] }) => Promise<unknown>;

/** Outbox rows copied per D1 batch. */
export const OUTBOX_BATCH = 50;

/** The {@link LedgerWriter} over a D1 binding. */
export function d1LedgerWriter(d1: D1Database): LedgerWriter {
  const db = ledgerDb(d1);
  return (rows) => insertLedger(db, rows);
}

/**
 * Copies up to `batches` × {@link OUTBOX_BATCH} outbox rows to D1, oldest first, deleting each batch
 * once written. Throws (after deleting what was written) when D1 fails or a row cannot be read.
 * @returns rows flushed.
 */
export async function flushOutbox(store: AgentStore, write: LedgerWriter, batches = 4): Promise<number> {
  let flushed = 0;
  for (let i = 0; i < batches; i++) {
    const rows = store.outbox(OUTBOX_BATCH);
    if (rows.length === 0) break;
    const trades: NewTrade[] = [];
    const fills: NewFill[] = [];
    for (const r of rows) {
      if (r.kind === "trade") trades.push(JSON.parse(r.payload) as NewTrade);
      else fills.push(JSON.parse(r.payload) as NewFill);
    }
    await write({ trades, fills });
    store.deleteOutbox(rows.map((r) => r.id));
    flushed += rows.length;
    if (rows.length < OUTBOX_BATCH) break;
  }
  return flushed;
}
