/**
 * The daily rollup: recomputes the last few complete UTC days of closed trades into `daily_stats`
 * (upsert per date, so reruns and late outbox flushes just refresh the rows), and mirrors the
 * Coordinator's config audit into `config_audit` (idempotent by version and time).
 * @module
 */
import { getTableColumns, sql, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { dailyStats, type NewDailyStats } from "../shared/db/schema";
import type { DailyStats } from "../shared/backtest/metrics";
import type { ConfigAuditEntry } from "../durable-objects/contracts";
import { insertConfigAudit, type LedgerDb, type LedgerWrite } from "../durable-objects/ledger";
import { loadWindow, windowStats } from "./stats";
import { DAY_MS, startOfUtcDay } from "./time-params";

/** Complete UTC days the rollup recomputes (yesterday and the days before it). */
export const ROLLUP_DAYS = 3;

/** The daily_stats row of a day. */
export function dailyStatsRow(d: DailyStats, computedAt: number): NewDailyStats {
  return { ...d, computedAt };
}

/**
 * Recomputes the `days` complete UTC days before `now` and upserts them. Equity starts at
 * START_EQUITY plus all net PnL before the first day, as in the stats endpoint.
 */
export async function rollupDailyStats(
  db: LedgerDb,
  startEquity: number,
  now: number,
  days = ROLLUP_DAYS,
): Promise<string[]> {
  const to = startOfUtcDay(now) - 1;
  const from = startOfUtcDay(now) - days * DAY_MS;
  const window = await loadWindow(db, startEquity, from, to);
  if (window === null || !(window.capital > 0)) return [];
  const rows = windowStats(window.rows, window.capital, from, to).daily.map((d) => dailyStatsRow(d, now));
  if (rows.length === 0) return [];
  const statements = rows.map((r) =>
    db.insert(dailyStats).values(r).onConflictDoUpdate({ target: dailyStats.date, set: upsertSet() }),
  );
  await db.batch(statements as unknown as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  return rows.map((r) => r.date);
}

/** Mirrors audit entries into D1's config_audit (already mirrored ones are ignored). */
export function mirrorConfigAudit(db: LedgerDb, entries: readonly ConfigAuditEntry[]): Promise<LedgerWrite> {
  return insertConfigAudit(
    db,
    entries.map((e) => ({
      at: e.at,
      version: e.version,
      previousVersion: e.previousVersion,
      kind: e.kind,
      change: e.change,
    })),
  );
}

/** `SET` of the upsert: every column but the date takes the value of the row just inserted (`excluded`). */
function upsertSet(): Record<string, SQL> {
  return Object.fromEntries(
    Object.entries(getTableColumns(dailyStats))
      .filter(([key]) => key !== "date")
      .map(([key, column]) => [key, sql.raw(`excluded."${column.name}"`)]),
  );
}
