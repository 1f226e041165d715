/**
 * The venue's public WebSocket (`/v2/ws/public`), speaking Bitget V2 (bitget-v2.md §1–2):
 * `subscribe` / `unsubscribe` with acks, error 30001 for an unknown channel or instId, text `ping` →
 * text `pong`. Channels `trade`, `books1`, `books15` carry the source's pushes verbatim; `books5` and
 * `books` are derived from `books15` (first 5 / all 15 levels, `action: "snapshot"` every push).
 * The first `trade` push after subscribing is a `snapshot` of recent trades, newest first; book
 * channels start with the latest snapshot. `ticker` is built from the matching core's ticker after
 * each `books15` push (about every 100 ms of market time) and on subscribe. A client only receives
 * the args it subscribed.
 * @module
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocket } from "ws";
import { type Faults, truncateFrame } from "./faults";
import type { PushMessage, VenuePush } from "./market-source";
import { readRequest, sendFrame, WsClients } from "./ws-hub";

/** Public channels the venue serves. */
export const PUBLIC_CHANNELS: ReadonlySet<string> = new Set([
  "trade",
  "books1",
  "books5",
  "books15",
  "books",
  "ticker",
]);

/** instTypes accepted in subscriptions (the demo one is accepted as an alias). */
const INST_TYPES: ReadonlySet<string> = new Set(["USDT-FUTURES", "SUSDT-FUTURES"]);

/** Options of {@link PublicWsHub}. */
export interface PublicWsOptions {
  /** Symbols that exist; anything else is answered with 30001. */
  readonly symbols: readonly string[];
  readonly faults: Faults;
  /** Market time, for the `ts` of trade snapshots. */
  readonly clock: () => number;
  /** Trades kept per symbol for the subscribe snapshot; default 50. */
  readonly recentTrades?: number;
  /** The REST ticker item of a symbol (the core's), or null before any market data. */
  readonly ticker?: (symbol: string) => Record<string, unknown> | null;
}

/** A subscription argument as Bitget writes it. */
interface Arg {
  readonly instType: string;
  readonly channel: string;
  readonly instId: string;
}

interface Client {
  readonly ws: WebSocket;
  readonly subs: Set<string>;
  /** Symbols whose next trade push must go out as the snapshot (no trades were known at subscribe). */
  readonly pendingTrade: Set<string>;
}

/** Public WebSocket endpoint: attach it to an HTTP server's `upgrade`, feed it with {@link publish}. */
export class PublicWsHub {
  readonly #o: PublicWsOptions;
  readonly #symbols: ReadonlySet<string>;
  readonly #clients: WsClients<Client>;
  readonly #subs = new Map<string, Set<Client>>();
  readonly #books = new Map<string, VenuePush>();
  readonly #trades = new Map<string, TradeRing>();

  constructor(options: PublicWsOptions) {
    this.#o = options;
    this.#symbols = new Set(options.symbols);
    this.#clients = new WsClients<Client>({
      make: (ws) => ({ ws, subs: new Set(), pendingTrade: new Set() }),
      onText: (client, text) => this.#onMessage(client, text),
      onGone: (client) => this.#detach(client),
    });
    for (const s of options.symbols) this.#trades.set(s, new TradeRing(options.recentTrades ?? 50));
  }

  /** Open connections. */
  get connections(): number {
    return this.#clients.size;
  }

  /** Completes a WebSocket upgrade on this endpoint. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.#clients.handleUpgrade(req, socket, head);
  }

  /** Remembers `push` for subscribe snapshots and sends it (and its derived channels) to subscribers, subject to faults. */
  publish(push: VenuePush): void {
    const { channel, instId } = push.msg.arg;
    if (channel === "trade") this.#trades.get(instId)?.addPush(push.msg);
    else if (channel === "books1" || channel === "books15") this.#books.set(key(channel, instId), push);
    const f = this.#o.faults;
    if (f.feedStalled() || f.gapFrame()) return;
    const malformed = f.malformedFrame();
    const times = f.duplicateFrame() ? 2 : 1;
    for (let i = 0; i < times; i++) this.#deliverPush(push, malformed);
  }

  #deliverPush(push: VenuePush, malformed: boolean): void {
    const { channel, instId } = push.msg.arg;
    this.#deliver(
      key(channel, instId),
      malformed ? truncateFrame(push.text) : push.text,
      channel === "trade" ? push.msg : null,
    );
    if (channel !== "books15") return;
    for (const derived of ["books5", "books"] as const) {
      const k = key(derived, instId);
      if (!this.#subs.has(k)) continue;
      const text = relabelBook(push.msg, derived);
      this.#deliver(k, malformed ? truncateFrame(text) : text, null);
    }
  }

  /**
   * Sends the `ticker` of the push's symbol to its subscribers after a `books15` push, once the core
   * has seen that push. Not sent during a stall; no fault draws of its own.
   */
  publishTicker(push: VenuePush): void {
    const { channel, instId } = push.msg.arg;
    if (channel !== "books15" || this.#o.faults.stalled) return;
    const set = this.#subs.get(key("ticker", instId));
    if (!set || set.size === 0) return;
    const text = this.#tickerText(instId);
    if (text) for (const client of set) sendFrame(client.ws, text, this.#o.faults);
  }

  /** Cuts every connection now (TCP terminate); returns how many. */
  dropAll(): number {
    return this.#clients.dropAll();
  }

  /** Cuts every connection and stops accepting new ones. */
  close(): Promise<void> {
    return this.#clients.close();
  }

  #detach(client: Client): void {
    for (const k of client.subs) {
      const set = this.#subs.get(k);
      set?.delete(client);
      if (set?.size === 0) this.#subs.delete(k);
    }
  }

  #onMessage(client: Client, text: string): void {
    const r = readRequest(text, ["subscribe", "unsubscribe"] as const);
    if (!r.ok) return sendFrame(client.ws, r.reply, this.#o.faults);
    for (const a of r.args) this.#onArg(client, r.op, a);
  }

  #onArg(client: Client, op: "subscribe" | "unsubscribe", raw: unknown): void {
    const arg = checkArg(raw, this.#symbols);
    if (!arg) {
      const a = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
      const msg = `instType:${a.instType},channel:${a.channel},instId:${a.instId} doesn't exist`;
      return sendFrame(client.ws, JSON.stringify({ event: "error", arg: raw, code: 30001, msg, op }), this.#o.faults);
    }
    const k = key(arg.channel, arg.instId);
    const ack = JSON.stringify({
      event: op,
      arg: { instType: arg.instType, channel: arg.channel, instId: arg.instId },
    });
    if (op === "unsubscribe") {
      client.subs.delete(k);
      this.#subs.get(k)?.delete(client);
      client.pendingTrade.delete(arg.instId);
      return sendFrame(client.ws, ack, this.#o.faults);
    }
    const fresh = !client.subs.has(k);
    client.subs.add(k);
    let set = this.#subs.get(k);
    if (!set) this.#subs.set(k, (set = new Set()));
    set.add(client);
    sendFrame(client.ws, ack, this.#o.faults);
    if (fresh) this.#sendInitial(client, arg);
  }

  #sendInitial(client: Client, arg: Arg): void {
    if (arg.channel === "trade") {
      const ring = this.#trades.get(arg.instId)!;
      if (ring.size === 0 || this.#o.faults.stalled) return void client.pendingTrade.add(arg.instId);
      const snapshot = {
        action: "snapshot",
        arg: { instType: "USDT-FUTURES", channel: "trade", instId: arg.instId },
        data: ring.newestFirst(),
        ts: this.#o.clock(),
      };
      return sendFrame(client.ws, JSON.stringify(snapshot), this.#o.faults);
    }
    if (this.#o.faults.stalled) return;
    if (arg.channel === "ticker") {
      const text = this.#tickerText(arg.instId);
      return void (text && sendFrame(client.ws, text, this.#o.faults));
    }
    const source = arg.channel === "books1" ? "books1" : "books15";
    const last = this.#books.get(key(source, arg.instId));
    if (!last) return;
    sendFrame(
      client.ws,
      arg.channel === source ? last.text : relabelBook(last.msg, arg.channel as "books5" | "books"),
      this.#o.faults,
    );
  }

  #tickerText(instId: string): string | null {
    const t = this.#o.ticker?.(instId);
    if (!t) return null;
    const data = [{ ...t, instId }];
    return JSON.stringify({
      action: "snapshot",
      arg: { instType: "USDT-FUTURES", channel: "ticker", instId },
      data,
      ts: this.#o.clock(),
    });
  }

  #deliver(k: string, text: string, trade: PushMessage | null): void {
    const set = this.#subs.get(k);
    if (!set) return;
    for (const client of set) {
      if (trade && client.pendingTrade.delete(trade.arg.instId)) {
        sendFrame(client.ws, JSON.stringify({ ...trade, action: "snapshot" }), this.#o.faults);
        continue;
      }
      sendFrame(client.ws, text, this.#o.faults);
    }
  }
}

function checkArg(raw: unknown, symbols: ReadonlySet<string>): Arg | null {
  if (typeof raw !== "object" || raw === null) return null;
  const { instType, channel, instId } = raw as Record<string, unknown>;
  if (typeof instType !== "string" || !INST_TYPES.has(instType.toUpperCase())) return null;
  if (typeof channel !== "string" || !PUBLIC_CHANNELS.has(channel)) return null;
  if (typeof instId !== "string" || !symbols.has(instId)) return null;
  return { instType, channel, instId };
}

function key(channel: string, instId: string): string {
  return `${channel}|${instId}`;
}

/** A books15 push re-sent as `books5` (first 5 levels) or `books` (all levels, every push a snapshot). */
function relabelBook(msg: PushMessage, channel: "books5" | "books"): string {
  const item = msg.data[0] as Record<string, unknown> & { asks: unknown[]; bids: unknown[] };
  const data =
    channel === "books5" ? { ...item, asks: item.asks.slice(0, 5), bids: item.bids.slice(0, 5), checksum: 0 } : item;
  return JSON.stringify({
    action: "snapshot",
    arg: { instType: msg.arg.instType, channel, instId: msg.arg.instId },
    data: [data],
    ts: msg.ts,
  });
}

/** The last `capacity` trade items of one symbol, in arrival order (a fixed circular buffer). */
class TradeRing {
  readonly #items: unknown[];
  #start = 0;
  #size = 0;

  constructor(readonly capacity: number) {
    this.#items = new Array(capacity);
  }

  get size(): number {
    return this.#size;
  }

  /** Adds a trade push's items; Bitget lists them newest first, so they are taken in reverse. */
  addPush(msg: PushMessage): void {
    for (let i = msg.data.length - 1; i >= 0; i--) this.#add(msg.data[i]);
  }

  newestFirst(): unknown[] {
    const out: unknown[] = new Array(this.#size);
    for (let i = 0; i < this.#size; i++) out[i] = this.#items[(this.#start + this.#size - 1 - i) % this.capacity];
    return out;
  }

  #add(item: unknown): void {
    if (this.#size < this.capacity) {
      this.#items[(this.#start + this.#size++) % this.capacity] = item;
      return;
    }
    this.#items[this.#start] = item;
    this.#start = (this.#start + 1) % this.capacity;
  }
}
