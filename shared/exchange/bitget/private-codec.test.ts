import { describe, expect, it } from "vitest";
import { decodePrivatePush, type PrivateFillEvent, type PrivateOrderEvent } from "./private-codec";

const arg = (channel: string) =>
  channel === "account"
    ? { instType: "USDT-FUTURES", channel, coin: "default" }
    : { instType: "USDT-FUTURES", channel, instId: "default" };

/** The `fill` push example of bitget-v2.md §3.2. */
const FILL_PUSH = {
  action: "snapshot",
  arg: arg("fill"),
  data: [
    {
      orderId: "111",
      clientOid: "111",
      tradeId: "222",
      symbol: "BTCUSDT",
      side: "buy",
      orderType: "market",
      posMode: "one_way_mode",
      price: "51000.5",
      baseVolume: "0.01",
      quoteVolume: "510.005",
      profit: "0",
      tradeSide: "open",
      tradeScope: "taker",
      feeDetail: [{ feeCoin: "USDT", deduction: "no", totalDeductionFee: "0", totalFee: "-0.183717" }],
      cTime: "1703577336606",
      uTime: "1703577336606",
    },
  ],
  ts: 1703577336700,
};

const ORDER_ITEM = {
  orderId: "1200000000000000001",
  clientOid: "BTC-loyw3v28-7",
  instId: "BTCUSDT",
  side: "sell",
  posSide: "net",
  orderType: "limit",
  force: "post_only",
  price: "27000.5",
  size: "0.020",
  status: "partially_filled",
  accBaseVolume: "0.010",
  priceAvg: "27000.5",
  reduceOnly: "yes",
  feeDetail: [{ feeCoin: "USDT", fee: "-0.054001" }],
  cancelReason: "",
  presetStopLossPrice: "",
  presetStopSurplusPrice: "",
  cTime: "1700000000000",
  uTime: "1700000001000",
};

describe("decodePrivatePush", () => {
  it("decodes the documented fill push with the fee turned positive and ids kept as strings", () => {
    const r = decodePrivatePush(FILL_PUSH);
    expect(r.ok).toBe(true);
    const f = (r as { events: PrivateFillEvent[] }).events[0];
    expect(f).toMatchObject({
      kind: "fill",
      orderId: "111",
      clientOid: "111",
      tradeId: "222",
      symbol: "BTCUSDT",
      side: "buy",
      price: 51000.5,
      size: 0.01,
      liquidity: "taker",
      feeCoin: "USDT",
      profit: 0,
      ts: 1703577336606,
    });
    expect(f.fee).toBeCloseTo(0.183717, 12);
  });

  it("decodes an order update without an execution", () => {
    const r = decodePrivatePush({ action: "snapshot", arg: arg("orders"), data: [ORDER_ITEM], ts: 1 });
    const o = (r as { events: PrivateOrderEvent[] }).events[0];
    expect(o).toMatchObject({
      kind: "order",
      orderId: "1200000000000000001",
      clientOid: "BTC-loyw3v28-7",
      symbol: "BTCUSDT",
      side: "sell",
      force: "post_only",
      status: "partially_filled",
      size: 0.02,
      filledSize: 0.01,
      price: 27000.5,
      reduceOnly: true,
      cancelReason: null,
      stopLossPrice: null,
      ts: 1700000001000,
      fill: null,
    });
    expect(o.fee).toBeCloseTo(0.054001, 12);
  });

  it("reads the execution of an order update, maker from tradeScope M, and accepts clientOId and cancelled", () => {
    const item = {
      ...ORDER_ITEM,
      clientOid: undefined,
      clientOId: "x-1",
      status: "cancelled",
      tradeId: "1200000000000000009",
      baseVolume: "0.010",
      fillPrice: "27000.5",
      fillFee: "-0.054",
      fillFeeCoin: "USDT",
      fillTime: "1700000000500",
      tradeScope: "M",
    };
    const o = (decodePrivatePush({ arg: arg("orders"), data: [item], ts: 1 }) as { events: PrivateOrderEvent[] })
      .events[0];
    expect(o.clientOid).toBe("x-1");
    expect(o.status).toBe("canceled");
    expect(o.fill).toEqual({
      tradeId: "1200000000000000009",
      price: 27000.5,
      size: 0.01,
      fee: 0.054,
      feeCoin: "USDT",
      liquidity: "maker",
      ts: 1700000000500,
    });
  });

  it("takes a market order's price 0 as no price", () => {
    const o = (
      decodePrivatePush({
        arg: arg("orders"),
        data: [{ ...ORDER_ITEM, orderType: "market", price: "0", priceAvg: "0" }],
        ts: 1,
      }) as { events: PrivateOrderEvent[] }
    ).events[0];
    expect(o.price).toBeNull();
    expect(o.avgPrice).toBeNull();
  });

  it("decodes positions as one snapshot event, an empty list meaning flat", () => {
    const pos = {
      posId: "9",
      instId: "BTCUSDT",
      marginCoin: "USDT",
      marginMode: "crossed",
      holdSide: "short",
      total: "0.5",
      available: "0.4",
      frozen: "0.1",
      openPriceAvg: "27000",
      leverage: 20,
      unrealizedPL: "-1.5",
      liquidationPrice: "28000",
      uTime: "5",
    };
    const r = decodePrivatePush({ action: "snapshot", arg: arg("positions"), data: [pos], ts: 77 });
    expect(r).toEqual({
      ok: true,
      events: [
        {
          kind: "positions",
          ts: 77,
          positions: [
            expect.objectContaining({
              posId: "9",
              symbol: "BTCUSDT",
              holdSide: "short",
              size: 0.5,
              available: 0.4,
              frozen: 0.1,
              openPriceAvg: 27000,
              leverage: 20,
              unrealizedPL: -1.5,
              liquidationPrice: 28000,
              updatedAt: 5,
            }),
          ],
        },
      ],
    });
    expect(decodePrivatePush({ action: "snapshot", arg: arg("positions"), data: [], ts: 78 })).toEqual({
      ok: true,
      events: [{ kind: "positions", ts: 78, positions: [] }],
    });
  });

  it("decodes account balances", () => {
    const r = decodePrivatePush({
      arg: arg("account"),
      data: [
        {
          marginCoin: "USDT",
          frozen: "1",
          available: "99.5",
          maxOpenPosAvailable: "99",
          equity: "100.5",
          usdtEquity: "100.5",
          unrealizedPL: "0.5",
        },
      ],
      ts: 3,
    });
    expect(r).toEqual({
      ok: true,
      events: [
        {
          kind: "account",
          ts: 3,
          balances: [
            {
              marginCoin: "USDT",
              available: 99.5,
              frozen: 1,
              equity: 100.5,
              usdtEquity: 100.5,
              unrealizedPL: 0.5,
              maxOpenPosAvailable: 99,
            },
          ],
        },
      ],
    });
  });

  it("refuses items with a missing id, a bad number or an unknown liquidity", () => {
    const bad = [
      { ...FILL_PUSH, data: [{ ...FILL_PUSH.data[0], tradeId: "" }] },
      { ...FILL_PUSH, data: [{ ...FILL_PUSH.data[0], price: "abc" }] },
      { ...FILL_PUSH, data: [{ ...FILL_PUSH.data[0], tradeScope: "both" }] },
      { ...FILL_PUSH, data: "x" },
      { arg: arg("positions"), data: [{ instId: "BTCUSDT", holdSide: "net", total: "1", openPriceAvg: "1" }] },
    ];
    for (const push of bad) expect(decodePrivatePush(push).ok).toBe(false);
  });

  it("decodes other channels to no events", () => {
    expect(decodePrivatePush({ arg: { channel: "trade", instId: "BTCUSDT" }, data: [] })).toEqual({
      ok: true,
      events: [],
    });
  });
});
