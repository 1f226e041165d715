import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "../../workers/routes/trades";
import { DEFAULT_START_EQUITY, startEquityOf } from "../../shared/config/settings";
import { parseTimeParam, startOfUtcDay } from "../../workers/time-params";

describe("startEquityOf", () => {
  it("reads a positive number and falls back to the default otherwise", () => {
    expect(startEquityOf("2500.5")).toBe(2500.5);
    expect(startEquityOf(undefined)).toBe(DEFAULT_START_EQUITY);
    expect(startEquityOf("")).toBe(DEFAULT_START_EQUITY);
    expect(startEquityOf("-5")).toBe(DEFAULT_START_EQUITY);
    expect(startEquityOf("lots")).toBe(DEFAULT_START_EQUITY);
  });
});

describe("parseTimeParam", () => {
  it("reads epoch milliseconds, dates and date-times in UTC", () => {
    expect(parseTimeParam("1764000000000")).toBe(1_764_000_000_000);
    expect(parseTimeParam("2026-04-20")).toBe(Date.UTC(2026, 3, 20));
    expect(parseTimeParam("2026-04-20T10:30:00Z")).toBe(Date.UTC(2026, 3, 20, 10, 30));
    expect(parseTimeParam("2026-04-20T10:30:00+02:00")).toBe(Date.UTC(2026, 3, 20, 8, 30));
  });

  it("moves a date-only end bound to the last millisecond of the day", () => {
    expect(parseTimeParam("2026-04-20", true)).toBe(Date.UTC(2026, 3, 21) - 1);
    expect(parseTimeParam("2026-04-20T00:00:00Z", true)).toBe(Date.UTC(2026, 3, 20));
  });

  it("rejects anything else", () => {
    for (const bad of ["yesterday", "2026-4-20", "12.5", "-1", "2026-02-31x", ""])
      expect(parseTimeParam(bad), bad).toBeNull();
  });

  it("finds the UTC midnight of a time", () => {
    expect(startOfUtcDay(Date.UTC(2026, 3, 20, 23, 59))).toBe(Date.UTC(2026, 3, 20));
  });
});

describe("trade cursors", () => {
  it("round-trip (exit time, id) through a URL-safe string", () => {
    const c = { exitTime: 1_764_000_000_123, id: "t/ä+1?🚀" };
    const s = encodeCursor(c);
    expect(s).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(s)).toEqual(c);
  });

  it("decode garbage to null", () => {
    for (const bad of ["garbage", encodeCursor({ exitTime: 1, id: "x" }).slice(0, 5), btoa("[1]"), btoa('["a","b"]')])
      expect(decodeCursor(bad), bad).toBeNull();
  });
});
