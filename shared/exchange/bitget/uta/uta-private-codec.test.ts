import { describe, expect, it } from "vitest";
import { PRIVATE_CHANNELS } from "../private-codec";
import { fillShape, orderShape, positionShape, utaPush } from "./testing/uta-shapes";
import { decodeUtaPrivatePush, UTA_PRIVATE_DIALECT } from "./uta-private-codec";

/** WS order items write `reduceOnly` lower-case and the category lower-case (D26). */
const wsOrder = (over: Record<string, unknown> = {}) =>
  orderShape({ category: "usdt-futures", reduceOnly: "no", holdSide: "long", ...over });

describe("UTA private dialect", () => {
  it("subscribes every channel as {instType: UTA, topic} with no instId or coin", () => {
    expect(UTA_PRIVATE_DIALECT.subscribeArgs(PRIVATE_CHANNELS)).toEqual([
      { instType: "UTA", topic: "order" },
      { instType: "UTA", topic: "fill" },
      { instType: "UTA", topic: "position" },
      { instType: "UTA", topic: "account" },
    ]);
  });

  it("names the channel of an ack or push by its topic, and none for V2 args or other topics", () => {
    expect(UTA_PRIVATE_DIALECT.channelOf({ instType: "UTA", topic: "order" })).toBe("orders");
    expect(UTA_PRIVATE_DIALECT.channelOf({ instType: "UTA", topic: "position" })).toBe("positions");
    expect(UTA_PRIVATE_DIALECT.channelOf({ instType: "UTA", topic: "fast-fill" })).toBeNull();
    expect(UTA_PRIVATE_DIALECT.channelOf({ instType: "USDT-FUTURES", channel: "orders" })).toBeNull();
  });
});

describe("decodeUtaPrivatePush", () => {
  it("decodes an order push into the shared order event: new → live, timeInForce → force, no execution", () => {
    const r = decodeUtaPrivatePush(utaPush("order", [wsOrder({ orderStatus: "new" })]));
    expect(r).toEqual({
      ok: true,
      events: [
        expect.objectContaining({
          kind: "order",
          orderId: "1001",
          clientOid: "BTC-loyw3v28-1",
          symbol: "BTCUSDT",
          side: "buy",
          force: "post_only",
          status: "live",
          size: 0.01,
          filledSize: 0,
          price: 25000,
          reduceOnly: false,
          fill: null,
          ts: 1700000000001,
        }),
      ],
    });
  });

  it("decodes a crossing post-only order cancelled by the exchange with its cancel reason", () => {
    const r = decodeUtaPrivatePush(
      utaPush("order", [wsOrder({ orderStatus: "cancelled", cancelReason: "post_only_fill_cancel" })]),
    );
    expect(r.ok && r.events[0]).toMatchObject({
      status: "canceled",
      cancelReason: "post_only_fill_cancel",
      filledSize: 0,
    });
  });

  it("decodes a fill push: execId as tradeId, paid fee positive, liquidity from tradeScope", () => {
    const r = decodeUtaPrivatePush(
      utaPush("fill", [fillShape({ category: "usdt-futures", tradeScope: "maker", execTime: "1700000000150" })]),
    );
    expect(r.ok && r.events).toEqual([
      expect.objectContaining({
        kind: "fill",
        tradeId: "5001",
        orderId: "1001",
        clientOid: "BTC-loyw3v28-1",
        price: 25000.1,
        size: 0.01,
        fee: 0.15,
        feeCoin: "USDT",
        liquidity: "maker",
        ts: 1700000000150,
      }),
    ]);
  });

  it("keeps only USDT-M items, comparing the category without case", () => {
    const r = decodeUtaPrivatePush(
      utaPush("fill", [
        fillShape({ category: "spot", execId: "1" }),
        fillShape({ category: "USDT-FUTURES", execId: "2" }),
        fillShape({ category: "usdt-futures", execId: "3" }),
      ]),
    );
    expect(r.ok && r.events.map((e) => e.kind === "fill" && e.tradeId)).toEqual(["2", "3"]);
  });

  it("decodes positions (WS `size`, `liqPrice`) and leaves ended ones out", () => {
    const open = positionShape({ total: undefined, size: "0.02", liqPrice: "20000", liquidationPrice: undefined });
    const ended = positionShape({ symbol: "ETHUSDT", total: undefined, size: "0", positionStatus: "ended" });
    const r = decodeUtaPrivatePush(utaPush("position", [open, ended], "snapshot"));
    expect(r.ok && r.events).toEqual([
      {
        kind: "positions",
        ts: 1700000000200,
        positions: [
          expect.objectContaining({ symbol: "BTCUSDT", holdSide: "long", size: 0.02, liquidationPrice: 20000 }),
        ],
      },
    ]);
  });

  it("decodes the account's coins", () => {
    const r = decodeUtaPrivatePush(
      utaPush("account", [
        {
          totalEquity: "10001",
          unrealisedPnL: "1",
          coin: [
            { coin: "USDT", balance: "10000", available: "9975", locked: "0", equity: "10001", usdValue: "10001" },
          ],
        },
      ]),
    );
    expect(r.ok && r.events).toEqual([
      {
        kind: "account",
        ts: 1700000000200,
        balances: [expect.objectContaining({ marginCoin: "USDT", available: 9975, equity: 10001 })],
      },
    ]);
  });

  it("refuses a malformed item as a value naming the field, without throwing", () => {
    expect(decodeUtaPrivatePush(utaPush("fill", [fillShape({ execPrice: "abc" })]))).toEqual({
      ok: false,
      reason: expect.stringContaining("execPrice"),
    });
    expect(decodeUtaPrivatePush({ arg: { instType: "UTA", topic: "order" } })).toMatchObject({ ok: false });
  });
});
