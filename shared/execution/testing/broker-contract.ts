/**
 * The contract every {@link Broker} passes: the simulated broker and the live Bitget broker against
 * the local venue. Assertions read only what the port shows (place/cancel results, order status)
 * and the fills the broker reports, never internals, and never exact timestamps.
 * @module
 */

import { describe, expect, it } from "vitest";
import type { MarketEvent, Side } from "../../market/events";
import { type Instrument, roundToStep } from "../../market/instrument";
import type { Broker } from "../broker";
import type { Fill, OrderRejectReason, OrderRequest, PlaceResult } from "../orders";

/** What one contract case runs against; {@link testBrokerContract} builds a fresh one per case. */
export interface BrokerHarness {
  readonly broker: Broker;
  /**
   * Drives the market the broker sees: the simulator's `onEvent`, or the local venue's feed for a
   * live broker. Resolves once the broker (or venue) has taken the events in.
   */
  feed(events: readonly MarketEvent[]): Promise<void>;
  /** Every fill the broker reported, in order; the harness's fill listener appends to it. */
  readonly fills: Fill[];
  /** The contract traded; prices and sizes of the cases sit on its grid and above its minimums. */
  readonly instrument: Instrument;
  /** Resolves once every fill caused so far has reached `fills` (async transports). Default: nothing to wait for. */
  settle?(): Promise<void>;
  /** Frees the harness (sockets, venue) after the case. */
  close?(): Promise<void>;
  /** Price the test book is built around, on the tick grid; default 10 000 ticks. */
  readonly referencePrice?: number;
  /** Exchange time of the first event, ms; default 1 700 000 000 000. */
  readonly startTs?: number;
}

/** Builds a fresh harness for one case. Entry timeouts, if any, must be at least 3 s. */
export type BrokerHarnessFactory = () => BrokerHarness | Promise<BrokerHarness>;

/** Time between the phases of a case, ms: far beyond any latency the harness simulates. */
const PHASE_MS = 1_000;

/** One case's market and helpers: a three-level book around `mid`, one size unit above the minimums. */
class Scenario {
  readonly symbol: string;
  readonly tick: number;
  readonly mid: number;
  readonly unit: number;
  private readonly t0: number;
  private now: number;
  private oids = 0;

  constructor(
    readonly h: BrokerHarness,
    private readonly tag: string,
  ) {
    const ins = h.instrument;
    this.symbol = ins.symbol;
    this.tick = ins.tickSize;
    this.mid = roundToStep(h.referencePrice ?? 10_000 * ins.tickSize, ins.tickSize);
    this.unit = roundToStep(Math.max(ins.minSize, (ins.minNotional / this.mid) * 1.2), ins.sizeStep, "up");
    this.t0 = h.startTs ?? 1_700_000_000_000;
    this.now = this.t0;
  }

  /** The price `n` ticks from the mid (negative: below). */
  px(n: number): number {
    return roundToStep(this.mid + n * this.tick, this.tick);
  }

  /** `k` size units, on the size step. */
  sz(k: number): number {
    return roundToStep(k * this.unit, this.h.instrument.sizeStep);
  }

  /** Bids 3/4/5 units at −1/−2/−3 ticks; asks 2/3/5 units at +1/+2/+3 ticks. */
  bidLevels(): [number, number][] {
    return [
      [this.px(-1), this.sz(3)],
      [this.px(-2), this.sz(4)],
      [this.px(-3), this.sz(5)],
    ];
  }

  askLevels(): [number, number][] {
    return [
      [this.px(1), this.sz(2)],
      [this.px(2), this.sz(3)],
      [this.px(3), this.sz(5)],
    ];
  }

  /** Feeds the book (depth and top, unchanged) at `phase` × {@link PHASE_MS} after the start. */
  async book(phase: number): Promise<void> {
    this.now = this.t0 + phase * PHASE_MS;
    const seq = String(phase + 1);
    const bids = this.bidLevels();
    const asks = this.askLevels();
    await this.h.feed([
      { kind: "bookLevels", symbol: this.symbol, ts: this.now, bids, asks, seq },
      {
        kind: "bookTop",
        symbol: this.symbol,
        ts: this.now,
        bidPrice: bids[0][0],
        bidSize: bids[0][1],
        askPrice: asks[0][0],
        askSize: asks[0][1],
        seq,
      },
    ]);
    await this.settle();
  }

  /** Feeds one trade print at `phase` × {@link PHASE_MS} (+ `ms`) after the start. */
  async trade(phase: number, ms: number, price: number, size: number, side: Side): Promise<void> {
    this.now = this.t0 + phase * PHASE_MS + ms;
    await this.h.feed([
      { kind: "trade", symbol: this.symbol, ts: this.now, price, size, side, id: `${this.tag}-${this.now}` },
    ]);
    await this.settle();
  }

  settle(): Promise<void> {
    return this.h.settle ? this.h.settle() : Promise.resolve();
  }

  /** A request decided now, with a fresh clientOid unless one is given. */
  order(o: Pick<OrderRequest, "side" | "type" | "size"> & Partial<OrderRequest>): OrderRequest {
    return { clientOid: `${this.tag}${++this.oids}`, symbol: this.symbol, reduceOnly: false, ts: this.now, ...o };
  }

  fillsOf(clientOid: string): Fill[] {
    return this.h.fills.filter((f) => f.clientOid === clientOid);
  }

  status(clientOid: string) {
    return this.h.broker.order(this.symbol, clientOid);
  }
}

function sumSizes(fills: readonly Fill[]): number {
  return fills.reduce((s, f) => s + f.size, 0);
}

function vwap(fills: readonly Fill[]): number {
  return fills.reduce((s, f) => s + f.price * f.size, 0) / sumSizes(fills);
}

/** Checks the fills of a completely filled order: sizes sum to `size`, one final fill last, fees > 0. */
function expectCompleteFills(fills: readonly Fill[], o: OrderRequest, liquidity: Fill["liquidity"]): void {
  expect(fills.length).toBeGreaterThan(0);
  expect(sumSizes(fills)).toBeCloseTo(o.size, 9);
  fills.forEach((f, i) => {
    expect(f).toMatchObject({
      clientOid: o.clientOid,
      symbol: o.symbol,
      side: o.side,
      liquidity,
      final: i === fills.length - 1,
    });
    expect(f.size).toBeGreaterThan(0);
    expect(f.fee).toBeGreaterThan(0);
  });
}

/** An order is refused either by `place` at once or, after the market moves on, through its status; it never fills. */
async function expectRefused(
  s: Scenario,
  placed: PlaceResult,
  o: OrderRequest,
  reason: OrderRejectReason,
  nextPhase: number,
): Promise<void> {
  await s.book(nextPhase);
  if (placed.ok) expect(await s.status(o.clientOid)).toMatchObject({ status: "rejected", reason, filledSize: 0 });
  else expect(placed.reason).toBe(reason);
  expect(s.fillsOf(o.clientOid)).toEqual([]);
}

async function withScenario(
  setup: BrokerHarnessFactory,
  tag: string,
  body: (s: Scenario) => Promise<void>,
): Promise<void> {
  const h = await setup();
  try {
    await body(new Scenario(h, tag));
  } finally {
    await h.close?.();
  }
}

/**
 * Registers the broker contract cases under `describe(name)`. Call at the top level of a test file.
 * @param setup builds a fresh broker, market and fill collector for each case.
 */
export function testBrokerContract(name: string, setup: BrokerHarnessFactory): void {
  describe(`${name} broker contract`, () => {
    it("fills a market buy across the ask levels as taker, worse than the top when larger than it", () =>
      withScenario(setup, "ctmb", async (s) => {
        await s.book(0);
        const o = s.order({ side: "buy", type: "market", size: s.sz(4) });
        expect(await s.h.broker.place(o)).toEqual({ ok: true, clientOid: o.clientOid });
        await s.book(1);
        const fills = s.fillsOf(o.clientOid);
        expectCompleteFills(fills, o, "taker");
        fills.forEach((f) => expect(s.askLevels().some(([p]) => Math.abs(p - f.price) < s.tick / 2)).toBe(true));
        expect(vwap(fills)).toBeCloseTo((s.sz(2) * s.px(1) + s.sz(2) * s.px(2)) / s.sz(4), 6);
        expect(await s.status(o.clientOid)).toMatchObject({
          status: "filled",
          filledSize: expect.closeTo(o.size, 9),
          remainingSize: 0,
        });
      }));

    it("fills a market sell on the bid levels as taker", () =>
      withScenario(setup, "ctms", async (s) => {
        await s.book(0);
        const o = s.order({ side: "sell", type: "market", size: s.sz(3) });
        await s.h.broker.place(o);
        await s.book(1);
        const fills = s.fillsOf(o.clientOid);
        expectCompleteFills(fills, o, "taker");
        expect(vwap(fills)).toBeCloseTo(s.px(-1), 6);
      }));

    it("refuses a post-only buy that would cross the spread", () =>
      withScenario(setup, "ctpx", async (s) => {
        await s.book(0);
        const o = s.order({ side: "buy", type: "postOnly", price: s.px(1), size: s.sz(1) });
        await expectRefused(s, await s.h.broker.place(o), o, "post_only_would_cross", 1);
      }));

    it("rests a post-only buy and fills it as maker only once trades at its price exceed the queue ahead", () =>
      withScenario(setup, "ctpq", async (s) => {
        await s.book(0);
        const o = s.order({ side: "buy", type: "postOnly", price: s.px(-1), size: s.sz(2) });
        expect((await s.h.broker.place(o)).ok).toBe(true);
        await s.book(1);
        expect(await s.status(o.clientOid)).toMatchObject({ status: "open", filledSize: 0 });
        await s.trade(2, 0, s.px(-1), s.sz(2), "sell");
        await s.trade(2, 100, s.px(-1), s.sz(1), "sell");
        expect(s.fillsOf(o.clientOid)).toEqual([]);
        expect(await s.status(o.clientOid)).toMatchObject({ status: "open", filledSize: 0 });
        await s.trade(2, 200, s.px(-1), s.sz(2), "sell");
        const fills = s.fillsOf(o.clientOid);
        expectCompleteFills(fills, o, "maker");
        fills.forEach((f) => expect(f.price).toBeCloseTo(s.px(-1), 9));
        expect(await s.status(o.clientOid)).toMatchObject({ status: "filled", remainingSize: 0 });
      }));

    it("fills a resting post-only buy completely at its price when a trade prints through it", () =>
      withScenario(setup, "ctpt", async (s) => {
        await s.book(0);
        const o = s.order({ side: "buy", type: "postOnly", price: s.px(-1), size: s.sz(2) });
        await s.h.broker.place(o);
        await s.book(1);
        await s.trade(2, 0, s.px(-2), s.sz(1), "sell");
        const fills = s.fillsOf(o.clientOid);
        expectCompleteFills(fills, o, "maker");
        fills.forEach((f) => expect(f.price).toBeCloseTo(s.px(-1), 9));
      }));

    it("cancels a resting order, which never fills afterwards", () =>
      withScenario(setup, "ctcx", async (s) => {
        await s.book(0);
        const o = s.order({ side: "buy", type: "postOnly", price: s.px(-1), size: s.sz(2) });
        await s.h.broker.place(o);
        await s.book(1);
        expect(await s.status(o.clientOid)).toMatchObject({ status: "open" });
        expect(await s.h.broker.cancel(s.symbol, o.clientOid)).toEqual({ ok: true, filledSize: 0 });
        await s.trade(2, 0, s.px(-3), s.sz(20), "sell");
        expect(s.fillsOf(o.clientOid)).toEqual([]);
        expect(await s.status(o.clientOid)).toMatchObject({ status: "cancelled", filledSize: 0 });
        expect((await s.h.broker.cancel(s.symbol, o.clientOid)).ok).toBe(false);
      }));

    it("never makes two orders from one clientOid", () =>
      withScenario(setup, "ctdu", async (s) => {
        await s.book(0);
        const o = s.order({ side: "buy", type: "market", size: s.sz(1) });
        expect((await s.h.broker.place(o)).ok).toBe(true);
        const again = await s.h.broker.place({ ...o, size: s.sz(2) });
        if (!again.ok) expect(again.reason).toBe("duplicate_client_oid");
        await s.book(1);
        expect(sumSizes(s.fillsOf(o.clientOid))).toBeCloseTo(s.sz(1), 9);
        expect(await s.status(o.clientOid)).toMatchObject({ status: "filled", filledSize: expect.closeTo(s.sz(1), 9) });
      }));

    it("refuses a reduce-only order without a position", () =>
      withScenario(setup, "ctro", async (s) => {
        await s.book(0);
        const o = s.order({ side: "sell", type: "market", size: s.sz(1), reduceOnly: true });
        await expectRefused(s, await s.h.broker.place(o), o, "reduce_only_no_position", 1);
      }));

    it("closes a position with a reduce-only market order, then refuses another", () =>
      withScenario(setup, "ctrt", async (s) => {
        await s.book(0);
        const open = s.order({ side: "buy", type: "market", size: s.sz(3) });
        await s.h.broker.place(open);
        await s.book(1);
        expectCompleteFills(s.fillsOf(open.clientOid), open, "taker");
        const close = s.order({ side: "sell", type: "market", size: s.sz(3), reduceOnly: true });
        expect((await s.h.broker.place(close)).ok).toBe(true);
        await s.book(2);
        expectCompleteFills(s.fillsOf(close.clientOid), close, "taker");
        const extra = s.order({ side: "sell", type: "market", size: s.sz(1), reduceOnly: true });
        await expectRefused(s, await s.h.broker.place(extra), extra, "reduce_only_no_position", 3);
      }));

    it("knows nothing of an order it never saw", () =>
      withScenario(setup, "ctun", async (s) => {
        await s.book(0);
        expect(await s.status("never-placed")).toBeNull();
        expect(await s.h.broker.cancel(s.symbol, "never-placed")).toEqual({ ok: false, reason: "unknown_order" });
      }));
  });
}
