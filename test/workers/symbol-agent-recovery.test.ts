import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import type { SymbolAgent } from "../../durable-objects/symbol-agent";
import { handTrade, ingestByHand, PERMISSIVE, warmup } from "./helpers";

/** Not streamed by the test venue (it answers 30001): this agent sees only the trades the test feeds it. */
const SYMBOL = "SOLUSDT";
const agent = (symbol = SYMBOL) => env.SYMBOL_AGENT.getByName(symbol);
/** A fresh stub each time: stubs from before an abort are broken. */
const coordinator = () => env.COORDINATOR.getByName("portfolio");

function pendingDecisions(symbol = SYMBOL): Promise<number> {
  return runInDurableObject(agent(symbol), (a: SymbolAgent) => a["agent"].runtime?.runner.pendingDecisions ?? -1);
}

/** Warms the agent up until it enters, waits for the Coordinator's answer and fills the entry with one more trade. */
async function openPosition(symbol = SYMBOL): Promise<number> {
  const entered = await ingestByHand(agent(symbol), warmup(symbol), { untilNotFlat: true });
  expect(entered.phase).toBe("entering");
  await vi.waitFor(async () => expect(await pendingDecisions(symbol)).toBe(0), { timeout: 5_000, interval: 50 });
  const opened = await ingestByHand(agent(symbol), [handTrade(symbol, entered.lastTs + 300, 100.1)]);
  expect(opened.phase).toBe("open");
  return opened.lastTs;
}

describe("SymbolAgent recovery", () => {
  it("restores an open position after an eviction, and its stop-loss still closes it into D1 and the portfolio", async () => {
    expect((await coordinator().putConfig(PERMISSIVE)).ok).toBe(true);
    const started = await agent().start(SYMBOL);
    expect(started.running).toBe(true);

    const openedAt = await openPosition();
    const before = (await agent().status()).position;
    if (!before) throw new Error("no position");
    await vi.waitFor(
      async () => expect((await coordinator().portfolio()).openPositions.map((p) => p.symbol)).toEqual([SYMBOL]),
      { timeout: 5_000 },
    );

    await abortAllDurableObjects();

    const restored = await agent().status();
    expect(restored.running).toBe(true);
    expect(restored.phase).toBe("open");
    expect(restored.position).toEqual(before);

    const through = before.side === "long" ? before.stopLoss * 0.999 : before.stopLoss * 1.001;
    await ingestByHand(agent(), [
      handTrade(SYMBOL, openedAt + 300, through),
      handTrade(SYMBOL, openedAt + 600, through),
    ]);
    const closed = await agent().status();
    expect(closed.phase).not.toBe("open");
    expect(closed.outboxPending).toBeGreaterThanOrEqual(1);

    expect(await runDurableObjectAlarm(agent())).toBe(true);
    const rows = await env.DB.prepare(
      "SELECT symbol, side, exit_reason AS exitReason, entry_price AS entryPrice FROM trades WHERE symbol = ?",
    )
      .bind(SYMBOL)
      .all();
    expect(rows.results).toEqual([
      { symbol: SYMBOL, side: before.side, exitReason: "stop_loss", entryPrice: before.entryPrice },
    ]);
    const fills = await env.DB.prepare("SELECT role, exit_reason AS exitReason FROM fills WHERE symbol = ? ORDER BY ts")
      .bind(SYMBOL)
      .all();
    expect(fills.results.map((f) => f.role)).toEqual(["entry", "exit"]);
    expect(fills.results[1].exitReason).toBe("stop_loss");
    await vi.waitFor(async () => expect((await coordinator().portfolio()).openPositions).toEqual([]), {
      timeout: 5_000,
    });
    await agent().stop();
    await coordinator().putConfig({});
  }, 30_000);

  it("closes on the time exit while the market is silent, and finishes the position under the config it opened with", async () => {
    const symbol = "XRPUSDT";
    const quick = {
      ...PERMISSIVE,
      exits: { minHoldMs: 0, maxHoldMs: 1_000, trailingPct: 0, exitScoreBelow: 0, oppositeScoreAbove: 100 },
    };
    const v1 = await coordinator().putConfig(quick);
    if (!v1.ok) throw new Error("config refused");
    expect((await agent(symbol).start(symbol)).configVersion).toBe(v1.version);
    await openPosition(symbol);

    const v2 = await coordinator().patchConfig({ exits: { maxHoldMs: 2_000 } });
    if (!v2.ok) throw new Error("config refused");
    const updated = await agent(symbol).updateConfig(v2.version);
    expect(updated.configVersion).toBe(v2.version);
    expect(updated.position?.configVersion).toBe(v1.version);

    await new Promise((r) => setTimeout(r, 3_200));
    expect(await runDurableObjectAlarm(agent(symbol))).toBe(true);
    const after = await agent(symbol).status();
    expect(after.phase).toBe("flat");
    const row = await env.DB.prepare(
      "SELECT exit_reason AS exitReason, config_version AS version FROM trades WHERE symbol = ?",
    )
      .bind(symbol)
      .first();
    expect(row).toEqual({ exitReason: "time_exit", version: v1.version });
    const engineVersion = await runInDurableObject(
      agent(symbol),
      (a: SymbolAgent) => a["agent"].runtime?.runner.engineConfigVersion,
    );
    expect(engineVersion).toBe(v2.version);
    await agent(symbol).stop();
    await coordinator().putConfig({});
  }, 30_000);

  it("exits at market on the Coordinator's flatten, with the reason it gives", async () => {
    const symbol = "DOGEUSDT";
    expect((await coordinator().putConfig(PERMISSIVE)).ok).toBe(true);
    await agent(symbol).start(symbol);
    const openedAt = await openPosition(symbol);
    // flatten answers once the engine is flat, or after FLATTEN_WAIT_MS with the exit pending; the next trade fills it.
    const asked = await agent(symbol).flatten("daily_loss_flatten");
    expect(asked.phase).not.toBe("entering");
    await ingestByHand(agent(symbol), [handTrade(symbol, Math.max(openedAt, Date.now()) + 500, 100.1, "sell")]);
    expect((await agent(symbol).status()).phase).not.toBe("open");
    expect(await runDurableObjectAlarm(agent(symbol))).toBe(true);
    const row = await env.DB.prepare("SELECT exit_reason AS exitReason FROM trades WHERE symbol = ?")
      .bind(symbol)
      .first();
    expect(row).toEqual({ exitReason: "daily_loss_flatten" });
    await agent(symbol).stop();
    await coordinator().putConfig({});
  }, 30_000);
});
