import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { type NewTrade, trades } from "../../shared/db/schema";

const trade: NewTrade = {
  id: "t-0001",
  symbol: "BTCUSDT",
  mode: "paper",
  side: "long",
  entryTime: 1_764_000_000_000,
  exitTime: 1_764_000_042_500,
  entryPrice: 91_000.5,
  exitPrice: 91_273.5,
  size: 0.01,
  entryScore: 83.5,
  subScores: { rsi: 0.8, macd: 0.6, orderFlow: -0.1 },
  exitReason: "take_profit",
  holdSeconds: 42.5,
  grossPnl: 2.73,
  fees: 0.364,
  slippage: 0.05,
  netPnl: 2.366,
  configVersion: "1",
};

describe("the D1 trades table", () => {
  it("exists after the migrations, with its symbol/exit-time and exit-time/id indexes", async () => {
    const rows = await env.DB.prepare(
      "SELECT type, name FROM sqlite_master WHERE tbl_name = 'trades' AND name NOT LIKE 'sqlite_%' ORDER BY type, name",
    ).all<{ type: string; name: string }>();
    expect(rows.results).toEqual([
      { type: "index", name: "trades_exit_time_id_idx" },
      { type: "index", name: "trades_symbol_exit_time_idx" },
      { type: "table", name: "trades" },
    ]);
  });

  it("stores a trade through drizzle and reads it back unchanged", async () => {
    const db = drizzle(env.DB);
    await db.insert(trades).values(trade);
    const rows = await db.select().from(trades).where(eq(trades.id, trade.id));
    expect(rows).toEqual([trade]);
  });

  it("stores sub-scores as JSON text", async () => {
    const db = drizzle(env.DB);
    await db.insert(trades).values({ ...trade, id: "t-0002" });
    const raw = await env.DB.prepare("SELECT sub_scores FROM trades WHERE id = ?")
      .bind("t-0002")
      .first<string>("sub_scores");
    expect(JSON.parse(raw ?? "null")).toEqual(trade.subScores);
  });

  it("ignores a repeated trade id when inserted with on-conflict-do-nothing", async () => {
    const db = drizzle(env.DB);
    await db.insert(trades).values({ ...trade, id: "t-0003" });
    await db
      .insert(trades)
      .values({ ...trade, id: "t-0003", netPnl: -1 })
      .onConflictDoNothing();
    const rows = await db.select({ netPnl: trades.netPnl }).from(trades).where(eq(trades.id, "t-0003"));
    expect(rows).toEqual([{ netPnl: trade.netPnl }]);
  });
});
