import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { BitgetCredentials } from "../../shared/exchange/bitget/rest-transport";
import { NO_FAULTS } from "./faults";
import { startVenue, type Venue } from "./server";
import { loginMessage, signedCall, sleep, TestSocket } from "./test-client";

const BTC = { symbol: "BTCUSDT", tickSize: 0.1, sizeStep: 0.001, minSize: 0.001, minNotional: 5 };
const T0 = 1_700_000_000_000;
const UTA: BitgetCredentials = { apiKey: "uta-key", apiSecret: "uta-secret", passphrase: "uta-pass" };
const CLASSIC: BitgetCredentials = { apiKey: "classic-key", apiSecret: "classic-secret", passphrase: "classic-pass" };
const TOPICS = ["order", "fill", "position", "account"].map((topic) => ({ instType: "UTA", topic }));

describe("v3 (UTA) private WebSocket over loopback", () => {
  let venue: Venue;
  const sockets: TestSocket[] = [];
  const open = async (url = venue.urls.wsPrivateV3) => {
    const s = await TestSocket.open(url);
    sockets.push(s);
    return s;
  };
  const loggedIn = async (c = UTA) => {
    const s = await open();
    s.send(await loginMessage(c, Math.floor(Date.now() / 1000)));
    await s.waitFor((f) => f.json?.event === "login");
    return s;
  };
  const place = (body: Record<string, unknown>) =>
    signedCall(venue.urls.rest, UTA, "POST", "/api/v3/trade/place-order", {
      body: JSON.stringify({ category: "USDT-FUTURES", symbol: "BTCUSDT", ...body }),
    });
  const pushes = (s: TestSocket, topic: string, from = 0) =>
    s.frames
      .slice(from)
      .filter((f) => (f.json?.arg as { topic?: string } | undefined)?.topic === topic && f.json?.data);

  beforeAll(async () => {
    venue = await startVenue({
      manual: { instruments: [BTC] },
      keys: [
        { credentials: UTA, accountMode: "uta" },
        { credentials: CLASSIC, accountMode: "classic" },
      ],
      log: () => {},
    });
    venue.inject([
      {
        action: "snapshot",
        arg: { instType: "USDT-FUTURES", channel: "books15", instId: "BTCUSDT" },
        data: [{ asks: [["1000.1", "1.000"]], bids: [["1000.0", "2.000"]], checksum: 0, seq: "1", ts: String(T0) }],
        ts: T0,
      },
    ]);
  });
  afterEach(() => {
    sockets.splice(0).forEach((s) => s.close());
    venue.faults.apply({ ...NO_FAULTS });
  });
  afterAll(() => venue.close());

  it("logs a UTA key in and answers text ping with pong", async () => {
    const s = await loggedIn();
    expect(s.frames[0].json).toEqual({ event: "login", code: 0, msg: "" });
    s.send("ping");
    expect((await s.waitFor((f) => f.text === "pong")).text).toBe("pong");
  });

  it("refuses a Classic key on v3 with 40084 and a UTA key on V2 with 40085, then closes", async () => {
    const v3 = await open();
    v3.send(await loginMessage(CLASSIC, Math.floor(Date.now() / 1000)));
    expect((await v3.waitFor((f) => f.json?.event === "error")).json).toMatchObject({ code: 40084, op: "login" });
    expect(await v3.closed).toBe(1008);
    const v2 = await open(venue.urls.wsPrivate);
    v2.send(await loginMessage(UTA, Math.floor(Date.now() / 1000)));
    expect((await v2.waitFor((f) => f.json?.event === "error")).json).toMatchObject({ code: 40085, op: "login" });
    expect(await v2.closed).toBe(1008);
  });

  it("refuses a login signed with the wrong secret (30005)", async () => {
    const s = await open();
    s.send(await loginMessage(UTA, Math.floor(Date.now() / 1000), "not-the-secret"));
    expect((await s.waitFor((f) => f.json?.event === "error")).json).toMatchObject({
      code: 30005,
      msg: "Invalid sign",
    });
    expect(await s.closed).toBe(1008);
  });

  it("refuses subscriptions before login (30004) and unknown topics (30001)", async () => {
    const s = await open();
    s.send({ op: "subscribe", args: [TOPICS[0]] });
    expect((await s.waitFor((f) => f.json?.event === "error")).json).toMatchObject({ code: 30004 });
    s.send(await loginMessage(UTA, Math.floor(Date.now() / 1000)));
    await s.waitFor((f) => f.json?.event === "login");
    const from = s.frames.length;
    s.send({ op: "subscribe", args: [{ instType: "UTA", topic: "orders" }] });
    expect((await s.waitFor((f) => f.json?.event === "error", 5000, from)).json).toMatchObject({ code: 30001 });
  });

  it("pushes nothing on order/fill subscribe, snapshots position/account, then order and fill pushes with execId", async () => {
    const s = await loggedIn();
    await s.subscribe(TOPICS);
    await s.waitFor((f) => (f.json?.arg as { topic?: string })?.topic === "account" && !!f.json?.data);
    await sleep(100);
    expect(pushes(s, "order")).toEqual([]);
    expect(pushes(s, "fill")).toEqual([]);
    expect(pushes(s, "position")[0].json).toMatchObject({ action: "snapshot", data: [] });
    expect((pushes(s, "account")[0].json?.data as Record<string, unknown>[])[0]).toMatchObject({
      totalEquity: "10000",
      coin: [expect.objectContaining({ coin: "USDT", balance: "10000" })],
    });
    const from = s.frames.length;
    const placed = await place({ side: "buy", orderType: "market", qty: "0.01", clientOid: "ws-m1" });
    expect(placed.body.code).toBe("00000");
    const fill = await s.waitFor((f) => (f.json?.arg as { topic?: string })?.topic === "fill", 5000, from);
    expect(fill.json).toMatchObject({ action: "update", arg: { instType: "UTA", topic: "fill" } });
    expect((fill.json?.data as Record<string, unknown>[])[0]).toMatchObject({
      clientOid: "ws-m1",
      execPrice: "1000.1",
      execQty: "0.01",
      category: "USDT-FUTURES",
      feeDetail: [{ feeCoin: "USDT", fee: "0.0060006" }],
    });
    const filled = await s.waitFor(
      (f) => (f.json?.data as { orderStatus?: string }[] | undefined)?.[0]?.orderStatus === "filled",
      5000,
      from,
    );
    expect((filled.json?.data as Record<string, unknown>[])[0]).toMatchObject({
      clientOid: "ws-m1",
      cumExecQty: "0.01",
      reduceOnly: "no",
      holdSide: "net",
    });
    const pos = await s.waitFor(
      (f) => (f.json?.arg as { topic?: string })?.topic === "position" && (f.json?.data as unknown[]).length === 1,
      5000,
      from,
    );
    expect((pos.json?.data as Record<string, unknown>[])[0]).toMatchObject({ posSide: "long", size: "0.01" });
    const closed = await place({ side: "sell", orderType: "market", qty: "0.01", reduceOnly: "yes" });
    expect(closed.body.code).toBe("00000");
  });

  it("pushes a crossing post-only order as accepted and then cancelled with post_only_fill_cancel", async () => {
    const s = await loggedIn();
    await s.subscribe([TOPICS[0]]);
    const from = s.frames.length;
    const placed = await place({
      side: "sell",
      orderType: "limit",
      price: "1000",
      qty: "0.01",
      timeInForce: "post_only",
      clientOid: "ws-po",
    });
    expect(placed.body.code).toBe("00000");
    const done = await s.waitFor(
      (f) => (f.json?.data as { orderStatus?: string }[] | undefined)?.[0]?.orderStatus === "cancelled",
      5000,
      from,
    );
    expect((done.json?.data as Record<string, unknown>[])[0]).toMatchObject({
      clientOid: "ws-po",
      cancelReason: "post_only_fill_cancel",
      cumExecQty: "0",
    });
    expect(pushes(s, "fill", from)).toEqual([]);
  });

  it("cuts the connection on its next push when the drop fault is 1", async () => {
    const s = await loggedIn();
    await s.subscribe([TOPICS[0]]);
    venue.faults.apply({ drop: 1 });
    await place({ side: "buy", orderType: "limit", price: "990", qty: "0.01", clientOid: "ws-drop" });
    expect(await s.closed).toBe(1006);
    venue.faults.apply({ drop: 0 });
    await signedCall(venue.urls.rest, UTA, "POST", "/api/v3/trade/cancel-order", {
      body: JSON.stringify({ clientOid: "ws-drop" }),
    });
  });
});
