import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { tradeRow } from "../../shared/db/ledger-mapping";
import { AgentStore } from "../../durable-objects/agent-store";
import type { SymbolAgent } from "../../durable-objects/symbol-agent";
import type { ClosedTrade } from "../../shared/strategy/types";

const SYMBOL = "DOGEUSDT";
const agent = () => env.SYMBOL_AGENT.getByName(SYMBOL);

function closedTrade(i: number): ClosedTrade {
  const entryTime = 1_764_000_000_000 + i * 60_000;
  return {
    id: `${SYMBOL}:${entryTime}:v-test:${i}`,
    symbol: SYMBOL,
    side: "long",
    entryTime,
    exitTime: entryTime + 20_000,
    entryPrice: 0.09,
    exitPrice: 0.0901,
    size: 1000,
    entryScore: 81,
    subScores: {
      rsi: 0.2,
      macd: 0.1,
      bollinger: 0,
      ema: 0,
      vwap: 0,
      orderFlow: 0.3,
      priceAction: 0,
      liquiditySweep: 0,
      tickMomentum: 0.1,
    },
    exitReason: "take_profit",
    holdSeconds: 20,
    grossPnl: 0.1,
    fees: 0.02,
    slippage: 0,
    netPnl: 0.08,
    configVersion: "v-test",
  };
}

/** Writes trades into the agent's outbox as a close would. */
function enqueue(trades: readonly ClosedTrade[]): Promise<void> {
  return runInDurableObject(agent(), (_: SymbolAgent, state) => {
    const store = new AgentStore(state.storage);
    for (const t of trades) store.addOutbox("trade", t.id, tradeRow(t, "paper"), Date.now());
  });
}

async function d1Trades(): Promise<number> {
  const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM trades WHERE symbol = ?")
    .bind(SYMBOL)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

describe("the D1 outbox", () => {
  it("keeps every row while D1 fails, re-arms the alarm, and writes each row exactly once when D1 is back", async () => {
    expect((await agent().start(SYMBOL)).running).toBe(true);
    const trades = Array.from({ length: 7 }, (_, i) => closedTrade(i));
    await enqueue(trades);
    await env.DB.exec("ALTER TABLE trades RENAME TO trades_offline");
    try {
      expect(await runDurableObjectAlarm(agent())).toBe(true);
      const failing = await agent().status();
      expect(failing.outboxPending).toBe(7);
      expect(failing.alarmErrors.some((e) => e.startsWith("outbox:"))).toBe(true);
      expect(await runInDurableObject(agent(), (_: SymbolAgent, state) => state.storage.getAlarm())).not.toBeNull();
    } finally {
      await env.DB.exec("ALTER TABLE trades_offline RENAME TO trades");
    }

    expect(await runDurableObjectAlarm(agent())).toBe(true);
    const recovered = await agent().status();
    expect(recovered.outboxPending).toBe(0);
    expect(recovered.alarmErrors).toEqual([]);
    expect(await d1Trades()).toBe(7);
  }, 20_000);

  it("writes nothing twice when a flushed row is sent again (a crash between the D1 batch and the delete)", async () => {
    await enqueue([closedTrade(3), closedTrade(5), closedTrade(7)]);
    expect(await runDurableObjectAlarm(agent())).toBe(true);
    expect((await agent().status()).outboxPending).toBe(0);
    expect(await d1Trades()).toBe(8);
    const stored = await env.DB.prepare("SELECT net_pnl AS netPnl FROM trades WHERE id = ?")
      .bind(closedTrade(3).id)
      .first<{ netPnl: number }>();
    expect(stored?.netPnl).toBeCloseTo(0.08, 12);
    await agent().stop();
  });
});
