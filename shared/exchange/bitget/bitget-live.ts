/**
 * One symbol's live (or demo) trading on Bitget, whatever the key's account system: opens the
 * account (probe → Classic or UTA, open-account.ts), loads the symbol's contract rules, builds the
 * broker and connects the private feed, whose every (re)connect reconciles orders and fills over
 * REST. Platform-free: socket, clock, timers, randomness and `fetch` are handed in, so a Durable
 * Object's wiring is a constructor call plus `start`, `onEvent`, `reconcile`, `summary` and `stop`.
 * With `targets`, `start` also sets and verifies the symbol's leverage, margin mode and the position
 * mode (account-setup.ts) before any order can be placed.
 * A refusal (account mode unknown, no such contract, the exchange unreachable) is a value naming
 * the reason; the next `start` tries again.
 * @module
 */
import type { FillListener } from "../../execution/broker";
import type { OrderStatus } from "../../execution/orders";
import type { MarketEvent } from "../../market/events";
import type { Instrument } from "../../market/instrument";
import { type AccountModeRefusal, describeAccountModeRefusal } from "./account-mode";
import { type AccountTargets, setUpAccount } from "./account-setup";
import { type AccountSummary, type BitgetAccount, type BitgetEndpoints, netPosition } from "./bitget-account";
import type { BitgetBroker } from "./bitget-broker";
import type { FeedClock, FeedTimers } from "./feed-ports";
import { openBitgetAccount } from "./open-account";
import type { PrivateFeed, PrivateFeedHealth } from "./private-feed";
import { isBitgetError } from "./rest-errors";
import type { BitgetCredentials, FetchLike } from "./rest-transport";
import type { SocketPort } from "./socket";

/** Options of {@link BitgetLive}. */
export interface BitgetLiveOptions {
  readonly symbol: string;
  readonly endpoints: BitgetEndpoints;
  readonly credentials: BitgetCredentials;
  /** Every fill, once per exchange execution id. */
  readonly onFill: FillListener;
  /** An order ended without filling (e.g. a post-only order the exchange cancelled): route to the session. */
  readonly onOrderDone?: (status: OrderStatus) => void;
  /** A background step (time sync, the reconcile on a feed (re)connect, a read the broker skipped) failed: log and count it. */
  readonly onBackgroundError: (what: string, error: unknown) => void;
  readonly socket: SocketPort;
  readonly clock: FeedClock;
  readonly timers: FeedTimers;
  readonly random: () => number;
  /** Default `globalThis.fetch`. */
  readonly fetch?: FetchLike;
  /** The leverage, margin mode and position mode to set and verify on start (read at each start); none = left as they are. */
  readonly targets?: () => AccountTargets;
  /** Reconnect backoff of the private feed (tests shorten it). */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
}

/** What `start` gives: the broker on the exchange's rules, or why there is none. */
export type BitgetLiveStart =
  | {
      readonly ok: true;
      readonly broker: BitgetBroker;
      readonly instrument: Instrument;
      readonly account: BitgetAccount;
    }
  | {
      readonly ok: false;
      /** One line for `/api/symbols` and the logs; never a secret. */
      readonly reason: string;
      /** The probe's refusal when the account mode was the problem. */
      readonly accountMode: AccountModeRefusal | null;
    };

/** See the module documentation. */
export class BitgetLive {
  /** Null until started. */
  broker: BitgetBroker | null = null;
  /** The exchange's rules of the symbol, null until started. */
  instrument: Instrument | null = null;
  /** The opened account, null until started. */
  account: BitgetAccount | null = null;
  private readonly o: BitgetLiveOptions;
  private feed: PrivateFeed | null = null;
  private starting: Promise<BitgetLiveStart> | null = null;

  constructor(options: BitgetLiveOptions) {
    this.o = options;
  }

  /** Opens the account, loads the rules, builds the broker and connects the feed; idempotent once it succeeded. */
  start(): Promise<BitgetLiveStart> {
    this.starting ??= this.open().then((r) => {
      if (!r.ok) this.starting = null;
      return r;
    });
    return this.starting;
  }

  /** Closes the private feed. */
  stop(): void {
    this.feed?.stop();
    this.feed = null;
    this.starting = null;
  }

  /** Market data for the broker's slippage and market-order checks. */
  onEvent(e: MarketEvent): void {
    this.broker?.onEvent(e);
  }

  /** Private feed health, or null before it exists. */
  feedHealth(): PrivateFeedHealth | null {
    return this.feed?.health() ?? null;
  }

  /** Reconciles orders and fills over REST, then returns the exchange's net position of the symbol (long > 0). */
  async reconcile(): Promise<number> {
    const started = await this.start();
    if (!started.ok) throw new Error(started.reason);
    await started.broker.reconcile();
    return netPosition(await started.account.positions(this.o.symbol), this.o.symbol);
  }

  /** Account mode, trading mode, hold mode, margin mode and leverage, for `/api/symbols` and the dashboard. */
  async summary(): Promise<AccountSummary> {
    const started = await this.start();
    if (!started.ok) throw new Error(started.reason);
    return started.account.summary(this.o.symbol);
  }

  private async open(): Promise<BitgetLiveStart> {
    const o = this.o;
    const trading = o.endpoints.trading;
    try {
      const opened = await openBitgetAccount({
        endpoints: o.endpoints,
        credentials: o.credentials,
        now: () => o.clock.now(),
        random: o.random,
        fetch: o.fetch,
      });
      if (!opened.ok)
        return { ok: false, reason: describeAccountModeRefusal(opened.refusal, trading), accountMode: opened.refusal };
      const account = opened.account;
      await account.syncTime().catch((e: unknown) => o.onBackgroundError("server time sync", e));
      const instrument = await account.instrument(o.symbol);
      if (!instrument)
        return {
          ok: false,
          reason: `${trading} trading refused: the ${account.accountMode} account has no USDT-M contract ${o.symbol}`,
          accountMode: null,
        };
      if (o.targets) {
        const setup = await setUpAccount(account, o.symbol, o.targets());
        if (!setup.ok) return { ok: false, reason: setup.reason, accountMode: null };
      }
      const broker = account.broker({
        instruments: [instrument],
        onFill: o.onFill,
        onOrderDone: o.onOrderDone,
        onError: (what, e) => o.onBackgroundError(`broker ${what}`, e),
      });
      this.connect(account, broker);
      [this.account, this.instrument, this.broker] = [account, instrument, broker];
      return { ok: true, broker, instrument, account };
    } catch (e) {
      if (!isBitgetError(e)) throw e;
      return { ok: false, reason: `${trading} trading not started: ${e.message}`, accountMode: null };
    }
  }

  private connect(account: BitgetAccount, broker: BitgetBroker): void {
    const o = this.o;
    this.feed?.stop();
    this.feed = account.privateFeed({
      socket: o.socket,
      clock: o.clock,
      timers: o.timers,
      random: o.random,
      backoff: o.backoff,
      onEvents: (events) => broker.onPrivate(events),
      onReady: () =>
        void broker.reconcile().catch((e: unknown) => o.onBackgroundError("reconcile after the feed connected", e)),
    });
    this.feed.start();
  }
}
