/**
 * The SymbolAgent's ledger writer: outbox rows (shared/runner/outbox.ts) go to D1 with keyed
 * inserts that ignore duplicates (durable-objects/ledger.ts).
 * @module
 */
import type { LedgerWriter } from "../shared/runner/outbox";
import { insertLedger, type LedgerWrite, ledgerDb } from "./ledger";

/** The {@link LedgerWriter} over a D1 binding (its answer says the rows D1 wrote). */
export function d1LedgerWriter(d1: D1Database): (rows: Parameters<LedgerWriter>[0]) => Promise<LedgerWrite> {
  const db = ledgerDb(d1);
  return (rows) => insertLedger(db, rows);
}
