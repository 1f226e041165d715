import { describe, expect, it } from "vitest";
import type { ClosedTrade, Position } from "../strategy/types";
import { AgentNotices, ERROR_BURST, ERROR_WINDOW_MS } from "./agent-notices";
import type { NotifyEvent } from "./notify-event";

function notices() {
  const sent: NotifyEvent[] = [];
  const n = new AgentNotices({ symbol: "BTCUSDT", send: (events) => sent.push(...events) });
  return { n, sent };
}

const position = {
  symbol: "BTCUSDT",
  side: "long",
  size: 0.012,
  entryPrice: 65_000.5,
  entryTs: 1_000,
  peakPrice: 65_000.5,
  fees: 0.47,
  slippage: 0,
  realized: 0,
  entryScore: 83.4,
  entrySubScores: {},
  configVersion: "v1",
  stopLoss: 64_800,
  takeProfit: 65_300,
} as Position;

const trade: ClosedTrade = {
  id: "BTCUSDT-1",
  symbol: "BTCUSDT",
  side: "short",
  entryTime: 1_000,
  exitTime: 43_000,
  entryPrice: 65_000,
  exitPrice: 64_900,
  size: 0.01,
  entryScore: 81,
  subScores: {} as ClosedTrade["subScores"],
  exitReason: "take_profit",
  holdSeconds: 42,
  grossPnl: 1,
  fees: 0.78,
  slippage: 0,
  netPnl: 0.22,
  configVersion: "v1",
};

describe("AgentNotices", () => {
  it("tells a position opened and closed with side, size, prices, net PnL, fees, exit reason and hold", () => {
    const { n, sent } = notices();
    n.opened("paper", { clientOid: "e-1", position, ts: 1_000 });
    n.closed("paper", trade);
    expect(sent.map((e) => e.kind)).toEqual(["position_opened", "position_closed"]);
    expect(sent[0].text).toBe("paper BTCUSDT opened long 0.012 @ 65000.5 (score 83)");
    expect(sent[1].text).toBe(
      "paper BTCUSDT closed short 0.01 65000 → 64900: net +0.2200 USDT (fees 0.7800), take_profit, held 42 s",
    );
    expect(sent[1].data).toMatchObject({ netPnl: 0.22, fees: 0.78, exitReason: "take_profit", holdSeconds: 42 });
  });

  it("reports the feed down only after the threshold, once, and up again once it is healthy", () => {
    const { n, sent } = notices();
    const down = { healthy: false, reason: "stale: no market data for 6000 ms" };
    n.feed(down, 10_000, 60_000);
    n.feed(down, 69_999, 60_000);
    expect(sent).toEqual([]);
    n.feed(down, 70_000, 60_000);
    n.feed(down, 75_000, 60_000);
    expect(sent.map((e) => e.text)).toEqual(["BTCUSDT feed down: stale: no market data for 6000 ms"]);
    n.feed({ healthy: true, reason: null }, 100_000, 60_000);
    expect(sent.map((e) => e.text)).toEqual([
      "BTCUSDT feed down: stale: no market data for 6000 ms",
      "BTCUSDT feed back up: down for 90 s",
    ]);
    expect(sent[0].key).not.toBe(sent[1].key);
  });

  it("says nothing about a feed outage shorter than the threshold", () => {
    const { n, sent } = notices();
    n.feed({ healthy: false, reason: "disconnected" }, 0, 60_000);
    n.feed({ healthy: true, reason: null }, 30_000, 60_000);
    n.feed(null, 40_000, 60_000);
    expect(sent).toEqual([]);
  });

  it("reports a reconciliation mismatch when it begins, not on every check, and again after it cleared", () => {
    const { n, sent } = notices();
    const mismatch = {
      ok: false,
      reason: "position_mismatch",
      held: 0.02,
      expected: 0,
      detail: "exchange holds 0.02, engine 0",
    } as const;
    n.reconcile(mismatch, 1_000);
    n.reconcile(mismatch, 6_000);
    n.reconcile({ ok: true, checked: false }, 11_000);
    n.reconcile(mismatch, 16_000);
    expect(sent).toHaveLength(1);
    expect(sent[0].kind).toBe("reconcile_mismatch");
    expect(sent[0].text).toContain("exchange holds 0.02, engine 0");
    n.reconcile({ ok: true, checked: true }, 21_000);
    n.reconcile(mismatch, 26_000);
    expect(sent).toHaveLength(2);
    expect(sent[1].key).not.toBe(sent[0].key);
  });

  it("sends at most the burst of errors of one kind per window, each with its own key", () => {
    const { n, sent } = notices();
    const results = Array.from({ length: ERROR_BURST + 2 }, (_, i) => n.error("agent_error", `boom ${i}`, 1_000 + i));
    expect(results.filter(Boolean)).toHaveLength(ERROR_BURST);
    expect(n.error("broker_error", "place refused", 2_000)).toBe(true);
    expect(new Set(sent.map((e) => e.key)).size).toBe(sent.length);
    expect(n.error("agent_error", "again", ERROR_WINDOW_MS + 1_000)).toBe(true);
    expect(sent.map((e) => e.kind)).toEqual([...Array(ERROR_BURST).fill("agent_error"), "broker_error", "agent_error"]);
  });
});
