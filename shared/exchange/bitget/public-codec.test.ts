import { describe, expect, it } from "vitest";
import { decodePublicPush } from "./public-codec";

// Shapes from Bitget's docs (bitget-v2.md §1.3, §1.5).
const tradePush = {
  action: "snapshot",
  arg: { instType: "USDT-FUTURES", channel: "trade", instId: "BTCUSDT" },
  data: [
    { ts: "1695716760565", price: "27000.5", size: "0.001", side: "buy", tradeId: "1111111112" },
    { ts: "1695716759514", price: "27000.0", size: "0.002", side: "sell", tradeId: "1111111111" },
  ],
  ts: 1695716761589,
};
const books5Push = {
  action: "snapshot",
  arg: { instType: "USDT-FUTURES", channel: "books5", instId: "BTCUSDT" },
  data: [
    {
      asks: [
        ["27000.5", "8.760"],
        ["27001.0", "0.400"],
      ],
      bids: [
        ["27000.0", "2.710"],
        ["26999.5", "1.460"],
      ],
      checksum: 0,
      seq: 123,
      ts: "1695716059516",
    },
  ],
  ts: 1695716059516,
};
const books1Push = {
  action: "snapshot",
  arg: { instType: "USDT-FUTURES", channel: "books1", instId: "ETHUSDT" },
  data: [
    { asks: [["3366.8", "9"]], bids: [["3366.1", "7"]], checksum: 0, seq: "1343064377779269632", ts: "1721347022579" },
  ],
  ts: 1721347022579,
};

describe("decodePublicPush", () => {
  it("decodes trades sorted by time, numbers parsed and ids kept as strings", () => {
    const r = decodePublicPush(tradePush);
    expect(r).toEqual({
      ok: true,
      events: [
        {
          kind: "trade",
          symbol: "BTCUSDT",
          ts: 1695716759514,
          price: 27000,
          size: 0.002,
          side: "sell",
          id: "1111111111",
        },
        {
          kind: "trade",
          symbol: "BTCUSDT",
          ts: 1695716760565,
          price: 27000.5,
          size: 0.001,
          side: "buy",
          id: "1111111112",
        },
      ],
    });
  });

  it("decodes a depth snapshot with numeric seq into a string seq", () => {
    const r = decodePublicPush(books5Push);
    expect(r.ok && r.events[0]).toEqual({
      kind: "bookLevels",
      symbol: "BTCUSDT",
      ts: 1695716059516,
      seq: "123",
      bids: [
        [27000, 2.71],
        [26999.5, 1.46],
      ],
      asks: [
        [27000.5, 8.76],
        [27001, 0.4],
      ],
    });
  });

  it("decodes books1 into a top of book and keeps a seq beyond 2^53 exact", () => {
    const r = decodePublicPush(books1Push);
    expect(r.ok && r.events[0]).toEqual({
      kind: "bookTop",
      symbol: "ETHUSDT",
      ts: 1721347022579,
      bidPrice: 3366.1,
      bidSize: 7,
      askPrice: 3366.8,
      askSize: 9,
      seq: "1343064377779269632",
    });
  });

  it("turns acks and unknown channels into no events", () => {
    expect(decodePublicPush({ event: "subscribe", arg: { channel: "trade", instId: "BTCUSDT" } })).toEqual({
      ok: true,
      events: [],
    });
    expect(decodePublicPush({ ...tradePush, arg: { ...tradePush.arg, channel: "ticker" } })).toEqual({
      ok: true,
      events: [],
    });
  });

  it.each([
    ["a non-object", "pong", /not an object/],
    ["a push without arg", { data: [] }, /no arg/],
    [
      "a trade with a non-numeric price",
      { ...tradePush, data: [{ ...tradePush.data[0], price: "abc" }] },
      /item 0 has a bad price/,
    ],
    ["a trade with an unknown side", { ...tradePush, data: [{ ...tradePush.data[0], side: "long" }] }, /bad side/],
    ["a trade without id", { ...tradePush, data: [{ ...tradePush.data[0], tradeId: undefined }] }, /no tradeId/],
    [
      "a book with a broken level",
      { ...books5Push, data: [{ ...books5Push.data[0], bids: [["1"]] }] },
      /malformed levels/,
    ],
    ["books1 without asks", { ...books1Push, data: [{ ...books1Push.data[0], asks: [] }] }, /lacks a bid or an ask/],
  ])("refuses %s with a reason", (_name, msg, reason) => {
    const r = decodePublicPush(msg);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(reason);
  });
});
