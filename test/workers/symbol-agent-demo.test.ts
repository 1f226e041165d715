/**
 * Issue #13 item 6 in workerd: `"mode": "demo"` trades through Bitget's demo environment (here the
 * local venue with a UTA key of its own account, the venue's REST and private v3 WebSocket standing
 * in for the demo hosts), and is labelled demo everywhere an operator looks: the agent's status and
 * `/api/symbols` (`mode`, `status.account.trading`), the ledger's fills and trade (`mode = 'demo'`),
 * and `/api/trades?mode=demo` / `/api/stats?mode=demo`; the live ledger stays empty.
 */
import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it, vi } from "vitest";
import { bitgetEndpoints, netPosition } from "../../shared/exchange/bitget/bitget-account";
import { openBitgetAccount } from "../../shared/exchange/bitget/open-account";
import { BitgetRestClient } from "../../shared/exchange/bitget/rest-client";
import type { BitgetCredentials } from "../../shared/exchange/bitget/rest-transport";
import { api, ingestByHand, PERMISSIVE_LIVE, warmup, withVenueKey } from "./helpers";

const bindings = env as unknown as Record<string, string>;
/** This file's own venue account, a UTA key (global-setup.ts). */
const credentials = JSON.parse(bindings.TEST_VENUE_DEMO_CREDENTIALS) as BitgetCredentials;
const SYMBOL = "BTCUSDT";
const DEMO = { ...PERMISSIVE_LIVE, mode: "demo" };

const agent = () => env.SYMBOL_AGENT.getByName(SYMBOL);
const coordinator = () => env.COORDINATOR.getByName("portfolio");

/** What the account holds at the venue, as another client of it (a demo key of its own) sees it. */
async function venueHolds(): Promise<number> {
  const opened = await openBitgetAccount({
    endpoints: bitgetEndpoints("demo", { restUrl: bindings.REST_URL }),
    credentials,
    now: () => Date.now(),
    random: Math.random,
  });
  if (!opened.ok) throw new Error(`the venue refused the demo key: ${opened.refusal.message}`);
  return netPosition(await opened.account.positions(SYMBOL), SYMBOL);
}

describe("SymbolAgent in demo mode on the local venue, UTA key", () => {
  afterAll(async () => {
    await agent().stop();
    await coordinator().putConfig({});
  });

  it("starts in demo on the detected UTA account, trades at the venue, and labels the status, /api/symbols and the ledger demo", async () => {
    expect((await coordinator().putConfig(DEMO)).ok).toBe(true);
    await withVenueKey(agent(), credentials);
    const started = await agent().start(SYMBOL);
    expect(started).toMatchObject({ running: true, mode: "demo", error: null });
    expect(started.account).toMatchObject({ accountMode: "uta", trading: "demo", holdMode: "one_way_mode" });

    await coordinator().setSymbolEnabled(SYMBOL, true);
    const listed = (await (await api("/api/symbols")).json()) as {
      symbols: { symbol: string; status: { mode: string; account: { trading: string } | null } | null }[];
    };
    expect(listed.symbols.find((s) => s.symbol === SYMBOL)?.status).toMatchObject({
      mode: "demo",
      account: { accountMode: "uta", trading: "demo" },
    });

    const market = new BitgetRestClient({ baseUrl: bindings.REST_URL, now: () => Date.now(), random: Math.random });
    const price = (await market.getTicker(SYMBOL)).lastPrice;
    expect((await ingestByHand(agent(), warmup(SYMBOL, { endingAt: price }), { untilNotFlat: true })).phase).toBe(
      "entering",
    );
    await vi.waitFor(async () => expect((await agent().status()).phase).toBe("open"), { timeout: 10_000 });
    const held = (await agent().status()).position?.size ?? 0;
    expect(Math.abs(await venueHolds())).toBeCloseTo(held, 9);

    await agent().flatten("flatten");
    await vi.waitFor(async () => expect((await agent().status()).phase).toBe("flat"), { timeout: 10_000 });
    expect(await venueHolds()).toBe(0);

    await vi.waitFor(
      async () => {
        const fills = (
          await env.DB.prepare("SELECT mode FROM fills WHERE symbol = ?").bind(SYMBOL).all<{ mode: string }>()
        ).results;
        expect(fills.length).toBeGreaterThanOrEqual(2);
        expect(new Set(fills.map((f) => f.mode))).toEqual(new Set(["demo"]));
        const trades = (
          await env.DB.prepare("SELECT mode FROM trades WHERE symbol = ?").bind(SYMBOL).all<{ mode: string }>()
        ).results;
        expect(trades.map((t) => t.mode)).toEqual(["demo"]);
      },
      { timeout: 10_000, interval: 200 },
    );
    const now = Date.now();
    const window = `from=${now - 3_600_000}&to=${now + 60_000}`;
    const listedTrades = (await (await api(`/api/trades?${window}&symbol=${SYMBOL}`)).json()) as {
      trades: { symbol: string; mode: string }[];
    };
    expect(listedTrades.trades.map((t) => [t.symbol, t.mode])).toEqual([[SYMBOL, "demo"]]);
    const live = (await (await api(`/api/stats?${window}&mode=live`)).json()) as { totals: { trades: number } };
    expect(live.totals.trades).toBe(0);
    const stats = (await (await api(`/api/stats?${window}&mode=demo`)).json()) as {
      mode: string;
      totals: { trades: number };
    };
    expect(stats).toMatchObject({ mode: "demo", totals: { trades: 1 } });
  }, 60_000);
});
