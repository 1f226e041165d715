import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { upgradeUrl } from "../../durable-objects/agent-socket";
import type { SymbolAgent } from "../../durable-objects/symbol-agent";

const coordinator = () => env.COORDINATOR.getByName("portfolio");

function alarmOf(symbol: string): Promise<number | null> {
  return runInDurableObject(env.SYMBOL_AGENT.getByName(symbol), (_: SymbolAgent, state) => state.storage.getAlarm());
}

describe("SymbolAgent on the local venue's feed", () => {
  it("starts in paper mode, connects with fetch + Upgrade and receives trades", async () => {
    const agent = env.SYMBOL_AGENT.getByName("BTCUSDT");
    const started = await agent.start("BTCUSDT");
    expect(started).toMatchObject({ symbol: "BTCUSDT", running: true, mode: "paper", error: null });
    expect(started.configVersion).toBe((await coordinator().getConfig()).version);
    expect(await alarmOf("BTCUSDT")).toBeGreaterThan(Date.now());
    const live = await vi.waitFor(
      async () => {
        const s = await agent.status();
        if (s.features?.price == null) throw new Error("no trade yet");
        return s;
      },
      { timeout: 20_000, interval: 250 },
    );
    expect(live.feed?.connected).toBe(true);
    expect(live.phase).toBe("flat");
    expect(live.features?.price).toBeGreaterThan(1000);
    expect(live.gates?.long.map((g) => g.name)).toContain("score");
  }, 30_000);

  it("stops: not running, feed closed, alarm deleted", async () => {
    const agent = env.SYMBOL_AGENT.getByName("BTCUSDT");
    const stopped = await agent.stop();
    expect(stopped.running).toBe(false);
    expect(stopped.feed).toBeNull();
    expect(await alarmOf("BTCUSDT")).toBeNull();
  });

  it("refuses a start for another symbol than its name", async () => {
    const s = await env.SYMBOL_AGENT.getByName("ETHUSDT").start("BTCUSDT");
    expect(s.running).toBe(false);
    expect(s.error).toBe("this agent trades ETHUSDT, not BTCUSDT");
  });
});

describe("the workerd socket adapter", () => {
  it("rewrites ws:// and wss:// to the http(s):// URLs fetch accepts, and leaves others alone", () => {
    expect(upgradeUrl("ws://127.0.0.1:9000/v2/ws/public")).toBe("http://127.0.0.1:9000/v2/ws/public");
    expect(upgradeUrl("WSS://ws.bitget.com/v2/ws/public")).toBe("https://ws.bitget.com/v2/ws/public");
    expect(upgradeUrl("https://example.com/ws")).toBe("https://example.com/ws");
  });
});

describe("the alarm", () => {
  it("fires, does its work and re-arms itself", async () => {
    const agent = env.SYMBOL_AGENT.getByName("ETHUSDT");
    await agent.start("ETHUSDT");
    expect(await runDurableObjectAlarm(agent)).toBe(true);
    const s = await agent.status();
    expect(s.lastAlarmAt).toBeGreaterThan(Date.now() - 10_000);
    expect(s.alarmErrors).toEqual([]);
    expect(await alarmOf("ETHUSDT")).toBeGreaterThan(Date.now());
  }, 20_000);

  it("re-arms itself when its work throws (an outbox row that cannot be read)", async () => {
    const agent = env.SYMBOL_AGENT.getByName("ETHUSDT");
    await runInDurableObject(agent, (_: SymbolAgent, state) => {
      state.storage.sql.exec(
        "INSERT INTO agent_outbox (id, kind, payload, created_at) VALUES ('trade:bad', 'trade', '{not json', 0)",
      );
    });
    expect(await runDurableObjectAlarm(agent)).toBe(true);
    const s = await agent.status();
    expect(s.alarmErrors.some((e) => e.startsWith("outbox:"))).toBe(true);
    expect(s.outboxPending).toBe(1);
    expect(await alarmOf("ETHUSDT")).toBeGreaterThan(Date.now());
    await runInDurableObject(agent, (_: SymbolAgent, state) => void state.storage.sql.exec("DELETE FROM agent_outbox"));
    await agent.stop();
  }, 20_000);

  it("keeps running while an outbox row waits, after stop, and ends once it is flushed", async () => {
    const agent = env.SYMBOL_AGENT.getByName("ETHUSDT");
    await runInDurableObject(agent, (_: SymbolAgent, state) => {
      state.storage.sql.exec(
        "INSERT INTO agent_outbox (id, kind, payload, created_at) VALUES ('trade:bad', 'trade', '{not json', 0)",
      );
    });
    await agent.stop();
    expect(await alarmOf("ETHUSDT")).not.toBeNull();
    await runInDurableObject(agent, (_: SymbolAgent, state) => void state.storage.sql.exec("DELETE FROM agent_outbox"));
    expect(await runDurableObjectAlarm(agent)).toBe(true);
    expect(await alarmOf("ETHUSDT")).toBeNull();
  });
});

describe("the live-mode gate", () => {
  it("refuses to start a live config without the Bitget secrets, naming them, and places nothing", async () => {
    expect((await coordinator().putConfig({ mode: "live" })).ok).toBe(true);
    try {
      const agent = env.SYMBOL_AGENT.getByName("XRPUSDT");
      const s = await agent.start("XRPUSDT");
      expect(s.running).toBe(false);
      expect(s.mode).toBe("live");
      expect(s.error).toContain(
        "live mode refused: missing secrets BITGET_API_KEY, BITGET_API_SECRET, BITGET_PASSPHRASE",
      );
      expect(s.outboxPending).toBe(0);
      expect(await alarmOf("XRPUSDT")).toBeNull();
      expect((await coordinator().portfolio()).reservations).toEqual([]);
    } finally {
      await coordinator().putConfig({});
    }
  });
});
