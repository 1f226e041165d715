import { runDurableObjectAlarm, runInDurableObject, SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it, vi } from "vitest";
import { journaledOrders } from "../../shared/runner/journaled-orders";
import { AgentStore } from "../../durable-objects/agent-store";
import type { SymbolAgent } from "../../durable-objects/symbol-agent";
import { bitgetEndpoints, netPosition } from "../../shared/exchange/bitget/bitget-account";
import { openBitgetAccount } from "../../shared/exchange/bitget/open-account";
import { validateOrder } from "../../shared/exchange/bitget/order-rules";
import { BitgetRestClient } from "../../shared/exchange/bitget/rest-client";
import type { BitgetCredentials } from "../../shared/exchange/bitget/rest-transport";
import { UtaBrokerRest } from "../../shared/exchange/bitget/uta/uta-broker-rest";
import { UtaRestClient } from "../../shared/exchange/bitget/uta/uta-rest-client";
import type { OrderRequest } from "../../shared/execution/orders";
import type { TradeEvent } from "../../shared/market/events";
import { ingestByHand, PERMISSIVE_LIVE, warmup, withVenueKey } from "./helpers";

const bindings = env as unknown as Record<string, string>;
const endpoints = bitgetEndpoints("live", { restUrl: bindings.REST_URL });

/**
 * The venue's two keys: a Classic one (V2 API) trading ETHUSDT and a UTA one (v3 API) trading BTCUSDT,
 * each through its own agent. The venue streams both symbols; each agent's public feed is pointed
 * nowhere, so it sees only the trades fed here.
 */
const CASES = [
  { accountMode: "classic", symbol: "ETHUSDT", credentials: JSON.parse(bindings.TEST_VENUE_CREDENTIALS) },
  { accountMode: "uta", symbol: "BTCUSDT", credentials: JSON.parse(bindings.TEST_VENUE_UTA_CREDENTIALS) },
] as const satisfies readonly { accountMode: string; symbol: string; credentials: BitgetCredentials }[];

const coordinator = () => env.COORDINATOR.getByName("portfolio");

/** The test's own view of one key's account at the venue (as another client of the account would see it). */
async function venueAccount(credentials: BitgetCredentials) {
  const common = { baseUrl: bindings.REST_URL, credentials, now: () => Date.now(), random: Math.random };
  const opened = await openBitgetAccount({ endpoints, credentials, now: common.now, random: common.random });
  if (!opened.ok) throw new Error(`the venue refused the test key: ${opened.refusal.message}`);
  const account = opened.account;
  const orders =
    account.accountMode === "uta" ? new UtaBrokerRest(new UtaRestClient(common)) : new BitgetRestClient(common);
  return { account, orders, market: new BitgetRestClient(common) };
}

for (const c of CASES) {
  const agent = () => env.SYMBOL_AGENT.getByName(c.symbol);

  const withSecrets = (credentials: BitgetCredentials = c.credentials) => withVenueKey(agent(), credentials);

  /** Feeds trades until the engine leaves flat; returns its phase. */
  const ingestUntilEntering = async (trades: readonly TradeEvent[]) =>
    (await ingestByHand(agent(), trades, { untilNotFlat: true })).phase;

  const journal = () =>
    runInDurableObject(agent(), (_: SymbolAgent, state) =>
      state.storage.sql
        .exec<{ client_oid: string; status: string; request: string }>(
          "SELECT client_oid, status, request FROM agent_orders ORDER BY seq",
        )
        .toArray(),
    );

  let manual = 0;
  /** A market order placed at the venue behind the agent's back (as from another client of the account). */
  const venueMarket = async (side: "buy" | "sell", size: number, reduceOnly: boolean) => {
    const v = await venueAccount(c.credentials);
    const contract = await v.account.instrument(c.symbol);
    if (!contract) throw new Error(`no contract ${c.symbol}`);
    const referencePrice = (await v.market.getTicker(c.symbol)).lastPrice;
    const clientOid = `manual-${c.accountMode}-${++manual}`;
    const order = { symbol: c.symbol, side, size, reduceOnly, clientOid, marginMode: "crossed", orderType: "market" };
    const checked = validateOrder(contract, order as Parameters<typeof validateOrder>[1], { referencePrice });
    if (!checked.ok) throw new Error(checked.detail);
    await v.orders.placeOrder(checked.order);
    return clientOid;
  };

  const venueHolds = async () => {
    const v = await venueAccount(c.credentials);
    return netPosition(await v.account.positions(c.symbol), c.symbol);
  };

  describe(`SymbolAgent in live mode on the local venue, ${c.accountMode} key`, () => {
    afterAll(async () => {
      await agent().stop();
      await coordinator().putConfig({});
    });

    it("detects the key's account mode, journals a market entry, places it at the venue, opens the position on the fill from the private feed, and reconciles clean", async () => {
      expect((await coordinator().putConfig(PERMISSIVE_LIVE)).ok).toBe(true);
      await withSecrets();
      const started = await agent().start(c.symbol);
      expect(started).toMatchObject({ running: true, mode: "live", error: null });
      // Set on start and read back: the config's leverage (default 50; the venue starts at 20), crossed, one-way.
      expect(started.account).toEqual({
        accountMode: c.accountMode,
        trading: "live",
        holdMode: "one_way_mode",
        marginMode: "crossed",
        leverage: 50,
      });
      const sizingEquity = await runInDurableObject(agent(), (a: SymbolAgent) => a["agent"].runtime?.["equity"].now());
      const exchangeEquity = (await (await venueAccount(c.credentials)).account.equity()).equity;
      expect(sizingEquity).toBe(exchangeEquity);
      expect(sizingEquity).not.toBe(Number(bindings.START_EQUITY));

      const v = await venueAccount(c.credentials);
      expect(v.account.accountMode).toBe(c.accountMode);
      const ticker = await v.market.getTicker(c.symbol);
      expect(await ingestUntilEntering(warmup(c.symbol, { endingAt: ticker.lastPrice }))).toBe("entering");

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

      const atVenue = await v.orders.getOrder(c.symbol, { clientOid: rows[0].client_oid });
      expect(atVenue.state).toBe("filled");
      expect(atVenue.filledSize).toBeCloseTo(request.size, 9);
      const position = (await agent().status()).position;
      const held = await v.account.positions(c.symbol);
      expect(held.map((p) => [p.side, p.size])).toEqual([[position?.side, position?.size]]);

      expect(await runDurableObjectAlarm(agent())).toBe(true);
      const after = await agent().status();
      expect(after.entriesBlocked).toBe(false);
      expect(after.alarmErrors.filter((e) => e.startsWith("reconcile"))).toEqual([]);
    }, 30_000);

    /** Base coin bought at the venue behind the agent's back (a position the engine never owned). */
    const extra = c.symbol === "BTCUSDT" ? 0.01 : 0.5;

    it("grows its position by a manual same-side order at the venue (#14): the engine and the Coordinator hold the new size, the ledger has the manual fill with its fee, reconciliation is clean", async () => {
      const before = (await agent().status()).position;
      const engineHolds = before?.size ?? 0;
      expect(before?.side).toBe("long");
      const manualOid = await venueMarket("buy", extra, false);
      await vi.waitFor(async () => expect(await venueHolds()).toBeCloseTo(engineHolds + extra, 9), {
        timeout: 5_000,
      });
      await vi.waitFor(
        async () => expect((await agent().status()).position?.size).toBeCloseTo(engineHolds + extra, 9),
        { timeout: 10_000, interval: 100 },
      );
      const grown = (await agent().status()).position;
      expect(grown?.fees).toBeGreaterThan(before?.fees ?? 0);

      expect(await runDurableObjectAlarm(agent())).toBe(true);
      const after = await agent().status();
      expect(after.entriesBlocked).toBe(false);
      expect(after.alarmErrors.filter((e) => e.startsWith("reconcile"))).toEqual([]);
      const held = (await coordinator().portfolio()).openPositions.find((p) => p.symbol === c.symbol);
      expect(held?.size).toBeCloseTo(engineHolds + extra, 9);
      expect(held?.entryPrice).toBeCloseTo(grown?.entryPrice ?? 0, 9);

      const v = await venueAccount(c.credentials);
      const order = await v.orders.getOrder(c.symbol, { clientOid: manualOid });
      const atVenue = (await v.orders.getFills({ symbol: c.symbol, limit: 100 })).fills.filter(
        (f) => f.orderId === order.orderId,
      );
      expect(atVenue.length).toBeGreaterThan(0);
      await vi.waitFor(
        async () => {
          const rows = (
            await env.DB.prepare("SELECT role, mode, size, fee FROM fills WHERE client_oid = ?")
              .bind(manualOid)
              .all<{ role: string; mode: string; size: number; fee: number }>()
          ).results;
          expect(rows).toHaveLength(atVenue.length);
          expect(rows.every((r) => r.role === "entry" && r.mode === "live")).toBe(true);
          expect(rows.reduce((x, r) => x + r.size, 0)).toBeCloseTo(extra, 9);
          expect(rows.reduce((x, r) => x + r.fee, 0)).toBeCloseTo(-atVenue.reduce((x, f) => x + f.fee, 0), 6);
        },
        { timeout: 10_000, interval: 200 },
      );
    }, 30_000);

    it("flattens the whole grown position at the venue and journals one exit for it", async () => {
      const size = (await agent().status()).position?.size ?? 0;
      await agent().flatten("flatten");
      await vi.waitFor(async () => expect((await agent().status()).phase).toBe("flat"), {
        timeout: 10_000,
        interval: 100,
      });
      expect(await venueHolds()).toBe(0);
      const last = (await journal()).at(-1);
      expect(last?.status).toBe("done");
      const exit = JSON.parse(last?.request ?? "{}") as { type: string; reduceOnly: boolean; size: number };
      expect(exit).toMatchObject({ type: "market", reduceOnly: true });
      expect(exit.size).toBeCloseTo(size, 9);
      expect(await runDurableObjectAlarm(agent())).toBe(true);
      expect((await agent().status()).entriesBlocked).toBe(false);
    }, 30_000);

    it("follows the venue when its exchange-side stop-loss fires: closes at the stop's fill price and fee, ledgers it, and sends no exit for the gone position (#14)", async () => {
      const v = await venueAccount(c.credentials);
      const price = (await v.market.getTicker(c.symbol)).lastPrice;
      expect(await ingestUntilEntering(warmup(c.symbol, { endingAt: price, trades: 40 }))).toBe("entering");
      await vi.waitFor(async () => expect((await agent().status()).phase).toBe("open"), {
        timeout: 10_000,
        interval: 100,
      });
      const journaled = (await journal()).length;

      const fired = await fetch(`${bindings.REST_URL}/admin/fire-stops`, {
        method: "POST",
        body: JSON.stringify({ symbol: c.symbol }),
      });
      expect(await fired.json()).toEqual({ fired: 1 });
      await vi.waitFor(async () => expect((await agent().status()).phase).toBe("flat"), {
        timeout: 10_000,
        interval: 100,
      });
      expect(await venueHolds()).toBe(0);
      const status = await agent().status();
      expect(status.safety?.externalFills).toBeGreaterThan(0);
      expect(status).toMatchObject({ exitHalted: false, safety: { exitFailures: 0, unresolvedOutcomes: 0 } });
      // The engine is flat at once: no exit for the gone position is ever journaled (the unit test
      // external-fills.test.ts shows the 91 s of prints beyond the stop that flooded the venue before).
      const after = (await journal()).slice(journaled).map((r) => JSON.parse(r.request) as { reduceOnly: boolean });
      expect(after.filter((r) => r.reduceOnly)).toEqual([]);

      expect(await runDurableObjectAlarm(agent())).toBe(true);
      await vi.waitFor(
        async () => {
          const trade = await env.DB.prepare(
            "SELECT id, exit_price AS exitPrice, exit_reason AS exitReason, fees FROM trades WHERE symbol = ? AND mode = 'live' ORDER BY exit_time DESC",
          )
            .bind(c.symbol)
            .first<{ id: string; exitPrice: number; exitReason: string; fees: number }>();
          // The closing fill names the venue's own order (no clientOid of ours): its every execution is in the ledger.
          const closing = await env.DB.prepare("SELECT client_oid AS oid FROM fills WHERE trade_id = ?")
            .bind(trade?.id ?? "")
            .first<{ oid: string }>();
          const rows = (
            await env.DB.prepare("SELECT price, size, fee FROM fills WHERE client_oid = ?")
              .bind(closing?.oid ?? "")
              .all<{ price: number; size: number; fee: number }>()
          ).results;
          const atVenue = (await v.orders.getFills({ symbol: c.symbol, limit: 100 })).fills.filter(
            (f) => f.orderId === closing?.oid,
          );
          expect(atVenue.length).toBeGreaterThan(0);
          expect(rows).toHaveLength(atVenue.length);
          const size = atVenue.reduce((x, f) => x + f.size, 0);
          const vwap = atVenue.reduce((x, f) => x + f.price * f.size, 0) / size;
          expect(trade?.exitPrice).toBeCloseTo(vwap, 6);
          expect(rows.reduce((x, r) => x + r.fee, 0)).toBeCloseTo(-atVenue.reduce((x, f) => x + f.fee, 0), 6);
          // The venue fired the stop at the market, not at its trigger: the price says a close by the exchange.
          expect(["stop_loss", "exchange_close"]).toContain(trade?.exitReason);
        },
        { timeout: 10_000, interval: 200 },
      );
      expect((await agent().status()).entriesBlocked).toBe(false);
    }, 40_000);

    it("adopts the venue's position when a manual order fills while it is flat (#14 follow-up): it reads the position and holds what the venue holds, with its stop placed and the manual fill in D1 once", async () => {
      expect((await agent().status()).phase).toBe("flat");
      const manualOid = await venueMarket("buy", extra, false);
      await vi.waitFor(async () => expect(await venueHolds()).toBeCloseTo(extra, 9), { timeout: 5_000 });
      await vi.waitFor(async () => expect((await agent().status()).position?.size).toBeCloseTo(extra, 9), {
        timeout: 10_000,
        interval: 100,
      });
      const runner = () => runInDurableObject(agent(), (a: SymbolAgent) => a["agent"].runtime?.runner);
      expect((await agent().status()).position?.side).toBe("long");
      expect((await runner())?.recovery.orphansAdopted).toBeGreaterThanOrEqual(1);
      expect((await runner())?.entryRefusal ?? "").not.toMatch(/waits for the exchange's position/);
      await vi.waitFor(async () => expect((await agent().status()).safety?.stopsPlaced).toBeGreaterThan(0), {
        timeout: 10_000,
        interval: 100,
      });
      const v = await venueAccount(c.credentials);
      const order = await v.orders.getOrder(c.symbol, { clientOid: manualOid });
      const atVenue = (await v.orders.getFills({ symbol: c.symbol, limit: 100 })).fills.filter(
        (f) => f.orderId === order.orderId,
      );
      await vi.waitFor(
        async () => {
          const rows = (
            await env.DB.prepare("SELECT role, size FROM fills WHERE client_oid = ?")
              .bind(manualOid)
              .all<{ role: string; size: number }>()
          ).results;
          expect(rows).toHaveLength(atVenue.length);
          expect(rows.every((r) => r.role === "entry")).toBe(true);
        },
        { timeout: 10_000, interval: 200 },
      );
      await agent().flatten("flatten");
      await vi.waitFor(async () => expect(await venueHolds()).toBe(0), { timeout: 10_000, interval: 100 });
      await vi.waitFor(async () => expect((await agent().status()).phase).toBe("flat"), {
        timeout: 10_000,
        interval: 100,
      });
    }, 40_000);

    it("refuses to start live when the exchange refuses the config's leverage, with its code", async () => {
      await agent().stop();
      expect((await coordinator().putConfig({ ...PERMISSIVE_LIVE, sizing: { leverage: 12.5 } })).ok).toBe(true);
      const started = await agent().start(c.symbol);
      expect(started).toMatchObject({ running: false, mode: "live", account: null });
      expect(started.error).toMatch(
        /^live trading refused: the (Classic|UTA) account's \w+ set leverage 12.5 failed: code \d+: /,
      );
    }, 30_000);

    it("refuses to start live with a key the venue does not know (40006), showing the exchange's code and reason in /api/symbols", async () => {
      expect((await coordinator().putConfig(PERMISSIVE_LIVE)).ok).toBe(true);
      await agent().stop();
      await withSecrets({ ...c.credentials, apiKey: `unknown-${c.accountMode}-key` });
      const started = await agent().start(c.symbol);
      expect(started).toMatchObject({ running: false, mode: "live", account: null });
      expect(started.error).toContain("live trading refused: Bitget account mode unknown, code 40006");
      await coordinator().setSymbolEnabled(c.symbol, true);
      const res = await SELF.fetch("https://x/api/symbols", { headers: { Authorization: "Bearer test-token" } });
      const body = (await res.json()) as { symbols: { symbol: string; status: { error: string | null } | null }[] };
      const listed = body.symbols.find((s) => s.symbol === c.symbol);
      expect(listed?.status?.error).toContain("code 40006");
      await withSecrets();
    }, 30_000);
  });
}

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
