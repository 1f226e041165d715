/**
 * The life cycle of one Bitget WebSocket connection, shared by feeds: connect with a timeout,
 * reconnect after an equal-jitter exponential backoff, text `ping` keepalive with a `pong` deadline
 * (bitget-v2.md §2), and a ping/pong barrier. What to send after opening and how to read frames
 * belong to the feed using it. Socket, clock, timers and randomness are injected.
 * @module
 */
import { Backoff } from "./backoff";
import type { FeedClock, FeedTimers } from "./feed-ports";
import type { SocketLike, SocketPort } from "./socket";

/** Where a connection is. */
export type ConnectionState = "idle" | "connecting" | "open" | "backoff" | "stopped";

/** The connection's timing, which a feed takes in its own options and passes on (see {@link connectionSettings}). */
export interface ConnectionTuning {
  /** Keepalive `ping` period; default 25 000 (the server drops a silent client after 30 s – 2 min, §2). */
  readonly pingIntervalMs?: number;
  /** Reconnect when a `ping` is unanswered for this long; default 10 000. */
  readonly pongTimeoutMs?: number;
  /** Give up a connection attempt after this; default 10 000. */
  readonly connectTimeoutMs?: number;
  /** Reconnect backoff ceilings; default 500 ms growing ×2 to 30 s (§2). */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  /**
   * The backoff starts again from its first delay only once a connection has stayed open this long
   * after {@link WsConnection.markHealthy}; default 60 000. A connection that drops sooner keeps the
   * grown delay, so a server that accepts, sends a frame and drops cannot cause a reconnect storm:
   * at worst one connect a minute per connection, against Bitget's 300 per IP per 5 minutes (§2).
   */
  readonly stableAfterMs?: number;
}

/** What a connection takes from its feed's options: where to connect, the ports, and the timing. */
export type ConnectionSettings = Pick<WsConnectionOptions, "url" | "socket" | "clock" | "timers" | "random"> &
  ConnectionTuning;

/** The {@link ConnectionSettings} fields of a feed's options, and nothing else. */
export function connectionSettings(o: ConnectionSettings): ConnectionSettings {
  return {
    url: o.url,
    socket: o.socket,
    clock: o.clock,
    timers: o.timers,
    random: o.random,
    pingIntervalMs: o.pingIntervalMs,
    pongTimeoutMs: o.pongTimeoutMs,
    connectTimeoutMs: o.connectTimeoutMs,
    backoff: o.backoff,
    stableAfterMs: o.stableAfterMs,
  };
}

/** Options of {@link WsConnection}. */
export interface WsConnectionOptions extends ConnectionTuning {
  readonly url: string;
  readonly socket: SocketPort;
  readonly clock: FeedClock;
  readonly timers: FeedTimers;
  /** Uniform random in [0, 1), for the reconnect jitter. */
  readonly random: () => number;
  /** A socket opened: send login or subscriptions now. */
  readonly onOpen: () => void;
  /** Every frame except the text `pong`, with its receive time. */
  readonly onText: (text: string, receivedAt: number) => void;
  /** The state changed (opened, dropped, backoff, stopped). */
  readonly onState?: () => void;
  /** A socket transport error (before the reconnect it causes). */
  readonly onSocketError?: (message: string) => void;
  /**
   * When given, keepalive pings are queued by the owner (e.g. behind a send-rate window): this is
   * called when one is due and the owner sends it with {@link WsConnection.ping}. Without it the
   * connection sends the `ping` itself.
   */
  readonly onPingDue?: () => void;
}

type TimerName = "connect" | "reconnect" | "ping" | "pong" | "stable";

interface Waiter {
  readonly pongs: number;
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
}

/**
 * One reconnecting WebSocket connection.
 *
 * - `start` connects; every close, transport error, failed or timed-out connect, missed `pong` or
 *   {@link WsConnection.reconnect} call drops the socket and connects again after the next
 *   {@link Backoff} delay. {@link WsConnection.markHealthy} says the user of the connection has seen it
 *   work (e.g. market data, or a login and acknowledged subscriptions); the backoff resets once the
 *   connection has then stayed open for `stableAfterMs`.
 * - Keepalive: text `ping` every `pingIntervalMs`, skipped while a `ping` is unanswered (its deadline
 *   is already running); when the oldest unanswered `ping` is older than `pongTimeoutMs` the
 *   connection is dropped. Pongs are matched to pings in order (the server
 *   answers in order), which also makes {@link WsConnection.barrier} possible.
 * - Callbacks of abandoned sockets are detached; nothing a callback throws reaches the socket adapter.
 */
export class WsConnection {
  private readonly url: string;
  private readonly port: SocketPort;
  private readonly clock: FeedClock;
  private readonly timers: FeedTimers;
  private readonly o: WsConnectionOptions;
  private readonly pingIntervalMs: number;
  private readonly pongTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly stableAfterMs: number;
  private readonly backoff: Backoff;
  private readonly handles = new Map<TimerName, unknown>();
  private readonly waiters: Waiter[] = [];
  /** Send times of the unanswered pings, oldest first. */
  private readonly pingTimes: number[] = [];

  private socket: SocketLike | null = null;
  private current: ConnectionState = "idle";
  private attempt = 0;
  private attempted = false;
  private pings = 0;
  private pongs = 0;
  private reconnectCount = 0;
  private frameAt: number | null = null;
  private disconnect: string | null = null;

  constructor(options: WsConnectionOptions) {
    this.o = options;
    this.url = options.url;
    this.port = options.socket;
    this.clock = options.clock;
    this.timers = options.timers;
    this.pingIntervalMs = positive("pingIntervalMs", options.pingIntervalMs ?? 25_000);
    this.pongTimeoutMs = positive("pongTimeoutMs", options.pongTimeoutMs ?? 10_000);
    this.connectTimeoutMs = positive("connectTimeoutMs", options.connectTimeoutMs ?? 10_000);
    this.stableAfterMs = positive("stableAfterMs", options.stableAfterMs ?? 60_000);
    const { initialMs, maxMs } = options.backoff ?? { initialMs: 500, maxMs: 30_000 };
    this.backoff = new Backoff({ initialMs, maxMs, random: options.random });
  }

  /** Where the connection is. */
  get state(): ConnectionState {
    return this.current;
  }

  /** Connection attempts after the first. */
  get reconnects(): number {
    return this.reconnectCount;
  }

  /** Clock time of the last frame of any kind (pong included), or null. */
  get lastFrameAt(): number | null {
    return this.frameAt;
  }

  /** Why the last connection ended or failed. */
  get lastDisconnect(): string | null {
    return this.disconnect;
  }

  /** Connects; no-op unless idle or stopped. */
  start(): void {
    if (this.current !== "idle" && this.current !== "stopped") return;
    this.backoff.reset();
    this.connect();
  }

  /** Closes the socket (code 1000), cancels every timer and rejects pending barriers. */
  stop(): void {
    if (this.current === "stopped") return;
    this.attempt++;
    this.disarm("connect");
    this.disarm("reconnect");
    this.teardown("stop", 1000);
    this.current = "stopped";
    this.notify();
  }

  /** Sends one text frame; false (and a reconnect) when there is no open socket or the send fails. */
  send(text: string): boolean {
    const s = this.socket;
    if (s === null) return false;
    try {
      s.send(text);
      return true;
    } catch (e) {
      this.reconnect(`send failed: ${describe(e)}`);
      return false;
    }
  }

  /** Drops the current connection (code 4000) and schedules the next attempt. */
  reconnect(reason: string): void {
    if (this.socket === null) return;
    this.teardown(reason, 4000);
    this.scheduleReconnect();
    this.notify();
  }

  /**
   * The connection works: the reconnect backoff resets if it is still open `stableAfterMs` from now
   * (the first call per connection starts the wait; a drop before then cancels it).
   */
  markHealthy(): void {
    if (this.socket === null || this.handles.has("stable")) return;
    this.arm("stable", this.stableAfterMs, () => this.backoff.reset());
  }

  /**
   * Resolves once every frame the server sent before it read a `ping` sent now has been delivered
   * to `onText` (the `pong` follows them on the same ordered stream). Rejects when no socket is open
   * or the connection drops first.
   */
  barrier(): Promise<void> {
    if (this.socket === null) return Promise.reject(new Error("not connected"));
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ pongs: this.pings + 1, resolve, reject });
      this.ping();
    });
  }

  private connect(): void {
    const attempt = ++this.attempt;
    if (this.attempted) this.reconnectCount++;
    this.attempted = true;
    this.current = "connecting";
    this.arm("connect", this.connectTimeoutMs, () => this.connectFailed(attempt, "connect timeout"));
    let pending: Promise<SocketLike>;
    try {
      pending = this.port.connect(this.url);
    } catch (e) {
      pending = Promise.reject(e);
    }
    pending.then(
      (s) => this.opened(attempt, s),
      (e: unknown) => this.connectFailed(attempt, `connect failed: ${describe(e)}`),
    );
  }

  private connectFailed(attempt: number, reason: string): void {
    if (attempt !== this.attempt || this.current !== "connecting") return;
    this.attempt++;
    this.disarm("connect");
    this.disconnect = reason;
    this.scheduleReconnect();
    this.notify();
  }

  private opened(attempt: number, s: SocketLike): void {
    if (attempt !== this.attempt || this.current !== "connecting") {
      safeClose(s, 1000, "abandoned");
      return;
    }
    this.disarm("connect");
    this.socket = s;
    this.current = "open";
    this.pings = 0;
    this.pongs = 0;
    this.pingTimes.length = 0;
    s.onMessage = (text) => this.frame(s, text);
    s.onClose = (code, reason) => this.socketEnded(s, `closed ${code}${reason ? ` ${reason}` : ""}`);
    s.onError = (e) => this.socketFailed(s, e);
    this.arm("ping", this.pingIntervalMs, () => this.pingTick());
    this.notify();
    this.guard(() => this.o.onOpen());
  }

  private socketEnded(s: SocketLike, reason: string): void {
    if (s === this.socket) this.reconnect(reason);
  }

  private socketFailed(s: SocketLike, e: unknown): void {
    if (s !== this.socket) return;
    this.guard(() => this.o.onSocketError?.(describe(e)));
    this.reconnect(`socket error: ${describe(e)}`);
  }

  private teardown(reason: string, code: number): void {
    this.disarm("ping");
    this.disarm("pong");
    this.disarm("stable");
    const s = this.socket;
    this.socket = null;
    this.pingTimes.length = 0;
    for (const w of this.waiters.splice(0)) w.reject(new Error(`connection lost: ${reason}`));
    if (s === null) return;
    this.disconnect = reason;
    s.onMessage = null;
    s.onClose = null;
    s.onError = null;
    safeClose(s, code, reason);
  }

  private scheduleReconnect(): void {
    this.current = "backoff";
    this.arm("reconnect", this.backoff.next(), () => this.connect());
  }

  private pingTick(): void {
    this.arm("ping", this.pingIntervalMs, () => this.pingTick());
    if (this.pingTimes.length > 0) return;
    const due = this.o.onPingDue;
    if (due) this.guard(due);
    else this.ping();
  }

  /** Sends a text `ping` now and starts its pong deadline; false (see {@link WsConnection.send}) when not sent. */
  ping(): boolean {
    if (!this.send("ping")) return false;
    this.pings++;
    this.pingTimes.push(this.clock.now());
    if (!this.handles.has("pong")) this.arm("pong", this.pongTimeoutMs, () => this.reconnect("pong timeout"));
    return true;
  }

  /**
   * Answers the oldest unanswered `ping`. The text `pong` is recognised here; the owner calls this for
   * a pong in another form (e.g. `{"event":"pong"}`). A pong nothing asked for is ignored.
   */
  pong(): void {
    if (this.pongs >= this.pings) return;
    this.pongs++;
    this.pingTimes.shift();
    this.disarm("pong");
    if (this.pingTimes.length > 0) {
      const wait = Math.max(0, this.pingTimes[0] + this.pongTimeoutMs - this.clock.now());
      this.arm("pong", wait, () => this.reconnect("pong timeout"));
    }
    for (let i = 0; i < this.waiters.length; ) {
      const w = this.waiters[i];
      if (w.pongs > this.pongs) {
        i++;
        continue;
      }
      this.waiters.splice(i, 1);
      w.resolve();
    }
  }

  private frame(s: SocketLike, text: string): void {
    if (s !== this.socket) return;
    const receivedAt = this.clock.now();
    this.frameAt = receivedAt;
    if (text === "pong") return this.pong();
    this.guard(() => this.o.onText(text, receivedAt));
  }

  private notify(): void {
    this.guard(() => this.o.onState?.());
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch {
      /* the owner's handlers report their own errors; the socket adapter must never see one */
    }
  }

  private arm(name: TimerName, ms: number, fn: () => void): void {
    this.disarm(name);
    this.handles.set(
      name,
      this.timers.setTimeout(() => {
        this.handles.delete(name);
        fn();
      }, ms),
    );
  }

  private disarm(name: TimerName): void {
    if (!this.handles.has(name)) return;
    this.timers.clearTimeout(this.handles.get(name));
    this.handles.delete(name);
  }
}

function positive(name: string, v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) throw new RangeError(`WsConnection ${name} must be > 0, got ${v}`);
  return v;
}

function safeClose(s: SocketLike, code: number, reason: string): void {
  try {
    s.close(code, reason.slice(0, 100));
  } catch {
    /* already closed */
  }
}

/** The message of an error, or its string form. */
export function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
