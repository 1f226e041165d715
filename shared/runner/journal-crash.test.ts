/**
 * A crash between an order's request and its journal row's commit (the row is written behind the
 * request: write-behind-journal.ts): the journal and the stored state both miss the order, and
 * recovery on start finds it at the exchange by its clientOid (docs/order-journal.md).
 */
import { describe, expect, it } from "vitest";
import type { BotConfigInput } from "../config/schema";
import type { NewTrade } from "../db/schema";
import type { OrderPort } from "../execution/broker";
import type { Fill, OrderRequest } from "../execution/orders";
import { defaultInstrument } from "../market/instruments";
import type { JournalStatus, OrderJournal } from "./ports";
import { type ExchangePosition, type RecoveryEvent, recoverOnStart } from "./recovery";
import { SymbolRunner, type SymbolRunnerState } from "./symbol-runner";
import { FakeStops } from "./testing/fake-stops";
import { liveFixture, OPEN_LIVE, TAKER, versioned } from "./testing/live-fixture";
import { writeBehindJournal } from "./write-behind-journal";

const INSTRUMENT = defaultInstrument("BTCUSDT");

/** The journal rows that survive a crash (the Durable Object's SQLite). */
function durableJournal(rows: Map<string, JournalStatus>): OrderJournal {
  return {
    sending: (req) => void rows.set(req.clientOid, "sending"),
    status: (oid) => rows.get(oid) ?? null,
    update: (oid, status) => void (rows.has(oid) && rows.set(oid, status)),
  };
}

/**
 * A live runner whose journal is written behind by a later task that never runs before the crash,
 * traded until it sends an order (`sent`): returns that order and the last state stored before the
 * turn that sent it (the state is also written behind the request, so it does not know the order).
 */
function crashAfterSending(
  input: BotConfigInput,
  before?: (f: ReturnType<typeof liveFixture>, flushJournal: () => void) => void,
) {
  const rows = new Map<string, JournalStatus>();
  const lost: (() => void)[] = [];
  const f = liveFixture(input, {
    journal: writeBehindJournal(
      durableJournal(rows),
      (fn) => void lost.push(fn),
      (e) => {
        throw e;
      },
    ),
  });
  before?.(f, () => {
    for (const task of lost.splice(0)) task();
  });
  const already = f.placed.length;
  let stored: SymbolRunnerState = f.runner.getState();
  const last = f.runUntil(() => {
    if (f.placed.length > already) return true;
    stored = JSON.parse(JSON.stringify(f.runner.getState()));
    return false;
  });
  const order = f.placed.at(-1) as OrderRequest;
  expect(rows.has(order.clientOid)).toBe(false);
  return { f, rows, order, stored, last };
}

/** The runner after the restart, over the surviving journal, with the exchange's stops. */
function restarted(state: SymbolRunnerState, rows: Map<string, JournalStatus>, input: BotConfigInput) {
  const cancels: string[] = [];
  const trades: NewTrade[] = [];
  const events: RecoveryEvent[] = [];
  const stops = new FakeStops();
  const port: OrderPort = {
    reportsDone: true,
    place: (req) => ({ ok: true, clientOid: req.clientOid }),
    cancel: (_s, oid) => (cancels.push(oid), { ok: true, filledSize: 0 }),
  };
  const runner = new SymbolRunner(
    {
      symbol: "BTCUSDT",
      config: versioned(input),
      portfolio: {
        requestEntry: () => ({ ok: false, reason: "calls_pending", detail: "test" }),
        confirmOpen: () => {},
        releaseReservation: () => {},
        reportClose: () => {},
        syncPosition: () => {},
      },
      equity: { now: () => 10_000 },
      live: { orders: () => port, instrument: () => INSTRUMENT, onEvent: () => {}, stops: () => stops },
      journal: durableJournal(rows),
      ledger: { trade: (t) => trades.push(t), fill: () => {} },
      hooks: { onRecovery: (e) => events.push(e) },
    },
    state,
  );
  return { runner, cancels, trades, events, stops };
}

/** The exchange's fill of `req`, reported under the exchange's order id (the broker no longer follows the order). */
function exchangeFill(req: OrderRequest, price: number, ts: number): Fill {
  return {
    clientOid: "1311111111111111111",
    symbol: "BTCUSDT",
    side: req.side,
    price,
    size: req.size,
    fee: price * req.size * TAKER,
    liquidity: "taker",
    ts,
    slippage: 0,
    final: true,
    tradeId: `x-${req.clientOid}`,
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe("a crash between the order's request and its journal row's commit", () => {
  it("an entry that filled: its fill is replayed and adopted as the engine's position, whose exchange-side stop is armed", async () => {
    const { rows, order, stored, last } = crashAfterSending(OPEN_LIVE);
    const after = restarted(stored, rows, OPEN_LIVE);
    expect(after.runner.engineStatus()?.phase).toBe("flat");
    const fill = exchangeFill(order, 100.05, last + 5);
    const held: ExchangePosition = {
      side: order.side === "buy" ? "long" : "short",
      size: order.size,
      avgPrice: 100.05,
    };
    await recoverOnStart(
      after.runner,
      {
        lookup: async () => null,
        replayFills: async () => after.runner.onLiveFill(fill),
        positions: async () => [held],
        openOrders: async () => [],
      },
      { journalInFlight: [...rows.keys()], policy: "adopt", ts: last + 1_000, minSize: INSTRUMENT.minSize },
    );
    await settle();
    const position = after.runner.engineStatus()?.position;
    expect(position).toMatchObject({ side: held.side, size: order.size, entryPrice: 100.05 });
    expect(after.runner.recovery.orphansAdopted).toBe(1);
    expect(after.stops.stopsHeld).toEqual([
      expect.objectContaining({ side: held.side, triggerPrice: position?.stopLoss }),
    ]);
    expect(after.runner.reconcile(held.side === "long" ? order.size : -order.size)).toEqual({
      ok: true,
      checked: true,
    });
  });

  it("a post-only entry still open: found by its clientOid among the exchange's open orders and cancelled; foreign orders are left alone", async () => {
    const postOnly: BotConfigInput = {
      ...OPEN_LIVE,
      execution: { entryOrder: "postOnly", latencyMs: 0, takeProfitOrder: "market" },
    };
    const { rows, order, stored, last } = crashAfterSending(postOnly);
    expect(order.type).toBe("postOnly");
    const after = restarted(stored, rows, postOnly);
    await recoverOnStart(
      after.runner,
      {
        lookup: async () => null,
        replayFills: async () => {},
        positions: async () => [],
        openOrders: async () => ["1311111111111111111", "ETH-loyw3v28-7", order.clientOid],
      },
      { journalInFlight: [...rows.keys()], policy: "adopt", ts: last + 1_000, minSize: INSTRUMENT.minSize },
    );
    expect(after.cancels).toEqual([order.clientOid]);
    expect(after.events).toContainEqual({ kind: "orderRecovered", clientOid: order.clientOid, outcome: "cancelled" });
    expect(after.runner.engineStatus()?.phase).toBe("flat");
  });

  it("an exit that filled: its fill is replayed and closes the position the stored state held, into the ledger; no orphan", async () => {
    let entry: OrderRequest | null = null;
    const { rows, order, stored, last } = crashAfterSending(OPEN_LIVE, (f, flushJournal) => {
      const t = f.runUntil(() => f.placed.length > 0);
      entry = f.placed[0] as OrderRequest;
      f.fill(entry, 100, t + 10);
      flushJournal(); // the entry's rows are written before the state that holds its position
    });
    expect(order.reduceOnly).toBe(true);
    expect(rows.get((entry as unknown as OrderRequest).clientOid)).toBe("done");
    const after = restarted(stored, rows, OPEN_LIVE);
    expect(after.runner.engineStatus()?.phase).toBe("open");
    const replayed: string[] = [];
    await recoverOnStart(
      after.runner,
      {
        lookup: async () => null,
        replayFills: async () => {
          after.runner.onLiveFill(exchangeFill(order, 100.2, last + 5));
          replayed.push(order.clientOid);
        },
        positions: async () => [],
        openOrders: async () => [],
      },
      { journalInFlight: [...rows.keys()], policy: "adopt", ts: last + 1_000, minSize: INSTRUMENT.minSize },
    );
    expect(replayed).toEqual([order.clientOid]);
    expect(after.runner.engineStatus()?.phase).toBe("flat");
    expect(after.trades.map((t) => t.exitPrice)).toEqual([100.2]);
    expect(after.runner.recovery).toMatchObject({ orphansAdopted: 0, orphansClosed: 0 });
    expect(after.events.filter((e) => e.kind.startsWith("orphan"))).toEqual([]);
  });
});
