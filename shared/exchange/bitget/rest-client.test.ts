import { describe, expect, it } from "vitest";
import type { Instrument } from "../../market/instrument";
import { validateOrder } from "./order-rules";
import { BitgetRestClient, type BitgetRestClientOptions } from "./rest-client";
import { BitgetError } from "./rest-errors";
import type { OrderIntent, ValidatedOrder } from "./rest-types";
import { errorEnvelope, fakeClock, fakeFetch, okEnvelope, type Responder, seededRandom } from "./testing/fake-rest";

const VECTOR_SECRET = "bitget-test-secret-0123456789abcdef";
const BTC: Instrument = { symbol: "BTCUSDT", tickSize: 0.1, sizeStep: 0.001, minSize: 0.001, minNotional: 5 };

function setup(responder: Responder, options: Partial<BitgetRestClientOptions> = {}) {
  const clock = fakeClock(1_700_000_000_000);
  const { fetch, requests } = fakeFetch(responder);
  const client = new BitgetRestClient({
    now: clock.now,
    sleep: clock.sleep,
    random: seededRandom(1),
    fetch,
    credentials: { apiKey: "k", apiSecret: VECTOR_SECRET, passphrase: "p" },
    ...options,
  });
  return { client, requests, clock };
}

function validated(order: Partial<OrderIntent>): ValidatedOrder {
  const r = validateOrder(BTC, {
    symbol: "BTCUSDT",
    side: "buy",
    orderType: "limit",
    size: 0.001,
    price: 25000,
    clientOid: "scalp-0001",
    marginMode: "crossed",
    ...order,
  });
  if (!r.ok) throw new Error(`test order invalid: ${r.reason}`);
  return r.order;
}

describe("BitgetRestClient signing against the §4.3 vectors", () => {
  it("signs GET single-position exactly as vector 1", async () => {
    const { client, requests } = setup(() => okEnvelope([]));
    expect(await client.getPosition("BTCUSDT")).toEqual([]);
    expect(requests[0].query).toBe("marginCoin=USDT&productType=USDT-FUTURES&symbol=BTCUSDT");
    expect(requests[0].headers["ACCESS-TIMESTAMP"]).toBe("1700000000000");
    expect(requests[0].headers["ACCESS-SIGN"]).toBe("Put1ehEiy4WjmOIyb2QtFSqI/hJ+NzpZ+AEbjQwqr/Y=");
  });

  it("builds and signs the hedge-mode place-order body of vector 2 byte for byte", async () => {
    const { client, requests } = setup(() => okEnvelope({ orderId: "1", clientOid: "scalp-0001" }), {
      positionMode: "hedge_mode",
    });
    await client.placeOrder(validated({}));
    expect(requests[0].body).toBe(
      '{"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginMode":"crossed","marginCoin":"USDT","size":"0.001","price":"25000","side":"buy","tradeSide":"open","orderType":"limit","force":"gtc","clientOid":"scalp-0001"}',
    );
    expect(requests[0].headers["ACCESS-SIGN"]).toBe("5DjwaoHWUjUD6iSC/o6Z/w/trY39heTKkSLMPsi5Acc=");
  });
});

describe("BitgetRestClient requests", () => {
  it("places a one-way reduce-only market close without tradeSide", async () => {
    const { client, requests } = setup(() => okEnvelope({ orderId: "9", clientOid: "c1" }));
    const ack = await client.placeOrder(
      validated({
        side: "sell",
        orderType: "market",
        price: undefined,
        reduceOnly: true,
        force: "ioc",
        clientOid: "c1",
      }),
    );
    expect(ack).toEqual({ orderId: "9", clientOid: "c1" });
    expect(JSON.parse(requests[0].body)).toEqual({
      symbol: "BTCUSDT",
      productType: "USDT-FUTURES",
      marginMode: "crossed",
      marginCoin: "USDT",
      size: "0.001",
      side: "sell",
      orderType: "market",
      force: "ioc",
      clientOid: "c1",
      reduceOnly: "YES",
    });
  });

  it("sends preset take-profit and stop-loss prices", async () => {
    const { client, requests } = setup(() => okEnvelope({ orderId: "9", clientOid: "c" }));
    await client.placeOrder(validated({ takeProfitPrice: 25075, stopLossPrice: 24970, force: "post_only" }));
    expect(JSON.parse(requests[0].body)).toMatchObject({
      force: "post_only",
      presetStopSurplusPrice: "25075",
      presetStopLossPrice: "24970",
    });
  });

  it("cancels and looks up by orderId or by clientOid", async () => {
    const detail = {
      symbol: "BTCUSDT",
      orderId: "11",
      clientOid: "c",
      state: "live",
      side: "buy",
      orderType: "limit",
      size: "0.001",
      price: "25000",
      cTime: "1",
    };
    const { client, requests } = setup((req) =>
      okEnvelope(req.path.endsWith("detail") ? detail : { orderId: "11", clientOid: "c" }),
    );
    await client.cancelOrder("BTCUSDT", { orderId: "11" });
    await client.cancelOrder("BTCUSDT", { clientOid: "c" });
    const order = await client.getOrder("BTCUSDT", { clientOid: "c" });
    expect(JSON.parse(requests[0].body)).toEqual({ symbol: "BTCUSDT", productType: "USDT-FUTURES", orderId: "11" });
    expect(JSON.parse(requests[1].body)).toEqual({ symbol: "BTCUSDT", productType: "USDT-FUTURES", clientOid: "c" });
    expect(requests[2].query).toBe("clientOid=c&productType=USDT-FUTURES&symbol=BTCUSDT");
    expect([order.orderId, order.state, order.price]).toEqual(["11", "live", 25000]);
  });

  it("sets leverage, margin mode and position mode, and encodes later orders for the new mode", async () => {
    const lev = {
      symbol: "BTCUSDT",
      marginCoin: "USDT",
      longLeverage: "50",
      shortLeverage: "50",
      crossMarginLeverage: 50,
      marginMode: "crossed",
    };
    const { client, requests } = setup((req) =>
      okEnvelope(
        req.path.endsWith("set-position-mode")
          ? { posMode: "hedge_mode" }
          : req.path.endsWith("place-order")
            ? {}
            : lev,
      ),
    );
    expect((await client.setLeverage("BTCUSDT", 50)).longLeverage).toBe(50);
    await client.setMarginMode("BTCUSDT", "crossed");
    expect(client.positionMode).toBe("one_way_mode");
    await client.setPositionMode("hedge_mode");
    expect(client.positionMode).toBe("hedge_mode");
    await client.placeOrder(validated({ side: "sell", reduceOnly: true }));
    expect(JSON.parse(requests[0].body)).toEqual({
      symbol: "BTCUSDT",
      productType: "USDT-FUTURES",
      marginCoin: "USDT",
      leverage: "50",
    });
    expect(JSON.parse(requests[1].body)).toEqual({
      symbol: "BTCUSDT",
      productType: "USDT-FUTURES",
      marginCoin: "USDT",
      marginMode: "crossed",
    });
    expect(JSON.parse(requests[2].body)).toEqual({ productType: "USDT-FUTURES", posMode: "hedge_mode" });
    expect(JSON.parse(requests[3].body)).toMatchObject({ side: "buy", tradeSide: "close" });
  });

  it("keeps the position mode when setting it fails", async () => {
    const { client } = setup(() => errorEnvelope(400, "40774", "positions exist"));
    await expect(client.setPositionMode("hedge_mode")).rejects.toBeInstanceOf(BitgetError);
    expect(client.positionMode).toBe("one_way_mode");
  });

  it("uses the demo product type and margin coin it was given", async () => {
    const { client, requests } = setup(() => okEnvelope([]), {
      productType: "SUSDT-FUTURES",
      marginCoin: "SUSDT",
      demo: true,
    });
    await client.getPositions();
    expect(requests[0].query).toBe("marginCoin=SUSDT&productType=SUSDT-FUTURES");
    expect(requests[0].headers.paptrading).toBe("1");
  });

  it("pages fills from fills or fill-history", async () => {
    const { client, requests } = setup(() => okEnvelope({ fillList: null, endId: null }));
    expect(await client.getFills({ symbol: "BTCUSDT", limit: 3 })).toEqual({ fills: [], endId: null });
    await client.getFills({ history: true, idLessThan: "99" });
    expect(requests[0].path).toBe("/api/v2/mix/order/fills");
    expect(requests[0].query).toBe("limit=3&productType=USDT-FUTURES&symbol=BTCUSDT");
    expect(requests[1].path).toBe("/api/v2/mix/order/fill-history");
    expect(requests[1].query).toBe("idLessThan=99&productType=USDT-FUTURES");
  });

  it("flash-closes one symbol or everything", async () => {
    const { client, requests } = setup(() =>
      okEnvelope({ successList: [{ orderId: "1", clientOid: "2", symbol: "BTCUSDT" }], failureList: [] }),
    );
    const r = await client.flashClose({ symbol: "BTCUSDT" });
    await client.flashClose();
    expect(r.success).toEqual([{ orderId: "1", clientOid: "2", symbol: "BTCUSDT" }]);
    expect(requests[0].body).toBe('{"symbol":"BTCUSDT","productType":"USDT-FUTURES"}');
    expect(requests[1].body).toBe('{"productType":"USDT-FUTURES"}');
  });

  it("reports a response of the wrong shape as an unknown error naming the field", async () => {
    const { client } = setup(() => okEnvelope({ bids: [], asks: [] }));
    const err = await client.getDepth("BTCUSDT").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BitgetError);
    expect((err as BitgetError).kind).toBe("unknown");
    expect((err as BitgetError).exchangeMessage).toContain("ts");
  });
});

describe("BitgetRestClient secrets", () => {
  it("shows no credential when the client itself is serialised or printed", () => {
    const { client } = setup(() => okEnvelope([]));
    for (const text of [JSON.stringify(client), String(client), Object.keys(client).join(",")]) {
      expect(text).not.toContain(VECTOR_SECRET);
      expect(text).not.toContain('"p"');
    }
  });
});

describe("BitgetRestClient.syncTime", () => {
  it("stores server time minus the round-trip midpoint and stamps later requests with it", async () => {
    const clock = fakeClock(1_000_000);
    const { fetch, requests } = fakeFetch((req) => {
      if (req.path === "/api/v2/public/time") {
        clock.state.t += 40;
        return okEnvelope({ serverTime: String(1_000_000 + 20 + 1500) });
      }
      return okEnvelope([]);
    });
    const client = new BitgetRestClient({
      now: clock.now,
      sleep: clock.sleep,
      random: () => 0.5,
      fetch,
      credentials: { apiKey: "k", apiSecret: "s", passphrase: "p" },
    });
    expect(await client.syncTime()).toBe(1500);
    expect(client.timeOffsetMs).toBe(1500);
    await client.getAccounts();
    expect(requests[1].headers["ACCESS-TIMESTAMP"]).toBe(String(clock.state.t + 1500));
  });
});
