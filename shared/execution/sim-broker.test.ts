import { describe, expect, it } from "vitest";
import type { BookLevelsEvent, BookTopEvent, Level, MarketEvent, Side, TradeEvent } from "../market/events";
import type { Fill, OrderRequest, OrderStatus } from "./orders";
import { OrderBook } from "../market/order-book";
import { SimulatedBroker, type SimulatedBrokerOptions } from "./sim-broker";
import type { SimulatedBrokerState } from "./sim-order";

const S = "BTCUSDT";

const levels = (ts: number, bids: Level[], asks: Level[]): BookLevelsEvent => ({
  kind: "bookLevels",
  symbol: S,
  ts,
  bids,
  asks,
  seq: String(ts),
});
const top = (ts: number, bidPrice: number, bidSize: number, askPrice: number, askSize: number): BookTopEvent => ({
  kind: "bookTop",
  symbol: S,
  ts,
  bidPrice,
  bidSize,
  askPrice,
  askSize,
  seq: String(ts),
});
const trade = (ts: number, price: number, size: number, side: Side): TradeEvent => ({
  kind: "trade",
  symbol: S,
  ts,
  price,
  size,
  side,
  id: `t${ts}`,
});
const req = (
  o: Pick<OrderRequest, "clientOid" | "side" | "type" | "size" | "ts"> & Partial<OrderRequest>,
): OrderRequest => ({ symbol: S, reduceOnly: false, ...o });

/** Bids 99.9 × 1, 99.8 × 2; asks 100.1 × 1, 100.2 × 2: mid 100. */
const book = (ts: number): BookLevelsEvent =>
  levels(
    ts,
    [
      [99.9, 1],
      [99.8, 2],
    ],
    [
      [100.1, 1],
      [100.2, 2],
    ],
  );

function harness(options: SimulatedBrokerOptions = {}) {
  const fills: Fill[] = [];
  const rejects: OrderStatus[] = [];
  const cancels: OrderStatus[] = [];
  const broker = new SimulatedBroker({
    ...options,
    onFill: (f) => fills.push(f),
    onReject: (s) => rejects.push(s),
    onCancel: (s) => cancels.push(s),
  });
  const feed = (...events: MarketEvent[]) => events.forEach((e) => broker.onEvent(e));
  return { broker, fills, rejects, cancels, feed };
}

/** A long position of `size` opened at market on the standard book at t = 0, latency 0. */
function withLong(size: number, options: SimulatedBrokerOptions = {}) {
  const h = harness({ latencyMs: 0, ...options });
  h.feed(book(0));
  h.broker.place(req({ clientOid: "entry", side: "buy", type: "market", size, ts: 0 }));
  h.fills.length = 0;
  return h;
}

describe("SimulatedBroker market orders", () => {
  it("executes against the book as of its arrival after the latency, not at the decision", () => {
    const h = harness({ latencyMs: 100 });
    h.feed(book(0));
    h.broker.place(req({ clientOid: "a", side: "buy", type: "market", size: 1, ts: 0 }));
    h.feed(levels(50, [[100.9, 1]], [[101, 1]]));
    expect(h.fills).toEqual([]);
    h.feed(levels(150, [[104.9, 1]], [[105, 1]]));
    expect(h.fills).toHaveLength(1);
    expect(h.fills[0]).toMatchObject({ price: 101, size: 1, ts: 100, liquidity: "taker", final: true });
    expect(h.fills[0].slippage).toBeCloseTo(101 - 100, 12);
  });

  it("executes during placement when its arrival time has already come", () => {
    const h = harness({ latencyMs: 0 });
    h.feed(book(10));
    expect(h.broker.place(req({ clientOid: "a", side: "sell", type: "market", size: 1, ts: 10 }))).toEqual({
      ok: true,
      clientOid: "a",
    });
    expect(h.fills).toHaveLength(1);
    expect(h.fills[0]).toMatchObject({ price: 99.9, ts: 10 });
  });

  it("walks several levels, one fill per level, for an average price worse than the top", () => {
    const h = harness({ latencyMs: 0 });
    h.feed(
      levels(
        0,
        [[99, 5]],
        [
          [100, 1],
          [101, 2],
          [102, 5],
        ],
      ),
    );
    h.broker.place(req({ clientOid: "a", side: "buy", type: "market", size: 2.5, ts: 0 }));
    expect(h.fills.map((f) => [f.price, f.size, f.final])).toEqual([
      [100, 1, false],
      [101, 1.5, true],
    ]);
    const avg = (100 * 1 + 101 * 1.5) / 2.5;
    expect(avg).toBeGreaterThan(100);
    expect(h.fills.reduce((s, f) => s + f.slippage, 0)).toBeCloseTo((avg - 99.5) * 2.5, 9);
  });

  it("fills the size beyond the visible book at the last level moved by the penalty", () => {
    const h = harness({ latencyMs: 0, exhaustedPenaltyBps: 10 });
    h.feed(
      levels(
        0,
        [[99, 1]],
        [
          [100, 1],
          [101, 1],
        ],
      ),
    );
    h.broker.place(req({ clientOid: "b", side: "buy", type: "market", size: 3, ts: 0 }));
    h.broker.place(req({ clientOid: "s", side: "sell", type: "market", size: 2, ts: 0 }));
    expect(h.fills.map((f) => [f.clientOid, f.price, f.size, f.final])).toEqual([
      ["b", 100, 1, false],
      ["b", 101, 1, false],
      ["b", 101 * 1.001, 1, true],
      ["s", 99, 1, false],
      ["s", 99 * 0.999, 1, true],
    ]);
  });

  it("takes a fresher top of book as level 0 and skips the stale depth at or inside it", () => {
    const h = harness({ latencyMs: 0 });
    h.feed(
      levels(
        0,
        [[99, 1]],
        [
          [100, 1],
          [100.5, 1],
          [101, 1],
        ],
      ),
      top(10, 99.5, 1, 100.5, 0.3),
    );
    h.broker.place(req({ clientOid: "a", side: "buy", type: "market", size: 1, ts: 10 }));
    expect(h.fills.map((f) => [f.price, f.size])).toEqual([
      [100.5, 0.3],
      [101, 0.7],
    ]);
  });

  it("charges the taker fee as price × size × pct / 100 on every fill", () => {
    const h = harness({ latencyMs: 0, fees: { makerPct: 0.02, takerPct: 0.06 } });
    h.feed(
      levels(
        0,
        [[99, 5]],
        [
          [100, 1],
          [101, 2],
        ],
      ),
    );
    h.broker.place(req({ clientOid: "a", side: "buy", type: "market", size: 2, ts: 0 }));
    expect(h.fills[0].fee).toBeCloseTo(0.06, 12);
    expect(h.fills[1].fee).toBeCloseTo(0.0606, 12);
    expect(h.broker.stats.fees).toBeCloseTo(0.1206, 12);
  });

  it("refuses a market order when it knows no price at all", () => {
    const h = harness({ latencyMs: 100 });
    expect(h.broker.place(req({ clientOid: "a", side: "buy", type: "market", size: 1, ts: 0 })).ok).toBe(true);
    h.broker.advance(200);
    expect(h.rejects).toEqual([
      { clientOid: "a", symbol: S, status: "rejected", filledSize: 0, remainingSize: 1, reason: "no_liquidity" },
    ]);
  });

  it("cannot cancel a market order in flight", () => {
    const h = harness({ latencyMs: 100 });
    h.feed(book(0));
    h.broker.place(req({ clientOid: "a", side: "buy", type: "market", size: 1, ts: 0 }));
    expect(h.broker.cancel(S, "a")).toEqual({ ok: false, reason: "already_done" });
    h.broker.advance(100);
    expect(h.fills).toHaveLength(1);
  });
});

describe("SimulatedBroker post-only orders", () => {
  it("uses up the queue ahead with trades at its price, then fills the excess in parts, the last one final", () => {
    const h = harness({ latencyMs: 0, fees: { makerPct: 0.02, takerPct: 0.06 } });
    h.feed(levels(0, [[99, 2]], [[100, 1]]));
    h.broker.place(req({ clientOid: "a", side: "buy", type: "postOnly", price: 99, size: 1, ts: 0 }));
    h.feed(trade(10, 99, 1.5, "sell"));
    expect(h.fills).toEqual([]);
    h.feed(trade(20, 99, 1, "sell"));
    h.feed(trade(30, 99, 1, "sell"));
    expect(h.fills.map((f) => [f.price, f.size, f.ts, f.liquidity, f.final])).toEqual([
      [99, 0.5, 20, "maker", false],
      [99, 0.5, 30, "maker", true],
    ]);
    expect(h.fills[0].fee).toBeCloseTo(0.0099, 12);
    expect(h.fills[0].slippage).toBeCloseTo((99 - 99.5) * 0.5, 12);
  });

  it("ignores trades at its price whose aggressor is on its own side", () => {
    const h = harness({ latencyMs: 0 });
    h.feed(levels(0, [[99, 2]], [[100, 1]]));
    h.broker.place(req({ clientOid: "a", side: "buy", type: "postOnly", price: 99, size: 1, ts: 0 }));
    h.feed(trade(10, 99, 5, "buy"), trade(20, 99, 2, "sell"));
    expect(h.fills).toEqual([]);
    h.feed(trade(30, 99, 1, "sell"));
    expect(h.fills.map((f) => f.size)).toEqual([1]);
  });

  it("has no queue ahead at a price the book does not show", () => {
    const h = harness({ latencyMs: 0 });
    h.feed(book(0));
    h.broker.place(req({ clientOid: "a", side: "sell", type: "postOnly", price: 100, size: 1, ts: 0 }));
    h.feed(trade(10, 100, 0.4, "buy"));
    expect(h.fills.map((f) => [f.price, f.size, f.final])).toEqual([[100, 0.4, false]]);
  });

  it("fills the whole rest at its limit on a trade through it, whatever the trade's size", () => {
    const h = harness({ latencyMs: 0 });
    h.feed(book(0));
    h.broker.place(req({ clientOid: "a", side: "sell", type: "postOnly", price: 100.1, size: 3, ts: 0 }));
    h.feed(trade(10, 100.3, 0.01, "buy"));
    expect(h.fills.map((f) => [f.price, f.size, f.liquidity, f.final])).toEqual([[100.1, 3, "maker", true]]);
  });

  it("refuses a crossing order through the place result when it arrives at once, without onReject", () => {
    const h = harness({ latencyMs: 0 });
    h.feed(book(0));
    expect(
      h.broker.place(req({ clientOid: "b", side: "buy", type: "postOnly", price: 100.1, size: 1, ts: 0 })),
    ).toEqual({
      ok: false,
      reason: "post_only_would_cross",
    });
    expect(
      h.broker.place(req({ clientOid: "s", side: "sell", type: "postOnly", price: 99.8, size: 1, ts: 0 })).ok,
    ).toBe(false);
    expect(h.rejects).toEqual([]);
    expect(h.broker.order(S, "b")).toMatchObject({ status: "rejected", reason: "post_only_would_cross" });
    expect(h.broker.stats.rejected).toBe(2);
  });

  it("reports a refusal at a delayed arrival through onReject and the status", () => {
    const h = harness({ latencyMs: 100 });
    h.feed(book(0));
    expect(h.broker.place(req({ clientOid: "a", side: "buy", type: "postOnly", price: 99.9, size: 1, ts: 0 })).ok).toBe(
      true,
    );
    h.feed(levels(50, [[99.7, 1]], [[99.8, 1]]), book(200));
    expect(h.rejects.map((s) => [s.clientOid, s.status, s.reason])).toEqual([
      ["a", "rejected", "post_only_would_cross"],
    ]);
    h.feed(trade(300, 99, 10, "sell"));
    expect(h.fills).toEqual([]);
  });

  it("cancels a resting entry when the timeout passes after arrival, and counts it", () => {
    const h = harness({ latencyMs: 100, entryTimeoutMs: 3_000 });
    h.feed(book(0));
    h.broker.place(req({ clientOid: "a", side: "buy", type: "postOnly", price: 99.9, size: 2, ts: 0 }));
    h.feed(trade(500, 99.9, 1.5, "sell"));
    h.broker.advance(3_099);
    expect(h.broker.order(S, "a")).toMatchObject({ status: "open", filledSize: 0.5 });
    h.broker.advance(3_100);
    expect(h.cancels).toEqual([
      { clientOid: "a", symbol: S, status: "cancelled", filledSize: 0.5, remainingSize: 1.5, reason: "timeout" },
    ]);
    expect(h.broker.stats.unfilledEntries).toBe(1);
    h.feed(trade(4_000, 90, 5, "sell"));
    expect(h.fills).toHaveLength(1);
  });

  it("cancels a pending order before it arrives, and it never fills", () => {
    const h = harness({ latencyMs: 100 });
    h.feed(book(0));
    h.broker.place(req({ clientOid: "a", side: "buy", type: "postOnly", price: 99.9, size: 1, ts: 0 }));
    expect(h.broker.cancel(S, "a")).toEqual({ ok: true, filledSize: 0 });
    h.feed(trade(200, 99, 5, "sell"));
    expect(h.fills).toEqual([]);
    expect(h.broker.order(S, "a")).toMatchObject({ status: "cancelled", reason: "cancelled_by_client" });
    expect(h.broker.cancel(S, "a")).toEqual({ ok: false, reason: "already_done" });
  });
});

describe("SimulatedBroker reduce-only orders", () => {
  it("never times out a reduce-only post-only take-profit", () => {
    const h = withLong(1, { entryTimeoutMs: 3_000 });
    h.broker.place(
      req({ clientOid: "tp", side: "sell", type: "postOnly", price: 101, size: 1, ts: 0, reduceOnly: true }),
    );
    h.broker.advance(3_600_000);
    expect(h.broker.order(S, "tp")).toMatchObject({ status: "open" });
    h.feed(trade(3_600_001, 101.5, 0.1, "buy"));
    expect(h.fills.map((f) => [f.clientOid, f.price, f.size, f.liquidity])).toEqual([["tp", 101, 1, "maker"]]);
    expect(h.broker.position(S)).toBe(0);
    expect(h.broker.stats.unfilledEntries).toBe(0);
  });

  it("cuts a reduce-only order larger than the position to it", () => {
    const h = withLong(1);
    h.broker.place(req({ clientOid: "x", side: "sell", type: "market", size: 3, ts: 0, reduceOnly: true }));
    expect(h.fills.reduce((s, f) => s + f.size, 0)).toBe(1);
    expect(h.broker.order(S, "x")).toMatchObject({ status: "filled", filledSize: 1, remainingSize: 0 });
    expect(h.broker.position(S)).toBe(0);
  });

  it("refuses a reduce-only order that would add to the position", () => {
    const h = withLong(1);
    expect(
      h.broker.place(req({ clientOid: "x", side: "buy", type: "market", size: 1, ts: 0, reduceOnly: true })),
    ).toEqual({
      ok: false,
      reason: "reduce_only_no_position",
    });
    expect(h.broker.position(S)).toBe(1);
  });

  it("cancels a resting take-profit whose position closed before it filled", () => {
    const h = withLong(1);
    h.broker.place(
      req({ clientOid: "tp", side: "sell", type: "postOnly", price: 101, size: 1, ts: 0, reduceOnly: true }),
    );
    h.broker.place(req({ clientOid: "sl", side: "sell", type: "market", size: 1, ts: 0, reduceOnly: true }));
    h.feed(trade(10, 102, 1, "buy"));
    expect(h.fills.map((f) => f.clientOid)).toEqual(["sl"]);
    expect(h.cancels.map((s) => [s.clientOid, s.reason])).toEqual([["tp", "reduce_only_no_position"]]);
  });

  it("lets a fill listener place an order that acts once the fill is done", () => {
    const fills: Fill[] = [];
    const broker: SimulatedBroker = new SimulatedBroker({
      latencyMs: 0,
      onFill: (f) => {
        fills.push(f);
        if (f.clientOid === "entry" && f.final)
          broker.place(
            req({ clientOid: "tp", side: "sell", type: "postOnly", price: 101, size: 1, ts: f.ts, reduceOnly: true }),
          );
      },
    });
    broker.onEvent(book(0));
    broker.onEvent(trade(5, 100, 1, "buy"));
    broker.place(req({ clientOid: "entry", side: "buy", type: "market", size: 1, ts: 5 }));
    expect(broker.order(S, "tp")).toMatchObject({ status: "open" });
  });
});

describe("SimulatedBroker without book data", () => {
  function tradeOnly(options: SimulatedBrokerOptions = {}) {
    const h = harness({ latencyMs: 0, tradeOnlySpreadBps: 2, ...options });
    h.feed(trade(0, 100, 1, "buy"));
    return h;
  }

  it("fills market orders at the last trade ± half the spread in one piece and flags trade-only", () => {
    const h = tradeOnly();
    expect(h.broker.stats.tradeOnly).toBe(false);
    h.broker.place(req({ clientOid: "b", side: "buy", type: "market", size: 50, ts: 0 }));
    h.broker.place(req({ clientOid: "s", side: "sell", type: "market", size: 50, ts: 0 }));
    expect(h.fills.map((f) => [f.clientOid, f.size, f.final])).toEqual([
      ["b", 50, true],
      ["s", 50, true],
    ]);
    expect(h.fills[0].price).toBeCloseTo(100.01, 12);
    expect(h.fills[1].price).toBeCloseTo(99.99, 12);
    expect(h.fills[0].slippage).toBeCloseTo(0.01 * 50, 9);
    expect(h.broker.isTradeOnly(S)).toBe(true);
    expect(h.broker.stats.tradeOnly).toBe(true);
  });

  it("rests a post-only entry that fills only on a later trade strictly through its price, never at the touch", () => {
    const h = tradeOnly();
    expect(h.broker.place(req({ clientOid: "e", side: "buy", type: "postOnly", price: 100, size: 1, ts: 0 })).ok).toBe(
      true,
    );
    expect(h.fills).toEqual([]);
    expect(h.broker.order(S, "e")).toMatchObject({ status: "open" });
    h.feed(trade(10, 100, 500, "sell"));
    expect(h.fills).toEqual([]);
    h.feed(trade(20, 99.9, 0.1, "sell"));
    expect(h.fills.map((f) => [f.clientOid, f.price, f.size, f.liquidity, f.ts])).toEqual([["e", 100, 1, "maker", 20]]);
    expect(h.fills[0].fee).toBeCloseTo((100 * 1 * 0.02) / 100, 12);
  });

  it("cancels a trade-only post-only entry that no trade went through at the entry timeout", () => {
    const h = tradeOnly({ entryTimeoutMs: 3_000 });
    h.broker.place(req({ clientOid: "e", side: "sell", type: "postOnly", price: 100, size: 1, ts: 0 }));
    h.feed(trade(1_000, 100, 50, "buy"));
    h.feed(trade(3_001, 100.5, 1, "buy"));
    expect(h.fills).toEqual([]);
    expect(h.cancels.map((c) => [c.clientOid, c.reason])).toEqual([["e", "timeout"]]);
    expect(h.broker.stats.unfilledEntries).toBe(1);
  });

  it("refuses a trade-only post-only order priced through the assumed touch (last trade ± half the spread)", () => {
    const h = tradeOnly();
    expect(
      h.broker.place(req({ clientOid: "e", side: "buy", type: "postOnly", price: 100.02, size: 1, ts: 0 })),
    ).toEqual({ ok: false, reason: "post_only_would_cross" });
    expect(h.fills).toEqual([]);
  });

  it("rests a take-profit that fills only on a trade strictly through its price", () => {
    const h = tradeOnly();
    h.broker.place(req({ clientOid: "e", side: "buy", type: "market", size: 1, ts: 0 }));
    h.broker.place(
      req({ clientOid: "tp", side: "sell", type: "postOnly", price: 101, size: 1, ts: 0, reduceOnly: true }),
    );
    h.feed(trade(10, 101, 100, "buy"));
    expect(h.fills.map((f) => f.clientOid)).toEqual(["e"]);
    h.feed(trade(20, 101.1, 0.1, "buy"));
    expect(h.fills.map((f) => [f.clientOid, f.price, f.liquidity])).toEqual([
      ["e", h.fills[0].price, "taker"],
      ["tp", 101, "maker"],
    ]);
  });

  it("stops being trade-only once a book arrives", () => {
    const h = tradeOnly();
    h.feed(book(10));
    h.broker.place(req({ clientOid: "b", side: "buy", type: "market", size: 1, ts: 10 }));
    expect(h.broker.isTradeOnly(S)).toBe(false);
    expect(h.fills[0].price).toBe(100.1);
    expect(h.broker.stats.tradeOnly).toBe(false);
  });
});

describe("SimulatedBroker bookkeeping", () => {
  it("refuses a reused clientOid, live or done, and never makes a second order", () => {
    const h = harness({ latencyMs: 100 });
    h.feed(book(0));
    const o = req({ clientOid: "a", side: "buy", type: "market", size: 1, ts: 0 });
    h.broker.place(o);
    expect(h.broker.place({ ...o, size: 2 })).toEqual({ ok: false, reason: "duplicate_client_oid" });
    h.broker.advance(100);
    expect(h.broker.place(o)).toEqual({ ok: false, reason: "duplicate_client_oid" });
    h.broker.advance(1_000);
    expect(h.fills.map((f) => f.size)).toEqual([1]);
  });

  it("refuses malformed requests at placement", () => {
    const h = harness();
    expect(h.broker.place(req({ clientOid: "a", side: "buy", type: "market", size: 0, ts: 0 }))).toMatchObject({
      ok: false,
      reason: "size_below_minimum",
    });
    expect(h.broker.place(req({ clientOid: "b", side: "buy", type: "postOnly", size: 1, ts: 0 }))).toMatchObject({
      ok: false,
      reason: "exchange_error",
    });
    expect(h.broker.order(S, "a")).toBeNull();
  });

  it("forgets the oldest finished orders beyond maxFinishedOrders", () => {
    const h = harness({ latencyMs: 0, maxFinishedOrders: 2 });
    h.feed(book(0));
    for (const id of ["a", "b", "c"])
      h.broker.place(req({ clientOid: id, side: "buy", type: "market", size: 0.1, ts: 0 }));
    expect(["a", "b", "c"].map((id) => h.broker.order(S, id)?.status ?? null)).toEqual([null, "filled", "filled"]);
  });

  it("rejects invalid options eagerly", () => {
    expect(() => new SimulatedBroker({ latencyMs: -1 })).toThrow(RangeError);
    expect(() => new SimulatedBroker({ fees: { makerPct: Number.NaN, takerPct: 0.06 } })).toThrow(RangeError);
  });

  it("round-trips its state through JSON and continues exactly as without the break", () => {
    type Step = { e: MarketEvent } | { o: OrderRequest } | { cancel: string };
    const steps: Step[] = [
      { e: book(0) },
      { o: req({ clientOid: "m1", side: "buy", type: "market", size: 2, ts: 0 }) },
      { o: req({ clientOid: "p1", side: "buy", type: "postOnly", price: 99.8, size: 1, ts: 0 }) },
      { e: trade(150, 100.1, 1, "buy") },
      { o: req({ clientOid: "tp", side: "sell", type: "postOnly", price: 100.5, size: 1, ts: 150, reduceOnly: true }) },
      { e: trade(400, 99.8, 2.5, "sell") },
      { o: req({ clientOid: "p2", side: "sell", type: "postOnly", price: 100.4, size: 1, ts: 400 }) },
      { e: top(600, 99.9, 1, 100.2, 1) },
      { e: trade(800, 99.8, 1, "sell") },
      { e: trade(900, 100.6, 0.5, "buy") },
      { cancel: "p2" },
      { e: trade(5_000, 100.1, 1, "buy") },
    ];
    const run = (broker: SimulatedBroker, part: Step[]) =>
      part.forEach((s) => ("e" in s ? broker.onEvent(s.e) : "o" in s ? broker.place(s.o) : broker.cancel(S, s.cancel)));
    const straight = harness();
    run(straight.broker, steps);
    expect(straight.fills.length).toBeGreaterThan(3);

    const first = harness();
    run(first.broker, steps.slice(0, 6));
    const state = JSON.parse(JSON.stringify(first.broker.getState())) as SimulatedBrokerState;
    const fills = [...first.fills];
    const restored = SimulatedBroker.restore(state, { onFill: (f) => fills.push(f) });
    run(restored, steps.slice(6));
    expect(fills).toEqual(straight.fills);
    expect(restored.getState()).toEqual(straight.broker.getState());
  });

  it("hands out a state snapshot that later updates do not change", () => {
    const h = harness({ latencyMs: 0 });
    h.feed(book(0));
    h.broker.place(req({ clientOid: "p", side: "buy", type: "postOnly", price: 99.9, size: 1, ts: 0 }));
    const state = h.broker.getState();
    const snapshot = JSON.stringify(state);
    h.feed(trade(10, 99, 1, "sell"), levels(20, [[1, 1]], [[2, 1]]));
    expect(JSON.stringify(state)).toBe(snapshot);
  });

  it("keeps the same book as applying every push in turn, with pushes out of time order and read in between", () => {
    const pushes: MarketEvent[] = [
      top(10, 99, 1, 101, 1),
      top(10, 99.5, 2, 100.5, 2),
      top(5, 98, 1, 102, 1),
      levels(
        12,
        [
          [99.6, 4],
          [99.5, 1],
        ],
        [[100.4, 4]],
      ),
      top(12, 99.7, 1, 100.3, 1),
      levels(30, [], [[100.3, 1]]),
      top(11, 99, 1, 101, 1),
      levels(12, [[99.8, 5]], [[100.2, 5]]),
      top(20, 99.9, 1, 100.1, 1),
      top(35, 99, 1, 101, 1),
      top(34, 98, 1, 102, 1),
      levels(35, [[98, 1]], [[102, 1]]),
      levels(50, [[97, 1]], [[103, 1]]),
      top(50, 99.1, 1, 99.2, 1),
    ];
    const reference = new OrderBook();
    const h = harness();
    pushes.forEach((e, i) => {
      if (e.kind === "bookTop") reference.applyTop(e);
      else if (e.kind === "bookLevels") reference.applyLevels(e);
      h.feed(e);
      if (i % 3 === 2) expect(h.broker.getState().books[S]).toEqual(reference.getState());
    });
    expect(h.broker.getState().books[S]).toEqual(reference.getState());
    expect(h.broker.getState().books[S]).toEqual(reference.getState());
  });

  it("fills against a book that changed while it had no order", () => {
    const h = harness({ latencyMs: 0 });
    h.feed(book(0), top(5, 104.9, 1, 105, 1), top(6, 103.9, 1, 104, 1), trade(7, 104, 1, "buy"));
    expect(h.broker.isTradeOnly(S)).toBe(false);
    h.broker.place(req({ clientOid: "a", side: "buy", type: "market", size: 1, ts: 7 }));
    expect(h.fills[0]).toMatchObject({ price: 104, ts: 7 });
    expect(h.fills[0].slippage).toBeCloseTo(104 - 103.95, 12);
  });
});
