/**
 * The Bitget v3 public WebSocket dialect (bitget-uta-v3.md §1.3), decoded into the same market
 * events as V2 by translating each push into its V2 form and reusing the V2 codec
 * (public-codec.ts), so both feeds share one set of checks:
 * - arg `{instType:"usdt-futures", topic, symbol}` ↔ V2 `{instType, channel, instId}`;
 * - `publicTrade` items `{i, p, v, S, T}` ↔ `trade` items `{tradeId, price, size, side, ts}` (side
 *   lower-cased: v3 samples differ in case);
 * - `books` / `books1` / `books5` / `books50` items `{a, b, seq, pseq, ts, checksum?}` ↔ `books` /
 *   `books1` / `books5` / `books15` items `{asks, bids, seq, pseq, ts, checksum?}` (`books50` is a
 *   fixed-depth snapshot topic like `books15`; the level count does not matter to the codec).
 * Other topics (`ticker`, `kline`) and control frames decode to no events.
 * @module
 */
import { type DecodeResult, decodePublicPush } from "./public-codec";

/** v3 book topics and the V2 channel with the same semantics. */
export const V3_BOOK_TOPICS: Readonly<Record<string, "books" | "books1" | "books5" | "books15">> = {
  books: "books",
  books1: "books1",
  books5: "books5",
  books50: "books15",
};

/** A v3 public push in V2 form (what the V2 codec and BookSync read), or why it is not one. */
export type V2FormResult =
  | { readonly ok: true; readonly push: Record<string, unknown> | null }
  | { readonly ok: false; readonly reason: string };

const CONTROL_EVENTS = new Set(["subscribe", "unsubscribe", "login", "error"]);

/** Decodes one v3 public push (already JSON-parsed) into market events. */
export function decodeV3PublicPush(msg: unknown): DecodeResult {
  const v2 = toV2Form(msg);
  if (!v2.ok) return v2;
  return v2.push === null ? { ok: true, events: [] } : decodePublicPush(v2.push);
}

/**
 * The V2 form of a v3 market-data push: `push` null for control frames and topics that carry no
 * trades or books. Never throws; the V2 codec checks the values.
 */
export function toV2Form(msg: unknown): V2FormResult {
  if (!isObject(msg)) return { ok: false, reason: "push is not an object" };
  if (typeof msg.event === "string" && CONTROL_EVENTS.has(msg.event)) return { ok: true, push: null };
  const arg = msg.arg;
  if (!isObject(arg)) return { ok: false, reason: "push has no arg" };
  const { topic, symbol } = arg;
  if (typeof topic !== "string" || typeof symbol !== "string" || symbol === "")
    return { ok: false, reason: "arg lacks topic or symbol" };
  const channel = v2ChannelOf(topic);
  if (channel === null) return { ok: true, push: null };
  const data = v2Data(topic, msg.data);
  if (data === null) return { ok: false, reason: `${topic} push has no data array` };
  return {
    ok: true,
    push: { action: msg.action, ts: msg.ts, arg: { instType: "USDT-FUTURES", channel, instId: symbol }, data },
  };
}

/** The V2 channel of a v3 topic carrying trades or a book, else null. */
export function v2ChannelOf(topic: string): string | null {
  return topic === "publicTrade" ? "trade" : (V3_BOOK_TOPICS[topic] ?? null);
}

/** The `data` items of a v3 trade or book push in V2 form; null when `data` is not an array. */
export function v2Data(topic: string, data: unknown): unknown[] | null {
  if (!Array.isArray(data)) return null;
  if (topic === "publicTrade")
    return data.map((d) =>
      isObject(d)
        ? { tradeId: d.i, price: d.p, size: d.v, side: typeof d.S === "string" ? d.S.toLowerCase() : d.S, ts: d.T }
        : d,
    );
  return data.map((d) =>
    isObject(d) ? { asks: d.a, bids: d.b, seq: d.seq, pseq: d.pseq, ts: d.ts, checksum: d.checksum } : d,
  );
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
