import { describe, expect, it } from "vitest";
import type { FeedHealth } from "../../shared/exchange/bitget/public-feed";
import { GapTracker } from "./gap-tracker";

function health(
  state: FeedHealth["state"],
  lastFrameAt: number | null,
  lastDisconnect: string | null = null,
): FeedHealth {
  return {
    healthy: state === "open",
    reason: state === "open" ? null : "disconnected",
    detail: null,
    bookStale: {},
    lastDataAt: lastFrameAt,
    lastDataAgeMs: null,
    lagMs: null,
    dropWindow: { pushes: 0, malformed: 0, breaks: 0, missed: 0, rate: 0 },
    missedPushes: 0,
    state,
    connected: state === "open",
    lastFrameAt,
    lastFrameAgeMs: null,
    reconnects: 0,
    gaps: 0,
    checksumFailures: 0,
    resyncs: 0,
    stale: 0,
    dropped: 0,
    lastDropReason: null,
    duplicates: 0,
    errors: 0,
    lastError: null,
    lastDisconnect,
    bookHealthy: {},
    subscribed: [],
  };
}

describe("GapTracker", () => {
  it("reports no gap before the first connection, however long it takes", () => {
    const g = new GapTracker();
    expect(g.observe(health("connecting", null), 0)).toBeNull();
    expect(g.observe(health("backoff", null, "connect failed: refused"), 10)).toBeNull();
    expect(g.observe(health("open", null), 900)).toBeNull();
    expect(g.open).toBe(false);
  });

  it("spans a lost connection from its last frame to the next open, across failed attempts", () => {
    const g = new GapTracker();
    g.observe(health("open", null), 1000);
    expect(g.observe(health("backoff", 5000, "closed 1006"), 5200)).toBeNull();
    expect(g.open).toBe(true);
    expect(g.observe(health("connecting", 5000, "closed 1006"), 5700)).toBeNull();
    expect(g.observe(health("backoff", 5000, "connect failed: refused"), 5701)).toBeNull();
    expect(g.observe(health("open", 5000, "connect failed: refused"), 6500)).toEqual({
      from: 5000,
      to: 6500,
      reason: "closed 1006",
    });
    expect(g.open).toBe(false);
  });

  it("starts the gap at the silence when a stale connection is dropped late", () => {
    const g = new GapTracker();
    g.observe(health("open", null), 1000);
    g.observe(health("backoff", 2000, "stale feed"), 17_000);
    expect(g.observe(health("open", 2000), 17_500)).toEqual({ from: 2000, to: 17_500, reason: "stale feed" });
  });

  it("reopens the last gap when the connection that ended it dies without a frame", () => {
    const g = new GapTracker();
    g.observe(health("open", null), 1000);
    g.observe(health("backoff", 3000, "closed 1006"), 3100);
    expect(g.observe(health("open", 3000), 3600)).toEqual({ from: 3000, to: 3600, reason: "closed 1006" });
    g.observe(health("backoff", 3000, "closed 1011"), 3700);
    expect(g.observe(health("open", 3000), 4400)).toEqual({ from: 3000, to: 4400, reason: "closed 1006" });
    g.observe(health("backoff", 5000, "closed 1012"), 5100);
    expect(g.observe(health("open", 5000), 5300)).toEqual({ from: 5000, to: 5300, reason: "closed 1012" });
  });

  it("closes an open gap when the recorder stops, and ignores the feed's own stop", () => {
    const g = new GapTracker();
    g.observe(health("open", null), 1000);
    expect(g.observe(health("stopped", 1000), 1500)).toBeNull();
    expect(g.open).toBe(false);
    expect(g.finish(2000)).toBeNull();
    const h = new GapTracker();
    h.observe(health("open", null), 1000);
    h.observe(health("backoff", 1500, "pong timeout"), 1600);
    expect(h.finish(9000)).toEqual({
      from: 1500,
      to: 9000,
      reason: "pong timeout (not reconnected before the recorder stopped)",
    });
    expect(h.observe(health("stopped", 1500), 9001)).toBeNull();
    expect(h.open).toBe(false);
  });
});
