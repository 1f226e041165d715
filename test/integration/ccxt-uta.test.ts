/**
 * A well-known third-party Bitget client, ccxt, in its UTA mode against the local venue started with a
 * UTA key (`npm run sim -- --account-mode uta`), configured as the README tells a new user: the venue's
 * key, every API host of the client pointed at the venue's REST URL, and UTA either detected by ccxt
 * itself (its probe of `/api/v3/account/settings` answers 00000) or switched on with `options.uta`.
 * It loads markets, reads the book and trades, trades, sees its position and balance, and is refused a
 * bad signature. Every private call it makes is a v3 one: if ccxt fell back to Classic V2 (which the
 * UTA key is refused), or the venue's v3 answers drifted from what real clients expect, this fails.
 */
import ccxt from "ccxt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CREDENTIALS, startVenue, type Venue } from "../../cli/venue/server";

const SYMBOL = "BTC/USDT:USDT";
let venue: Venue;

/** The client as the README's "Third-party clients" lines build it; `calls` lists every request's method and path. */
function client(o: { secret?: string; uta?: boolean } = {}) {
  const ex = new ccxt.bitget({
    apiKey: DEFAULT_CREDENTIALS.apiKey,
    secret: o.secret ?? DEFAULT_CREDENTIALS.apiSecret,
    password: DEFAULT_CREDENTIALS.passphrase,
    enableRateLimit: false,
    ...(o.uta === undefined ? {} : { options: { uta: o.uta } }),
  });
  const api = ex.urls.api as Record<string, string>;
  for (const k of Object.keys(api)) api[k] = venue.urls.rest;
  const calls: string[] = [];
  const send = ex.fetch.bind(ex);
  ex.fetch = (url: string, method?: string, headers?: unknown, body?: unknown) => {
    calls.push(`${method} ${new URL(url).pathname}`);
    return send(url, method, headers, body);
  };
  return { ex, calls };
}

beforeAll(async () => {
  venue = await startVenue({
    port: 0,
    synthetic: { symbols: ["BTCUSDT"], seed: 7 },
    speed: 1,
    accountMode: "uta",
    log: () => {},
  });
  // Let the synthetic market print a few trades and books first.
  const until = Date.now() + 10_000;
  while (venue.pushes() < 20 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
});
afterAll(() => venue?.close());

/** The private (signed) paths of ccxt's calls: the account, trade and position families. */
const privatePaths = (calls: readonly string[]) => calls.filter((c) => /\/(account|trade|position|order)\b/.test(c));

describe("ccxt's Bitget client in UTA mode against the venue", () => {
  it.each([
    ["detected by ccxt's own probe", undefined],
    ["switched on with options.uta", true],
  ] as const)("(UTA %s) reads the market, trades, sees its position and balance, over v3 only", async (_, uta) => {
    const { ex, calls } = client({ uta });
    const markets = await ex.loadMarkets();
    expect(markets[SYMBOL]).toMatchObject({ type: "swap", linear: true, settle: "USDT" });
    const book = await ex.fetchOrderBook(SYMBOL, 5);
    expect(book.bids.length).toBeGreaterThan(0);
    expect(Number(book.asks[0][0])).toBeGreaterThan(Number(book.bids[0][0]));
    const trades = await ex.fetchTrades(SYMBOL, undefined, 5);
    expect(trades.length).toBeGreaterThan(0);
    expect(trades[0].price).toBeGreaterThan(Number(book.bids[0][0]) * 0.99);
    const before = await ex.fetchBalance();
    expect(ex.options.uta).toBe(true);
    expect(before.USDT?.total ?? 0).toBeGreaterThan(0);
    expect(before.USDT?.used ?? 0).toBe(0);
    await ex.setLeverage(5, SYMBOL);
    const bought = await ex.createOrder(SYMBOL, "market", "buy", 0.01);
    expect(bought.id).toBeTruthy();
    const fetched = await ex.fetchOrder(String(bought.id), SYMBOL);
    expect(fetched.status).toBe("closed");
    const [position] = (await ex.fetchPositions([SYMBOL])).filter((p) => (p.contracts ?? 0) > 0);
    expect(position).toMatchObject({ symbol: SYMBOL, side: "long", contracts: 0.01 });
    // The open position's margin is in use, and the taker fee came off the balance.
    const holding = await ex.fetchBalance();
    expect(holding.USDT?.used ?? 0).toBeGreaterThan(0);
    expect(holding.USDT?.total ?? 0).toBeLessThan(before.USDT?.total ?? 0);
    const ticker = await ex.fetchTicker(SYMBOL);
    const bid = ticker.bid ?? 0;
    const resting = await ex.createOrder(SYMBOL, "limit", "buy", 0.01, Math.round(bid * 0.98 * 10) / 10, {
      clientOrderId: `ccxtlimit${uta ? 2 : 1}`,
    });
    expect((await ex.fetchOpenOrders(SYMBOL)).map((o) => o.id)).toContain(resting.id);
    await ex.cancelOrder(String(resting.id), SYMBOL);
    expect(await ex.fetchOpenOrders(SYMBOL)).toEqual([]);
    await ex.createOrder(SYMBOL, "market", "sell", 0.01, undefined, { reduceOnly: true });
    const open = (await ex.fetchPositions([SYMBOL])).filter((p) => (p.contracts ?? 0) > 0);
    expect(open).toEqual([]);
    expect((await ex.fetchMyTrades(SYMBOL)).length).toBeGreaterThanOrEqual(2);
    const signed = privatePaths(calls);
    expect(signed.length).toBeGreaterThan(10);
    expect(signed.filter((c) => !c.includes("/api/v3/"))).toEqual([]);
    for (const path of ["POST /api/v3/trade/place-order", "GET /api/v3/position/current-position"])
      expect(signed).toContain(path);
  });

  it("streams the book, trades, its orders and its position over the venue's v3 WebSockets (ccxt pro)", async () => {
    const ws = venue.urls.wsPublicV3.replace("/v3/ws/public", "");
    const ex = new ccxt.pro.bitget({
      apiKey: DEFAULT_CREDENTIALS.apiKey,
      secret: DEFAULT_CREDENTIALS.apiSecret,
      password: DEFAULT_CREDENTIALS.passphrase,
      options: { uta: true },
    });
    const api = ex.urls.api as Record<string, unknown>;
    for (const k of Object.keys(api)) if (typeof api[k] === "string") api[k] = venue.urls.rest;
    api.ws = { utaPublic: `${ws}/v3/ws/public`, utaPrivate: `${ws}/v3/ws/private` };
    try {
      await ex.loadHttpProxyAgent(); // ccxt's own step before a plain ws:// URL
      await ex.loadMarkets();
      const book = await ex.watchOrderBook(SYMBOL, 5);
      expect(Number(book.asks[0][0])).toBeGreaterThan(Number(book.bids[0][0]));
      const trades = await ex.watchTrades(SYMBOL);
      expect(trades.length).toBeGreaterThan(0);
      expect(trades[0]).toMatchObject({ symbol: SYMBOL, side: expect.stringMatching(/^(buy|sell)$/) });
      expect(trades[0].amount).toBeGreaterThan(0);
      const orders = ex.watchOrders(SYMBOL);
      await new Promise((r) => setTimeout(r, 300));
      await ex.createOrder(SYMBOL, "market", "buy", 0.01, undefined, { clientOrderId: "ccxtpro1" });
      expect((await orders).map((o) => [o.clientOrderId, o.status, o.filled])).toContainEqual([
        "ccxtpro1",
        "closed",
        0.01,
      ]);
      const positions = await ex.watchPositions([SYMBOL]);
      expect(positions.filter((p) => (p.contracts ?? 0) > 0)).toContainEqual(
        expect.objectContaining({ symbol: SYMBOL, side: "long" }),
      );
      await ex.createOrder(SYMBOL, "market", "sell", 0.01, undefined, { reduceOnly: true });
    } finally {
      await ex.close();
    }
  });

  it.each([
    ["detected", undefined],
    ["switched on", true],
  ] as const)("is refused a bad signature at the venue (UTA %s)", async (_, uta) => {
    const { ex } = client({ secret: "WRONG", uta });
    await expect(ex.fetchBalance()).rejects.toThrow(ccxt.AuthenticationError);
    await expect(ex.fetchBalance()).rejects.toThrow(/40009/);
  });
});
