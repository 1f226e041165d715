/**
 * The SymbolAgent's constructor restores its runner from storage; a stored state that cannot be
 * rebuilt must not throw out of the constructor (every later call would fail alike): the agent
 * comes up halted, says why in its status and counts the failure (#15).
 */
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const SYMBOL = "BNBUSDT";

describe("a stored runner state that does not restore", () => {
  it("leaves the agent up, not running, with the reason in its status and a counted background error", async () => {
    const agent = env.SYMBOL_AGENT.getByName(SYMBOL);
    expect((await agent.start(SYMBOL)).running).toBe(true);
    await runInDurableObject(agent, (_a, state) => {
      state.storage.sql.exec(
        "UPDATE agent_state SET value = ? WHERE key = 'runner'",
        JSON.stringify({ engine: { broken: true }, version: 999 }),
      );
      if (state.storage.sql.exec("SELECT COUNT(*) AS n FROM agent_state WHERE key = 'runner'").one().n === 0)
        state.storage.sql.exec(
          "INSERT INTO agent_state (key, value) VALUES ('runner', ?)",
          JSON.stringify({ engine: { broken: true }, version: 999 }),
        );
    });
    await abortAllDurableObjects();
    const status = await env.SYMBOL_AGENT.getByName(SYMBOL).status();
    expect(status.running).toBe(false);
    expect(status.error).toContain("restore failed");
    expect((status as { backgroundErrors?: { count: number } }).backgroundErrors?.count).toBeGreaterThan(0);
    await env.SYMBOL_AGENT.getByName(SYMBOL).stop();
  });
});
