import { describe, expect, it } from "vitest";
import { flattenEvent, flattenRecord, flattenTargets } from "./auto-flatten";
import type { WatchdogVerdict } from "./watchdog";

const verdict = (symbol: string, status: WatchdogVerdict["status"]): WatchdogVerdict => ({
  symbol,
  ok: status === "ok",
  status,
  detail: status,
  hasPosition: false,
});
const verdicts = [
  verdict("BTCUSDT", "silent"),
  verdict("ETHUSDT", "unreachable"),
  verdict("SOLUSDT", "stopped"),
  verdict("XRPUSDT", "ok"),
];

describe("auto-flatten", () => {
  it("targets silent and unreachable agents only, and only when on and trading live or demo", () => {
    expect(flattenTargets(verdicts, { autoFlatten: true, mode: "live" })).toEqual(["BTCUSDT", "ETHUSDT"]);
    expect(flattenTargets(verdicts, { autoFlatten: true, mode: "demo" })).toEqual(["BTCUSDT", "ETHUSDT"]);
    expect(flattenTargets(verdicts, { autoFlatten: false, mode: "live" })).toEqual([]);
    expect(flattenTargets(verdicts, { autoFlatten: true, mode: "paper" })).toEqual([]);
  });

  it("records a close, a partial close and a failure, and nothing when the exchange held nothing", () => {
    const sent = { side: "sell" as const, size: 0.01, ok: true, detail: null, clientOid: "flat-1" };
    expect(flattenRecord("BTCUSDT", 5, { heldBefore: 0.01, orders: [sent], remaining: 0 })).toEqual({
      symbol: "BTCUSDT",
      at: 5,
      outcome: "closed",
      detail: "held 0.01; sell 0.01 reduce-only sent; nothing left",
    });
    const refused = { ...sent, ok: false, detail: "rate_limited" };
    expect(flattenRecord("BTCUSDT", 5, { heldBefore: 0.01, orders: [refused], remaining: 0.01 })?.outcome).toBe(
      "still_open",
    );
    expect(flattenRecord("BTCUSDT", 5, "no secrets")?.outcome).toBe("failed");
    expect(flattenRecord("BTCUSDT", 5, { heldBefore: 0, orders: [], remaining: 0 })).toBeNull();
  });

  it("announces each close once, and a failure repeating every minute as one message", () => {
    const closed = (at: number) => flattenEvent({ symbol: "BTCUSDT", at, outcome: "closed", detail: "d" });
    expect(closed(1).key).not.toBe(closed(2).key);
    expect(closed(1).text).toBe("BTCUSDT watchdog: auto-flatten: closed at the exchange (the agent is silent): d");
    const failed = (at: number) => flattenEvent({ symbol: "BTCUSDT", at, outcome: "failed", detail: "no secrets" });
    expect(failed(1).key).toBe(failed(60_001).key);
  });
});
