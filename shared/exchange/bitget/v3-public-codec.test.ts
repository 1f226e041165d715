import { describe, expect, it } from "vitest";
import { decodeV3PublicPush, toV2Form } from "./v3-public-codec";

const arg = (topic: string) => ({ instType: "usdt-futures", topic, symbol: "BTCUSDT" });

describe("decodeV3PublicPush", () => {
  it("decodes publicTrade items (i, p, v, S, T) into trades sorted by time then id, ids kept as strings", () => {
    const r = decodeV3PublicPush({
      action: "update",
      arg: arg("publicTrade"),
      data: [
        { i: "1300000000000000002", L: "x", p: "27000.5", v: "0.002", S: "Sell", T: "1695716760566", isRPI: false },
        { i: "1300000000000000001", L: "x", p: "27000.0", v: "0.001", S: "buy", T: "1695716760565", isRPI: false },
      ],
      ts: 1695716761589,
    });
    expect(r).toEqual({
      ok: true,
      events: [
        {
          kind: "trade",
          symbol: "BTCUSDT",
          ts: 1695716760565,
          price: 27000,
          size: 0.001,
          side: "buy",
          id: "1300000000000000001",
        },
        {
          kind: "trade",
          symbol: "BTCUSDT",
          ts: 1695716760566,
          price: 27000.5,
          size: 0.002,
          side: "sell",
          id: "1300000000000000002",
        },
      ],
    });
  });

  it("decodes books1 into the top of book and books5/books50 into levels from a and b", () => {
    const item = {
      a: [["27000.5", "8.76"]],
      b: [["27000.0", "2.71"]],
      seq: "1300000000000000005",
      pseq: "1300000000000000004",
      ts: "1695716059516",
    };
    expect(decodeV3PublicPush({ action: "snapshot", arg: arg("books1"), data: [item], ts: 1 })).toEqual({
      ok: true,
      events: [
        {
          kind: "bookTop",
          symbol: "BTCUSDT",
          ts: 1695716059516,
          bidPrice: 27000,
          bidSize: 2.71,
          askPrice: 27000.5,
          askSize: 8.76,
          seq: "1300000000000000005",
        },
      ],
    });
    const r = decodeV3PublicPush({ action: "snapshot", arg: arg("books50"), data: [item], ts: 1 });
    expect(r.ok && r.events[0]).toMatchObject({ kind: "bookLevels", bids: [[27000, 2.71]], asks: [[27000.5, 8.76]] });
  });

  it("refuses a malformed trade or book as a value naming the problem", () => {
    const badTrade = decodeV3PublicPush({
      action: "update",
      arg: arg("publicTrade"),
      data: [{ i: "1", p: "-1", v: "1", S: "buy", T: "1" }],
    });
    expect(badTrade).toEqual({ ok: false, reason: "trade item 0 has a bad price" });
    const badBook = decodeV3PublicPush({ action: "snapshot", arg: arg("books5"), data: [{ a: "x", b: [], ts: "1" }] });
    expect(badBook).toEqual({ ok: false, reason: "book push has malformed levels" });
    expect(decodeV3PublicPush({ arg: { topic: "books5" }, data: [] })).toEqual({
      ok: false,
      reason: "arg lacks topic or symbol",
    });
    expect(decodeV3PublicPush("text")).toEqual({ ok: false, reason: "push is not an object" });
  });

  it("gives no events for acks, errors, tickers and candles", () => {
    expect(decodeV3PublicPush({ event: "subscribe", arg: arg("books"), connId: "c1" })).toEqual({
      ok: true,
      events: [],
    });
    expect(decodeV3PublicPush({ event: "error", code: 30001, msg: "x" })).toEqual({ ok: true, events: [] });
    expect(decodeV3PublicPush({ action: "snapshot", arg: arg("ticker"), data: [{ lastPrice: "1" }] })).toEqual({
      ok: true,
      events: [],
    });
  });

  it("keeps the V2 form's seq, pseq and checksum strings for the book integrity checks", () => {
    const r = toV2Form({
      action: "update",
      arg: arg("books"),
      data: [{ a: [], b: [], seq: "11", pseq: "10", checksum: 5, ts: "1" }],
    });
    expect(r).toEqual({
      ok: true,
      push: {
        action: "update",
        ts: undefined,
        arg: { instType: "USDT-FUTURES", channel: "books", instId: "BTCUSDT" },
        data: [{ asks: [], bids: [], seq: "11", pseq: "10", ts: "1", checksum: 5 }],
      },
    });
  });
});
