/**
 * One signed, paced, timed-out Bitget REST call with retries for idempotent requests.
 *
 * - Query keys are sorted and values URI-encoded; the query string and the JSON body are built
 *   once, signed, and sent as the same bytes (bitget-v2.md §4.2).
 * - Headers §4.1: ACCESS-KEY/-SIGN/-TIMESTAMP/-PASSPHRASE on signed calls, `Content-Type`,
 *   `locale` always, `paptrading: 1` in demo mode (§7).
 * - Success iff HTTP 2xx and `code === "00000"` (§4.4); everything else becomes a {@link BitgetError}.
 * - GETs are retried on timeout, network, 5xx and 429 with jittered exponential backoff; POSTs never.
 *   A 429 pauses the endpoint in the rate limiter for ≥ 1 s (§5), for every caller; a retried GET
 *   then waits there instead of sleeping twice.
 * Transport-agnostic: any `fetch`-shaped function will do (the real one, a fake, a local venue).
 * @module
 */

import type { EndpointSpec } from "./rest-endpoints";
import { BitgetError, type BitgetErrorKind, classifyBitgetFailure, redact } from "./rest-errors";
import { RateLimiter } from "./rate-limiter";
import { importHmacKey, restPrehash, signWithKey } from "./signing";

/** What the transport hands to `fetch`. */
export interface HttpRequestInit {
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly signal: AbortSignal;
}

/** The part of a `Response` the transport reads. */
export interface HttpResponseLike {
  readonly status: number;
  text(): Promise<string>;
}

/** A `fetch`-shaped function. */
export type FetchLike = (url: string, init: HttpRequestInit) => Promise<HttpResponseLike>;

/** API key credentials; used for signing only, never echoed in errors. */
export interface BitgetCredentials {
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly passphrase: string;
}

/** Retry policy of idempotent calls. */
export interface RetryPolicy {
  /** Retries after the first attempt; default 3. */
  readonly maxRetries?: number;
  /** Backoff before the first retry, doubled per retry; default 200 ms. */
  readonly baseDelayMs?: number;
  /** Backoff cap; default 5000 ms. */
  readonly maxDelayMs?: number;
}

/** Construction options of {@link BitgetRestTransport}. */
export interface TransportOptions {
  /** Local clock in ms (shared/ reads no clock of its own). */
  readonly now: () => number;
  /** Uniform [0, 1) source for backoff jitter. */
  readonly random: () => number;
  /** Default `globalThis.fetch`. */
  readonly fetch?: FetchLike;
  /** Default `https://api.bitget.com`. */
  readonly baseUrl?: string;
  readonly credentials?: BitgetCredentials;
  /** Demo trading: adds `paptrading: 1` to every request. */
  readonly demo?: boolean;
  /** Per-attempt timeout (until the body is read); default 5000 ms. */
  readonly timeoutMs?: number;
  /** Default: a timer on `setTimeout`. Rate-limit waits and backoff go through it. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Share one limiter between clients of the same account; default a new one on `now`/`sleep`. */
  readonly rateLimiter?: RateLimiter;
  readonly retry?: RetryPolicy;
  /** Kind of a failed call from HTTP status and Bitget code; default the V2 table ({@link classifyBitgetFailure}). */
  readonly classify?: (status: number | null, code: string | null) => BitgetErrorKind;
}

/** Query parameters; `undefined` values are left out. */
export type QueryParams = Readonly<Record<string, string | number | undefined>>;

/** JSON body fields, serialised in insertion order; `undefined` values are left out. */
export type BodyParams = Readonly<Record<string, unknown>>;

const SUCCESS = "00000";
const RATE_LIMIT_PAUSE_MS = 1000;

/** Executes Bitget REST calls. One instance per account (it holds the server-time offset and limiter). */
export class BitgetRestTransport {
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #fetch: FetchLike;
  readonly #baseUrl: string;
  readonly #credentials: BitgetCredentials | undefined;
  readonly #demo: boolean;
  readonly #timeoutMs: number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #limiter: RateLimiter;
  readonly #retry: Required<RetryPolicy>;
  readonly #secrets: string[];
  readonly #classify: (status: number | null, code: string | null) => BitgetErrorKind;
  #key: Promise<CryptoKey> | null = null;
  #offsetMs = 0;

  constructor(options: TransportOptions) {
    this.#now = options.now;
    this.#random = options.random;
    this.#fetch = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
    this.#baseUrl = (options.baseUrl ?? "https://api.bitget.com").replace(/\/+$/, "");
    this.#credentials = options.credentials;
    this.#demo = options.demo ?? false;
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#limiter = options.rateLimiter ?? new RateLimiter({ now: this.#now, sleep: this.#sleep });
    this.#retry = { maxRetries: 3, baseDelayMs: 200, maxDelayMs: 5000, ...options.retry };
    this.#classify = options.classify ?? classifyBitgetFailure;
    const c = options.credentials;
    this.#secrets = c ? [c.apiSecret, c.passphrase, c.apiKey] : [];
  }

  /** Server time minus local time (ms), added to `now()` for ACCESS-TIMESTAMP. */
  get timeOffsetMs(): number {
    return this.#offsetMs;
  }

  /** Sets the server-time offset (see `BitgetRestClient.syncTime`). */
  setTimeOffset(offsetMs: number): void {
    this.#offsetMs = offsetMs;
  }

  /** Local time corrected by the server-time offset. */
  serverNow(): number {
    return Math.round(this.#now() + this.#offsetMs);
  }

  /**
   * Calls `spec` and returns the envelope's `data`. GET params go to the query string, POST params
   * to the JSON body. Throws a {@link BitgetError}; GETs are first retried on transient errors.
   */
  async call(spec: EndpointSpec, params: QueryParams | BodyParams = {}): Promise<unknown> {
    if (spec.auth && !this.#credentials) {
      throw this.#error(spec, "auth", null, null, "no API credentials configured");
    }
    const query = spec.method === "GET" ? buildQueryString(params as QueryParams) : "";
    const body = spec.method === "POST" ? JSON.stringify(params) : "";
    const retries = spec.method === "GET" ? this.#retry.maxRetries : 0;
    for (let attempt = 0; ; attempt++) {
      await this.#limiter.acquire(spec.path, spec.perSecond);
      try {
        return await this.#attempt(spec, query, body);
      } catch (e) {
        if (!(e instanceof BitgetError)) throw e;
        const delay = backoffDelay(attempt, e.kind, this.#random, this.#retry);
        if (e.kind === "rateLimit") this.#limiter.pause(spec.path, this.#now() + delay);
        if (attempt >= retries || !e.transient) throw e;
        if (e.kind !== "rateLimit") await this.#sleep(delay);
      }
    }
  }

  async #attempt(spec: EndpointSpec, query: string, body: string): Promise<unknown> {
    const url = `${this.#baseUrl}${spec.path}${query === "" ? "" : `?${query}`}`;
    const headers = await this.#headers(spec, query, body);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.#timeoutMs);
    let status: number;
    let text: string;
    try {
      const init: HttpRequestInit =
        body === ""
          ? { method: spec.method, headers, signal: controller.signal }
          : { method: spec.method, headers, body, signal: controller.signal };
      const res = await this.#fetch(url, init);
      status = res.status;
      text = await res.text();
    } catch (e) {
      if (controller.signal.aborted)
        throw this.#error(spec, "timeout", null, null, `no response within ${this.#timeoutMs} ms`);
      throw this.#error(spec, "network", null, null, e instanceof Error ? e.message : String(e));
    } finally {
      clearTimeout(timer);
    }
    return this.#unwrap(spec, status, text);
  }

  async #headers(spec: EndpointSpec, query: string, body: string): Promise<Record<string, string>> {
    const headers: Record<string, string> = { "Content-Type": "application/json", locale: "en-US" };
    if (this.#demo) headers.paptrading = "1";
    const c = this.#credentials;
    if (!spec.auth || !c) return headers;
    this.#key ??= importHmacKey(c.apiSecret);
    const timestamp = String(this.serverNow());
    headers["ACCESS-KEY"] = c.apiKey;
    headers["ACCESS-SIGN"] = await signWithKey(
      await this.#key,
      restPrehash(timestamp, spec.method, spec.path, query, body),
    );
    headers["ACCESS-TIMESTAMP"] = timestamp;
    headers["ACCESS-PASSPHRASE"] = c.passphrase;
    return headers;
  }

  #unwrap(spec: EndpointSpec, status: number, text: string): unknown {
    let envelope: unknown;
    try {
      envelope = JSON.parse(text);
    } catch {
      throw this.#error(
        spec,
        this.#classify(status, null),
        status,
        null,
        `response is not JSON: ${text.slice(0, 120)}`,
      );
    }
    const isEnvelope = typeof envelope === "object" && envelope !== null && "code" in envelope;
    const code = isEnvelope ? String((envelope as { code: unknown }).code) : null;
    const msg = isEnvelope ? String((envelope as { msg?: unknown }).msg ?? "") : "response is not a Bitget envelope";
    if (status >= 200 && status < 300 && code === SUCCESS) return (envelope as { data?: unknown }).data;
    throw this.#error(spec, this.#classify(status, code), status, code, msg);
  }

  #error(
    spec: EndpointSpec,
    kind: BitgetErrorKind,
    status: number | null,
    code: string | null,
    message: string,
  ): BitgetError {
    const exchangeMessage = redact(message, this.#secrets);
    return new BitgetError({ kind, method: spec.method, endpoint: spec.path, status, code, exchangeMessage });
  }
}

/**
 * The query string as sent and signed: keys sorted ascending, values URI-encoded, `undefined` left
 * out, no leading "?" (bitget-v2.md §4.2).
 */
export function buildQueryString(params: QueryParams): string {
  return Object.keys(params)
    .filter((k) => params[k] !== undefined)
    .sort()
    .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(String(params[k]))}`)
    .join("&");
}

/**
 * Delay before retry number `attempt + 1`: exponential `base·2^attempt` capped at `max`, with
 * "equal jitter" (half fixed, half uniform), so the delay grows and concurrent clients spread out.
 * After a 429 it is at least one second (§5: back off ≥ 1 s with jitter).
 */
export function backoffDelay(
  attempt: number,
  kind: BitgetErrorKind,
  random: () => number,
  policy: Required<RetryPolicy>,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  const delay = ceiling / 2 + random() * (ceiling / 2);
  return kind === "rateLimit" ? Math.max(RATE_LIMIT_PAUSE_MS * (1 + random() * 0.5), delay) : delay;
}
