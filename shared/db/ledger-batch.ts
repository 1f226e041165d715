/**
 * The arithmetic of an idempotent ledger write on D1: how many rows one insert statement may carry
 * (D1 binds at most {@link MAX_BOUND_PARAMS} parameters per statement) and what a batch wrote, read
 * from the statements' `meta` (rows inserted; rows written, index entries included: what D1 bills).
 * @module
 */

/** D1 binds at most 100 parameters per statement. */
export const MAX_BOUND_PARAMS = 100;

/** What a ledger write did: rows inserted (the rest were already there), and D1's rows written (index entries included: what D1 bills). */
export interface LedgerWrite {
  readonly inserted: number;
  readonly rowsWritten: number;
}

/** `rows` in chunks whose insert binds at most {@link MAX_BOUND_PARAMS} parameters (`columns` per row). */
export function chunked<T>(rows: readonly T[], columns: number): T[][] {
  const size = Math.max(1, Math.floor(MAX_BOUND_PARAMS / columns));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** The sum of the batch's statement results' `meta.changes` and `meta.rows_written` (absent counts 0). */
export function batchWrite(results: readonly unknown[]): LedgerWrite {
  let inserted = 0;
  let rowsWritten = 0;
  for (const r of results) {
    inserted += metaOf(r, "changes");
    rowsWritten += metaOf(r, "rows_written");
  }
  return { inserted, rowsWritten };
}

function metaOf(result: unknown, field: "changes" | "rows_written"): number {
  const meta = (result as { meta?: Record<string, unknown> } | null)?.meta;
  const v = meta?.[field];
  return typeof v === "number" ? v : 0;
}
