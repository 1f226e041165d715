/**
 * A well-known third-party Bitget client, ccxt, in its UTA mode against the local venue started with a
 * UTA key, as a new user would use it: it detects UTA itself (its probe of `/api/v3/account/settings`
 * answers 00000), loads markets, reads the book and trades, trades, sees its position and balance, and
 * is refused a bad signature. If the venue's v3 answers drift from what real clients expect, this fails.
 */
import ccxt from "ccxt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CREDENTIALS, startVenue, type Venue } from "../../cli/venue/server";

const SYMBOL = "BTC/USDT:USDT";
let venue: Venue;

function client(secret = DEFAULT_CREDENTIALS.apiSecret) {
  const ex = new ccxt.bitget({
    apiKey: DEFAULT_CREDENTIALS.apiKey,
    secret,
    password: DEFAULT_CREDENTIALS.passphrase,
    enableRateLimit: false,
  });
  const api = ex.urls.api as Record<string, string>;
  for (const k of Object.keys(api)) api[k] = venue.urls.rest;
  return ex;
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

describe("ccxt's Bitget client in UTA mode against the venue", () => {
  it("detects UTA, reads the market, trades, sees its position and balance", async () => {
    const ex = client();
    const markets = await ex.loadMarkets();
    expect(markets[SYMBOL]).toBeDefined();
    expect(ex.options.uta).toBe(true);
    const book = await ex.fetchOrderBook(SYMBOL, 5);
    expect(book.bids.length).toBeGreaterThan(0);
    expect(Number(book.asks[0][0])).toBeGreaterThan(Number(book.bids[0][0]));
    expect((await ex.fetchTrades(SYMBOL, undefined, 5)).length).toBeGreaterThan(0);
    const before = await ex.fetchBalance();
    expect(before.USDT?.total ?? 0).toBeGreaterThan(0);
    await ex.setLeverage(5, SYMBOL);
    const bought = await ex.createOrder(SYMBOL, "market", "buy", 0.01);
    expect(bought.id).toBeTruthy();
    const fetched = await ex.fetchOrder(String(bought.id), SYMBOL);
    expect(fetched.status).toBe("closed");
    const [position] = (await ex.fetchPositions([SYMBOL])).filter((p) => (p.contracts ?? 0) > 0);
    expect(position).toMatchObject({ symbol: SYMBOL, side: "long", contracts: 0.01 });
    const ticker = await ex.fetchTicker(SYMBOL);
    const bid = ticker.bid ?? 0;
    const resting = await ex.createOrder(SYMBOL, "limit", "buy", 0.01, Math.round(bid * 0.98 * 10) / 10, {
      clientOrderId: "ccxtlimit1",
    });
    expect((await ex.fetchOpenOrders(SYMBOL)).map((o) => o.id)).toContain(resting.id);
    await ex.cancelOrder(String(resting.id), SYMBOL);
    expect(await ex.fetchOpenOrders(SYMBOL)).toEqual([]);
    await ex.createOrder(SYMBOL, "market", "sell", 0.01, undefined, { reduceOnly: true });
    const open = (await ex.fetchPositions([SYMBOL])).filter((p) => (p.contracts ?? 0) > 0);
    expect(open).toEqual([]);
    expect((await ex.fetchMyTrades(SYMBOL)).length).toBeGreaterThanOrEqual(2);
  });

  it("is refused a bad signature", async () => {
    const bad = client("WRONG");
    bad.options.uta = true;
    await expect(bad.fetchBalance()).rejects.toBeInstanceOf(ccxt.AuthenticationError);
  });
});
