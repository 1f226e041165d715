import { describe, expect, it } from "vitest";
import { CLIENT_OID_PATTERN, makeClientOid, makeStopClientOid, parseClientOid } from "./client-oid";
import { seededRandom } from "../exchange/bitget/testing/fake-rest";

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

describe("makeClientOid", () => {
  it("writes base, base-36 time and base-36 sequence", () => {
    expect(makeClientOid("BTCUSDT", 1700000000000, 7)).toBe("BTC-loyw3v28-7");
    expect(makeClientOid("1000PEPEUSDT", 0, 0)).toBe("1000PEPE-0-0");
  });

  it("round-trips random inputs and always stays within Bitget's charset and 32 characters", () => {
    const rnd = seededRandom(42);
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const len = 1 + Math.floor(rnd() * 12);
      let base = "";
      for (let j = 0; j < len; j++) base += ALNUM[Math.floor(rnd() * ALNUM.length)];
      const symbol = `${base}USDT`;
      const intentTimeMs = Math.floor(rnd() * 4e12);
      const seq = Math.floor(rnd() * 1e6);
      const oid = makeClientOid(symbol, intentTimeMs, seq);
      expect(oid).toMatch(CLIENT_OID_PATTERN);
      expect(parseClientOid(oid)).toEqual({ symbol, intentTimeMs, seq });
      seen.add(oid);
    }
    expect(seen.size).toBe(2000);
  });

  it("gives distinct ids for neighbouring times and sequence numbers", () => {
    const ids = new Set<string>();
    for (let t = 0; t < 40; t++)
      for (let s = 0; s < 40; s++) ids.add(makeClientOid("ETHUSDT", 1_700_000_000_000 + t, s));
    expect(ids.size).toBe(1600);
  });

  it("refuses symbols, times and sequences it cannot encode", () => {
    expect(() => makeClientOid("BTCUSD", 1, 1)).toThrow(RangeError);
    expect(() => makeClientOid("btcUSDT", 1, 1)).toThrow(RangeError);
    expect(() => makeClientOid("USDT", 1, 1)).toThrow(RangeError);
    expect(() => makeClientOid("BTCUSDT", -1, 1)).toThrow(RangeError);
    expect(() => makeClientOid("BTCUSDT", 1.5, 1)).toThrow(RangeError);
    expect(() => makeClientOid("BTCUSDT", 1, Number.NaN)).toThrow(RangeError);
    expect(() => makeClientOid("ABCDEFGHIJKLMNOPQRSTUVWXUSDT", 1700000000000, 1)).toThrow(/exceeds 32/);
  });
});

describe("parseClientOid", () => {
  it("rejects ids the bot did not make", () => {
    for (const oid of [
      "1115965643971776512",
      "scalp-0001",
      "BTC-01-1",
      "BTC-1-01",
      "btc-1-1",
      "BTC-1-1-1",
      "BTC--1",
      "",
    ]) {
      expect([oid, parseClientOid(oid)]).toEqual([oid, null]);
    }
  });
});

describe("clientOids of other quotes (backtests of spot captures)", () => {
  it("writes base/quote, round-trips, and never collides with the USDT symbol of the same letters", () => {
    expect(makeClientOid("XRPETH", 1700000000000, 7)).toBe("XRP/ETH-loyw3v28-7");
    expect(parseClientOid("XRP/ETH-loyw3v28-7")).toEqual({ symbol: "XRPETH", intentTimeMs: 1700000000000, seq: 7 });
    expect(makeClientOid("XRPETHUSDT", 1, 1)).not.toBe(makeClientOid("XRPETH", 1, 1));
    expect(makeClientOid("ETHBTC", 0, 0)).toMatch(CLIENT_OID_PATTERN);
  });

  it("rejects a spelled-out USDT quote and unknown quotes", () => {
    expect(parseClientOid("BTC/USDT-1-1")).toBeNull();
    expect(parseClientOid("XRP/JPY-1-1")).toBeNull();
  });
});

describe("makeStopClientOid", () => {
  it("puts the incarnation before the order id, within Bitget's 32 characters and charset, apart from order ids", () => {
    const oid = makeStopClientOid("BTCUSDT", 3, 1_700_000_000_000, 1);
    expect(oid).toBe("s3-BTC-loyw3v28-1");
    expect(oid).toMatch(CLIENT_OID_PATTERN);
    expect(parseClientOid(oid)).toBeNull();
    expect(makeStopClientOid("1000000MOGUSDT", 1_000_000, 2_800_000_000_000, 9_999)).toMatch(CLIENT_OID_PATTERN);
  });

  it("differs across incarnations at the same exchange time and counter (a restart before any new event)", () => {
    const ids = new Set([1, 2, 3, 36, 37].map((inc) => makeStopClientOid("ETHUSDT", inc, 1_700_000_000_000, 1)));
    expect(ids.size).toBe(5);
  });

  it("refuses a negative or fractional incarnation", () => {
    expect(() => makeStopClientOid("BTCUSDT", -1, 0, 1)).toThrow(RangeError);
    expect(() => makeStopClientOid("BTCUSDT", 1.5, 0, 1)).toThrow(RangeError);
  });
});
