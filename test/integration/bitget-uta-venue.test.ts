import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_CREDENTIALS, startVenue, type Venue } from "../../cli/venue/server";
import type { PlaceAttempt } from "../../cli/venue/exchange-core";
import { describeAccountModeRefusal } from "../../shared/exchange/bitget/account-mode";
import { netPosition } from "../../shared/exchange/bitget/bitget-account";
import { BitgetRestClient } from "../../shared/exchange/bitget/rest-client";
import { UtaBrokerRest } from "../../shared/exchange/bitget/uta/uta-broker-rest";
import type { FetchLike } from "../../shared/exchange/bitget/rest-transport";
import { UtaRestClient } from "../../shared/exchange/bitget/uta/uta-rest-client";
import type { Fill } from "../../shared/execution/orders";
import { testBrokerContract } from "../../shared/execution/testing/broker-contract";
import { testStopContract } from "../../shared/execution/testing/stop-contract";
import type { MarketEvent } from "../../shared/market/events";
import type { Instrument } from "../../shared/market/instrument";
import { admin, pushesOf, venueRest, waitUntil } from "./venue-harness";
import {
  accountBrokerHarness,
  accountFeed,
  type AccountHarness,
  mustOpen,
  openVenueAccount,
} from "./uta-venue-harness";

const BTC: Instrument = { symbol: "BTCUSDT", tickSize: 0.1, sizeStep: 0.001, minSize: 0.001, minNotional: 5 };
const DOGE: Instrument = { symbol: "DOGEUSDT", tickSize: 0.00001, sizeStep: 1, minSize: 10, minNotional: 5 };
const T0 = 1_700_000_000_000;
const UTA_KEY = { apiKey: "uta-key", apiSecret: "uta-secret", passphrase: "uta-pass" };

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A two-sided book around 1000 (bid 999.9 × 1, ask 1000.1 × 1). */
function book(ts: number, seq: string): MarketEvent[] {
  const bids: [number, number][] = [
    [999.9, 1],
    [999.8, 2],
  ];
  const asks: [number, number][] = [
    [1000.1, 1],
    [1000.2, 2],
  ];
  return [
    { kind: "bookLevels", symbol: "BTCUSDT", ts, seq, bids, asks },
    { kind: "bookTop", symbol: "BTCUSDT", ts, seq, bidPrice: 999.9, bidSize: 1, askPrice: 1000.1, askSize: 1 },
  ];
}

async function utaHarness(path: "websocket" | "rest" = "websocket"): Promise<AccountHarness> {
  const h = await accountBrokerHarness(BTC, "uta", path);
  cleanups.push(() => h.close?.());
  await h.feed(book(T0, "1"));
  return h;
}

describe("account-mode detection at the venue", () => {
  async function twoKeyVenue(): Promise<Venue> {
    const venue = await startVenue({
      manual: { instruments: [BTC] },
      keys: [
        { credentials: DEFAULT_CREDENTIALS, accountMode: "classic" },
        { credentials: UTA_KEY, accountMode: "uta" },
      ],
      log: () => {},
    });
    cleanups.push(() => venue.close());
    return venue;
  }

  it("gives a Classic key the Classic account and a UTA key the UTA account", async () => {
    const venue = await twoKeyVenue();
    expect((await mustOpen(venue, DEFAULT_CREDENTIALS)).accountMode).toBe("classic");
    expect((await mustOpen(venue, UTA_KEY)).accountMode).toBe("uta");
  });

  it("refuses a key the venue does not know (40006) with the code and message, and no secret", async () => {
    const venue = await twoKeyVenue();
    const bad = { apiKey: "nobody", apiSecret: "nobody-secret", passphrase: "nobody-pass" };
    const r = await openVenueAccount(venue, bad);
    expect(r).toMatchObject({ ok: false, refusal: { kind: "auth", code: "40006" } });
    if (r.ok) return;
    const line = describeAccountModeRefusal(r.refusal);
    expect(line).toMatch(/^live trading refused: Bitget account mode unknown, code 40006: /);
    expect(line).not.toContain("nobody-secret");
  });

  it("refuses a wrong secret (bad signature) instead of guessing Classic", async () => {
    const venue = await twoKeyVenue();
    const r = await openVenueAccount(venue, { ...UTA_KEY, apiSecret: "not-the-secret" });
    expect(r).toMatchObject({ ok: false, refusal: { kind: "auth" } });
  });

  it("refuses when the probe's answers time out", async () => {
    const venue = await twoKeyVenue();
    await admin(venue, "/faults", { "rest-timeout": 1 });
    const r = await openVenueAccount(venue, UTA_KEY, { timeoutMs: 200 });
    expect(r).toMatchObject({ ok: false, refusal: { kind: "timeout", code: null } });
  });
});

describe("a Classic account opened by the factory at the venue", () => {
  it("shows its mode and one-way hold mode, equity, the contract's fee rates, and its position", async () => {
    const h = await accountBrokerHarness(BTC, "classic", "websocket");
    cleanups.push(() => h.close?.());
    await h.feed(book(T0, "1"));
    expect(await h.account.summary("BTCUSDT")).toMatchObject({ accountMode: "classic", holdMode: "one_way_mode" });
    expect(await h.account.equity()).toMatchObject({ equity: 10_000, available: 10_000 });
    expect(await h.account.fees("BTCUSDT")).toEqual({ maker: 0.0002, taker: 0.0006 });
    await h.broker.place({
      clientOid: "c-open-1",
      symbol: "BTCUSDT",
      side: "sell",
      type: "market",
      size: 0.02,
      reduceOnly: false,
      ts: T0,
    });
    await h.settle?.();
    expect(netPosition(await h.account.positions("BTCUSDT"), "BTCUSDT")).toBeCloseTo(-0.02, 9);
    expect(h.broker.mode).toBe("live");
  });

  it("refuses a UTA key's V2 calls as auth (40085) if it ever reached them", async () => {
    const venue = await startVenue({ manual: { instruments: [BTC] }, accountMode: "uta", log: () => {} });
    cleanups.push(() => venue.close());
    const rest = venueRest(venue);
    await expect(rest.getAccounts()).rejects.toMatchObject({ kind: "auth", code: "40085" });
  });
});

describe("a UTA account at the venue", () => {
  it("keeps encoding one-way orders when the exchange refuses hedge mode (25010)", async () => {
    const h = await utaHarness();
    await expect(h.account.setHoldMode("hedge_mode")).rejects.toMatchObject({ code: "25010" });
    expect((await h.account.summary("BTCUSDT")).holdMode).toBe("one_way_mode");
  });

  it("shows its mode, hold mode, margin mode and leverage, equity, fee rates and no position", async () => {
    const h = await utaHarness();
    expect(await h.account.summary("BTCUSDT")).toMatchObject({
      accountMode: "uta",
      trading: "live",
      holdMode: "one_way_mode",
      marginMode: "crossed",
    });
    await h.account.setLeverage("BTCUSDT", 7);
    expect((await h.account.summary("BTCUSDT")).leverage).toBe(7);
    expect(await h.account.equity()).toMatchObject({ equity: 10_000, available: 10_000 });
    expect(await h.account.fees("BTCUSDT")).toEqual({ maker: 0.0002, taker: 0.0006 });
    expect(await h.account.positions()).toEqual([]);
  });

  it("opens and closes a position with the market orders of one-way mode, fees positive on both legs", async () => {
    const h = await utaHarness();
    const o = { symbol: "BTCUSDT", type: "market" as const, ts: T0, size: 0.01 };
    await h.broker.place({ ...o, clientOid: "open-1", side: "buy", reduceOnly: false });
    await h.settle?.();
    expect(netPosition(await h.account.positions("BTCUSDT"), "BTCUSDT")).toBeCloseTo(0.01, 9);
    await h.broker.place({ ...o, clientOid: "close-1", side: "sell", reduceOnly: true });
    await h.settle?.();
    expect(await h.account.positions("BTCUSDT")).toEqual([]);
    expect(h.fills.map((f) => [f.clientOid, f.side, f.final])).toEqual([
      ["open-1", "buy", true],
      ["close-1", "sell", true],
    ]);
    for (const f of h.fills) expect(f.fee).toBeCloseTo(f.price * f.size * 0.0006, 9);
  });
});

/**
 * The cases #13 names beside the shared contract, for each account system over loopback: the same
 * broker port, the venue's key of that mode. They differ only where the exchanges do: Classic V2
 * refuses a crossing post-only order at once (its refusal code), UTA v3 accepts it and cancels it
 * (`post_only_fill_cancel`), which must reach the runner at once through `onOrderDone`.
 */
describe.each([
  { mode: "classic", crossingAccepted: false },
  { mode: "uta", crossingAccepted: true },
] as const)("a $mode broker at the venue over loopback", ({ mode, crossingAccepted }) => {
  async function harness(path: "websocket" | "rest" = "websocket"): Promise<AccountHarness> {
    const h = await accountBrokerHarness(BTC, mode, path);
    cleanups.push(() => h.close?.());
    await h.feed(book(T0, "1"));
    return h;
  }

  /** A venue of one key of `mode` whose every place-order call the core saw is in `placed`. */
  async function loggedVenue() {
    const placed: PlaceAttempt[] = [];
    const venue = await startVenue({
      manual: { instruments: [BTC] },
      accountMode: mode,
      onPlace: (_, a) => placed.push(a),
      log: () => {},
    });
    cleanups.push(() => venue.close());
    await admin(venue, "/market", pushesOf(book(T0, "1"), BTC));
    return { venue, placed };
  }

  /** The open orders at the venue, as another client of the account reads them. */
  async function openAtVenue(venue: Venue): Promise<(string | null)[]> {
    const common = { baseUrl: venue.urls.rest, credentials: DEFAULT_CREDENTIALS, now: Date.now, random: Math.random };
    const rest = mode === "uta" ? new UtaBrokerRest(new UtaRestClient(common)) : new BitgetRestClient(common);
    return (await rest.getOpenOrders("BTCUSDT")).orders.map((o) => o.clientOid);
  }

  const resting = {
    symbol: "BTCUSDT",
    side: "sell" as const,
    type: "postOnly" as const,
    price: 1000.5,
    size: 0.01,
    reduceOnly: false,
    ts: T0,
  };

  it("ends a crossing post-only order at once with no fill: refused by place (Classic) or done-without-fill through onOrderDone (UTA)", async () => {
    const h = await harness();
    const placed = await h.broker.place({ ...resting, clientOid: "px-1", side: "buy", price: 1000.1 });
    await h.settle?.();
    expect(placed.ok).toBe(crossingAccepted);
    if (placed.ok)
      expect(h.done).toEqual([
        expect.objectContaining({ clientOid: "px-1", status: "rejected", reason: "post_only_would_cross" }),
      ]);
    else expect(placed.reason).toBe("post_only_would_cross");
    expect(await h.broker.order("BTCUSDT", "px-1")).toMatchObject({ status: "rejected", filledSize: 0 });
    expect(h.fills).toEqual([]);
  });

  it("fills a resting order partly, then completely, each fill once", async () => {
    const h = await harness();
    await h.broker.place({ ...resting, clientOid: "part-1", side: "buy", price: 999.9, size: 0.5 });
    const trade = (ts: number, size: number): MarketEvent => ({
      kind: "trade",
      symbol: "BTCUSDT",
      ts,
      price: 999.9,
      size,
      side: "sell",
      id: `t${ts}`,
    });
    await h.feed([trade(T0 + 1000, 1.2)]);
    await h.settle?.();
    expect(await h.broker.order("BTCUSDT", "part-1")).toMatchObject({
      status: "open",
      filledSize: 0.2,
      remainingSize: 0.3,
    });
    await h.feed([trade(T0 + 2000, 1)]);
    await h.settle?.();
    await h.broker.reconcile();
    expect(h.fills.map((f) => [f.size, f.final, f.liquidity])).toEqual([
      [0.2, false, "maker"],
      [0.3, true, "maker"],
    ]);
    expect(await h.broker.order("BTCUSDT", "part-1")).toMatchObject({ status: "filled", filledSize: 0.5 });
  });

  it("places once when the placement is accepted but its answer times out: the clientOid lookup finds it, no resend", async () => {
    const { venue, placed: calls } = await loggedVenue();
    const account = await mustOpen(venue, DEFAULT_CREDENTIALS, 300);
    const broker = account.broker({
      instruments: [BTC],
      onFill: () => {},
      placeOnce: { settleMs: 1, sleep: async () => void (await admin(venue, "/faults", { "rest-timeout": 0 })) },
    });
    await admin(venue, "/faults", { "rest-timeout": 1 });
    expect(await broker.place({ ...resting, clientOid: "idem-1" })).toEqual({ ok: true, clientOid: "idem-1" });
    expect(await broker.order("BTCUSDT", "idem-1")).toMatchObject({ status: "open", remainingSize: 0.01 });
    expect(await openAtVenue(venue)).toEqual(["idem-1"]);
    expect(calls.map((c) => [c.clientOid, c.code])).toEqual([["idem-1", null]]);
  });

  it("looks up by clientOid after a 5xx before placing again, and ends with one order", async () => {
    const { venue, placed: calls } = await loggedVenue();
    const account = await mustOpen(venue, DEFAULT_CREDENTIALS, 300);
    let lookups = 0;
    const broker = account.broker({
      instruments: [BTC],
      onFill: () => {},
      placeOnce: {
        settleMs: 1,
        sleep: async () => {
          lookups++;
          await admin(venue, "/faults", { "rest-5xx": 0 });
        },
      },
    });
    await admin(venue, "/faults", { "rest-5xx": 1 });
    expect(await broker.place({ ...resting, clientOid: "5xx-1" })).toEqual({ ok: true, clientOid: "5xx-1" });
    // The 5xx was refused before the core saw it; the lookup found nothing, so the one resend is the only order.
    expect(lookups).toBeGreaterThan(0);
    expect(calls.map((c) => [c.clientOid, c.code])).toEqual([["5xx-1", null]]);
    expect(await openAtVenue(venue)).toEqual(["5xx-1"]);
  });

  it("refuses a second order with a clientOid still pending at the exchange, from a second broker", async () => {
    const h = await harness();
    const o = { ...resting, clientOid: "dup-1", side: "buy" as const, price: 999.5 };
    expect(await h.broker.place(o)).toEqual({ ok: true, clientOid: "dup-1" });
    const other = h.account.broker({ instruments: [h.instrument], onFill: () => {}, placeOnce: { settleMs: 1 } });
    expect(await other.place({ ...o, size: 0.02 })).toMatchObject({ ok: false, reason: "duplicate_client_oid" });
    expect(await other.order("BTCUSDT", "dup-1")).toMatchObject({ status: "open", remainingSize: 0.01 });
    expect(await openAtVenue(h.venue)).toEqual(["dup-1"]);
  });

  it("trades in demo mode: every REST call carries paptrading: 1, the broker and account say demo, the private feed is ready", async () => {
    const { venue, placed: calls } = await loggedVenue();
    const headers: Record<string, string>[] = [];
    const recording: FetchLike = (url, init) => (headers.push(init.headers), globalThis.fetch(url, init));
    const r = await openVenueAccount(venue, DEFAULT_CREDENTIALS, { trading: "demo", fetch: recording });
    if (!r.ok) throw new Error(JSON.stringify(r.refusal));
    expect(r.account).toMatchObject({ trading: "demo", accountMode: mode });
    const fills: Fill[] = [];
    const broker = r.account.broker({ instruments: [BTC], onFill: (f) => fills.push(f) });
    expect(broker.mode).toBe("demo");
    expect(await broker.place({ ...resting, clientOid: "demo-1", type: "market", side: "buy" })).toMatchObject({
      ok: true,
    });
    await broker.reconcile();
    expect(fills.map((f) => f.clientOid)).toEqual(["demo-1"]);
    expect(calls.map((c) => c.clientOid)).toEqual(["demo-1"]);
    expect(headers.length).toBeGreaterThan(2);
    expect(headers.every((h) => h.paptrading === "1")).toBe(true);
    const feed = await accountFeed(r.account, { onEvents: () => {} });
    cleanups.push(() => feed.stop());
    expect(feed.health()).toMatchObject({ state: "ready", subscribed: ["orders", "fill", "positions", "account"] });
  });

  it("delivers fills missed while the private feed was down once, through the reconcile on reconnect", async () => {
    const h = await harness();
    const fills: Fill[] = h.fills;
    const feed = h.feedOf;
    if (!feed) throw new Error("websocket harness has a feed");
    const o = {
      symbol: "BTCUSDT",
      side: "buy" as const,
      type: "market" as const,
      reduceOnly: false,
      ts: T0,
      size: 0.01,
    };
    await h.broker.place({ ...o, clientOid: "ws-1" });
    await feed.barrier();
    expect(fills.map((f) => f.clientOid)).toEqual(["ws-1"]);
    feed.stop();
    await h.broker.place({ ...o, clientOid: "gap-1" });
    expect(fills.map((f) => f.clientOid)).toEqual(["ws-1"]);
    feed.start();
    await waitUntil("the missed fill arrives through the reconcile on reconnect", () => fills.length === 2);
    await feed.barrier();
    await h.broker.reconcile();
    expect(fills.map((f) => [f.clientOid, f.final])).toEqual([
      ["ws-1", true],
      ["gap-1", true],
    ]);
  });
});

testBrokerContract("UTA broker on the venue, fills over the private WebSocket,", () =>
  accountBrokerHarness(BTC, "uta", "websocket"),
);
testBrokerContract("UTA broker on the venue, fills by REST polling,", () => accountBrokerHarness(BTC, "uta", "rest"));
testStopContract("UTA broker (v3) on the venue,", async () => {
  const h = await accountBrokerHarness(BTC, "uta", "rest");
  return { ...h, stops: h.broker };
});
testStopContract("Classic broker opened by the factory on the venue,", async () => {
  const h = await accountBrokerHarness(BTC, "classic", "rest");
  return { ...h, stops: h.broker };
});
testBrokerContract("UTA broker on the venue, coarse grid,", () =>
  accountBrokerHarness(DOGE, "uta", "websocket", 0.1234),
);
testBrokerContract("Classic broker opened by the factory on the venue,", () =>
  accountBrokerHarness(BTC, "classic", "websocket"),
);
