import { describe, expect, it } from "vitest";
import { constantTimeEqual, restPrehash, sign, verifyRestSignature, wsLoginSign } from "./signing";

/** Vectors of bitget-v2.md §4.3 (computed with Node crypto and the bitget-api SDK). */
const SECRET = "bitget-test-secret-0123456789abcdef";
const PLACE_BODY =
  '{"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginMode":"crossed","marginCoin":"USDT","size":"0.001","price":"25000","side":"buy","tradeSide":"open","orderType":"limit","force":"gtc","clientOid":"scalp-0001"}';

describe("Bitget signing", () => {
  it("signs the GET single-position vector", async () => {
    const prehash = restPrehash(
      1700000000000,
      "GET",
      "/api/v2/mix/position/single-position",
      "marginCoin=USDT&productType=USDT-FUTURES&symbol=BTCUSDT",
      "",
    );
    expect(prehash).toBe(
      "1700000000000GET/api/v2/mix/position/single-position?marginCoin=USDT&productType=USDT-FUTURES&symbol=BTCUSDT",
    );
    expect(await sign(SECRET, prehash)).toBe("Put1ehEiy4WjmOIyb2QtFSqI/hJ+NzpZ+AEbjQwqr/Y=");
  });

  it("signs the POST place-order vector over the exact body bytes", async () => {
    const prehash = restPrehash("1700000000000", "post", "/api/v2/mix/order/place-order", "", PLACE_BODY);
    expect(await sign(SECRET, prehash)).toBe("5DjwaoHWUjUD6iSC/o6Z/w/trY39heTKkSLMPsi5Acc=");
  });

  it("signs the WS login vector with a timestamp in seconds", async () => {
    expect(await wsLoginSign(SECRET, 1700000000)).toBe("pm1+aj9ZKSuabrrZa8FZ6cDmurFpzb3J7BrMECN8rCo=");
  });

  it("adds no question mark for an empty query and keeps one already given", () => {
    expect(restPrehash(1, "GET", "/p", "", "")).toBe("1GET/p");
    expect(restPrehash(1, "GET", "/p", "?a=1", "")).toBe("1GET/p?a=1");
  });
});

describe("verifyRestSignature", () => {
  const parts = {
    secret: SECRET,
    timestamp: "1700000000000",
    method: "POST",
    path: "/api/v2/mix/order/place-order",
    query: "",
    body: PLACE_BODY,
    signature: "5DjwaoHWUjUD6iSC/o6Z/w/trY39heTKkSLMPsi5Acc=",
  };

  it("accepts the request the vector was computed for", async () => {
    expect(await verifyRestSignature(parts)).toBe(true);
  });

  it("rejects a body altered by one byte, another timestamp, or another secret", async () => {
    expect(await verifyRestSignature({ ...parts, body: PLACE_BODY.replace("0.001", "0.002") })).toBe(false);
    expect(await verifyRestSignature({ ...parts, timestamp: "1700000000001" })).toBe(false);
    expect(await verifyRestSignature({ ...parts, secret: `${SECRET}x` })).toBe(false);
  });

  it("rejects a truncated or empty signature", async () => {
    expect(await verifyRestSignature({ ...parts, signature: parts.signature.slice(0, -1) })).toBe(false);
    expect(await verifyRestSignature({ ...parts, signature: "" })).toBe(false);
  });
});

describe("constantTimeEqual", () => {
  it("tells equal strings from strings differing in content or length", () => {
    expect(constantTimeEqual("abc", "abc")).toBe(true);
    expect(constantTimeEqual("abc", "abd")).toBe(false);
    expect(constantTimeEqual("abc", "abcd")).toBe(false);
    expect(constantTimeEqual("", "")).toBe(true);
  });
});
