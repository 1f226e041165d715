/**
 * The Bitget v3 public WebSocket dialect for the market-ingress stage (market-ingress.ts;
 * bitget-uta-v3.md §1.3): pushes name their arg `{instType:"usdt-futures", topic, symbol}`; trades
 * come on `publicTrade`, books on `books` (snapshot + deltas, v3 continuity in {@link V3BookSync}),
 * `books1`, `books5` and `books50`. Decoding reuses the V2 codec on the V2 form of each push
 * (v3-public-codec.ts), so both dialects produce the same events under the same checks.
 * @module
 */
import type { IngressDialect } from "./market-ingress";
import { decodeChannelData, parseFrameText } from "./public-codec";
import { isV3BookTopic, V3BookSync } from "./v3-book-sync";
import { v2Data } from "./v3-public-codec";

/** Bitget v3 public pushes: `arg: {instType, topic, symbol}`, `publicTrade` and `books*` topics. */
export const BITGET_V3: IngressDialect = {
  parse: parseFrameText,
  argOf(push) {
    const arg = push.arg;
    if (typeof arg !== "object" || arg === null || Array.isArray(arg)) return "push has no arg";
    const { topic, symbol } = arg as Record<string, unknown>;
    if (typeof topic !== "string" || typeof symbol !== "string" || symbol === "")
      return "push arg lacks topic or symbol";
    return { channel: topic, symbol };
  },
  streamOf: (topic) => (topic === "publicTrade" ? "trade" : isV3BookTopic(topic) ? "book" : null),
  decodeTrades(symbol, push) {
    const data = v2Data("publicTrade", push.data);
    if (data === null) return { ok: false, reason: "publicTrade push has no data array" };
    return decodeChannelData("trade", symbol, data);
  },
  bookGuard(arg, depth) {
    if (!isV3BookTopic(arg.channel)) throw new RangeError(`not a v3 book topic: ${arg.channel}`);
    return new V3BookSync(arg.channel, arg.symbol, { depth });
  },
};
