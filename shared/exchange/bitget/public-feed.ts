/**
 * Bitget V2 public WebSocket market-data feed over an injected socket, clock, timers and random source,
 * so the same code runs in a Durable Object, in Node and under tests with fake time (bitget-v2.md §1–2).
 * @module
 */
import type { MarketEvent } from "../../market/events";
import { isBookChannel, type BookChannel } from "./book-sync";
import { CadenceWatch } from "./cadence-watch";
import {
  DEFAULT_FEED_HEALTH,
  DropWindow,
  type DropWindowCounts,
  dropRate,
  type FeedHealthThresholds,
  type FeedUnhealthyReason,
  judgeFeed,
} from "./feed-health";
import type { FeedClock, FeedTimers } from "./feed-ports";
import { LagWatch } from "./lag-watch";
import { argKey, type IngressVerdict, MarketIngress } from "./market-ingress";
import { pushStamp } from "./push-stamp";
import { BITGET_V3 } from "./v3-ingress-dialect";
import type { SocketPort } from "./socket";
import {
  type ConnectionState,
  type ConnectionTuning,
  connectionSettings,
  describe,
  WsConnection,
} from "./ws-connection";

export type { FeedClock, FeedTimers } from "./feed-ports";

/** Public channels the feed can subscribe. */
export type PublicChannel = "trade" | BookChannel;

/** Channels subscribed per symbol unless told otherwise: trades, 15-level depth and the fast best bid/offer. */
export const DEFAULT_PUBLIC_CHANNELS: readonly PublicChannel[] = ["trade", "books15", "books1"];

/** Wire dialect of the public feed: Bitget classic V2 (default) or v3 (bitget-uta-v3.md §1.3). */
export type PublicDialect = "v2" | "v3";

/** Reads a dialect setting (e.g. the `FEED_DIALECT` var): absent or empty → `v2`; anything but v2/v3 is refused by name. */
export function parsePublicDialect(
  raw: string | undefined,
): { ok: true; dialect: PublicDialect } | { ok: false; reason: string } {
  if (raw === undefined || raw.trim() === "") return { ok: true, dialect: "v2" };
  const v = raw.trim().toLowerCase();
  if (v === "v2" || v === "v3") return { ok: true, dialect: v };
  return { ok: false, reason: `FEED_DIALECT must be v2 or v3, got ${JSON.stringify(raw)}` };
}

/**
 * The v3 topic of each feed channel: `trade` → `publicTrade`; `books15` → `books50` (v3 has no
 * 15-level topic; 50 levels carry the same top 15); the other book channels keep their names.
 */
export const V3_TOPIC_OF: Readonly<Record<PublicChannel, string>> = {
  trade: "publicTrade",
  books: "books",
  books1: "books1",
  books5: "books5",
  books15: "books50",
};

/** Options of {@link PublicFeed}. */
export interface PublicFeedOptions extends ConnectionTuning {
  /** e.g. `wss://ws.bitget.com/v2/ws/public`. */
  readonly url: string;
  /** Instrument ids, e.g. `BTCUSDT`. */
  readonly symbols: readonly string[];
  /** Channels per symbol; default {@link DEFAULT_PUBLIC_CHANNELS}. */
  readonly channels?: readonly PublicChannel[];
  /** `instType` of every subscription; default `USDT-FUTURES` (demo: `SUSDT-FUTURES`); v3: `usdt-futures`. */
  readonly instType?: string;
  /**
   * Wire dialect; default `v2`. `v3` (for the day V2 public is retired; `url` then is e.g.
   * `wss://ws.bitget.com/v3/ws/public`) subscribes `{instType, topic, symbol}` args with the topics of
   * {@link V3_TOPIC_OF} and reads pushes with the v3 ingress dialect; the events are the same.
   */
  readonly dialect?: PublicDialect;
  /** Opens the WebSocket (workerd, Node `ws`, or a test fake). */
  readonly socket: SocketPort;
  /** Stamps frames for health and stale detection, and paces the send window. */
  readonly clock: FeedClock;
  /** Schedules pings, pong deadlines, reconnects, the send queue and the stale watchdog. */
  readonly timers: FeedTimers;
  /** Uniform random in [0, 1), for the reconnect jitter. */
  readonly random: () => number;
  /** Receives the events of each accepted push (never an empty array). */
  readonly onEvents: (events: MarketEvent[]) => void;
  /**
   * Receives every push of a subscribed arg as it arrived, with the {@link MarketIngress} verdict on it,
   * so that a recorder keeps exactly what the server sent and knows what the ingress made of it: the
   * parsed frame, its receive time (`clock.now()` when the frame arrived), the frame's text and the
   * verdict (`accepted`, `dropped`, `resync`, or `malformed` for a push of a subscribed arg whose data
   * is bad). Control frames (acks, errors, pong) and frames with no arg are not passed. A throw is
   * recorded as a handler error.
   */
  readonly onPush?: (push: Record<string, unknown>, receivedAt: number, text: string, verdict: IngressVerdict) => void;
  /** Receives the health on each state change (connect, disconnect, resync, book healthy again, error, stop). */
  readonly onHealth?: (health: FeedHealth) => void;
  /**
   * Reconnect when no market data (with book channels; keepalive replies do not count) or no frame at
   * all (trade channels only) arrived for this long; also the first retry delay of an unanswered
   * resubscribe; default 15 000.
   */
  readonly staleAfterMs?: number;
  /** When the feed is fit to trade on (see {@link FeedHealth.healthy}); default {@link DEFAULT_FEED_HEALTH}. */
  readonly health?: Partial<FeedHealthThresholds>;
  /** Args per subscribe/unsubscribe message; default 15 (the SDK's choice, §1.1). Messages also stay ≤ 4096 bytes. */
  readonly maxArgsPerMessage?: number;
  /** Client messages (pings included) per rolling window; default 10 (§2). */
  readonly maxMessagesPerSecond?: number;
  /** Trade ids remembered per symbol for de-duplication; default 2 000. */
  readonly dedupCapacity?: number;
  /** Levels per side of the events built from the full-depth `books` channel; default 50. */
  readonly booksDepth?: number;
}

/** Where the connection is. */
export type FeedState = ConnectionState;

/** An error the feed observed and survived. */
export interface FeedError {
  /** Clock time it was observed. */
  readonly at: number;
  /** `server`: an `{"event":"error"}` frame; `socket`: a transport error; `handler`: `onEvents`/`onHealth`/`onPush` threw. */
  readonly source: "server" | "socket" | "handler";
  /** Bitget's code (e.g. `"30001"`) for server errors, else `""`. */
  readonly code: string;
  /** Bitget's `msg` (with the arg, when given), or the error's message. */
  readonly message: string;
}

/** Observable health of the feed; a fresh object per call. */
export interface FeedHealth {
  /**
   * Fit to trade on: connected, market data within `health.staleDataMs`, every book consistent and
   * not silent while trades flow, and the drop rate within bounds (see feed-health.ts). A runner stops
   * new entries while false.
   */
  readonly healthy: boolean;
  /** The most serious reason it is not healthy, or null. */
  readonly reason: FeedUnhealthyReason | null;
  /** Which symbol or figure, when not healthy. */
  readonly detail: string | null;
  /** Per symbol: the last book must not be used (spread gate, post-only pricing fail closed). */
  readonly bookStale: Readonly<Record<string, boolean>>;
  /** Clock time of the last market push (keepalive replies and acks do not count), or null. */
  readonly lastDataAt: number | null;
  /** `clock.now() − lastDataAt`, or null. */
  readonly lastDataAgeMs: number | null;
  /** The newest push's lag behind the exchange's clock, above the connection's best (lag-watch.ts), or null. */
  readonly lagMs: number | null;
  /** The rolling window's pushes, malformed frames, book breaks and missed snapshot pushes, and their bad share. */
  readonly dropWindow: DropWindowCounts & { readonly rate: number };
  /** Pushes of fixed-cadence snapshot channels that the exchange sent (by its `ts`/`seq`) and that never arrived, since start. */
  readonly missedPushes: number;
  readonly state: FeedState;
  /** True while a socket is open (state `open`). */
  readonly connected: boolean;
  /** Clock time of the last frame of any kind (pong and malformed included), or null. */
  readonly lastFrameAt: number | null;
  /** `clock.now() − lastFrameAt`, or null. */
  readonly lastFrameAgeMs: number | null;
  /** Connection attempts after the first. */
  readonly reconnects: number;
  /** Book continuity breaks: `pseq` gaps, server resets and `seq` renumberings (missing snapshot pushes: {@link FeedHealth.missedPushes}). */
  readonly gaps: number;
  /** Checksum mismatches. */
  readonly checksumFailures: number;
  /** Unsubscribe + subscribe cycles sent to recover a book (after gaps, checksum failures, unanswered subscribes). */
  readonly resyncs: number;
  /** Book pushes dropped as older than (or equal to) the last `seq`. */
  readonly stale: number;
  /** Malformed frames dropped. */
  readonly dropped: number;
  /** Why the last malformed frame was dropped. */
  readonly lastDropReason: string | null;
  /** Trades dropped because their `tradeId` was seen recently. */
  readonly duplicates: number;
  /** Server error frames received. */
  readonly errors: number;
  /** The last server, socket or handler error. */
  readonly lastError: FeedError | null;
  /** Why the last connection ended or failed. */
  readonly lastDisconnect: string | null;
  /** Per symbol: every book channel holds a snapshot-based, consistent book (absent without book channels). */
  readonly bookHealthy: Readonly<Record<string, boolean>>;
  /** Args the server acknowledged on this connection, as `channel:instId`. */
  readonly subscribed: readonly string[];
}

/** Bitget's limit on one subscribe request (§1.1). */
const MAX_REQUEST_BYTES = 4096;
/** The rate window: one second plus a margin for transit jitter, so no server-side second sees more than the cap. */
const RATE_WINDOW_MS = 1050;
/** Unanswered resubscribes are retried after `staleAfterMs · 2^k`, k capped here. */
const MAX_RETRY_DOUBLINGS = 4;

interface Sub {
  readonly key: string;
  /** The channel (V2) or topic (v3) as on the wire. */
  readonly channel: string;
  readonly trades: boolean;
  readonly symbol: string;
  /** The arg object as JSON, serialised once. */
  readonly json: string;
  readonly bytes: number;
}

/**
 * Public market-data feed: subscribes `trade` and book channels per symbol, keeps the connection alive,
 * reconnects, and guards the data.
 *
 * - Outbound: subscribe/unsubscribe args are batched (≤ `maxArgsPerMessage` args and ≤ 4096 bytes per
 *   message) and every client message, `ping` first, goes through one queue limited to
 *   `maxMessagesPerSecond` per rolling 1.05 s; the excess waits for the window.
 * - The connection life cycle is a {@link WsConnection}: keepalive `ping` every `pingIntervalMs` (sent
 *   through the queue; one outstanding at a time), no `pong` within `pongTimeoutMs` → reconnect;
 *   reconnect on close, error, pong timeout, connect failure/timeout and stale feed, after an
 *   equal-jitter exponential backoff that resets once a connection delivered market data.
 *   Every arg is resubscribed and every book waits for a fresh snapshot.
 * - Stale feed: no frame for `staleAfterMs` (checked every `staleAfterMs / 3` and by {@link PublicFeed.checkStale}).
 * - Every frame goes through one {@link MarketIngress} (the stage replay runs too): trades are
 *   de-duplicated by `tradeId` against the last `dedupCapacity` ids of their symbol (the first snapshot
 *   after each subscribe repeats recent history), books are checked by `BookSync`. On a gap or checksum
 *   mismatch the arg is unsubscribed and subscribed again and its book is unhealthy until a fresh snapshot. A resubscribe that brings no
 *   snapshot is retried after `staleAfterMs`, doubling up to 16×, to stay within 240 subscribes/hour (§2).
 * - Malformed frames, server errors and throwing handlers are counted and surfaced in {@link FeedHealth};
 *   nothing thrown reaches the socket adapter.
 */
export class PublicFeed {
  private readonly conn: WsConnection;
  private readonly clock: FeedClock;
  private readonly timers: FeedTimers;
  private readonly onEvents: (events: MarketEvent[]) => void;
  private readonly onHealth: ((health: FeedHealth) => void) | undefined;
  private readonly onPush: PublicFeedOptions["onPush"];
  private readonly staleAfterMs: number;
  private readonly maxArgsPerMessage: number;
  private readonly window: SendWindow;

  private readonly subs = new Map<string, Sub>();
  private readonly symbols: readonly string[];
  private readonly bookChannels: readonly BookChannel[];
  private readonly v3: boolean;
  private readonly ingress: MarketIngress;
  private readonly thresholds: FeedHealthThresholds;
  private readonly dropWindow: DropWindow;
  /** Per book arg: the newest accepted push and, for fixed-cadence channels, the missed-push watch. */
  private readonly bookArgs = new Map<string, { symbol: string; at: number | null; cadence: CadenceWatch | null }>();
  private readonly lastTradeAt = new Map<string, number>();
  private readonly lag = new LagWatch();
  private lastDataAt: number | null = null;
  private missedPushes = 0;
  /** Book args waiting for a snapshot since a (re)subscribe: when it was sent and how often it was retried. */
  private readonly awaiting = new Map<string, { since: number; retries: number }>();
  private readonly pendingUnsub = new Set<string>();
  private readonly pendingSub = new Set<string>();
  private readonly acked = new Set<string>();

  /** True from a connection's open until the feed has forgotten its session state. */
  private live = false;
  private flushTimer: unknown = null;
  private watchdogTimer: unknown = null;
  private verdictTimer: unknown = null;
  private openedAt = 0;
  private deliveredData = false;
  private pingDue = false;
  private lastHealthy: boolean | null = null;

  private resyncs = 0;
  private errors = 0;
  private lastError: FeedError | null = null;

  constructor(options: PublicFeedOptions) {
    const channels = options.channels ?? DEFAULT_PUBLIC_CHANNELS;
    if (options.symbols.length === 0 || options.symbols.some((s) => typeof s !== "string" || s === ""))
      throw new RangeError("PublicFeed needs non-empty symbols");
    if (channels.length === 0 || channels.some((c) => c !== "trade" && !isBookChannel(c)))
      throw new RangeError(`PublicFeed channels must be trade/books/books1/books5/books15, got ${channels.join(",")}`);
    this.clock = options.clock;
    this.timers = options.timers;
    this.onEvents = options.onEvents;
    this.onHealth = options.onHealth;
    this.onPush = options.onPush;
    this.conn = new WsConnection({
      ...connectionSettings(options),
      onOpen: () => this.flush(),
      onText: (text, receivedAt) => this.frame(text, receivedAt),
      onState: () => this.connectionChanged(),
      onSocketError: (message) => (this.lastError = { at: this.clock.now(), source: "socket", code: "", message }),
      onPingDue: () => this.queuePing(),
    });
    this.staleAfterMs = positive("staleAfterMs", options.staleAfterMs ?? 15_000);
    this.maxArgsPerMessage = positive("maxArgsPerMessage", options.maxArgsPerMessage ?? 15);
    this.window = new SendWindow(positive("maxMessagesPerSecond", options.maxMessagesPerSecond ?? 10), RATE_WINDOW_MS);
    this.symbols = [...new Set(options.symbols)];
    this.bookChannels = [...new Set(channels)].filter(isBookChannel);
    if (options.dialect !== undefined && options.dialect !== "v2" && options.dialect !== "v3")
      throw new RangeError(`PublicFeed dialect must be v2 or v3, got ${String(options.dialect)}`);
    const v3 = options.dialect === "v3";
    this.v3 = v3;
    const instType = options.instType ?? (v3 ? "usdt-futures" : "USDT-FUTURES");
    const encoder = new TextEncoder();
    for (const symbol of this.symbols) {
      for (const logical of new Set(channels)) {
        const channel = v3 ? V3_TOPIC_OF[logical] : logical;
        const json = JSON.stringify(v3 ? { instType, topic: channel, symbol } : { instType, channel, instId: symbol });
        const key = argKey(channel, symbol);
        const trades = logical === "trade";
        this.subs.set(key, { key, channel, trades, symbol, json, bytes: encoder.encode(json).length });
      }
    }
    this.thresholds = { ...DEFAULT_FEED_HEALTH, ...options.health };
    this.dropWindow = new DropWindow(this.thresholds.dropWindowMs);
    for (const sub of this.subs.values()) {
      if (sub.trades) continue;
      // Fixed-cadence snapshot channels (V2 books5/books15, v3 books5/books50); books1 follows changes.
      const fixed = sub.channel === "books5" || sub.channel === "books15" || sub.channel === "books50";
      const cadence = fixed ? new CadenceWatch(this.thresholds.staleDataMs) : null;
      this.bookArgs.set(sub.key, { symbol: sub.symbol, at: null, cadence });
    }
    this.ingress = new MarketIngress({
      dialect: v3 ? BITGET_V3 : undefined,
      args: [...this.subs.values()],
      dedupCapacity: positive("dedupCapacity", options.dedupCapacity ?? 2000),
      booksDepth: options.booksDepth,
    });
  }

  /** Connects and subscribes; no-op unless idle or stopped. */
  start(): void {
    this.conn.start();
  }

  /** Closes the socket (code 1000) and cancels every timer; late socket events are ignored. */
  stop(): void {
    this.conn.stop();
  }

  /**
   * Reconnects when no frame arrived for `staleAfterMs`, and retries book resubscribes that brought no
   * snapshot. Runs on its own every `staleAfterMs / 3`; call it from a Durable Object alarm too.
   * @returns true when it dropped the connection as stale.
   */
  checkStale(now: number): boolean {
    if (this.conn.state !== "open") return false;
    const last = this.bookChannels.length > 0 ? this.lastDataAt : this.conn.lastFrameAt;
    const since = Math.max(last ?? 0, this.openedAt);
    if (now - since >= this.staleAfterMs) {
      this.conn.reconnect("stale feed");
      return true;
    }
    this.retryUnanswered(now);
    return false;
  }

  /** The current health. */
  health(): FeedHealth {
    const now = this.clock.now();
    const lastFrameAt = this.conn.lastFrameAt;
    const bookHealthy: Record<string, boolean> = {};
    if (this.bookChannels.length > 0)
      for (const symbol of this.symbols) bookHealthy[symbol] = this.ingress.bookHealthy(symbol) === true;
    const c = this.ingress.counts();
    const window = this.dropWindow.counts(now);
    const verdict = judgeFeed(
      {
        now,
        connected: this.conn.state === "open",
        openedAt: this.conn.state === "open" ? this.openedAt : null,
        lastDataAt: this.lastDataAt,
        lagMs: this.lag.lagMs,
        symbols: this.symbols.map((symbol) => this.symbolState(symbol)),
        window,
      },
      this.thresholds,
    );
    return {
      healthy: verdict.healthy,
      reason: verdict.reason,
      detail: verdict.detail,
      bookStale: verdict.bookStale,
      lastDataAt: this.lastDataAt,
      lastDataAgeMs: this.lastDataAt === null ? null : now - this.lastDataAt,
      lagMs: this.lag.lagMs,
      dropWindow: { ...window, rate: dropRate(window) },
      missedPushes: this.missedPushes,
      state: this.conn.state,
      connected: this.conn.state === "open",
      lastFrameAt,
      lastFrameAgeMs: lastFrameAt === null ? null : now - lastFrameAt,
      reconnects: this.conn.reconnects,
      gaps: c.gaps,
      checksumFailures: c.checksumFailures,
      resyncs: this.resyncs,
      stale: c.stale,
      dropped: c.malformed,
      lastDropReason: c.lastMalformedReason,
      duplicates: c.duplicates,
      errors: this.errors,
      lastError: this.lastError,
      lastDisconnect: this.conn.lastDisconnect,
      bookHealthy,
      subscribed: [...this.acked],
    };
  }

  private symbolState(symbol: string) {
    let lastBookAt: number | null = null;
    let quietestBookAt: number | null = null;
    let books = 0;
    for (const b of this.bookArgs.values()) {
      if (b.symbol !== symbol) continue;
      books++;
      if (b.at === null) continue;
      if (lastBookAt === null || b.at > lastBookAt) lastBookAt = b.at;
      if (quietestBookAt === null || b.at < quietestBookAt) quietestBookAt = b.at;
    }
    return {
      symbol,
      bookHealthy: books === 0 ? null : this.ingress.bookHealthy(symbol) === true,
      lastBookAt,
      quietestBookAt,
      lastTradeAt: this.lastTradeAt.get(symbol) ?? null,
    };
  }

  private connectionChanged(): void {
    if (this.conn.state === "open") this.opened();
    else this.closed();
    this.notify();
  }

  /** A socket opened: every arg is queued for subscribe (sent by `onOpen`), every book awaits a snapshot. */
  private opened(): void {
    const now = this.clock.now();
    this.live = true;
    this.openedAt = now;
    this.deliveredData = false;
    this.window.clear();
    for (const sub of this.subs.values()) {
      this.pendingSub.add(sub.key);
      if (!sub.trades) this.awaiting.set(sub.key, { since: now, retries: 0 });
    }
    this.armWatchdog();
    this.armVerdict();
  }

  /** The connection dropped or stopped: forget what belonged to it. */
  private closed(): void {
    if (!this.live) return;
    this.live = false;
    this.disarmTimers();
    this.pingDue = false;
    this.pendingUnsub.clear();
    this.pendingSub.clear();
    this.acked.clear();
    this.awaiting.clear();
    this.ingress.connectionLost();
    for (const b of this.bookArgs.values()) b.cadence?.reset();
    this.lag.reset();
  }

  private watchdogMs(): number {
    return Math.max(100, this.staleAfterMs / 3);
  }

  private armWatchdog(): void {
    this.watchdogTimer = this.timers.setTimeout(() => {
      this.watchdogTimer = null;
      this.checkStale(this.clock.now());
      if (this.conn.state === "open") this.armWatchdog();
    }, this.watchdogMs());
  }

  /** Re-judges the health every fifth of the shortest health threshold, so `onHealth` hears a stall promptly. */
  private armVerdict(): void {
    const ms = Math.max(100, Math.min(this.thresholds.staleDataMs, this.thresholds.staleBookMs) / 5);
    this.verdictTimer = this.timers.setTimeout(() => {
      this.verdictTimer = null;
      this.notifyIfVerdictChanged();
      if (this.conn.state === "open") this.armVerdict();
    }, ms);
  }

  private armFlush(ms: number): void {
    this.flushTimer = this.timers.setTimeout(() => {
      this.flushTimer = null;
      this.flush();
    }, ms);
  }

  private disarmTimers(): void {
    if (this.flushTimer !== null) this.timers.clearTimeout(this.flushTimer);
    if (this.watchdogTimer !== null) this.timers.clearTimeout(this.watchdogTimer);
    if (this.verdictTimer !== null) this.timers.clearTimeout(this.verdictTimer);
    this.flushTimer = null;
    this.watchdogTimer = null;
    this.verdictTimer = null;
  }

  private queuePing(): void {
    this.pingDue = true;
    this.flush();
  }

  private frame(text: string, receivedAt: number): void {
    try {
      this.route(this.ingress.frame(text), receivedAt, text);
    } catch (e) {
      this.ingress.countMalformed(`frame handling failed: ${describe(e)}`);
    }
  }

  /** Acts on the ingress verdict: control frames, then the health counts, the recorder's tap, events and book repair. */
  private route(v: IngressVerdict, receivedAt: number, text: string): void {
    if (v.kind === "control") return this.control(v.msg);
    if (v.kind === "ignored") return;
    if (v.kind === "malformed") {
      this.dropWindow.add(receivedAt, "malformed");
      if (v.key === null || v.push === null) return;
    } else this.counted(v, receivedAt);
    if (this.onPush) this.tap(v.push as Record<string, unknown>, receivedAt, text, v);
    if (v.kind === "accepted") {
      this.gotData();
      if (v.recovered) this.bookRecovered(v.key);
      if (v.events.length > 0) this.emit(v.events);
    } else if (v.kind === "resync") {
      this.bookBroken(v.key);
    }
  }

  /**
   * Health bookkeeping of a valid push: data time, trade and book times, breaks, and from the
   * exchange's stamps of an accepted push its lag and the snapshot pushes missed before it.
   */
  private counted(v: Exclude<IngressVerdict, { kind: "control" | "ignored" | "malformed" }>, at: number): void {
    this.lastDataAt = at;
    this.dropWindow.add(at, v.kind === "resync" ? "break" : "ok");
    const book = this.bookArgs.get(v.key);
    if (book && v.kind === "resync") return book.cadence?.reset();
    if (v.kind !== "accepted") return;
    const stamp = pushStamp(v.push);
    if (stamp.ts !== null) this.lag.pushed(stamp.ts, at);
    if (!book) {
      this.lastTradeAt.set(v.arg.symbol, at);
      return;
    }
    book.at = at;
    const missed = stamp.ts === null ? 0 : (book.cadence?.pushed(stamp.ts, stamp.seq, stamp.pseq) ?? 0);
    if (missed > 0) {
      this.missedPushes += missed;
      this.dropWindow.addMissed(at, missed);
    }
  }

  private control(msg: Record<string, unknown>): void {
    const a = msg.arg;
    const key = !isRecord(a)
      ? ""
      : this.v3
        ? argKey(String(a.topic), String(a.symbol))
        : argKey(String(a.channel), String(a.instId));
    if (msg.event === "subscribe" && this.subs.has(key)) this.acked.add(key);
    else if (msg.event === "unsubscribe") this.acked.delete(key);
    else if (msg.event === "pong") this.conn.pong();
    else if (msg.event === "error") this.serverError(msg, key);
  }

  private serverError(msg: Record<string, unknown>, key: string): void {
    this.errors++;
    const text = typeof msg.msg === "string" ? msg.msg : "";
    const code = msg.code === undefined ? "" : String(msg.code);
    this.lastError = { at: this.clock.now(), source: "server", code, message: key ? `${text} (${key})` : text };
    this.notify();
  }

  private bookRecovered(key: string): void {
    this.awaiting.delete(key);
    this.notify();
  }

  private bookBroken(key: string): void {
    this.resubscribe(key, this.clock.now(), 0);
    this.notify();
  }

  private retryUnanswered(now: number): void {
    for (const [key, w] of this.awaiting) {
      if (now - w.since >= this.staleAfterMs * 2 ** Math.min(w.retries, MAX_RETRY_DOUBLINGS))
        this.resubscribe(key, now, w.retries + 1);
    }
  }

  private resubscribe(key: string, now: number, retries: number): void {
    this.awaiting.set(key, { since: now, retries });
    if (this.pendingSub.has(key)) return;
    this.resyncs++;
    this.pendingUnsub.add(key);
    this.pendingSub.add(key);
    this.flush();
  }

  private gotData(): void {
    if (this.deliveredData) return;
    this.deliveredData = true;
    this.conn.markHealthy();
  }

  private emit(events: MarketEvent[]): void {
    try {
      this.onEvents(events);
    } catch (e) {
      this.lastError = { at: this.clock.now(), source: "handler", code: "", message: `onEvents threw: ${describe(e)}` };
    }
  }

  private tap(msg: Record<string, unknown>, receivedAt: number, text: string, verdict: IngressVerdict): void {
    try {
      this.onPush?.(msg, receivedAt, text, verdict);
    } catch (e) {
      this.lastError = { at: this.clock.now(), source: "handler", code: "", message: `onPush threw: ${describe(e)}` };
    }
  }

  /** Tells `onHealth` when the verdict flipped since the last report (staleness comes with time, not frames). */
  private notifyIfVerdictChanged(): void {
    if (!this.onHealth) return;
    const h = this.health();
    if (h.healthy !== this.lastHealthy) this.report(h);
  }

  private notify(): void {
    if (!this.onHealth) return;
    this.report(this.health());
  }

  private report(h: FeedHealth): void {
    if (!this.onHealth) return;
    this.lastHealthy = h.healthy;
    try {
      this.onHealth(h);
    } catch (e) {
      this.lastError = { at: this.clock.now(), source: "handler", code: "", message: `onHealth threw: ${describe(e)}` };
    }
  }

  /** Sends queued messages while the rate window allows, `ping` first, then unsubscribes, then subscribes. */
  private flush(): void {
    if (this.conn.state !== "open" || this.flushTimer !== null) return;
    while (this.pingDue || this.pendingUnsub.size > 0 || this.pendingSub.size > 0) {
      const now = this.clock.now();
      const wait = this.window.waitMs(now);
      if (wait > 0) return this.armFlush(wait);
      this.window.record(now);
      if (!this.sendNext()) return;
    }
  }

  /** Sends the next queued message; false when the send failed (the connection is then reconnecting). */
  private sendNext(): boolean {
    if (!this.pingDue)
      return this.conn.send(
        this.pendingUnsub.size > 0
          ? this.batch("unsubscribe", this.pendingUnsub)
          : this.batch("subscribe", this.pendingSub),
      );
    this.pingDue = false;
    return this.conn.ping();
  }

  /** Takes args from `queue` into one request: at most `maxArgsPerMessage` args and 4096 bytes. */
  private batch(op: "subscribe" | "unsubscribe", queue: Set<string>): string {
    const head = `{"op":"${op}","args":[`;
    let body = "";
    let bytes = head.length + 2;
    let count = 0;
    for (const key of queue) {
      const sub = this.subs.get(key) as Sub;
      const extra = sub.bytes + (count > 0 ? 1 : 0);
      if (count > 0 && (count >= this.maxArgsPerMessage || bytes + extra > MAX_REQUEST_BYTES)) break;
      body += count > 0 ? `,${sub.json}` : sub.json;
      bytes += extra;
      count++;
      queue.delete(key);
    }
    return `${head}${body}]}`;
  }
}

/** Rolling-window send limiter: at most `max` sends in any `windowMs`. O(1) per send, memory `max`. */
class SendWindow {
  private readonly times: number[];
  private next = 0;
  private filled = 0;

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {
    this.times = new Array<number>(max).fill(0);
  }

  /** How long until one more send is allowed. */
  waitMs(now: number): number {
    if (this.filled < this.max) return 0;
    return Math.max(0, this.times[this.next] + this.windowMs - now);
  }

  record(now: number): void {
    this.times[this.next] = now;
    this.next = (this.next + 1) % this.max;
    if (this.filled < this.max) this.filled++;
  }

  clear(): void {
    this.next = 0;
    this.filled = 0;
  }
}

function positive(name: string, v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) throw new RangeError(`PublicFeed ${name} must be > 0, got ${v}`);
  return v;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
