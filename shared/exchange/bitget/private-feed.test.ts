import { describe, expect, it } from "vitest";
import type { PrivateEvent } from "./private-codec";
import { PrivateFeed, type PrivateFeedHealth, type PrivateFeedOptions } from "./private-feed";
import { wsLoginSign } from "./signing";
import { FakePort, type FakeSocket, FakeTime, seeded } from "./testing/fake-socket";

const CREDS = { apiKey: "key-abc", apiSecret: "secret-xyz-123", passphrase: "pass-phrase-9" };

/** Waits (real event-loop turns) until WebCrypto has signed and the feed has sent its login. */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((resolve) => setTimeout(resolve, 1));
  expect(cond()).toBe(true);
}

function harness(options: Partial<PrivateFeedOptions> = {}) {
  const time = new FakeTime();
  const port = new FakePort(time);
  const events: PrivateEvent[][] = [];
  const healths: PrivateFeedHealth[] = [];
  let ready = 0;
  const feed = new PrivateFeed({
    url: "wss://venue.test/v2/ws/private",
    credentials: CREDS,
    socket: port,
    clock: time.clock,
    timers: time.timers,
    random: seeded(7),
    onEvents: (e) => events.push(e),
    onHealth: (h) => healths.push(h),
    onReady: () => ready++,
    ...options,
  });
  const loginOf = (s: FakeSocket) =>
    s.ops("login")[0] as
      | { args: { apiKey: string; passphrase: string; timestamp: string; sign: string }[] }
      | undefined;
  /** Starts (or waits for the next connection) and answers the login and every subscription. */
  const connect = async (s?: FakeSocket): Promise<FakeSocket> => {
    if (!s) {
      feed.start();
      await time.advance(0);
    }
    const socket = s ?? port.last;
    await until(() => loginOf(socket) !== undefined);
    socket.receive({ event: "login", code: 0, msg: "" });
    for (const a of (socket.ops("subscribe")[0]?.args ?? []) as object[])
      socket.receive({ event: "subscribe", arg: a });
    return socket;
  };
  return { time, port, feed, events, healths, connect, loginOf, ready: () => ready };
}

const orderPush = (over: Record<string, unknown> = {}) => ({
  action: "snapshot",
  arg: { instType: "USDT-FUTURES", channel: "orders", instId: "default" },
  data: [
    {
      orderId: "1",
      clientOid: "c1",
      instId: "BTCUSDT",
      side: "buy",
      orderType: "market",
      price: "0",
      size: "0.01",
      status: "filled",
      accBaseVolume: "0.01",
      priceAvg: "100",
      reduceOnly: "no",
      feeDetail: [{ feeCoin: "USDT", fee: "-0.0006" }],
      cTime: "10",
      uTime: "11",
      ...over,
    },
  ],
  ts: 12,
});

describe("PrivateFeed", () => {
  it("logs in with a seconds timestamp signed over GET/user/verify and subscribes nothing before the ack", async () => {
    const h = harness();
    h.feed.start();
    await h.time.advance(0);
    const s = h.port.last;
    await until(() => h.loginOf(s) !== undefined);
    const login = h.loginOf(s)!.args[0];
    expect(login.timestamp).toBe(String(Math.floor(h.time.now / 1000)));
    expect(login).toMatchObject({ apiKey: CREDS.apiKey, passphrase: CREDS.passphrase });
    expect(login.sign).toBe(await wsLoginSign(CREDS.apiSecret, login.timestamp));
    expect(s.ops("subscribe")).toEqual([]);
    expect(h.feed.health().state).toBe("authenticating");
  });

  it("adds the server time offset to the login timestamp", async () => {
    const h = harness({ timeOffsetMs: () => 45_000 });
    h.feed.start();
    await h.time.advance(0);
    await until(() => h.loginOf(h.port.last) !== undefined);
    expect(h.loginOf(h.port.last)!.args[0].timestamp).toBe(String(Math.floor((h.time.now + 45_000) / 1000)));
  });

  it("subscribes the four channels for every symbol after the login ack and is ready once all are acknowledged", async () => {
    const h = harness();
    const s = await h.connect();
    expect(s.ops("subscribe")).toEqual([
      {
        op: "subscribe",
        args: [
          { instType: "USDT-FUTURES", channel: "orders", instId: "default" },
          { instType: "USDT-FUTURES", channel: "fill", instId: "default" },
          { instType: "USDT-FUTURES", channel: "positions", instId: "default" },
          { instType: "USDT-FUTURES", channel: "account", coin: "default" },
        ],
      },
    ]);
    const health = h.feed.health();
    expect(health).toMatchObject({ state: "ready", connected: true, loggedIn: true });
    expect([...health.subscribed].sort()).toEqual(["account", "fill", "orders", "positions"]);
    expect(h.ready()).toBe(1);
  });

  it("decodes pushes into typed events and drops malformed frames without stopping", async () => {
    const h = harness();
    const s = await h.connect();
    s.receive("{not json");
    s.receive(orderPush({ size: "abc" }));
    s.receive(orderPush());
    expect(h.events).toHaveLength(1);
    expect(h.events[0][0]).toMatchObject({
      kind: "order",
      clientOid: "c1",
      status: "filled",
      size: 0.01,
      filledSize: 0.01,
      fee: 0.0006,
    });
    expect(h.feed.health()).toMatchObject({ dropped: 2, state: "ready" });
  });

  it("shows a refused login in health, never throws, keeps secrets out, and retries after the backoff", async () => {
    const h = harness({ backoff: { initialMs: 1000, maxMs: 1000 } });
    h.feed.start();
    await h.time.advance(0);
    const s = h.port.last;
    await until(() => h.loginOf(s) !== undefined);
    expect(() =>
      s.receive({
        event: "error",
        code: 30005,
        msg: `Invalid sign for ${CREDS.apiSecret} / ${CREDS.passphrase}`,
        op: "login",
      }),
    ).not.toThrow();
    const health = h.feed.health();
    expect(health).toMatchObject({
      state: "backoff",
      loggedIn: false,
      loginFailures: 1,
      lastLoginError: { code: "30005" },
    });
    const text = JSON.stringify(h.healths);
    expect(text).not.toContain(CREDS.apiSecret);
    expect(text).not.toContain(CREDS.passphrase);
    expect(s.closed).not.toBeNull();
    expect(s.ops("subscribe")).toEqual([]);
    await h.time.advance(1000);
    expect(h.port.sockets).toHaveLength(2);
    await h.connect(h.port.last);
    expect(h.feed.health()).toMatchObject({ state: "ready", lastLoginError: null, loginFailures: 1 });
  });

  it("reconnects when the login is never answered", async () => {
    const h = harness({ loginTimeoutMs: 3000, backoff: { initialMs: 100, maxMs: 100 } });
    h.feed.start();
    await h.time.advance(0);
    await until(() => h.loginOf(h.port.last) !== undefined);
    await h.time.advance(3000);
    expect(h.feed.health()).toMatchObject({ loginFailures: 1, lastLoginError: { message: "login timeout" } });
    await h.time.advance(100);
    expect(h.port.sockets).toHaveLength(2);
  });

  it("pings on its interval and reconnects, logs in again and resubscribes when a pong is missing", async () => {
    const h = harness({ pingIntervalMs: 5000, pongTimeoutMs: 2000, backoff: { initialMs: 100, maxMs: 100 } });
    const s = await h.connect();
    await h.time.advance(5000);
    expect(s.pings).toBe(1);
    s.receive("pong");
    await h.time.advance(5000);
    expect(s.pings).toBe(2);
    await h.time.advance(2000);
    expect(s.closed).not.toBeNull();
    expect(h.feed.health()).toMatchObject({ state: "backoff", lastDisconnect: "pong timeout" });
    await h.time.advance(100);
    const s2 = await h.connect(h.port.last);
    expect(s2).not.toBe(s);
    expect(s2.ops("subscribe")).toHaveLength(1);
    expect(h.feed.health()).toMatchObject({ state: "ready", reconnects: 1 });
    expect(h.ready()).toBe(2);
  });

  it("reconnects after the server closes the socket", async () => {
    const h = harness({ backoff: { initialMs: 200, maxMs: 200 } });
    const s = await h.connect();
    s.onClose?.(1006, "");
    expect(h.feed.health()).toMatchObject({ state: "backoff", connected: false, loggedIn: false, subscribed: [] });
    await h.time.advance(200);
    await h.connect(h.port.last);
    expect(h.feed.health().state).toBe("ready");
  });

  it("resolves a barrier once the pong of its ping arrives, after earlier pushes", async () => {
    const h = harness();
    const s = await h.connect();
    let done = false;
    const barrier = h.feed.barrier().then(() => (done = true));
    await h.time.advance(0);
    expect(s.pings).toBe(1);
    expect(done).toBe(false);
    s.receive(orderPush());
    s.receive("pong");
    await barrier;
    expect(h.events).toHaveLength(1);
  });

  it("rejects a barrier when the connection drops first", async () => {
    const h = harness();
    const s = await h.connect();
    const barrier = h.feed.barrier();
    s.onClose?.(1006, "");
    await expect(barrier).rejects.toThrow(/connection lost/);
  });

  it("records a throwing handler and keeps delivering", async () => {
    let calls = 0;
    const h = harness({
      onEvents: () => {
        calls++;
        throw new Error("boom");
      },
    });
    const s = await h.connect();
    s.receive(orderPush());
    s.receive(orderPush());
    expect(calls).toBe(2);
    expect(h.feed.health().lastError).toMatchObject({ source: "handler", message: "onEvents threw: boom" });
  });

  it("stops: closes the socket, cancels its timers and ignores late frames", async () => {
    const h = harness();
    const s = await h.connect();
    h.feed.stop();
    expect(s.closed).toMatchObject({ code: 1000 });
    expect(h.time.pending).toBe(0);
    s.receive(orderPush());
    expect(h.events).toEqual([]);
    expect(h.feed.health().state).toBe("stopped");
  });
});
