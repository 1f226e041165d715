/**
 * Typed errors of the Bitget REST client, classified from the HTTP status and the Bitget `code`
 * (bitget-v2.md §5). One class with a discriminating `kind`, so callers switch on the kind and
 * never parse messages.
 * @module
 */

/**
 * What went wrong, as far as the caller needs to decide:
 * - `auth`: key, passphrase, signature, timestamp, IP or permission refused, or a key of the other
 *   account system (40085: a UTA key on V2; 40731: an Elite copy-trading UTA key) (never retry blindly);
 * - `rateLimit`: HTTP 429, code 429/429xx or 1001 (back off ≥ 1 s);
 * - `insufficientBalance`: margin or balance too small for the order;
 * - `duplicateClientOid`: the clientOid was used already (the order exists);
 * - `badParameter`: the request is malformed or breaks a contract rule (size scale, minimum, mode);
 * - `notFound`: the order does not exist (or no longer can be cancelled);
 * - `unavailable`: the symbol is under maintenance or not open yet;
 * - `timeout` / `network`: no answer; for a mutating call the outcome is unknown;
 * - `server`: HTTP 5xx or Bitget's "system busy/abnormal/upgrade" codes;
 * - `unknown`: anything else, including a response that is not a Bitget envelope.
 */
export type BitgetErrorKind =
  | "auth"
  | "rateLimit"
  | "insufficientBalance"
  | "duplicateClientOid"
  | "badParameter"
  | "notFound"
  | "unavailable"
  | "timeout"
  | "network"
  | "server"
  | "unknown";

/** The facts an error is built from; no header, body or credential is ever part of it. */
export interface BitgetErrorInit {
  readonly kind: BitgetErrorKind;
  /** HTTP method of the failed call. */
  readonly method: string;
  /** Request path without host or query, e.g. `/api/v2/mix/order/place-order`. */
  readonly endpoint: string;
  /** HTTP status, or null when no response arrived (timeout, network). */
  readonly status: number | null;
  /** Bitget's `code` (e.g. "40762"), or null when the response carried none. */
  readonly code: string | null;
  /** Bitget's `msg`, or the client's own description; already redacted. */
  readonly exchangeMessage: string;
}

/**
 * An error from a Bitget REST call. `JSON.stringify` shows kind, method, endpoint, status, code
 * and the exchange message; secrets are redacted by the client before construction.
 */
export class BitgetError extends Error {
  readonly kind: BitgetErrorKind;
  readonly method: string;
  readonly endpoint: string;
  readonly status: number | null;
  readonly code: string | null;
  readonly exchangeMessage: string;

  constructor(init: BitgetErrorInit) {
    super(describe(init));
    this.name = "BitgetError";
    this.kind = init.kind;
    this.method = init.method;
    this.endpoint = init.endpoint;
    this.status = init.status;
    this.code = init.code;
    this.exchangeMessage = init.exchangeMessage;
  }

  /** True when the request may have reached the exchange without us learning the result. */
  get outcomeUnknown(): boolean {
    return this.kind === "timeout" || this.kind === "network" || this.kind === "server";
  }

  /** True when repeating the same idempotent request later may succeed. */
  get transient(): boolean {
    return this.outcomeUnknown || this.kind === "rateLimit";
  }
}

/** Narrows `e` to a {@link BitgetError}, optionally of one of the given kinds. */
export function isBitgetError(e: unknown, ...kinds: BitgetErrorKind[]): e is BitgetError {
  return e instanceof BitgetError && (kinds.length === 0 || kinds.includes(e.kind));
}

const CODE_KINDS: ReadonlyMap<string, BitgetErrorKind> = new Map([
  ...codes("auth", "40001 40002 40003 40004 40005 40006 40008 40009 40010 40011 40012 40014 40018 40037 40085 40731"),
  ...codes("rateLimit", "429 1001"),
  ...codes("insufficientBalance", "40762 43012 40711 40712"),
  ...codes("duplicateClientOid", "43118"),
  ...codes("notFound", "43001 40768 40109 22001"),
  ...codes("badParameter", "40007 40017 40019 40020 40808 41103 43006 45110 40774 40102 40917 45122"),
  ...codes("unavailable", "41114 40308 43115"),
  ...codes("server", "500 40015 40200"),
]);

/**
 * The kind of a Bitget failure: the `code` decides when it is known (§5), then the HTTP status
 * (429 → rateLimit, 401/403 → auth, 5xx → server), else `unknown`.
 */
export function classifyBitgetFailure(status: number | null, code: string | null): BitgetErrorKind {
  const byCode = code === null ? undefined : CODE_KINDS.get(code);
  if (byCode) return byCode;
  if (code !== null && /^429\d\d$/.test(code)) return "rateLimit";
  if (status === 429) return "rateLimit";
  if (status === 401 || status === 403) return "auth";
  if (status !== null && status >= 500) return "server";
  return "unknown";
}

/**
 * Replaces every occurrence of the given secrets in `text` with `***`. Used on anything that may echo
 * request material (exchange messages, transport errors) before it becomes part of an error.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length > 0) out = out.split(s).join("***");
  return out;
}

function codes(kind: BitgetErrorKind, list: string): [string, BitgetErrorKind][] {
  return list.split(" ").map((c) => [c, kind]);
}

function describe(init: BitgetErrorInit): string {
  const where = `${init.method} ${init.endpoint}`;
  const status = init.status === null ? "" : ` HTTP ${init.status}`;
  const code = init.code === null ? "" : ` code ${init.code}`;
  return `Bitget ${init.kind} error on ${where}:${status}${code} ${init.exchangeMessage}`.trimEnd();
}
