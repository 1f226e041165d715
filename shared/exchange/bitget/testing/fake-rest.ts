/**
 * Test doubles for the Bitget REST client: a `fetch` that records every request and answers with
 * canned Bitget envelopes, a fake clock whose `sleep` advances time, and a seeded PRNG.
 * @module
 */

import type { FetchLike, HttpResponseLike } from "../rest-transport";

/** One request as the fake exchange received it. */
export interface RecordedRequest {
  readonly url: string;
  readonly method: string;
  /** Path without host or query. */
  readonly path: string;
  /** Raw query string without "?", "" if none. */
  readonly query: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Raw body, "" if none. */
  readonly body: string;
}

/** Answers one request; may return a never-settling promise that rejects when `signal` aborts. */
export type Responder = (req: RecordedRequest, signal: AbortSignal) => HttpResponseLike | Promise<HttpResponseLike>;

/** A recording fake `fetch`. */
export function fakeFetch(responder: Responder): { fetch: FetchLike; requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  const fetch: FetchLike = async (url, init) => {
    const u = new URL(url);
    const req: RecordedRequest = {
      url,
      method: init.method,
      path: u.pathname,
      query: u.search.slice(1),
      headers: { ...init.headers },
      body: init.body ?? "",
    };
    requests.push(req);
    return responder(req, init.signal);
  };
  return { fetch, requests };
}

/** A raw HTTP response. */
export function httpResponse(status: number, text: string): HttpResponseLike {
  return { status, text: async () => text };
}

/** A Bitget success envelope around `data`. */
export function okEnvelope(data: unknown): HttpResponseLike {
  return httpResponse(200, JSON.stringify({ code: "00000", msg: "success", requestTime: 1700000000000, data }));
}

/** A Bitget error envelope. */
export function errorEnvelope(status: number, code: string, msg: string): HttpResponseLike {
  return httpResponse(status, JSON.stringify({ code, msg, requestTime: 1700000000000, data: null }));
}

/** A response that never arrives: rejects like fetch does once `signal` aborts. */
export function hang(signal: AbortSignal): Promise<HttpResponseLike> {
  return new Promise((_, reject) => {
    signal.addEventListener("abort", () => reject(new DOMException("The operation was aborted.", "AbortError")));
  });
}

/** A clock at `start` ms whose `sleep` advances it and records the wait. */
export function fakeClock(start = 1_700_000_000_000) {
  const state = { t: start, sleeps: [] as number[] };
  return {
    state,
    now: () => state.t,
    sleep: async (ms: number) => {
      state.sleeps.push(ms);
      state.t += ms;
    },
  };
}

/** A small seeded uniform [0, 1) generator: mulberry32, under the name its importers know. */
export { mulberry32 as seededRandom } from "../../../research/prng";
