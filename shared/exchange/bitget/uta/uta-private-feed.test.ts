import { describe, expect, it } from "vitest";
import type { PrivateEvent } from "../private-codec";
import { PrivateFeed } from "../private-feed";
import { wsLoginSign } from "../signing";
import { FakePort, FakeTime, seeded } from "../testing/fake-socket";
import { fillShape, utaPush } from "./testing/uta-shapes";
import { UTA_PRIVATE_DIALECT } from "./uta-private-codec";

const CREDS = { apiKey: "uta-key", apiSecret: "uta-secret-123", passphrase: "uta-pass" };

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((resolve) => setTimeout(resolve, 1));
  expect(cond()).toBe(true);
}

function harness() {
  const time = new FakeTime();
  const port = new FakePort(time);
  const events: PrivateEvent[][] = [];
  let ready = 0;
  const feed = new PrivateFeed({
    url: "wss://venue.test/v3/ws/private",
    credentials: CREDS,
    socket: port,
    clock: time.clock,
    timers: time.timers,
    random: seeded(5),
    dialect: UTA_PRIVATE_DIALECT,
    onEvents: (e) => events.push(e),
    onReady: () => ready++,
  });
  return { time, port, feed, events, ready: () => ready };
}

describe("PrivateFeed with the UTA dialect", () => {
  it("logs in as V2 does, subscribes the four topics with instType UTA, and is ready on their acks", async () => {
    const h = harness();
    h.feed.start();
    await h.time.advance(0);
    const s = h.port.last;
    await until(() => s.ops("login").length === 1);
    const login = (s.ops("login")[0].args as { timestamp: string; sign: string }[])[0];
    expect(login.sign).toBe(await wsLoginSign(CREDS.apiSecret, login.timestamp));
    s.receive({ event: "login", code: 0 });
    const subscribe = s.ops("subscribe")[0] as { args: object[] };
    expect(subscribe.args).toEqual([
      { instType: "UTA", topic: "order" },
      { instType: "UTA", topic: "fill" },
      { instType: "UTA", topic: "position" },
      { instType: "UTA", topic: "account" },
    ]);
    for (const a of subscribe.args.slice(0, 3)) s.receive({ event: "subscribe", arg: a });
    expect(h.ready()).toBe(0);
    s.receive({ event: "subscribe", arg: subscribe.args[3], connId: "c1" });
    expect(h.feed.health()).toMatchObject({ state: "ready", loggedIn: true });
    expect(h.ready()).toBe(1);
  });

  it("hands on v3 fill pushes as fill events and drops pushes of other topics and shapes", async () => {
    const h = harness();
    h.feed.start();
    await h.time.advance(0);
    const s = h.port.last;
    await until(() => s.ops("login").length === 1);
    s.receive({ event: "login", code: "0" });
    for (const a of (s.ops("subscribe")[0] as { args: object[] }).args) s.receive({ event: "subscribe", arg: a });
    s.receive(utaPush("fill", [fillShape()]));
    s.receive({ action: "update", arg: { instType: "USDT-FUTURES", channel: "fill" }, data: [] });
    s.receive(utaPush("fill", [fillShape({ execQty: "x" })]));
    expect(h.events).toEqual([[expect.objectContaining({ kind: "fill", tradeId: "5001", fee: 0.15 })]]);
    expect(h.feed.health().dropped).toBe(2);
  });

  it("counts a refused v3 login (30005) and reconnects instead of subscribing", async () => {
    const h = harness();
    h.feed.start();
    await h.time.advance(0);
    const s = h.port.last;
    await until(() => s.ops("login").length === 1);
    s.receive({ event: "error", code: 30005, msg: "Invalid sign" });
    expect(s.ops("subscribe")).toEqual([]);
    expect(h.feed.health()).toMatchObject({
      loginFailures: 1,
      lastLoginError: { code: "30005", message: "Invalid sign" },
    });
  });
});
