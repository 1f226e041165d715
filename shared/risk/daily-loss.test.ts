import { describe, expect, it } from "vitest";
import { DAY_MS, DailyLoss, utcDay } from "./daily-loss";

const DAY = Date.UTC(2024, 2, 10);

describe("utcDay", () => {
  it("changes exactly at UTC midnight", () => {
    expect(utcDay(DAY + DAY_MS - 1)).toBe(utcDay(DAY));
    expect(utcDay(DAY + DAY_MS)).toBe(utcDay(DAY) + 1);
    expect(utcDay(Date.UTC(2024, 2, 10, 23, 59, 59, 999))).toBe(utcDay(Date.UTC(2024, 2, 10)));
  });
});

describe("DailyLoss", () => {
  it("halts exactly at 15 % of the day's starting equity and not a cent before", () => {
    const d = new DailyLoss(15, 1_000, DAY);
    expect(d.limitAmount).toBe(150);
    expect(d.check(850.01)).toBe(false);
    expect(d.check(850)).toBe(true);
  });

  it("stays halted for the rest of the day when equity recovers", () => {
    const d = new DailyLoss(15, 1_000, DAY);
    d.check(800);
    expect(d.check(1_200)).toBe(true);
    expect(d.roll(DAY + DAY_MS - 1, 1_200)).toBe(false);
    expect(d.halted).toBe(true);
  });

  it("starts the next UTC day at the equity given and clears the halt and realised PnL", () => {
    const d = new DailyLoss(15, 1_000, DAY);
    d.addRealised(-200);
    d.check(800);
    expect(d.roll(DAY + DAY_MS, 800)).toBe(true);
    expect(d.halted).toBe(false);
    expect(d.dayStartEquity).toBe(800);
    expect(d.realisedToday).toBe(0);
    expect(d.check(690)).toBe(false);
    expect(d.check(680)).toBe(true);
  });

  it("rolls exactly when utcDay says a later day began, also for fractional times around midnight", () => {
    const times = [
      DAY + 1,
      DAY + DAY_MS - 1.5,
      DAY + DAY_MS - 1,
      DAY + DAY_MS - 0.5,
      DAY + DAY_MS - 1e-4,
      DAY + DAY_MS,
      DAY + DAY_MS + 0.25,
      DAY + 2 * DAY_MS - 1e-3,
      DAY + 2 * DAY_MS,
    ];
    const d = new DailyLoss(15, 1_000, DAY);
    for (const ts of times) {
      const before = d.day;
      expect(d.roll(ts, 1_000)).toBe(utcDay(ts) > before);
      expect(d.day).toBe(Math.max(before, utcDay(ts)));
    }
  });

  it("does not roll back to an earlier day", () => {
    const d = new DailyLoss(15, 1_000, DAY);
    expect(d.roll(DAY - 1, 5)).toBe(false);
    expect(d.dayStartEquity).toBe(1_000);
  });

  it("halts a day that starts without equity", () => {
    expect(new DailyLoss(15, 0, DAY).check(0)).toBe(true);
    expect(new DailyLoss(15, -10, DAY).check(-10)).toBe(true);
  });

  it("reports PnL in percent of the day's start, null without equity", () => {
    expect(new DailyLoss(15, 1_000, DAY).pnlPct(900)).toBeCloseTo(-10, 12);
    expect(new DailyLoss(15, 0, DAY).pnlPct(5)).toBeNull();
  });

  it("round-trips its state through JSON", () => {
    const d = new DailyLoss(15, 1_000, DAY + 5_000);
    d.addRealised(-42);
    d.check(840);
    const r = DailyLoss.restore(JSON.parse(JSON.stringify(d.getState())));
    expect(r.getState()).toEqual(d.getState());
    expect(r.roll(DAY + DAY_MS, 840)).toBe(true);
  });
});
