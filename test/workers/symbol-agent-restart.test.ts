/**
 * Issue #14, "a restart or deploy loses live order tracking", against the local venue: a live agent
 * is evicted (every Durable Object aborted; the new instance rebuilds itself from the same storage)
 * and must come back in line with the exchange.
 */
import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it, vi } from "vitest";
import type { SymbolAgent } from "../../durable-objects/symbol-agent";
import { bitgetEndpoints, netPosition } from "../../shared/exchange/bitget/bitget-account";
import { openBitgetAccount } from "../../shared/exchange/bitget/open-account";
import { validateOrder } from "../../shared/exchange/bitget/order-rules";
import { BitgetRestClient } from "../../shared/exchange/bitget/rest-client";
import type { BitgetCredentials } from "../../shared/exchange/bitget/rest-transport";
import { ingestIntoRuntime, PERMISSIVE_LIVE, warmup, withVenueKey } from "./helpers";

/** Streamed and traded by the venue; with the Classic key (symbol-agent-live.test.ts trades it with the UTA key). */
const SYMBOL = "BTCUSDT";

const bindings = env as unknown as Record<string, string>;
const credentials = JSON.parse(bindings.TEST_VENUE_CREDENTIALS) as BitgetCredentials;
const agent = () => env.SYMBOL_AGENT.getByName(SYMBOL);
const coordinator = () => env.COORDINATOR.getByName("portfolio");
const rest = new BitgetRestClient({
  baseUrl: bindings.REST_URL,
  credentials,
  now: () => Date.now(),
  random: Math.random,
});

async function venueAccount() {
  const endpoints = bitgetEndpoints("live", { restUrl: bindings.REST_URL });
  const opened = await openBitgetAccount({ endpoints, credentials, now: () => Date.now(), random: Math.random });
  if (!opened.ok) throw new Error(opened.refusal.message);
  return opened.account;
}

const venueHolds = async () => netPosition(await (await venueAccount()).positions(SYMBOL), SYMBOL);

let manual = 0;
/** A market order at the venue behind the agent's back. */
async function venueMarket(side: "buy" | "sell", size: number, reduceOnly: boolean): Promise<void> {
  const [contract] = await rest.getContracts(SYMBOL);
  const referencePrice = (await rest.getTicker(SYMBOL)).lastPrice;
  const order = {
    symbol: SYMBOL,
    side,
    size,
    reduceOnly,
    clientOid: `orphan-${++manual}`,
    marginMode: "crossed",
    orderType: "market",
  } as const;
  const checked = validateOrder(contract, order, { referencePrice });
  if (!checked.ok) throw new Error(checked.detail);
  await rest.placeOrder(checked.order);
}

/** The agent gets the venue's Classic key as its secrets and a public feed URL the venue refuses: it sees only the trades fed here. */
const withSecrets = () => withVenueKey(agent(), credentials);

/**
 * Evicts the agent: every Durable Object aborted; the next call builds a new instance over the same
 * storage. Its constructor resumes without the secrets (they are the test's, not the Worker's
 * bindings), so the resumed runtime is dropped unused and the agent resumes again with them.
 */
async function restart(whileAway?: () => Promise<unknown>): Promise<void> {
  await abortAllDurableObjects();
  await runInDurableObject(agent(), (a: SymbolAgent) => {
    a["agent"].runtime?.stop();
    a["agent"].runtime = null;
  });
  // What happens at the venue while no agent runs (a running agent follows a manual fill at once: external-fills.test.ts).
  await whileAway?.();
  await withSecrets();
  await agent().ensureRunning();
}

const journal = () =>
  runInDurableObject(agent(), (_: SymbolAgent, state) =>
    state.storage.sql
      .exec<{ client_oid: string; status: string }>("SELECT client_oid, status FROM agent_orders ORDER BY seq")
      .toArray(),
  );

const d1Fills = async () =>
  (
    await env.DB.prepare("SELECT client_oid AS clientOid, role, size FROM fills WHERE symbol = ? ORDER BY ts")
      .bind(SYMBOL)
      .all<{ clientOid: string; role: string | null; size: number }>()
  ).results;

afterAll(async () => {
  await agent().stop();
  await coordinator().putConfig({});
});

describe("a live agent restarted on the local venue (issue #14: a restart loses live order tracking)", () => {
  it("holds the entry that filled while it was evicted: the engine's position is the venue's, its fill is in D1 once, the portfolio has it, and reconciliation is clean", async () => {
    expect((await coordinator().putConfig(PERMISSIVE_LIVE)).ok).toBe(true);
    await withSecrets();
    expect(await agent().start(SYMBOL)).toMatchObject({ running: true, mode: "live", error: null });
    const price = (await rest.getTicker(SYMBOL)).lastPrice;

    // The private feed is gone and the alarm off: the entry is placed and fills at the venue, the agent never hears of the fill.
    const phase = await runInDurableObject(agent(), async (a: SymbolAgent, state) => {
      const runtime = a["agent"].runtime;
      if (!runtime) throw new Error("agent not running");
      await state.storage.deleteAlarm();
      runtime["live"]?.stop();
      return ingestIntoRuntime(runtime, warmup(SYMBOL, { endingAt: price }), { untilNotFlat: true }).phase;
    });
    expect(phase).toBe("entering");
    await vi.waitFor(async () => expect((await journal())[0]?.status).toBe("accepted"), {
      timeout: 5_000,
      interval: 50,
    });
    const entry = (await journal())[0].client_oid;
    expect((await rest.getOrder(SYMBOL, { clientOid: entry })).state).toBe("filled");
    const held = await venueHolds();
    expect(Math.abs(held)).toBeGreaterThan(0);
    expect((await agent().status()).phase).toBe("entering");

    await restart();
    await vi.waitFor(async () => expect((await agent().status()).phase).toBe("open"), {
      timeout: 15_000,
      interval: 100,
    });
    const position = (await agent().status()).position;
    expect(position?.side === "long" ? position.size : -(position?.size ?? 0)).toBeCloseTo(held, 9);
    expect((await journal())[0]).toEqual({ client_oid: entry, status: "done" });

    expect(await runDurableObjectAlarm(agent())).toBe(true);
    const after = await agent().status();
    expect(after.entriesBlocked).toBe(false);
    expect(after.alarmErrors).toEqual([]);
    // The market order walked the book: one D1 row per execution, together the venue's position.
    const rows = await d1Fills();
    expect(new Set(rows.map((r) => `${r.clientOid} ${r.role}`))).toEqual(new Set([`${entry} entry`]));
    expect(rows.reduce((sum, r) => sum + r.size, 0)).toBeCloseTo(Math.abs(held), 9);
    const orderId = (await rest.getOrder(SYMBOL, { clientOid: entry })).orderId;
    const executions = (await rest.getFills({ symbol: SYMBOL, orderId, limit: 100 })).fills.filter(
      (f) => f.orderId === orderId,
    );
    expect(rows).toHaveLength(executions.length);
    await vi.waitFor(
      async () => expect((await coordinator().portfolio()).openPositions.map((p) => p.symbol)).toContain(SYMBOL),
      { timeout: 5_000 },
    );
  }, 60_000);

  it("applies no fill twice after a second restart: the position stays the venue's and nothing counts as an external fill", async () => {
    const before = (await agent().status()).position;
    await restart();
    await vi.waitFor(
      async () =>
        expect(
          await runInDurableObject(agent(), (a: SymbolAgent) => a["agent"].runtime?.runner.recovery.recoveries),
        ).toBe(1),
      { timeout: 15_000, interval: 100 },
    );
    const counts = await runInDurableObject(agent(), (a: SymbolAgent) => ({
      recovery: a["agent"].runtime?.runner.recovery,
      safety: a["agent"].runtime?.runner.safety,
    }));
    expect(counts.recovery).toMatchObject({ fillsReplayed: 0, orphansAdopted: 0, orphansClosed: 0 });
    expect(counts.recovery?.duplicateFills).toBeGreaterThanOrEqual(1);
    expect(counts.safety?.externalFills).toBe(0);
    expect((await agent().status()).position).toEqual(before);
    await agent().flatten("flatten");
    await vi.waitFor(async () => expect((await agent().status()).phase).toBe("flat"), {
      timeout: 10_000,
      interval: 100,
    });
    expect(await venueHolds()).toBe(0);
  }, 60_000);

  it("adopts a position it does not know (policy adopt, the default) and manages it: flatten closes it at the venue", async () => {
    await restart(() => venueMarket("sell", 0.01, false));
    await vi.waitFor(
      async () => expect((await agent().status()).position).toMatchObject({ side: "short", size: 0.01 }),
      {
        timeout: 15_000,
        interval: 100,
      },
    );
    const adopted = (await agent().status()).position;
    expect(adopted?.stopLoss).toBeCloseTo((adopted?.entryPrice ?? 0) * 1.02, 6);
    expect(
      await runInDurableObject(agent(), (a: SymbolAgent) => a["agent"].runtime?.runner.recovery.orphansAdopted),
    ).toBe(1);
    expect(await runDurableObjectAlarm(agent())).toBe(true);
    expect((await agent().status()).entriesBlocked).toBe(false);
    await agent().flatten("flatten");
    await vi.waitFor(async () => expect(await venueHolds()).toBe(0), { timeout: 10_000, interval: 100 });
  }, 60_000);

  it("re-arms the exchange-side stop after a restart: a position whose stop plan was cancelled at the venue gets one again at the engine's stop", async () => {
    expect((await coordinator().putConfig(PERMISSIVE_LIVE)).ok).toBe(true);
    expect(await runDurableObjectAlarm(agent())).toBe(true);
    await restart(() => venueMarket("sell", 0.01, false));
    await vi.waitFor(
      async () => expect((await agent().status()).position).toMatchObject({ side: "short", size: 0.01 }),
      { timeout: 15_000, interval: 100 },
    );
    const stopLoss = (await agent().status()).position?.stopLoss ?? Number.NaN;
    const armedAtEngineStop = async () => {
      const plans = await rest.getStopPlans(SYMBOL);
      expect(plans).toHaveLength(1);
      expect(plans[0].side).toBe("short");
      expect(Math.abs(plans[0].triggerPrice - stopLoss)).toBeLessThanOrEqual(0.1 + 1e-9);
    };
    // Adopted with a stop at the exchange, placed by the stop guard.
    await vi.waitFor(armedAtEngineStop, { timeout: 10_000, interval: 100 });

    // While the agent is away the stop plan disappears at the venue; the position stays bare there.
    await restart(async () => {
      for (const plan of await rest.getStopPlans(SYMBOL)) await rest.cancelStopPlan(SYMBOL, plan.id);
      expect(await rest.getStopPlans(SYMBOL)).toEqual([]);
    });
    await vi.waitFor(
      async () => {
        await runDurableObjectAlarm(agent());
        await armedAtEngineStop();
      },
      { timeout: 15_000, interval: 250 },
    );
    expect((await agent().status()).position).toMatchObject({ side: "short", size: 0.01, stopLoss });
    const safety = await runInDurableObject(agent(), (a: SymbolAgent) => a["agent"].runtime?.runner.safety);
    expect(safety?.stopsPlaced).toBeGreaterThanOrEqual(1);
    await agent().flatten("flatten");
    await vi.waitFor(async () => expect(await venueHolds()).toBe(0), { timeout: 10_000, interval: 100 });
    expect(await rest.getStopPlans(SYMBOL)).toEqual([]);
  }, 60_000);

  it("closes a position it does not know at market with the policy close, into the D1 ledger", async () => {
    expect((await coordinator().putConfig({ ...PERMISSIVE_LIVE, live: { orphanPolicy: "close" } })).ok).toBe(true);
    expect(await runDurableObjectAlarm(agent())).toBe(true);
    await restart(() => venueMarket("buy", 0.02, false));
    // The order may fill in several parts: what the replay's first fill did not cover is closed by
    // the exit retry or reconciliation, both driven by the agent's alarm (every 5 s in production).
    await vi.waitFor(
      async () => {
        await runDurableObjectAlarm(agent());
        expect(await venueHolds()).toBe(0);
      },
      { timeout: 20_000, interval: 250 },
    );
    await vi.waitFor(async () => expect((await agent().status()).phase).toBe("flat"), {
      timeout: 10_000,
      interval: 100,
    });
    expect(await runDurableObjectAlarm(agent())).toBe(true);
    const rows = await env.DB.prepare(
      "SELECT side, size, exit_reason AS exitReason, mode FROM trades WHERE symbol = ? ORDER BY exit_time DESC",
    )
      .bind(SYMBOL)
      .all();
    expect(rows.results[0]).toEqual({ side: "long", size: 0.02, exitReason: "flatten", mode: "live" });
  }, 60_000);
});
