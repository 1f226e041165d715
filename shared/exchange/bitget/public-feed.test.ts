import { describe, expect, it } from "vitest";
import type { MarketEvent } from "../../market/events";
import { type FeedHealth, PublicFeed, type PublicFeedOptions, parsePublicDialect } from "./public-feed";
import { FakePort, FakeSocket, FakeTime, flushMicrotasks as settle, seeded } from "./testing/fake-socket";

function harness(options: Partial<PublicFeedOptions> = {}) {
  const time = new FakeTime();
  const port = new FakePort(time);
  const events: MarketEvent[][] = [];
  const healths: FeedHealth[] = [];
  const feed = new PublicFeed({
    url: "wss://venue.test/v2/ws/public",
    symbols: ["BTCUSDT"],
    socket: port,
    clock: time.clock,
    timers: time.timers,
    random: seeded(42),
    onEvents: (e) => events.push(e),
    onHealth: (h) => healths.push(h),
    ...options,
  });
  const start = async (): Promise<FakeSocket> => {
    feed.start();
    await settle();
    return port.last;
  };
  return { time, port, feed, events, healths, start };
}

const arg = (channel: string, instId = "BTCUSDT") => ({ instType: "USDT-FUTURES", channel, instId });

function tradePush(action: string, ids: string[], instId = "BTCUSDT", price = "27000.5") {
  const data = ids.map((id, i) => ({
    ts: String(1_700_000_000_000 + Number(id) + i),
    price,
    size: "0.01",
    side: "buy",
    tradeId: id,
  }));
  return { action, arg: arg("trade", instId), data, ts: 1_700_000_000_000 };
}

function bookPush(channel: string, action: string, item: Record<string, unknown>, instId = "BTCUSDT") {
  return {
    action,
    arg: arg(channel, instId),
    data: [{ checksum: 0, ts: "1700000000000", ...item }],
    ts: 1_700_000_000_000,
  };
}

const BIDS = [
  ["43231.1", "4"],
  ["43231", "6"],
];
const ASKS = [
  ["43232.8", "9"],
  ["43232.9", "8"],
];
/** bitget-v2.md §1.5 vector for BIDS/ASKS: "43231.1:4:43232.8:9:43231:6:43232.9:8". */
const CHECKSUM = -1504501796;

const tradeIds = (events: MarketEvent[][]) => events.flat().flatMap((e) => (e.kind === "trade" ? [e.id] : []));

describe("PublicFeed subscriptions", () => {
  it("subscribes every channel of every symbol, at most 15 args per message", async () => {
    const symbols = Array.from({ length: 20 }, (_, i) => `SYM${i}USDT`);
    const { start } = harness({ symbols });
    const s = await start();
    const reqs = s.ops("subscribe") as { args: { instType: string }[] }[];
    expect(reqs).toHaveLength(4);
    for (const r of reqs) expect(r.args.length).toBeLessThanOrEqual(15);
    const expected = symbols.flatMap((sym) => ["trade", "books15", "books1"].map((c) => `${c}:${sym}`));
    expect(new Set(s.args("subscribe"))).toEqual(new Set(expected));
    expect(s.args("subscribe")).toHaveLength(60);
    expect(reqs.every((r) => r.args.every((a) => a.instType === "USDT-FUTURES"))).toBe(true);
  });

  it("keeps every request within Bitget's 4096 bytes", async () => {
    const symbols = Array.from({ length: 150 }, (_, i) => `${"X".repeat(40)}${i}USDT`);
    const { start } = harness({ symbols, channels: ["books15"], maxArgsPerMessage: 1000 });
    const s = await start();
    const sizes = s.sent.map((m) => new TextEncoder().encode(m.text).length);
    expect(sizes.length).toBeGreaterThan(1);
    for (const n of sizes) expect(n).toBeLessThanOrEqual(4096);
    expect(s.args("subscribe")).toHaveLength(150);
  });

  it("spreads messages so that no one-second window carries more than 10, pings included", async () => {
    const symbols = ["A", "B", "C", "D", "E", "F", "G", "H"].map((x) => `${x}USDT`);
    const { start, time } = harness({
      symbols,
      maxArgsPerMessage: 1,
      pingIntervalMs: 700,
      pongTimeoutMs: 60_000,
      staleAfterMs: 60_000,
    });
    const s = await start();
    expect(s.sent).toHaveLength(10);
    await time.advance(5000);
    const times = s.sent.map((m) => m.at);
    for (const t of times) expect(times.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(10);
    expect(s.args("subscribe")).toHaveLength(24);
    expect(s.pings).toBeGreaterThan(0);
    expect(s.sent.findIndex((m) => m.text === "ping")).toBe(10);
  });

  it("reports the args the server acknowledged", async () => {
    const { start, feed } = harness({ channels: ["trade"] });
    const s = await start();
    expect(feed.health().subscribed).toEqual([]);
    s.receive({ event: "subscribe", arg: arg("trade") });
    expect(feed.health().subscribed).toEqual(["trade:BTCUSDT"]);
    s.receive({ event: "unsubscribe", arg: arg("trade") });
    expect(feed.health().subscribed).toEqual([]);
  });
});

describe("PublicFeed keepalive", () => {
  it("sends a text ping every 25 s and stays connected while pongs come back", async () => {
    const { start, time, port, feed } = harness({ channels: ["trade"], staleAfterMs: 60_000 });
    const s = await start();
    await time.advance(24_999);
    expect(s.pings).toBe(0);
    await time.advance(1);
    expect(s.sent[s.sent.length - 1].text).toBe("ping");
    s.receive("pong");
    await time.advance(25_000);
    expect(s.pings).toBe(2);
    s.receive({ event: "pong" });
    await time.advance(20_000);
    expect(s.closed).toBeNull();
    expect(port.sockets).toHaveLength(1);
    expect(feed.health().dropped).toBe(0);
  });

  it("keeps one ping outstanding at a time when the pong deadline exceeds the interval", async () => {
    const { start, time } = harness({
      channels: ["trade"],
      pingIntervalMs: 1000,
      pongTimeoutMs: 5000,
      staleAfterMs: 60_000,
    });
    const s = await start();
    await time.advance(5999);
    expect(s.pings).toBe(1);
    expect(s.closed).toBeNull();
    await time.advance(1);
    expect(s.closed?.code).toBe(4000);
  });

  it("reconnects when no pong arrives within 10 s, then resubscribes every arg", async () => {
    const { start, time, port, feed } = harness({ symbols: ["BTCUSDT", "ETHUSDT"], staleAfterMs: 60_000 });
    const first = await start();
    await time.advance(25_000 + 9_999);
    expect(first.closed).toBeNull();
    await time.advance(1);
    expect(first.closed?.code).toBe(4000);
    expect(feed.health()).toMatchObject({ connected: false, state: "backoff", lastDisconnect: "pong timeout" });
    await time.advance(500);
    expect(port.sockets).toHaveLength(2);
    expect(feed.health()).toMatchObject({ connected: true, reconnects: 1 });
    expect(port.last.args("subscribe").sort()).toEqual(first.args("subscribe").sort());
    expect(port.last.args("subscribe")).toHaveLength(6);
  });
});

describe("PublicFeed reconnect", () => {
  const ceilings = [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000];

  async function failingGaps(seed: number): Promise<number[]> {
    const { start, time, port } = harness({ random: seeded(seed) });
    port.failNext = ceilings.length;
    await start();
    await time.advance(200_000);
    return port.attempts.slice(1, ceilings.length + 1).map((t, i) => t - port.attempts[i]);
  }

  it("waits longer after each failed attempt until the cap, within the jitter window, capped at 30 s", async () => {
    const gaps = await failingGaps(1);
    expect(gaps).toHaveLength(ceilings.length);
    gaps.forEach((g, i) => {
      expect(g).toBeGreaterThanOrEqual(ceilings[i] / 2);
      expect(g).toBeLessThanOrEqual(ceilings[i]);
      if (i > 0 && ceilings[i] === 2 * ceilings[i - 1]) expect(g).toBeGreaterThanOrEqual(gaps[i - 1]);
    });
  });

  it("jitters the delays with the injected random source", async () => {
    const a = await failingGaps(1);
    expect(await failingGaps(1)).toEqual(a);
    expect(await failingGaps(2)).not.toEqual(a);
    expect(a.some((g, i) => g !== ceilings[i] && g !== ceilings[i] / 2)).toBe(true);
  });

  /** Keeps the open connection busy for `ms`: a trade every second, every ping answered. */
  async function busy(time: FakeTime, s: FakeSocket, ms: number, firstId: number): Promise<void> {
    for (let t = 0; t < ms; t += 1000) {
      s.receive(tradePush("update", [String(firstId + t / 1000)]));
      if (s.pings > 0) s.receive("pong");
      await time.advance(1000);
    }
  }

  it("starts again from the shortest delay once a connection delivered data and stayed up for a minute", async () => {
    const { start, time, port } = harness({ channels: ["trade"] });
    port.failNext = 4;
    await start();
    await time.advance(10_000);
    expect(port.sockets).toHaveLength(1);
    await busy(time, port.last, 61_000, 1);
    const closedAt = time.now;
    port.last.onClose?.(1006, "");
    await time.advance(10_000);
    expect(port.attempts[port.attempts.length - 1] - closedAt).toBeLessThanOrEqual(500);
  });

  it("keeps the grown delay when a connection drops soon after its first frame (no reset after one frame)", async () => {
    const { start, time, port } = harness({ channels: ["trade"] });
    port.failNext = 4;
    await start();
    await time.advance(10_000);
    expect(port.sockets).toHaveLength(1);
    await busy(time, port.last, 20_000, 1);
    const closedAt = time.now;
    port.last.onClose?.(1006, "");
    await time.advance(20_000);
    expect(port.attempts[port.attempts.length - 1] - closedAt).toBeGreaterThanOrEqual(8000 / 2);
  });

  it("keeps growing the delay when connections close before delivering data", async () => {
    const { start, time, port } = harness({ channels: ["trade"] });
    port.failNext = 4;
    await start();
    await time.advance(10_000);
    const closedAt = time.now;
    port.last.onClose?.(1006, "");
    await time.advance(20_000);
    expect(port.attempts[port.attempts.length - 1] - closedAt).toBeGreaterThanOrEqual(8000 / 2);
  });

  it("reconnects on a socket error and records it", async () => {
    const { start, time, port, feed } = harness({ channels: ["trade"] });
    const s = await start();
    s.onError?.(new Error("ECONNRESET"));
    expect(s.closed).not.toBeNull();
    expect(feed.health().lastError).toMatchObject({ source: "socket", message: "ECONNRESET" });
    s.onClose?.(1006, "");
    await time.advance(500);
    expect(port.sockets).toHaveLength(2);
    expect(feed.health().reconnects).toBe(1);
  });

  it("abandons a connect that hangs past the timeout and closes it if it resolves later", async () => {
    const { start, time, port, feed } = harness({ channels: ["trade"] });
    port.hang = true;
    await start();
    await time.advance(10_000);
    expect(feed.health()).toMatchObject({ state: "backoff", lastDisconnect: "connect timeout" });
    port.hang = false;
    await time.advance(1000);
    expect(feed.health().connected).toBe(true);
    const late = new FakeSocket(time);
    port.hung[0](late);
    await settle();
    expect(late.closed?.code).toBe(1000);
    expect(feed.health().connected).toBe(true);
  });
});

describe("PublicFeed stale-feed detection", () => {
  it("drops a connection silent for 15 s and reconnects", async () => {
    const { start, time, port, feed } = harness({ channels: ["trade"] });
    const s = await start();
    await time.advance(5000);
    s.receive(tradePush("snapshot", ["1"]));
    expect(feed.checkStale(time.now + 14_999)).toBe(false);
    await time.advance(14_999);
    expect(s.closed).toBeNull();
    await time.advance(5001);
    expect(s.closed).not.toBeNull();
    expect(feed.health().lastDisconnect).toBe("stale feed");
    await time.advance(500);
    expect(port.sockets).toHaveLength(2);
  });

  it("can be driven from an alarm through checkStale", async () => {
    const { start, time, feed } = harness({ channels: ["trade"] });
    const s = await start();
    expect(feed.checkStale(time.now + 15_000)).toBe(true);
    expect(s.closed).not.toBeNull();
    expect(feed.checkStale(time.now + 30_000)).toBe(false);
  });

  it("retries a book subscription that brings no snapshot, doubling the wait", async () => {
    const { start, time, feed } = harness({ channels: ["trade", "books15"], pingIntervalMs: 1e9 });
    const s = await start();
    const keepAlive = async (ms: number) => {
      for (let t = 0; t < ms; t += 1000) {
        s.receive(tradePush("update", []));
        await time.advance(1000);
      }
    };
    await keepAlive(15_000);
    expect(s.args("unsubscribe")).toEqual(["books15:BTCUSDT"]);
    await keepAlive(29_000);
    expect(s.args("unsubscribe")).toHaveLength(1);
    await keepAlive(2000);
    expect(s.args("unsubscribe")).toHaveLength(2);
    expect(feed.health().resyncs).toBe(2);
    s.receive(bookPush("books15", "snapshot", { seq: "1", bids: BIDS, asks: ASKS }));
    await keepAlive(120_000);
    expect(s.args("unsubscribe")).toHaveLength(2);
  });

  it("never unsubscribes an arg whose subscribe is still queued", async () => {
    const symbols = ["A", "B", "C", "D", "E", "F"].map((x) => `${x}USDT`);
    const { start, time } = harness({
      symbols,
      channels: ["books15"],
      maxArgsPerMessage: 1,
      maxMessagesPerSecond: 1,
      staleAfterMs: 3000,
      pingIntervalMs: 1e9,
    });
    const s = await start();
    // AUSDT's book keeps the feed alive (keepalive replies alone are not data); the others never answer.
    for (let t = 0; t < 8000; t += 500) {
      s.receive(bookPush("books15", "snapshot", { seq: String(t + 1), bids: BIDS, asks: ASKS }, "AUSDT"));
      await time.advance(500);
    }
    const sent = s.sent.map((m) => JSON.parse(m.text) as { op: string; args: { channel: string; instId: string }[] });
    sent.forEach((m, i) => {
      if (m.op !== "unsubscribe") return;
      const key = m.args[0].instId;
      expect(sent.slice(0, i).some((p) => p.op === "subscribe" && p.args[0].instId === key)).toBe(true);
    });
    expect(sent.some((m) => m.op === "unsubscribe")).toBe(true);
  });
});

describe("PublicFeed trades", () => {
  it("emits each trade once across the overlapping snapshot after a reconnect", async () => {
    const { start, time, port, events, feed } = harness({ channels: ["trade"] });
    const s = await start();
    s.receive(tradePush("snapshot", ["1", "2", "3"]));
    s.receive(tradePush("update", ["4"]));
    s.onClose?.(1006, "");
    await time.advance(500);
    port.last.receive(tradePush("snapshot", ["2", "3", "4", "5"]));
    expect(tradeIds(events)).toEqual(["1", "2", "3", "4", "5"]);
    expect(feed.health().duplicates).toBe(3);
    expect(events.every((batch) => batch.length > 0)).toBe(true);
  });

  it("remembers only the last dedupCapacity ids of a symbol", async () => {
    const { start, events } = harness({ channels: ["trade"], dedupCapacity: 2 });
    const s = await start();
    s.receive(tradePush("update", ["1"]));
    s.receive(tradePush("update", ["2"]));
    s.receive(tradePush("update", ["3"]));
    s.receive(tradePush("update", ["3"]));
    s.receive(tradePush("update", ["1"]));
    expect(tradeIds(events)).toEqual(["1", "2", "3", "1"]);
  });

  it("keeps trade ids per symbol", async () => {
    const { start, events } = harness({ symbols: ["BTCUSDT", "ETHUSDT"], channels: ["trade"] });
    const s = await start();
    s.receive(tradePush("update", ["7"], "BTCUSDT"));
    s.receive(tradePush("update", ["7"], "ETHUSDT"));
    expect(events.flat().map((e) => e.symbol)).toEqual(["BTCUSDT", "ETHUSDT"]);
  });
});

describe("PublicFeed books", () => {
  it("drops a books15 push whose seq goes backwards", async () => {
    const { start, events, feed } = harness({ channels: ["books15"] });
    const s = await start();
    s.receive(bookPush("books15", "snapshot", { seq: "10", bids: BIDS, asks: ASKS }));
    s.receive(bookPush("books15", "snapshot", { seq: "9", bids: BIDS, asks: ASKS }));
    s.receive(bookPush("books15", "snapshot", { seq: "11", bids: BIDS, asks: ASKS }));
    expect(events.flat().map((e) => (e.kind === "bookLevels" ? e.seq : ""))).toEqual(["10", "11"]);
    expect(feed.health()).toMatchObject({ stale: 1, dropped: 0, resyncs: 0 });
  });

  it("reports a symbol's book healthy once every book channel has a snapshot", async () => {
    const { start, feed } = harness();
    const s = await start();
    expect(feed.health().bookHealthy).toEqual({ BTCUSDT: false });
    s.receive(bookPush("books15", "snapshot", { seq: "1", bids: BIDS, asks: ASKS }));
    expect(feed.health().bookHealthy).toEqual({ BTCUSDT: false });
    s.receive(bookPush("books1", "snapshot", { seq: "1", bids: BIDS.slice(0, 1), asks: ASKS.slice(0, 1) }));
    expect(feed.health().bookHealthy).toEqual({ BTCUSDT: true });
  });

  it("on a books pseq gap turns unhealthy, resubscribes that arg only, and recovers on a fresh snapshot", async () => {
    const { start, events, feed } = harness({ symbols: ["BTCUSDT", "ETHUSDT"], channels: ["trade", "books"] });
    const s = await start();
    s.receive(bookPush("books", "snapshot", { seq: "10", bids: [["100", "1"]], asks: [["101", "1"]] }));
    s.receive(bookPush("books", "update", { seq: "11", pseq: "10", bids: [["100", "2"]], asks: [] }));
    expect(events).toHaveLength(2);
    const sentBefore = s.sent.length;
    s.receive(bookPush("books", "update", { seq: "13", pseq: "12", bids: [], asks: [] }));
    expect(feed.health()).toMatchObject({ gaps: 1, resyncs: 1, bookHealthy: { BTCUSDT: false } });
    expect(s.sent.slice(sentBefore).map((m) => JSON.parse(m.text))).toEqual([
      { op: "unsubscribe", args: [arg("books")] },
      { op: "subscribe", args: [arg("books")] },
    ]);
    s.receive(bookPush("books", "update", { seq: "14", pseq: "13", bids: [], asks: [] }));
    expect(events).toHaveLength(2);
    s.receive(bookPush("books", "snapshot", { seq: "30", bids: [["99", "5"]], asks: [["101", "1"]] }));
    expect(events).toHaveLength(3);
    expect(events[2][0]).toMatchObject({ kind: "bookLevels", bids: [[99, 5]], seq: "30" });
    expect(feed.health().bookHealthy.BTCUSDT).toBe(true);
  });

  it("accepts a matching checksum and resyncs on a mismatch", async () => {
    const { start, events, feed } = harness({ channels: ["books5"] });
    const s = await start();
    s.receive(bookPush("books5", "snapshot", { seq: "1", bids: BIDS, asks: ASKS, checksum: CHECKSUM }));
    expect(events).toHaveLength(1);
    s.receive(bookPush("books5", "snapshot", { seq: "2", bids: BIDS, asks: ASKS, checksum: CHECKSUM + 1 }));
    expect(events).toHaveLength(1);
    expect(feed.health()).toMatchObject({ checksumFailures: 1, resyncs: 1, bookHealthy: { BTCUSDT: false } });
    expect(s.args("unsubscribe")).toEqual(["books5:BTCUSDT"]);
    expect(s.args("subscribe")).toEqual(["books5:BTCUSDT", "books5:BTCUSDT"]);
  });

  it("forgets the books on reconnect and waits for fresh snapshots", async () => {
    const { start, time, port, feed, events } = harness({ channels: ["books"] });
    const s = await start();
    s.receive(bookPush("books", "snapshot", { seq: "10", bids: [["100", "1"]], asks: [["101", "1"]] }));
    expect(feed.health().bookHealthy.BTCUSDT).toBe(true);
    s.onClose?.(1001, "going away");
    expect(feed.health().bookHealthy.BTCUSDT).toBe(false);
    await time.advance(500);
    port.last.receive(bookPush("books", "update", { seq: "11", pseq: "10", bids: [], asks: [] }));
    expect(events).toHaveLength(1);
    expect(feed.health().resyncs).toBe(0);
  });
});

describe("PublicFeed resilience", () => {
  it("counts and drops malformed frames and keeps working", async () => {
    const { start, events, feed } = harness({ channels: ["trade"] });
    const s = await start();
    s.receive("not json {");
    s.receive("[1,2]");
    s.receive({ foo: 1 });
    s.receive({ action: "update", arg: { channel: "trade" }, data: [] });
    s.receive(tradePush("update", ["1"], "BTCUSDT", "abc"));
    expect(feed.health()).toMatchObject({
      dropped: 5,
      connected: true,
      lastDropReason: expect.stringMatching(/bad price/),
    });
    s.receive(tradePush("update", ["2"]));
    expect(tradeIds(events)).toEqual(["2"]);
  });

  it("surfaces server errors in health instead of throwing", async () => {
    const { start, feed, healths } = harness({ channels: ["trade"] });
    const s = await start();
    expect(() =>
      s.receive({ event: "error", code: 30001, msg: "instId doesn't exist", arg: arg("trade", "NOPEUSDT") }),
    ).not.toThrow();
    const h = feed.health();
    expect(h).toMatchObject({ errors: 1, connected: true });
    expect(h.lastError).toMatchObject({
      source: "server",
      code: "30001",
      message: expect.stringMatching(/doesn't exist.*trade:NOPEUSDT/),
    });
    expect(healths[healths.length - 1].errors).toBe(1);
  });

  it("survives an onEvents handler that throws", async () => {
    let calls = 0;
    const { start, feed } = harness({
      channels: ["trade"],
      onEvents: () => {
        calls++;
        throw new Error("consumer bug");
      },
    });
    const s = await start();
    s.receive(tradePush("update", ["1"]));
    s.receive(tradePush("update", ["2"]));
    expect(calls).toBe(2);
    expect(feed.health().lastError).toMatchObject({
      source: "handler",
      message: expect.stringMatching(/consumer bug/),
    });
  });

  it("ignores pushes for symbols and channels it did not subscribe", async () => {
    const { start, events, feed } = harness({ channels: ["trade"] });
    const s = await start();
    s.receive(tradePush("update", ["1"], "DOGEUSDT"));
    s.receive(bookPush("books5", "snapshot", { seq: "1", bids: BIDS, asks: ASKS }));
    s.receive({ action: "snapshot", arg: arg("ticker"), data: [{}], ts: 1 });
    expect(events).toHaveLength(0);
    expect(feed.health().dropped).toBe(0);
  });

  it("measures the age of the last frame", async () => {
    const { start, time, feed } = harness({ channels: ["trade"] });
    const s = await start();
    expect(feed.health().lastFrameAgeMs).toBeNull();
    s.receive("pong");
    await time.advance(1234);
    expect(feed.health()).toMatchObject({ lastFrameAt: time.now - 1234, lastFrameAgeMs: 1234 });
  });
});

describe("PublicFeed raw push tap", () => {
  it("hands onPush every push of a subscribed arg as sent, duplicates and stale books included, with its receive time", async () => {
    const taps: { push: Record<string, unknown>; at: number; text: string }[] = [];
    const { start, time, events } = harness({
      channels: ["trade", "books15"],
      onPush: (push, at, text) => taps.push({ push, at, text }),
    });
    const s = await start();
    s.receive({ event: "subscribe", arg: arg("trade") });
    s.receive("pong");
    s.receive(tradePush("update", ["1"]));
    await time.advance(7);
    const dup = JSON.stringify(tradePush("update", ["1"]));
    s.receive(dup);
    s.receive(bookPush("books15", "snapshot", { seq: "10", bids: BIDS, asks: ASKS }));
    s.receive(bookPush("books15", "snapshot", { seq: "9", bids: BIDS, asks: ASKS }));
    s.receive(tradePush("update", ["2"], "DOGEUSDT"));
    expect(taps.map((x) => (x.push.arg as { channel: string }).channel)).toEqual([
      "trade",
      "trade",
      "books15",
      "books15",
    ]);
    expect(taps[1]).toEqual({ push: JSON.parse(dup), at: time.now, text: dup });
    expect(taps[1].at - taps[0].at).toBe(7);
    expect(tradeIds(events)).toEqual(["1"]);
    expect(events.flat().filter((e) => e.kind === "bookLevels")).toHaveLength(1);
  });

  it("records a throwing onPush as a handler error and still delivers the events", async () => {
    const { start, events, feed } = harness({
      channels: ["trade"],
      onPush: () => {
        throw new Error("disk full");
      },
    });
    const s = await start();
    s.receive(tradePush("update", ["1"]));
    expect(tradeIds(events)).toEqual(["1"]);
    expect(feed.health().lastError).toMatchObject({ source: "handler", message: "onPush threw: disk full" });
  });
});

describe("PublicFeed stop", () => {
  it("closes with 1000, leaves no timers and ignores late frames", async () => {
    const { start, time, feed, events } = harness();
    const s = await start();
    await time.advance(5000);
    expect(time.pending).toBeGreaterThan(0);
    feed.stop();
    expect(s.closed?.code).toBe(1000);
    expect(time.pending).toBe(0);
    expect(feed.health()).toMatchObject({ state: "stopped", connected: false });
    s.receive(tradePush("update", ["1"]));
    expect(events).toHaveLength(0);
  });

  it("leaves no timers when stopped during backoff or a pending connect, and closes a connect that resolves later", async () => {
    const a = harness();
    a.port.failNext = 1;
    await a.start();
    expect(a.feed.health().state).toBe("backoff");
    a.feed.stop();
    expect(a.time.pending).toBe(0);

    const b = harness();
    b.port.hang = true;
    await b.start();
    b.feed.stop();
    expect(b.time.pending).toBe(0);
    const late = new FakeSocket(b.time);
    b.port.hung[0](late);
    await settle();
    expect(late.closed?.code).toBe(1000);
  });

  it("starts again after a stop", async () => {
    const { start, feed, port } = harness({ channels: ["trade"] });
    await start();
    feed.stop();
    await start();
    expect(port.sockets).toHaveLength(2);
    expect(feed.health().connected).toBe(true);
  });
});

describe("PublicFeed options", () => {
  it.each([
    ["no symbols", { symbols: [] }],
    ["an unknown channel", { channels: ["ticker" as "trade"] }],
    ["a non-positive ping interval", { pingIntervalMs: 0 }],
  ])("refuses %s", (_name, opts) => {
    expect(() => harness(opts)).toThrow(RangeError);
  });
});

describe("PublicFeed dialect switch", () => {
  it("reads FEED_DIALECT as v2 by default, v2 or v3 by name, and refuses anything else naming it", () => {
    expect(parsePublicDialect(undefined)).toEqual({ ok: true, dialect: "v2" });
    expect(parsePublicDialect(" V3 ")).toEqual({ ok: true, dialect: "v3" });
    expect(parsePublicDialect("uta")).toEqual({ ok: false, reason: 'FEED_DIALECT must be v2 or v3, got "uta"' });
  });

  it("subscribes v3 args (instType usdt-futures, topic, symbol) in the v3 dialect", async () => {
    const h = harness({ dialect: "v3", channels: ["trade", "books15"] });
    const socket = await h.start();
    const [sub] = socket.ops("subscribe") as { args: unknown[] }[];
    expect(sub.args).toEqual([
      { instType: "usdt-futures", topic: "publicTrade", symbol: "BTCUSDT" },
      { instType: "usdt-futures", topic: "books50", symbol: "BTCUSDT" },
    ]);
    expect(() => harness({ dialect: "v4" as "v3" })).toThrow(/dialect must be v2 or v3, got v4/);
  });
});

describe("PublicFeed health verdict", () => {
  /** One second of a healthy BTC feed: books15 every 100 ms, books1 every 50 ms, a trade every 200 ms. */
  function second(k: number, seqBase = 0) {
    const out: { at: number; frame: Record<string, unknown> }[] = [];
    for (let ms = 0; ms < 1000; ms += 50) {
      const seq = String(seqBase + k * 1000 + ms + 1);
      out.push({ at: ms, frame: bookPush("books1", "snapshot", { seq, bids: BIDS, asks: ASKS }) });
      if (ms % 100 === 0) out.push({ at: ms, frame: bookPush("books15", "snapshot", { seq, bids: BIDS, asks: ASKS }) });
      if (ms % 200 === 0) out.push({ at: ms, frame: tradePush("update", [String(k * 10 + ms / 200 + 1)]) });
    }
    return out;
  }

  /** Plays `seconds` of the feed; `fault(i)` may truncate ("cut") or withhold ("drop") push i. */
  async function play(
    time: FakeTime,
    s: FakeSocket,
    seconds: number,
    fault: (i: number) => "cut" | "drop" | null = () => null,
    from = 0,
  ) {
    let i = 0;
    for (let k = from; k < from + seconds; k++) {
      const start = time.now;
      for (const { at, frame } of second(k)) {
        if (time.now < start + at) await time.advance(start + at - time.now);
        const f = fault(i++);
        if (f === "drop") continue;
        const text = JSON.stringify({ ...frame, ts: start + at });
        s.receive(f === "cut" ? text.slice(0, text.length >> 1) : text);
      }
      await time.advance(start + 1000 - time.now);
    }
  }

  it("is healthy on a clean feed, with fresh data, consistent books and no drops", async () => {
    const { start, time, feed } = harness();
    const s = await start();
    await play(time, s, 10);
    expect(feed.health()).toMatchObject({
      healthy: true,
      reason: null,
      bookStale: { BTCUSDT: false },
      missedPushes: 0,
      gaps: 0,
      dropWindow: { malformed: 0, breaks: 0, missed: 0, rate: 0 },
    });
  });

  it("says unhealthy with reason drop_rate and counts the missing pushes with 5 % truncated and 5 % dropped frames", async () => {
    const { start, time, feed } = harness();
    const s = await start();
    const random = seeded(5);
    await play(time, s, 30, () => {
      const x = random();
      return x < 0.05 ? "cut" : x < 0.1 ? "drop" : null;
    });
    const h = feed.health();
    expect(h).toMatchObject({ healthy: false, reason: "drop_rate", bookStale: { BTCUSDT: true } });
    expect(h.missedPushes).toBeGreaterThan(0);
    expect(h.dropWindow.missed).toBe(h.missedPushes);
    expect(h.dropped).toBeGreaterThan(0);
    expect(h.dropWindow.rate).toBeGreaterThan(0.05);
    expect(h.detail).toMatch(/malformed.*missed/);
  });

  it("detects a 25 s stall within the stale threshold although pongs keep arriving", async () => {
    const { start, time, feed } = harness({ pingIntervalMs: 1000 });
    const s = await start();
    await play(time, s, 5);
    const stalledAt = time.now;
    const pongs = async (ms: number) => {
      for (let t = 0; t < ms; t += 500) {
        s.receive("pong");
        await time.advance(500);
      }
    };
    await pongs(4500);
    expect(feed.health().healthy).toBe(true);
    await pongs(500);
    const h = feed.health();
    expect(time.now - stalledAt).toBe(5000);
    expect(h).toMatchObject({ healthy: false, reason: "stale", connected: true, bookStale: { BTCUSDT: true } });
    expect(h.lastFrameAgeMs).toBeLessThan(1000);
    expect(h.lastDataAgeMs).toBeGreaterThanOrEqual(5000);
    await pongs(20_000);
    expect(feed.health().healthy).toBe(false);
    expect(feed.health().reconnects).toBe(1);
  });

  it("tells onHealth within a second when the verdict flips with time, not only on frames", async () => {
    const { start, time, healths } = harness();
    const s = await start();
    await play(time, s, 2);
    const stalledAt = time.now;
    const before = healths.length;
    await time.advance(6000);
    const told = healths.slice(before).find((h) => !h.healthy && h.reason === "stale");
    expect(told?.lastDataAgeMs).toBeLessThanOrEqual(6000);
    expect(time.now - stalledAt).toBe(6000);
  });

  it("marks a book stale that stays silent while trades flow, then fresh again", async () => {
    const { start, time, feed } = harness({ channels: ["trade", "books15"] });
    const s = await start();
    await play(time, s, 3);
    for (let k = 0; k < 6; k++) {
      s.receive(tradePush("update", [String(1000 + k)]));
      await time.advance(1000);
    }
    expect(feed.health()).toMatchObject({ healthy: false, reason: "book_stale", bookStale: { BTCUSDT: true } });
    await play(time, s, 1, () => null, 100);
    expect(feed.health()).toMatchObject({ healthy: true, bookStale: { BTCUSDT: false } });
  });

  it("is unhealthy while disconnected and while a broken book waits for its snapshot", async () => {
    const { start, time, feed, port } = harness();
    const s = await start();
    await play(time, s, 2);
    s.receive(bookPush("books15", "snapshot", { seq: "999999", bids: BIDS, asks: ASKS, checksum: 12345 }));
    expect(feed.health()).toMatchObject({ healthy: false, reason: "book_unhealthy", checksumFailures: 1 });
    port.last.onClose?.(1006, "");
    expect(feed.health()).toMatchObject({ healthy: false, reason: "disconnected" });
  });

  /**
   * Plays `seconds` of the feed stamped by the exchange on its grid (`ts` = when the server sent it),
   * each frame arriving `delay(ts)` ms later but never before the frame sent ahead of it (one socket
   * delivers in order); `keep(i)` false withholds books15 push i (the server sent it, it never came).
   * At most 30 s: no pong answers the feed's pings.
   */
  async function playStamped(
    time: FakeTime,
    s: FakeSocket,
    seconds: number,
    delay: (ts: number) => number,
    keep: (books15: number) => boolean = () => true,
  ) {
    const t0 = time.now;
    const frames: { arrive: number; text: string }[] = [];
    let books15 = 0;
    let arrive = t0;
    for (let k = 0; k < seconds; k++)
      for (const { at, frame } of second(k)) {
        const ts = t0 + k * 1000 + at;
        if ((frame.arg as { channel: string }).channel === "books15" && !keep(books15++)) continue;
        arrive = Math.max(arrive, ts + delay(ts));
        frames.push({ arrive, text: JSON.stringify({ ...frame, ts }) });
      }
    for (const f of frames) {
      if (time.now < f.arrive) await time.advance(f.arrive - time.now);
      s.receive(f.text);
    }
  }

  it("keeps the gate open on a complete feed whose pushes arrive 0–120 ms late, in bursts", async () => {
    // Arrival times alone read 2–7 % of such a books15 train as missed pushes and closed the gate
    // (drop_rate); the exchange's stamps show every push there.
    const { start, time, feed } = harness();
    const s = await start();
    const random = seeded(9);
    await playStamped(time, s, 30, () => Math.floor(random() * 120));
    const h = feed.health();
    expect(h).toMatchObject({ healthy: true, reason: null, missedPushes: 0, dropWindow: { missed: 0 } });
    expect(h.lagMs).toBeLessThan(200);
  });

  it("counts the pushes missing from the exchange's stamps, late arrivals or not, and closes the gate on them", async () => {
    // A tenth of the books15 pushes never come: 1 in 35 of the feed's pushes, over the 1 % bound.
    const { start, time, feed } = harness();
    const s = await start();
    const random = seeded(4);
    const removed = new Set<number>();
    await playStamped(
      time,
      s,
      30,
      () => Math.floor(random() * 120),
      (i) => i < 20 || i % 10 !== 0 || !removed.add(i),
    );
    const h = feed.health();
    expect(h).toMatchObject({ healthy: false, reason: "drop_rate", bookStale: { BTCUSDT: true } });
    expect(h.missedPushes).toBeGreaterThanOrEqual(0.8 * removed.size);
    expect(h.missedPushes).toBeLessThanOrEqual(removed.size);
  });

  it("calls a feed stale that goes silent, by the feed's clock, whatever the last push's stamp said", async () => {
    const { start, time, feed } = harness();
    const s = await start();
    await playStamped(time, s, 5, () => 10);
    await time.advance(4900);
    expect(feed.health().healthy).toBe(true);
    await time.advance(200);
    expect(feed.health()).toMatchObject({ healthy: false, reason: "stale" });
  });

  it("calls a feed lagging, a reason of its own, once its pushes arrive 2 s later than its best", async () => {
    // A backlog that builds up: each second's pushes arrive 150 ms later than the second's before.
    const { start, time, feed } = harness();
    const s = await start();
    await playStamped(time, s, 20, (ts) => 20 + Math.floor((ts - time.now) / 1000) * 150);
    const h = feed.health();
    expect(h).toMatchObject({ healthy: false, reason: "lagging", missedPushes: 0 });
    expect(h.lagMs).toBeGreaterThanOrEqual(2000);
    expect(h.detail).toMatch(/arrived \d+ ms later/);
  });

  it("counts a pseq break of v3 books50 as a missing push though its stamps show only jitter", async () => {
    const { start, time, feed } = harness({ dialect: "v3", channels: ["books15"] });
    const s = await start();
    const v3 = (seq: number, ts: number) => ({
      action: "snapshot",
      arg: { instType: "usdt-futures", topic: "books50", symbol: "BTCUSDT" },
      data: [{ a: ASKS, b: BIDS, seq: String(seq), pseq: String(seq - 1), ts: String(ts) }],
      ts,
    });
    const t0 = time.now;
    for (let i = 0; i < 100; i++) {
      // Push 60 never came; 59 was stamped 40 ms late and 61 40 ms early.
      if (i === 60) continue;
      const ts = t0 + i * 100 + (i === 59 ? 40 : i === 61 ? -40 : 0);
      await time.advance(t0 + i * 100 + 30 - time.now);
      s.receive(JSON.stringify(v3(5000 + i, ts)));
    }
    expect(feed.health()).toMatchObject({ missedPushes: 1, gaps: 0, bookHealthy: { BTCUSDT: true } });
  });
});
