/**
 * D1 schema (drizzle, SQLite dialect): the trade ledger the dashboard and daily rollups read.
 * One row per closed round trip, written by a symbol agent's idempotent outbox flush
 * (`INSERT ... ON CONFLICT(id) DO NOTHING`), so the primary key is the client-generated trade id.
 * Times are exchange milliseconds since the epoch; prices are quote per base coin; money
 * (PnL, fees, slippage) is in the quote currency (USDT). `migrations/` is generated from this file
 * by `npm run db:generate`; never edit the generated SQL by hand.
 * @module
 */
import { index, integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Trading mode a trade ran under: simulated fills on the live book, or real orders. */
export type TradeMode = "paper" | "live";

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
    mode: text("mode", { enum: ["paper", "live"] }).$type<TradeMode>().notNull(),
    side: text("side", { enum: ["long", "short"] }).$type<TradeSide>().notNull(),
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
  (t) => [index("trades_symbol_exit_time_idx").on(t.symbol, t.exitTime)],
);

/** A row read from `trades`. */
export type Trade = typeof trades.$inferSelect;

/** A row to insert into `trades`. */
export type NewTrade = typeof trades.$inferInsert;
