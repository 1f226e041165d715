/**
 * The daily rollup: recomputes the last few complete UTC days of closed trades into `daily_stats`
 * (upsert per date and mode, so reruns and late outbox flushes just refresh the rows), and mirrors the
 * Coordinator's config audit into `config_audit` (idempotent by version and time).
 * @module
 */
import { getTableColumns, sql, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { dailyStats, type NewDailyStats, TRADE_MODES, type TradeMode } from "../shared/db/schema";
import type { DailyStats } from "../shared/backtest/metrics";
import type { ConfigAuditEntry } from "../shared/coordination/rpc-contracts";
import { insertConfigAudit, type LedgerDb, type LedgerWrite } from "../durable-objects/ledger";
import { loadWindow, windowStats } from "./stats";
import { DAY_MS, startOfUtcDay } from "./time-params";

/** Complete UTC days the rollup recomputes (yesterday and the days before it). */
export const ROLLUP_DAYS = 3;

/** The daily_stats row of a day of one mode's ledger. */
export function dailyStatsRow(d: DailyStats, mode: TradeMode, computedAt: number): NewDailyStats {
  return { ...d, mode, computedAt };
}

/** One day and mode the rollup wrote. */
export interface RolledUpDay {
  readonly date: string;
  readonly mode: TradeMode;
}

/**
 * Recomputes the `days` complete UTC days before `now` and upserts them, one row per day and mode
 * (paper, demo and live apart, as `/api/stats?mode=`); a mode without trades in the window writes
 * none. Each mode's equity starts at START_EQUITY plus its own net PnL before the first day.
 */
export async function rollupDailyStats(
  db: LedgerDb,
  startEquity: number,
  now: number,
  days = ROLLUP_DAYS,
): Promise<RolledUpDay[]> {
  const to = startOfUtcDay(now) - 1;
  const from = startOfUtcDay(now) - days * DAY_MS;
  const rows: NewDailyStats[] = [];
  for (const mode of TRADE_MODES) {
    const window = await loadWindow(db, startEquity, from, to, mode);
    if (window === null || window.rows.length === 0 || !(window.capital > 0)) continue;
    for (const d of windowStats(window.rows, window.capital, from, to).daily) rows.push(dailyStatsRow(d, mode, now));
  }
  if (rows.length === 0) return [];
  const statements = rows.map((r) =>
    db
      .insert(dailyStats)
      .values(r)
      .onConflictDoUpdate({ target: [dailyStats.date, dailyStats.mode], set: upsertSet() }),
  );
  await db.batch(statements as unknown as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  return rows.map((r) => ({ date: r.date, mode: r.mode }));
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

/** `SET` of the upsert: every column but the key (date, mode) takes the value of the row just inserted (`excluded`). */
function upsertSet(): Record<string, SQL> {
  return Object.fromEntries(
    Object.entries(getTableColumns(dailyStats))
      .filter(([key]) => key !== "date" && key !== "mode")
      .map(([key, column]) => [key, sql.raw(`excluded."${column.name}"`)]),
  );
}
