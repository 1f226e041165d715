import { describe, expect, it } from "vitest";
import {
  parseAccount,
  parseCandle,
  parseContract,
  parseDepth,
  parseFill,
  parseOrderAck,
  parseOrderDetail,
  parseOrderPage,
  parsePosition,
  parsePublicTrade,
  parseServerTime,
  parseTicker,
  ResponseShapeError,
} from "./rest-parse";

const BTC_CONTRACT = {
  symbol: "BTCUSDT",
  baseCoin: "BTC",
  quoteCoin: "USDT",
  makerFeeRate: "0.0002",
  takerFeeRate: "0.0006",
  minTradeNum: "0.001",
  priceEndStep: "1",
  volumePlace: "3",
  pricePlace: "1",
  sizeMultiplier: "0.001",
  symbolType: "perpetual",
  minTradeUSDT: "5",
  symbolStatus: "normal",
  fundInterval: "8",
  minLever: "1",
  maxLever: "125",
};

describe("parseContract", () => {
  it("derives the tick from priceEndStep × 10^-pricePlace and keeps fees and leverage", () => {
    expect(parseContract(BTC_CONTRACT)).toEqual({
      symbol: "BTCUSDT",
      baseCoin: "BTC",
      quoteCoin: "USDT",
      tickSize: 0.1,
      sizeStep: 0.001,
      minSize: 0.001,
      minNotional: 5,
      pricePlace: 1,
      volumePlace: 3,
      makerFeeRate: 0.0002,
      takerFeeRate: 0.0006,
      minLeverage: 1,
      maxLeverage: 125,
      status: "normal",
      fundingIntervalHours: 8,
    });
  });

  it("writes a tick of 5 at 2 decimals as exactly 0.05", () => {
    expect(parseContract({ ...BTC_CONTRACT, priceEndStep: "5", pricePlace: "2" }).tickSize).toBe(0.05);
  });

  it("refuses a contract whose step is not a number", () => {
    expect(() => parseContract({ ...BTC_CONTRACT, sizeMultiplier: "abc" })).toThrow(ResponseShapeError);
    expect(() => parseContract({ ...BTC_CONTRACT, symbol: "" })).toThrow(/symbol/);
  });
});

describe("market parsers", () => {
  it("reads the server time string", () => {
    expect(parseServerTime({ serverTime: "1688008631614" })).toBe(1688008631614);
  });

  it("reads a ticker from Bitget's one-element array", () => {
    const t = parseTicker([
      {
        symbol: "BTCUSDT",
        lastPr: "27000.5",
        bidPr: "27000",
        askPr: "27000.5",
        bidSz: "2.71",
        askSz: "8.76",
        markPrice: "27000.2",
        ts: "1695716059516",
        high24h: "",
      },
    ]);
    expect(t).toMatchObject({
      lastPrice: 27000.5,
      bidPrice: 27000,
      askSize: 8.76,
      markPrice: 27000.2,
      high24h: null,
      indexPrice: null,
      ts: 1695716059516,
    });
  });

  it("reads merge-depth levels given as numbers or strings", () => {
    const d = parseDepth({
      asks: [
        [26347.5, 0.25],
        ["26348", "1.5"],
      ],
      bids: [[26346.5, 0.16]],
      ts: "1695870968804",
      scale: "0.1",
    });
    expect(d).toEqual({
      asks: [
        [26347.5, 0.25],
        [26348, 1.5],
      ],
      bids: [[26346.5, 0.16]],
      ts: 1695870968804,
    });
  });

  it("lowercases a capitalised public trade side and keeps the trade id a string", () => {
    const t = parsePublicTrade({
      tradeId: "1111111111111111111",
      price: "27000.5",
      size: "0.001",
      side: "Buy",
      ts: "1695716760565",
      symbol: "BTCUSDT",
    });
    expect([t.side, t.tradeId, t.price]).toEqual(["buy", "1111111111111111111", 27000.5]);
  });

  it("reads a candle row and refuses a short one", () => {
    expect(
      parseCandle(["1695835800000", "26210.5", "26210.5", "26194.5", "26196", "26.2", "686901.5", "686901.5"]),
    ).toEqual({
      ts: 1695835800000,
      open: 26210.5,
      high: 26210.5,
      low: 26194.5,
      close: 26196,
      baseVolume: 26.2,
      quoteVolume: 686901.5,
    });
    expect(() => parseCandle(["1", "2"])).toThrow(ResponseShapeError);
  });
});

describe("trading parsers", () => {
  const ORDER = {
    symbol: "LTCUSDT",
    size: "0.1",
    orderId: "1115965643967582214",
    clientOid: "1115965643971776512",
    baseVolume: "0.1",
    fee: "-0.004335",
    price: "",
    priceAvg: "72.25",
    status: "cancelled",
    side: "buy",
    force: "gtc",
    posSide: "long",
    marginMode: "isolated",
    tradeSide: "close",
    posMode: "hedge_mode",
    orderType: "market",
    presetStopSurplusPrice: "",
    presetStopLossPrice: "70.1",
    reduceOnly: "YES",
    leverage: "20",
    cTime: "1701792863838",
    uTime: "1701792863950",
  };

  it("reads an order from a list (status) or detail (state), with null for empty prices", () => {
    const o = parseOrderDetail(ORDER);
    expect(o).toMatchObject({
      state: "canceled",
      price: null,
      avgPrice: 72.25,
      filledSize: 0.1,
      fee: -0.004335,
      reduceOnly: true,
      takeProfitPrice: null,
      stopLossPrice: 70.1,
    });
    expect(parseOrderDetail({ ...ORDER, status: undefined, state: "live" }).state).toBe("live");
  });

  it("treats a null entrustedList as no open orders", () => {
    expect(parseOrderPage({ entrustedList: null, endId: "" })).toEqual({ orders: [], endId: null });
    expect(parseOrderPage({ entrustedList: [ORDER], endId: "1" }).orders[0].orderId).toBe("1115965643967582214");
  });

  it("reads an ack with or without an orderId", () => {
    expect(parseOrderAck({ orderId: "121211212122", clientOid: "BTC-1-1" })).toEqual({
      orderId: "121211212122",
      clientOid: "BTC-1-1",
    });
    expect(parseOrderAck({ clientOid: "BTC-1-1" })).toEqual({ orderId: null, clientOid: "BTC-1-1" });
  });

  it("reads a position and refuses an unknown hold side", () => {
    const raw = {
      marginCoin: "USDT",
      symbol: "BTCUSDT",
      holdSide: "short",
      total: "0.002",
      available: "0.002",
      openPriceAvg: "27000",
      leverage: "50",
      marginMode: "crossed",
      posMode: "one_way_mode",
      unrealizedPL: "-0.4",
      liquidationPrice: "0",
    };
    expect(parsePosition(raw)).toMatchObject({
      holdSide: "short",
      size: 0.002,
      leverage: 50,
      unrealizedPL: -0.4,
      liquidationPrice: null,
      locked: 0,
    });
    expect(() => parsePosition({ ...raw, holdSide: "net" })).toThrow(ResponseShapeError);
  });

  it("reads an account balance", () => {
    expect(
      parseAccount({
        marginCoin: "USDT",
        available: "1000.5",
        locked: "0",
        accountEquity: "1002",
        unrealizedPL: "1.5",
      }),
    ).toMatchObject({ available: 1000.5, accountEquity: 1002, unrealizedPL: 1.5, usdtEquity: null });
  });

  it("sums a fill's fees, negative meaning paid", () => {
    const f = parseFill({
      tradeId: "222",
      symbol: "BTCUSDT",
      orderId: "111",
      price: "51000.5",
      baseVolume: "0.01",
      quoteVolume: "510.005",
      side: "buy",
      profit: "0",
      tradeSide: "open",
      tradeScope: "taker",
      feeDetail: [
        { feeCoin: "USDT", deduction: "no", totalDeductionFee: "0", totalFee: "-0.183717" },
        { feeCoin: "USDT", totalFee: "-0.000283" },
      ],
      cTime: "1703577336606",
    });
    expect(f.fee).toBeCloseTo(-0.184, 12);
    expect([f.size, f.feeCoin, f.tradeScope, f.ts]).toEqual([0.01, "USDT", "taker", 1703577336606]);
  });
});
