/**
 * Deterministic Bitget `clientOid`s: the idempotency key of one order intent (bitget-v2.md §4.6, §8.5).
 *
 * Encoding: `<BASE>-<time>-<seq>`, where
 * - `BASE` is the symbol without its `USDT` suffix (`BTCUSDT` → `BTC`; USDT-M symbols all end in USDT),
 *   uppercase letters and digits; a recording of another quote (backtests only, see market/quote.ts)
 *   writes `<BASE>/<QUOTE>` (`XRPETH` → `XRP/ETH`), so ids stay distinct across quotes;
 * - `time` is the intent time in ms, base 36, lowercase, no leading zeros (8 characters until 2059);
 * - `seq` is the intent's sequence number, base 36, lowercase, no leading zeros.
 * E.g. `makeClientOid("BTCUSDT", 1700000000000, 7)` = `BTC-loyw3v28-7`.
 * The encoding is injective (each part is canonical and `-` occurs in none), so distinct inputs give
 * distinct ids, and {@link parseClientOid} inverts it. Ids stay within `^[.A-Z:/a-z0-9_-]{1,32}$`.
 * Ids the bot did not make (web orders carry Bitget's numeric ids) do not parse.
 * @module
 */

import { QUOTES, splitSymbol } from "../market/quote";

/** Longest clientOid Bitget accepts. */
export const CLIENT_OID_MAX_LENGTH = 32;

/** The charset and length Bitget accepts for a clientOid. */
export const CLIENT_OID_PATTERN = /^[.A-Z:/a-z0-9_-]{1,32}$/;

const SUFFIX = "USDT";
const PARSE = /^([A-Z0-9]+)(?:\/([A-Z0-9]+))?-([1-9a-z][0-9a-z]*|0)-([1-9a-z][0-9a-z]*|0)$/;

/** The parts a clientOid was made from. */
export interface ClientOidParts {
  readonly symbol: string;
  readonly intentTimeMs: number;
  readonly seq: number;
}

/**
 * The clientOid of the `seq`-th intent at `intentTimeMs` on `symbol` (encoding in the module doc).
 * Throws a RangeError for a symbol without a known quote ({@link splitSymbol}), a negative or fractional
 * time or seq, or when the id would exceed 32 characters (a base of more than ~16 characters).
 */
export function makeClientOid(symbol: string, intentTimeMs: number, seq: number): string {
  const parts = splitSymbol(symbol);
  if (!parts)
    throw new RangeError(`clientOid needs a symbol of [A-Z0-9] ending in ${QUOTES.join("/")}, got "${symbol}"`);
  const base = parts.quote === SUFFIX ? parts.base : `${parts.base}/${parts.quote}`;
  if (!isCount(intentTimeMs))
    throw new RangeError(`intentTimeMs must be a non-negative safe integer, got ${intentTimeMs}`);
  if (!isCount(seq)) throw new RangeError(`seq must be a non-negative safe integer, got ${seq}`);
  const oid = `${base}-${intentTimeMs.toString(36)}-${seq.toString(36)}`;
  if (oid.length > CLIENT_OID_MAX_LENGTH)
    throw new RangeError(`clientOid "${oid}" exceeds ${CLIENT_OID_MAX_LENGTH} characters`);
  return oid;
}

/**
 * The clientOid of the `seq`-th exchange-side stop an agent incarnation places at `intentTimeMs`:
 * `s<incarnation>-` before {@link makeClientOid}'s id, e.g. `s3-BTC-loyw3v28-1`. `incarnation` counts
 * the runner's restarts (persisted with its state), so ids never repeat across restarts even when the
 * exchange time and the counter do (a repeat is refused by Bitget: 43118 / 25212). The lowercase
 * prefix keeps them apart from order ids ({@link parseClientOid} refuses them); injective like
 * {@link makeClientOid} (`-` is in no part). Throws a RangeError like it, or beyond 32 characters.
 */
export function makeStopClientOid(symbol: string, incarnation: number, intentTimeMs: number, seq: number): string {
  if (!isCount(incarnation))
    throw new RangeError(`incarnation must be a non-negative safe integer, got ${incarnation}`);
  const oid = `s${incarnation.toString(36)}-${makeClientOid(symbol, intentTimeMs, seq)}`;
  if (oid.length > CLIENT_OID_MAX_LENGTH)
    throw new RangeError(`clientOid "${oid}" exceeds ${CLIENT_OID_MAX_LENGTH} characters`);
  return oid;
}

/** The parts of a clientOid made by {@link makeClientOid}, or null if `oid` is not one. */
export function parseClientOid(oid: string): ClientOidParts | null {
  if (oid.length > CLIENT_OID_MAX_LENGTH) return null;
  const m = PARSE.exec(oid);
  if (!m) return null;
  const quote = m[2] ?? SUFFIX;
  if (m[2] !== undefined && (quote === SUFFIX || splitSymbol(m[1] + quote)?.quote !== quote)) return null;
  const intentTimeMs = parseInt(m[3], 36);
  const seq = parseInt(m[4], 36);
  if (!isCount(intentTimeMs) || !isCount(seq)) return null;
  return { symbol: m[1] + quote, intentTimeMs, seq };
}

function isCount(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}
