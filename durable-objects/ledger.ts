/**
 * Idempotent writes to the D1 ledger: the shared insert helpers the symbol agents' outbox flush
 * (and the tests) call. Every row is keyed by a client-generated id, inserted with
 * `ON CONFLICT DO NOTHING`, and a call runs as one `db.batch` (one D1 transaction): a flush that
 * fails changes nothing, and a flush retried after a partial success or a lost answer inserts
 * each row exactly once.
 * @module
 */
import { getTableColumns } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import { batchWrite, chunked, type LedgerWrite } from "../shared/db/ledger-batch";
import { configAudit, fills, trades, type NewConfigAuditRow, type NewFill, type NewTrade } from "../shared/db/schema";

export type { LedgerWrite };

/** A drizzle handle on the D1 ledger (any schema). */
export type LedgerDb = DrizzleD1Database<Record<string, unknown>>;

const TRADE_COLUMNS = Object.keys(getTableColumns(trades)).length;
const FILL_COLUMNS = Object.keys(getTableColumns(fills)).length;
const AUDIT_COLUMNS = Object.keys(getTableColumns(configAudit)).length;

/** The drizzle handle of a D1 binding. */
export function ledgerDb(d1: D1Database): LedgerDb {
  return drizzle(d1);
}

/** Inserts closed trades, ignoring ids already stored. One transaction. */
export function insertTrades(db: LedgerDb, rows: readonly NewTrade[]): Promise<LedgerWrite> {
  return insertLedger(db, { trades: rows });
}

/** Inserts fills, ignoring ids already stored. One transaction. */
export function insertFills(db: LedgerDb, rows: readonly NewFill[]): Promise<LedgerWrite> {
  return insertLedger(db, { fills: rows });
}

/** Inserts config audit rows, ignoring (version, at) pairs already stored. One transaction. */
export function insertConfigAudit(db: LedgerDb, rows: readonly NewConfigAuditRow[]): Promise<LedgerWrite> {
  return runBatch(
    db,
    chunked(rows, AUDIT_COLUMNS).map((c) => db.insert(configAudit).values(c).onConflictDoNothing()),
  );
}

/**
 * Inserts trades and fills together in one transaction (an outbox flush of both kinds), ignoring
 * ids already stored. Statements are split so none binds more than D1's 100 parameters.
 */
export function insertLedger(
  db: LedgerDb,
  rows: { readonly trades?: readonly NewTrade[]; readonly fills?: readonly NewFill[] },
): Promise<LedgerWrite> {
  const statements: BatchItem<"sqlite">[] = [
    ...chunked(rows.trades ?? [], TRADE_COLUMNS).map((c) => db.insert(trades).values(c).onConflictDoNothing()),
    ...chunked(rows.fills ?? [], FILL_COLUMNS).map((c) => db.insert(fills).values(c).onConflictDoNothing()),
  ];
  return runBatch(db, statements);
}

async function runBatch(db: LedgerDb, statements: BatchItem<"sqlite">[]): Promise<LedgerWrite> {
  if (statements.length === 0) return { inserted: 0, rowsWritten: 0 };
  return batchWrite(await db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]));
}
