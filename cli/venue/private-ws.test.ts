import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CREDENTIALS, startVenue, type Venue } from "./server";
import { loginMessage, signedCall, sleep, TestSocket } from "./test-client";

const creds = DEFAULT_CREDENTIALS;
const nowS = () => Math.floor(Date.now() / 1000);
const priv = (channel: string, key: "instId" | "coin" = "instId") => ({
  instType: "USDT-FUTURES",
  channel,
  [key]: "default",
});

describe("private WebSocket over loopback", () => {
  let venue: Venue;
  const sockets: TestSocket[] = [];
  const open = async () => {
    const s = await TestSocket.open(venue.urls.wsPrivate);
    sockets.push(s);
    return s;
  };
  const login = async (s: TestSocket, msg: object) => {
    const from = s.frames.length;
    s.send(msg);
    return s.waitFor((f) => f.json?.event === "login" || f.json?.event === "error", 5000, from);
  };

  beforeAll(async () => {
    venue = await startVenue({ synthetic: { symbols: ["BTCUSDT", "ETHUSDT"], seed: 2 }, speed: 10, log: () => {} });
    for (let i = 0; i < 100 && !venue.core.ticker("BTCUSDT").ok; i++) await sleep(20);
    await sleep(200);
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await venue.close();
  });

  it("logs in with a good signature and pushes the key's orders, fills, positions and account", async () => {
    const s = await open();
    expect((await login(s, await loginMessage(creds, nowS()))).json).toEqual({ event: "login", code: 0, msg: "" });
    await s.subscribe([priv("orders"), priv("fill"), priv("positions"), priv("account", "coin")]);
    const account = await s.waitFor(
      (f) => f.json?.action === "snapshot" && (f.json.arg as { channel: string }).channel === "account",
    );
    expect((account.json!.data as { marginCoin: string; equity: string }[])[0]).toMatchObject({
      marginCoin: "USDT",
      equity: "10000",
    });
    const from = s.frames.length;
    const body = JSON.stringify({
      symbol: "BTCUSDT",
      productType: "USDT-FUTURES",
      marginMode: "crossed",
      marginCoin: "USDT",
      size: "0.001",
      side: "buy",
      orderType: "market",
      clientOid: "venue-test-ws-1",
    });
    const placed = await signedCall(venue.urls.rest, creds, "POST", "/api/v2/mix/order/place-order", { body });
    expect(placed.body.code).toBe("00000");
    const orderId = (placed.body.data as { orderId: string }).orderId;
    const channelOf = (f: { json: Record<string, unknown> | null }) =>
      (f.json?.arg as { channel?: string } | undefined)?.channel;
    const filled = await s.waitFor(
      (f) => channelOf(f) === "orders" && (f.json!.data as { status: string }[])[0].status === "filled",
      5000,
      from,
    );
    expect((filled.json!.data as { orderId: string; clientOid: string }[])[0]).toMatchObject({
      orderId,
      clientOid: "venue-test-ws-1",
    });
    expect(filled.json!.arg).toEqual(priv("orders"));
    const fill = await s.waitFor((f) => channelOf(f) === "fill", 5000, from);
    expect((fill.json!.data as { orderId: string; tradeScope: string }[])[0]).toMatchObject({
      orderId,
      tradeScope: "taker",
    });
    const positions = await s.waitFor(
      (f) => channelOf(f) === "positions" && (f.json!.data as unknown[]).length > 0,
      5000,
      from,
    );
    expect((positions.json!.data as { instId: string; holdSide: string }[])[0]).toMatchObject({
      instId: "BTCUSDT",
      holdSide: "long",
    });
    expect(typeof fill.json!.ts).toBe("number");
  });

  it("refuses a bad signature with 30005 and closes the socket", async () => {
    const s = await open();
    const reply = await login(s, await loginMessage(creds, nowS(), "not-the-secret"));
    expect(reply.json).toMatchObject({ event: "error", code: 30005 });
    expect(await s.closed).toBe(1008);
  });

  it("refuses a stale timestamp and a wrong passphrase", async () => {
    const stale = await open();
    expect((await login(stale, await loginMessage(creds, nowS() - 60))).json).toMatchObject({
      event: "error",
      code: 30005,
      msg: "Request timestamp expired",
    });
    const wrong = await open();
    expect((await login(wrong, await loginMessage({ ...creds, passphrase: "nope" }, nowS()))).json).toMatchObject({
      event: "error",
      code: 30005,
    });
    expect(JSON.stringify(wrong.frames)).not.toContain(creds.apiSecret);
  });

  it("refuses a subscription before login with 30004", async () => {
    const s = await open();
    s.send({ op: "subscribe", args: [priv("orders")] });
    const e = await s.waitFor((f) => f.json?.event === "error");
    expect(e.json).toMatchObject({ code: 30004, arg: priv("orders") });
  });

  it("answers ping before and after login, and 30001 for an unknown private channel", async () => {
    const s = await open();
    s.send("ping");
    await s.waitFor((f) => f.text === "pong");
    await login(s, await loginMessage(creds, nowS()));
    s.send({ op: "subscribe", args: [priv("orders-algo")] });
    expect((await s.waitFor((f) => f.json?.event === "error")).json?.code).toBe(30001);
  });
});
