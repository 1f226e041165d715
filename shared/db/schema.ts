/**
 * D1 schema (drizzle, SQLite dialect): the ledger the dashboard and daily rollups read.
 * `trades` (one row per closed round trip) and `fills` (one row per execution) are written by a
 * symbol agent's idempotent outbox flush (`INSERT ... ON CONFLICT DO NOTHING`, see workers/ledger.ts),
 * so their primary keys are client-generated ids. `daily_stats` is upserted by the daily rollup cron;
 * `config_audit` mirrors the Coordinator's config audit (the Coordinator is the source of truth).
 * Times are exchange milliseconds since the epoch; prices are quote per base coin; money
 * (PnL, fees, slippage) is in the quote currency (USDT). `migrations/` is generated from this file
 * by `npm run db:generate`; never edit the generated SQL by hand.
 * @module
 */
import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Trading mode a trade ran under: simulated fills on the live book, real orders on Bitget's demo environment, or real orders. */
export type TradeMode = "paper" | "demo" | "live";

/** Every trading mode, each with its own ledger (stats, daily rollup and summary never mix them). */
export const TRADE_MODES = ["paper", "demo", "live"] as const satisfies readonly TradeMode[];

/** Position direction of a trade. */
export type TradeSide = "long" | "short";

/** Closed round trips, one row per trade, keyed by the client trade id. */
export const trades = sqliteTable(
  "trades",
  {
    /** Client-generated trade id; the idempotency key of the outbox flush. */
    id: text("id").primaryKey(),
    /** Exchange symbol, e.g. `BTCUSDT`. */
    symbol: text("symbol").notNull(),
    mode: text("mode", { enum: TRADE_MODES }).$type<TradeMode>().notNull(),
    side: text("side", { enum: ["long", "short"] })
      .$type<TradeSide>()
      .notNull(),
    /** Entry fill time, ms since the epoch (exchange clock). */
    entryTime: integer("entry_time").notNull(),
    /** Exit fill time, ms since the epoch (exchange clock). */
    exitTime: integer("exit_time").notNull(),
    /** Average entry fill price. */
    entryPrice: real("entry_price").notNull(),
    /** Average exit fill price. */
    exitPrice: real("exit_price").notNull(),
    /** Position size in base coin (always positive; direction is `side`). */
    size: real("size").notNull(),
    /** Composite entry score, 0–100. */
    entryScore: real("entry_score").notNull(),
    /** Directional sub-score per indicator family at entry, stored as JSON text. */
    subScores: text("sub_scores", { mode: "json" }).$type<Record<string, number>>().notNull(),
    /** Why the position was closed (e.g. `take_profit`, `stop_loss`, `time`). */
    exitReason: text("exit_reason").notNull(),
    /** exit_time − entry_time, in seconds. */
    holdSeconds: real("hold_seconds").notNull(),
    /** PnL before fees: (exit − entry) × size, sign-flipped for shorts. */
    grossPnl: real("gross_pnl").notNull(),
    /** Total fees paid on entry and exit, quote currency, ≥ 0. */
    fees: real("fees").notNull(),
    /** Cost of fills worse than the decision price, quote currency (positive = lost). */
    slippage: real("slippage").notNull(),
    /** gross_pnl − fees. Slippage is already inside the fill prices, so it is not subtracted again. */
    netPnl: real("net_pnl").notNull(),
    /** Version of the bot config the trade was opened under. */
    configVersion: text("config_version").notNull(),
  },
  (t) => [
    index("trades_symbol_exit_time_idx").on(t.symbol, t.exitTime),
    index("trades_exit_time_id_idx").on(t.exitTime, t.id),
  ],
);

/** A row read from `trades`. */
export type Trade = typeof trades.$inferSelect;

/** A row to insert into `trades`. */
export type NewTrade = typeof trades.$inferInsert;

/**
 * Role of a fill in its round trip: it opened or grew the engine's position (`entry`), or reduced or
 * closed it (`exit`); `foreign`: part of none of the engine's positions (a manual or other order that
 * closed a position the engine never held, an execution that came after its position was gone). A
 * foreign fill's fee is the account's money all the same (on its row), but it closes no trade.
 * Rows written before `foreign` existed carry `exit` for such fills (the column is plain TEXT: no
 * migration; they cannot be told apart from partial exits afterwards, so they are left as they are).
 */
export type FillRole = "entry" | "exit" | "foreign";

/** Every {@link FillRole}, as the `role` column's enum. */
export const FILL_ROLES = ["entry", "exit", "foreign"] as const satisfies readonly FillRole[];

/** Executions, one row per fill, keyed by a client-generated fill id (the outbox's idempotency key). */
export const fills = sqliteTable(
  "fills",
  {
    /** Client-generated fill id, unique per execution (e.g. `${clientOid}#${n}`, or the exchange trade id in live mode). */
    id: text("id").primaryKey(),
    /** Id of the round trip (`trades.id`) the fill belongs to; null when the agent does not know it yet. */
    tradeId: text("trade_id"),
    symbol: text("symbol").notNull(),
    mode: text("mode", { enum: TRADE_MODES }).$type<TradeMode>().notNull(),
    /** Client order id of the order that filled. */
    clientOid: text("client_oid").notNull(),
    /** Order side on the exchange. */
    side: text("side", { enum: ["buy", "sell"] })
      .$type<"buy" | "sell">()
      .notNull(),
    /** Opens (entry) or closes (exit) the engine's position, or neither (foreign): {@link FillRole}. */
    role: text("role", { enum: FILL_ROLES }).$type<FillRole>().notNull(),
    price: real("price").notNull(),
    /** Size in base coin, > 0. */
    size: real("size").notNull(),
    /** Fee paid, quote currency, ≥ 0. */
    fee: real("fee").notNull(),
    liquidity: text("liquidity", { enum: ["maker", "taker"] })
      .$type<"maker" | "taker">()
      .notNull(),
    /** Cost against the decision's reference price, quote currency (positive = worse). */
    slippage: real("slippage").notNull(),
    /** Execution time, ms since the epoch (exchange clock). */
    ts: integer("ts").notNull(),
    /** True when the order had no remaining size after this fill. */
    final: integer("final", { mode: "boolean" }).notNull(),
    /** For exit fills, why the position was closed; null for entries. */
    exitReason: text("exit_reason"),
    configVersion: text("config_version").notNull(),
  },
  (t) => [index("fills_symbol_ts_idx").on(t.symbol, t.ts), index("fills_trade_id_idx").on(t.tradeId)],
);

/** A row read from `fills`. */
export type FillRow = typeof fills.$inferSelect;

/** A row to insert into `fills`. */
export type NewFill = typeof fills.$inferInsert;

/**
 * One UTC day of one mode's closed trades over all symbols, written by the daily rollup (upsert per
 * date and mode: paper, demo and live money never mix, as in `/api/stats`). The numbers are
 * shared/backtest/metrics.ts `daily()` on the mode's closed-trade equity curve; the formula of each
 * column is METRIC_FORMULAS["daily.<field>"].
 */
export const dailyStats = sqliteTable(
  "daily_stats",
  {
    /** YYYY-MM-DD, UTC. */
    date: text("date").notNull(),
    mode: text("mode", { enum: TRADE_MODES }).$type<TradeMode>().notNull(),
    trades: integer("trades").notNull(),
    wins: integer("wins").notNull(),
    winRate: real("win_rate"),
    grossPnl: real("gross_pnl").notNull(),
    fees: real("fees").notNull(),
    netPnl: real("net_pnl").notNull(),
    profitFactor: real("profit_factor"),
    startEquity: real("start_equity").notNull(),
    endEquity: real("end_equity").notNull(),
    /** R_d = (endEquity − startEquity) / startEquity; null when startEquity ≤ 0. */
    return: real("return"),
    maxDrawdown: real("max_drawdown").notNull(),
    avgHoldSeconds: real("avg_hold_seconds"),
    feeImpact: real("fee_impact"),
    /** Wall time of the rollup that wrote the row, ms since the epoch. */
    computedAt: integer("computed_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.date, t.mode] })],
);

/** A row read from `daily_stats`. */
export type DailyStatsRow = typeof dailyStats.$inferSelect;

/** A row to write into `daily_stats`. */
export type NewDailyStats = typeof dailyStats.$inferInsert;

/** Config changes (mirror of the Coordinator's audit), keyed by (version, at) so mirroring is idempotent. */
export const configAudit = sqliteTable(
  "config_audit",
  {
    /** Wall time of the change, ms since the epoch. */
    at: integer("at").notNull(),
    /** Config version after the change. */
    version: text("version").notNull(),
    /** Config version before the change. */
    previousVersion: text("previous_version").notNull(),
    /** `put` (whole config) or `patch` (partial). */
    kind: text("kind", { enum: ["put", "patch"] })
      .$type<"put" | "patch">()
      .notNull(),
    /** What was sent (the config or the patch), as JSON text. */
    change: text("change", { mode: "json" }).$type<unknown>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.version, t.at] }), index("config_audit_at_idx").on(t.at)],
);

/** A row read from `config_audit`. */
export type ConfigAuditRow = typeof configAudit.$inferSelect;

/** A row to insert into `config_audit`. */
export type NewConfigAuditRow = typeof configAudit.$inferInsert;
