import { describe, expect, it } from "vitest";
import type { EdgeStats } from "./api-types";
import { edgeRows, intervalText, intervalTone } from "./edge-view";

const none = { n: 0, mean: null, lo: null, hi: null };

const edge: EdgeStats = {
  byMode: [
    {
      symbol: "BTCUSDT",
      mode: "live",
      expectancyBps: { n: 30, mean: -12.3, lo: -20.1, hi: -4.5 },
      meanNetPnl: -0.12,
      lastExit: 1,
    },
  ],
  monitor: {
    enabled: true,
    window: 50,
    minTrades: 30,
    confidence: 0.95,
    horizonsMs: [5_000, 120_000],
    symbols: [
      {
        symbol: "BTCUSDT",
        expectancyBps: { n: 1, mean: 3, lo: null, hi: null },
        meanNetPnl: 0.03,
        markoutsBps: { "5000": { n: 4, mean: 1.5, lo: -0.5, hi: 3.5 }, "120000": none },
        pendingDecisions: 0,
        pause: { symbol: "BTCUSDT", until: Date.UTC(2026, 1, 10, 12), reason: "negative_edge", detail: "why" },
      },
    ],
  },
};

describe("the edge section", () => {
  it("writes an interval as mean [lo, hi] with its sample size, and a dash without data", () => {
    expect(intervalText({ n: 30, mean: -12.3, lo: -20.1, hi: -4.5 })).toBe("-12.30 bps [-20.10, -4.50] n 30");
    expect(intervalText({ n: 1, mean: 3, lo: null, hi: null })).toBe("3.00 bps n 1");
    expect(intervalText(none)).toBe("—");
  });

  it("colours an interval only when all of it lies on one side of zero", () => {
    expect(intervalTone({ n: 30, mean: -12.3, lo: -20.1, hi: -4.5 })).toBe("negative");
    expect(intervalTone({ n: 4, mean: 1.5, lo: -0.5, hi: 3.5 })).toBe("zero");
    expect(intervalTone({ n: 9, mean: 2, lo: 0.5, hi: 3.5 })).toBe("positive");
  });

  it("has a row per symbol and mode, and a monitor row with a markout per horizon and the pause's reason", () => {
    const rows = edgeRows(edge);
    expect(rows.expectancy).toEqual([["BTCUSDT", "live", "-12.30 bps [-20.10, -4.50] n 30", "-0.12"]]);
    expect(rows.monitor).toEqual([
      ["BTCUSDT", "3.00 bps n 1", "1.50 bps [-0.50, 3.50] n 4", "—", "paused until 2026-02-10 12:00:00: why"],
    ]);
  });
});
