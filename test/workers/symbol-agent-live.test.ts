import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it, vi } from "vitest";
import { journaledOrders } from "../../shared/runner/journaled-orders";
import { AgentStore } from "../../durable-objects/agent-store";
import type { SymbolAgent } from "../../durable-objects/symbol-agent";
import { validateOrder } from "../../shared/exchange/bitget/order-rules";
import { BitgetRestClient } from "../../shared/exchange/bitget/rest-client";
import type { BitgetCredentials } from "../../shared/exchange/bitget/rest-transport";
import type { OrderRequest } from "../../shared/execution/orders";
import type { TradeEvent } from "../../shared/market/events";

/** Streamed by the test venue, which trades it; the agent's public feed is pointed nowhere, so it sees only the trades fed here. */
const SYMBOL = "ETHUSDT";
/** Live; gates wide open and market entries, so that a warmed-up engine enters at once; a stop wide enough for the venue's moving price. */
const PERMISSIVE = {
  mode: "live",
  gates: { minScore: 0, minAgreeing: 0, minVolumeRatio: 0, minExpectedMoveFeeMultiple: 0, requireBook: false },
  execution: { entryOrder: "market" },
  exits: { stopLossPct: 2 },
};

const bindings = env as unknown as Record<string, string>;
const credentials = JSON.parse(bindings.TEST_VENUE_CREDENTIALS) as BitgetCredentials;
const venue = new BitgetRestClient({
  baseUrl: bindings.REST_URL,
  credentials,
  now: () => Date.now(),
  random: Math.random,
});
const agent = () => env.SYMBOL_AGENT.getByName(SYMBOL);
const coordinator = () => env.COORDINATOR.getByName("portfolio");

/** Gives the agent instance the venue's credentials as its Bitget secrets, and a public feed URL the venue refuses (HTTP 404), so the agent sees only the trades fed here. */
function withSecrets(): Promise<void> {
  return runInDurableObject(agent(), (a: SymbolAgent) => {
    const own = a as unknown as { env: Record<string, unknown> };
    own.env = {
      ...own.env,
      BITGET_API_KEY: credentials.apiKey,
      BITGET_API_SECRET: credentials.apiSecret,
      BITGET_PASSPHRASE: credentials.passphrase,
      FEED_URL: `${bindings.REST_URL}/no-public-feed-here`,
    };
  });
}

/** 40 s of a calm, gently rising market ending now at about `price`. */
function warmup(price: number): TradeEvent[] {
  const t0 = Date.now() - 40_000;
  return Array.from(
    { length: 80 },
    (_, i) =>
      ({
        kind: "trade",
        symbol: SYMBOL,
        ts: t0 + i * 500,
        price: price * (1 + (i % 7) * 0.00002 + (i - 79) * 0.000005),
        size: 0.5,
        side: i % 3 ? "buy" : "sell",
        id: `w${i}`,
      }) as const,
  );
}

/** Feeds trades until the engine leaves flat; returns its phase. */
function ingestUntilEntering(trades: readonly TradeEvent[]): Promise<string | undefined> {
  return runInDurableObject(agent(), (a: SymbolAgent) => {
    const runtime = a["runtime"];
    if (!runtime) throw new Error("agent not running");
    for (const t of trades) {
      runtime.ingest([t]);
      if (runtime.engineStatus()?.phase !== "flat") break;
    }
    return runtime.engineStatus()?.phase;
  });
}

function journal(): Promise<{ client_oid: string; status: string; request: string }[]> {
  return runInDurableObject(agent(), (_: SymbolAgent, state) =>
    state.storage.sql
      .exec<{ client_oid: string; status: string; request: string }>(
        "SELECT client_oid, status, request FROM agent_orders ORDER BY seq",
      )
      .toArray(),
  );
}

let manual = 0;
/** A market order placed at the venue behind the agent's back (as from another client of the account). */
async function venueMarket(side: "buy" | "sell", size: number, reduceOnly: boolean): Promise<void> {
  const [contract] = await venue.getContracts(SYMBOL);
  const referencePrice = (await venue.getTicker(SYMBOL)).lastPrice;
  const checked = validateOrder(
    contract,
    {
      symbol: SYMBOL,
      side,
      size,
      reduceOnly,
      clientOid: `manual-${++manual}`,
      marginMode: "crossed",
      orderType: "market",
    },
    { referencePrice },
  );
  if (!checked.ok) throw new Error(checked.detail);
  await venue.placeOrder(checked.order);
}

async function venueHolds(): Promise<number> {
  return (await venue.getPosition(SYMBOL)).reduce((sum, p) => sum + (p.holdSide === "long" ? p.size : -p.size), 0);
}

afterAll(async () => {
  await agent().stop();
  await coordinator().putConfig({});
});

describe("SymbolAgent in live mode on the local venue", () => {
  it("journals a market entry, places it at the venue, opens the position on the fill from the private feed, and reconciles clean", async () => {
    expect((await coordinator().putConfig(PERMISSIVE)).ok).toBe(true);
    await withSecrets();
    const started = await agent().start(SYMBOL);
    expect(started).toMatchObject({ running: true, mode: "live", error: null });

    const ticker = await venue.getTicker(SYMBOL);
    expect(await ingestUntilEntering(warmup(ticker.lastPrice))).toBe("entering");

    await vi.waitFor(async () => expect((await agent().status()).phase).toBe("open"), {
      timeout: 10_000,
      interval: 100,
    });
    const rows = await journal();
    const requests = rows.map(
      (r) => JSON.parse(r.request) as { side: string; type: string; reduceOnly: boolean; size: number },
    );
    const request = requests[0];
    expect(request).toMatchObject({ type: "market", reduceOnly: false });
    expect(rows[0].status).toBe("done");
    expect(requests.slice(1).every((r) => r.reduceOnly)).toBe(true);

    const atVenue = await venue.getOrder(SYMBOL, { clientOid: rows[0].client_oid });
    expect(atVenue.state).toBe("filled");
    expect(atVenue.filledSize).toBeCloseTo(request.size, 9);
    const position = (await agent().status()).position;
    const held = await venue.getPosition(SYMBOL);
    expect(held.map((p) => [p.holdSide, p.size])).toEqual([[position?.side, position?.size]]);

    expect(await runDurableObjectAlarm(agent())).toBe(true);
    const after = await agent().status();
    expect(after.entriesBlocked).toBe(false);
    expect(after.alarmErrors.filter((e) => e.startsWith("reconcile"))).toEqual([]);
  }, 30_000);

  it("blocks new entries while the venue's position differs from the engine's, and unblocks once it matches again", async () => {
    const engineHolds = (await agent().status()).position?.size ?? 0;
    expect(engineHolds).toBeGreaterThan(0);
    await venueMarket("buy", 0.5, false);
    await vi.waitFor(async () => expect(await venueHolds()).toBeCloseTo(engineHolds + 0.5, 9), { timeout: 5_000 });

    expect(await runDurableObjectAlarm(agent())).toBe(true);
    const blocked = await agent().status();
    expect(blocked.entriesBlocked).toBe(true);
    expect(blocked.alarmErrors.find((e) => e.startsWith("reconcile"))).toContain("position mismatch");
    expect(blocked.position?.size).toBe(engineHolds);

    await venueMarket("sell", 0.5, true);
    expect(await runDurableObjectAlarm(agent())).toBe(true);
    expect((await agent().status()).entriesBlocked).toBe(false);
  }, 30_000);

  it("flattens at the venue and journals the exit", async () => {
    await agent().flatten("flatten");
    await vi.waitFor(async () => expect((await agent().status()).phase).toBe("flat"), {
      timeout: 10_000,
      interval: 100,
    });
    expect(await venueHolds()).toBe(0);
    const last = (await journal()).at(-1);
    expect(last?.status).toBe("done");
    expect(JSON.parse(last?.request ?? "{}")).toMatchObject({ type: "market", reduceOnly: true });
  }, 30_000);
});

describe("the live order journal", () => {
  const req: OrderRequest = {
    clientOid: "j-1",
    symbol: "BNBUSDT",
    side: "buy",
    type: "market",
    size: 1,
    reduceOnly: false,
    ts: 1,
  };
  /** Runs `body` with an AgentStore on a Durable Object no test trades with. */
  const withStore = (body: (store: AgentStore) => Promise<void>) =>
    runInDurableObject(env.SYMBOL_AGENT.getByName("BNBUSDT"), (_: SymbolAgent, state) =>
      body(new AgentStore(state.storage)),
    );

  it("writes each order as sending before the broker sees it, then the broker's answer", async () => {
    await withStore(async (store) => {
      const seen: (string | undefined)[] = [];
      const broker = {
        place: async (o: OrderRequest) => (
          seen.push(store.journalEntry(o.clientOid)?.status),
          { ok: false, reason: "insufficient_margin", detail: "no money" } as const
        ),
        cancel: async () => ({ ok: true, filledSize: 0 }) as const,
      };
      const r = await journaledOrders(
        store.journal(),
        () => broker,
        () => {},
      ).place(req);
      expect(r.ok).toBe(false);
      expect(seen).toEqual(["sending"]);
      expect(store.journalEntry(req.clientOid)).toMatchObject({ status: "rejected", detail: "no money" });
    });
  });

  it("keeps the done status of an order whose fill arrived before the placement's answer", async () => {
    await withStore(async (store) => {
      const broker = {
        place: async (o: OrderRequest) => (
          store.journalStatus(o.clientOid, "done", "filled", 2), { ok: true, clientOid: o.clientOid } as const
        ),
        cancel: async () => ({ ok: true, filledSize: 0 }) as const,
      };
      await journaledOrders(
        store.journal(),
        () => broker,
        () => {},
      ).place({ ...req, clientOid: "j-2" });
      expect(store.journalEntry("j-2")).toMatchObject({ status: "done", detail: "filled" });
    });
  });

  it("refuses without sending while the live broker is not ready, and journals why", async () => {
    await withStore(async (store) => {
      const r = await journaledOrders(
        store.journal(),
        () => null,
        () => {},
      ).place({ ...req, clientOid: "j-3" });
      expect(r).toMatchObject({ ok: false, reason: "exchange_error" });
      expect(store.journalEntry("j-3")?.detail).toContain("not ready");
    });
  });
});
