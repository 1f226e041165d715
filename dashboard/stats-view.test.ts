import { describe, expect, it } from "vitest";
import type { DailyStats } from "./api-types";
import { daysToShow } from "./stats-view";

function day(date: string, trades: number): DailyStats {
  return {
    date,
    trades,
    wins: 0,
    winRate: null,
    grossPnl: 0,
    fees: 0,
    netPnl: 0,
    profitFactor: null,
    startEquity: 1000,
    endEquity: 1000,
    return: 0,
    maxDrawdown: 0,
    avgHoldSeconds: null,
    feeImpact: null,
  };
}

describe("daysToShow", () => {
  it("keeps the days with trades and always the newest day, newest first", () => {
    const daily = [day("2026-11-20", 2), day("2026-11-21", 0), day("2026-11-22", 5), day("2026-11-23", 0)];
    expect(daysToShow(daily).map((d) => d.date)).toEqual(["2026-11-23", "2026-11-22", "2026-11-20"]);
  });

  it("shows at most the given number of days", () => {
    const daily = Array.from({ length: 30 }, (_, i) => day(`2026-10-${String(i + 1).padStart(2, "0")}`, 1));
    expect(daysToShow(daily, 14)).toHaveLength(14);
    expect(daysToShow(daily, 14)[0].date).toBe("2026-10-30");
  });
});
