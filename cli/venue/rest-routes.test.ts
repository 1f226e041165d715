import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateOrder } from "../../shared/exchange/bitget/order-rules";
import { BitgetRestClient } from "../../shared/exchange/bitget/rest-client";
import { BitgetError } from "../../shared/exchange/bitget/rest-errors";
import type { BitgetContract, OrderIntent, ValidatedOrder } from "../../shared/exchange/bitget/rest-types";
import { DEFAULT_CREDENTIALS, startVenue, type Venue } from "./server";
import { signedCall, sleep } from "./test-client";

const creds = DEFAULT_CREDENTIALS;
const PT = "productType=USDT-FUTURES";

function validated(contract: BitgetContract, intent: Omit<OrderIntent, "symbol" | "marginMode">): ValidatedOrder {
  const v = validateOrder(
    contract,
    { symbol: contract.symbol, marginMode: "crossed", ...intent },
    { referencePrice: intent.price ?? 50_000 },
  );
  if (!v.ok) throw new Error(`${v.reason}: ${v.detail}`);
  return v.order;
}

describe("REST over loopback (synthetic market)", () => {
  let venue: Venue;
  let client: BitgetRestClient;
  let btc: BitgetContract;

  const get = async (path: string) => {
    const res = await fetch(`${venue.urls.rest}${path}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    venue = await startVenue({ synthetic: { symbols: ["BTCUSDT", "ETHUSDT"], seed: 1 }, speed: 10, log: () => {} });
    client = new BitgetRestClient({
      baseUrl: venue.urls.rest,
      credentials: creds,
      now: Date.now,
      random: Math.random,
      demo: true,
      retry: { maxRetries: 0 },
    });
    [btc] = await client.getContracts("BTCUSDT");
    for (let i = 0; i < 100 && (await client.getRecentTrades("BTCUSDT")).length === 0; i++) await sleep(50);
  });
  afterAll(() => venue.close());

  it("answers the public endpoints with Bitget envelopes our client parses", async () => {
    const time = await get("/api/v2/public/time");
    expect(time.body).toMatchObject({ code: "00000", msg: "success" });
    expect(typeof time.body.requestTime).toBe("number");
    expect(Math.abs(Number((time.body.data as { serverTime: string }).serverTime) - Date.now())).toBeLessThan(5000);
    const contracts = await client.getContracts();
    expect(contracts.map((c) => c.symbol)).toEqual(["BTCUSDT", "ETHUSDT"]);
    expect(btc).toMatchObject({ tickSize: 0.1, sizeStep: 0.001, minSize: 0.001, minNotional: 5 });
    const ticker = await client.getTicker("BTCUSDT");
    expect(ticker.askPrice).toBeGreaterThan(ticker.bidPrice);
    const depth = await client.getDepth("BTCUSDT", { limit: 5 });
    expect(depth.bids.length).toBeGreaterThan(0);
    expect(depth.bids.length).toBeLessThanOrEqual(5);
    expect((await client.getRecentTrades("BTCUSDT", 5)).length).toBeGreaterThan(0);
    const candles = await client.getCandles("BTCUSDT", { granularity: "1m", limit: 10 });
    expect(candles.length).toBeGreaterThan(0);
  });

  it("answers a documented public path it does not model with an empty list, and an unknown path with 404 and 40404", async () => {
    expect(await get("/api/v2/spot/public/coins")).toMatchObject({ status: 200, body: { code: "00000", data: [] } });
    expect(await get("/api/v2/mix/market/open-interest?symbol=BTCUSDT&productType=USDT-FUTURES")).toMatchObject({
      status: 200,
      body: { data: [] },
    });
    expect(await get("/api/v2/mix/market/nonsense")).toMatchObject({
      status: 404,
      body: { code: "40404", data: null },
    });
  });

  it("refuses a bad signature or key on a private path it does not model with Bitget's code, and answers 40404 only once authenticated", async () => {
    const spot = (o: Parameters<typeof signedCall>[4]) =>
      signedCall(venue.urls.rest, creds, "GET", "/api/v2/spot/account/assets", o);
    expect(await spot({ secret: "not-the-secret" })).toMatchObject({ status: 400, body: { code: "40009" } });
    expect(await spot({ apiKey: "nobody" })).toMatchObject({ status: 400, body: { code: "40006" } });
    expect(await spot({})).toMatchObject({ status: 404, body: { code: "40404" } });
  });

  it("lists no contracts for another product type and wants the symbol where one is needed", async () => {
    expect((await get("/api/v2/mix/market/contracts?productType=COIN-FUTURES")).body.data).toEqual([]);
    expect(await get(`/api/v2/mix/market/ticker?${PT}`)).toMatchObject({ status: 400, body: { code: "40019" } });
    expect(await get(`/api/v2/mix/market/ticker?symbol=NOPEUSDT&${PT}`)).toMatchObject({
      status: 400,
      body: { code: "40102" },
    });
  });

  it("serves funding and all-tickers endpoints ccxt calls", async () => {
    const fund = (await get(`/api/v2/mix/market/current-fund-rate?symbol=BTCUSDT&${PT}`)).body.data as {
      symbol: string;
      nextUpdate: string;
    }[];
    expect(fund[0].symbol).toBe("BTCUSDT");
    expect(Number(fund[0].nextUpdate) % (8 * 3_600_000)).toBe(0);
    const tickers = (await get(`/api/v2/mix/market/tickers?${PT}`)).body.data as { symbol: string }[];
    expect(tickers.map((t) => t.symbol)).toEqual(["BTCUSDT", "ETHUSDT"]);
  });

  it("accepts a correctly signed private GET", async () => {
    const r = await signedCall(venue.urls.rest, creds, "GET", "/api/v2/mix/account/accounts", { query: PT });
    expect(r.status).toBe(200);
    expect(r.body.code).toBe("00000");
    expect((r.body.data as { marginCoin: string }[])[0].marginCoin).toBe("USDT");
  });

  it("refuses a wrong signature, passphrase, key or a stale timestamp with Bitget's code and HTTP 400", async () => {
    const call = (o: Parameters<typeof signedCall>[4]) =>
      signedCall(venue.urls.rest, creds, "GET", "/api/v2/mix/account/accounts", { query: PT, ...o });
    expect(await call({ secret: "not-the-secret" })).toMatchObject({
      status: 400,
      body: { code: "40009", data: null },
    });
    expect(await call({ passphrase: "wrong-pass" })).toMatchObject({ status: 400, body: { code: "40012" } });
    expect(await call({ apiKey: "someone-else" })).toMatchObject({ status: 400, body: { code: "40006" } });
    expect(await call({ timestamp: String(Date.now() - 31_000) })).toMatchObject({
      status: 400,
      body: { code: "40008" },
    });
    expect(await call({ timestamp: String(Date.now() + 31_000) })).toMatchObject({
      status: 400,
      body: { code: "40008" },
    });
    const bare = await fetch(`${venue.urls.rest}/api/v2/mix/account/accounts?${PT}`);
    expect(bare.status).toBe(400);
    expect(((await bare.json()) as { code: string }).code).toBe("40001");
  });

  it("verifies the signature over the exact query string and body bytes sent", async () => {
    const swapped = await signedCall(venue.urls.rest, creds, "GET", "/api/v2/mix/position/all-position", {
      query: `marginCoin=USDT&${PT}`,
      signedQuery: `${PT}&marginCoin=USDT`,
    });
    expect(swapped.body.code).toBe("40009");
    const body = JSON.stringify({ symbol: "BTCUSDT", productType: "USDT-FUTURES", marginCoin: "USDT", leverage: "10" });
    const good = await signedCall(venue.urls.rest, creds, "POST", "/api/v2/mix/account/set-leverage", { body });
    expect(good).toMatchObject({ status: 200, body: { code: "00000", data: { longLeverage: "10" } } });
    const spaced = await signedCall(venue.urls.rest, creds, "POST", "/api/v2/mix/account/set-leverage", {
      body: body.replace(",", ", "),
    });
    expect(spaced.body.code).toBe("00000");
  });

  it("places, reads and cancels a resting limit order through our own client", async () => {
    const ticker = await client.getTicker("BTCUSDT");
    const price = Math.round(ticker.bidPrice * 0.9 * 10) / 10;
    const ack = await client.placeOrder(
      validated(btc, { side: "buy", orderType: "limit", size: 0.001, price, clientOid: "venue-test-rest-1" }),
    );
    expect(ack.orderId).toMatch(/^\d+$/);
    const detail = await client.getOrder("BTCUSDT", { clientOid: "venue-test-rest-1" });
    expect(detail).toMatchObject({ orderId: ack.orderId, state: "live", price, size: 0.001 });
    expect((await client.getOpenOrders("BTCUSDT")).orders.map((o) => o.orderId)).toContain(ack.orderId);
    const cancel = await client.cancelOrder("BTCUSDT", { orderId: ack.orderId! });
    expect(cancel.orderId).toBe(ack.orderId);
    expect((await client.getOrder("BTCUSDT", { orderId: ack.orderId! })).state).toBe("canceled");
    const again = await client.cancelOrder("BTCUSDT", { orderId: ack.orderId! }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(BitgetError);
    expect((again as BitgetError).code).toBe("22001");
  });

  it("opens a position with a market order, shows it with the balance, and flattens it", async () => {
    const ack = await client.placeOrder(
      validated(btc, { side: "buy", orderType: "market", size: 0.002, clientOid: "venue-test-rest-2" }),
    );
    expect((await client.getOrder("BTCUSDT", { orderId: ack.orderId! })).state).toBe("filled");
    const [pos] = await client.getPositions();
    expect(pos).toMatchObject({ symbol: "BTCUSDT", holdSide: "long", size: 0.002 });
    expect(await client.getPosition("BTCUSDT")).toHaveLength(1);
    const [acct] = await client.getAccounts();
    expect(acct.marginCoin).toBe("USDT");
    expect(acct.available).toBeLessThan(10_000);
    const fills = await client.getFills({ symbol: "BTCUSDT" });
    expect(fills.fills.some((f) => f.orderId === ack.orderId)).toBe(true);
    const closed = await client.flashClose({ symbol: "BTCUSDT" });
    expect(closed.success).toHaveLength(1);
    expect(await client.getPositions()).toEqual([]);
  });

  it("places a batch and cancels everything open in one call", async () => {
    const bid = (await client.getTicker("BTCUSDT")).bidPrice;
    const px = (f: number) => (Math.round(bid * f * 10) / 10).toFixed(1);
    const orderList = [0.8, 0.85].map((f, i) => ({
      side: "buy",
      orderType: "limit",
      price: px(f),
      size: "0.001",
      force: "gtc",
      clientOid: `venue-test-batch-${i}`,
    }));
    const body = JSON.stringify({
      symbol: "BTCUSDT",
      productType: "USDT-FUTURES",
      marginCoin: "USDT",
      marginMode: "crossed",
      orderList,
    });
    const placed = await signedCall(venue.urls.rest, creds, "POST", "/api/v2/mix/order/batch-place-order", { body });
    expect((placed.body.data as { successList: unknown[] }).successList).toHaveLength(2);
    const all = await signedCall(venue.urls.rest, creds, "POST", "/api/v2/mix/order/cancel-all-orders", {
      body: JSON.stringify({ productType: "USDT-FUTURES", marginCoin: "USDT" }),
    });
    expect((all.body.data as { successList: unknown[] }).successList).toHaveLength(2);
    expect((await client.getOpenOrders()).orders).toEqual([]);
  });

  it("pages fills with idLessThan = endId (the next page holds the older ones), by order and time, and refuses a cursor it never issued", async () => {
    const call = async (query: string) =>
      (await signedCall(venue.urls.rest, creds, "GET", "/api/v2/mix/order/fills", { query: `${PT}&${query}` })).body;
    const all = (await call("limit=100")).data as { fillList: { tradeId: string; orderId: string }[] };
    expect(all.fillList.length).toBeGreaterThan(1);
    const first = (await call("limit=1")).data as { fillList: { tradeId: string }[]; endId: string };
    expect(first.fillList.map((f) => f.tradeId)).toEqual([all.fillList[0].tradeId]);
    const next = (await call(`limit=1&idLessThan=${first.endId}`)).data as { fillList: { tradeId: string }[] };
    expect(next.fillList.map((f) => f.tradeId)).toEqual([all.fillList[1].tradeId]);
    const oldest = all.fillList[all.fillList.length - 1];
    expect((await call(`idLessThan=${oldest.tradeId}`)).data).toEqual({ fillList: null, endId: null });
    const byOrder = (await call(`orderId=${oldest.orderId}`)).data as { fillList: { orderId: string }[] };
    expect(new Set(byOrder.fillList.map((f) => f.orderId))).toEqual(new Set([oldest.orderId]));
    expect((await call(`startTime=${venue.clock() + 1}`)).data).toEqual({ fillList: null, endId: null });
    expect(await call("idLessThan=abc")).toMatchObject({ code: "40020" });
  });

  it("times fills with the market clock and requestTime with the wall clock", async () => {
    const r = await signedCall(venue.urls.rest, creds, "GET", "/api/v2/mix/order/fills", { query: PT });
    const fill = (r.body.data as { fillList: { cTime: string }[] }).fillList[0];
    expect(Number(fill.cTime)).toBeLessThanOrEqual(venue.clock());
    expect(Math.abs((r.body.requestTime as number) - Date.now())).toBeLessThan(5000);
  });
});
