/**
 * The v3 (UTA) code of each refusal the matching core makes in V2 terms (bitget-uta-v3.md §2.10),
 * so one core serves both dialects. Codes v3 shares with V2 (auth 400xx, 40762 margin, 429,
 * 40019/40020 parameters) pass through unchanged.
 * @module
 */
import type { CoreError, CoreResult } from "./core-errors";

/** V2 code → [v3 code, v3 message]. */
const V2_TO_V3: Readonly<Record<string, readonly [string, string]>> = {
  "43118": ["25212", "Duplicate clientOid"],
  "40808": ["25610", "The quantity precision is incorrect"],
  "41103": ["25244", "The price must be a multiple of priceMultiplier"],
  "43006": ["25611", "The order quantity is below the minimum"],
  "45110": ["25611", "The order amount is below the minimum order amount"],
  "40757": ["25227", "No position to reduce"],
  "40768": ["25204", "Order does not exist"],
  "40109": ["25204", "Order does not exist"],
  "22001": ["25204", "Order does not exist or is already completed"],
  "43001": ["25204", "Order does not exist"],
  "40774": ["25236", "Incorrect position open type"],
};

/** The v3 form of a core refusal; the core's detail is kept after the v3 message. */
export function toV3Error(e: CoreError): CoreError {
  const m = V2_TO_V3[e.code];
  return m ? { http: e.http, code: m[0], msg: `${m[1]} (${e.msg})` } : e;
}

/** A core result with its refusal in v3 terms. */
export function v3Result<T>(r: CoreResult<T>): CoreResult<T> {
  return r.ok ? r : { ok: false, error: toV3Error(r.error) };
}
