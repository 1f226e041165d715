/**
 * Authentication of a signed REST call, the same for V2 and v3 (bitget-v2.md §4.1–4.2,
 * bitget-uta-v3.md §2.1): `ACCESS-KEY`, `ACCESS-SIGN`, `ACCESS-TIMESTAMP` (ms, within ±30 s of
 * the wall clock) and `ACCESS-PASSPHRASE`, the signature verified over the exact raw query string
 * and body bytes. Refusals, all HTTP 400: 40001/40003/40005/40011 missing or malformed header,
 * 40006 unknown key, 40008 stale timestamp, 40012 wrong passphrase, 40009 bad signature.
 * @module
 */
import type { IncomingMessage } from "node:http";
import { verifyRestSignature } from "../../shared/exchange/bitget/signing";
import type { CoreError } from "./core-errors";
import { header } from "./rest-params";
import type { VenueKey, VenueKeys } from "./venue-keys";

/** Signature timestamps further than this from the wall clock are refused (§4.1). */
export const REST_WINDOW_MS = 30_000;

/** The request as received, for {@link authenticateRest}. */
export interface RestRequestParts {
  readonly method: string;
  readonly path: string;
  /** Raw query string without "?", "" if none. */
  readonly query: string;
  readonly body: string;
}

/** The key a signed request authenticates as, or Bitget's refusal. */
export async function authenticateRest(
  req: IncomingMessage,
  parts: RestRequestParts,
  keys: VenueKeys,
  wallNow: () => number,
): Promise<{ ok: true; key: VenueKey } | { ok: false; error: CoreError }> {
  const refuse = (code: string, msg: string) => ({ ok: false as const, error: { http: 400, code, msg } });
  const apiKey = header(req, "access-key");
  const signature = header(req, "access-sign");
  const ts = header(req, "access-timestamp");
  const pass = header(req, "access-passphrase");
  if (!apiKey) return refuse("40001", "ACCESS_KEY cannot be empty");
  if (!signature) return refuse("40003", "ACCESS_SIGN cannot be empty");
  if (!ts) return refuse("40005", "ACCESS_TIMESTAMP cannot be empty");
  if (!pass) return refuse("40011", "ACCESS_PASSPHRASE cannot be empty");
  const key = keys.get(apiKey);
  if (!key) return refuse("40006", "Invalid ACCESS_KEY");
  if (!/^\d{1,16}$/.test(ts)) return refuse("40005", "Invalid ACCESS_TIMESTAMP");
  if (Math.abs(wallNow() - Number(ts)) > REST_WINDOW_MS) return refuse("40008", "Request timestamp expired");
  const c = key.credentials;
  if (pass !== c.passphrase) return refuse("40012", "apikey/password is incorrect");
  const good = await verifyRestSignature({ secret: c.apiSecret, timestamp: ts, ...parts, signature });
  return good ? { ok: true, key } : refuse("40009", "sign signature error");
}
