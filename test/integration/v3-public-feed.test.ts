import { afterEach, describe, expect, it } from "vitest";
import { NodeSocketPort } from "../../cli/node-socket";
import { startVenue, type Venue } from "../../cli/venue/server";
import { type FeedHealth, PublicFeed, type PublicFeedOptions } from "../../shared/exchange/bitget/public-feed";
import type { MarketEvent } from "../../shared/market/events";
import { admin, realClock, realTimers, waitUntil } from "./venue-harness";

const BTC = { symbol: "BTCUSDT", tickSize: 0.1, sizeStep: 0.001, minSize: 0.001, minNotional: 5 };
const T0 = 1_700_000_000_000;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function venueWith(options: Parameters<typeof startVenue>[0]): Promise<Venue> {
  const venue = await startVenue({ log: () => {}, ...options });
  cleanups.push(() => venue.close());
  return venue;
}

/** The shared public feed in its v3 dialect on the venue's v3 public WebSocket. */
function v3Feed(venue: Venue, options: Partial<PublicFeedOptions> = {}) {
  const events: MarketEvent[] = [];
  const healths: FeedHealth[] = [];
  const feed = new PublicFeed({
    url: venue.urls.wsPublicV3,
    dialect: "v3",
    symbols: ["BTCUSDT"],
    socket: new NodeSocketPort(),
    clock: realClock,
    timers: realTimers,
    random: Math.random,
    backoff: { initialMs: 50, maxMs: 200 },
    onEvents: (e) => events.push(...e),
    onHealth: (h) => healths.push(h),
    ...options,
  });
  cleanups.push(() => feed.stop());
  feed.start();
  return { feed, events, healths };
}

const books15 = (ts: number, bid: string, ask: string) => ({
  action: "snapshot",
  arg: { instType: "USDT-FUTURES", channel: "books15", instId: "BTCUSDT" },
  data: [{ asks: [[ask, "1.000"]], bids: [[bid, "1.000"]], checksum: 0, seq: String(ts - T0), ts: String(ts) }],
  ts,
});

describe("PublicFeed with the v3 dialect against the venue's v3 public WebSocket", () => {
  it("subscribes publicTrade and books topics, and delivers trades and consistent books as with V2", async () => {
    const venue = await venueWith({ synthetic: { symbols: ["BTCUSDT"], seed: 3 }, speed: 20 });
    const p = v3Feed(venue);
    await waitUntil("trades and books arrive", () =>
      ["trade", "bookLevels", "bookTop"].every((k) => p.events.some((e) => e.kind === k)),
    );
    const h = p.feed.health();
    expect(h.subscribed).toEqual(expect.arrayContaining(["publicTrade:BTCUSDT", "books50:BTCUSDT", "books1:BTCUSDT"]));
    expect(h).toMatchObject({ dropped: 0, gaps: 0 });
    await waitUntil("books are healthy", () => p.feed.health().bookHealthy.BTCUSDT === true);
  });

  it("resyncs the incremental books topic after a push lost to the gap fault and recovers", async () => {
    const venue = await venueWith({ manual: { instruments: [BTC] } });
    await admin(venue, "/market", [books15(T0 + 1, "999.9", "1000.1")]);
    const p = v3Feed(venue, { channels: ["books"] });
    await waitUntil("the book is healthy", () => p.feed.health().bookHealthy.BTCUSDT === true);
    await admin(venue, "/market", [books15(T0 + 2, "999.9", "1000.2")]);
    await waitUntil("the update is merged", () => p.events.length >= 2);
    await admin(venue, "/faults", { gap: 1 });
    await admin(venue, "/market", [books15(T0 + 3, "999.9", "1000.3")]);
    await admin(venue, "/faults", { gap: 0 });
    await admin(venue, "/market", [books15(T0 + 4, "999.9", "1000.4")]);
    await waitUntil("the gap is seen", () => p.feed.health().gaps === 1);
    expect(p.feed.health().resyncs).toBe(1);
    await waitUntil("the book is healthy after the fresh snapshot", () => p.feed.health().bookHealthy.BTCUSDT === true);
    const last = p.events.at(-1);
    expect(last).toMatchObject({ kind: "bookLevels", asks: [[1000.4, 1]] });
  });
});
