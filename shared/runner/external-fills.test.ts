import { describe, expect, it } from "vitest";
import type { Fill, OrderRequest } from "../execution/orders";
import { FakeStops } from "./testing/fake-stops";
import { liveFixture, OPEN_LIVE, T0, TAKER } from "./testing/live-fixture";

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
});

/** Lets the stop guard's checks (promises) run. */
async function settled(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

/** A fill of an order the runner never placed (a manual order at the exchange), taker fee. */
function manualFill(side: "buy" | "sell", price: number, size: number, ts: number, final = true): Fill {
  return {
    clientOid: EXCHANGE_ORDER_ID,
    symbol: "BTCUSDT",
    side,
    price,
    size,
    fee: price * size * TAKER,
    liquidity: "taker",
    ts,
    slippage: 0,
    final,
  };
}

describe("fills the engine did not order that grow or open the position (issue #14: the position follows the exchange)", () => {
  it("grows the position by a manual add on the same side: size, average entry price and both fees; the ledger books it as an entry; the portfolio hears the new size, the exchange stop follows the new average; flatten exits the whole size", async () => {
    const stops = new FakeStops();
    const { f, position, last } = opened(liveFixture(OPEN_LIVE, {}, stops));
    await settled();
    expect(stops.stopsHeld).toMatchObject([{ side: position.side, triggerPrice: position.stopLoss }]);
    const long = position.side === "long";
    // As much again at 101: the average moves by half a point, far more than a tick.
    const more = position.size;
    const add = manualFill(long ? "buy" : "sell", 101, more, last + 100);
    f.runner.onLiveFill(add);

    const grown = f.runner.engineStatus()?.position;
    const size = position.size + more;
    const avg = (100 * position.size + 101 * more) / size;
    expect(f.runner.engineStatus()?.phase).toBe("open");
    expect(grown?.size).toBeCloseTo(size, 9);
    expect(grown?.entryPrice).toBeCloseTo(avg, 9);
    expect(grown?.fees).toBeCloseTo(position.fees + add.fee, 9);
    // The stop keeps its distance in percent from the new average.
    expect((grown?.stopLoss as number) / avg).toBeCloseTo(position.stopLoss / position.entryPrice, 12);
    expect(f.fills.at(-1)).toMatchObject({ clientOid: EXCHANGE_ORDER_ID, role: "entry", size: more, price: 101 });
    expect(f.fills.at(-1)?.fee).toBeCloseTo(add.fee, 12);
    expect(f.calls.at(-1)).toBe(`sync ${position.side} ${grown?.size} ${avg.toFixed(6)}`);
    await settled();
    // Bitget's position stop closes the whole position: one, at the grown position's stop.
    expect(stops.stopsHeld).toMatchObject([{ side: position.side, triggerPrice: grown?.stopLoss }]);
    expect(f.safety).toContainEqual(expect.objectContaining({ kind: "externalFill", role: "entry", closed: false }));

    f.runner.flatten(last + 200, "flatten");
    const exit = f.placed.at(-1) as OrderRequest;
    expect(exit).toMatchObject({ reduceOnly: true, side: long ? "sell" : "buy" });
    expect(exit.size).toBeCloseTo(size, 9);
    f.fill(exit, 102, last + 210);
    expect(f.trades).toHaveLength(1);
    const t = f.trades[0];
    const gross = (long ? 1 : -1) * (102 * size - avg * size);
    const fees = position.fees + add.fee + 102 * exit.size * TAKER;
    expect(t.size).toBeCloseTo(size, 9);
    expect(t.entryPrice).toBeCloseTo(avg, 9);
    expect(t.fees).toBeCloseTo(fees, 9);
    expect(t.netPnl).toBeCloseTo(gross - fees, 9);
    expect(f.equity()).toBeCloseTo(10_000 + gross - fees, 9);
  });

  it("rests the take-profit again for the whole size after a manual add (the old one covered the old size)", () => {
    const f = liveFixture({
      ...OPEN_LIVE,
      execution: { entryOrder: "market", latencyMs: 0, takeProfitOrder: "postOnly" },
    });
    const last = f.runUntil(() => f.placed.length > 0);
    f.fill(f.placed[0] as OrderRequest, 100, last + 10);
    const position = f.runner.engineStatus()?.position;
    if (!position) throw new Error("no position opened");
    const oldTp = f.placed.at(-1) as OrderRequest;
    expect(oldTp).toMatchObject({ type: "postOnly", reduceOnly: true });
    f.runner.onLiveFill(manualFill(position.side === "long" ? "buy" : "sell", 100, 0.05, last + 100));

    expect(f.cancels).toContain(oldTp.clientOid);
    const newTp = f.placed.at(-1) as OrderRequest;
    expect(newTp).toMatchObject({ type: "postOnly", reduceOnly: true, side: oldTp.side });
    expect(newTp.clientOid).not.toBe(oldTp.clientOid);
    expect(newTp.size).toBeCloseTo(position.size + 0.05, 9);
    expect(newTp.price).toBe(oldTp.price);
  });

  it("adopts the exchange's position, not the fill, when a manual order's first part finds the engine flat (orphanPolicy adopt): size, side and average price as the exchange holds them, the fill's fee, an exchange stop; the order's later part grows nothing the exchange had already counted", async () => {
    const stops = new FakeStops();
    const f = liveFixture(OPEN_LIVE, {}, stops);
    // The order filled in two parts at once; the exchange's position counts both when the first push arrives.
    f.answerPositions(() => [{ side: "long", size: 0.04, avgPrice: 101 }]);
    const first = manualFill("buy", 100, 0.02, T0, false);
    f.runner.onLiveFill(first);
    await settled();
    expect(f.positionReads()).toBe(1);
    expect(f.runner.engineStatus()?.phase).toBe("open");
    expect(f.runner.engineStatus()?.position).toMatchObject({ side: "long", size: 0.04, entryPrice: 101 });
    expect(f.runner.engineStatus()?.position?.fees).toBeCloseTo(first.fee, 12);
    expect(f.runner.recovery.orphansAdopted).toBe(1);
    expect(f.fills).toHaveLength(1);
    expect(f.fills[0]).toMatchObject({ clientOid: EXCHANGE_ORDER_ID, role: "entry", size: 0.02 });
    expect(f.calls).toEqual(["sync long 0.04 101.000000"]);
    expect(f.placed).toEqual([]);
    expect(stops.stopsHeld).toMatchObject([
      { side: "long", triggerPrice: f.runner.engineStatus()?.position?.stopLoss },
    ]);

    // The second part's push: the exchange already counted it, so the position stays; its fee is ledgered once.
    const second = manualFill("buy", 102, 0.02, T0 + 50);
    f.runner.onLiveFill(second);
    await settled();
    expect(f.positionReads()).toBe(2);
    expect(f.runner.engineStatus()?.position).toMatchObject({ side: "long", size: 0.04, entryPrice: 101 });
    // Its fee was paid all the same: the position (and so the trade's net result) carries both parts' fees.
    expect(f.runner.engineStatus()?.position?.fees).toBeCloseTo(first.fee + second.fee, 12);
    expect(f.fills.map((r) => [r.role, r.size, r.fee])).toEqual([
      ["entry", 0.02, first.fee],
      ["entry", 0.02, second.fee],
    ]);
    expect(f.runner.recovery.orphansAdopted).toBe(1);
    expect(f.runner.safety.externalFills).toBe(2);
  });

  it("grows an adopted position by a later part of the same order that the exchange had not counted yet, by what the exchange added", async () => {
    const f = liveFixture(OPEN_LIVE, {}, new FakeStops());
    f.answerPositions(() => [{ side: "short", size: 0.02, avgPrice: 100 }]);
    f.runner.onLiveFill(manualFill("sell", 100, 0.02, T0, false));
    await settled();
    f.answerPositions(() => [{ side: "short", size: 0.05, avgPrice: 100.6 }]);
    f.runner.onLiveFill(manualFill("sell", 101, 0.03, T0 + 50));
    await settled();
    expect(f.runner.engineStatus()?.position).toMatchObject({ side: "short", size: 0.05 });
    expect(f.runner.engineStatus()?.position?.entryPrice).toBeCloseTo(100.6, 9);
    expect(f.calls.at(-1)).toBe("sync short 0.05 100.600000");
  });

  it("opens nothing when a foreign fill finds the engine flat and the exchange holds nothing (it closed a position the engine never knew): the fill and its fee are ledgered once, not the engine's", async () => {
    const f = liveFixture(OPEN_LIVE, {}, new FakeStops());
    const close = manualFill("sell", 100, 0.02, T0);
    f.runner.onLiveFill(close);
    await settled();
    expect(f.positionReads()).toBe(1);
    expect(f.runner.engineStatus()?.phase ?? "flat").toBe("flat");
    expect(f.runner.recovery.orphansAdopted + f.runner.recovery.orphansClosed).toBe(0);
    expect(f.placed).toEqual([]);
    expect(f.calls).toEqual([]);
    expect(f.fills).toHaveLength(1);
    // Not an exit of any trade (no trade closed): booked as foreign, its fee still on the row.
    expect(f.fills[0]).toMatchObject({ clientOid: EXCHANGE_ORDER_ID, role: "foreign", size: 0.02, tradeId: null });
    expect(f.fills[0].fee).toBeCloseTo(close.fee, 12);
    expect(f.safety).toContainEqual(expect.objectContaining({ kind: "externalFill", role: null }));
    expect(f.runner.entryRefusal).toBeNull();
  });

  it("keeps one read in flight: fills that arrive during it are read again together and adopted once, with every fill's fee", async () => {
    const f = liveFixture(OPEN_LIVE, {}, new FakeStops());
    const answers: ((p: readonly { side: "long"; size: number; avgPrice: number }[]) => void)[] = [];
    f.answerPositions(() => new Promise((resolve) => answers.push(resolve)));
    const parts = [manualFill("buy", 100, 0.01, T0, false), manualFill("buy", 100.5, 0.01, T0 + 5, false)];
    f.runner.onLiveFill(parts[0]);
    f.runner.onLiveFill(parts[1]);
    expect(f.positionReads()).toBe(1);
    expect(f.runner.entryRefusal).toMatch(/waits for the exchange's position/);
    // The first read's answer predates the second fill: read again, then adopt.
    answers[0]([{ side: "long", size: 0.01, avgPrice: 100 }]);
    await settled();
    expect(f.positionReads()).toBe(2);
    expect(f.runner.engineStatus()?.phase ?? "flat").toBe("flat");
    const third = manualFill("buy", 101, 0.01, T0 + 9);
    f.runner.onLiveFill(third);
    expect(f.positionReads()).toBe(2);
    answers[1]([{ side: "long", size: 0.02, avgPrice: 100.25 }]);
    await settled();
    expect(f.positionReads()).toBe(3);
    answers[2]([{ side: "long", size: 0.03, avgPrice: 100.5 }]);
    await settled();
    expect(f.runner.recovery.orphansAdopted).toBe(1);
    expect(f.runner.engineStatus()?.position).toMatchObject({ side: "long", size: 0.03, entryPrice: 100.5 });
    const fees = parts[0].fee + parts[1].fee + third.fee;
    expect(f.runner.engineStatus()?.position?.fees).toBeCloseTo(fees, 12);
    expect(f.fills.map((r) => r.role)).toEqual(["entry", "entry", "entry"]);
    expect(f.calls).toEqual(["sync long 0.03 100.500000"]);
    expect(f.runner.entryRefusal).toBeNull();
  });

  it("reads again instead of settling a stale answer when the position changed during the read (recovery adopted and closed it): no second adoption, no exit for a gone position", async () => {
    const f = liveFixture({ ...OPEN_LIVE, live: { orphanPolicy: "close" } }, {}, new FakeStops());
    const answers: ((p: readonly { side: "long"; size: number; avgPrice: number }[]) => void)[] = [];
    f.answerPositions(() => new Promise((resolve) => answers.push(resolve)));
    const open = manualFill("buy", 100, 0.02, T0);
    f.runner.onLiveFill(open);
    // Recovery's own read adopts the position meanwhile (policy close) and its exit fills: flat again.
    const done = f.runner.recoverPosition({ side: "long", size: 0.02, avgPrice: 100 }, "close", T0 + 1);
    expect(done).toMatchObject({ kind: "orphanClosed" });
    if (done) f.runner.recovered(done);
    const exit = f.placed.at(-1) as OrderRequest;
    f.fill(exit, 100, T0 + 20);
    expect(f.runner.engineStatus()?.phase).toBe("flat");
    // The foreign fill's read answers what the exchange held before the close.
    answers[0]([{ side: "long", size: 0.02, avgPrice: 100 }]);
    await settled();
    expect(f.positionReads()).toBe(2);
    answers[1]([]);
    await settled();
    expect(f.runner.engineStatus()?.phase).toBe("flat");
    expect(f.placed.filter((o) => o.reduceOnly)).toHaveLength(1);
    expect(f.runner.recovery).toMatchObject({ orphansAdopted: 0, orphansClosed: 1 });
    expect(f.fills.filter((r) => r.clientOid === EXCHANGE_ORDER_ID)).toHaveLength(1);
  });

  it("lets a closing fill (the exchange's stop) reach a position adopted meanwhile at once, even while a read still waits", async () => {
    const f = liveFixture(OPEN_LIVE, {}, new FakeStops());
    f.answerPositions(() => new Promise(() => {}));
    f.runner.onLiveFill(manualFill("buy", 100, 0.02, T0));
    // Reconciliation's orphan path adopts the position while the foreign fill's read hangs.
    const done = f.runner.recoverPosition({ side: "long", size: 0.02, avgPrice: 100 }, "adopt", T0 + 1);
    expect(done).toMatchObject({ kind: "orphanAdopted" });
    f.runner.onLiveFill(manualFill("sell", 99.8, 0.02, T0 + 2_000));
    expect(f.runner.engineStatus()?.phase).toBe("flat");
    expect(f.trades).toHaveLength(1);
    expect(f.trades[0]).toMatchObject({ side: "long", size: 0.02, exitPrice: 99.8 });
  });

  it("retries a failed read with backoff and counts it, refusing entries meanwhile; when the stop guard's bounds are spent the fills are taken as they are and the position gets its stop", async () => {
    const stops = new FakeStops();
    const f = liveFixture(OPEN_LIVE, {}, stops);
    f.answerPositions(() => "throw");
    f.runner.onLiveFill(manualFill("buy", 100, 0.02, T0));
    await settled();
    const reads = [f.positionReads()];
    for (let t = 500; t <= 16_000; t += 500) {
      f.runner.tick(T0 + t);
      await settled();
      reads.push(f.positionReads());
      if (t < 15_000) expect(f.runner.entryRefusal).toMatch(/waits for the exchange's position/);
    }
    const failed = f.safety.filter((e) => e.kind === "positionReadFailed");
    expect(failed.map((e) => (e.kind === "positionReadFailed" ? e.retryAt : -1))).toEqual([
      T0 + 1_000,
      T0 + 3_000,
      T0 + 7_000,
      T0 + 15_000,
      null,
    ]);
    expect(f.runner.safety.positionReadFailures).toBe(5);
    expect(f.runner.engineStatus()?.position).toMatchObject({ side: "long", size: 0.02, entryPrice: 100 });
    expect(f.runner.entryRefusal).toBeNull();
    expect(stops.stopsHeld).toMatchObject([{ side: "long" }]);
  });

  it("closes at market the position a manual order opened while flat, as the exchange holds it (orphanPolicy close); the round trip charges both legs' fees", async () => {
    const f = liveFixture({ ...OPEN_LIVE, live: { orphanPolicy: "close" } });
    f.answerPositions(() => [{ side: "short", size: 0.02, avgPrice: 100 }]);
    const open = manualFill("sell", 100, 0.02, T0);
    f.runner.onLiveFill(open);
    await settled();
    expect(f.runner.recovery.orphansClosed).toBe(1);
    const exit = f.placed.at(-1) as OrderRequest;
    expect(exit).toMatchObject({ reduceOnly: true, side: "buy", size: 0.02, type: "market" });
    f.fill(exit, 99, T0 + 20);
    expect(f.trades).toHaveLength(1);
    const fees = open.fee + 99 * 0.02 * TAKER;
    expect(f.trades[0]).toMatchObject({ side: "short", exitReason: "flatten", size: 0.02 });
    expect(f.trades[0].fees).toBeCloseTo(fees, 12);
    expect(f.trades[0].netPnl).toBeCloseTo(0.02 - fees, 12);
    expect(f.calls).toEqual(["sync short 0.02 100.000000", `close flatten ${(0.02 - fees).toFixed(6)}`]);
    expect(f.fills.map((r) => r.role)).toEqual(["entry", "exit"]);
  });

  it("merges a manual same-side fill that arrives while its entry still works: once the entry fills the engine holds both (size, average, fees), the take-profit is rested again for the whole size, the stop covers it, the portfolio hears it, the manual fill is ledgered once as an entry", async () => {
    const stops = new FakeStops();
    const f = liveFixture(
      { ...OPEN_LIVE, execution: { entryOrder: "market", latencyMs: 0, takeProfitOrder: "postOnly" } },
      {},
      stops,
    );
    const last = f.runUntil(() => f.placed.length > 0);
    const entry = f.placed[0] as OrderRequest;
    expect(f.runner.engineStatus()?.phase).toBe("entering");
    const add = manualFill(entry.side, 101, 0.05, last + 5);
    f.runner.onLiveFill(add);
    expect(f.fills).toEqual([]);
    f.fill(entry, 100, last + 10);

    const size = entry.size + 0.05;
    const avg = (100 * entry.size + 101 * 0.05) / size;
    const position = f.runner.engineStatus()?.position;
    expect(position?.size).toBeCloseTo(size, 9);
    expect(position?.entryPrice).toBeCloseTo(avg, 9);
    expect(position?.fees).toBeCloseTo(100 * entry.size * TAKER + add.fee, 12);
    const tps = f.placed.filter((o) => o.type === "postOnly" && o.reduceOnly);
    expect(tps).toHaveLength(2);
    expect(f.cancels).toContain(tps[0].clientOid);
    expect(tps[1].size).toBeCloseTo(size, 9);
    expect(f.calls.at(-1)).toBe(`sync ${position?.side} ${position?.size} ${avg.toFixed(6)}`);
    expect(f.fills.map((r) => [r.clientOid, r.role])).toEqual([
      [entry.clientOid, "entry"],
      [EXCHANGE_ORDER_ID, "entry"],
    ]);
    await settled();
    // One position stop, within a tick of the grown position's stop (the guard keeps one that close).
    expect(stops.stopsHeld).toMatchObject([{ side: position?.side }]);
    expect(stops.stopsHeld[0].triggerPrice).toBeCloseTo(position?.stopLoss ?? 0, 2);
    expect(f.safety).toContainEqual(expect.objectContaining({ kind: "externalFill", role: "entry" }));
    expect(f.runner.reconcile(entry.side === "buy" ? size : -size)).toEqual({ ok: true, checked: true });
  });

  it("leaves a manual fill held while its entry worked to the exchange's position when the entry opens nothing", async () => {
    const f = liveFixture(OPEN_LIVE, {}, new FakeStops());
    const last = f.runUntil(() => f.placed.length > 0);
    const entry = f.placed[0] as OrderRequest;
    f.runner.onLiveFill(manualFill(entry.side, 100, 0.05, last + 5));
    f.answerPositions(() => [{ side: entry.side === "buy" ? "long" : "short", size: 0.05, avgPrice: 100 }]);
    f.runner.onLiveOrderDone({
      clientOid: entry.clientOid,
      symbol: "BTCUSDT",
      status: "cancelled",
      filledSize: 0,
      remainingSize: entry.size,
    });
    await settled();
    expect(f.positionReads()).toBe(1);
    expect(f.runner.engineStatus()?.position).toMatchObject({ size: 0.05, entryPrice: 100 });
    expect(f.runner.recovery.orphansAdopted).toBe(1);
    expect(f.fills.map((r) => [r.clientOid, r.role])).toEqual([[EXCHANGE_ORDER_ID, "entry"]]);
  });

  it("keeps a foreign fill that waits for the exchange's position across a restart: the restored runner reads at its first tick and adopts once, the fill ledgered once", async () => {
    const before = liveFixture(OPEN_LIVE, {}, new FakeStops());
    // The read never answers: the agent is evicted while it is in flight.
    before.answerPositions(() => new Promise(() => {}));
    const open: Fill = { ...manualFill("buy", 100, 0.02, T0), tradeId: "exec-1" };
    before.runner.onLiveFill(open);
    const state = JSON.parse(JSON.stringify(before.runner.getState()));
    expect(state.foreign.waiting).toHaveLength(1);

    const after = liveFixture(OPEN_LIVE, {}, new FakeStops(), state);
    after.answerPositions(() => [{ side: "long", size: 0.02, avgPrice: 100 }]);
    expect(after.runner.entryRefusal).toMatch(/waits for the exchange's position/);
    // A replay of the same execution is dropped (seen before the restart).
    after.runner.onLiveFill(open);
    after.runner.tick(T0 + 1_000);
    await settled();
    expect(after.positionReads()).toBe(1);
    expect(after.runner.engineStatus()?.position).toMatchObject({ side: "long", size: 0.02, entryPrice: 100 });
    expect(after.runner.engineStatus()?.position?.fees).toBeCloseTo(open.fee, 12);
    expect(after.fills).toHaveLength(1);
    expect(before.fills).toHaveLength(0);
  });

  it("does not take a fill of its own journaled order that finds it flat as an opening (a late reduce-only exit fill opens nothing)", () => {
    const { f, position, last } = opened();
    f.runner.flatten(last + 100, "flatten");
    const exit = f.placed.at(-1) as OrderRequest;
    f.fill(exit, 100, last + 110);
    expect(f.runner.engineStatus()?.phase).toBe("flat");
    // A second execution of the same exit arrives after the close (e.g. replayed with a new id).
    f.runner.onLiveFill({ ...manualFill(exit.side, 100, position.size, last + 120), clientOid: exit.clientOid });
    expect(f.runner.engineStatus()?.phase).toBe("flat");
    expect(f.runner.recovery.orphansAdopted).toBe(0);
    expect(f.safety).toContainEqual(expect.objectContaining({ kind: "externalFill", role: null }));
    // Ledgered with its fee, as part of no trade: not a second exit of the closed one.
    expect(f.fills.at(-1)).toMatchObject({ clientOid: exit.clientOid, role: "foreign", tradeId: null, ts: last + 120 });
    expect(f.fills.filter((r) => r.role === "exit").map((r) => r.ts)).toEqual([last + 110]);
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
