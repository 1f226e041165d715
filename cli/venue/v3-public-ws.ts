/**
 * The venue's UTA (v3) public WebSocket (`/v3/ws/public`, bitget-uta-v3.md §1.3), fed by the same
 * market pushes as the V2 feed (public-ws.ts) and under the same faults:
 * - subscribe `{"op":"subscribe","args":[{"instType":"usdt-futures","topic":…,"symbol":"BTCUSDT"}]}`
 *   (instType case-insensitive), acked `{"event":"subscribe","arg":…,"connId":…}`; 30001 for an unknown
 *   topic or symbol; text `ping` → `pong`;
 * - `publicTrade`: items `{i, L, p, v, S, T, isRPI}` from the V2 `trade` pushes; the first push after
 *   subscribing is a `snapshot` of recent trades, newest first;
 * - `books`: a `snapshot` of the whole venue book on subscribe, then `update` deltas (`[price, "0"]`
 *   deletes) computed between consecutive V2 `books15` pushes, each with `seq` and `pseq` = the
 *   previous update's `seq` (so a push lost to the gap fault shows as a `pseq` break);
 *   `books5` / `books50` (up to the 15 recorded levels) are snapshots every push; `books1` comes from
 *   the V2 `books1` pushes. Levels are `a` (asks ascending) and `b` (bids descending) `[price, size]`
 *   strings; `seq`/`pseq` are decimal strings above 2^53;
 * - `ticker`: the core's ticker in v3 field names after each `books15` push and on subscribe.
 * Fault draws happen only while some v3 client is connected, so a V2-only run draws as before.
 * @module
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocket } from "ws";
import { type Faults, truncateFrame } from "./faults";
import type { VenuePush } from "./market-source";
import { tickerShapeV3 } from "./v3-shapes";
import { readRequest, sendFrame, WsClients } from "./ws-hub";

/** v3 public topics the venue serves. */
export const V3_PUBLIC_TOPICS: ReadonlySet<string> = new Set([
  "publicTrade",
  "books",
  "books1",
  "books5",
  "books50",
  "ticker",
]);

/** First `seq` of every book stream (above 2^53, as on Bitget, so clients must not use Number). */
const FIRST_SEQ = 1_300_000_000_000_000_000n;

/** Options of {@link V3PublicWsHub}. */
export interface V3PublicWsOptions {
  readonly symbols: readonly string[];
  readonly faults: Faults;
  /** Market time, for the `ts` of snapshots sent on subscribe. */
  readonly clock: () => number;
  /** Trades kept per symbol for the subscribe snapshot; default 50. */
  readonly recentTrades?: number;
  /** The core's V2 ticker item of a symbol, or null before any market data. */
  readonly ticker?: (symbol: string) => Record<string, unknown> | null;
}

type Level = readonly [string, string];

/** What the hub remembers of one symbol's book stream. */
interface BookState {
  asks: Level[];
  bids: Level[];
  seq: bigint;
  ts: number;
  top: { asks: Level[]; bids: Level[]; seq: bigint; ts: number } | null;
}

interface Client {
  readonly ws: WebSocket;
  readonly subs: Set<string>;
  readonly id: number;
}

/** The v3 public WebSocket endpoint: attach to an HTTP server's `upgrade`, feed with {@link publish}. */
export class V3PublicWsHub {
  readonly #o: V3PublicWsOptions;
  readonly #symbols: ReadonlySet<string>;
  readonly #clients: WsClients<Client>;
  readonly #subs = new Map<string, Set<Client>>();
  readonly #books = new Map<string, BookState>();
  readonly #trades = new Map<string, object[]>();
  #nextClient = 1;

  constructor(options: V3PublicWsOptions) {
    this.#o = options;
    this.#symbols = new Set(options.symbols);
    this.#clients = new WsClients<Client>({
      make: (ws) => ({ ws, subs: new Set(), id: this.#nextClient++ }),
      onText: (client, text) => this.#onMessage(client, text),
      onGone: (client) => this.#detach(client),
    });
  }

  /** Open connections. */
  get connections(): number {
    return this.#clients.size;
  }

  /** Completes a WebSocket upgrade on this endpoint. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.#clients.handleUpgrade(req, socket, head);
  }

  /** Turns one V2 market push into its v3 pushes, remembers what snapshots need, and sends them. */
  publish(push: VenuePush): void {
    const { channel, instId } = push.msg.arg;
    const frames: [string, string][] = [];
    if (channel === "trade") frames.push(...this.#onTrade(instId, push));
    else if (channel === "books15") frames.push(...this.#onBook(instId, push));
    else if (channel === "books1") frames.push(...this.#onTop(instId, push));
    if (frames.length === 0 || this.#clients.size === 0) return;
    const f = this.#o.faults;
    if (f.feedStalled() || f.gapFrame()) return;
    const malformed = f.malformedFrame();
    const times = f.duplicateFrame() ? 2 : 1;
    for (let i = 0; i < times; i++)
      for (const [k, text] of frames) this.#deliver(k, malformed ? truncateFrame(text) : text);
  }

  /** Sends the symbol's `ticker` after a `books15` push (no fault draws of its own; not during a stall). */
  publishTicker(push: VenuePush): void {
    const { channel, instId } = push.msg.arg;
    if (channel !== "books15" || this.#o.faults.stalled) return;
    const k = key("ticker", instId);
    if (!this.#subs.has(k)) return;
    const text = this.#tickerText(instId);
    if (text) this.#deliver(k, text);
  }

  /** Cuts every connection now (TCP terminate); returns how many. */
  dropAll(): number {
    return this.#clients.dropAll();
  }

  /** Cuts every connection and stops accepting new ones. */
  close(): Promise<void> {
    return this.#clients.close();
  }

  #onTrade(symbol: string, push: VenuePush): [string, string][] {
    const items = (push.msg.data as Record<string, unknown>[]).map((d) => ({
      i: d.tradeId,
      L: d.tradeId,
      p: d.price,
      v: d.size,
      S: d.side,
      T: d.ts,
      isRPI: false,
    }));
    const ring = this.#trades.get(symbol) ?? [];
    for (let i = items.length - 1; i >= 0; i--) ring.unshift(items[i]);
    ring.length = Math.min(ring.length, this.#o.recentTrades ?? 50);
    this.#trades.set(symbol, ring);
    return [[key("publicTrade", symbol), this.#envelope("publicTrade", symbol, "update", items, push.msg.ts)]];
  }

  #onBook(symbol: string, push: VenuePush): [string, string][] {
    const item = push.msg.data[0] as { asks: Level[]; bids: Level[] };
    const asks = item.asks.map(levelOf);
    const bids = item.bids.map(levelOf);
    const ts = push.msg.ts;
    const prev = this.#books.get(symbol);
    const pseq = prev?.seq ?? FIRST_SEQ - 1n;
    const seq = pseq + 1n;
    const state: BookState = { asks, bids, seq, ts, top: prev?.top ?? null };
    this.#books.set(symbol, state);
    const out: [string, string][] = [];
    const depth = (n: number) => ({
      a: asks.slice(0, n),
      b: bids.slice(0, n),
      seq: String(seq),
      pseq: String(pseq),
      ts: String(ts),
    });
    out.push([key("books5", symbol), this.#envelope("books5", symbol, "snapshot", [depth(5)], ts)]);
    out.push([key("books50", symbol), this.#envelope("books50", symbol, "snapshot", [depth(50)], ts)]);
    if (prev) {
      const delta = {
        a: diff(prev.asks, asks),
        b: diff(prev.bids, bids),
        seq: String(seq),
        pseq: String(pseq),
        ts: String(ts),
      };
      out.push([key("books", symbol), this.#envelope("books", symbol, "update", [delta], ts)]);
    }
    return out;
  }

  #onTop(symbol: string, push: VenuePush): [string, string][] {
    const item = push.msg.data[0] as { asks: Level[]; bids: Level[] };
    const state = this.#books.get(symbol);
    const seq = (state?.top?.seq ?? FIRST_SEQ - 1n) + 1n;
    const top = {
      asks: item.asks.slice(0, 1).map(levelOf),
      bids: item.bids.slice(0, 1).map(levelOf),
      seq,
      ts: push.msg.ts,
    };
    if (state) state.top = top;
    else this.#books.set(symbol, { asks: [], bids: [], seq: FIRST_SEQ - 1n, ts: push.msg.ts, top });
    const data = [{ a: top.asks, b: top.bids, seq: String(seq), pseq: String(seq - 1n), ts: String(top.ts) }];
    return [[key("books1", symbol), this.#envelope("books1", symbol, "snapshot", data, top.ts)]];
  }

  #envelope(topic: string, symbol: string, action: "snapshot" | "update", data: unknown[], ts: number): string {
    return JSON.stringify({ action, arg: { instType: "usdt-futures", topic, symbol }, data, ts });
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
    const send = (frame: string) => sendFrame(client.ws, frame, this.#o.faults);
    const a = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
    const { instType, topic, symbol } = a;
    if (
      typeof instType !== "string" ||
      instType.toLowerCase() !== "usdt-futures" ||
      typeof topic !== "string" ||
      !V3_PUBLIC_TOPICS.has(topic) ||
      typeof symbol !== "string" ||
      !this.#symbols.has(symbol)
    ) {
      const msg = `instType:${instType},topic:${topic},symbol:${symbol} doesn't exist`;
      return send(JSON.stringify({ event: "error", arg: raw, code: 30001, msg, op }));
    }
    const k = key(topic, symbol);
    const arg = { instType, topic, symbol };
    if (op === "unsubscribe") {
      client.subs.delete(k);
      this.#subs.get(k)?.delete(client);
      return send(JSON.stringify({ event: "unsubscribe", arg }));
    }
    const fresh = !client.subs.has(k);
    client.subs.add(k);
    let set = this.#subs.get(k);
    if (!set) this.#subs.set(k, (set = new Set()));
    set.add(client);
    send(JSON.stringify({ event: "subscribe", arg, connId: `venue-${client.id}` }));
    if (fresh && !this.#o.faults.stalled) {
      const initial = this.#initial(topic, symbol);
      if (initial) send(initial);
    }
  }

  /** The push a new subscriber starts with, or null when there is nothing yet. */
  #initial(topic: string, symbol: string): string | null {
    const now = this.#o.clock();
    if (topic === "publicTrade") {
      const ring = this.#trades.get(symbol);
      return ring?.length ? this.#envelope("publicTrade", symbol, "snapshot", ring, now) : null;
    }
    if (topic === "ticker") return this.#tickerText(symbol);
    const b = this.#books.get(symbol);
    if (!b) return null;
    if (topic === "books1") {
      const t = b.top;
      if (!t) return null;
      const data = [{ a: t.asks, b: t.bids, seq: String(t.seq), pseq: String(t.seq - 1n), ts: String(t.ts) }];
      return this.#envelope("books1", symbol, "snapshot", data, t.ts);
    }
    if (b.seq < FIRST_SEQ) return null;
    const n = topic === "books5" ? 5 : topic === "books50" ? 50 : b.asks.length + b.bids.length;
    const data = [
      { a: b.asks.slice(0, n), b: b.bids.slice(0, n), seq: String(b.seq), pseq: String(b.seq - 1n), ts: String(b.ts) },
    ];
    return this.#envelope(topic, symbol, "snapshot", data, b.ts);
  }

  #tickerText(symbol: string): string | null {
    const t = this.#o.ticker?.(symbol);
    if (!t) return null;
    const { category: _c, symbol: _s, ...item } = tickerShapeV3(t) as Record<string, unknown>;
    return this.#envelope("ticker", symbol, "snapshot", [item], this.#o.clock());
  }

  #deliver(k: string, text: string): void {
    const set = this.#subs.get(k);
    if (!set) return;
    for (const client of set) sendFrame(client.ws, text, this.#o.faults);
  }
}

function key(topic: string, symbol: string): string {
  return `${topic}|${symbol}`;
}

function levelOf(l: readonly unknown[]): Level {
  return [String(l[0]), String(l[1])];
}

/** The levels that changed from `before` to `after` (same side): new or resized levels, and removed ones as size "0". */
function diff(before: readonly Level[], after: readonly Level[]): Level[] {
  const old = new Map(before.map((l) => [Number(l[0]), l[1]]));
  const out: Level[] = [];
  const seen = new Set<number>();
  for (const l of after) {
    const p = Number(l[0]);
    seen.add(p);
    if (old.get(p) !== l[1]) out.push(l);
  }
  for (const l of before) if (!seen.has(Number(l[0]))) out.push([l[0], "0"]);
  return out;
}
