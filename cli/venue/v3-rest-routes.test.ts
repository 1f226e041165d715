import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { BitgetCredentials } from "../../shared/exchange/bitget/rest-transport";
import { NO_FAULTS } from "./faults";
import { startVenue, type Venue } from "./server";
import { signedCall } from "./test-client";

const BTC = { symbol: "BTCUSDT", tickSize: 0.1, sizeStep: 0.001, minSize: 0.001, minNotional: 5 };
const T0 = 1_700_000_000_000;
const UTA: BitgetCredentials = { apiKey: "uta-key", apiSecret: "uta-secret", passphrase: "uta-pass" };
/** A second UTA key: its own account and its own place-order rate window (10/s). */
const UTA2: BitgetCredentials = { apiKey: "uta-key-2", apiSecret: "uta-secret-2", passphrase: "uta-pass-2" };
const CLASSIC: BitgetCredentials = { apiKey: "classic-key", apiSecret: "classic-secret", passphrase: "classic-pass" };

const books15 = (ts: number, bid: string, ask: string) => ({
  action: "snapshot",
  arg: { instType: "USDT-FUTURES", channel: "books15", instId: "BTCUSDT" },
  data: [{ asks: [[ask, "1.000"]], bids: [[bid, "2.000"]], checksum: 0, seq: String(ts - T0 + 1), ts: String(ts) }],
  ts,
});
const trade = (ts: number, price: string, side = "buy") => ({
  action: "update",
  arg: { instType: "USDT-FUTURES", channel: "trade", instId: "BTCUSDT" },
  data: [{ ts: String(ts), price, size: "5.000", side, tradeId: `t${ts}` }],
  ts,
});

describe("v3 (UTA) REST over loopback", () => {
  let venue: Venue;
  let clock = T0;
  const v3 = (method: "GET" | "POST", path: string, params: Record<string, unknown> = {}, c = UTA) =>
    method === "GET"
      ? signedCall(venue.urls.rest, c, "GET", `/api/v3/${path}`, {
          query: new URLSearchParams(params as Record<string, string>).toString(),
        })
      : signedCall(venue.urls.rest, c, "POST", `/api/v3/${path}`, { body: JSON.stringify(params) });
  const place = (body: Record<string, unknown>, c = UTA) =>
    v3("POST", "trade/place-order", { category: "USDT-FUTURES", symbol: "BTCUSDT", ...body }, c);
  const play = (...pushes: object[]) => venue.inject(pushes);

  beforeAll(async () => {
    venue = await startVenue({
      manual: { instruments: [BTC] },
      keys: [
        { credentials: UTA, accountMode: "uta" },
        { credentials: UTA2, accountMode: "uta" },
        { credentials: CLASSIC, accountMode: "classic" },
      ],
      log: () => {},
    });
    play(books15(clock, "1000.0", "1000.1"), trade(++clock, "1000.1"));
  });
  afterEach(() => venue.faults.apply({ ...NO_FAULTS }));
  afterAll(() => venue.close());

  it("tells the account mode from the key: settings answer a UTA key and refuse a Classic one with 40084", async () => {
    const uta = await v3("GET", "account/settings");
    expect(uta.status).toBe(200);
    expect(uta.body).toMatchObject({ code: "00000", data: { accountMode: "unified", holdMode: "one_way_mode" } });
    expect((uta.body.data as { symbolConfigList: unknown[] }).symbolConfigList).toEqual([
      { category: "USDT-FUTURES", symbol: "BTCUSDT", marginMode: "crossed", leverage: "20" },
    ]);
    const classic = await v3("GET", "account/settings", {}, CLASSIC);
    expect(classic.status).toBe(400);
    expect(classic.body).toMatchObject({ code: "40084", data: null });
    expect(classic.body.msg).toMatch(/Classic Account mode/);
  });

  it("refuses a UTA key on V2 private endpoints with 40085 and serves the Classic key there", async () => {
    const q = { query: "productType=USDT-FUTURES&marginCoin=USDT" };
    const uta = await signedCall(venue.urls.rest, UTA, "GET", "/api/v2/mix/position/all-position", q);
    expect(uta.status).toBe(400);
    expect(uta.body).toMatchObject({ code: "40085" });
    expect(uta.body.msg).toMatch(/Unified Account mode/);
    const classic = await signedCall(venue.urls.rest, CLASSIC, "GET", "/api/v2/mix/position/all-position", q);
    expect(classic.body).toMatchObject({ code: "00000", data: [] });
  });

  it("refuses a bad signature, an unknown key and a stale timestamp before any family check", async () => {
    const bad = await signedCall(venue.urls.rest, UTA, "GET", "/api/v3/account/assets", { secret: "wrong" });
    expect(bad.body).toMatchObject({ code: "40009" });
    const unknown = await signedCall(venue.urls.rest, UTA, "GET", "/api/v3/account/assets", { apiKey: "nobody" });
    expect(unknown.body).toMatchObject({ code: "40006" });
    const stale = await signedCall(venue.urls.rest, UTA, "GET", "/api/v3/account/assets", {
      timestamp: String(Date.now() - 60_000),
    });
    expect(stale.body).toMatchObject({ code: "40008" });
    const signedOtherQuery = await signedCall(venue.urls.rest, UTA, "GET", "/api/v3/trade/unfilled-orders", {
      query: "category=USDT-FUTURES",
      signedQuery: "category=USDT-FUTURES&symbol=BTCUSDT",
    });
    expect(signedOtherQuery.body).toMatchObject({ code: "40009" });
  });

  it("lists instruments with the v3 rule fields and nothing for another category", async () => {
    const res = await fetch(`${venue.urls.rest}/api/v3/market/instruments?category=USDT-FUTURES`);
    const body = (await res.json()) as { data: Record<string, unknown>[] };
    expect(body.data).toHaveLength(1);
    expect(body.data[0]).toMatchObject({
      symbol: "BTCUSDT",
      category: "USDT-FUTURES",
      priceMultiplier: "0.1",
      pricePrecision: "1",
      quantityMultiplier: "0.001",
      quantityPrecision: "3",
      minOrderQty: "0.001",
      minOrderAmount: "5",
      type: "perpetual",
      status: "online",
    });
    const spot = (await (await fetch(`${venue.urls.rest}/api/v3/market/instruments?category=SPOT`)).json()) as {
      data: unknown[];
    };
    expect(spot.data).toEqual([]);
  });

  it("serves the book as a/b, recent trades with execId, and tickers with v3 names", async () => {
    const get = async (path: string) =>
      ((await (await fetch(`${venue.urls.rest}/api/v3/market/${path}`)).json()) as { data: unknown }).data;
    expect(await get("orderbook?category=USDT-FUTURES&symbol=BTCUSDT&limit=5")).toMatchObject({
      a: [["1000.1", "1"]],
      b: [["1000", "2"]],
    });
    const trades = (await get("fills?category=USDT-FUTURES&symbol=BTCUSDT")) as Record<string, unknown>[];
    expect(trades[0]).toMatchObject({ execId: `t${T0 + 1}`, price: "1000.1", size: "5", side: "buy" });
    const [ticker] = (await get("tickers?category=USDT-FUTURES&symbol=BTCUSDT")) as Record<string, unknown>[];
    expect(ticker).toMatchObject({ symbol: "BTCUSDT", lastPrice: "1000.1", bid1Price: "1000", ask1Price: "1000.1" });
  });

  it("places a market order, finds it by clientOid, reports the fill by execId, the position and the assets", async () => {
    const placed = await place({ side: "buy", orderType: "market", qty: "0.01", clientOid: "m-1" });
    expect(placed.body).toMatchObject({ code: "00000", data: { clientOid: "m-1" } });
    const info = await v3("GET", "trade/order-info", { clientOid: "m-1" });
    expect(info.body.data).toMatchObject({
      orderId: (placed.body.data as { orderId: string }).orderId,
      orderStatus: "filled",
      qty: "0.01",
      cumExecQty: "0.01",
      avgPrice: "1000.1",
      side: "buy",
      reduceOnly: "NO",
      category: "USDT-FUTURES",
    });
    const fills = await v3("GET", "trade/fills", { category: "USDT-FUTURES" });
    const [fill] = (fills.body.data as { list: Record<string, unknown>[] }).list;
    expect(fill).toMatchObject({ clientOid: "m-1", execPrice: "1000.1", execQty: "0.01", tradeScope: "taker" });
    expect(fill.execId).toMatch(/^\d+$/);
    expect(fill.feeDetail).toEqual([{ feeCoin: "USDT", fee: "0.0060006" }]);
    const pos = await v3("GET", "position/current-position", { category: "USDT-FUTURES", symbol: "BTCUSDT" });
    expect((pos.body.data as { list: unknown[] }).list).toEqual([
      expect.objectContaining({ posSide: "long", total: "0.01", avgPrice: "1000.1", holdMode: "one_way_mode" }),
    ]);
    const assets = await v3("GET", "account/assets");
    expect(assets.body.data).toMatchObject({
      assets: [expect.objectContaining({ coin: "USDT", balance: "9999.9939994" })],
    });
    const closed = await place({ side: "sell", orderType: "market", qty: "0.01", reduceOnly: "yes", clientOid: "m-2" });
    expect(closed.body.code).toBe("00000");
    const after = await v3("GET", "position/current-position", { category: "USDT-FUTURES" });
    expect((after.body.data as { list: unknown[] }).list).toEqual([]);
  });

  it("pages fills with the cursor (newest first; the next page holds the older ones) and refuses a cursor it never issued", async () => {
    const page = async (params: Record<string, string>) => {
      const r = await v3("GET", "trade/fills", { category: "USDT-FUTURES", ...params });
      return r.body.data as { list: { execId: string }[]; cursor: string };
    };
    const all = await page({});
    expect(all.list.length).toBeGreaterThan(1);
    const first = await page({ limit: "1" });
    expect(first.list.map((f) => f.execId)).toEqual([all.list[0].execId]);
    const second = await page({ limit: "1", cursor: first.cursor });
    expect(second.list.map((f) => f.execId)).toEqual([all.list[1].execId]);
    expect(await page({ cursor: all.list[all.list.length - 1].execId })).toEqual({ list: [], cursor: "" });
    const bad = await v3("GET", "trade/fills", { category: "USDT-FUTURES", cursor: "abc" });
    expect(bad.body).toMatchObject({ code: "40020" });
  });

  it("accepts a crossing post-only order and cancels it with post_only_fill_cancel", async () => {
    const r = await place({
      side: "buy",
      orderType: "limit",
      price: "1000.1",
      qty: "0.01",
      timeInForce: "post_only",
      clientOid: "po-1",
    });
    expect(r.body).toMatchObject({ code: "00000", data: { clientOid: "po-1" } });
    const info = await v3("GET", "trade/order-info", { clientOid: "po-1" });
    expect(info.body.data).toMatchObject({
      orderStatus: "cancelled",
      cancelReason: "post_only_fill_cancel",
      cumExecQty: "0",
    });
  });

  it("rests a limit order, lists it, refuses its clientOid while pending, cancels it by clientOid, then reuses the id", async () => {
    const r = await place({
      side: "buy",
      orderType: "limit",
      price: "990",
      qty: "0.01",
      timeInForce: "gtc",
      clientOid: "rest-1",
    });
    expect(r.body.code).toBe("00000");
    const open = await v3("GET", "trade/unfilled-orders", { category: "USDT-FUTURES" });
    expect((open.body.data as { list: unknown[] }).list).toEqual([
      expect.objectContaining({ clientOid: "rest-1", orderStatus: "live", price: "990", qty: "0.01" }),
    ]);
    const dup = await place({ side: "buy", orderType: "limit", price: "990", qty: "0.01", clientOid: "rest-1" });
    expect(dup.body).toMatchObject({ code: "25212" });
    const cancelled = await v3("POST", "trade/cancel-order", { clientOid: "rest-1" });
    expect(cancelled.body).toMatchObject({ code: "00000", data: { clientOid: "rest-1" } });
    const again = await place({ side: "buy", orderType: "limit", price: "990", qty: "0.01", clientOid: "rest-1" });
    expect(again.body.code).toBe("00000");
    expect(((await v3("POST", "trade/cancel-order", { clientOid: "rest-1" })).body as { code: string }).code).toBe(
      "00000",
    );
    const gone = await v3("GET", "trade/order-info", { clientOid: "never-placed" });
    expect(gone.body).toMatchObject({ code: "25204" });
  });

  it("answers v3 codes for rule breaks and V2 fields", async () => {
    expect((await place({ side: "buy", orderType: "limit", price: "990.05", qty: "0.01" })).body.code).toBe("25244");
    expect((await place({ side: "buy", orderType: "market", qty: "0.0105" })).body.code).toBe("25610");
    expect((await place({ side: "sell", orderType: "market", qty: "0.01", reduceOnly: "yes" })).body.code).toBe(
      "25227",
    );
    expect((await place({ side: "buy", orderType: "market", qty: "0.01", tradeSide: "open" })).body.code).toBe("25236");
    expect((await place({ side: "buy", orderType: "market", qty: "0.01", clientOid: "x".repeat(33) })).body.code).toBe(
      "40020",
    );
    expect(
      (await v3("POST", "trade/place-order", { symbol: "BTCUSDT", side: "buy", orderType: "market", qty: "0.01" })).body
        .code,
    ).toBe("40019");
  });

  it("sets leverage, keeps one-way hold mode and refuses hedge mode with 25010, reports the fee rate", async () => {
    const lev = await v3("POST", "account/set-leverage", {
      category: "USDT-FUTURES",
      symbol: "BTCUSDT",
      leverage: "7",
      coin: "USDT",
    });
    expect(lev.body).toMatchObject({ code: "00000", data: "success" });
    const settings = await v3("GET", "account/settings");
    expect((settings.body.data as { symbolConfigList: { leverage: string }[] }).symbolConfigList[0].leverage).toBe("7");
    expect((await v3("POST", "account/set-hold-mode", { holdMode: "one_way_mode" })).body.data).toBe("success");
    expect((await v3("POST", "account/set-hold-mode", { holdMode: "hedge_mode" })).body.code).toBe("25010");
    const fee = await v3("GET", "account/fee-rate", { category: "USDT-FUTURES", symbol: "BTCUSDT" });
    expect(fee.body.data).toEqual({ makerFeeRate: "0.0002", takerFeeRate: "0.0006" });
  });

  it("applies REST faults to v3: a 429 is refused unprocessed, a timed-out placement is processed and found by clientOid", async () => {
    venue.faults.apply({ "rest-429": 1 });
    const limited = await place({ side: "buy", orderType: "limit", price: "980", qty: "0.01", clientOid: "f-429" });
    expect(limited).toMatchObject({ status: 429, body: { code: "429" } });
    venue.faults.apply({ "rest-429": 0, "rest-timeout": 1 });
    const hung = place({ side: "buy", orderType: "limit", price: "980", qty: "0.01", clientOid: "f-timeout" }).then(
      () => "answered",
      () => "cut",
    );
    const outcome = await Promise.race([hung, new Promise((r) => setTimeout(() => r("silent"), 300))]);
    expect(outcome).toBe("silent");
    venue.faults.apply({ "rest-timeout": 0 });
    const found = await v3("GET", "trade/order-info", { clientOid: "f-timeout" });
    expect(found.body.data).toMatchObject({ clientOid: "f-timeout", orderStatus: "live" });
    expect((await v3("GET", "trade/order-info", { clientOid: "f-429" })).body.code).toBe("25204");
    await v3("POST", "trade/cancel-order", { clientOid: "f-timeout" });
  });

  it("fills a resting maker order when a trade prints through it", async () => {
    const placed = await place(
      {
        side: "sell",
        orderType: "limit",
        price: "1000.5",
        qty: "0.02",
        timeInForce: "post_only",
        clientOid: "mk-1",
      },
      UTA2,
    );
    expect(placed.body).toMatchObject({ code: "00000" });
    play(trade(++clock, "1000.6", "buy"));
    const info = await v3("GET", "trade/order-info", { clientOid: "mk-1" }, UTA2);
    expect(info.body.data).toMatchObject({ orderStatus: "filled", cumExecQty: "0.02", avgPrice: "1000.5" });
    const fills = await v3(
      "GET",
      "trade/fills",
      {
        category: "USDT-FUTURES",
        orderId: (info.body.data as { orderId: string }).orderId,
      },
      UTA2,
    );
    expect((fills.body.data as { list: { tradeScope: string }[] }).list.map((f) => f.tradeScope)).toEqual(["maker"]);
    const closed = await place({ side: "buy", orderType: "market", qty: "0.02", reduceOnly: "yes" }, UTA2);
    expect(closed.body.code).toBe("00000");
  });
});
