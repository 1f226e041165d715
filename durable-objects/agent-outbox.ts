/**
 * The SymbolAgent's ledger writer: outbox rows (shared/runner/outbox.ts) go to D1 with keyed
 * inserts that ignore duplicates (durable-objects/ledger.ts).
 * @module
 */
import type { LedgerWriter } from "../shared/runner/outbox";
import { insertLedger, ledgerDb } from "./ledger";

/** The {@link LedgerWriter} over a D1 binding. */
export function d1LedgerWriter(d1: D1Database): LedgerWriter {
  const db = ledgerDb(d1);
  return (rows) => insertLedger(db, rows);
}
