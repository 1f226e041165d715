/**
 * Bitget V2 private WebSocket feed (bitget-v2.md §3): login, the `orders`/`fill`/`positions`/`account`
 * channels, keepalive and reconnect, over an injected socket, clock, timers and random source.
 * @module
 */
import {
  decodePrivatePush,
  isPrivateChannel,
  PRIVATE_CHANNELS,
  type PrivateChannel,
  type PrivateDecodeResult,
  type PrivateEvent,
} from "./private-codec";
import type { FeedClock, FeedError, FeedTimers } from "./public-feed";
import { redact } from "./rest-errors";
import type { BitgetCredentials } from "./rest-transport";
import { wsLoginSign } from "./signing";
import type { SocketPort } from "./socket";
import {
  type ConnectionState,
  type ConnectionTuning,
  connectionSettings,
  describe,
  WsConnection,
} from "./ws-connection";

/**
 * How one account system spells the private channels on the wire: Classic V2 (`channel`, `instId`/
 * `coin: default`) or UTA v3 (`topic`, `instType: UTA`, uta/uta-private-codec.ts). Login, keepalive
 * and reconnects are the same for both.
 */
export interface PrivateDialect {
  /** The `args` of the subscribe request for `channels`. */
  subscribeArgs(channels: readonly PrivateChannel[]): object[];
  /** The channel an `arg` (of a push or an ack) names, or null when it names none of ours. */
  channelOf(arg: unknown): PrivateChannel | null;
  /** Decodes one push (already JSON-parsed) whose `arg` named a channel. */
  decode(msg: unknown): PrivateDecodeResult;
}

/** The Classic V2 dialect (bitget-v2.md §3) with `instType` on every subscription. */
export function classicPrivateDialect(instType = "USDT-FUTURES"): PrivateDialect {
  return {
    subscribeArgs: (channels) =>
      channels.map((channel) =>
        channel === "account" ? { instType, channel, coin: "default" } : { instType, channel, instId: "default" },
      ),
    channelOf: (arg) => (isRecord(arg) && isPrivateChannel(arg.channel) ? arg.channel : null),
    decode: decodePrivatePush,
  };
}

/** Options of {@link PrivateFeed}. */
export interface PrivateFeedOptions extends ConnectionTuning {
  /** e.g. `wss://ws.bitget.com/v2/ws/private`. */
  readonly url: string;
  /** Used to sign the login only; never logged, never part of health or errors. */
  readonly credentials: BitgetCredentials;
  readonly socket: SocketPort;
  /** Login timestamps and frame times. */
  readonly clock: FeedClock;
  /** Pings, pong and login deadlines, reconnects. */
  readonly timers: FeedTimers;
  /** Uniform random in [0, 1), for the reconnect jitter. */
  readonly random: () => number;
  /** Server time − local time, ms (e.g. `BitgetRestClient.timeOffsetMs`), added to the login timestamp; default 0. */
  readonly timeOffsetMs?: () => number;
  /** `instType` of every subscription; default `USDT-FUTURES`. Classic dialect only. */
  readonly instType?: string;
  /** The wire dialect; default Classic V2 with `instType`. */
  readonly dialect?: PrivateDialect;
  /** Channels; default all four. Each is subscribed for every symbol (`instId`/`coin` "default"). */
  readonly channels?: readonly PrivateChannel[];
  /** Receives the events of each push (never an empty array). */
  readonly onEvents: (events: PrivateEvent[]) => void;
  /**
   * Called each time a connection is logged in and every channel is acknowledged. WS has no replay:
   * reconcile orders and fills over REST here after a reconnect (§2).
   */
  readonly onReady?: () => void;
  /** Receives the health on each state change (connect, login, ready, login failure, disconnect, stop). */
  readonly onHealth?: (health: PrivateFeedHealth) => void;
  /** Reconnect when login or subscription acks take longer than this; default 10 000. */
  readonly loginTimeoutMs?: number;
}

/**
 * Where the private feed is: `authenticating` (login sent, no ack yet), `subscribing` (logged in,
 * waiting for channel acks), `ready` (every channel acknowledged).
 */
export type PrivateFeedState =
  | "idle"
  | "connecting"
  | "authenticating"
  | "subscribing"
  | "ready"
  | "backoff"
  | "stopped";

/** A refused login: Bitget's WS code (30005 login failed, 30011 key, 30012 passphrase, 30013/30014 timestamp, 30015 sign). */
export interface LoginFailure {
  readonly at: number;
  readonly code: string;
  readonly message: string;
}

/** Observable health of the private feed; a fresh object per call. */
export interface PrivateFeedHealth {
  readonly state: PrivateFeedState;
  /** True while a socket is open. */
  readonly connected: boolean;
  /** True once this connection's login was acknowledged. */
  readonly loggedIn: boolean;
  readonly lastFrameAt: number | null;
  readonly lastFrameAgeMs: number | null;
  /** Connection attempts after the first. */
  readonly reconnects: number;
  /** Refused or unanswered logins. */
  readonly loginFailures: number;
  /** The last refused login, cleared by the next successful one. */
  readonly lastLoginError: LoginFailure | null;
  /** Malformed frames dropped. */
  readonly dropped: number;
  readonly lastDropReason: string | null;
  /** Server error frames received after login. */
  readonly errors: number;
  readonly lastError: FeedError | null;
  readonly lastDisconnect: string | null;
  /** Channels acknowledged on this connection. */
  readonly subscribed: readonly PrivateChannel[];
}

/**
 * Private feed: logs in with a seconds timestamp and `wsLoginSign`, subscribes the channels only after
 * the login ack, decodes pushes into {@link PrivateEvent}s, and reconnects (re-login, resubscribe)
 * through {@link WsConnection}. A refused login is counted and shown in health, then retried after
 * the backoff (a timestamp can be refused for clock drift); it never throws. Nothing it reports
 * carries the secret or the passphrase: server messages are redacted before they are kept.
 */
export class PrivateFeed {
  private readonly conn: WsConnection;
  private readonly o: PrivateFeedOptions;
  private readonly channels: readonly PrivateChannel[];
  private readonly subscribeText: string;
  private readonly dialect: PrivateDialect;
  private readonly secrets: readonly string[];
  private readonly loginTimeoutMs: number;
  private readonly acked = new Set<PrivateChannel>();
  private session = 0;
  private phase: "none" | "authenticating" | "subscribing" | "ready" = "none";
  private loginTimer: unknown = null;
  private loginFailures = 0;
  private lastLoginError: LoginFailure | null = null;
  private dropped = 0;
  private lastDropReason: string | null = null;
  private errors = 0;
  private lastError: FeedError | null = null;

  constructor(options: PrivateFeedOptions) {
    const channels = [...new Set(options.channels ?? PRIVATE_CHANNELS)];
    if (channels.length === 0 || channels.some((c) => !isPrivateChannel(c)))
      throw new RangeError(`PrivateFeed channels must be orders/fill/positions/account, got ${channels.join(",")}`);
    this.o = options;
    this.channels = channels;
    this.dialect = options.dialect ?? classicPrivateDialect(options.instType);
    this.subscribeText = JSON.stringify({ op: "subscribe", args: this.dialect.subscribeArgs(channels) });
    const c = options.credentials;
    this.secrets = [c.apiSecret, c.passphrase];
    this.loginTimeoutMs = options.loginTimeoutMs ?? 10_000;
    if (!(this.loginTimeoutMs > 0))
      throw new RangeError(`PrivateFeed loginTimeoutMs must be > 0, got ${this.loginTimeoutMs}`);
    this.conn = new WsConnection({
      ...connectionSettings(options),
      onOpen: () => this.opened(),
      onText: (text) => this.frame(text),
      onState: () => this.connectionChanged(),
      onSocketError: (message) =>
        (this.lastError = { at: this.o.clock.now(), source: "socket", code: "", message: this.clean(message) }),
    });
  }

  /** Connects, logs in and subscribes; no-op unless idle or stopped. */
  start(): void {
    this.conn.start();
  }

  /** Closes the socket and cancels every timer. */
  stop(): void {
    this.conn.stop();
  }

  /**
   * Resolves once every push the server sent before it read a `ping` sent now has been handed to
   * `onEvents` (pushes caused by a completed REST call are then in). Rejects when not connected.
   */
  barrier(): Promise<void> {
    return this.conn.barrier();
  }

  /** The current health. */
  health(): PrivateFeedHealth {
    const now = this.o.clock.now();
    const lastFrameAt = this.conn.lastFrameAt;
    return {
      state: this.state(),
      connected: this.conn.state === "open",
      loggedIn: this.phase === "subscribing" || this.phase === "ready",
      lastFrameAt,
      lastFrameAgeMs: lastFrameAt === null ? null : now - lastFrameAt,
      reconnects: this.conn.reconnects,
      loginFailures: this.loginFailures,
      lastLoginError: this.lastLoginError,
      dropped: this.dropped,
      lastDropReason: this.lastDropReason,
      errors: this.errors,
      lastError: this.lastError,
      lastDisconnect: this.conn.lastDisconnect,
      subscribed: [...this.acked],
    };
  }

  private state(): PrivateFeedState {
    const s: ConnectionState = this.conn.state;
    if (s !== "open") return s;
    return this.phase === "none" ? "authenticating" : this.phase;
  }

  private opened(): void {
    const session = ++this.session;
    this.phase = "authenticating";
    this.acked.clear();
    this.armLogin(session, "login timeout");
    const offset = this.o.timeOffsetMs?.() ?? 0;
    const timestamp = String(Math.floor((this.o.clock.now() + offset) / 1000));
    const { apiKey, passphrase, apiSecret } = this.o.credentials;
    wsLoginSign(apiSecret, timestamp).then(
      (sign) => {
        if (session !== this.session || this.phase !== "authenticating") return;
        this.conn.send(JSON.stringify({ op: "login", args: [{ apiKey, passphrase, timestamp, sign }] }));
      },
      (e: unknown) => {
        if (session !== this.session) return;
        this.loginFailed("", `signing failed: ${describe(e)}`);
      },
    );
  }

  private connectionChanged(): void {
    if (this.conn.state !== "open" && this.phase !== "none") {
      this.session++;
      this.phase = "none";
      this.acked.clear();
      this.disarmLogin();
    }
    this.notify();
  }

  private frame(text: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      return this.drop("frame is not JSON");
    }
    if (!isRecord(msg)) return this.drop("frame is not a JSON object");
    if (typeof msg.event === "string") return this.control(msg);
    if (this.dialect.channelOf(msg.arg) === null) return this.drop("push has no private channel arg");
    const r = this.dialect.decode(msg);
    if (!r.ok) return this.drop(r.reason);
    if (r.events.length > 0) this.emit(r.events);
  }

  private control(msg: Record<string, unknown>): void {
    const code = msg.code === undefined || msg.code === null ? "" : String(msg.code);
    if (msg.event === "login") {
      if (/^0*$/.test(code)) return this.loggedIn();
      return this.loginFailed(code, stringOf(msg.msg));
    }
    const channel = this.dialect.channelOf(msg.arg);
    if (msg.event === "subscribe" && channel !== null) return this.subscribed(channel);
    if (msg.event === "unsubscribe" && channel !== null) {
      this.acked.delete(channel);
      return;
    }
    if (msg.event !== "error") return;
    if (this.phase === "authenticating") return this.loginFailed(code, stringOf(msg.msg));
    this.errors++;
    this.lastError = { at: this.o.clock.now(), source: "server", code, message: this.clean(stringOf(msg.msg)) };
    this.notify();
  }

  private loggedIn(): void {
    if (this.phase !== "authenticating") return;
    this.phase = "subscribing";
    this.lastLoginError = null;
    this.armLogin(this.session, "subscribe timeout");
    this.conn.send(this.subscribeText);
    this.notify();
  }

  private subscribed(channel: PrivateChannel): void {
    if (this.phase !== "subscribing" && this.phase !== "ready") return;
    this.acked.add(channel);
    if (this.phase === "ready" || !this.channels.every((c) => this.acked.has(c))) return;
    this.phase = "ready";
    this.disarmLogin();
    this.conn.markHealthy();
    this.notify();
    try {
      this.o.onReady?.();
    } catch (e) {
      this.lastError = {
        at: this.o.clock.now(),
        source: "handler",
        code: "",
        message: `onReady threw: ${describe(e)}`,
      };
    }
  }

  private loginFailed(code: string, message: string): void {
    this.loginFailures++;
    this.lastLoginError = { at: this.o.clock.now(), code, message: this.clean(message) };
    this.conn.reconnect(`login failed${code ? ` (${code})` : ""}`);
  }

  private armLogin(session: number, reason: string): void {
    this.disarmLogin();
    this.loginTimer = this.o.timers.setTimeout(() => {
      this.loginTimer = null;
      if (session !== this.session) return;
      if (this.phase === "authenticating") return this.loginFailed("", reason);
      this.conn.reconnect(reason);
    }, this.loginTimeoutMs);
  }

  private disarmLogin(): void {
    if (this.loginTimer === null) return;
    this.o.timers.clearTimeout(this.loginTimer);
    this.loginTimer = null;
  }

  private emit(events: PrivateEvent[]): void {
    try {
      this.o.onEvents(events);
    } catch (e) {
      this.lastError = {
        at: this.o.clock.now(),
        source: "handler",
        code: "",
        message: `onEvents threw: ${describe(e)}`,
      };
    }
  }

  private notify(): void {
    if (!this.o.onHealth) return;
    try {
      this.o.onHealth(this.health());
    } catch (e) {
      this.lastError = {
        at: this.o.clock.now(),
        source: "handler",
        code: "",
        message: `onHealth threw: ${describe(e)}`,
      };
    }
  }

  private drop(reason: string): void {
    this.dropped++;
    this.lastDropReason = reason;
  }

  private clean(text: string): string {
    return redact(text, this.secrets);
  }
}

function stringOf(v: unknown): string {
  return typeof v === "string" ? v : v === undefined || v === null ? "" : JSON.stringify(v);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
