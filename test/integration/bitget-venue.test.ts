import { afterEach, describe, expect, it } from "vitest";
import { NodeSocketPort } from "../../cli/node-socket";
import { NO_FAULTS } from "../../cli/venue/faults";
import { DEFAULT_CREDENTIALS, startVenue, type Venue } from "../../cli/venue/server";
import { BitgetBroker } from "../../shared/exchange/bitget/bitget-broker";
import { validateOrder } from "../../shared/exchange/bitget/order-rules";
import { placeOrderOnce } from "../../shared/exchange/bitget/place-order-once";
import { PrivateFeed, type PrivateFeedHealth } from "../../shared/exchange/bitget/private-feed";
import { type FeedHealth, PublicFeed, type PublicFeedOptions } from "../../shared/exchange/bitget/public-feed";
import { BitgetError } from "../../shared/exchange/bitget/rest-errors";
import type { FetchLike } from "../../shared/exchange/bitget/rest-transport";
import type { Fill } from "../../shared/execution/orders";
import { testBrokerContract } from "../../shared/execution/testing/broker-contract";
import { testStopContract } from "../../shared/execution/testing/stop-contract";
import type { MarketEvent } from "../../shared/market/events";
import type { Instrument } from "../../shared/market/instrument";
import {
  admin,
  liveBrokerHarness,
  pushesOf,
  realClock,
  realTimers,
  venuePrivateFeed,
  venueRest,
  waitUntil,
} from "./venue-harness";

const BTC: Instrument = { symbol: "BTCUSDT", tickSize: 0.1, sizeStep: 0.001, minSize: 0.001, minNotional: 5 };
const DOGE: Instrument = { symbol: "DOGEUSDT", tickSize: 0.00001, sizeStep: 1, minSize: 10, minNotional: 5 };
const T0 = 1_700_000_000_000;

/** A two-sided book around 1000 (bid 999.9, ask 1000.1) as the manual market's first events. */
function book(ts: number, seq: string): MarketEvent[] {
  return [
    {
      kind: "bookLevels",
      symbol: "BTCUSDT",
      ts,
      seq,
      bids: [
        [999.9, 1],
        [999.8, 2],
      ],
      asks: [
        [1000.1, 1],
        [1000.2, 2],
      ],
    },
    { kind: "bookTop", symbol: "BTCUSDT", ts, seq, bidPrice: 999.9, bidSize: 1, askPrice: 1000.1, askSize: 1 },
  ];
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function venueWith(options: Parameters<typeof startVenue>[0]): Promise<Venue> {
  const venue = await startVenue({ log: () => {}, ...options });
  cleanups.push(() => venue.close());
  return venue;
}

/** A public feed on the venue over a real socket, collecting events and health. */
function publicFeed(venue: Venue, options: Partial<PublicFeedOptions> = {}) {
  const events: MarketEvent[] = [];
  const healths: FeedHealth[] = [];
  const feed = new PublicFeed({
    url: venue.urls.wsPublic,
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
  const trades = () => events.filter((e) => e.kind === "trade").length;
  return { feed, events, healths, trades };
}

describe("PublicFeed against the venue", () => {
  it("reconnects after the venue drops the connection and resubscribes, so trades flow again", async () => {
    const venue = await venueWith({ synthetic: { symbols: ["BTCUSDT"], seed: 3 }, speed: 20 });
    const p = publicFeed(venue);
    await waitUntil("trades arrive", () => p.trades() > 0);
    expect(await admin(venue, "/drop")).toEqual({ dropped: 1 });
    await waitUntil("the feed has reconnected", () => p.feed.health().reconnects >= 1 && p.feed.health().connected);
    const before = p.trades();
    await waitUntil("trades flow again", () => p.trades() > before);
    const h = p.feed.health();
    expect(h.subscribed).toEqual(expect.arrayContaining(["trade:BTCUSDT", "books15:BTCUSDT", "books1:BTCUSDT"]));
    expect(h.lastDisconnect).toMatch(/closed 1006/);
    await waitUntil("books are healthy again", () => p.feed.health().bookHealthy.BTCUSDT === true);
  });

  it("reports a stalled feed as stale, reconnects, and receives data again once the stall ends", async () => {
    const venue = await venueWith({ synthetic: { symbols: ["BTCUSDT"], seed: 4 }, speed: 20 });
    const p = publicFeed(venue, { staleAfterMs: 600, pingIntervalMs: 60_000 });
    await waitUntil("trades arrive", () => p.trades() > 0);
    await admin(venue, "/faults", { stall: 2000 });
    const stalledAt = p.events.length;
    await waitUntil(
      "the feed is seen stale",
      () => p.healths.some((h) => h.lastDisconnect === "stale feed" && h.state === "backoff"),
      3000,
    );
    await waitUntil("the feed connects again", () => p.feed.health().reconnects >= 1);
    await waitUntil(
      "data flows after the stall",
      () => p.events.length > stalledAt + 5 && p.feed.health().connected,
      5000,
    );
    await admin(venue, "/faults", { stall: 0 });
  });

  it("resyncs a books subscription after a sequence gap and is healthy again once the fault is cleared", async () => {
    const venue = await venueWith({ manual: { instruments: [BTC] } });
    const raw = (seq: number, pseq: number, ask: string) => ({
      action: "update",
      arg: { instType: "USDT-FUTURES", channel: "books", instId: "BTCUSDT" },
      data: [
        {
          asks: [[ask, "1.000"]],
          bids: [["999.9", "1.000"]],
          checksum: 0,
          seq: String(seq),
          pseq: String(pseq),
          ts: String(T0 + seq),
        },
      ],
      ts: T0 + seq,
    });
    await admin(venue, "/market", pushesOf(book(T0 + 1, "1"), BTC));
    const p = publicFeed(venue, { channels: ["books"] });
    await waitUntil("the book is healthy", () => p.feed.health().bookHealthy.BTCUSDT === true);
    await admin(venue, "/market", [raw(2, 1, "1000.2")]);
    await waitUntil("the update is merged", () => p.events.length >= 2);
    await admin(venue, "/faults", { gap: 1 });
    await admin(venue, "/market", [raw(3, 2, "1000.3")]);
    await admin(venue, "/faults", { gap: 0 });
    expect(p.feed.health()).toMatchObject({ gaps: 0, resyncs: 0 });
    await admin(venue, "/market", [raw(4, 3, "1000.4")]);
    await waitUntil("the gap is seen", () => p.feed.health().gaps === 1);
    expect(p.healths.some((h) => h.gaps === 1 && h.bookHealthy.BTCUSDT === false)).toBe(true);
    expect(p.feed.health().resyncs).toBe(1);
    await waitUntil("the book is healthy after the fresh snapshot", () => p.feed.health().bookHealthy.BTCUSDT === true);
  });

  it("counts and drops malformed frames and keeps delivering the good ones", async () => {
    const venue = await venueWith({ synthetic: { symbols: ["BTCUSDT"], seed: 5 }, speed: 20 });
    const p = publicFeed(venue);
    await waitUntil("trades arrive", () => p.trades() > 0);
    await admin(venue, "/faults", { malformed: 0.5 });
    const during = p.events.length;
    await waitUntil("malformed frames are dropped", () => p.feed.health().dropped >= 5);
    await waitUntil("good frames still arrive", () => p.events.length > during + 5);
    expect(p.feed.health()).toMatchObject({ connected: true, lastDropReason: "frame is not JSON" });
    await admin(venue, "/faults", { malformed: 0 });
    const after = p.events.length;
    await waitUntil("events keep flowing", () => p.events.length > after + 5);
  });
});

describe("REST and private WebSocket authentication against the venue", () => {
  it("refuses a wrong key, a wrong secret and a wrong passphrase with Bitget's codes as typed auth errors", async () => {
    const venue = await venueWith({ manual: { instruments: [BTC] } });
    const cases = [
      { credentials: { ...DEFAULT_CREDENTIALS, apiKey: "wrong-key" }, code: "40006" },
      { credentials: { ...DEFAULT_CREDENTIALS, apiSecret: "wrong-secret-value" }, code: "40009" },
      { credentials: { ...DEFAULT_CREDENTIALS, passphrase: "wrong-pass-value" }, code: "40012" },
    ];
    for (const c of cases) {
      const error = await venueRest(venue, { credentials: c.credentials })
        .getAccounts()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BitgetError);
      expect(error).toMatchObject({
        kind: "auth",
        code: c.code,
        status: 400,
        endpoint: "/api/v2/mix/account/accounts",
      });
      const text = `${(error as Error).message} ${JSON.stringify(error)}`;
      expect(text).not.toContain(c.credentials.apiSecret);
      expect(text).not.toContain(c.credentials.passphrase);
    }
    expect((await venueRest(venue).getAccounts())[0]).toMatchObject({ marginCoin: "USDT", available: 10_000 });
  });

  it("shows a private login refused for a wrong secret in health without crashing, and logs in with the right one", async () => {
    const venue = await venueWith({ manual: { instruments: [BTC] } });
    const healths: PrivateFeedHealth[] = [];
    const bad = new PrivateFeed({
      url: venue.urls.wsPrivate,
      credentials: { ...DEFAULT_CREDENTIALS, apiSecret: "not-the-secret" },
      socket: new NodeSocketPort(),
      clock: realClock,
      timers: realTimers,
      random: Math.random,
      backoff: { initialMs: 5000, maxMs: 5000 },
      onEvents: () => {},
      onHealth: (h) => healths.push(h),
    });
    cleanups.push(() => bad.stop());
    bad.start();
    await waitUntil("the login is refused", () => bad.health().loginFailures === 1);
    expect(bad.health()).toMatchObject({
      state: "backoff",
      loggedIn: false,
      lastLoginError: { code: "30005", message: "Invalid sign" },
    });
    expect(JSON.stringify(healths)).not.toContain("not-the-secret");
    const good = await venuePrivateFeed(venue, { onEvents: () => {} });
    cleanups.push(() => good.stop());
    expect(good.health()).toMatchObject({ state: "ready", loggedIn: true, loginFailures: 0 });
  });
});

describe("orders against the venue", () => {
  async function tradingVenue() {
    const venue = await venueWith({ manual: { instruments: [BTC] } });
    await admin(venue, "/market", pushesOf(book(T0, "1"), BTC));
    return venue;
  }

  it("places once when the venue accepts the order but the answer times out: the clientOid lookup finds it", async () => {
    const venue = await tradingVenue();
    const rest = venueRest(venue, { timeoutMs: 300 });
    const checked = validateOrder(BTC, {
      symbol: "BTCUSDT",
      side: "buy",
      orderType: "limit",
      price: 999.5,
      size: 0.01,
      force: "post_only",
      clientOid: "BTC-idem-1",
      marginMode: "crossed",
    });
    if (!checked.ok) throw new Error(checked.detail);
    await admin(venue, "/faults", { "rest-timeout": 1 });
    const result = await placeOrderOnce(rest, checked.order, {
      settleMs: 1,
      sleep: async () => void (await admin(venue, "/faults", { "rest-timeout": 0 })),
    });
    expect(result).toMatchObject({
      outcome: "found",
      attempts: 1,
      order: { clientOid: "BTC-idem-1", state: "live", size: 0.01, price: 999.5 },
    });
    const open = await rest.getOpenOrders("BTCUSDT");
    expect(open.orders.map((o) => o.clientOid)).toEqual(["BTC-idem-1"]);
    expect((await rest.getFills({ symbol: "BTCUSDT" })).fills).toEqual([]);
  });

  it("gives the broker one order and ok when its placement times out at the venue", async () => {
    const venue = await tradingVenue();
    const rest = venueRest(venue, { timeoutMs: 300 });
    const fills: Fill[] = [];
    const broker = new BitgetBroker({
      rest,
      instruments: [BTC],
      onFill: (f) => fills.push(f),
      placeOnce: { settleMs: 1, sleep: async () => void (await admin(venue, "/faults", { "rest-timeout": 0 })) },
    });
    await admin(venue, "/faults", { "rest-timeout": 1 });
    const placed = await broker.place({
      clientOid: "BTC-idem-2",
      symbol: "BTCUSDT",
      side: "sell",
      type: "postOnly",
      price: 1000.5,
      size: 0.01,
      reduceOnly: false,
      ts: T0,
    });
    expect(placed).toEqual({ ok: true, clientOid: "BTC-idem-2" });
    expect(await broker.order("BTCUSDT", "BTC-idem-2")).toMatchObject({
      status: "open",
      filledSize: 0,
      remainingSize: 0.01,
    });
    expect((await rest.getOpenOrders("BTCUSDT")).orders).toHaveLength(1);
    await admin(venue, "/faults", { ...NO_FAULTS });
  });

  it("refuses orders off the size step or below the minimum notional before sending any request", async () => {
    const venue = await tradingVenue();
    let requests = 0;
    const counting: FetchLike = (url, init) => {
      requests++;
      return globalThis.fetch(url, init);
    };
    const broker = new BitgetBroker({
      rest: venueRest(venue, { fetch: counting }),
      instruments: [BTC],
      onFill: () => {},
    });
    const base = { symbol: "BTCUSDT", side: "buy" as const, type: "postOnly" as const, reduceOnly: false, ts: T0 };
    const offStep = await broker.place({ ...base, clientOid: "v1", price: 999.5, size: 0.0105 });
    expect(offStep).toMatchObject({
      ok: false,
      reason: "exchange_error",
      detail: expect.stringMatching(/^size_not_on_step/),
    });
    const tooSmall = await broker.place({ ...base, clientOid: "v2", price: 999.5, size: 0.004 });
    expect(tooSmall).toMatchObject({
      ok: false,
      reason: "size_below_minimum",
      detail: expect.stringMatching(/^notional_below_minimum/),
    });
    const offTick = await broker.place({ ...base, clientOid: "v3", price: 999.55, size: 0.01 });
    expect(offTick).toMatchObject({
      ok: false,
      reason: "exchange_error",
      detail: expect.stringMatching(/^price_not_on_tick/),
    });
    expect(await broker.order("BTCUSDT", "v2")).toMatchObject({
      status: "rejected",
      reason: "size_below_minimum",
      filledSize: 0,
    });
    expect(requests).toBe(0);
  });

  it("translates Bitget's refusals: 429 → rate_limited, balance → insufficient_margin", async () => {
    const venue = await tradingVenue();
    const broker = new BitgetBroker({ rest: venueRest(venue), instruments: [BTC], onFill: () => {} });
    const o = { symbol: "BTCUSDT", side: "buy" as const, type: "market" as const, reduceOnly: false, ts: T0 };
    expect(await broker.place({ ...o, clientOid: "big", size: 500 })).toMatchObject({
      ok: false,
      reason: "insufficient_margin",
    });
    await admin(venue, "/faults", { "rest-429": 1 });
    expect(await broker.place({ ...o, clientOid: "r1", size: 0.01 })).toMatchObject({
      ok: false,
      reason: "rate_limited",
    });
    await admin(venue, "/faults", { "rest-429": 0 });
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect(await broker.place({ ...o, clientOid: "r1", size: 0.01 })).toEqual({ ok: true, clientOid: "r1" });
  });

  it("delivers a fill missed while the private feed was down once, through REST, and not again after the feed is back", async () => {
    const venue = await tradingVenue();
    const fills: Fill[] = [];
    const broker = new BitgetBroker({ rest: venueRest(venue), instruments: [BTC], onFill: (f) => fills.push(f) });
    const feed = await venuePrivateFeed(venue, {
      onEvents: (e) => broker.onPrivate(e),
      onReady: () => void broker.reconcile(),
    });
    cleanups.push(() => feed.stop());
    const o = {
      symbol: "BTCUSDT",
      side: "buy" as const,
      type: "market" as const,
      reduceOnly: false,
      ts: T0,
      size: 0.01,
    };
    await broker.place({ ...o, clientOid: "ws-1" });
    await feed.barrier();
    expect(fills.map((f) => [f.clientOid, f.final, f.liquidity])).toEqual([["ws-1", true, "taker"]]);
    feed.stop();
    await broker.place({ ...o, clientOid: "rest-1" });
    expect(fills).toHaveLength(1);
    await broker.reconcile();
    expect(fills.map((f) => f.clientOid)).toEqual(["ws-1", "rest-1"]);
    feed.start();
    await waitUntil("the feed is ready again", () => feed.health().state === "ready");
    await broker.reconcile();
    await feed.barrier();
    expect(fills.map((f) => f.clientOid)).toEqual(["ws-1", "rest-1"]);
    expect(fills[1]).toMatchObject({
      price: 1000.1,
      size: 0.01,
      final: true,
      fee: expect.closeTo(0.01 * 1000.1 * 0.0006, 9),
    });
  });
});

testBrokerContract("BitgetBroker on the venue, fills over the private WebSocket,", () =>
  liveBrokerHarness(BTC, "websocket"),
);
testBrokerContract("BitgetBroker on the venue, fills by REST polling,", () => liveBrokerHarness(BTC, "rest"));
testStopContract("BitgetBroker (Classic V2) on the venue,", async () => {
  const h = await liveBrokerHarness(BTC, "rest");
  return { ...h, stops: h.broker as BitgetBroker };
});
testBrokerContract("BitgetBroker on the venue, coarse grid,", () => liveBrokerHarness(DOGE, "websocket", 0.1234));
