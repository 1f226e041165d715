import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it, vi } from "vitest";
import type { AgentStatus } from "../../shared/coordination/rpc-contracts";
import { bitgetEndpoints, netPosition } from "../../shared/exchange/bitget/bitget-account";
import { openBitgetAccount } from "../../shared/exchange/bitget/open-account";
import { validateOrder } from "../../shared/exchange/bitget/order-rules";
import { BitgetRestClient } from "../../shared/exchange/bitget/rest-client";
import type { BitgetCredentials } from "../../shared/exchange/bitget/rest-transport";
import type { FlattenResult } from "../../shared/coordination/flatten-everywhere";
import { api, ingestByHand, PERMISSIVE_LIVE, warmup, withVenueKey } from "./helpers";

const bindings = env as unknown as Record<string, string>;
/** This file's own venue account (global-setup.ts), so no other test's positions meet these. */
const credentials = JSON.parse(bindings.TEST_VENUE_KILL_SWITCH_CREDENTIALS) as BitgetCredentials;
const SYMBOL = "ETHUSDT";
/** A position opened at the venue behind every agent's back: no agent knows it. */
const ORPHAN = "BTCUSDT";

const agent = () => env.SYMBOL_AGENT.getByName(SYMBOL);
const coordinator = () => env.COORDINATOR.getByName("portfolio");
/** Gives the agent and the Coordinator the venue key (the agent also a public feed the venue refuses). */
async function withSecrets(): Promise<void> {
  await withVenueKey(agent(), credentials);
  await withVenueKey(coordinator(), credentials, { refusedFeed: false });
}

async function venue() {
  const common = { now: () => Date.now(), random: Math.random };
  const endpoints = bitgetEndpoints("live", { restUrl: bindings.REST_URL });
  const opened = await openBitgetAccount({ endpoints, credentials, ...common });
  if (!opened.ok) throw new Error(`the venue refused the test key: ${opened.refusal.message}`);
  const market = new BitgetRestClient({ baseUrl: bindings.REST_URL, credentials, ...common });
  return { account: opened.account, market };
}

async function venueHolds(symbol: string): Promise<number> {
  return netPosition(await (await venue()).account.positions(symbol), symbol);
}

/** A market buy at the venue from another client of the account. */
async function venueBuy(symbol: string, size: number): Promise<void> {
  const v = await venue();
  const contract = await v.account.instrument(symbol);
  if (!contract) throw new Error(`no contract ${symbol}`);
  const referencePrice = (await v.market.getTicker(symbol)).lastPrice;
  const order = { symbol, side: "buy", size, reduceOnly: false, clientOid: "manual-ks-1", orderType: "market" };
  const checked = validateOrder(contract, { ...order, marginMode: "crossed" } as Parameters<typeof validateOrder>[1], {
    referencePrice,
  });
  if (!checked.ok) throw new Error(checked.detail);
  await v.market.placeOrder(checked.order);
}

async function listed(symbol: string): Promise<{ enabled: boolean; status: AgentStatus | null }> {
  const body = (await (await api("/api/symbols")).json()) as {
    symbols: { symbol: string; enabled: boolean; status: AgentStatus | null }[];
  };
  const entry = body.symbols.find((s) => s.symbol === symbol);
  if (!entry) throw new Error(`${symbol} is not listed`);
  return entry;
}

afterAll(async () => {
  await agent().stop();
  await coordinator().resume();
  await coordinator().putConfig({});
});

describe("the kill switch in live mode on the local venue", () => {
  it("shows a stopped agent's position, wakes the agent to close it, and closes at the exchange what no agent holds", async () => {
    expect((await coordinator().putConfig(PERMISSIVE_LIVE)).ok).toBe(true);
    await withSecrets();
    expect((await api(`/api/symbols/${SYMBOL}/start`, { method: "POST" })).status).toBe(200);
    const ticker = await (await venue()).market.getTicker(SYMBOL);
    const entered = await ingestByHand(agent(), warmup(SYMBOL, { endingAt: ticker.lastPrice }), { untilNotFlat: true });
    expect(entered.phase).toBe("entering");
    await vi.waitFor(async () => expect((await agent().status()).phase).toBe("open"), {
      timeout: 10_000,
      interval: 100,
    });
    const size = (await agent().status()).position?.size ?? 0;
    expect(size).toBeGreaterThan(0);

    // Stopped: the position stays, at the venue and in /api/symbols.
    expect((await api(`/api/symbols/${SYMBOL}/stop`, { method: "POST" })).status).toBe(200);
    const stopped = await listed(SYMBOL);
    expect(stopped).toMatchObject({ enabled: false, status: { running: false, phase: "open" } });
    expect(stopped.status?.position).toMatchObject({ side: "long", size });
    expect(await venueHolds(SYMBOL)).toBeCloseTo(size, 9);

    await venueBuy(ORPHAN, 0.01);
    await vi.waitFor(async () => expect(await venueHolds(ORPHAN)).toBeCloseTo(0.01, 9), { timeout: 5_000 });

    const res = await api("/api/control/flatten", { method: "POST" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { tradingState: string; flatten: FlattenResult[] };
    expect(body.tradingState).toBe("HALTED");
    const bySymbol = Object.fromEntries(body.flatten.map((r) => [r.symbol, r]));
    expect(bySymbol[SYMBOL]).toMatchObject({ outcome: "flat", exchange: null });
    expect(bySymbol[ORPHAN]).toMatchObject({ outcome: "closed_at_exchange", exchange: { remaining: 0 } });
    expect(bySymbol[ORPHAN].agent).toContain("no agent knows");

    expect(await venueHolds(SYMBOL)).toBe(0);
    expect(await venueHolds(ORPHAN)).toBe(0);
    const after = await listed(SYMBOL);
    expect(after.status).toMatchObject({ running: false, phase: "flat", position: null });
    expect((await coordinator().portfolio()).openPositions).toEqual([]);
  }, 60_000);
});
