import { describe, expect, it } from "vitest";
import { chartColumns, focusOnTrades, MIN_VIEW_MS, withLivePoint } from "./equity-points";

const H = 3_600_000;
const curve = [
  { ts: 0, equity: 1000, drawdown: 0 },
  { ts: 100 * H, equity: 1010, drawdown: 0 },
  { ts: 101 * H, equity: 990, drawdown: 20 / 1010 },
  { ts: 102 * H, equity: 990, drawdown: 20 / 1010 },
];

describe("withLivePoint", () => {
  it("appends the live equity with its drawdown from the highest equity so far", () => {
    const out = withLivePoint(curve, { ts: 103 * H, equity: 959.5 });
    expect(out).toHaveLength(5);
    expect(out[4]).toEqual({ ts: 103 * H, equity: 959.5, drawdown: (1010 - 959.5) / 1010 });
  });

  it("ignores a live point that is not newer than the curve, or missing", () => {
    expect(withLivePoint(curve, { ts: 102 * H, equity: 1 })).toEqual(curve);
    expect(withLivePoint(curve, null)).toEqual(curve);
  });

  it("starts a new peak when the live equity is the highest", () => {
    expect(withLivePoint(curve, { ts: 103 * H, equity: 1100 })[4].drawdown).toBe(0);
  });
});

describe("focusOnTrades", () => {
  it("moves the opening point up to shortly before the first exit", () => {
    const out = focusOnTrades(curve);
    expect(out[0].equity).toBe(1000);
    expect(out[0].ts).toBeLessThan(100 * H);
    expect(out[0].ts).toBeGreaterThan(99 * H);
    expect(out.slice(1)).toEqual(curve.slice(1));
  });

  it("shows at least MIN_VIEW_MS", () => {
    const short = [
      { ts: 0, equity: 1000, drawdown: 0 },
      { ts: 100 * H, equity: 1001, drawdown: 0 },
      { ts: 100 * H + 1000, equity: 1001, drawdown: 0 },
    ];
    const out = focusOnTrades(short);
    expect(out[2].ts - out[0].ts).toBe(MIN_VIEW_MS);
  });

  it("shows the last MIN_VIEW_MS of a curve without trades", () => {
    const flat = [
      { ts: 0, equity: 1000, drawdown: 0 },
      { ts: 100 * H, equity: 1000, drawdown: 0 },
    ];
    expect(focusOnTrades(flat).map((p) => p.ts)).toEqual([100 * H - MIN_VIEW_MS, 100 * H]);
  });

  it("never moves the opening point before the window", () => {
    const young = [
      { ts: 50, equity: 1000, drawdown: 0 },
      { ts: 60, equity: 1001, drawdown: 0 },
      { ts: 70, equity: 1001, drawdown: 0 },
    ];
    expect(focusOnTrades(young)[0].ts).toBe(50);
  });
});

describe("chartColumns", () => {
  it("lays out seconds, equity and the drawdown as a negative percentage", () => {
    expect(chartColumns(curve.slice(2, 3))).toEqual([[101 * 3600], [990], [(-20 / 1010) * 100]]);
  });
});
