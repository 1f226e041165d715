import { describe, expect, it } from "vitest";
import { FakePort, FakeTime } from "./testing/fake-socket";
import { WsConnection, type WsConnectionOptions } from "./ws-connection";

function harness(options: Partial<WsConnectionOptions> = {}) {
  const time = new FakeTime();
  const port = new FakePort(time);
  const texts: string[] = [];
  let opens = 0;
  const conn = new WsConnection({
    url: "wss://venue.test/ws",
    socket: port,
    clock: time.clock,
    timers: time.timers,
    random: () => 0.5,
    backoff: { initialMs: 1000, maxMs: 4000 },
    onOpen: () => opens++,
    onText: (t) => texts.push(t),
    ...options,
  });
  return { time, port, conn, texts, opens: () => opens };
}

describe("WsConnection", () => {
  it("retries refused connections after growing jittered delays up to the cap", async () => {
    const h = harness();
    h.port.failNext = 4;
    h.conn.start();
    await h.time.advance(20_000);
    const gaps = h.port.attempts.slice(1).map((t, i) => t - h.port.attempts[i]);
    expect(gaps).toEqual([750, 1500, 3000, 3000]);
    expect(h.conn.state).toBe("open");
    expect(h.conn.reconnects).toBe(4);
    expect(h.opens()).toBe(1);
  });

  it("starts again from the first delay once the connection stayed up stableAfterMs after markHealthy", async () => {
    const h = harness({ pingIntervalMs: 1e9, stableAfterMs: 30_000 });
    h.port.failNext = 2;
    h.conn.start();
    await h.time.advance(5000);
    h.conn.markHealthy();
    await h.time.advance(30_000);
    h.port.last.onClose?.(1006, "");
    const before = h.time.now;
    await h.time.advance(750);
    expect(h.port.attempts[h.port.attempts.length - 1]).toBe(before + 750);
  });

  it("keeps the grown delay when the connection drops before stableAfterMs, however often markHealthy is called", async () => {
    const h = harness({ pingIntervalMs: 1e9, stableAfterMs: 30_000 });
    h.port.failNext = 2;
    h.conn.start();
    await h.time.advance(5000);
    for (let i = 0; i < 29; i++) {
      h.conn.markHealthy();
      await h.time.advance(1000);
    }
    h.port.last.onClose?.(1006, "");
    const before = h.time.now;
    await h.time.advance(10_000);
    expect(h.port.attempts[h.port.attempts.length - 1]).toBe(before + 3000);
  });

  it("passes every frame but the pong to onText and answers no pong it did not ask for", async () => {
    const h = harness();
    h.conn.start();
    await h.time.advance(0);
    h.port.last.receive("pong");
    h.port.last.receive('{"a":1}');
    expect(h.texts).toEqual(['{"a":1}']);
    expect(h.conn.lastFrameAt).toBe(h.time.now);
  });

  it("keeps the connection while pongs answer its pings", async () => {
    const h = harness({ pingIntervalMs: 1000, pongTimeoutMs: 500 });
    h.conn.start();
    await h.time.advance(0);
    const s = h.port.last;
    for (let i = 0; i < 5; i++) {
      await h.time.advance(1000);
      s.receive("pong");
    }
    expect(s.pings).toBe(5);
    expect(s.closed).toBeNull();
  });

  it("sends no second ping while one is unanswered, and drops the connection at its deadline", async () => {
    const h = harness({ pingIntervalMs: 1000, pongTimeoutMs: 3500 });
    h.conn.start();
    await h.time.advance(0);
    const s = h.port.last;
    await h.time.advance(4499);
    expect(s.pings).toBe(1);
    expect(s.closed).toBeNull();
    await h.time.advance(1);
    expect(s.closed?.code).toBe(4000);
    expect(h.conn.lastDisconnect).toBe("pong timeout");
  });

  it("hands a due ping to onPingDue and starts the pong deadline only when the owner sends it", async () => {
    let due = 0;
    const h = harness({ pingIntervalMs: 1000, pongTimeoutMs: 500, onPingDue: () => due++ });
    h.conn.start();
    await h.time.advance(0);
    const s = h.port.last;
    await h.time.advance(3000);
    expect(due).toBe(3);
    expect(s.pings).toBe(0);
    expect(s.closed).toBeNull();
    expect(h.conn.ping()).toBe(true);
    await h.time.advance(499);
    expect(s.closed).toBeNull();
    await h.time.advance(1);
    expect(s.closed?.code).toBe(4000);
  });

  it("counts a pong the owner recognised in another form", async () => {
    const h = harness({ pingIntervalMs: 1000, pongTimeoutMs: 500 });
    h.conn.start();
    await h.time.advance(1000);
    const s = h.port.last;
    expect(s.pings).toBe(1);
    h.conn.pong();
    await h.time.advance(999);
    expect(s.closed).toBeNull();
    expect(s.pings).toBe(1);
  });

  it("refuses sends and barriers without a socket", async () => {
    const h = harness();
    expect(h.conn.send("x")).toBe(false);
    await expect(h.conn.barrier()).rejects.toThrow(/not connected/);
  });

  it("rejects settings that are not positive", () => {
    expect(() => harness({ pingIntervalMs: 0 })).toThrow(RangeError);
  });
});
