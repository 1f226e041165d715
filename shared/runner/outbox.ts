/**
 * The ledger outbox of a runner in a Durable Object: closed trades and fills are written to the
 * object's own storage in the same synchronous turn as the state change that produced them, and
 * copied to the shared ledger (D1) later with keyed inserts that ignore duplicates. Rows are deleted
 * only after their batch was written, so an outage loses nothing, and a flush repeated after a lost
 * answer or a crash between the write and the delete inserts nothing twice.
 * @module
 */
import type { NewFill, NewTrade } from "../db/schema";

/** Kinds of outbox rows; each goes to its own ledger table (`trades`, `fills`). */
export type OutboxKind = "trade" | "fill";

/** One outbox row (`id` is `kind:rowId`). */
export interface OutboxRow {
  readonly id: string;
  readonly kind: OutboxKind;
  readonly payload: string;
}

/** The outbox as the flush reads it. */
export interface OutboxStore {
  /** The oldest `limit` rows. */
  outbox(limit: number): OutboxRow[];
  deleteOutbox(ids: readonly string[]): void;
}

/** Writes ledger rows in one transaction, ignoring ids already stored. */
export type LedgerWriter = (rows: { readonly trades: NewTrade[]; readonly fills: NewFill[] }) => Promise<unknown>;

/** Outbox rows copied per batch. */
export const OUTBOX_BATCH = 50;

/**
 * Copies up to `batches` × {@link OUTBOX_BATCH} rows, oldest first, deleting each batch once written.
 * Throws (after deleting what was written) when the write fails or a row cannot be read.
 * @returns rows flushed.
 */
export async function flushOutbox(store: OutboxStore, write: LedgerWriter, batches = 4): Promise<number> {
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
