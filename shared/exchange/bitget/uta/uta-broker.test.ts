import { describe, expect, it } from "vitest";
import type { Fill, OrderRequest, OrderStatus } from "../../../execution/orders";
import type { Instrument } from "../../../market/instrument";
import { BitgetBroker } from "../bitget-broker";
import type { HttpResponseLike } from "../rest-transport";
import {
  errorEnvelope,
  fakeClock,
  fakeFetch,
  okEnvelope,
  type RecordedRequest,
  seededRandom,
} from "../testing/fake-rest";
import { fillShape, orderShape, utaPush } from "./testing/uta-shapes";
import { UtaBrokerRest } from "./uta-broker-rest";
import { UTA_REJECT_CODES } from "./uta-errors";
import { decodeUtaPrivatePush } from "./uta-private-codec";
import { UtaRestClient } from "./uta-rest-client";

const BTC: Instrument = { symbol: "BTCUSDT", tickSize: 0.1, sizeStep: 0.001, minSize: 0.001, minNotional: 5 };
const T0 = 1_700_000_000_000;

/** Scripted answers per v3 path, consumed in order; the last one repeats. */
type Script = Record<string, ((req: RecordedRequest) => HttpResponseLike)[]>;

function setup(script: Script) {
  const clock = fakeClock(T0);
  const { fetch, requests } = fakeFetch((req) => {
    const answers = script[req.path];
    if (!answers || answers.length === 0) throw new Error(`unexpected ${req.method} ${req.path}`);
    return (answers.length > 1 ? answers.shift() : answers[0])?.(req) as HttpResponseLike;
  });
  const client = new UtaRestClient({
    now: clock.now,
    sleep: clock.sleep,
    random: seededRandom(2),
    fetch,
    credentials: { apiKey: "key-1", apiSecret: "secret-1", passphrase: "pass-1" },
  });
  const fills: Fill[] = [];
  const done: OrderStatus[] = [];
  const broker = new BitgetBroker({
    rest: new UtaBrokerRest(client),
    instruments: [BTC],
    onFill: (f) => fills.push(f),
    onOrderDone: (s) => done.push(s),
    placeOnce: { settleMs: 1, sleep: async () => {} },
    rejectCodes: UTA_REJECT_CODES,
  });
  const placements = () => requests.filter((r) => r.path === "/api/v3/trade/place-order");
  return { broker, fills, done, requests, placements };
}

const order = (over: Partial<OrderRequest> = {}): OrderRequest => ({
  clientOid: "BTC-loyw3v28-1",
  symbol: "BTCUSDT",
  side: "buy",
  type: "postOnly",
  price: 25000,
  size: 0.01,
  reduceOnly: false,
  ts: T0,
  ...over,
});

const ack = () => okEnvelope({ orderId: "1001", clientOid: "BTC-loyw3v28-1" });
const info =
  (over: Record<string, unknown> = {}) =>
  () =>
    okEnvelope(orderShape(over));
const PLACE = "/api/v3/trade/place-order";
const INFO = "/api/v3/trade/order-info";
const FILLS = "/api/v3/trade/fills";
const OPEN = "/api/v3/trade/unfilled-orders";

describe("BitgetBroker over the UTA REST port", () => {
  it("places a post-only order once and reads it back open", async () => {
    const x = setup({ [PLACE]: [ack], [INFO]: [info()] });
    expect(await x.broker.place(order())).toEqual({ ok: true, clientOid: "BTC-loyw3v28-1" });
    expect(await x.broker.order("BTCUSDT", "BTC-loyw3v28-1")).toMatchObject({ status: "open", remainingSize: 0.01 });
    expect(x.placements()).toHaveLength(1);
  });

  it.each(["40010", "40725", "45001"])(
    "resolves an unknown outcome (%s) by a clientOid lookup, without sending the order again",
    async (code) => {
      const x = setup({ [PLACE]: [() => errorEnvelope(400, code, "timeout")], [INFO]: [info()] });
      expect(await x.broker.place(order())).toEqual({ ok: true, clientOid: "BTC-loyw3v28-1" });
      expect(x.placements()).toHaveLength(1);
      const lookup = x.requests.find((r) => r.path === INFO);
      expect(lookup?.query).toBe("clientOid=BTC-loyw3v28-1");
    },
  );

  it("places again with the same clientOid only after the lookup says the order does not exist", async () => {
    const x = setup({
      [PLACE]: [() => errorEnvelope(500, "45001", "unknown"), ack],
      [INFO]: [() => errorEnvelope(400, "25204", "Order does not exist"), info()],
    });
    expect(await x.broker.place(order())).toEqual({ ok: true, clientOid: "BTC-loyw3v28-1" });
    expect(x.placements().map((r) => JSON.parse(r.body).clientOid)).toEqual(["BTC-loyw3v28-1", "BTC-loyw3v28-1"]);
  });

  it("answers duplicate_client_oid for 25212 and follows the order the exchange already holds", async () => {
    const x = setup({ [PLACE]: [() => errorEnvelope(400, "25212", "Duplicate clientOid")], [INFO]: [info()] });
    expect(await x.broker.place(order())).toMatchObject({ ok: false, reason: "duplicate_client_oid" });
    expect(await x.broker.order("BTCUSDT", "BTC-loyw3v28-1")).toMatchObject({ status: "open" });
  });

  it.each([
    ["25227", true, "reduce_only_no_position"],
    ["25202", false, "insufficient_margin"],
    ["25203", false, "insufficient_margin"],
    ["25611", false, "size_below_minimum"],
    ["25004", false, "rate_limited"],
  ] as const)("maps code %s (reduce-only: %s) to the refusal %s", async (code, reduceOnly, reason) => {
    const x = setup({ [PLACE]: [() => errorEnvelope(400, code, "refused")] });
    const r = await x.broker.place(order({ type: "market", price: undefined, side: "sell", reduceOnly }));
    expect(r).toMatchObject({ ok: false, reason });
    expect(x.placements()).toHaveLength(1);
  });

  it("reports a post-only order the exchange cancelled as post_only_fill_cancel as refused, at once", async () => {
    const x = setup({
      [PLACE]: [ack],
      [INFO]: [info({ orderStatus: "cancelled", cancelReason: "post_only_fill_cancel" })],
    });
    await x.broker.place(order({ price: 25000.1 }));
    const push = decodeUtaPrivatePush(
      utaPush("order", [
        orderShape({ orderStatus: "cancelled", cancelReason: "post_only_fill_cancel", reduceOnly: "no" }),
      ]),
    );
    if (!push.ok) throw new Error(push.reason);
    x.broker.onPrivate(push.events);
    expect(x.done).toEqual([
      expect.objectContaining({ clientOid: "BTC-loyw3v28-1", status: "rejected", reason: "post_only_would_cross" }),
    ]);
    expect(await x.broker.order("BTCUSDT", "BTC-loyw3v28-1")).toMatchObject({
      status: "rejected",
      reason: "post_only_would_cross",
      filledSize: 0,
    });
    expect(x.done).toHaveLength(1);
  });

  it("delivers a fill once per execId, from the push and again seen over REST, with the fee positive", async () => {
    const filled = {
      orderType: "market",
      timeInForce: "gtc",
      orderStatus: "filled",
      cumExecQty: "0.01",
      avgPrice: "25000.1",
    };
    const x = setup({
      [PLACE]: [ack],
      [INFO]: [info(filled)],
      [OPEN]: [() => okEnvelope({ list: [], cursor: null })],
      [FILLS]: [
        () => okEnvelope({ list: [fillShape(), fillShape({ execId: "9999", symbol: "ETHUSDT", orderId: "1001" })] }),
      ],
    });
    await x.broker.place(order({ type: "market", price: undefined }));
    const push = decodeUtaPrivatePush(utaPush("fill", [fillShape()]));
    if (!push.ok) throw new Error(push.reason);
    x.broker.onPrivate(push.events);
    x.broker.onPrivate(push.events);
    await x.broker.reconcile();
    expect(x.fills).toEqual([
      expect.objectContaining({
        clientOid: "BTC-loyw3v28-1",
        price: 25000.1,
        size: 0.01,
        fee: 0.15,
        liquidity: "taker",
        final: true,
      }),
    ]);
  });

  it("delivers the fills of a reconnect gap from REST, in time order, the last one final", async () => {
    const filled = {
      orderType: "market",
      timeInForce: "gtc",
      orderStatus: "filled",
      cumExecQty: "0.01",
      avgPrice: "25000.1",
    };
    const x = setup({
      [PLACE]: [ack],
      [INFO]: [info(filled)],
      [OPEN]: [() => okEnvelope({ list: [], cursor: null })],
      [FILLS]: [
        () =>
          okEnvelope({
            list: [
              fillShape({ execId: "2", execQty: "0.006", execTime: "1700000000200" }),
              fillShape({ execId: "1", execQty: "0.004", execTime: "1700000000100" }),
            ],
          }),
      ],
    });
    await x.broker.place(order({ type: "market", price: undefined }));
    await x.broker.reconcile();
    expect(x.fills.map((f) => [f.size, f.final])).toEqual([
      [0.004, false],
      [0.006, true],
    ]);
  });

  it("adopts on reconcile an open order it did not place (before a restart) and delivers its missed fill", async () => {
    const old = { clientOid: "BTC-old-1", orderId: "77", orderStatus: "partially_filled", cumExecQty: "0.004" };
    const x = setup({
      [OPEN]: [() => okEnvelope({ list: [orderShape(old)], cursor: null })],
      [INFO]: [info(old)],
      [FILLS]: [
        () =>
          okEnvelope({
            list: [fillShape({ orderId: "77", clientOid: "BTC-old-1", execQty: "0.004", tradeScope: "maker" })],
          }),
      ],
    });
    await x.broker.reconcile();
    expect(x.requests.find((r) => r.path === OPEN)?.query).toBe("category=USDT-FUTURES&limit=100&symbol=BTCUSDT");
    expect(x.fills).toEqual([
      expect.objectContaining({ clientOid: "BTC-old-1", size: 0.004, final: false, liquidity: "maker" }),
    ]);
    expect(await x.broker.order("BTCUSDT", "BTC-old-1")).toMatchObject({
      status: "open",
      filledSize: 0.004,
      remainingSize: 0.006,
    });
  });

  it("does not report through onOrderDone an order it was asked to cancel, even when the push beats the answer", async () => {
    const x = setup({
      [PLACE]: [ack],
      "/api/v3/trade/cancel-order": [ack],
      [INFO]: [info({ orderStatus: "cancelled", cancelReason: "normal_cancel" })],
    });
    await x.broker.place(order());
    const cancelling = x.broker.cancel("BTCUSDT", "BTC-loyw3v28-1");
    const push = decodeUtaPrivatePush(
      utaPush("order", [orderShape({ orderStatus: "cancelled", cancelReason: "normal_cancel", reduceOnly: "no" })]),
    );
    if (!push.ok) throw new Error(push.reason);
    x.broker.onPrivate(push.events);
    expect(await cancelling).toEqual({ ok: true, filledSize: 0 });
    expect(x.done).toEqual([]);
    expect(await x.broker.order("BTCUSDT", "BTC-loyw3v28-1")).toMatchObject({
      status: "cancelled",
      reason: "cancelled_by_client",
    });
  });
});
