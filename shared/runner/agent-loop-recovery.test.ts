/**
 * A restart while the market moves: the agent loop's recovery on start (recovery.ts) reads the
 * exchange while trades keep arriving. The soak found a second entry accepted while the venue held the
 * first (SOLUSDT, `SOL-mxdrn849-x` then `SOL-mxdrn943-y`, 0.45 s apart, 2 s after a restart): the first
 * was decided after the restart while recovery ran; recovery looked it up (it was the engine's working
 * entry) before its request reached the exchange, read "never seen" and released the entry; the order
 * then filled, its fill found the engine flat (a journaled order's fill opens nothing), and the next
 * trade entered again. The rule: after a restart no entry until recovery has reconciled with the
 * exchange (its lookups, fills since the last one, open orders, the position).
 */
import { describe, expect, it } from "vitest";
import type { Fill, OrderRequest, OrderStatus, PlaceResult } from "../execution/orders";
import type { EntryAnswer } from "../risk/portfolio-types";
import { flushMicrotasks } from "../exchange/bitget/testing/fake-socket";
import { AgentLoop, type LiveVenueHandlers } from "./agent-loop";
import type { ExchangePosition } from "./recovery";
import { fakeCoordinator, fakeLiveVenue, memoryAgentStore } from "./testing/agent-loop-fakes";
import { OPEN_LIVE, T0, TAKER, versioned } from "./testing/live-fixture";

const SYMBOL = "BTCUSDT";

/** An accepted placement as the exchange saw it. */
interface Accepted {
  readonly req: OrderRequest;
  /** The exchange's net position when it accepted the order (long > 0). */
  readonly positionBefore: number;
}

/**
 * A scripted exchange: a market order is accepted and filled at once (its fill pushed on the private
 * feed when the test says); its reads (order lookups, fills, positions, open orders) see the exchange
 * as it is when they arrive and answer when the test says (a slow REST round trip).
 */
function scriptedExchange() {
  const accepted: Accepted[] = [];
  const fills: Fill[] = [];
  const delivered = new Set<string>();
  const reads: (() => void)[] = [];
  let handlers: LiveVenueHandlers | null = null;
  let position = 0;
  let price = 60_000;
  let failPositions = 0;
  const slow = <T>(answer: () => T): Promise<T> => {
    const value = answer();
    return new Promise<T>((resolve) => reads.push(() => resolve(value)));
  };
  const place = async (req: OrderRequest): Promise<PlaceResult> => {
    await Promise.resolve(); // signing, then the request leaves
    accepted.push({ req, positionBefore: position });
    const signed = req.side === "buy" ? req.size : -req.size;
    position = Math.round((position + signed) * 1e9) / 1e9;
    fills.push({
      clientOid: req.clientOid,
      symbol: SYMBOL,
      side: req.side,
      price,
      size: req.size,
      fee: price * req.size * TAKER,
      liquidity: "taker",
      ts: req.ts + 1,
      slippage: 0,
      final: true,
      tradeId: `t${fills.length + 1}`,
    });
    return { ok: true, clientOid: req.clientOid };
  };
  /** Pushes the fills not pushed yet (the private feed, or recovery's replay), once each. */
  const push = (): void => {
    for (const f of fills) {
      if (delivered.has(f.tradeId as string)) continue;
      delivered.add(f.tradeId as string);
      handlers?.onFill(f);
    }
  };
  const held = (): ExchangePosition[] =>
    position === 0 ? [] : [{ side: position > 0 ? "long" : "short", size: Math.abs(position), avgPrice: price }];
  const venue = fakeLiveVenue(SYMBOL, {
    orders: () => ({ reportsDone: false, place, cancel: async () => ({ ok: false, reason: "already_done" }) }),
    reconcile: async () => position,
    lookup: (_s, oid) =>
      slow((): OrderStatus | null => {
        const a = accepted.find((x) => x.req.clientOid === oid);
        return a
          ? { clientOid: oid, symbol: SYMBOL, status: "filled", filledSize: a.req.size, remainingSize: 0 }
          : null;
      }),
    replayFills: async () => {
      await slow(() => null);
      push();
    },
    positions: () => {
      if (failPositions === 0) return slow(held);
      failPositions--;
      return Promise.reject(new Error("positions read timed out"));
    },
    openOrders: () => slow(() => []),
  });
  return {
    venue,
    accepted,
    connect: (h: LiveVenueHandlers) => (handlers = h),
    /** The private feed delivers the fills it holds. */
    push,
    /** Every read that arrived so far gets its answer. */
    answerReads: (): number => reads.splice(0).map((answer) => answer()).length,
    position: () => position,
    setPrice: (p: number) => (price = p),
    /** The next `n` position reads fail (a REST timeout). */
    failPositionReads: (n: number) => (failPositions = n),
  };
}

/** A live agent loop on {@link scriptedExchange}, its Coordinator answering entries when the test says. */
function harness() {
  const exchange = scriptedExchange();
  const errors: string[] = [];
  const asks: ((a: EntryAnswer) => void)[] = [];
  let n = 0;
  const coordinator = fakeCoordinator(versioned(OPEN_LIVE), {
    requestEntry: () => new Promise<EntryAnswer>((resolve) => asks.push(resolve)),
  });
  let wall = T0;
  const loop = new AgentLoop({
    symbol: SYMBOL,
    store: memoryAgentStore(versioned(OPEN_LIVE)),
    coordinator: () => coordinator,
    now: () => wall,
    feed: () => {
      throw new Error("the test plays the market by hand");
    },
    live: (_mode, h) => (exchange.connect(h), exchange.venue),
    refusal: () => null,
    onFatal: (reason) => {
      throw new Error(reason);
    },
    onError: (what, e) => void errors.push(`${what}: ${e instanceof Error ? e.message : String(e)}`),
  });
  loop.detachFeed();
  loop.feedHealthChanged({ healthy: true, reason: null, bookStale: false });
  let ts = T0;
  let id = 0;
  const trade = () => {
    ts += 500;
    wall += 500;
    const price = 60_000 + (id % 7);
    exchange.setPrice(price);
    loop.ingest([{ kind: "trade", symbol: SYMBOL, ts, price, size: 0.5, side: "buy", id: String(++id) }]);
  };
  return {
    exchange,
    loop,
    /** Background failures the loop reported (logged and counted by the shell). */
    errors,
    /** Runs the alarm at wall time now, answering the exchange's reads until it ends. */
    async alarm(): Promise<string[]> {
      let done: string[] | null = null;
      const run = loop.onAlarm(wall).then((e) => (done = e));
      for (let i = 0; i < 50 && done === null; i++) {
        exchange.answerReads();
        await flushMicrotasks();
      }
      await run;
      return done ?? [];
    },
    trade,
    /** Trades every 500 ms until the engine asks the Coordinator for an entry, at most `max` of them. */
    tradeUntilAsked(max: number): void {
      for (let i = 0; i < max && asks.length === 0; i++) trade();
    },
    /** The Coordinator approves every entry asked so far. */
    approve: (): number =>
      asks
        .splice(0)
        .map((answer) => answer({ ok: true, reservationId: `r${++n}`, correlation: null, correlated: false })).length,
  };
}

/** One turn of the market: a trade, the Coordinator's approval of what it caused, the private feed's fills. */
async function turn(h: ReturnType<typeof harness>): Promise<void> {
  h.trade();
  await flushMicrotasks();
  h.approve();
  await flushMicrotasks();
  h.exchange.push();
}

/** Opening orders the exchange accepted while it already held a position (the soak's `duplicateOrders`, entry kind). */
function entriesOnAPosition(accepted: readonly Accepted[]): string[] {
  return accepted.filter((a) => !a.req.reduceOnly && a.positionBefore !== 0).map((a) => a.req.clientOid);
}

describe("recovery on start while the market moves", () => {
  it("an entry decided while recovery reads the exchange, released by a lookup that beat its request, is not followed by a second entry", async () => {
    const h = harness();
    // The public feed is up before the account opens (the restart's first trades).
    h.tradeUntilAsked(2_000);
    // The account opens; recovery looks up the engine's working orders (the entry awaiting the Coordinator, if any).
    const started = h.loop.startLive();
    await flushMicrotasks();
    // The Coordinator approves: the entry leaves and the exchange accepts and fills it.
    h.approve();
    await flushMicrotasks();
    // The lookup, processed before the order reached the exchange, answers "never seen".
    h.exchange.answerReads();
    await flushMicrotasks();
    // The private feed pushes the entry's fill; trades keep coming while recovery still reads the exchange.
    h.exchange.push();
    for (let i = 0; i < 20; i++) await turn(h);
    // Recovery gets its answers and ends; then the market goes on.
    for (let i = 0; i < 20 && h.exchange.answerReads() > 0; i++) await flushMicrotasks();
    expect(await started).toBeNull();
    for (let i = 0; i < 200 && h.exchange.accepted.length === 0; i++) await turn(h);
    for (let i = 0; i < 20; i++) {
      await turn(h);
      for (let k = 0; k < 5 && h.exchange.answerReads() > 0; k++) await flushMicrotasks();
    }

    expect(h.exchange.accepted.filter((a) => !a.req.reduceOnly).length).toBeGreaterThan(0);
    expect(entriesOnAPosition(h.exchange.accepted)).toEqual([]);
    const p = h.loop.engineStatus()?.position ?? null;
    const engineHolds = p === null ? 0 : p.side === "long" ? p.size : -p.size;
    expect(engineHolds).toBeCloseTo(h.exchange.position(), 9);
  });

  it("a recovery whose read failed keeps entries held; the alarm runs it again, then the agent enters", async () => {
    const h = harness();
    h.exchange.failPositionReads(1);
    const started = h.loop.startLive();
    for (let i = 0; i < 20; i++) {
      h.exchange.answerReads();
      await flushMicrotasks();
    }
    expect(await started).toBeNull();
    expect(h.errors).toEqual(["recovery: positions read timed out"]);
    h.tradeUntilAsked(300);
    expect(h.approve()).toBe(0);
    expect(h.loop.entryRefusal).toMatch(/^reconcile_blocked: recovery on start has not reconciled/);
    expect(await h.alarm()).toEqual([]);
    expect(h.loop.entryRefusal).toBeNull();
    h.tradeUntilAsked(300);
    expect(h.approve()).toBe(1);
    await flushMicrotasks();
    expect(h.exchange.accepted.map((a) => a.req.reduceOnly)).toEqual([false]);
  });
});
