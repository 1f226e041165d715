/**
 * Helpers of the loopback tests against the local venue: real time for the feeds, market events
 * encoded as Bitget V2 pushes for the venue's manual market, the admin endpoint, and the
 * broker-contract harness of the live {@link BitgetBroker}.
 * @module
 */
import { DEFAULT_CREDENTIALS, startVenue, type Venue } from "../../cli/venue/server";
import { NodeSocketPort } from "../../cli/node-socket";
import { BitgetBroker } from "../../shared/exchange/bitget/bitget-broker";
import { PrivateFeed, type PrivateFeedOptions } from "../../shared/exchange/bitget/private-feed";
import type { FeedTimers } from "../../shared/exchange/bitget/public-feed";
import { BitgetRestClient, type BitgetRestClientOptions } from "../../shared/exchange/bitget/rest-client";
import type { Fill } from "../../shared/execution/orders";
import type { BrokerHarness } from "../../shared/execution/testing/broker-contract";
import type { Level, MarketEvent } from "../../shared/market/events";
import { formatToStep, type Instrument } from "../../shared/market/instrument";

/** Node's timers as the feeds' injected timers. */
export const realTimers: FeedTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Node's wall clock as the feeds' injected clock. */
export const realClock = { now: () => Date.now() };

/** Polls `cond` every 10 ms until it holds; throws naming `what` after `timeoutMs`. */
export async function waitUntil(what: string, cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** POSTs to the venue's admin endpoint; throws unless HTTP 200. */
export async function admin(venue: Venue, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${venue.urls.admin}${path}`, {
    method: "POST",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (res.status !== 200) throw new Error(`admin ${path} answered ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

/**
 * Market events as the Bitget V2 pushes that carry them: `bookLevels` → `books15` snapshot,
 * `bookTop` → `books1` snapshot, `trade` → `trade` update; numbers written on the instrument's grid.
 */
export function pushesOf(events: readonly MarketEvent[], inst: Instrument): object[] {
  const px = (p: number) => formatToStep(p, inst.tickSize);
  const sz = (s: number) => formatToStep(s, inst.sizeStep);
  const arg = (channel: string) => ({ instType: "USDT-FUTURES", channel, instId: inst.symbol });
  return events.map((e) => {
    if (e.kind === "trade")
      return {
        action: "update",
        arg: arg("trade"),
        data: [{ ts: String(e.ts), price: px(e.price), size: sz(e.size), side: e.side, tradeId: e.id }],
        ts: e.ts,
      };
    const bids: readonly Level[] = e.kind === "bookTop" ? [[e.bidPrice, e.bidSize]] : e.bids;
    const asks: readonly Level[] = e.kind === "bookTop" ? [[e.askPrice, e.askSize]] : e.asks;
    const levels = (side: readonly Level[]) => side.map(([p, s]) => [px(p), sz(s)]);
    const item = { asks: levels(asks), bids: levels(bids), checksum: 0, seq: e.seq, ts: String(e.ts) };
    return { action: "snapshot", arg: arg(e.kind === "bookTop" ? "books1" : "books15"), data: [item], ts: e.ts };
  });
}

/** A REST client of the venue's demo account (overrides allowed, e.g. a wrong key or a counting fetch). */
export function venueRest(venue: Venue, options: Partial<BitgetRestClientOptions> = {}): BitgetRestClient {
  return new BitgetRestClient({
    baseUrl: venue.urls.rest,
    credentials: DEFAULT_CREDENTIALS,
    now: () => Date.now(),
    random: Math.random,
    timeoutMs: 3000,
    ...options,
  });
}

/** A private feed of the venue's demo account over a real loopback socket; resolves once it is ready. */
export async function venuePrivateFeed(
  venue: Venue,
  options: Partial<PrivateFeedOptions> & Pick<PrivateFeedOptions, "onEvents">,
): Promise<PrivateFeed> {
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  const onReady = options.onReady;
  const feed = new PrivateFeed({
    url: venue.urls.wsPrivate,
    credentials: DEFAULT_CREDENTIALS,
    socket: new NodeSocketPort(),
    clock: realClock,
    timers: realTimers,
    random: Math.random,
    backoff: { initialMs: 50, maxMs: 200 },
    ...options,
    onReady: () => {
      ready();
      onReady?.();
    },
  });
  feed.start();
  await Promise.race([
    isReady,
    new Promise((_, reject) => setTimeout(() => reject(new Error("private feed not ready within 5 s")), 5000)),
  ]);
  return feed;
}

/** How the harness's broker learns of fills: the private WebSocket, or REST polling only. */
export type FillPath = "websocket" | "rest";

/**
 * A fresh venue with a manual market of `instrument`, and a live broker on it. `feed` hands the
 * events to the broker's market view and injects them into the venue; `settle` is a ping/pong
 * barrier on the private feed (every push caused so far has arrived) or, on the REST path, a
 * {@link BitgetBroker.reconcile}. The instrument is read back from the venue's contracts endpoint.
 */
export async function liveBrokerHarness(
  instrument: Instrument,
  path: FillPath,
  referencePrice?: number,
): Promise<BrokerHarness> {
  const venue = await startVenue({ manual: { instruments: [instrument] }, log: () => {} });
  const rest = venueRest(venue);
  const [contract] = await rest.getContracts(instrument.symbol);
  const fills: Fill[] = [];
  const broker = new BitgetBroker({
    rest,
    instruments: [contract],
    onFill: (f) => fills.push(f),
    placeOnce: { settleMs: 50 },
  });
  const feed = path === "websocket" ? await venuePrivateFeed(venue, { onEvents: (e) => broker.onPrivate(e) }) : null;
  return {
    broker,
    fills,
    instrument: contract,
    referencePrice,
    feed: async (events) => {
      for (const e of events) broker.onEvent(e);
      await admin(venue, "/market", pushesOf(events, contract));
    },
    settle: () => (feed ? feed.barrier() : broker.reconcile()),
    close: async () => {
      feed?.stop();
      await venue.close();
    },
  };
}
