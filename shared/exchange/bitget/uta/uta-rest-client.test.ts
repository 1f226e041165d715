import { describe, expect, it } from "vitest";
import type { Instrument } from "../../../market/instrument";
import { validateOrder } from "../order-rules";
import { BitgetError } from "../rest-errors";
import type { OrderIntent, ValidatedOrder } from "../rest-types";
import { verifyRestSignature } from "../signing";
import {
  errorEnvelope,
  fakeClock,
  fakeFetch,
  hang,
  okEnvelope,
  type Responder,
  seededRandom,
} from "../testing/fake-rest";
import { UtaRestClient, type UtaRestClientOptions } from "./uta-rest-client";
import {
  assetsShape,
  fillShape,
  instrumentShape,
  orderShape,
  positionShape,
  settingsShape,
} from "./testing/uta-shapes";

const CREDS = { apiKey: "uta-key", apiSecret: "uta-secret-0123456789", passphrase: "uta-pass" };
const BTC: Instrument = { symbol: "BTCUSDT", tickSize: 0.1, sizeStep: 0.001, minSize: 0.001, minNotional: 5 };

function setup(responder: Responder, options: Partial<UtaRestClientOptions> = {}) {
  const clock = fakeClock(1_700_000_000_000);
  const { fetch, requests } = fakeFetch(responder);
  const client = new UtaRestClient({
    now: clock.now,
    sleep: clock.sleep,
    random: seededRandom(3),
    fetch,
    credentials: CREDS,
    timeoutMs: 50,
    ...options,
  });
  return { client, requests };
}

function validated(order: Partial<OrderIntent>): ValidatedOrder {
  const r = validateOrder(BTC, {
    symbol: "BTCUSDT",
    side: "buy",
    orderType: "limit",
    size: 0.01,
    price: 25000,
    force: "post_only",
    clientOid: "BTC-loyw3v28-1",
    marginMode: "crossed",
    ...order,
  });
  if (!r.ok) throw new Error(`test order invalid: ${r.reason}`);
  return r.order;
}

describe("UtaRestClient signing and headers", () => {
  it("signs the parameterless settings probe without a bare '?' and the venue-side check accepts it", async () => {
    const { client, requests } = setup(() => okEnvelope(settingsShape()));
    await client.getSettings();
    const r = requests[0];
    expect(r.url).toBe("https://api.bitget.com/api/v3/account/settings");
    expect(r.query).toBe("");
    expect(r.headers).toMatchObject({ "ACCESS-KEY": "uta-key", "ACCESS-PASSPHRASE": "uta-pass", locale: "en-US" });
    const ok = await verifyRestSignature({
      secret: CREDS.apiSecret,
      timestamp: r.headers["ACCESS-TIMESTAMP"],
      method: "GET",
      path: r.path,
      query: "",
      body: "",
      signature: r.headers["ACCESS-SIGN"],
    });
    expect(ok).toBe(true);
  });

  it("signs a POST over the exact body bytes it sends", async () => {
    const { client, requests } = setup(() => okEnvelope({ orderId: "1", clientOid: "BTC-loyw3v28-1" }));
    await client.placeOrder(validated({}));
    const r = requests[0];
    const ok = await verifyRestSignature({
      secret: CREDS.apiSecret,
      timestamp: r.headers["ACCESS-TIMESTAMP"],
      method: "POST",
      path: "/api/v3/trade/place-order",
      query: "",
      body: r.body,
      signature: r.headers["ACCESS-SIGN"],
    });
    expect(ok).toBe(true);
  });

  it("adds paptrading: 1 to every request in demo mode, and only then", async () => {
    const demo = setup(() => okEnvelope(assetsShape()), { demo: true });
    await demo.client.getAssets();
    expect(demo.requests[0].headers.paptrading).toBe("1");
    const live = setup(() => okEnvelope(assetsShape()));
    await live.client.getAssets();
    expect(live.requests[0].headers.paptrading).toBeUndefined();
  });
});

describe("UtaRestClient place-order bodies (the side/posSide matrix)", () => {
  const place = async (holdMode: "one_way_mode" | "hedge_mode", order: Partial<OrderIntent>) => {
    const { client, requests } = setup(() => okEnvelope({ orderId: "1", clientOid: "c" }), { holdMode });
    await client.placeOrder(validated(order));
    return JSON.parse(requests[0].body) as Record<string, string>;
  };
  const market = { orderType: "market" as const, price: undefined, force: undefined };

  it("sends a post-only limit open in one-way mode with v3 names and nothing of V2", async () => {
    expect(await place("one_way_mode", {})).toEqual({
      category: "USDT-FUTURES",
      symbol: "BTCUSDT",
      qty: "0.01",
      price: "25000",
      side: "buy",
      orderType: "limit",
      timeInForce: "post_only",
      clientOid: "BTC-loyw3v28-1",
    });
  });

  it("closes a long in one-way mode as sell + reduceOnly yes, without posSide", async () => {
    const body = await place("one_way_mode", { ...market, side: "sell", reduceOnly: true });
    expect(body).toMatchObject({ side: "sell", reduceOnly: "yes", orderType: "market" });
    expect(body.posSide).toBeUndefined();
    expect(body.timeInForce).toBeUndefined();
  });

  it.each([
    ["opens a long", "buy", false, "long"],
    ["opens a short", "sell", false, "short"],
    ["closes a long", "sell", true, "long"],
    ["closes a short", "buy", true, "short"],
  ] as const)("in hedge mode %s as side %s with posSide %s and no reduceOnly", async (_, side, reduceOnly, posSide) => {
    const body = await place("hedge_mode", { ...market, side, reduceOnly });
    expect(body).toMatchObject({ side, posSide });
    expect(body.reduceOnly).toBeUndefined();
    expect(body.tradeSide).toBeUndefined();
  });

  it("sends the preset stop-loss as stopLoss with a market execution", async () => {
    expect(await place("one_way_mode", { stopLossPrice: 24000 })).toMatchObject({
      stopLoss: "24000",
      slOrderType: "market",
    });
  });

  it("encodes later orders for the hold mode set on the exchange", async () => {
    const { client, requests } = setup((req) =>
      req.path.endsWith("set-hold-mode") ? okEnvelope("success") : okEnvelope({ orderId: "1", clientOid: "c" }),
    );
    await client.setHoldMode("hedge_mode");
    expect(JSON.parse(requests[0].body)).toEqual({ holdMode: "hedge_mode" });
    await client.placeOrder(validated({}));
    expect(JSON.parse(requests[1].body)).toMatchObject({ posSide: "long" });
  });
});

describe("UtaRestClient responses", () => {
  it("reads instruments into contract rules: tick from priceMultiplier, step from quantityMultiplier", async () => {
    const { client, requests } = setup(() => okEnvelope([instrumentShape()]));
    const [btc] = await client.getInstruments("BTCUSDT");
    expect(requests[0].query).toBe("category=USDT-FUTURES&symbol=BTCUSDT");
    expect(btc).toMatchObject({ symbol: "BTCUSDT", tickSize: 0.1, sizeStep: 0.001, minSize: 0.001, minNotional: 5 });
  });

  it("falls back to 10^-precision when a multiplier is absent", async () => {
    const shape = instrumentShape({ priceMultiplier: "", quantityMultiplier: undefined, pricePrecision: "2" });
    const { client } = setup(() => okEnvelope([shape]));
    expect((await client.getInstruments())[0]).toMatchObject({ tickSize: 0.01, sizeStep: 0.001 });
  });

  it("reads an order by clientOid, with positive fees and the raw v3 status", async () => {
    const shape = orderShape({
      orderStatus: "partially_filled",
      cumExecQty: "0.004",
      avgPrice: "25000",
      reduceOnly: "YES",
    });
    const { client, requests } = setup(() => okEnvelope({ ...shape, feeDetail: [{ feeCoin: "USDT", fee: "0.02" }] }));
    const o = await client.getOrder({ clientOid: "BTC-loyw3v28-1" });
    expect(requests[0].query).toBe("clientOid=BTC-loyw3v28-1");
    expect(o).toMatchObject({
      orderStatus: "partially_filled",
      cumExecQty: 0.004,
      reduceOnly: true,
      fee: 0.02,
      price: 25000,
    });
  });

  it("throws notFound for 25204 and for an empty order-info answer", async () => {
    const missing = setup(() => errorEnvelope(400, "25204", "Order does not exist"));
    await expect(missing.client.getOrder({ clientOid: "x" })).rejects.toMatchObject({ kind: "notFound" });
    const empty = setup(() => okEnvelope(null));
    await expect(empty.client.getOrder({ clientOid: "x" })).rejects.toMatchObject({ kind: "notFound" });
  });

  it("reads fills with the absolute fee, whatever sign the exchange writes", async () => {
    const rebate = fillShape({ execId: "2", feeDetail: [{ feeCoin: "USDT", fee: "-0.05" }] });
    const { client, requests } = setup(() => okEnvelope({ list: [fillShape(), rebate], cursor: "2" }));
    const page = await client.getFills({ orderId: "1001", limit: 100 });
    expect(requests[0].query).toBe("category=USDT-FUTURES&limit=100&orderId=1001");
    expect(page.cursor).toBe("2");
    expect(page.list.map((f) => [f.execId, f.fee, f.tradeScope])).toEqual([
      ["5001", 0.15, "taker"],
      ["2", 0.05, "taker"],
    ]);
  });

  it("reads positions, leaves closed ones out, and takes a one-way 'net' side from the size's sign", async () => {
    const { client } = setup(() =>
      okEnvelope({
        list: [
          positionShape(),
          positionShape({ symbol: "ETHUSDT", posSide: "net", total: "-2" }),
          positionShape({ symbol: "XRPUSDT", total: "0", positionStatus: "ended" }),
        ],
      }),
    );
    const list = await client.getPositions();
    expect(list.map((p) => [p.symbol, p.posSide, p.size])).toEqual([
      ["BTCUSDT", "long", 0.01],
      ["ETHUSDT", "short", 2],
    ]);
    expect(list[0].liquidationPrice).toBeNull();
  });

  it("reads unfilled orders and an empty page", async () => {
    const { client } = setup((req) =>
      req.query.includes("cursor")
        ? okEnvelope({ list: null, cursor: "" })
        : okEnvelope({ list: [orderShape()], cursor: "9" }),
    );
    expect((await client.getOpenOrders("BTCUSDT")).list.map((o) => o.clientOid)).toEqual(["BTC-loyw3v28-1"]);
    expect(await client.getOpenOrders("BTCUSDT", "9")).toEqual({ list: [], cursor: null });
  });

  it("reads assets, settings and the account fee rate", async () => {
    const { client } = setup((req) => {
      if (req.path.endsWith("assets")) return okEnvelope(assetsShape());
      if (req.path.endsWith("settings")) return okEnvelope(settingsShape({ holdMode: "hedge_mode" }));
      return okEnvelope({ symbol: "BTCUSDT", makerFeeRate: "0.00018", takerFeeRate: "0.00055" });
    });
    expect(await client.getAssets()).toMatchObject({ usdtEquity: 10001.5, coins: [{ coin: "USDT", available: 9975 }] });
    expect(await client.getSettings()).toMatchObject({
      accountMode: "unified",
      holdMode: "hedge_mode",
      symbols: [{ symbol: "BTCUSDT", marginMode: "crossed", leverage: 10 }],
    });
    expect(await client.getFeeRate("BTCUSDT")).toEqual({ makerFeeRate: 0.00018, takerFeeRate: 0.00055 });
  });

  it("reports a payload of the wrong shape as an unknown BitgetError naming the field", async () => {
    const { client } = setup(() => okEnvelope([instrumentShape({ pricePrecision: undefined })]));
    const e = await client.getInstruments().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BitgetError);
    expect(e).toMatchObject({ kind: "unknown", endpoint: "/api/v3/market/instruments" });
    expect(String((e as Error).message)).toContain("pricePrecision");
  });
});

describe("UtaRestClient error classification (§2.10)", () => {
  const failure = async (status: number, code: string) => {
    const { client } = setup(() => errorEnvelope(status, code, `msg ${code}`));
    return (await client.placeOrder(validated({})).catch((e: unknown) => e)) as BitgetError;
  };

  it.each([
    ["40010", "timeout"],
    ["40725", "server"],
    ["45001", "server"],
  ])("treats %s as an unknown outcome (%s): the order must be looked up, not resent", async (code, kind) => {
    const e = await failure(400, code);
    expect(e.kind).toBe(kind);
    expect(e.outcomeUnknown).toBe(true);
  });

  it.each([
    ["25212", "duplicateClientOid"],
    ["25202", "insufficientBalance"],
    ["25203", "insufficientBalance"],
    ["25004", "rateLimit"],
    ["40006", "auth"],
    ["40009", "auth"],
    ["40084", "auth"],
    ["25204", "notFound"],
    ["25611", "badParameter"],
    ["25227", "badParameter"],
  ])("classifies code %s as %s", async (code, kind) => {
    expect((await failure(400, code)).kind).toBe(kind);
  });

  it("classifies HTTP 429 as rate limited and a timeout as an unknown outcome of a POST, sent once", async () => {
    expect((await failure(429, "429")).kind).toBe("rateLimit");
    const { client, requests } = setup((_, signal) => hang(signal));
    const e = (await client.placeOrder(validated({})).catch((x: unknown) => x)) as BitgetError;
    expect(e).toMatchObject({ kind: "timeout", outcomeUnknown: true });
    expect(requests).toHaveLength(1);
  });
});
