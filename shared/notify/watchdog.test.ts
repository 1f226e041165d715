import { describe, expect, it } from "vitest";
import { type AgentObservation, judgeAgent } from "./watchdog";

const t = { silenceMs: 60_000, alarmSilenceMs: 120_000 };
const healthy: AgentObservation = {
  symbol: "BTCUSDT",
  reachable: true,
  running: true,
  lastFrameAgeMs: 500,
  lastAlarmAgeMs: 3_000,
  hasPosition: false,
  stopArmed: null,
};

describe("judgeAgent", () => {
  it("passes an agent with fresh data and a recent alarm", () => {
    expect(judgeAgent(healthy, t)).toMatchObject({ ok: true, status: "ok" });
  });

  it("calls an agent silent when its last data frame is older than the threshold", () => {
    expect(judgeAgent({ ...healthy, lastFrameAgeMs: 61_000 }, t)).toMatchObject({
      ok: false,
      status: "silent",
      detail: "no data for 61 s",
    });
  });

  it("calls an agent silent when no data frame ever arrived", () => {
    expect(judgeAgent({ ...healthy, lastFrameAgeMs: null }, t)).toMatchObject({ ok: false, status: "silent" });
  });

  it("calls an agent silent when its alarm stopped even though data looks fresh", () => {
    expect(judgeAgent({ ...healthy, lastAlarmAgeMs: 500_000 }, t)).toMatchObject({ status: "silent" });
  });

  it("reports an unreachable agent before anything else", () => {
    expect(judgeAgent({ ...healthy, reachable: false, error: "timed out", running: false }, t)).toMatchObject({
      status: "unreachable",
      detail: "timed out",
    });
  });

  it("flags an open position without an exchange-side stop", () => {
    expect(judgeAgent({ ...healthy, hasPosition: true, stopArmed: false }, t)).toMatchObject({ status: "unprotected" });
    expect(judgeAgent({ ...healthy, hasPosition: true, stopArmed: null }, t)).toMatchObject({ ok: true });
  });
});
