import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_CREDENTIALS, type Venue } from "../../cli/venue/server";
import type { MarketEvent } from "../../shared/market/events";
import type { Instrument } from "../../shared/market/instrument";
import { accountBrokerHarness } from "./uta-venue-harness";
import { admin, pushesOf } from "./venue-harness";

const BTC: Instrument = { symbol: "BTCUSDT", tickSize: 0.1, sizeStep: 0.001, minSize: 0.001, minNotional: 5 };
const T0 = 1_700_000_000_000;
/** More than a page (100) and not a multiple of it. */
const GAP_FILLS = 230;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A two-sided book around 1000 at market time `ts` (the venue's clock in a manual market). */
function book(ts: number, seq: number): MarketEvent[] {
  return [
    { kind: "bookLevels", symbol: "BTCUSDT", ts, seq: String(seq), bids: [[999.9, 5]], asks: [[1000.1, 5]] },
    {
      kind: "bookTop",
      symbol: "BTCUSDT",
      ts,
      seq: String(seq),
      bidPrice: 999.9,
      bidSize: 5,
      askPrice: 1000.1,
      askSize: 5,
    },
  ];
}

/**
 * `n` market orders the broker never heard of (placed while the agent was away), one fill each; the
 * market clock moves 150 ms per order so the venue's 10 orders/s limit never refuses one.
 */
async function marketOrdersAtVenue(venue: Venue, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await admin(venue, "/market", pushesOf(book(T0 + i * 150, i + 1), BTC));
    const placed = venue.core.placeOrder(DEFAULT_CREDENTIALS.apiKey, {
      symbol: "BTCUSDT",
      productType: "USDT-FUTURES",
      marginMode: "crossed",
      marginCoin: "USDT",
      side: i % 2 === 0 ? "buy" : "sell",
      orderType: "market",
      size: "0.01",
      clientOid: `gap-${i}`,
    });
    expect(placed.ok, JSON.stringify(placed)).toBe(true);
  }
}

describe.each(["classic", "uta"] as const)("fill replay after a gap, %s account at the venue", (mode) => {
  it(`delivers all ${GAP_FILLS} fills the gap holds (three pages of 100), oldest first, each once`, async () => {
    const h = await accountBrokerHarness(BTC, mode, "rest");
    cleanups.push(() => h.close?.());
    await marketOrdersAtVenue(h.venue, GAP_FILLS);
    const atVenue = h.venue.core.fillRecords(DEFAULT_CREDENTIALS.apiKey, 1000).map((f) => f.tradeId);
    expect(atVenue).toHaveLength(GAP_FILLS);

    expect(await h.broker.fillsSince("BTCUSDT", T0)).toBe(GAP_FILLS);
    expect(h.fills.map((f) => f.tradeId).sort()).toEqual([...atVenue].sort());
    const times = h.fills.map((f) => f.ts);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // Asked again (the next reconciliation): nothing new.
    expect(await h.broker.fillsSince("BTCUSDT", T0)).toBe(0);
    expect(h.fills).toHaveLength(GAP_FILLS);
  });

  it("starts at `since`: fills before it are not delivered", async () => {
    const h = await accountBrokerHarness(BTC, mode, "rest");
    cleanups.push(() => h.close?.());
    await marketOrdersAtVenue(h.venue, 120);
    // Orders 10..119 are at or after T0 + 1500: 110 fills, more than a page.
    expect(await h.broker.fillsSince("BTCUSDT", T0 + 1500)).toBe(110);
    expect(Math.min(...h.fills.map((f) => f.ts))).toBe(T0 + 1500);
  });
});
