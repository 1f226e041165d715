/**
 * An unknown symbol is reported as such (#15): the local venue lists BTC, ETH and the LISTED_SYMBOLS
 * of global-setup.ts, and answers every other symbol as Bitget does (contracts 40102, public feed 30001).
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import type { AgentStatus } from "../../shared/coordination/rpc-contracts";
import type { SymbolAgent } from "../../durable-objects/symbol-agent";
import { api } from "./helpers";

interface SymbolRow {
  symbol: string;
  enabled: boolean;
  status: AgentStatus | null;
}

/** Points the agent's contracts check at a port nothing listens on (a network failure, not an answer). */
function cutContractsCheck(symbol: string): Promise<void> {
  return runInDurableObject(env.SYMBOL_AGENT.getByName(symbol), (a: SymbolAgent) => {
    const own = a as unknown as { env: Record<string, unknown> };
    own.env = { ...own.env, REST_URL: "http://127.0.0.1:1" };
  });
}

describe("an unknown symbol", () => {
  it("is refused at start with 422 unknown_symbol naming the symbol and product type; nothing runs or connects", async () => {
    const res = await api("/api/symbols/FOOUSDT/start", { method: "POST" });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; message: string; details: unknown } };
    expect(body.error.code).toBe("unknown_symbol");
    expect(body.error.message).toMatch(/FOOUSDT/);
    expect(body.error.message).toMatch(/USDT-FUTURES/);
    expect(body.error.details).toMatchObject({ symbol: "FOOUSDT", listing: { state: "unknown_symbol" } });

    const one = await api("/api/symbols/FOOUSDT");
    expect(one.status).toBe(200);
    const state = (await one.json()) as SymbolRow;
    expect(state.enabled).toBe(false);
    expect(state.status).toMatchObject({ running: false, feed: null, listing: { state: "unknown_symbol" } });
    expect(state.status?.error).toMatch(/unknown symbol.*FOOUSDT/);

    const all = (await (await api("/api/symbols")).json()) as { symbols: SymbolRow[] };
    const row = all.symbols.find((s) => s.symbol === "FOOUSDT");
    expect(row?.status?.listing?.state).toBe("unknown_symbol");
    expect(row?.status?.running).toBe(false);
    // Nothing waits: no alarm keeps the agent alive.
    const alarm = await runInDurableObject(env.SYMBOL_AGENT.getByName("FOOUSDT"), (_: SymbolAgent, s) =>
      s.storage.getAlarm(),
    );
    expect(alarm).toBeNull();
  }, 30_000);

  it("while a listed symbol still starts, runs and is reported listed", async () => {
    const res = await api("/api/symbols/LTCUSDT/start", { method: "POST" });
    expect(res.status).toBe(200);
    const state = (await res.json()) as SymbolRow;
    expect(state).toMatchObject({ enabled: true, status: { running: true, listing: { state: "listed" } } });
    await api("/api/symbols/LTCUSDT/stop", { method: "POST" });
  }, 30_000);

  it("is never guessed from a failed check: the agent runs, says check_failed and counts it; the feed's 30001 then stops it as unknown", async () => {
    await cutContractsCheck("BARUSDT");
    const agent = env.SYMBOL_AGENT.getByName("BARUSDT");
    const started = await agent.start("BARUSDT");
    expect(started).toMatchObject({ running: true, listing: { state: "check_failed" } });
    expect(started.listing?.reason).toMatch(/USDT-FUTURES contracts check of BARUSDT failed/);
    expect((started as { backgroundErrors?: { count: number } }).backgroundErrors?.count).toBeGreaterThan(0);
    // The venue refuses the feed's subscriptions of BARUSDT with 30001.
    await vi.waitFor(
      async () => {
        const s = await agent.status();
        if (!s.feed?.lastError?.includes("30001")) throw new Error(`no 30001 yet: ${s.feed?.lastError}`);
      },
      { timeout: 20_000, interval: 250 },
    );
    expect(await runDurableObjectAlarm(agent)).toBe(true);
    const after = await agent.status();
    expect(after).toMatchObject({ running: false, feed: null, listing: { state: "unknown_symbol" } });
    expect(after.listing?.reason).toMatch(/BARUSDT.*30001/);
    expect(after.error).toMatch(/unknown symbol/);
  }, 40_000);
});
