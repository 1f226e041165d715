import { connect } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { NO_FAULTS } from "./faults";
import { DEFAULT_CREDENTIALS, startVenue, type Venue } from "./server";
import { arg, loginMessage, signedCall, sleep, TestSocket } from "./test-client";

const creds = DEFAULT_CREDENTIALS;
/** A small market buy on the synthetic BTCUSDT (crossed margin, one-way). */
const ORDER = {
  symbol: "BTCUSDT",
  productType: "USDT-FUTURES",
  marginMode: "crossed",
  marginCoin: "USDT",
  side: "buy",
  orderType: "market",
  size: "0.01",
};

describe("fault injection over loopback", () => {
  let venue: Venue;
  const sockets: TestSocket[] = [];
  const admin = async (path: string, body?: object) => {
    const res = await fetch(
      `${venue.urls.admin}${path}`,
      body === undefined ? { method: "POST" } : { method: "POST", body: JSON.stringify(body) },
    );
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const subscribed = async (channels = ["books1", "books15", "trade"]) => {
    const s = await TestSocket.open(venue.urls.wsPublic);
    sockets.push(s);
    await s.subscribe(channels.map((c) => arg(c, "BTCUSDT")));
    return s;
  };
  const time = () => fetch(`${venue.urls.rest}/api/v2/public/time`);

  beforeAll(async () => {
    venue = await startVenue({ synthetic: { symbols: ["BTCUSDT"], seed: 3 }, speed: 10, log: () => {} });
  });
  afterEach(async () => {
    sockets.splice(0).forEach((s) => s.close());
    await admin("/faults", { ...NO_FAULTS });
  });
  afterAll(() => venue.close());

  it("cuts every public and private connection on POST /admin/drop", async () => {
    const pub = await subscribed();
    const priv = await TestSocket.open(venue.urls.wsPrivate);
    sockets.push(priv);
    priv.send(await loginMessage(creds, Math.floor(Date.now() / 1000)));
    await priv.waitFor((f) => f.json?.event === "login");
    const r = await admin("/drop");
    expect(r).toEqual({ status: 200, body: { dropped: 2 } });
    expect(await pub.closed).toBe(1006);
    expect(await priv.closed).toBe(1006);
  });

  it("drops a connection on its next push when drop is 1", async () => {
    const s = await subscribed();
    await admin("/faults", { drop: 1 });
    expect(await s.closed).toBe(1006);
  });

  it("sends every push truncated when malformed is 1", async () => {
    const s = await subscribed();
    await admin("/faults", { malformed: 1 });
    const from = s.frames.length;
    await s.waitFor(() => true, 5000, from + 20);
    const later = s.frames.slice(from + 5, from + 20);
    expect(later.every((f) => f.json === null && f.text.startsWith('{"action"'))).toBe(true);
  });

  it("sends no pushes during a gap of 1 or a stall, yet still answers ping", async () => {
    const s = await subscribed();
    await admin("/faults", { gap: 1 });
    await sleep(50);
    let from = s.frames.length;
    s.send("ping");
    await s.waitFor((f) => f.text === "pong", 5000, from);
    await sleep(200);
    expect(s.frames.slice(from).map((f) => f.text)).toEqual(["pong"]);
    await admin("/faults", { gap: 0, stall: 400 });
    await sleep(50);
    from = s.frames.length;
    await sleep(200);
    expect(s.frames.slice(from)).toEqual([]);
    const resumed = await s.waitFor((f) => f.json?.action !== undefined, 5000, from);
    expect(resumed).toBeDefined();
  });

  it("refuses REST calls with 500 or 429 at rate 1 and serves them again at 0", async () => {
    await admin("/faults", { "rest-5xx": 1 });
    const r5 = await time();
    expect(r5.status).toBe(500);
    expect(((await r5.json()) as { code: string; data: null }).code).toBe("40015");
    await admin("/faults", { "rest-5xx": 0, "rest-429": 1 });
    const r429 = await time();
    expect(r429.status).toBe(429);
    expect(((await r429.json()) as { code: string }).code).toBe("429");
    await admin("/faults", { "rest-429": 0 });
    expect((await time()).status).toBe(200);
  });

  it("never answers a timed-out call but still carries it out", async () => {
    await admin("/faults", { "rest-timeout": 1 });
    const body = JSON.stringify({ symbol: "BTCUSDT", productType: "USDT-FUTURES", marginCoin: "USDT", leverage: "7" });
    const call = signedCall(venue.urls.rest, creds, "POST", "/api/v2/mix/account/set-leverage", { body });
    const outcome = await Promise.race([call.then(() => "answered"), sleep(400).then(() => "silent")]);
    expect(outcome).toBe("silent");
    await admin("/faults", { "rest-timeout": 0 });
    const acct = await signedCall(venue.urls.rest, creds, "GET", "/api/v2/mix/account/account", {
      query: "marginCoin=USDT&productType=USDT-FUTURES&symbol=BTCUSDT",
    });
    expect(acct.body.data).toMatchObject({ crossedMarginLeverage: "7" });
    void call.catch(() => {});
  });

  it("sends every public push twice when duplicate is 1", async () => {
    const s = await subscribed(["trade"]);
    await admin("/faults", { duplicate: 1 });
    await sleep(50);
    const from = s.frames.length;
    await s.waitFor(() => true, 5000, from + 6);
    const pushes = s.frames.slice(from).filter((f) => f.json?.action === "update");
    const first = pushes.findIndex((f, i) => i > 0 && f.text !== pushes[i - 1].text);
    const pairs = pushes.slice(first, first + 4);
    expect(pairs).toHaveLength(4);
    expect(pairs[1].text).toBe(pairs[0].text);
    expect(pairs[3].text).toBe(pairs[2].text);
  });

  it("sends every private push twice when duplicate is 1", async () => {
    const priv = await TestSocket.open(venue.urls.wsPrivate);
    sockets.push(priv);
    priv.send(await loginMessage(creds, Math.floor(Date.now() / 1000)));
    await priv.waitFor((f) => f.json?.event === "login");
    priv.send(
      JSON.stringify({ op: "subscribe", args: [{ instType: "USDT-FUTURES", channel: "orders", instId: "default" }] }),
    );
    await priv.waitFor((f) => f.json?.event === "subscribe");
    await admin("/faults", { duplicate: 1 });
    const from = priv.frames.length;
    const body = JSON.stringify({ ...ORDER, clientOid: "dup-push-1" });
    await signedCall(venue.urls.rest, creds, "POST", "/api/v2/mix/order/place-order", { body });
    await priv.waitFor(() => true, 5000, from + 1);
    const orders = priv.frames.slice(from).filter((f) => f.json?.arg !== undefined);
    expect(orders.length).toBeGreaterThanOrEqual(2);
    expect(orders.length % 2).toBe(0);
    expect(orders[1].text).toBe(orders[0].text);
  });

  it("fires the exchange-side stop of an open position on POST /admin/fire-stops", async () => {
    const open = JSON.stringify({ ...ORDER, clientOid: "stop-fire-1", presetStopLossPrice: "1" });
    expect(
      (await signedCall(venue.urls.rest, creds, "POST", "/api/v2/mix/order/place-order", { body: open })).status,
    ).toBe(200);
    expect(venue.core.positionRecords(creds.apiKey)).toHaveLength(1);
    expect((await admin("/fire-stops", { symbol: "ETHUSDT" })).status).toBe(400);
    expect(await admin("/fire-stops", { symbol: "BTCUSDT" })).toEqual({ status: 200, body: { fired: 1 } });
    expect(venue.core.positionRecords(creds.apiKey)).toEqual([]);
  });

  it("reports the settings on GET /admin/faults and refuses a bad one", async () => {
    await admin("/faults", { gap: 0.25, seed: 4 });
    const res = await fetch(`${venue.urls.admin}/faults`);
    expect(await res.json()).toEqual({ ...NO_FAULTS, gap: 0.25, seed: 4 });
    expect((await admin("/faults", { gap: 3 })).status).toBe(400);
  });

  it("answers a WebSocket upgrade on an unknown path with 404", async () => {
    const url = venue.urls.wsPublic.replace("/v2/ws/public", "/v2/ws/elsewhere");
    await expect(TestSocket.open(url)).rejects.toThrow(/404/);
  });
});

describe("startVenue", () => {
  it("refuses to start without a market or with two", async () => {
    await expect(startVenue({ log: () => {} })).rejects.toThrow(/exactly one market/);
    await expect(
      startVenue({ recordings: ["x"], synthetic: { symbols: ["BTCUSDT"], seed: 1 }, log: () => {} }),
    ).rejects.toThrow(/exactly one market/);
  });

  it("accepts the credentials it is given and no others", async () => {
    const mine = { apiKey: "k1", apiSecret: "s1", passphrase: "p1" };
    const venue = await startVenue({ synthetic: { symbols: ["BTCUSDT"], seed: 1 }, credentials: mine, log: () => {} });
    try {
      const q = { query: "productType=USDT-FUTURES" };
      expect((await signedCall(venue.urls.rest, mine, "GET", "/api/v2/mix/account/accounts", q)).status).toBe(200);
      expect((await signedCall(venue.urls.rest, creds, "GET", "/api/v2/mix/account/accounts", q)).body.code).toBe(
        "40006",
      );
    } finally {
      await venue.close();
    }
  });

  it("survives clients that reset their connections mid-request and mid-upgrade, and keeps answering", async () => {
    const lines: string[] = [];
    const venue = await startVenue({ synthetic: { symbols: ["BTCUSDT"], seed: 1 }, log: (l) => lines.push(l) });
    try {
      const { port } = new URL(venue.urls.rest);
      const heads = [
        "GET /nowhere HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
        "GET /v2/ws/public HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
        "POST /api/v2/mix/order/place-order HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{",
      ];
      for (let round = 0; round < 30; round++)
        for (const head of heads)
          await new Promise<void>((done) => {
            const s = connect(Number(port), "127.0.0.1", () => {
              s.write(head);
              setImmediate(() => {
                s.resetAndDestroy();
                done();
              });
            });
            s.on("error", () => done());
          });
      await sleep(100);
      const time = await fetch(`${venue.urls.rest}/api/v2/public/time`);
      expect(time.status).toBe(200);
    } finally {
      await venue.close();
    }
  });

  it("closes its port", async () => {
    const venue = await startVenue({ synthetic: { symbols: ["BTCUSDT"], seed: 1 }, log: () => {} });
    await venue.close();
    await expect(fetch(`${venue.urls.rest}/api/v2/public/time`)).rejects.toThrow();
  });
});

describe("latency probes", () => {
  it("stamps each market push handed to the feeds and each place-order arrival, V2 and v3", async () => {
    const pushes: { channel: string; at: number }[] = [];
    const orders: { path: string; at: number }[] = [];
    const uta = { apiKey: "uta-k", apiSecret: "uta-s", passphrase: "uta-p" };
    const venue = await startVenue({
      manual: { instruments: [{ symbol: "BTCUSDT", tickSize: 0.1, sizeStep: 0.001, minSize: 0.001, minNotional: 5 }] },
      keys: [
        { credentials: creds, accountMode: "classic" },
        { credentials: uta, accountMode: "uta" },
      ],
      probes: { onPushSent: (e) => pushes.push(e), onOrderReceived: (e) => orders.push(e) },
      log: () => {},
    });
    try {
      venue.inject([
        {
          action: "update",
          arg: { instType: "USDT-FUTURES", channel: "trade", instId: "BTCUSDT" },
          data: [{ ts: "1700000000000", price: "1000", size: "1", side: "buy", tradeId: "1" }],
          ts: 1_700_000_000_000,
        },
      ]);
      expect(pushes).toEqual([{ channel: "trade", symbol: "BTCUSDT", ts: 1_700_000_000_000, at: expect.any(Number) }]);
      const body = JSON.stringify({
        category: "USDT-FUTURES",
        symbol: "BTCUSDT",
        side: "buy",
        orderType: "market",
        qty: "0.01",
      });
      await signedCall(venue.urls.rest, uta, "POST", "/api/v3/trade/place-order", { body });
      await signedCall(venue.urls.rest, creds, "POST", "/api/v2/mix/order/place-order", { body: "{}" });
      await signedCall(venue.urls.rest, creds, "GET", "/api/v2/mix/order/orders-pending", {
        query: "productType=USDT-FUTURES",
      });
      expect(orders.map((o) => o.path)).toEqual(["/api/v3/trade/place-order", "/api/v2/mix/order/place-order"]);
      expect(orders[0].at).toBeGreaterThan(pushes[0].at);
    } finally {
      await venue.close();
    }
  });
});
