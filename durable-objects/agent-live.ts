/**
 * The live broker of a SymbolAgent (`mode: "live"` with the Bitget secrets): {@link BitgetBroker}
 * over the V2 REST client, its fills from the {@link PrivateFeed} (REST reconciliation as the
 * fallback), and the exchange's contract rules and positions. Orders go through
 * {@link liveJournaledOrders}, so each is journaled in DO SQLite before it is sent.
 * @module
 */
import { BitgetBroker } from "../shared/exchange/bitget/bitget-broker";
import { PrivateFeed, type PrivateFeedHealth } from "../shared/exchange/bitget/private-feed";
import { BitgetRestClient } from "../shared/exchange/bitget/rest-client";
import type { BitgetCredentials } from "../shared/exchange/bitget/rest-transport";
import type { SocketPort } from "../shared/exchange/bitget/socket";
import type { Fill } from "../shared/execution/orders";
import type { MarketEvent } from "../shared/market/events";
import type { Instrument } from "../shared/market/instrument";
import { WorkerdSocketPort } from "./agent-socket";

/** Bitget V2 REST base URL used when `REST_URL` is unset. */
export const DEFAULT_REST_URL = "https://api.bitget.com";
/** Bitget V2 private WebSocket URL used when `PRIVATE_FEED_URL` is unset. */
export const DEFAULT_PRIVATE_FEED_URL = "wss://ws.bitget.com/v2/ws/private";

/** Where and as whom the live broker trades. */
export interface LiveEndpoints {
  readonly restUrl: string;
  readonly privateFeedUrl: string;
  readonly credentials: BitgetCredentials;
}

/** The live endpoints from the Worker's bindings, or null when a secret is missing (then live is refused). */
export function liveEndpoints(env: object): LiveEndpoints | null {
  const v = env as Record<string, unknown>;
  const text = (name: string) => (typeof v[name] === "string" && v[name] !== "" ? (v[name] as string) : null);
  const [apiKey, apiSecret, passphrase] = [
    text("BITGET_API_KEY"),
    text("BITGET_API_SECRET"),
    text("BITGET_PASSPHRASE"),
  ];
  if (!apiKey || !apiSecret || !passphrase) return null;
  return {
    restUrl: text("REST_URL") ?? DEFAULT_REST_URL,
    privateFeedUrl: text("PRIVATE_FEED_URL") ?? DEFAULT_PRIVATE_FEED_URL,
    credentials: { apiKey, apiSecret, passphrase },
  };
}

/** Options of {@link LiveBroker}. */
export interface LiveBrokerOptions {
  readonly symbol: string;
  readonly endpoints: LiveEndpoints;
  /** Every fill, once per exchange trade id. */
  readonly onFill: (fill: Fill) => void;
  readonly socket?: SocketPort;
}

/**
 * The agent's live broker. {@link LiveBroker.start} loads the symbol's contract rules (the broker
 * validates every order against them, and the engine sizes on them) and connects the private feed;
 * until the rules are loaded `broker` is null and orders are refused without a request.
 */
export class LiveBroker {
  /** Null until the contract rules are loaded. */
  broker: BitgetBroker | null = null;
  /** The exchange's rules of the symbol, null until loaded. */
  instrument: Instrument | null = null;
  private readonly o: LiveBrokerOptions;
  private readonly rest: BitgetRestClient;
  private feed: PrivateFeed | null = null;
  private loading: Promise<BitgetBroker> | null = null;

  constructor(o: LiveBrokerOptions) {
    this.o = o;
    this.rest = new BitgetRestClient({
      baseUrl: o.endpoints.restUrl,
      credentials: o.endpoints.credentials,
      now: () => Date.now(),
      random: Math.random,
    });
  }

  /** Loads the contract rules, builds the broker and connects the private feed (idempotent; a failure is retried by the next call). */
  start(): Promise<BitgetBroker> {
    this.loading ??= this.load().catch((e: unknown) => {
      this.loading = null;
      throw e;
    });
    return this.loading;
  }

  /** Closes the private feed. */
  stop(): void {
    this.feed?.stop();
    this.feed = null;
  }

  /** Market data for the broker's slippage and market-order checks. */
  onEvent(e: MarketEvent): void {
    this.broker?.onEvent(e);
  }

  /** Private feed health, or null before it exists. */
  feedHealth(): PrivateFeedHealth | null {
    return this.feed?.health() ?? null;
  }

  /**
   * Reconciles orders and fills over REST ({@link BitgetBroker.reconcile}), then returns the
   * exchange's net position of the symbol in base coin (long positive, short negative).
   */
  async reconcile(): Promise<number> {
    const broker = await this.start();
    await broker.reconcile();
    const positions = await this.rest.getPosition(this.o.symbol);
    let held = 0;
    for (const p of positions) if (p.symbol === this.o.symbol) held += p.holdSide === "long" ? p.size : -p.size;
    return held;
  }

  private async load(): Promise<BitgetBroker> {
    await this.rest.syncTime().catch(() => 0);
    const [contract] = await this.rest.getContracts(this.o.symbol);
    if (!contract) throw new Error(`the exchange has no contract ${this.o.symbol}`);
    this.instrument = contract;
    const broker = new BitgetBroker({ rest: this.rest, instruments: [contract], onFill: (f) => this.o.onFill(f) });
    this.broker = broker;
    this.feed = new PrivateFeed({
      url: this.o.endpoints.privateFeedUrl,
      credentials: this.o.endpoints.credentials,
      socket: this.o.socket ?? new WorkerdSocketPort(),
      clock: { now: () => Date.now() },
      timers: { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as number) },
      random: Math.random,
      timeOffsetMs: () => this.rest.timeOffsetMs,
      onEvents: (events) => broker.onPrivate(events),
      onReady: () => void broker.reconcile().catch(() => {}),
    });
    this.feed.start();
    return broker;
  }
}
