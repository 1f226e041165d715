import { describe, expect, it } from "vitest";
import { exchangeNow, LATE_MARGIN_MS, lastTsOfSecond, SILENT_AFTER_MS, silentTickAt } from "./clock";

describe("the runner's clock", () => {
  it("estimates the exchange time as the last event's time plus the wall time since it arrived", () => {
    expect(exchangeNow(1_000_000, 50_000, 52_500)).toBe(1_002_500);
  });

  it("falls back to the wall clock before any event", () => {
    expect(exchangeNow(0, 0, 42)).toBe(42);
  });

  it("never runs the exchange clock backwards when the wall clock does", () => {
    expect(exchangeNow(1_000_000, 50_000, 49_000)).toBe(1_000_000);
  });

  it("ticks a silent market only after the silence threshold, a margin behind the estimate", () => {
    expect(silentTickAt(1_000_000, 50_000, 50_000 + SILENT_AFTER_MS - 1)).toBeNull();
    expect(silentTickAt(1_000_000, 50_000, 50_000 + SILENT_AFTER_MS)).toBe(
      1_000_000 + SILENT_AFTER_MS - LATE_MARGIN_MS,
    );
  });

  it("bounds each second by its last millisecond", () => {
    expect(lastTsOfSecond(1_700_000_000)).toBe(1_700_000_000_999);
    expect(Math.floor(lastTsOfSecond(5) / 1000)).toBe(5);
  });
});
