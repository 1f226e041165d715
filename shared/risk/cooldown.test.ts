import { describe, expect, it } from "vitest";
import { StopLossCooldown } from "./cooldown";

describe("StopLossCooldown", () => {
  it("starts a cooldown at the third consecutive stop-loss and restarts the count", () => {
    const c = new StopLossCooldown(3, 60_000);
    expect(c.record("ETHUSDT", "stop_loss", 1_000)).toBeNull();
    expect(c.record("ETHUSDT", "stop_loss", 2_000)).toBeNull();
    expect(c.record("ETHUSDT", "stop_loss", 3_000)).toBe(63_000);
    expect(c.streak("ETHUSDT")).toBe(0);
    expect(c.activeUntil("ETHUSDT", 62_999)).toBe(63_000);
    expect(c.activeUntil("ETHUSDT", 63_000)).toBeNull();
  });

  it("resets the count on any other exit, a trailing stop included", () => {
    const c = new StopLossCooldown(3, 60_000);
    c.record("ETHUSDT", "stop_loss", 1_000);
    c.record("ETHUSDT", "stop_loss", 2_000);
    c.record("ETHUSDT", "trailing_stop", 3_000);
    expect(c.streak("ETHUSDT")).toBe(0);
    expect(c.record("ETHUSDT", "stop_loss", 4_000)).toBeNull();
    expect(c.activeUntil("ETHUSDT", 4_000)).toBeNull();
  });

  it("counts each symbol on its own", () => {
    const c = new StopLossCooldown(2, 60_000);
    c.record("ETHUSDT", "stop_loss", 1_000);
    c.record("SOLUSDT", "stop_loss", 2_000);
    expect(c.activeUntil("ETHUSDT", 3_000)).toBeNull();
    expect(c.record("SOLUSDT", "stop_loss", 3_000)).toBe(63_000);
    expect(c.activeUntil("ETHUSDT", 3_000)).toBeNull();
  });

  it("is off with a threshold of 0", () => {
    const c = new StopLossCooldown(0, 60_000);
    for (let i = 0; i < 5; i++) expect(c.record("ETHUSDT", "stop_loss", i)).toBeNull();
    expect(c.active(10)).toEqual([]);
  });

  it("lists running cooldowns sorted by symbol and drops the expired", () => {
    const c = new StopLossCooldown(1, 1_000);
    c.record("SOLUSDT", "stop_loss", 0);
    c.record("ETHUSDT", "stop_loss", 500);
    expect(c.active(900)).toEqual([
      { symbol: "ETHUSDT", until: 1_500 },
      { symbol: "SOLUSDT", until: 1_000 },
    ]);
    expect(c.active(1_000)).toEqual([{ symbol: "ETHUSDT", until: 1_500 }]);
    expect(c.getState().until).toEqual({ ETHUSDT: 1_500 });
  });

  it("round-trips its state through JSON", () => {
    const c = new StopLossCooldown(3, 60_000);
    c.record("ETHUSDT", "stop_loss", 1_000);
    c.record("ETHUSDT", "stop_loss", 2_000);
    const r = StopLossCooldown.restore(JSON.parse(JSON.stringify(c.getState())));
    expect(r.streak("ETHUSDT")).toBe(2);
    expect(r.record("ETHUSDT", "stop_loss", 3_000)).toBe(63_000);
  });
});
