import { describe, expect, it } from "vitest";
import type { Bar, Timeframe } from "./bar";
import { BarAggregator } from "./bar-aggregator";
import type { TradeTick } from "./events";

const T0 = 1_721_347_200_000; // an exact hour boundary

function collect(timeframes?: Timeframe[]) {
  const closed: [Timeframe, Bar][] = [];
  const agg = new BarAggregator({ timeframes, onBar: (tf, bar) => closed.push([tf, bar]) });
  return { agg, closed };
}

const trade = (ts: number, price: number, size = 1, side: "buy" | "sell" = "buy"): TradeTick => ({
  ts,
  price,
  size,
  side,
});

describe("BarAggregator", () => {
  it("hands out the forming 1s bar as formingSecond, whatever other timeframes it builds", () => {
    const agg = new BarAggregator({ timeframes: ["1m", "5s"] });
    expect(agg.formingSecond()).toBeNull();
    agg.addTrade({ ts: 1_700_000_000_250, price: 10, size: 1, side: "buy" });
    agg.addTrade({ ts: 1_700_000_001_100, price: 11, size: 2, side: "sell" });
    expect(agg.formingSecond()).toBe(agg.forming("1s"));
    expect(agg.formingSecond()).toMatchObject({ start: 1_700_000_001_000, close: 11, volume: 2 });
  });

  it("builds OHLCV, taker volumes, trade count and VWAP of a bar", () => {
    const { agg, closed } = collect(["1s"]);
    agg.addTrade(trade(T0 + 10, 100, 1, "buy"));
    agg.addTrade(trade(T0 + 200, 103, 2, "sell"));
    agg.addTrade(trade(T0 + 900, 99, 1, "buy"));
    agg.addTrade(trade(T0 + 999, 101, 4, "sell"));
    agg.addTrade(trade(T0 + 1000, 102));
    expect(closed).toHaveLength(1);
    expect(closed[0]).toEqual([
      "1s",
      {
        start: T0,
        open: 100,
        high: 103,
        low: 99,
        close: 101,
        volume: 8,
        buyVolume: 2,
        sellVolume: 6,
        trades: 4,
        vwap: (100 + 206 + 99 + 404) / 8,
      },
    ]);
  });

  it("emits flat zero-volume bars at the last close for silent seconds", () => {
    const { agg, closed } = collect(["1s"]);
    agg.addTrade(trade(T0 + 500, 100));
    agg.addTrade(trade(T0 + 3_200, 105));
    expect(closed.map(([, b]) => [b.start, b.open, b.close, b.volume, b.trades])).toEqual([
      [T0, 100, 100, 1, 1],
      [T0 + 1000, 100, 100, 0, 0],
      [T0 + 2000, 100, 100, 0, 0],
    ]);
    expect(agg.forming("1s")).toMatchObject({ start: T0 + 3000, open: 105, close: 105, volume: 1 });
  });

  it("closes coarser bars on their own boundaries, finer timeframes first", () => {
    const { agg, closed } = collect(["1s", "3s", "5s"]);
    agg.addTrade(trade(T0, 100));
    agg.addTrade(trade(T0 + 6_000, 101));
    expect(closed.map(([tf, b]) => `${tf}@${(b.start - T0) / 1000}`)).toEqual([
      "1s@0",
      "1s@1",
      "1s@2",
      "3s@0",
      "1s@3",
      "1s@4",
      "5s@0",
      "1s@5",
      "3s@3",
    ]);
  });

  it("accepts a late trade into the still-open bar and drops older ones, counting them", () => {
    const { agg, closed } = collect(["1s"]);
    agg.addTrade(trade(T0 + 100, 100));
    agg.addTrade(trade(T0 + 1_500, 101));
    expect(agg.addTrade(trade(T0 + 1_200, 102))).toBe("accepted");
    expect(agg.addTrade(trade(T0 + 999, 99))).toBe("late");
    expect(agg.lateDropped).toBe(1);
    expect(closed).toHaveLength(1);
    expect(agg.forming("1s")).toMatchObject({ high: 102, low: 101, close: 102, trades: 2 });
  });

  it("aggregates each minute bar exactly from its second bars", () => {
    const { agg, closed } = collect(["1s", "1m"]);
    let price = 100;
    let seed = 7;
    for (let ts = T0; ts < T0 + 180_000; ) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      ts += seed % 4000;
      price += ((seed >> 8) % 21) / 100 - 0.1;
      agg.addTrade(trade(ts, price, 1 + (seed % 5), seed % 2 ? "buy" : "sell"));
    }
    const seconds = closed.filter(([tf]) => tf === "1s").map(([, b]) => b);
    const minutes = closed.filter(([tf]) => tf === "1m").map(([, b]) => b);
    expect(minutes.length).toBeGreaterThanOrEqual(2);
    for (const m of minutes) {
      const inside = seconds.filter((s) => s.start >= m.start && s.start < m.start + 60_000);
      expect(inside).toHaveLength(60);
      const traded = inside.filter((s) => s.trades > 0);
      expect(m.open).toBe(traded[0].open);
      expect(m.close).toBe(inside[59].close);
      expect(m.high).toBe(Math.max(...traded.map((s) => s.high)));
      expect(m.low).toBe(Math.min(...traded.map((s) => s.low)));
      expect(m.trades).toBe(inside.reduce((a, s) => a + s.trades, 0));
      expect(m.volume).toBeCloseTo(
        inside.reduce((a, s) => a + s.volume, 0),
        9,
      );
      expect(m.buyVolume + m.sellVolume).toBeCloseTo(m.volume, 9);
    }
  });

  it("closes bars on advance without a trade", () => {
    const { agg, closed } = collect(["1s", "5s"]);
    agg.addTrade(trade(T0 + 100, 100));
    agg.advance(T0 + 5_000);
    expect(closed.map(([tf]) => tf)).toEqual(["1s", "1s", "1s", "1s", "1s", "5s"]);
  });

  it("restores from its state and continues identically", () => {
    const a = collect(["1s", "3s"]);
    a.agg.addTrade(trade(T0 + 100, 100));
    a.agg.addTrade(trade(T0 + 1_100, 101, 2, "sell"));
    const restoredClosed: [Timeframe, Bar][] = [];
    const b = BarAggregator.restore(JSON.parse(JSON.stringify(a.agg.getState())), (tf, bar) =>
      restoredClosed.push([tf, bar]),
    );
    a.closed.length = 0;
    for (const t of [trade(T0 + 2_500, 102), trade(T0 + 7_000, 99, 3, "sell")]) {
      a.agg.addTrade(t);
      b.addTrade(t);
    }
    expect(restoredClosed).toEqual(a.closed);
    expect(b.getState()).toEqual(a.agg.getState());
  });
});
