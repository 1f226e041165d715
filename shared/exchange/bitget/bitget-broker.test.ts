import { describe, expect, it } from "vitest";
import type { Fill } from "../../execution/orders";
import type { Instrument } from "../../market/instrument";
import { BitgetBroker, type BitgetBrokerRest } from "./bitget-broker";
import type { PrivateFillEvent, PrivateOrderEvent } from "./private-codec";
import { BitgetError, type BitgetErrorKind } from "./rest-errors";
import type { FillPage, FillQuery, OrderAck, OrderDetail, OrderRef, ValidatedOrder } from "./rest-types";

const BTC: Instrument = { symbol: "BTCUSDT", tickSize: 0.1, sizeStep: 0.001, minSize: 0.001, minNotional: 5 };

function err(kind: BitgetErrorKind, code: string | null, msg = "x"): BitgetError {
  return new BitgetError({
    kind,
    method: "POST",
    endpoint: "/api/v2/mix/order/place-order",
    status: code === null ? null : 400,
    code,
    exchangeMessage: msg,
  });
}

function detail(o: Partial<OrderDetail> & Pick<OrderDetail, "clientOid">): OrderDetail {
  return {
    symbol: "BTCUSDT",
    orderId: `id-${o.clientOid}`,
    state: "live",
    side: "buy",
    orderType: "limit",
    force: "post_only",
    tradeSide: null,
    posSide: null,
    posMode: null,
    marginMode: "crossed",
    reduceOnly: false,
    size: 0.01,
    filledSize: 0,
    price: 999.5,
    avgPrice: null,
    fee: null,
    leverage: 20,
    takeProfitPrice: null,
    stopLossPrice: null,
    cancelReason: null,
    createdAt: 1,
    updatedAt: 1,
    ...o,
  };
}

/** An exchange in a map: accepts every order unless told otherwise. */
class FakeRest implements BitgetBrokerRest {
  readonly placed: ValidatedOrder[] = [];
  readonly orders = new Map<string, OrderDetail>();
  readonly fills: FillPage["fills"] = [];
  calls = 0;
  place: (o: ValidatedOrder) => Promise<OrderAck> = async (o) => {
    this.orders.set(
      o.clientOid,
      detail({ clientOid: o.clientOid, size: Number(o.size), force: o.force, orderType: o.orderType }),
    );
    return { orderId: `id-${o.clientOid}`, clientOid: o.clientOid };
  };
  lookup: (ref: OrderRef) => Promise<OrderDetail> = async (ref) => {
    const d = this.orders.get(ref.clientOid ?? "");
    if (!d) throw err("notFound", "40109");
    return d;
  };

  placeOrder(o: ValidatedOrder): Promise<OrderAck> {
    this.calls++;
    this.placed.push(o);
    return this.place(o);
  }

  getOrder(_symbol: string, ref: OrderRef): Promise<OrderDetail> {
    this.calls++;
    return this.lookup(ref);
  }

  async cancelOrder(_symbol: string, ref: OrderRef): Promise<OrderAck> {
    this.calls++;
    const d = this.orders.get(ref.clientOid ?? "");
    if (!d) throw err("notFound", "40768");
    if (d.state !== "live" && d.state !== "partially_filled") throw err("notFound", "22001");
    this.orders.set(d.clientOid!, { ...d, state: "canceled", cancelReason: "normal_cancel" });
    return { orderId: d.orderId, clientOid: d.clientOid };
  }

  async getFills(q: FillQuery): Promise<FillPage> {
    this.calls++;
    return { fills: this.fills.filter((f) => f.orderId === q.orderId), endId: null };
  }
}

function setup() {
  const rest = new FakeRest();
  const fills: Fill[] = [];
  const errors: string[] = [];
  const broker = new BitgetBroker({
    rest,
    instruments: [BTC],
    onFill: (f) => fills.push(f),
    placeOnce: { settleMs: 0 },
    onError: (what, e) => errors.push(`${what}: ${e instanceof Error ? e.message : String(e)}`),
  });
  return { rest, fills, broker, errors };
}

const postOnly = (clientOid: string, size = 0.01) => ({
  clientOid,
  symbol: "BTCUSDT",
  side: "buy" as const,
  type: "postOnly" as const,
  price: 999.5,
  size,
  reduceOnly: false,
  ts: 1,
});
const market = (clientOid: string, size = 0.01) => ({
  clientOid,
  symbol: "BTCUSDT",
  side: "buy" as const,
  type: "market" as const,
  size,
  reduceOnly: false,
  ts: 1,
});

function orderEvent(o: Partial<PrivateOrderEvent> & Pick<PrivateOrderEvent, "clientOid">): PrivateOrderEvent {
  return {
    kind: "order",
    orderId: `id-${o.clientOid}`,
    symbol: "BTCUSDT",
    side: "buy",
    orderType: "limit",
    force: "post_only",
    status: "live",
    size: 0.01,
    filledSize: 0,
    price: 999.5,
    avgPrice: null,
    reduceOnly: false,
    fee: 0,
    cancelReason: null,
    stopLossPrice: null,
    takeProfitPrice: null,
    ts: 5,
    fill: null,
    ...o,
  };
}

function fillEvent(o: Partial<PrivateFillEvent> & Pick<PrivateFillEvent, "clientOid" | "tradeId">): PrivateFillEvent {
  return {
    kind: "fill",
    orderId: `id-${o.clientOid}`,
    symbol: "BTCUSDT",
    side: "buy",
    orderType: "limit",
    tradeSide: null,
    profit: 0,
    price: 999.5,
    size: 0.005,
    fee: 0.001,
    feeCoin: "USDT",
    liquidity: "maker",
    ts: 6,
    ...o,
  };
}

describe("BitgetBroker", () => {
  it("sends a post-only request as a limit order with force post_only and the preset stop-loss", async () => {
    const h = setup();
    expect(await h.broker.place({ ...postOnly("a"), stopLossPrice: 990 })).toEqual({ ok: true, clientOid: "a" });
    expect(h.rest.placed[0]).toMatchObject({
      orderType: "limit",
      force: "post_only",
      price: "999.5",
      size: "0.01",
      clientOid: "a",
      reduceOnly: false,
      stopLossPrice: "990",
      marginMode: "crossed",
    });
  });

  it("refuses a clientOid Bitget held before (43118 on the first attempt) and follows that order", async () => {
    const h = setup();
    h.rest.orders.set("old", detail({ clientOid: "old", state: "partially_filled", filledSize: 0.004 }));
    h.rest.place = async () => {
      throw err("duplicateClientOid", "43118", "clientOrderId duplicate");
    };
    expect(await h.broker.place(postOnly("old"))).toMatchObject({ ok: false, reason: "duplicate_client_oid" });
    expect(await h.broker.order("BTCUSDT", "old")).toMatchObject({
      status: "open",
      filledSize: 0.004,
      remainingSize: 0.006,
    });
  });

  it("answers ok with a pending order when the placement outcome stays unknown, then rejects it once Bitget does not know it", async () => {
    const h = setup();
    h.rest.place = async () => {
      throw err("timeout", null, "no response within 5000 ms");
    };
    const lookups = h.rest.lookup;
    h.rest.lookup = async () => {
      throw err("network", null, "socket hang up");
    };
    expect(await h.broker.place(postOnly("u"))).toEqual({ ok: true, clientOid: "u" });
    expect(h.rest.placed).toHaveLength(1);
    h.rest.lookup = lookups;
    expect(await h.broker.order("BTCUSDT", "u")).toMatchObject({ status: "pending" });
    await h.broker.reconcile();
    expect(await h.broker.order("BTCUSDT", "u")).toMatchObject({ status: "rejected", reason: "exchange_error" });
  });

  it("answers a lookup with the broker's own order when that order was placed while the exchange was being asked", async () => {
    const h = setup();
    let answer: (d: OrderDetail) => void = () => {};
    h.rest.lookup = () => new Promise<OrderDetail>((_, reject) => (answer = () => reject(err("notFound", "40109"))));
    const asked = h.broker.order("BTCUSDT", "r");
    const placed = h.broker.place(postOnly("r"));
    answer(detail({ clientOid: "r" }));
    expect(await placed).toEqual({ ok: true, clientOid: "r" });
    expect(await asked).toMatchObject({ clientOid: "r" });
  });

  it("delivers an execution once although both the orders and the fill channel report it", async () => {
    const h = setup();
    await h.broker.place(postOnly("d"));
    const fill = {
      tradeId: "t1",
      price: 999.5,
      size: 0.01,
      fee: 0.002,
      feeCoin: "USDT",
      liquidity: "maker" as const,
      ts: 7,
    };
    h.broker.onPrivate([orderEvent({ clientOid: "d", status: "filled", filledSize: 0.01, fill })]);
    h.broker.onPrivate([fillEvent({ clientOid: "d", tradeId: "t1", size: 0.01 })]);
    expect(h.fills).toEqual([
      {
        clientOid: "d",
        symbol: "BTCUSDT",
        side: "buy",
        price: 999.5,
        size: 0.01,
        fee: 0.002,
        liquidity: "maker",
        ts: 7,
        slippage: 0,
        final: true,
        tradeId: "t1",
      },
    ]);
    await h.broker.reconcile();
    expect(h.fills).toHaveLength(1);
  });

  it("marks the fill-channel execution that completes the order's size final", async () => {
    const h = setup();
    await h.broker.place(postOnly("p"));
    h.broker.onPrivate([fillEvent({ clientOid: "p", tradeId: "t1" }), fillEvent({ clientOid: "p", tradeId: "t2" })]);
    expect(h.fills.map((f) => f.final)).toEqual([false, true]);
    expect(await h.broker.cancel("BTCUSDT", "p")).toEqual({ ok: false, reason: "already_done" });
  });

  it("measures slippage against the mid seen when the order was placed", async () => {
    const h = setup();
    h.broker.onEvent({
      kind: "bookTop",
      symbol: "BTCUSDT",
      ts: 1,
      bidPrice: 999.9,
      bidSize: 1,
      askPrice: 1000.1,
      askSize: 1,
      seq: "1",
    });
    await h.broker.place(market("m", 0.02));
    h.broker.onEvent({
      kind: "bookTop",
      symbol: "BTCUSDT",
      ts: 2,
      bidPrice: 1009.9,
      bidSize: 1,
      askPrice: 1010.1,
      askSize: 1,
      seq: "2",
    });
    h.broker.onPrivate([fillEvent({ clientOid: "m", tradeId: "t9", price: 1000.5, size: 0.02, liquidity: "taker" })]);
    expect(h.fills[0].slippage).toBeCloseTo((1000.5 - 1000) * 0.02, 12);
  });

  it("refuses a market order below the minimum notional at the current ask without a request", async () => {
    const h = setup();
    h.broker.onEvent({
      kind: "bookTop",
      symbol: "BTCUSDT",
      ts: 1,
      bidPrice: 999.9,
      bidSize: 1,
      askPrice: 1000.1,
      askSize: 1,
      seq: "1",
    });
    expect(await h.broker.place(market("small", 0.004))).toMatchObject({ ok: false, reason: "size_below_minimum" });
    expect(h.rest.calls).toBe(0);
  });

  it("reports a post-only order Bitget accepted and then cancelled unfilled as rejected post_only_would_cross", async () => {
    const h = setup();
    await h.broker.place(postOnly("x"));
    h.rest.orders.set("x", detail({ clientOid: "x", state: "canceled", cancelReason: "" }));
    expect(await h.broker.order("BTCUSDT", "x")).toMatchObject({
      status: "rejected",
      reason: "post_only_would_cross",
      filledSize: 0,
    });
  });

  it("reports its own cancel as cancelled_by_client with the filled size", async () => {
    const h = setup();
    await h.broker.place(postOnly("c"));
    h.rest.orders.set("c", detail({ clientOid: "c", state: "partially_filled", filledSize: 0.003 }));
    expect(await h.broker.cancel("BTCUSDT", "c")).toEqual({ ok: true, filledSize: 0.003 });
    expect(await h.broker.order("BTCUSDT", "c")).toMatchObject({
      status: "cancelled",
      reason: "cancelled_by_client",
      filledSize: 0.003,
      remainingSize: 0,
    });
  });

  it("follows orders it did not place, such as a preset stop-loss close, and delivers their fills", () => {
    const h = setup();
    const fill = {
      tradeId: "t5",
      price: 990,
      size: 0.01,
      fee: 0.006,
      feeCoin: "USDT",
      liquidity: "taker" as const,
      ts: 9,
    };
    h.broker.onPrivate([
      orderEvent({
        clientOid: "999",
        orderId: "999",
        side: "sell",
        force: "gtc",
        orderType: "market",
        reduceOnly: true,
        status: "filled",
        filledSize: 0.01,
        fill,
      }),
    ]);
    expect(h.fills).toEqual([
      expect.objectContaining({ clientOid: "999", side: "sell", price: 990, final: true, liquidity: "taker" }),
    ]);
  });

  it("lets an order refused before Bitget created it be placed again with the same clientOid", async () => {
    const h = setup();
    const accept = h.rest.place;
    h.rest.place = async () => {
      throw err("rateLimit", "429", "Too Many Requests");
    };
    expect(await h.broker.place(postOnly("r"))).toMatchObject({ ok: false, reason: "rate_limited" });
    h.rest.place = accept;
    expect(await h.broker.place(postOnly("r"))).toEqual({ ok: true, clientOid: "r" });
    expect(await h.broker.place(postOnly("r"))).toMatchObject({ ok: false, reason: "duplicate_client_oid" });
  });

  it("fetches fills over REST for an order the feed said nothing about, oldest first, the last one final", async () => {
    const h = setup();
    await h.broker.place(postOnly("f"));
    h.rest.orders.set("f", detail({ clientOid: "f", state: "filled", filledSize: 0.01 }));
    const restFill = (tradeId: string, ts: number) => ({
      tradeId,
      orderId: "id-f",
      symbol: "BTCUSDT",
      side: "buy" as const,
      price: 999.5,
      size: 0.005,
      quoteVolume: 5,
      profit: 0,
      tradeSide: null,
      tradeScope: "maker",
      fee: -0.001,
      feeCoin: "USDT",
      ts,
    });
    h.rest.fills.push(restFill("t2", 20), restFill("t1", 10));
    await h.broker.reconcile();
    expect(h.fills.map((f) => [f.ts, f.fee, f.liquidity, f.final])).toEqual([
      [10, 0.001, "maker", false],
      [20, 0.001, "maker", true],
    ]);
    await h.broker.reconcile();
    expect(h.fills).toHaveLength(2);
  });
});

describe("the symbol's open orders at the exchange (recovery after a lost journal row)", () => {
  it("lists their clientOids, follows the ones it did not know, and leaves other symbols out", async () => {
    const { rest, broker } = setup();
    const open = [
      detail({ clientOid: "BTC-loyw3v28-7" }),
      detail({ clientOid: "ETH-loyw3v28-8", symbol: "ETHUSDT" }),
      detail({ clientOid: "1311111111111111111" }),
    ];
    const paged = Object.assign(rest, {
      getOpenOrders: async (symbol: string) => ({ orders: open.filter((d) => d.symbol === symbol), endId: null }),
    });
    expect(await broker.openOrders("BTCUSDT")).toEqual(["BTC-loyw3v28-7", "1311111111111111111"]);
    expect(paged.placed).toEqual([]);
    // Followed from then on: its status comes from the broker, open at the exchange.
    expect(await broker.order("BTCUSDT", "BTC-loyw3v28-7")).toMatchObject({ status: "open", filledSize: 0 });
  });

  it("fails loudly when the exchange client cannot list open orders", async () => {
    const { broker } = setup();
    await expect(broker.openOrders("BTCUSDT")).rejects.toThrow(/cannot list open orders/);
  });
});

describe("exchange reads that fail while reconciling are logged and counted, never swallowed", () => {
  const restFill = (tradeId: string, clientOid: string, ts: number) => ({
    tradeId,
    orderId: `id-${clientOid}`,
    symbol: "BTCUSDT",
    side: "buy" as const,
    price: 999.5,
    size: 0.01,
    quoteVolume: 10,
    profit: 0,
    tradeSide: null,
    tradeScope: "maker",
    fee: -0.002,
    feeCoin: "USDT",
    ts,
  });

  it("reports an order detail that failed with the order's clientOid, counts it, and still reconciles the other orders", async () => {
    const h = setup();
    await h.broker.place(postOnly("a"));
    await h.broker.place(postOnly("b"));
    h.rest.orders.set("b", detail({ clientOid: "b", state: "filled", filledSize: 0.01 }));
    h.rest.fills.push(restFill("t1", "b", 10));
    const lookup = h.rest.lookup;
    h.rest.lookup = async (ref) => {
      if (ref.clientOid === "a") throw err("timeout", null, "no response within 5000 ms");
      return lookup(ref);
    };
    await h.broker.reconcile();
    expect(h.errors).toEqual([
      "reconcile: order detail of a (BTCUSDT): Bitget timeout error on POST /api/v2/mix/order/place-order: no response within 5000 ms",
    ]);
    expect(h.broker.failedReads).toBe(1);
    expect(h.fills.map((f) => f.clientOid)).toEqual(["b"]);
    // The skipped order is read again by the next reconcile.
    h.rest.orders.set("a", detail({ clientOid: "a", state: "filled", filledSize: 0.01 }));
    h.rest.fills.push(restFill("t2", "a", 20));
    h.rest.lookup = lookup;
    await h.broker.reconcile();
    expect(h.fills.map((f) => f.clientOid)).toEqual(["b", "a"]);
    expect(h.broker.failedReads).toBe(1);
  });

  it("reports open orders that could not be listed, and reconciles the orders it follows all the same", async () => {
    const h = setup();
    Object.assign(h.rest, {
      getOpenOrders: async () => {
        throw err("server", "40010", "system busy");
      },
    });
    await h.broker.place(postOnly("c"));
    h.rest.orders.set("c", detail({ clientOid: "c", state: "filled", filledSize: 0.01 }));
    h.rest.fills.push(restFill("t1", "c", 10));
    await h.broker.reconcile();
    expect(h.errors).toEqual([expect.stringMatching(/^reconcile: open orders of BTCUSDT: .*code 40010 system busy$/)]);
    expect(h.fills.map((f) => f.clientOid)).toEqual(["c"]);
  });

  it("reports fills that could not be read, and delivers them on the next reconcile", async () => {
    const h = setup();
    await h.broker.place(postOnly("d"));
    h.rest.orders.set("d", detail({ clientOid: "d", state: "filled", filledSize: 0.01 }));
    h.rest.fills.push(restFill("t1", "d", 10));
    const getFills = h.rest.getFills.bind(h.rest);
    h.rest.getFills = async () => {
      throw err("rateLimit", "429", "too many requests");
    };
    await h.broker.reconcile();
    expect(h.fills).toEqual([]);
    expect(h.errors).toEqual([expect.stringMatching(/^reconcile: fills of order d \(BTCUSDT\): .*too many requests$/)]);
    h.rest.getFills = getFills;
    await h.broker.reconcile();
    expect(h.fills.map((f) => [f.clientOid, f.final])).toEqual([["d", true]]);
    expect(h.broker.failedReads).toBe(1);
  });

  it("reports a filled size it could not read back after its cancel; the cancel answers what the broker knew", async () => {
    const h = setup();
    await h.broker.place(postOnly("e"));
    h.rest.lookup = async () => {
      throw err("network", null, "socket hang up");
    };
    expect(await h.broker.cancel("BTCUSDT", "e")).toEqual({ ok: true, filledSize: 0 });
    expect(h.errors).toEqual([
      expect.stringMatching(/^cancel: order detail of e \(BTCUSDT\) after the cancel: .*socket hang up$/),
    ]);
    expect(h.broker.failedReads).toBe(1);
  });

  it("reports a lookup the exchange did not answer that the broker answered from its own record", async () => {
    const h = setup();
    await h.broker.place(postOnly("f"));
    h.rest.lookup = async () => {
      throw err("timeout", null, "no response within 5000 ms");
    };
    expect(await h.broker.order("BTCUSDT", "f")).toMatchObject({ clientOid: "f", status: "open" });
    expect(h.errors).toEqual([
      expect.stringMatching(/^lookup: order detail of f \(BTCUSDT\), answered from the broker's record: /),
    ]);
  });

  it("does not skip what is not an exchange error (a bug): reconcile rejects with it", async () => {
    const h = setup();
    await h.broker.place(postOnly("g"));
    h.rest.lookup = async () => {
      throw new TypeError("Cannot read properties of undefined (reading 'state')");
    };
    await expect(h.broker.reconcile()).rejects.toThrow(TypeError);
    expect(h.broker.failedReads).toBe(0);
  });
});
