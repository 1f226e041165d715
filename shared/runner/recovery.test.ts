import { describe, expect, it } from "vitest";
import type { BotConfigInput } from "../config/schema";
import type { NewFill, NewTrade } from "../db/schema";
import type { OrderPort } from "../execution/broker";
import type { Fill, OrderRequest, OrderStatus } from "../execution/orders";
import { defaultInstrument } from "../market/instruments";
import type { SessionPortfolio } from "../strategy/session";
import type { JournalStatus, OrderJournal } from "./ports";
import { type ExchangePosition, type RecoveryEvent, type RecoveryPort, recoverOnStart, SeenFills } from "./recovery";
import { SymbolRunner, type SymbolRunnerState } from "./symbol-runner";
import { OPEN_LIVE, T0, TAKER, versioned } from "./testing/live-fixture";

const INSTRUMENT = defaultInstrument("BTCUSDT");

/** What survives a restart (the Durable Object's storage and the exchange), and what each runner did. */
interface World {
  readonly journal: Map<string, JournalStatus>;
  readonly placed: OrderRequest[];
  readonly cancels: string[];
  readonly calls: string[];
  readonly trades: NewTrade[];
  readonly fills: NewFill[];
  readonly events: RecoveryEvent[];
}

function world(): World {
  return { journal: new Map(), placed: [], cancels: [], calls: [], trades: [], fills: [], events: [] };
}

/** A live runner over `w` (a restart: the same world and the state the last runner persisted). */
function runnerOf(w: World, state: SymbolRunnerState | null = null, input: BotConfigInput = OPEN_LIVE): SymbolRunner {
  const journal: OrderJournal = {
    sending: (req) => void w.journal.set(req.clientOid, "sending"),
    status: (oid) => w.journal.get(oid) ?? null,
    update: (oid, status) => void w.journal.set(oid, status),
  };
  const port: OrderPort = {
    reportsDone: true,
    place: (req) => (w.placed.push(req), { ok: true, clientOid: req.clientOid }),
    cancel: (_s, oid) => (w.cancels.push(oid), { ok: true, filledSize: 0 }),
  };
  let n = 0;
  const portfolio: SessionPortfolio = {
    requestEntry: () => ({ ok: true, reservationId: `r${++n}`, correlation: null, correlated: false }),
    confirmOpen: (res, fill) => void w.calls.push(`confirm ${res} ${fill.size}`),
    releaseReservation: (res) => void w.calls.push(`release ${res}`),
    reportClose: (_s, r) => void w.calls.push(`close ${r.exitReason}`),
  };
  return new SymbolRunner(
    {
      symbol: "BTCUSDT",
      config: versioned(input),
      portfolio,
      equity: { now: () => 10_000 },
      live: { orders: () => port, instrument: () => INSTRUMENT, onEvent: () => {} },
      journal,
      ledger: { trade: (r) => w.trades.push(r), fill: (r) => w.fills.push(r) },
      hooks: { onRecovery: (e) => w.events.push(e) },
    },
    state,
  );
}

/** A calm, gently rising market from {@link T0}, one trade every 500 ms, until `stop`; the last time. */
function run(runner: SymbolRunner, stop: () => boolean, from = 0): number {
  let i = from;
  for (; i < from + 400 && !stop(); i++)
    runner.onEvent({
      kind: "trade",
      symbol: "BTCUSDT",
      ts: T0 + i * 500,
      price: 100 + (i % 7) * 0.01 + i * 0.002,
      size: 0.5,
      side: i % 3 ? "buy" : "sell",
      id: `t${i}`,
    });
  return T0 + (i - 1) * 500;
}

function fillOf(req: OrderRequest, size: number, price: number, ts: number, tradeId: string, final: boolean): Fill {
  const fee = price * size * TAKER;
  return {
    clientOid: req.clientOid,
    symbol: "BTCUSDT",
    side: req.side,
    price,
    size,
    fee,
    liquidity: "taker",
    ts,
    slippage: 0,
    final,
    tradeId,
  };
}

/** What the exchange holds: order statuses by client id, fills, positions. */
interface ExchangeState {
  orders?: Record<string, OrderStatus | null>;
  fills?: Fill[];
  positions?: ExchangePosition[];
}

/** The exchange as recovery reads it: order lookups, the fills it replays (to `runner`), and the positions. */
function exchange(runner: () => SymbolRunner, o: ExchangeState): RecoveryPort & { readonly looked: string[] } {
  const looked: string[] = [];
  return {
    looked,
    lookup: async (oid) => (looked.push(oid), o.orders?.[oid] ?? null),
    replayFills: async () => {
      for (const f of o.fills ?? []) runner().onLiveFill(f);
    },
    positions: async () => o.positions ?? [],
  };
}

/** The exchange after `entry` filled in full by `fills`: the order done, the whole position held at 100.05. */
function entryFilledAtExchange(entry: OrderRequest, fills: Fill[]): ExchangeState {
  return {
    orders: {
      [entry.clientOid]: {
        clientOid: entry.clientOid,
        symbol: "BTCUSDT",
        status: "filled",
        filledSize: entry.size,
        remainingSize: 0,
      },
    },
    fills,
    positions: [{ side: entry.side === "buy" ? "long" : "short", size: entry.size, avgPrice: 100.05 }],
  };
}

const recover = (runner: SymbolRunner, port: RecoveryPort, policy: "adopt" | "close" = "adopt", ts = T0 + 600_000) =>
  recoverOnStart(runner, port, {
    journalInFlight: [],
    policy,
    ts,
    minSize: INSTRUMENT.minSize,
  });

/** The first runner enters (market order placed and accepted, no fill yet), then the agent is evicted. */
function evictedWhileEntering() {
  const w = world();
  const first = runnerOf(w);
  const last = run(first, () => w.placed.length > 0);
  const entry = w.placed[0] as OrderRequest;
  expect(first.engineStatus()?.phase).toBe("entering");
  return { w, entry, last, state: first.getState(), first };
}

describe("recovery on start (issue #14: a restart loses live order tracking)", () => {
  it("makes an entry that filled while the agent was evicted the engine's position, with its fill in the ledger and the portfolio confirmed", async () => {
    const { w, entry, last, state } = evictedWhileEntering();
    const second = runnerOf(w, state);
    const filled = fillOf(entry, entry.size, 100.05, last + 50, "x1", true);
    const port = exchange(() => second, entryFilledAtExchange(entry, [filled]));
    await recover(second, port);
    expect(port.looked).toEqual([entry.clientOid]);
    const position = second.engineStatus()?.position;
    expect(position).toMatchObject({ size: entry.size, entryPrice: 100.05 });
    expect(w.fills.map((f) => [f.clientOid, f.role])).toEqual([[entry.clientOid, "entry"]]);
    expect(w.calls).toEqual([`confirm r1 ${entry.size}`]);
    expect(w.journal.get(entry.clientOid)).toBe("done");
    expect(w.events.filter((e) => e.kind.startsWith("orphan"))).toEqual([]);
    expect(second.reconcile(entry.side === "buy" ? entry.size : -entry.size)).toEqual({ ok: true, checked: true });
  });

  it("applies each execution once: a fill applied before the restart and replayed changes nothing, the rest of the order completes the position", async () => {
    const { w, entry, last, first } = evictedWhileEntering();
    const half = entry.size / 2;
    first.onLiveFill(fillOf(entry, half, 100, last + 10, "a1", false));
    expect(w.fills).toHaveLength(1);
    const second = runnerOf(w, first.getState());
    const port = exchange(
      () => second,
      entryFilledAtExchange(entry, [
        fillOf(entry, half, 100, last + 10, "a1", false),
        fillOf(entry, entry.size - half, 100.1, last + 20, "a2", true),
      ]),
    );
    const events = await recover(second, port);
    expect(events).toContainEqual({ kind: "fillsReplayed", applied: 1, duplicates: 1 });
    expect(second.engineStatus()?.position?.size).toBeCloseTo(entry.size, 9);
    expect(second.engineStatus()?.position?.entryPrice).toBeCloseTo(
      (100 * half + 100.1 * (entry.size - half)) / entry.size,
      9,
    );
    expect(w.fills.map((f) => f.size)).toEqual([half, entry.size - half]);
    expect(second.recovery).toMatchObject({ recoveries: 1, fillsReplayed: 1, duplicateFills: 1, orphansAdopted: 0 });
  });

  it("ends an entry the exchange never saw (evicted between the journal and the send): the engine is flat again and the reservation released", async () => {
    const { w, entry, state } = evictedWhileEntering();
    w.journal.set(entry.clientOid, "sending");
    const second = runnerOf(w, state);
    const events = await recover(
      second,
      exchange(() => second, {}),
    );
    expect(second.engineStatus()?.phase).toBe("flat");
    expect(w.calls).toEqual(["release r1"]);
    expect(w.journal.get(entry.clientOid)).toBe("done");
    expect(events).toContainEqual({ kind: "orderRecovered", clientOid: entry.clientOid, outcome: "unknown" });
  });

  it("resumes an entry still working at the exchange, and cancels a working order nobody follows any more", async () => {
    const { w, entry, state } = evictedWhileEntering();
    w.journal.set("BTC-stale-tp", "accepted");
    const second = runnerOf(w, state);
    const open = (clientOid: string): OrderStatus => ({
      clientOid,
      symbol: "BTCUSDT",
      status: "open",
      filledSize: 0,
      remainingSize: 1,
    });
    await recoverOnStart(
      second,
      exchange(() => second, {
        orders: { [entry.clientOid]: open(entry.clientOid), "BTC-stale-tp": open("BTC-stale-tp") },
      }),
      {
        journalInFlight: ["BTC-stale-tp"],
        policy: "adopt",
        ts: T0 + 600_000,
        minSize: INSTRUMENT.minSize,
      },
    );
    expect(second.engineStatus()?.phase).toBe("entering");
    expect(w.cancels).toEqual(["BTC-stale-tp"]);
    expect(
      w.events.filter((e) => e.kind === "orderRecovered").map((e) => e.kind === "orderRecovered" && e.outcome),
    ).toEqual(["resumed", "cancelled"]);
  });

  it("closes the restored position on an exchange-side stop that fired during the gap (its fill replayed), and leaves no orphan", async () => {
    const { w, entry, last, first } = evictedWhileEntering();
    first.onLiveFill(fillOf(entry, entry.size, 100, last + 10, "e1", true));
    const long = entry.side === "buy";
    const second = runnerOf(w, first.getState());
    const stop: Fill = {
      ...fillOf(entry, entry.size, long ? 99.8 : 100.2, last + 60_000, "s1", true),
      clientOid: "1311111111111111111",
      side: long ? "sell" : "buy",
    };
    await recover(
      second,
      exchange(() => second, { fills: [stop], positions: [] }),
    );
    expect(second.engineStatus()?.phase).toBe("flat");
    expect(w.trades.map((t) => [t.exitReason, t.exitPrice])).toEqual([["stop_loss", stop.price]]);
    expect(w.events.filter((e) => e.kind.startsWith("orphan"))).toEqual([]);
  });
});

describe("entries after a restart wait for recovery (the soak's second entry, agent-loop-recovery.test.ts)", () => {
  it("are refused while recovery has not reconciled with the exchange, and asked once it has", async () => {
    const w = world();
    const runner = runnerOf(w);
    runner.holdEntriesForRecovery();
    const last = run(runner, () => false);
    expect(w.placed).toEqual([]);
    expect(runner.entryRefusal).toMatch(/^reconcile_blocked: recovery on start has not reconciled/);
    await recover(
      runner,
      exchange(() => runner, {}),
    );
    expect(runner.awaitingRecovery).toBe(false);
    expect(runner.entryRefusal).toBeNull();
    run(runner, () => w.placed.length > 0, (last - T0) / 500 + 1);
    expect(w.placed.map((o) => o.reduceOnly)).toEqual([false]);
  });

  it("stay refused after a lookup that failed (the order is not resolved); the next recovery releases them", async () => {
    const { w, entry, last, state } = evictedWhileEntering();
    const second = runnerOf(w, state);
    second.holdEntriesForRecovery();
    const failing: RecoveryPort = {
      ...exchange(() => second, {}),
      lookup: () => Promise.reject(new Error("timeout")),
    };
    const events = await recover(second, failing);
    expect(events).toContainEqual({ kind: "orderLookupFailed", clientOid: entry.clientOid, detail: "timeout" });
    expect(second.awaitingRecovery).toBe(true);
    const filled = fillOf(entry, entry.size, 100.05, last + 50, "x1", true);
    await recover(
      second,
      exchange(() => second, entryFilledAtExchange(entry, [filled])),
    );
    expect(second.awaitingRecovery).toBe(false);
    expect(second.engineStatus()?.position).toMatchObject({ size: entry.size, entryPrice: 100.05 });
  });

  it("do not make recovery cancel what the engine placed meanwhile: the take-profit rested for a replayed entry fill is followed", async () => {
    const restingTp: BotConfigInput = {
      ...OPEN_LIVE,
      execution: { entryOrder: "market", latencyMs: 0, takeProfitOrder: "postOnly" },
    };
    const w = world();
    const first = runnerOf(w, null, restingTp);
    const last = run(first, () => w.placed.length > 0);
    const entry = w.placed[0] as OrderRequest;
    const second = runnerOf(w, first.getState(), restingTp);
    const filled = fillOf(entry, entry.size, 100.05, last + 50, "x1", true);
    await recover(second, {
      ...exchange(() => second, entryFilledAtExchange(entry, [filled])),
      openOrders: async () => w.placed.filter((o) => o.reduceOnly && o.type === "postOnly").map((o) => o.clientOid),
    });
    const tp = w.placed.find((o) => o.reduceOnly && o.type === "postOnly") as OrderRequest;
    expect(tp).toBeDefined();
    expect(second.workingOrders()).toEqual([tp.clientOid]);
    expect(w.cancels).toEqual([]);
  });
});

describe("a position the engine does not know (orphan)", () => {
  const orphan: ExchangePosition = { side: "long", size: 0.5, avgPrice: 100 };

  it("is adopted by default: the engine holds it with the stop-loss at the configured distance, and reconciliation matches", async () => {
    const w = world();
    const runner = runnerOf(w);
    const events = await recover(
      runner,
      exchange(() => runner, { positions: [orphan] }),
    );
    const position = runner.engineStatus()?.position;
    expect(position).toMatchObject({ side: "long", size: 0.5, entryPrice: 100 });
    expect(position?.stopLoss).toBeCloseTo(100 * (1 - 0.12 / 100), 9);
    expect(events.at(-1)).toMatchObject({ kind: "orphanAdopted", side: "long", size: 0.5, avgPrice: 100 });
    expect(runner.recovery.orphansAdopted).toBe(1);
    expect(runner.reconcile(0.5)).toEqual({ ok: true, checked: true });
    // Its stop-loss works like any position's.
    runner.onEvent({ kind: "trade", symbol: "BTCUSDT", ts: T0 + 700_000, price: 99.5, size: 1, side: "sell", id: "x" });
    expect(w.placed.at(-1)).toMatchObject({ side: "sell", type: "market", reduceOnly: true, size: 0.5 });
  });

  it("is closed at market, reduce-only, into the ledger with the policy close", async () => {
    const w = world();
    const runner = runnerOf(w);
    const events = await recover(
      runner,
      exchange(() => runner, { positions: [{ side: "short", size: 0.25, avgPrice: 100 }] }),
      "close",
    );
    expect(events.at(-1)).toMatchObject({ kind: "orphanClosed", side: "short", size: 0.25 });
    const exit = w.placed.at(-1) as OrderRequest;
    expect(exit).toMatchObject({ side: "buy", type: "market", reduceOnly: true, size: 0.25 });
    runner.onLiveFill(fillOf(exit, 0.25, 100.2, T0 + 600_100, "c1", true));
    expect(runner.engineStatus()?.phase).toBe("flat");
    expect(w.trades).toHaveLength(1);
    expect(w.trades[0]).toMatchObject({
      exitReason: "flatten",
      side: "short",
      mode: "live",
      entryPrice: 100,
      exitPrice: 100.2,
    });
    expect(w.trades[0].netPnl).toBeCloseTo(-0.2 * 0.25 - 100.2 * 0.25 * TAKER, 9);
    expect(runner.recovery.orphansClosed).toBe(1);
  });

  it("is not taken over while the engine holds its own position or an entry is in flight", async () => {
    const { w, state } = evictedWhileEntering();
    const runner = runnerOf(w, state);
    expect(runner.recoverPosition(orphan, "adopt", T0)).toBeNull();
    expect(runner.engineStatus()?.phase).toBe("entering");
  });
});

describe("seen fills", () => {
  it("remembers execution ids across a restore, and the newest fill time", () => {
    const seen = new SeenFills();
    expect(seen.add("a", 5)).toBe(true);
    expect(seen.add("a", 5)).toBe(false);
    expect(seen.add(undefined, 9)).toBe(true);
    const again = new SeenFills(seen.getState());
    expect(again.add("a", 1)).toBe(false);
    expect(again.lastTs).toBe(9);
  });
});
