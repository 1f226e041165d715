/**
 * The private WebSocket `login` check, the same for V2 and v3 (bitget-v2.md §3.1,
 * bitget-uta-v3.md §3): a known key, its passphrase, a timestamp in Unix seconds (milliseconds
 * accepted) within 30 s of the wall clock, and `sign = base64(HMAC_SHA256(secret, ts + "GET/user/verify"))`.
 * Reasons never echo a secret.
 * @module
 */
import { constantTimeEqual, wsLoginSign } from "../../shared/exchange/bitget/signing";
import type { VenueKey, VenueKeys } from "./venue-keys";

/** Login timestamps further than this from the wall clock are refused (§3.1). */
export const LOGIN_WINDOW_MS = 30_000;

/** The key a `login` arg proves, or why it is refused. */
export async function checkWsLogin(
  raw: unknown,
  keys: VenueKeys,
  wallNow: () => number,
): Promise<{ ok: true; key: VenueKey } | { ok: false; reason: string }> {
  const no = (reason: string) => ({ ok: false as const, reason });
  if (typeof raw !== "object" || raw === null) return no("login args missing");
  const { apiKey, passphrase, timestamp, sign } = raw as Record<string, unknown>;
  if (typeof apiKey !== "string" || typeof passphrase !== "string" || typeof sign !== "string")
    return no("login args missing");
  const ts = typeof timestamp === "number" ? String(timestamp) : timestamp;
  if (typeof ts !== "string" || !/^\d{1,16}$/.test(ts)) return no("Invalid timestamp");
  const key = keys.get(apiKey);
  if (!key) return no("Invalid ACCESS_KEY");
  const c = key.credentials;
  if (!constantTimeEqual(passphrase, c.passphrase)) return no("Invalid passphrase");
  const ms = ts.length >= 13 ? Number(ts) : Number(ts) * 1000;
  if (Math.abs(wallNow() - ms) > LOGIN_WINDOW_MS) return no("Request timestamp expired");
  if (!constantTimeEqual(sign, await wsLoginSign(c.apiSecret, ts))) return no("Invalid sign");
  return { ok: true, key };
}
