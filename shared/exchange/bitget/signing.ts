/**
 * Bitget V2 request signing with WebCrypto (runs unchanged in workerd and Node).
 *
 * `ACCESS-SIGN = base64(HMAC_SHA256(secret, prehash))` where
 * `prehash = timestamp + METHOD + requestPath + ("?" + query if non-empty) + body`
 * (bitget-v2.md §4.2). The WS login signs `timestampSeconds + "GET" + "/user/verify"` (§3.1).
 * The same functions serve the client (signing) and the local venue (verifying).
 * @module
 */

const encoder = new TextEncoder();

/** Imports `secret` as an HMAC-SHA256 key, once per secret rather than once per request. */
export function importHmacKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

/** Signs `prehash` with an imported key: base64 of the HMAC-SHA256 digest (not hex, §4.2). */
export async function signWithKey(key: CryptoKey, prehash: string): Promise<string> {
  const digest = await crypto.subtle.sign("HMAC", key, encoder.encode(prehash));
  return toBase64(new Uint8Array(digest));
}

/**
 * `base64(HMAC_SHA256(secret, prehash))`, the Bitget signature of one request or login.
 * @see bitget-v2.md §4.2, vectors in §4.3
 */
export async function sign(secret: string, prehash: string): Promise<string> {
  return signWithKey(await importHmacKey(secret), prehash);
}

/**
 * The REST prehash: `ts + METHOD + path + ("?" + query) + body`. `query` is the exact string sent on
 * the wire without the leading "?", and `body` the exact JSON bytes sent ("" for a GET).
 */
export function restPrehash(
  timestampMs: string | number,
  method: string,
  path: string,
  query: string,
  body: string,
): string {
  const q = query === "" ? "" : query.startsWith("?") ? query : `?${query}`;
  return `${timestampMs}${method.toUpperCase()}${path}${q}${body}`;
}

/** The WS login signature: `sign(secret, tsSeconds + "GET/user/verify")` (seconds, not ms; §3.1). */
export function wsLoginSign(secret: string, timestampSeconds: string | number): Promise<string> {
  return sign(secret, `${timestampSeconds}GET/user/verify`);
}

/** What a server needs to check one signed REST request, all as received on the wire. */
export interface SignedRequestParts {
  readonly secret: string;
  /** The `ACCESS-TIMESTAMP` header value. */
  readonly timestamp: string;
  readonly method: string;
  /** Request path without host or query, e.g. `/api/v2/mix/order/place-order`. */
  readonly path: string;
  /** Raw query string as received (with or without the leading "?"), "" if none. */
  readonly query: string;
  /** Raw body text as received, "" if none. */
  readonly body: string;
  /** The `ACCESS-SIGN` header value. */
  readonly signature: string;
}

/**
 * Checks a request's `ACCESS-SIGN` against the bytes it carried, for the local venue's server side.
 * Recomputes with the same code the client signs with and compares in constant time
 * (the comparison does not stop at the first differing byte).
 */
export async function verifyRestSignature(parts: SignedRequestParts): Promise<boolean> {
  const expected = await sign(
    parts.secret,
    restPrehash(parts.timestamp, parts.method, parts.path, parts.query, parts.body),
  );
  return constantTimeEqual(expected, parts.signature);
}

/** String equality whose running time depends on the length only, not on where the strings differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  let diff = x.length ^ y.length;
  const n = Math.max(x.length, y.length);
  for (let i = 0; i < n; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
  return btoa(binary);
}
