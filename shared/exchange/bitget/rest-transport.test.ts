import { describe, expect, it } from "vitest";
import { ENDPOINTS } from "./rest-endpoints";
import { BitgetError, type BitgetErrorKind } from "./rest-errors";
import { BitgetRestTransport, backoffDelay, buildQueryString, type TransportOptions } from "./rest-transport";
import { verifyRestSignature } from "./signing";
import {
  errorEnvelope,
  fakeClock,
  fakeFetch,
  hang,
  httpResponse,
  okEnvelope,
  type Responder,
  seededRandom,
} from "./testing/fake-rest";

const CREDENTIALS = { apiKey: "bg_key_5f1e2d", apiSecret: "s3cr3t-hmac-key-value", passphrase: "pass-phrase-77" };

function setup(responder: Responder, options: Partial<TransportOptions> = {}) {
  const clock = fakeClock();
  const { fetch, requests } = fakeFetch(responder);
  const transport = new BitgetRestTransport({
    now: clock.now,
    sleep: clock.sleep,
    random: seededRandom(7),
    fetch,
    credentials: CREDENTIALS,
    ...options,
  });
  return { transport, requests, clock };
}

async function failure(p: Promise<unknown>): Promise<BitgetError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof BitgetError) return e;
    throw e;
  }
  throw new Error("expected a BitgetError");
}

describe("BitgetRestTransport requests", () => {
  it("sends the ACCESS headers, Content-Type and locale on a signed call, signed over the bytes sent", async () => {
    const { transport, requests, clock } = setup(() => okEnvelope({ orderId: "1", clientOid: "c" }));
    await transport.call(ENDPOINTS.placeOrder, { symbol: "BTCUSDT", productType: "USDT-FUTURES", size: "0.001" });
    const req = requests[0];
    expect(req.headers).toMatchObject({
      "ACCESS-KEY": CREDENTIALS.apiKey,
      "ACCESS-PASSPHRASE": CREDENTIALS.passphrase,
      "ACCESS-TIMESTAMP": String(clock.state.t),
      "Content-Type": "application/json",
      locale: "en-US",
    });
    expect(req.headers.paptrading).toBeUndefined();
    expect(req.body).toBe('{"symbol":"BTCUSDT","productType":"USDT-FUTURES","size":"0.001"}');
    const verified = await verifyRestSignature({
      secret: CREDENTIALS.apiSecret,
      timestamp: req.headers["ACCESS-TIMESTAMP"],
      method: req.method,
      path: req.path,
      query: req.query,
      body: req.body,
      signature: req.headers["ACCESS-SIGN"],
    });
    expect(verified).toBe(true);
  });

  it("signs the query string exactly as it appears in the URL, sorted and encoded", async () => {
    const { transport, requests } = setup(() => okEnvelope({}));
    await transport.call(ENDPOINTS.orderDetail, {
      symbol: "BTCUSDT",
      productType: "USDT-FUTURES",
      clientOid: "BTC:a/b c",
      orderId: undefined,
    });
    const req = requests[0];
    expect(req.query).toBe("clientOid=BTC%3Aa%2Fb%20c&productType=USDT-FUTURES&symbol=BTCUSDT");
    expect(req.body).toBe("");
    const args = {
      secret: CREDENTIALS.apiSecret,
      timestamp: req.headers["ACCESS-TIMESTAMP"],
      method: "GET",
      path: req.path,
      body: "",
      signature: req.headers["ACCESS-SIGN"],
    };
    expect(await verifyRestSignature({ ...args, query: req.query })).toBe(true);
    expect(
      await verifyRestSignature({
        ...args,
        query: "symbol=BTCUSDT&productType=USDT-FUTURES&clientOid=BTC%3Aa%2Fb%20c",
      }),
    ).toBe(false);
  });

  it("sends no ACCESS headers on public calls and paptrading: 1 on every call in demo mode", async () => {
    const { transport, requests } = setup(() => okEnvelope({ serverTime: "1" }), { demo: true });
    await transport.call(ENDPOINTS.serverTime);
    await transport.call(ENDPOINTS.accounts, { productType: "USDT-FUTURES" });
    expect(Object.keys(requests[0].headers).sort()).toEqual(["Content-Type", "locale", "paptrading"]);
    expect(requests[0].headers.paptrading).toBe("1");
    expect(requests[1].headers.paptrading).toBe("1");
    expect(requests[1].headers["ACCESS-KEY"]).toBe(CREDENTIALS.apiKey);
  });

  it("uses the base URL and the server-time offset in the timestamp", async () => {
    const { transport, requests, clock } = setup(() => okEnvelope([]), { baseUrl: "http://127.0.0.1:9999/" });
    transport.setTimeOffset(-1234);
    await transport.call(ENDPOINTS.accounts, { productType: "USDT-FUTURES" });
    expect(requests[0].url).toBe("http://127.0.0.1:9999/api/v2/mix/account/accounts?productType=USDT-FUTURES");
    expect(requests[0].headers["ACCESS-TIMESTAMP"]).toBe(String(clock.state.t - 1234));
  });

  it("refuses a private call without credentials before sending anything", async () => {
    const { transport, requests } = setup(() => okEnvelope([]), { credentials: undefined });
    const err = await failure(transport.call(ENDPOINTS.accounts, {}));
    expect([err.kind, requests.length]).toEqual(["auth", 0]);
  });
});

describe("BitgetRestTransport error mapping", () => {
  const cases: [string, () => ReturnType<Responder>, BitgetErrorKind][] = [
    ["an invalid key (40006)", () => errorEnvelope(400, "40006", "Invalid ACCESS_KEY"), "auth"],
    ["an expired timestamp (40008)", () => errorEnvelope(400, "40008", "Request timestamp expired"), "auth"],
    ["HTTP 429", () => errorEnvelope(429, "429", "Too Many Requests"), "rateLimit"],
    [
      "insufficient balance (40762)",
      () => errorEnvelope(400, "40762", "The order amount exceeds the balance"),
      "insufficientBalance",
    ],
    [
      "a duplicate clientOid (43118)",
      () => errorEnvelope(400, "43118", "clientOrderId duplicate"),
      "duplicateClientOid",
    ],
    [
      "a bad size scale (40808)",
      () => errorEnvelope(400, "40808", "checkBDScale error value=2293.577 checkScale=2"),
      "badParameter",
    ],
    [
      "an unknown order (40109)",
      () => errorEnvelope(400, "40109", "The data of the order cannot be found"),
      "notFound",
    ],
    ["a symbol in maintenance (41114)", () => errorEnvelope(400, "41114", "maintenance"), "unavailable"],
    ["an HTML 502 from a proxy", () => httpResponse(502, "<html>Bad Gateway</html>"), "server"],
    ["an unknown code", () => errorEnvelope(400, "12345", "something"), "unknown"],
    ["a 200 that is not an envelope", () => httpResponse(200, '{"hello":1}'), "unknown"],
  ];

  for (const [what, respond, kind] of cases) {
    it(`maps ${what} to ${kind}`, async () => {
      const { transport } = setup(respond, { retry: { maxRetries: 0 } });
      const err = await failure(transport.call(ENDPOINTS.placeOrder, {}));
      expect(err.kind).toBe(kind);
      expect(err.endpoint).toBe("/api/v2/mix/order/place-order");
      expect(err.method).toBe("POST");
    });
  }

  it("carries the HTTP status, code and message of the envelope", async () => {
    const { transport } = setup(() => errorEnvelope(400, "40762", "The order amount exceeds the balance"));
    const err = await failure(transport.call(ENDPOINTS.placeOrder, {}));
    expect([err.status, err.code, err.exchangeMessage]).toEqual([400, "40762", "The order amount exceeds the balance"]);
  });

  it("turns a fetch rejection into a network error", async () => {
    const { transport } = setup(() => Promise.reject(new TypeError("fetch failed")), { retry: { maxRetries: 0 } });
    const err = await failure(transport.call(ENDPOINTS.ticker, {}));
    expect([err.kind, err.status, err.exchangeMessage]).toEqual(["network", null, "fetch failed"]);
  });

  it("aborts a call with no answer within the timeout as a typed timeout", async () => {
    const { transport, requests } = setup((_, signal) => hang(signal), { timeoutMs: 5 });
    const err = await failure(transport.call(ENDPOINTS.placeOrder, {}));
    expect([err.kind, err.outcomeUnknown, requests.length]).toEqual(["timeout", true, 1]);
    expect(err.message).toContain("no response within 5 ms");
  });

  it("never lets a secret reach an error, even when the exchange or the network echoes it", async () => {
    const echo = `key ${CREDENTIALS.apiKey} secret ${CREDENTIALS.apiSecret} pass ${CREDENTIALS.passphrase}`;
    const responders: Responder[] = [
      () => errorEnvelope(400, "40012", echo),
      () => httpResponse(500, echo),
      () => Promise.reject(new Error(echo)),
    ];
    for (const responder of responders) {
      const { transport } = setup(responder, { retry: { maxRetries: 0 } });
      const err = await failure(transport.call(ENDPOINTS.placeOrder, { symbol: "BTCUSDT" }));
      const surfaces = [
        JSON.stringify(err),
        err.message,
        String(err),
        err.stack ?? "",
        JSON.stringify(Object.getOwnPropertyDescriptors(err)),
      ];
      for (const text of surfaces) {
        for (const secret of Object.values(CREDENTIALS)) expect(text).not.toContain(secret);
      }
      expect(err.exchangeMessage).toContain("***");
    }
  });
});

describe("BitgetRestTransport retries", () => {
  it("retries a GET on 503 with growing jittered backoff and returns the eventual data", async () => {
    let n = 0;
    const { transport, requests, clock } = setup(() =>
      ++n < 3 ? httpResponse(503, "Service Unavailable") : okEnvelope({ ok: true }),
    );
    expect(await transport.call(ENDPOINTS.ticker, { symbol: "BTCUSDT" })).toEqual({ ok: true });
    expect(requests.length).toBe(3);
    expect(clock.state.sleeps.length).toBe(2);
    const [first, second] = clock.state.sleeps;
    expect(first).toBeGreaterThanOrEqual(100);
    expect(first).toBeLessThan(200);
    expect(second).toBeGreaterThanOrEqual(200);
    expect(second).toBeLessThan(400);
  });

  it("re-signs each retry with a fresh timestamp", async () => {
    let n = 0;
    const { transport, requests } = setup(() => (++n < 2 ? httpResponse(503, "") : okEnvelope([])));
    await transport.call(ENDPOINTS.accounts, { productType: "USDT-FUTURES" });
    expect(requests[0].headers["ACCESS-TIMESTAMP"]).not.toBe(requests[1].headers["ACCESS-TIMESTAMP"]);
  });

  it("does not retry place-order on 503", async () => {
    const { transport, requests, clock } = setup(() => httpResponse(503, "Service Unavailable"));
    const err = await failure(transport.call(ENDPOINTS.placeOrder, {}));
    expect([err.kind, requests.length, clock.state.sleeps.length]).toEqual(["server", 1, 0]);
  });

  it("does not retry a POST after a timeout", async () => {
    const { transport, requests } = setup((_, signal) => hang(signal), { timeoutMs: 2 });
    await failure(transport.call(ENDPOINTS.cancelOrder, {}));
    expect(requests.length).toBe(1);
  });

  it("gives up on a GET after the configured retries", async () => {
    const { transport, requests } = setup(() => httpResponse(500, ""), { retry: { maxRetries: 2 } });
    const err = await failure(transport.call(ENDPOINTS.ticker, {}));
    expect([err.kind, requests.length]).toEqual(["server", 3]);
  });

  it("does not retry a GET on a definite rejection", async () => {
    const { transport, requests } = setup(() => errorEnvelope(400, "40006", "Invalid ACCESS_KEY"));
    await failure(transport.call(ENDPOINTS.accounts, {}));
    expect(requests.length).toBe(1);
  });

  it("backs a GET off for at least a second after a 429, through the endpoint's limiter", async () => {
    let n = 0;
    const { transport, requests, clock } = setup(() =>
      ++n < 2 ? errorEnvelope(429, "429", "Too Many Requests") : okEnvelope([]),
    );
    await transport.call(ENDPOINTS.ticker, {});
    expect(requests.length).toBe(2);
    expect(clock.state.sleeps.length).toBe(1);
    expect(clock.state.sleeps[0]).toBeGreaterThanOrEqual(1000);
  });

  it("pauses the endpoint after a 429 on a POST, so the next call waits", async () => {
    let n = 0;
    const { transport, clock } = setup(() =>
      ++n < 2 ? errorEnvelope(429, "429", "Too Many Requests") : okEnvelope({}),
    );
    await failure(transport.call(ENDPOINTS.placeOrder, {}));
    expect(clock.state.sleeps).toEqual([]);
    await transport.call(ENDPOINTS.placeOrder, {});
    expect(clock.state.sleeps[0]).toBeGreaterThanOrEqual(1000);
  });

  it("delays the 21st call in a second on a 20/s endpoint", async () => {
    const { transport, clock } = setup(() => okEnvelope({}));
    for (let i = 0; i < 20; i++) await transport.call(ENDPOINTS.ticker, {});
    expect(clock.state.sleeps).toEqual([]);
    await transport.call(ENDPOINTS.ticker, {});
    expect(clock.state.sleeps).toEqual([1000]);
  });
});

describe("buildQueryString", () => {
  it("sorts keys, drops undefined and encodes values", () => {
    expect(buildQueryString({ symbol: "BTCUSDT", limit: 5, productType: "USDT-FUTURES", x: undefined })).toBe(
      "limit=5&productType=USDT-FUTURES&symbol=BTCUSDT",
    );
    expect(buildQueryString({})).toBe("");
  });
});

describe("backoffDelay", () => {
  const policy = { maxRetries: 5, baseDelayMs: 200, maxDelayMs: 1000 };

  it("doubles per attempt with equal jitter and stops at the cap", () => {
    expect(backoffDelay(0, "server", () => 0, policy)).toBe(100);
    expect(backoffDelay(0, "server", () => 0.999999, policy)).toBeCloseTo(200, 3);
    expect(backoffDelay(2, "server", () => 0.5, policy)).toBe(600);
    expect(backoffDelay(10, "server", () => 1, policy)).toBe(1000);
  });

  it("waits at least a second after a rate limit", () => {
    expect(backoffDelay(0, "rateLimit", () => 0, policy)).toBe(1000);
  });
});
