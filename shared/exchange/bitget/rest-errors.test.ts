import { describe, expect, it } from "vitest";
import { BitgetError, classifyBitgetFailure, isBitgetError, redact } from "./rest-errors";

describe("classifyBitgetFailure", () => {
  it("maps the documented codes of bitget-v2.md §5 to their kinds", () => {
    const cases: [string, string][] = [
      ["40006", "auth"],
      ["40008", "auth"],
      ["40009", "auth"],
      ["40012", "auth"],
      ["40037", "auth"],
      ["429", "rateLimit"],
      ["42901", "rateLimit"],
      ["1001", "rateLimit"],
      ["40762", "insufficientBalance"],
      ["43012", "insufficientBalance"],
      ["43118", "duplicateClientOid"],
      ["40109", "notFound"],
      ["43001", "notFound"],
      ["40808", "badParameter"],
      ["45110", "badParameter"],
      ["40774", "badParameter"],
      ["41114", "unavailable"],
      ["40200", "server"],
    ];
    for (const [code, kind] of cases) expect([code, classifyBitgetFailure(400, code)]).toEqual([code, kind]);
  });

  it("falls back on the HTTP status when the code is unknown or absent", () => {
    expect(classifyBitgetFailure(429, null)).toBe("rateLimit");
    expect(classifyBitgetFailure(401, "99999")).toBe("auth");
    expect(classifyBitgetFailure(503, null)).toBe("server");
    expect(classifyBitgetFailure(400, "99999")).toBe("unknown");
    expect(classifyBitgetFailure(null, null)).toBe("unknown");
  });
});

describe("BitgetError", () => {
  const err = new BitgetError({
    kind: "insufficientBalance",
    method: "POST",
    endpoint: "/api/v2/mix/order/place-order",
    status: 400,
    code: "40762",
    exchangeMessage: "The order amount exceeds the balance",
  });

  it("names kind, call, status, code and the exchange message", () => {
    expect(err.message).toBe(
      "Bitget insufficientBalance error on POST /api/v2/mix/order/place-order: HTTP 400 code 40762 The order amount exceeds the balance",
    );
    expect(JSON.parse(JSON.stringify(err))).toMatchObject({ kind: "insufficientBalance", status: 400, code: "40762" });
  });

  it("is a definite rejection, while timeouts, network and server errors leave the outcome unknown", () => {
    expect(err.outcomeUnknown).toBe(false);
    expect(err.transient).toBe(false);
    for (const kind of ["timeout", "network", "server"] as const) {
      const e = new BitgetError({ kind, method: "GET", endpoint: "/x", status: null, code: null, exchangeMessage: "" });
      expect(e.outcomeUnknown).toBe(true);
    }
    const limited = new BitgetError({
      kind: "rateLimit",
      method: "GET",
      endpoint: "/x",
      status: 429,
      code: "429",
      exchangeMessage: "",
    });
    expect([limited.outcomeUnknown, limited.transient]).toEqual([false, true]);
  });

  it("narrows by kind", () => {
    expect(isBitgetError(err)).toBe(true);
    expect(isBitgetError(err, "auth", "insufficientBalance")).toBe(true);
    expect(isBitgetError(err, "auth")).toBe(false);
    expect(isBitgetError(new Error("x"))).toBe(false);
  });
});

describe("redact", () => {
  it("replaces every occurrence of every non-empty secret", () => {
    expect(redact("key k1 and k1, pass p2", ["k1", "p2", ""])).toBe("key *** and ***, pass ***");
  });
});
