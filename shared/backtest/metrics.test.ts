import { describe, expect, it } from "vitest";
import { EXIT_REASONS, type ClosedTrade, zeroSubScores } from "../strategy/types";
import { computeMetrics, daily, type EquityPoint, type MetricsInput } from "./metrics";

const D1 = Date.UTC(2024, 0, 1);
const H = 3_600_000;
const DAY = 24 * H;
const ZERO = zeroSubScores();

let seq = 0;
function trade(net: number, o: Partial<ClosedTrade> = {}): ClosedTrade {
  const exitTime = o.exitTime ?? D1 + H;
  return {
    id: `t${++seq}`,
    symbol: "BTCUSDT",
    side: "long",
    entryTime: exitTime - 60_000,
    exitTime,
    entryPrice: 100,
    exitPrice: 101,
    size: 1,
    entryScore: 85,
    subScores: ZERO,
    exitReason: "take_profit",
    holdSeconds: 60,
    grossPnl: net,
    fees: 0,
    slippage: 0,
    netPnl: net,
    configVersion: "v1",
    ...o,
  };
}

function run(o: Partial<MetricsInput>): MetricsInput {
  return {
    trades: [],
    capital: 1000,
    equityCurve: [],
    unfilledEntries: 0,
    tradeOnly: false,
    events: 0,
    elapsedMs: 0,
    ...o,
  };
}

const curve = (...pts: [number, number][]): EquityPoint[] => pts.map(([ts, equity]) => ({ ts, equity }));

/** mean / sample std (ddof 1), written out independently of the code under test. */
function meanOverStd(xs: number[]): number {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1);
  return m / Math.sqrt(v);
}

function everyNumberIsFinite(x: unknown): boolean {
  if (typeof x === "number") return Number.isFinite(x);
  if (x !== null && typeof x === "object") return Object.values(x).every(everyNumberIsFinite);
  return true;
}

describe("computeMetrics", () => {
  it("computes win rate, profit factor, expectancy and final equity of +10, −5, +5 on 1000", () => {
    const s = computeMetrics(run({ trades: [trade(10), trade(-5), trade(5)] }));
    expect(s.trades).toBe(3);
    expect(s.winRate).toBeCloseTo(2 / 3, 15);
    expect(s.profitFactor).toBe(3);
    expect(s.expectancy).toBeCloseTo(10 / 3, 15);
    expect(s.finalEquity).toBe(1010);
    expect(s.netPnl).toBe(10);
    expect(s.avgWinLossRatio).toBe(7.5 / 5);
  });

  it("counts a breakeven as a non-win and leaves it out of the profit factor and the win/loss ratio", () => {
    const s = computeMetrics(run({ trades: [trade(10), trade(0), trade(-5)] }));
    expect(s.winRate).toBeCloseTo(1 / 3, 15);
    expect(s.profitFactor).toBe(2);
    expect(s.avgWinLossRatio).toBe(2);
    expect(s.expectancy).toBeCloseTo(5 / 3, 15);
  });

  it("sums gross PnL and fees and measures fees against gross profit only", () => {
    const trades = [
      trade(10, { grossPnl: 12, fees: 2, holdSeconds: 30 }),
      trade(-5, { grossPnl: -4, fees: 1, holdSeconds: 90 }),
      trade(5, { grossPnl: 6, fees: 1, holdSeconds: 120 }),
    ];
    const s = computeMetrics(run({ trades }));
    expect(s.grossPnl).toBe(14);
    expect(s.fees).toBe(4);
    expect(s.feeImpact).toBeCloseTo(4 / 18, 15);
    expect(s.avgHoldSeconds).toBe(80);
  });

  it("computes the daily Sharpe of a two-day curve from R_d = day change / equity at the start of the day", () => {
    const eq = curve([D1 + H, 1000], [D1 + 20 * H, 1010], [D1 + DAY + 3 * H, 1005], [D1 + DAY + 22 * H, 1030]);
    const s = computeMetrics(run({ equityCurve: eq }));
    const r = [(1010 - 1000) / 1000, (1030 - 1010) / 1010];
    expect(s.sharpeDaily).toBeCloseTo(meanOverStd(r) * Math.sqrt(365), 10);
  });

  it("zero-fills a day without samples in the daily Sharpe", () => {
    const eq = curve([D1, 1000], [D1 + 23 * H, 1020], [D1 + 2 * DAY + H, 1010]);
    const s = computeMetrics(run({ equityCurve: eq }));
    const r = [20 / 1000, 0, (1010 - 1020) / 1020];
    expect(s.sharpeDaily).toBeCloseTo(meanOverStd(r) * Math.sqrt(365), 10);
  });

  it("computes the daily Sortino with the downside deviation over all days", () => {
    const e = [1000, 1010, 989.8, 994.749];
    const eq = curve([D1 + 23 * H, e[1]], [D1 + DAY + 23 * H, e[2]], [D1 + 2 * DAY + 23 * H, e[3]]);
    const r = [(e[1] - e[0]) / e[0], (e[2] - e[1]) / e[1], (e[3] - e[2]) / e[2]];
    const mean = (r[0] + r[1] + r[2]) / 3;
    const downside = Math.sqrt((r[1] * r[1]) / 3);
    const s = computeMetrics(run({ equityCurve: eq }));
    expect(s.sortino).toBeCloseTo((mean / downside) * Math.sqrt(365), 10);
  });

  it("computes the per-trade Sharpe on returns against realised equity before each trade, unannualised", () => {
    const s = computeMetrics(run({ trades: [trade(10), trade(-5), trade(5)] }));
    expect(s.sharpePerTrade).toBeCloseTo(meanOverStd([10 / 1000, -5 / 1010, 5 / 1005]), 12);
  });

  it("returns null ratios and no NaN on a zero-trade run", () => {
    const s = computeMetrics(run({ equityCurve: curve([D1, 1000], [D1 + DAY, 1000]) }));
    for (const k of [
      "winRate",
      "avgWinLossRatio",
      "profitFactor",
      "expectancy",
      "sharpeDaily",
      "sharpePerTrade",
      "sortino",
      "feeImpact",
      "avgHoldSeconds",
    ] as const) {
      expect(s[k], k).toBeNull();
    }
    expect(s.finalEquity).toBe(1000);
    expect(s.maxDrawdown).toBe(0);
    expect(s.maxDrawdownAbs).toBe(0);
    expect(Object.values(s.exitReasons).every((n) => n === 0)).toBe(true);
    expect(everyNumberIsFinite(s)).toBe(true);
  });

  it("reports a null profit factor and win/loss ratio for an all-wins run", () => {
    const s = computeMetrics(run({ trades: [trade(4), trade(6)] }));
    expect(s.profitFactor).toBeNull();
    expect(s.avgWinLossRatio).toBeNull();
    expect(s.winRate).toBe(1);
  });

  it("reports a zero profit factor when there are losses and no win", () => {
    expect(computeMetrics(run({ trades: [trade(-4), trade(-6)] })).profitFactor).toBe(0);
  });

  it("finds the deepest peak-to-trough drop as a fraction of the peak with its quote amount", () => {
    const eq = curve([D1, 1000], [D1 + 1, 1100], [D1 + 2, 990], [D1 + 3, 1050], [D1 + 4, 1200], [D1 + 5, 1140]);
    const s = computeMetrics(run({ equityCurve: eq }));
    expect(s.maxDrawdown).toBeCloseTo(110 / 1100, 15);
    expect(s.maxDrawdownAbs).toBe(110);
  });

  it("gives the quote amount of the deepest fractional drawdown, not the largest quote drop", () => {
    const eq = curve([D1, 1000], [D1 + 1, 900], [D1 + 2, 2000], [D1 + 3, 1850]);
    const s = computeMetrics(run({ equityCurve: eq }));
    expect(s.maxDrawdown).toBeCloseTo(0.1, 15);
    expect(s.maxDrawdownAbs).toBe(100);
  });

  it("starts the drawdown peak at capital", () => {
    const s = computeMetrics(run({ equityCurve: curve([D1, 980], [D1 + 1, 990]) }));
    expect(s.maxDrawdown).toBeCloseTo(0.02, 15);
  });

  it("counts exit reasons, listing unused ones as zero", () => {
    const s = computeMetrics(
      run({
        trades: [
          trade(1, { exitReason: "stop_loss" }),
          trade(1, { exitReason: "stop_loss" }),
          trade(1, { exitReason: "time_exit" }),
        ],
      }),
    );
    expect(s.exitReasons.stop_loss).toBe(2);
    expect(s.exitReasons.time_exit).toBe(1);
    expect(s.exitReasons.take_profit).toBe(0);
    expect(Object.keys(s.exitReasons)).toEqual([...EXIT_REASONS]);
  });

  it("reports throughput, passes the caller's counts through and gives null throughput without elapsed time", () => {
    const s = computeMetrics(run({ events: 5000, elapsedMs: 2000, unfilledEntries: 7, tradeOnly: true }));
    expect(s.eventsPerSecond).toBe(2500);
    expect(s.unfilledEntries).toBe(7);
    expect(s.tradeOnly).toBe(true);
    expect(computeMetrics(run({ events: 5000, elapsedMs: 0 })).eventsPerSecond).toBeNull();
  });

  it("nulls the daily ratios when a day starts with no equity left", () => {
    const s = computeMetrics(run({ equityCurve: curve([D1, 1000], [D1 + H, 0], [D1 + DAY, 0], [D1 + 2 * DAY, 0]) }));
    expect(s.sharpeDaily).toBeNull();
    expect(s.sortino).toBeNull();
    expect(s.maxDrawdown).toBe(1);
  });

  it("round-trips every summary through JSON unchanged, degenerate runs included", () => {
    const runs = [
      run({}),
      run({ trades: [trade(0), trade(0)], equityCurve: curve([D1, 1000]) }),
      run({
        trades: [trade(10), trade(-5), trade(5)],
        equityCurve: curve([D1, 1000], [D1 + DAY, 1010]),
        events: 3,
        elapsedMs: 7,
      }),
      run({ equityCurve: curve([D1, 1000], [D1 + DAY, 0], [D1 + 2 * DAY, -5]) }),
    ];
    for (const r of runs) {
      const s = computeMetrics(r);
      expect(JSON.parse(JSON.stringify(s))).toEqual(s);
      expect(everyNumberIsFinite(s)).toBe(true);
      const d = daily(r);
      expect(JSON.parse(JSON.stringify(d))).toEqual(d);
    }
  });

  it("rejects a non-positive capital, a curve going back in time and a non-finite trade PnL", () => {
    expect(() => computeMetrics(run({ capital: 0 }))).toThrow(RangeError);
    expect(() => computeMetrics(run({ equityCurve: curve([D1 + 1, 1000], [D1, 1000]) }))).toThrow(/back in time/);
    expect(() => computeMetrics(run({ trades: [trade(1, { netPnl: Number.NaN })] }))).toThrow(/netPnl/);
  });
});

describe("daily", () => {
  const trades = [
    trade(10, { exitTime: D1 + DAY - 1, grossPnl: 11, fees: 1, holdSeconds: 40 }),
    trade(-4, { exitTime: D1 + DAY, grossPnl: -3, fees: 1, holdSeconds: 20 }),
    trade(6, { exitTime: D1 + DAY + H, grossPnl: 7, fees: 1, holdSeconds: 60 }),
  ];
  const eq = curve(
    [D1 + 12 * H, 1000],
    [D1 + DAY - 1, 1010],
    [D1 + DAY, 1006],
    [D1 + DAY + 30 * 60_000, 1001],
    [D1 + DAY + H, 1012],
  );

  it("splits trades at UTC midnight by exit time", () => {
    const days = daily({ trades, capital: 1000, equityCurve: eq });
    expect(days.map((d) => d.date)).toEqual(["2024-01-01", "2024-01-02"]);
    expect(days.map((d) => d.trades)).toEqual([1, 2]);
    expect(days.map((d) => d.netPnl)).toEqual([10, 2]);
    expect(days.map((d) => d.grossPnl)).toEqual([11, 4]);
    expect(days.map((d) => d.fees)).toEqual([1, 2]);
    expect(days[1].wins).toBe(1);
    expect(days[1].winRate).toBe(0.5);
    expect(days[1].profitFactor).toBe(1.5);
    expect(days[0].profitFactor).toBeNull();
    expect(days[1].avgHoldSeconds).toBe(40);
    expect(days[1].feeImpact).toBe(2 / 7);
  });

  it("chains day start equity to the previous day's last sample and measures intraday drawdown from it", () => {
    const days = daily({ trades, capital: 1000, equityCurve: eq });
    expect(days[0]).toMatchObject({ startEquity: 1000, endEquity: 1010, return: 0.01, maxDrawdown: 0 });
    expect(days[1]).toMatchObject({ startEquity: 1010, endEquity: 1012 });
    expect(days[1].return).toBeCloseTo(2 / 1010, 15);
    expect(days[1].maxDrawdown).toBeCloseTo(9 / 1010, 15);
  });

  it("lists days without trades or samples with zero counts and a carried-over equity", () => {
    const days = daily({
      trades: [trade(5, { exitTime: D1 + 2 * DAY + H })],
      capital: 1000,
      equityCurve: curve([D1, 1000], [D1 + 2 * DAY + H, 1005]),
    });
    expect(days.map((d) => d.date)).toEqual(["2024-01-01", "2024-01-02", "2024-01-03"]);
    expect(days[1]).toMatchObject({
      trades: 0,
      wins: 0,
      winRate: null,
      netPnl: 0,
      startEquity: 1000,
      endEquity: 1000,
      return: 0,
      avgHoldSeconds: null,
      feeImpact: null,
    });
  });

  it("has the same day basis as the daily Sharpe", () => {
    const input = run({ trades, equityCurve: eq });
    const r = daily(input).map((d) => d.return as number);
    expect(computeMetrics(input).sharpeDaily).toBeCloseTo(meanOverStd(r) * Math.sqrt(365), 12);
  });

  it("returns no rows without samples or trades", () => {
    expect(daily({ trades: [], capital: 1000, equityCurve: [] })).toEqual([]);
  });
});
