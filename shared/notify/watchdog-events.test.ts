import { describe, expect, it } from "vitest";
import type { WatchdogVerdict } from "./watchdog";
import { watchdogEvents } from "./watchdog-events";

const silent: WatchdogVerdict = {
  symbol: "BTCUSDT",
  ok: false,
  status: "silent",
  detail: "no data for 90 s",
  hasPosition: true,
};
const ok: WatchdogVerdict = { symbol: "BTCUSDT", ok: true, status: "ok", detail: "ok", hasPosition: true };

describe("watchdogEvents", () => {
  it("alerts when a verdict turns bad, with the same key on every later run of the same problem", () => {
    const first = watchdogEvents([silent], {}, 60_000);
    expect(first.events).toHaveLength(1);
    expect(first.events[0].text).toContain("silent: no data for 90 s (a position is open)");
    const second = watchdogEvents([silent], first.problemSince, 120_000);
    expect(second.events[0].key).toBe(first.events[0].key);
  });

  it("says when the symbol recovers and forgets the problem", () => {
    const bad = watchdogEvents([silent], {}, 60_000);
    const back = watchdogEvents([ok], bad.problemSince, 120_000);
    expect(back.events.map((e) => e.text)).toEqual(["BTCUSDT watchdog: recovered"]);
    expect(back.problemSince).toEqual({});
    expect(watchdogEvents([ok], back.problemSince, 180_000).events).toEqual([]);
  });
});
