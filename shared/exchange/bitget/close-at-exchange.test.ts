import { describe, expect, it } from "vitest";
import type { OrderRequest, PlaceResult } from "../../execution/orders";
import type { Instrument } from "../../market/instrument";
import type { AccountPosition } from "./bitget-account";
import type { BitgetBroker } from "./bitget-broker";
import { type ClosingAccount, closeAtExchange, closeClientOid } from "./close-at-exchange";
import { parseClientOid } from "../../execution/client-oid";

const BTC: Instrument = { symbol: "BTCUSDT", tickSize: 0.1, sizeStep: 0.001, minSize: 0.001, minNotional: 5 };
const T = 1_800_000_000_000;

function position(side: "long" | "short", size: number): AccountPosition {
  return { symbol: "BTCUSDT", side, size, avgPrice: 100, leverage: 5, marginMode: "crossed", unrealisedPnl: 0 };
}

/** An account whose orders close the matching position at once, or are refused with `refuse`. */
function account(held: AccountPosition[], refuse: PlaceResult | null = null) {
  const sent: OrderRequest[] = [];
  const a: ClosingAccount = {
    positions: async () => held.map((p) => ({ ...p })),
    instrument: async (s) => (s === "BTCUSDT" ? BTC : null),
    broker: () =>
      ({
        place: async (o: OrderRequest) => {
          sent.push(o);
          if (refuse) return refuse;
          held = held.filter((p) => (p.side === "long" ? "sell" : "buy") !== o.side);
          return { ok: true, clientOid: o.clientOid };
        },
      }) as unknown as BitgetBroker,
  };
  return { a, sent };
}

describe("closeAtExchange", () => {
  it("sends one reduce-only market order against each side held and reads the position back", async () => {
    const { a, sent } = account([position("long", 0.118), position("short", 0.02)]);
    const r = await closeAtExchange(a, "BTCUSDT", T);
    expect(sent.map((o) => [o.side, o.size, o.type, o.reduceOnly])).toEqual([
      ["sell", 0.118, "market", true],
      ["buy", 0.02, "market", true],
    ]);
    expect(r).toMatchObject({ symbol: "BTCUSDT", remaining: 0 });
    expect(r.heldBefore).toBeCloseTo(0.098, 12);
    expect(r.orders.every((o) => o.ok)).toBe(true);
  });

  it("sends nothing when the exchange holds nothing", async () => {
    const { a, sent } = account([]);
    expect(await closeAtExchange(a, "BTCUSDT", T)).toEqual({
      symbol: "BTCUSDT",
      heldBefore: 0,
      orders: [],
      remaining: 0,
    });
    expect(sent).toEqual([]);
  });

  it("reports a refused close with its reason and what remains", async () => {
    const { a } = account([position("long", 0.5)], { ok: false, reason: "rate_limited", detail: "429" });
    const r = await closeAtExchange(a, "BTCUSDT", T);
    expect(r.orders).toMatchObject([{ ok: false, detail: "rate_limited: 429" }]);
    expect(r.remaining).toBe(0.5);
  });

  it("uses ids the engine never makes, within Bitget's 32 characters", () => {
    const id = closeClientOid("BTCUSDT", T, 0);
    expect(id).toMatch(/^[.A-Z:/a-z0-9_-]{1,32}$/);
    expect(parseClientOid(id)).toBeNull();
    expect(closeClientOid("BTCUSDT", T, 1)).not.toBe(id);
  });
});
