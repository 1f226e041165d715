import { describe, expect, it } from "vitest";
import type { Instrument } from "../../shared/market/instrument";
import { bucketStart, SymbolMarket } from "./core-market";

const BTC: Instrument = { symbol: "BTCUSDT", tickSize: 0.1, sizeStep: 0.001, minSize: 0.001, minNotional: 5 };
const LIMITS = { maxTrades: 3, maxCandles: 10 };

function withBook(): SymbolMarket {
  const m = new SymbolMarket(BTC, LIMITS);
  m.applyLevels({
    kind: "bookLevels",
    symbol: "BTCUSDT",
    ts: 100,
    seq: "1",
    bids: [
      [100, 1],
      [99.9, 2],
    ],
    asks: [
      [100.1, 1],
      [100.2, 2],
      [100.3, 3],
    ],
  });
  return m;
}

describe("SymbolMarket", () => {
  it("merges a newer books1 top over the depth snapshot, replacing levels it crossed", () => {
    const m = withBook();
    m.applyTop({
      kind: "bookTop",
      symbol: "BTCUSDT",
      ts: 120,
      seq: "2",
      bidPrice: 100.1,
      bidSize: 0.5,
      askPrice: 100.2,
      askSize: 0.7,
    });
    expect([m.bestBid, m.bestAsk]).toEqual([100.1, 100.2]);
    expect(m.sizeAt("asks", 100.2)).toBe(0.7);
    expect(m.sizeAt("asks", 100.1)).toBe(0);
    expect(m.sizeAt("bids", 100)).toBe(1);
  });

  it("ignores a top older than the depth snapshot", () => {
    const m = withBook();
    m.applyTop({
      kind: "bookTop",
      symbol: "BTCUSDT",
      ts: 90,
      seq: "0",
      bidPrice: 99,
      bidSize: 1,
      askPrice: 101,
      askSize: 1,
    });
    expect([m.bestBid, m.bestAsk]).toEqual([100, 100.1]);
  });

  it("consumes the levels it takes until the next book event restores them", () => {
    const m = withBook();
    expect(m.take("buy", 1.5, 100.2)).toEqual([
      [100.1, 1],
      [100.2, 0.5],
    ]);
    expect(m.depthUpTo("buy", null)).toBeCloseTo(4.5, 9);
    expect(m.take("sell", 5, 100)).toEqual([[100, 1]]);
    m.applyLevels({ kind: "bookLevels", symbol: "BTCUSDT", ts: 130, seq: "3", bids: [[100, 1]], asks: [[100.1, 1]] });
    expect(m.depthUpTo("buy", null)).toBe(1);
  });

  it("marks at the last trade, else at the mid", () => {
    const m = withBook();
    expect(m.mark).toBeCloseTo(100.05, 9);
    m.applyTrade({ kind: "trade", symbol: "BTCUSDT", ts: 1, price: 100.1, size: 1, side: "buy", id: "1" });
    expect(m.mark).toBe(100.1);
  });

  it("keeps only the newest trades within its bound", () => {
    const m = new SymbolMarket(BTC, LIMITS);
    for (let i = 1; i <= 7; i++)
      m.applyTrade({ kind: "trade", symbol: "BTCUSDT", ts: i, price: 100, size: 1, side: "buy", id: String(i) });
    expect(m.recentTrades(10).map((t) => (t as { tradeId: string }).tradeId)).toEqual(["7", "6", "5"]);
  });
});

describe("bucketStart", () => {
  const ts = Date.UTC(2024, 4, 15, 13, 47, 12);
  it("aligns minutes and hours to the UTC epoch", () => {
    expect(bucketStart(ts, "15m")).toBe(Date.UTC(2024, 4, 15, 13, 45));
    expect(bucketStart(ts, "4H")).toBe(Date.UTC(2024, 4, 15, 12));
    expect(bucketStart(ts, "1Dutc")).toBe(Date.UTC(2024, 4, 15));
  });

  it("starts weeks on Monday and months on the first", () => {
    expect(bucketStart(ts, "1W")).toBe(Date.UTC(2024, 4, 13));
    expect(bucketStart(ts, "1M")).toBe(Date.UTC(2024, 4, 1));
  });
});
