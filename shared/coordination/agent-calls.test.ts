import { describe, expect, it } from "vitest";
import { AgentCallError, boundedAgentCall, type CallTimers, eachAgent } from "./agent-calls";

/** Timers fired by hand: `fire()` runs every pending one. */
function manualTimers() {
  const pending = new Map<number, () => void>();
  let next = 0;
  const timers: CallTimers = {
    setTimeout: (fn) => {
      pending.set(++next, fn);
      return next;
    },
    clearTimeout: (h) => void pending.delete(h as number),
  };
  return { timers, pending, fire: () => [...pending.values()].forEach((fn) => fn()) };
}

describe("boundedAgentCall", () => {
  it("answers the agent's value and clears its timer", async () => {
    const t = manualTimers();
    expect(await boundedAgentCall("BTCUSDT", "status", async () => 42, t.timers)).toBe(42);
    expect(t.pending.size).toBe(0);
  });

  it("turns a failure into an AgentCallError naming the symbol and the method", async () => {
    const t = manualTimers();
    const call = boundedAgentCall("BTCUSDT", "start", () => Promise.reject(new Error("boom")), t.timers);
    await expect(call).rejects.toThrow(new AgentCallError("BTCUSDT", "start", new Error("boom"), false));
    await expect(call).rejects.toMatchObject({ symbol: "BTCUSDT", method: "start", timedOut: false });
  });

  it("gives up when the agent does not answer in time", async () => {
    const t = manualTimers();
    const call = boundedAgentCall("ETHUSDT", "flatten", () => new Promise<never>(() => {}), t.timers, 5);
    t.fire();
    await expect(call).rejects.toMatchObject({
      message: "agent ETHUSDT did not answer flatten() in time",
      timedOut: true,
    });
  });
});

describe("eachAgent", () => {
  it("reports every symbol's outcome in input order, a failure as its message", async () => {
    const outcomes = await eachAgent(["A", "B", "C"], async (s) => {
      if (s === "B") throw new Error("no answer");
      return s.toLowerCase();
    });
    expect(outcomes).toEqual([
      { symbol: "A", ok: true, value: "a" },
      { symbol: "B", ok: false, error: "no answer" },
      { symbol: "C", ok: true, value: "c" },
    ]);
  });
});
