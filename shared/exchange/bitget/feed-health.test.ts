import { describe, expect, it } from "vitest";
import { DEFAULT_FEED_HEALTH, DropWindow, type FeedState, judgeFeed } from "./feed-health";

const NOW = 1_700_000_000_000;

function state(over: Partial<FeedState> = {}, symbol: Partial<FeedState["symbols"][number]> = {}): FeedState {
  return {
    now: NOW,
    connected: true,
    openedAt: NOW - 60_000,
    lastDataAt: NOW - 100,
    lagMs: 20,
    symbols: [
      {
        symbol: "BTCUSDT",
        bookHealthy: true,
        lastBookAt: NOW - 100,
        quietestBookAt: NOW - 100,
        lastTradeAt: NOW - 500,
        ...symbol,
      },
    ],
    window: { pushes: 3000, malformed: 0, breaks: 0, missed: 0 },
    ...over,
  };
}

describe("judgeFeed", () => {
  it("finds a connected feed with fresh data and consistent books healthy", () => {
    expect(judgeFeed(state())).toEqual({ healthy: true, reason: null, detail: null, bookStale: { BTCUSDT: false } });
  });

  it("gives the most serious reason first and marks every book stale while unhealthy", () => {
    const v = judgeFeed(state({ connected: false, window: { pushes: 10, malformed: 5, breaks: 0, missed: 0 } }));
    expect(v).toMatchObject({ healthy: false, reason: "disconnected", bookStale: { BTCUSDT: true } });
  });

  it("calls a feed stale after staleDataMs without data, counting from the open when none came", () => {
    expect(judgeFeed(state({ lastDataAt: NOW - 4999 })).healthy).toBe(true);
    expect(judgeFeed(state({ lastDataAt: NOW - 5000 }))).toMatchObject({
      reason: "stale",
      detail: "no market data for 5000 ms",
    });
    expect(judgeFeed(state({ lastDataAt: null, openedAt: NOW - 6000 })).reason).toBe("stale");
  });

  it("calls a feed lagging when its newest push came maxLagMs late, a reason of its own below stale", () => {
    expect(judgeFeed(state({ lagMs: 1999 })).healthy).toBe(true);
    expect(judgeFeed(state({ lagMs: 2000 }))).toMatchObject({
      healthy: false,
      reason: "lagging",
      detail: expect.stringMatching(/arrived 2000 ms later/),
      bookStale: { BTCUSDT: true },
    });
    expect(judgeFeed(state({ lagMs: 5000, lastDataAt: NOW - 6000 })).reason).toBe("stale");
    expect(judgeFeed(state({ lagMs: 5000, window: { pushes: 100, malformed: 0, breaks: 0, missed: 50 } })).reason).toBe(
      "lagging",
    );
  });

  it("blames a broken book, and a book silent while trades flow, but not a quiet market", () => {
    expect(judgeFeed(state({}, { bookHealthy: false })).reason).toBe("book_unhealthy");
    expect(judgeFeed(state({}, { quietestBookAt: NOW - 6000, lastTradeAt: NOW - 10 }))).toMatchObject({
      reason: "book_stale",
      bookStale: { BTCUSDT: true },
    });
    expect(judgeFeed(state({}, { quietestBookAt: NOW - 6000, lastTradeAt: NOW - 7000 })).healthy).toBe(true);
  });

  it("trips on the drop rate only from minDrops bad pushes and maxDropRate of the window", () => {
    const w = (malformed: number, missed: number, pushes = 1000) =>
      state({ window: { pushes, malformed, breaks: 0, missed } });
    expect(judgeFeed(w(2, 0, 100)).healthy).toBe(true);
    expect(judgeFeed(w(5, 4)).healthy).toBe(true);
    expect(judgeFeed(w(5, 5))).toMatchObject({
      reason: "drop_rate",
      detail: expect.stringMatching(/10 of 1000 pushes bad/),
    });
    expect(judgeFeed(w(5, 5), { ...DEFAULT_FEED_HEALTH, maxDropRate: 0.02 }).healthy).toBe(true);
  });
});

describe("DropWindow", () => {
  it("counts what happened in the last window and forgets older seconds", () => {
    const w = new DropWindow(3000);
    w.add(NOW, "malformed");
    w.add(NOW + 1000, "break");
    w.addMissed(NOW + 1500, 2);
    w.add(NOW + 2000);
    expect(w.counts(NOW + 2999)).toEqual({ pushes: 5, malformed: 1, breaks: 1, missed: 2 });
    expect(w.counts(NOW + 3000)).toEqual({ pushes: 4, malformed: 0, breaks: 1, missed: 2 });
    expect(w.counts(NOW + 60_000)).toEqual({ pushes: 0, malformed: 0, breaks: 0, missed: 0 });
  });
});
