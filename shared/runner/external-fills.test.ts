import { describe, expect, it } from "vitest";
import type { OrderRequest } from "../execution/orders";
import { liveFixture, T0, TAKER } from "./testing/live-fixture";

/** An order id the exchange gave its own order (an exchange-side stop has no clientOid of ours). */
const EXCHANGE_ORDER_ID = "1311111111111111111";

/** Opens a position on the scripted exchange: the entry fills at `price`. */
function opened(f = liveFixture()) {
  const last = f.runUntil(() => f.placed.length > 0);
  const entry = f.placed[0] as OrderRequest;
  f.fill(entry, 100, last + 10);
  const position = f.runner.engineStatus()?.position;
  if (!position) throw new Error("no position opened");
  return { f, entry, position, last: last + 10 };
}

describe("fills the engine did not order (issue #14: ghost position and order flood)", () => {
  it("closes the position at the exchange-side stop's price and fee, and sends no exit for it afterwards", () => {
    const { f, position, last } = opened();
    const long = position.side === "long";
    const stopPrice = long ? 99.8 : 100.2;
    const placedBefore = f.placed.length;
    f.answerPlaces((req) => ({ ok: false, reason: "reduce_only_no_position", detail: `no position for ${req.side}` }));
    f.runner.onLiveFill({
      clientOid: EXCHANGE_ORDER_ID,
      symbol: "BTCUSDT",
      side: long ? "sell" : "buy",
      price: stopPrice,
      size: position.size,
      fee: stopPrice * position.size * TAKER,
      liquidity: "taker",
      ts: last + 1_000,
      slippage: 0,
      final: true,
    });
    // 91 s of a market beyond the stop: the engine would see its own stop-loss on every print.
    const beyond = long ? 99.5 : 100.5;
    for (let t = 2_000; t <= 91_000; t += 125) f.trade(last + t, beyond, long ? "sell" : "buy");

    expect(f.placed.slice(placedBefore).filter((o) => o.reduceOnly)).toEqual([]);
    expect(f.runner.engineStatus()?.phase).not.toBe("open");
    expect(f.trades).toHaveLength(1);
    const t = f.trades[0];
    const gross = (long ? stopPrice - 100 : 100 - stopPrice) * position.size;
    const fees = position.fees + stopPrice * position.size * TAKER;
    expect(t).toMatchObject({ exitPrice: stopPrice, exitReason: "stop_loss", mode: "live" });
    expect(t.fees).toBeCloseTo(fees, 9);
    expect(t.netPnl).toBeCloseTo(gross - fees, 9);
    expect(f.calls.filter((c) => c.startsWith("close"))).toEqual([`close stop_loss ${(gross - fees).toFixed(6)}`]);
    expect(f.equity()).toBeCloseTo(10_000 + gross - fees, 9);
    expect(f.fills.at(-1)).toMatchObject({ clientOid: EXCHANGE_ORDER_ID, role: "exit", tradeId: t.id });
    expect(f.safety).toContainEqual(expect.objectContaining({ kind: "externalFill", role: "exit", closed: true }));
    expect(f.runner.safety.externalFills).toBe(1);
  });

  it("reduces the position by a partial external fill, and the engine's own exit sends only the rest", () => {
    const { f, position, last } = opened(
      liveFixture({
        mode: "live",
        gates: { minScore: 0, minAgreeing: 0, minVolumeRatio: 0, minExpectedMoveFeeMultiple: 0, requireBook: false },
        execution: { entryOrder: "market", latencyMs: 0, takeProfitOrder: "market" },
        exits: { maxHoldMs: 20_000, minHoldMs: 0, exitScoreBelow: 0, oppositeScoreAbove: 100, trailingPct: 0 },
      }),
    );
    const long = position.side === "long";
    const third = Math.round((position.size / 3) * 1000) / 1000;
    f.runner.onLiveFill({
      clientOid: EXCHANGE_ORDER_ID,
      symbol: "BTCUSDT",
      side: long ? "sell" : "buy",
      price: 100,
      size: third,
      fee: 0,
      liquidity: "taker",
      ts: last + 100,
      slippage: 0,
      final: true,
    });
    expect(f.runner.engineStatus()?.phase).toBe("open");
    f.trade(last + 25_000, 100);
    const exit = f.placed.at(-1) as OrderRequest;
    expect(exit).toMatchObject({ reduceOnly: true });
    expect(exit.size).toBeCloseTo(position.size - third, 9);
    f.fill(exit, 100, last + 25_010);
    expect(f.trades).toHaveLength(1);
    expect(f.trades[0]).toMatchObject({ size: position.size, exitReason: "time_exit" });
  });

  it("leaves the engine's position alone for an external fill on the opening side, and reports it as not the engine's", () => {
    const { f, position, last } = opened();
    f.runner.onLiveFill({
      clientOid: EXCHANGE_ORDER_ID,
      symbol: "BTCUSDT",
      side: position.side === "long" ? "buy" : "sell",
      price: 100,
      size: 0.01,
      fee: 0,
      liquidity: "taker",
      ts: last + 100,
      slippage: 0,
      final: true,
    });
    expect(f.runner.engineStatus()?.position).toEqual(position);
    expect(f.safety).toContainEqual(expect.objectContaining({ kind: "externalFill", role: null, closed: false }));
  });
});

describe("rejected exits are never re-sent in a loop", () => {
  it("backs off after each rejected exit and halts exits after five, keeping the position for the exchange's stop", () => {
    const { f, position, last } = opened();
    const long = position.side === "long";
    const placedBefore = f.placed.length;
    // The stop's fill push was missed: the exchange refuses every exit (the position is gone there).
    f.answerPlaces(() => ({ ok: false, reason: "reduce_only_no_position", detail: "40757" }));
    const beyond = long ? 99.5 : 100.5;
    for (let t = 1_000; t <= 91_000; t += 125) f.trade(last + t, beyond, long ? "sell" : "buy");

    const exits = f.placed.slice(placedBefore).filter((o) => o.reduceOnly);
    expect(exits).toHaveLength(5);
    const gaps = exits.slice(1).map((o, i) => o.ts - exits[i].ts);
    expect(gaps).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(f.runner.exitHalted).toBe(true);
    expect(f.runner.engineStatus()?.phase).toBe("open");
    expect(f.safety.filter((e) => e.kind === "exitHalted")).toEqual([
      expect.objectContaining({ kind: "exitHalted", reason: "stop_loss", failures: 5 }),
    ]);
    expect(f.runner.safety).toMatchObject({ exitFailures: 5, exitHalts: 1 });
    // A kill-switch flatten sends nothing either while exits are halted.
    f.runner.flatten(last + 92_000, "flatten");
    expect(f.placed.slice(placedBefore).filter((o) => o.reduceOnly)).toHaveLength(5);
  });

  it("retries a rejected exit after the wait even when the exit condition has passed, and closes when it fills", () => {
    const { f, position, last } = opened();
    const long = position.side === "long";
    let refuse = true;
    f.answerPlaces((req) =>
      refuse ? { ok: false, reason: "rate_limited", detail: "429" } : { ok: true, clientOid: req.clientOid },
    );
    f.runner.flatten(last + 100, "flatten");
    refuse = false;
    f.trade(last + 600, 100);
    const before = f.placed.length;
    f.trade(last + 1_200, 100);
    const retry = f.placed.at(-1) as OrderRequest;
    expect(f.placed.length).toBe(before + 1);
    expect(retry).toMatchObject({ reduceOnly: true, side: long ? "sell" : "buy" });
    f.fill(retry, 100, last + 1_210);
    expect(f.trades.map((t) => t.exitReason)).toEqual(["flatten"]);
  });
});

describe("the exchange-side stop-loss", () => {
  it("goes with every live entry as its preset stop, on the losing side of the entry's price", () => {
    const f = liveFixture();
    const last = f.runUntil(() => f.placed.length > 0);
    const entry = f.placed[0] as OrderRequest;
    expect(entry.reduceOnly).toBe(false);
    // The fixture's market: trade i is at 100 + (i % 7) × 0.01 + i × 0.002.
    const i = (last - T0) / 500;
    const lastPrice = 100 + (i % 7) * 0.01 + i * 0.002;
    const behind = ((entry.stopLossPrice as number) - lastPrice) * (entry.side === "buy" ? 1 : -1);
    expect(behind).toBeLessThan(0);
    expect(-behind / lastPrice).toBeCloseTo(0.0012, 3);
  });
});
