import { describe, expect, it } from "vitest";
import { CLIENT_OID_PATTERN } from "../execution/client-oid";
import type { OrderRequest } from "../execution/orders";
import { recoverOnStart } from "./recovery";
import type { SafetyEvent } from "./safety-events";
import { type GuardedPosition, StopGuard, type StopGuardLimits } from "./stop-guard";
import type { SymbolRunner, SymbolRunnerState } from "./symbol-runner";
import { FakeStops } from "./testing/fake-stops";
import { liveFixture, OPEN_LIVE, T0 } from "./testing/live-fixture";

const LIMITS: StopGuardLimits = { backoffMs: 1_000, maxBackoffMs: 4_000, maxAttempts: 4, protectWithinMs: 10_000 };
const LONG: GuardedPosition = { side: "long", size: 0.01, stopLoss: 99.88 };

function guarded(position: GuardedPosition | null = LONG) {
  const port = new FakeStops();
  const events: SafetyEvent[] = [];
  const closes: number[] = [];
  const state = { now: 1_000, position };
  const guard = new StopGuard({
    symbol: "BTCUSDT",
    port,
    position: () => state.position,
    tick: () => 0.01,
    now: () => state.now,
    clientOid: (n) => `stop-${n}`,
    closeAtMarket: (ts) => closes.push(ts),
    emit: (e) => events.push(e),
    limits: LIMITS,
  });
  return { guard, port, events, closes, state };
}

describe("the stop guard keeps an exchange-side stop on a live position", () => {
  it("finds the stop in place within a tick and places nothing", async () => {
    const g = guarded();
    g.port.stopsHeld = [{ id: "p1", clientOid: null, symbol: "BTCUSDT", side: "long", triggerPrice: 99.89 }];
    await g.guard.request(1_000);
    expect(g.port.placed).toEqual([]);
    expect(g.events).toEqual([{ kind: "stopVerified", side: "long", triggerPrice: 99.89, id: "p1", ts: 1_000 }]);
  });

  it("places a stop at the engine's price when the exchange holds none (a restart after it was cancelled)", async () => {
    const g = guarded();
    await g.guard.request(1_000);
    expect(g.port.placed).toEqual([{ symbol: "BTCUSDT", side: "long", triggerPrice: 99.88, clientOid: "stop-1" }]);
    expect(g.port.stopsHeld).toHaveLength(1);
    expect(g.events).toMatchObject([{ kind: "stopPlaced", triggerPrice: 99.88, id: "plan-1", replaced: [] }]);
  });

  it("replaces a stop more than a tick away, and one of the other side does not count", async () => {
    const g = guarded();
    g.port.stopsHeld = [
      { id: "far", clientOid: null, symbol: "BTCUSDT", side: "long", triggerPrice: 99.5 },
      { id: "other", clientOid: null, symbol: "BTCUSDT", side: "short", triggerPrice: 99.88 },
    ];
    await g.guard.request(1_000);
    expect(g.port.placed).toHaveLength(1);
    expect(g.events).toMatchObject([{ kind: "stopPlaced", replaced: [99.5] }]);
    expect(g.port.stopsHeld.map((s) => s.id).sort()).toEqual(["other", "plan-1"]);
  });

  it("does nothing for a flat engine", async () => {
    const g = guarded(null);
    await g.guard.request(1_000);
    expect(g.port.placed).toEqual([]);
    expect(g.events).toEqual([]);
  });

  it("retries a failure after a doubling backoff, on the runner's ticks, and is protected once a try succeeds", async () => {
    const g = guarded();
    g.port.failList = [new Error("HTTP 503"), new Error("HTTP 503")];
    await g.guard.request(1_000);
    expect(g.events.at(-1)).toMatchObject({ kind: "stopFailed", attempt: 1, retryAt: 2_000 });
    g.state.now = 1_999;
    expect(g.guard.tick(1_999)).toBeNull();
    g.state.now = 2_000;
    await g.guard.tick(2_000);
    expect(g.events.at(-1)).toMatchObject({ kind: "stopFailed", attempt: 2, retryAt: 4_000 });
    g.state.now = 4_000;
    await g.guard.tick(4_000);
    expect(g.events.at(-1)).toMatchObject({ kind: "stopPlaced" });
    expect(g.closes).toEqual([]);
    expect(g.guard.pending).toBe(false);
  });

  it("closes the position at market once the tries are spent: never left bare", async () => {
    const g = guarded();
    g.port.placeAnswers = [1, 2, 3, 4].map(
      () => ({ ok: false, reason: "exchange_error", detail: "40015 system abnormal" }) as const,
    );
    await g.guard.request(1_000);
    for (const t of [2_000, 4_000, 8_000]) {
      g.state.now = t;
      await g.guard.tick(t);
    }
    expect(g.port.placed).toHaveLength(4);
    expect(g.closes).toEqual([8_000]);
    expect(g.events.at(-1)).toMatchObject({ kind: "stopUnprotectable", attempts: 4 });
    expect(g.guard.pending).toBe(false);
  });

  it("closes the position once it has been unprotected for the bound, however few the tries", async () => {
    const g = guarded();
    g.port.failList = [new Error("timeout")];
    await g.guard.request(1_000);
    g.port.failList = [new Error("timeout")];
    g.state.now = 11_000;
    await g.guard.tick(11_000);
    expect(g.closes).toEqual([11_000]);
  });

  it("closes at once when the exchange says the trigger is already reached", async () => {
    const g = guarded();
    g.port.placeAnswers = [{ ok: false, reason: "trigger_wrong_side", detail: "40917" }];
    await g.guard.request(1_000);
    expect(g.closes).toEqual([1_000]);
    expect(g.events).toMatchObject([{ kind: "stopUnprotectable", attempts: 1 }]);
  });

  it("takes a refusal for want of a position as nothing to protect (reconciliation owns that mismatch)", async () => {
    const g = guarded();
    g.port.placeAnswers = [{ ok: false, reason: "no_position", detail: "43023" }];
    await g.guard.request(1_000);
    expect(g.closes).toEqual([]);
    expect(g.guard.pending).toBe(false);
  });

  it("runs a check asked for during another one right after it, against the position then", async () => {
    const g = guarded();
    const first = g.guard.request(1_000);
    expect(g.guard.request(1_000)).toBeNull();
    g.state.position = { side: "long", size: 0.02, stopLoss: 99.7 };
    await first;
    await new Promise((r) => setTimeout(r, 0));
    await new Promise((r) => setTimeout(r, 0));
    expect(g.port.placed.map((p) => p.triggerPrice)).toEqual([99.88, 99.7]);
    expect(g.port.stopsHeld.map((s) => s.triggerPrice)).toEqual([99.7]);
    expect(g.events.map((e) => e.kind)).toEqual(["stopPlaced", "stopPlaced"]);
  });
});

/** Opens a position on the scripted exchange of `f`; the entry fills at 100. */
function openPosition(f: ReturnType<typeof liveFixture>) {
  const last = f.runUntil(() => f.placed.length > 0);
  const entry = f.placed[0] as OrderRequest;
  f.fill(entry, 100, last + 10);
  const position = f.runner.engineStatus()?.position;
  if (!position) throw new Error("no position opened");
  return { entry, position, last: last + 10 };
}

/** Lets the guard's pending promises settle. */
const settle = () => new Promise((r) => setTimeout(r, 0));

describe("the live runner keeps the exchange-side stop of its position (issue #14)", () => {
  it("checks the stop once the entry fills and places it at the engine's stop, not the entry's preset", async () => {
    const stops = new FakeStops();
    const f = liveFixture(OPEN_LIVE, {}, stops);
    const last = f.runUntil(() => f.placed.length > 0);
    const entry = f.placed[0] as OrderRequest;
    expect(entry.stopLossPrice).toBeGreaterThan(0);
    // The venue shows the entry's preset as a position stop, priced off the decision's reference.
    const presetSide = entry.side === "buy" ? "long" : "short";
    stops.stopsHeld = [
      {
        id: "preset",
        clientOid: null,
        symbol: "BTCUSDT",
        side: presetSide,
        triggerPrice: entry.stopLossPrice as number,
      },
    ];
    f.fill(entry, entry.side === "buy" ? 100.5 : 99.5, last + 10);
    await settle();
    const position = f.runner.engineStatus()?.position;
    expect(stops.placed).toEqual([
      expect.objectContaining({ symbol: "BTCUSDT", side: position?.side, triggerPrice: position?.stopLoss }),
    ]);
    expect(f.runner.safety).toMatchObject({ stopsPlaced: 1, stopsVerified: 0, stopFailures: 0 });
    expect(f.safety).toContainEqual(expect.objectContaining({ kind: "stopPlaced", replaced: [entry.stopLossPrice] }));
  });

  it("verifies a stop already at the engine's price and places nothing", async () => {
    const stops = new FakeStops();
    const f = liveFixture(OPEN_LIVE, {}, stops);
    const last = f.runUntil(() => f.placed.length > 0);
    const entry = f.placed[0] as OrderRequest;
    const side = entry.side === "buy" ? "long" : "short";
    stops.stopsHeld = [
      { id: "p", clientOid: null, symbol: "BTCUSDT", side, triggerPrice: side === "long" ? 99.88 : 100.12 },
    ];
    f.fill(entry, 100, last + 10);
    await settle();
    expect(stops.placed).toEqual([]);
    expect(f.runner.safety.stopsVerified).toBe(1);
  });

  it("re-checks after an external fill changed the size", async () => {
    const stops = new FakeStops();
    const f = liveFixture(OPEN_LIVE, {}, stops);
    const { position, last } = openPosition(f);
    await settle();
    const long = position.side === "long";
    f.runner.onLiveFill({
      clientOid: "1311111111111111111",
      symbol: "BTCUSDT",
      side: long ? "sell" : "buy",
      price: 100,
      size: Math.round((position.size / 3) * 1000) / 1000,
      fee: 0,
      liquidity: "taker",
      ts: last + 100,
      slippage: 0,
      final: true,
    });
    await settle();
    expect(f.runner.engineStatus()?.phase).toBe("open");
    expect(f.runner.safety).toMatchObject({ stopsPlaced: 1, stopsVerified: 1 });
  });

  it("closes the position at market when no stop can be placed within the bounds", async () => {
    const stops = new FakeStops();
    const limits = { backoffMs: 1_000, maxBackoffMs: 1_000, maxAttempts: 3, protectWithinMs: 60_000 };
    const f = liveFixture(OPEN_LIVE, { stopGuard: limits }, stops);
    stops.placeAnswers = [1, 2, 3].map(() => ({ ok: false, reason: "exchange_error", detail: "40015" }) as const);
    const { position, last } = openPosition(f);
    const placedBefore = f.placed.length;
    for (let t = 500; t <= 4_000; t += 500) {
      f.trade(last + t, 100);
      await settle();
    }
    expect(stops.placed).toHaveLength(3);
    expect(f.runner.safety).toMatchObject({ stopFailures: 3, unprotectedCloses: 1 });
    const exits = f.placed.slice(placedBefore).filter((o) => o.reduceOnly);
    expect(exits[0]).toMatchObject({ type: "market", side: position.side === "long" ? "sell" : "buy" });
  });

  it("does nothing in paper mode", async () => {
    const stops = new FakeStops();
    const f = liveFixture({ ...OPEN_LIVE, mode: "paper" }, {}, stops);
    f.runUntil(() => (f.runner.engineStatus()?.phase ?? "flat") === "open");
    await settle();
    expect(stops.placed).toEqual([]);
    expect(f.runner.protectPosition(T0)).toBeNull();
  });

  it("re-arms the stop after a restart when the exchange lost it (cancelled at the venue)", async () => {
    const stops = new FakeStops();
    const f = liveFixture(OPEN_LIVE, {}, stops);
    const { position } = openPosition(f);
    await settle();
    expect(stops.stopsHeld).toHaveLength(1);
    stops.stopsHeld = [];
    const restarted = restartOf(f.runner.getState(), stops);
    await recoverHolding(restarted, position);
    await settle();
    expect(stops.stopsHeld).toEqual([
      expect.objectContaining({ side: position.side, triggerPrice: position.stopLoss }),
    ]);
    expect(restarted.safety.stopsPlaced).toBe(1);
  });

  it("names its stops with clientOids that never repeat across restarts, even with no market event between them (a repeat is refused: 43118)", async () => {
    const stops = new FakeStops();
    const f = liveFixture(OPEN_LIVE, {}, stops);
    const { position } = openPosition(f);
    await settle();
    let state = f.runner.getState();
    for (let i = 0; i < 3; i++) {
      // The exchange lost the stop while the agent was away; the restart re-arms it before any new event.
      stops.stopsHeld = [];
      const restarted = restartOf(JSON.parse(JSON.stringify(state)), stops);
      await recoverHolding(restarted, position);
      await settle();
      expect(restarted.safety).toMatchObject({ stopsPlaced: 1, stopFailures: 0 });
      state = restarted.getState();
    }
    const oids = stops.placed.map((r) => r.clientOid);
    expect(oids).toHaveLength(4);
    expect(new Set(oids).size).toBe(4);
    for (const oid of oids) expect(oid).toMatch(CLIENT_OID_PATTERN);
    expect(state.incarnation).toBe(4);
  });

  it("gives an adopted orphan a stop at the configured distance from its average price", async () => {
    const stops = new FakeStops();
    const f = liveFixture(OPEN_LIVE, {}, stops);
    const done = f.runner.recoverPosition({ side: "short", size: 0.02, avgPrice: 100 }, "adopt", T0);
    expect(done).toMatchObject({ kind: "orphanAdopted", stopLoss: expect.closeTo(100.12, 9) });
    await settle();
    expect(stops.stopsHeld).toEqual([
      expect.objectContaining({ side: "short", triggerPrice: expect.closeTo(100.12, 9) }),
    ]);
  });
});

/** Recovery on start of `runner` while the exchange holds `position` (at 100), knows none of its orders and has no fills to replay. */
function recoverHolding(runner: SymbolRunner, position: { side: "long" | "short"; size: number }) {
  return recoverOnStart(
    runner,
    {
      lookup: async () => null,
      replayFills: async () => {},
      positions: async () => [{ side: position.side, size: position.size, avgPrice: 100 }],
    },
    { journalInFlight: [], policy: "adopt", ts: T0 + 600_000, minSize: 0.001 },
  );
}

/** The fixture's runner from `state`, as after a restart, over the same exchange stops. */
function restartOf(state: SymbolRunnerState, stops: FakeStops): SymbolRunner {
  return liveFixture(OPEN_LIVE, {}, stops, state).runner;
}
