/**
 * Helpers of the loopback tests of Bitget accounts against the local venue: an account opened
 * through the production factory ({@link openBitgetAccount}: probe, then Classic or UTA), its
 * private feed over a real socket, and the broker-contract harness of a broker on it.
 * @module
 */
import { NodeSocketPort } from "../../cli/node-socket";
import { DEFAULT_CREDENTIALS, startVenue, type Venue } from "../../cli/venue/server";
import type { AccountMode } from "../../cli/venue/venue-keys";
import { type BitgetAccount, bitgetEndpoints } from "../../shared/exchange/bitget/bitget-account";
import type { BitgetBroker } from "../../shared/exchange/bitget/bitget-broker";
import { type OpenAccountResult, openBitgetAccount } from "../../shared/exchange/bitget/open-account";
import type { PrivateFeed, PrivateFeedOptions } from "../../shared/exchange/bitget/private-feed";
import type { BitgetCredentials, FetchLike } from "../../shared/exchange/bitget/rest-transport";
import type { Fill, OrderStatus } from "../../shared/execution/orders";
import type { BrokerHarness } from "../../shared/execution/testing/broker-contract";
import type { Instrument } from "../../shared/market/instrument";
import { admin, pushesOf, realClock, realTimers } from "./venue-harness";

/** The venue's endpoints as the factory takes them. */
export function venueEndpoints(venue: Venue, trading: "live" | "demo" = "live") {
  return bitgetEndpoints(trading, {
    restUrl: venue.urls.rest,
    classicPrivateWsUrl: venue.urls.wsPrivate,
    utaPrivateWsUrl: venue.urls.wsPrivateV3,
  });
}

/** Opens the account of `credentials` at the venue through the production factory. */
export function openVenueAccount(
  venue: Venue,
  credentials: BitgetCredentials = DEFAULT_CREDENTIALS,
  options: { timeoutMs?: number; trading?: "live" | "demo"; fetch?: FetchLike } = {},
): Promise<OpenAccountResult> {
  return openBitgetAccount({
    endpoints: venueEndpoints(venue, options.trading),
    credentials,
    fetch: options.fetch,
    now: () => Date.now(),
    random: Math.random,
    timeoutMs: options.timeoutMs ?? 3000,
    retry: { maxRetries: 1, baseDelayMs: 20, maxDelayMs: 50 },
  });
}

/** Opens the account or throws naming the refusal. */
export async function mustOpen(
  venue: Venue,
  credentials?: BitgetCredentials,
  timeoutMs?: number,
): Promise<BitgetAccount> {
  const r = await openVenueAccount(venue, credentials, { timeoutMs });
  if (!r.ok) throw new Error(`account refused: ${JSON.stringify(r.refusal)}`);
  return r.account;
}

/** The account's private feed over a real loopback socket; resolves once it is ready. */
export async function accountFeed(
  account: BitgetAccount,
  options: Pick<PrivateFeedOptions, "onEvents"> & Partial<Pick<PrivateFeedOptions, "onReady" | "onHealth">>,
): Promise<PrivateFeed> {
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  const feed = account.privateFeed({
    socket: new NodeSocketPort(),
    clock: realClock,
    timers: realTimers,
    random: Math.random,
    backoff: { initialMs: 50, maxMs: 200 },
    onEvents: options.onEvents,
    onHealth: options.onHealth,
    onReady: () => {
      ready();
      options.onReady?.();
    },
  });
  feed.start();
  await Promise.race([
    isReady,
    new Promise((_, reject) => setTimeout(() => reject(new Error("private feed not ready within 5 s")), 5000)),
  ]);
  return feed;
}

/** A venue with one key of `mode` and a manual market of `instrument`. */
export function accountVenue(instrument: Instrument, mode: AccountMode): Promise<Venue> {
  return startVenue({ manual: { instruments: [instrument] }, accountMode: mode, log: () => {} });
}

/** What the harness builds besides the contract's needs, for tests that go further. */
export interface AccountHarness extends BrokerHarness {
  readonly venue: Venue;
  readonly account: BitgetAccount;
  readonly broker: BitgetBroker;
  readonly feedOf: PrivateFeed | null;
  /** Orders that ended without filling, as `onOrderDone` reported them. */
  readonly done: OrderStatus[];
}

/**
 * A fresh venue whose key is of `mode`, an account opened through the factory, a broker on it, and
 * (path `websocket`) its private feed with REST reconciliation on every (re)connect. The contract is
 * read back from the venue (v3 instruments for UTA).
 */
export async function accountBrokerHarness(
  instrument: Instrument,
  mode: AccountMode,
  path: "websocket" | "rest",
  referencePrice?: number,
): Promise<AccountHarness> {
  const venue = await accountVenue(instrument, mode);
  const account = await mustOpen(venue);
  const contract = await account.instrument(instrument.symbol);
  if (!contract) throw new Error(`venue has no ${instrument.symbol}`);
  const fills: Fill[] = [];
  const done: OrderStatus[] = [];
  const broker = account.broker({
    instruments: [contract],
    onFill: (f) => fills.push(f),
    onOrderDone: (s) => done.push(s),
    placeOnce: { settleMs: 50 },
  });
  const feed =
    path === "websocket"
      ? await accountFeed(account, { onEvents: (e) => broker.onPrivate(e), onReady: () => void broker.reconcile() })
      : null;
  return {
    venue,
    account,
    broker,
    feedOf: feed,
    done,
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
