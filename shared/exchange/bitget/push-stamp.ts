/**
 * The exchange's stamps on a public push, as the feed-health watches read them (cadence-watch.ts,
 * lag-watch.ts): the push's `ts` and its first item's `seq`/`pseq`. V2 and v3 name them alike
 * (bitget-v2.md §1.5, bitget-uta-v3.md §1.3).
 * @module
 */

/** What the exchange stamped on one push. */
export interface PushStamp {
  /** The envelope `ts` (ms, the push time), else the first item's `ts`; null when neither is a time. */
  readonly ts: number | null;
  /** The first item's `seq`, or null. */
  readonly seq: bigint | null;
  /** The first item's `pseq` (the previous push's `seq` where the channel chains them), or null. */
  readonly pseq: bigint | null;
}

const DIGITS = /^\d{1,40}$/;

/** Reads the stamps of a push; anything absent or malformed is null (the ingress judged the push already). */
export function pushStamp(push: Readonly<Record<string, unknown>>): PushStamp {
  const item = Array.isArray(push.data) && isRecord(push.data[0]) ? push.data[0] : null;
  return {
    ts: time(push.ts) ?? time(item?.ts),
    seq: serial(item?.seq),
    pseq: serial(item?.pseq),
  };
}

function time(v: unknown): number | null {
  const n = typeof v === "number" ? v : typeof v === "string" && DIGITS.test(v) ? Number(v) : Number.NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

function serial(v: unknown): bigint | null {
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  return typeof v === "string" && DIGITS.test(v) ? BigInt(v) : null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
