import type { BookLevelsEvent, BookTopEvent, Level, MarketEvent, Side, TradeEvent } from "../../market/events";

/** Result of decoding one public push: events, or a refusal naming what is wrong. */
export type DecodeResult =
  | { readonly ok: true; readonly events: MarketEvent[] }
  | { readonly ok: false; readonly reason: string };

/** A control frame the decoder recognised but which carries no market data. */
const CONTROL_EVENTS = new Set(["subscribe", "unsubscribe", "login", "error"]);

/** A `seq`/`pseq` sent as a JSON number of 16 digits or more: JSON.parse would round it to a double. */
const BIG_SEQ = /"(p?seq)":(\d{16,})/g;

/**
 * `JSON.parse` of a V2 frame (or of a recording line holding one) that keeps `seq`/`pseq` exact: one
 * sent as a number beyond 2^53 is read as its digit string (bitget-v2.md §1.5: parse them as
 * string/BigInt, never Number). Rounded, consecutive seqs near 1.3·10^18 collapse 256 to one value,
 * and the book checks would drop most pushes as stale and then resync for ever.
 * Throws as `JSON.parse` does.
 */
export function parseFrameText(text: string): unknown {
  if (text.indexOf('seq":') < 0) return JSON.parse(text);
  BIG_SEQ.lastIndex = 0;
  if (!BIG_SEQ.test(text)) return JSON.parse(text);
  return JSON.parse(text.replace(BIG_SEQ, '"$1":"$2"'));
}

/**
 * Decodes one Bitget V2 public push (already JSON-parsed) into typed market events.
 *
 * - `trade` → one {@link TradeEvent} per item, sorted by (ts, tradeId): Bitget gives no order
 *   guarantee inside `data` (bitget-v2.md §1.3).
 * - `books1` → {@link BookTopEvent}; `books5` / `books15` / `books` snapshots → {@link BookLevelsEvent}.
 * - Control frames (acks, errors) and other channels decode to no events.
 * Numbers are parsed here, once; trade ids and `seq` stay strings (they can exceed 2^53).
 * Malformed pushes are refused as values, never thrown.
 */
export function decodePublicPush(msg: unknown): DecodeResult {
  if (!isObject(msg)) return refuse("push is not an object");
  if (typeof msg.event === "string" && CONTROL_EVENTS.has(msg.event)) return { ok: true, events: [] };
  const arg = msg.arg;
  if (!isObject(arg)) return refuse("push has no arg");
  const channel = arg.channel;
  const symbol = arg.instId;
  if (typeof channel !== "string" || typeof symbol !== "string" || symbol === "")
    return refuse("arg lacks channel or instId");
  return decodeChannelData(channel, symbol, msg.data);
}

/**
 * Decodes the `data` of a push whose envelope was already routed to `channel` and `symbol` (the
 * market ingress checks the envelope once, then calls this). Other channels decode to no events.
 */
export function decodeChannelData(channel: string, symbol: string, data: unknown): DecodeResult {
  if (!Array.isArray(data)) return refuse(`${channel} push has no data array`);
  if (channel === "trade") return decodeTrades(symbol, data);
  if (channel === "books1") return decodeTop(symbol, data);
  if (channel === "books5" || channel === "books15" || channel === "books") return decodeLevels(symbol, data);
  return { ok: true, events: [] };
}

function decodeTrades(symbol: string, data: unknown[]): DecodeResult {
  const events: TradeEvent[] = [];
  for (let i = 0; i < data.length; i++) {
    const d = data[i];
    if (!isObject(d)) return refuse(`trade item ${i} is not an object`);
    const ts = num(d.ts);
    const price = num(d.price);
    const size = num(d.size);
    const side = d.side;
    const id = d.tradeId;
    if (!(ts > 0)) return refuse(`trade item ${i} has a bad ts`);
    if (!(price > 0)) return refuse(`trade item ${i} has a bad price`);
    if (!(size > 0)) return refuse(`trade item ${i} has a bad size`);
    if (side !== "buy" && side !== "sell") return refuse(`trade item ${i} has a bad side`);
    if (typeof id !== "string" || id === "") return refuse(`trade item ${i} has no tradeId`);
    events.push({ kind: "trade", symbol, ts, price, size, side: side as Side, id });
  }
  if (events.length > 1) events.sort(byTimeThenId);
  return { ok: true, events };
}

function decodeTop(symbol: string, data: unknown[]): DecodeResult {
  const d = data[0];
  if (!isObject(d)) return refuse("books1 push has no item");
  const bid = level(d.bids, 0);
  const ask = level(d.asks, 0);
  const ts = num(d.ts);
  if (!bid || !ask) return refuse("books1 push lacks a bid or an ask");
  if (!(ts > 0)) return refuse("books1 push has a bad ts");
  const seq = seqOf(d.seq);
  const event: BookTopEvent = {
    kind: "bookTop",
    symbol,
    ts,
    bidPrice: bid[0],
    bidSize: bid[1],
    askPrice: ask[0],
    askSize: ask[1],
    seq,
  };
  return { ok: true, events: [event] };
}

function decodeLevels(symbol: string, data: unknown[]): DecodeResult {
  const d = data[0];
  if (!isObject(d)) return refuse("book push has no item");
  const ts = num(d.ts);
  if (!(ts > 0)) return refuse("book push has a bad ts");
  const bids = levels(d.bids);
  const asks = levels(d.asks);
  if (!bids || !asks) return refuse("book push has malformed levels");
  const event: BookLevelsEvent = { kind: "bookLevels", symbol, ts, bids, asks, seq: seqOf(d.seq) };
  return { ok: true, events: [event] };
}

function levels(raw: unknown): Level[] | null {
  if (!Array.isArray(raw)) return null;
  const out: Level[] = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const l = level(raw, i);
    if (!l) return null;
    out[i] = l;
  }
  return out;
}

function level(raw: unknown, i: number): Level | null {
  if (!Array.isArray(raw)) return null;
  const l = raw[i];
  if (!Array.isArray(l) || l.length < 2) return null;
  const price = num(l[0]);
  const size = num(l[1]);
  if (!(price > 0) || !(size >= 0)) return null;
  return [price, size];
}

function seqOf(raw: unknown): string {
  return typeof raw === "string" ? raw : typeof raw === "number" ? String(raw) : "";
}

/** Parses an exchange number (a string, or a number for the envelope `ts`); NaN when it is not one. */
function num(raw: unknown): number {
  if (typeof raw === "number") return raw;
  if (typeof raw !== "string" || raw === "") return NaN;
  return +raw;
}

function byTimeThenId(a: TradeEvent, b: TradeEvent): number {
  if (a.ts !== b.ts) return a.ts - b.ts;
  if (a.id.length !== b.id.length) return a.id.length - b.id.length;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function refuse(reason: string): DecodeResult {
  return { ok: false, reason };
}
