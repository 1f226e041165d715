/**
 * Issue 14's feed defects, end to end in the pure core: the public feed (over a fake socket and fake
 * time) → the agent loop → its runner. A stall, truncated and dropped frames or a book that stopped
 * must stop new entries and fail the book gates closed, with the reason in the agent's status.
 */
import { describe, expect, it } from "vitest";
import type { BotConfigInput } from "../config/schema";
import { PublicFeed } from "../exchange/bitget/public-feed";
import { FakePort, type FakeSocket, FakeTime, flushMicrotasks, seeded } from "../exchange/bitget/testing/fake-socket";
import type { EntryAnswer, EntryRequest } from "../risk/portfolio-types";
import { AgentLoop } from "./agent-loop";
import { fakeCoordinator, memoryAgentStore } from "./testing/agent-loop-fakes";
import { versioned } from "./testing/live-fixture";

/** Gates wide open and market entries: a warmed-up engine asks for an entry on almost every trade while flat. */
const OPEN: BotConfigInput = {
  mode: "paper",
  gates: { minScore: 0, minAgreeing: 0, minVolumeRatio: 0, minExpectedMoveFeeMultiple: 0, requireBook: false },
  execution: { entryOrder: "market", latencyMs: 0 },
};

/** The agent loop over a public feed on a fake socket; the Coordinator approves every entry and logs whether the feed was healthy then. */
function harness(pingIntervalMs = 25_000) {
  const time = new FakeTime();
  const port = new FakePort(time);
  const store = memoryAgentStore(versioned(OPEN));
  let feed: PublicFeed | null = null;
  const requests: { req: EntryRequest; feedHealthy: boolean }[] = [];
  let n = 0;
  const coordinator = fakeCoordinator(versioned(OPEN), {
    requestEntry: async (req): Promise<EntryAnswer> => {
      requests.push({ req, feedHealthy: feed?.health().healthy ?? false });
      return { ok: true, reservationId: `r${++n}`, correlation: null, correlated: false };
    },
  });
  const loop = new AgentLoop({
    symbol: "BTCUSDT",
    store,
    coordinator: () => coordinator,
    now: () => time.now,
    feed: (onEvents, onHealth) => {
      feed = new PublicFeed({
        url: "wss://venue.test/v2/ws/public",
        symbols: ["BTCUSDT"],
        socket: port,
        clock: time.clock,
        timers: time.timers,
        random: seeded(42),
        pingIntervalMs,
        onEvents,
        onHealth,
      });
      return feed;
    },
    live: () => null,
    refusal: () => null,
    onFatal: (reason) => {
      throw new Error(reason);
    },
    onError: (what, e) => {
      throw new Error(`${what}: ${String(e)}`);
    },
  });
  const start = async (): Promise<FakeSocket> => {
    loop.startFeed();
    await flushMicrotasks();
    return port.last;
  };
  return { time, loop, requests, start, feed: () => feed as PublicFeed };
}

const arg = (channel: string) => ({ instType: "USDT-FUTURES", channel, instId: "BTCUSDT" });
let tradeId = 0;
let seq = 0;
let steps = 0;

/** One 50 ms step of a healthy BTC market at exchange time `ts`: books1 every step, books15 every other, a trade every fourth. */
function step(ts: number, k: number): Record<string, unknown>[] {
  const price = 27_000 + (k % 7) * 0.5 + (k % 2000) * 0.05;
  const book = (channel: string) => ({
    action: "snapshot",
    arg: arg(channel),
    data: [
      {
        ts: String(ts),
        seq: String(++seq),
        checksum: 0,
        bids: [[(price - 0.1).toFixed(1), "4"]],
        asks: [[(price + 0.1).toFixed(1), "5"]],
      },
    ],
    ts,
  });
  const out: Record<string, unknown>[] = [book("books1")];
  if (k % 2 === 0) out.push(book("books15"));
  if (k % 4 === 0)
    out.push({
      action: "update",
      arg: arg("trade"),
      data: [
        {
          ts: String(ts),
          price: price.toFixed(1),
          size: "0.5",
          side: k % 3 ? "buy" : "sell",
          tradeId: String(++tradeId),
        },
      ],
      ts,
    });
  return out;
}

/** Plays `ms` of the market, answering every ping; `fault` may truncate ("cut") or withhold ("drop") a push. */
async function play(
  h: ReturnType<typeof harness>,
  s: FakeSocket,
  ms: number,
  fault: () => "cut" | "drop" | null = () => null,
): Promise<void> {
  let pongs = s.pings;
  for (let t = 0; t < ms; t += 50) {
    for (; pongs < s.pings; pongs++) s.receive("pong");
    for (const frame of step(h.time.now, steps++)) {
      const f = fault();
      if (f === "drop") continue;
      const text = JSON.stringify(frame);
      s.receive(f === "cut" ? text.slice(0, text.length >> 1) : text);
    }
    await h.time.advance(50);
  }
}

describe("feed health gates the agent's entries", () => {
  it("refuses entries before the feed has said anything", () => {
    const h = harness();
    expect(h.loop.entryRefusal).toMatch(/^feed_unhealthy: disconnected/);
  });

  it("asks for entries on a clean feed (the control for the faults below)", async () => {
    const h = harness();
    const s = await h.start();
    await play(h, s, 60_000);
    expect(h.loop.entryRefusal).toBeNull();
    expect(h.requests.length).toBeGreaterThan(0);
    expect(h.requests.every((r) => r.feedHealthy)).toBe(true);
  });

  it("asks for no entry while 5 % of frames are truncated and 5 % dropped, and says why", async () => {
    const h = harness();
    const s = await h.start();
    const random = seeded(5);
    await play(h, s, 60_000, () => {
      const x = random();
      return x < 0.05 ? "cut" : x < 0.1 ? "drop" : null;
    });
    expect(h.feed().health().gaps).toBe(0);
    expect(h.requests.filter((r) => !r.feedHealthy)).toEqual([]);
    expect(h.requests).toEqual([]);
    expect(h.loop.entryRefusal).toMatch(/^feed_unhealthy: drop_rate: /);
    expect(h.loop.engineStatus()?.gates?.long.find((g) => g.name === "spread")?.status).toBe("fail");
  });

  it("pauses entries and fails the spread gate within a second of a 5 s stall although pongs keep arriving", async () => {
    const h = harness(1000);
    const s = await h.start();
    await play(h, s, 60_000);
    expect(h.loop.entryRefusal).toBeNull();
    const stalledAt = h.time.now;
    while (h.loop.entryRefusal === null && h.time.now - stalledAt < 25_000) {
      s.receive("pong");
      await h.time.advance(250);
    }
    expect(h.time.now - stalledAt).toBeLessThanOrEqual(6_000);
    expect(h.loop.entryRefusal).toMatch(/^feed_unhealthy: stale: no market data/);
    const spread = h.loop.engineStatus()?.gates?.long.find((g) => g.name === "spread");
    expect(spread).toMatchObject({ status: "fail", rule: expect.stringContaining("book stale") });
  });
});
