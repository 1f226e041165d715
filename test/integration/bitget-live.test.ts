import { afterEach, describe, expect, it } from "vitest";
import { NodeSocketPort } from "../../cli/node-socket";
import { DEFAULT_CREDENTIALS, startVenue, type Venue } from "../../cli/venue/server";
import { BitgetLive } from "../../shared/exchange/bitget/bitget-live";
import type { BitgetCredentials } from "../../shared/exchange/bitget/rest-transport";
import type { Fill } from "../../shared/execution/orders";
import type { Instrument } from "../../shared/market/instrument";
import { venueEndpoints } from "./uta-venue-harness";
import { admin, pushesOf, realClock, realTimers, waitUntil } from "./venue-harness";

const BTC: Instrument = { symbol: "BTCUSDT", tickSize: 0.1, sizeStep: 0.001, minSize: 0.001, minNotional: 5 };
const T0 = 1_700_000_000_000;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function venueOf(mode: "classic" | "uta"): Promise<Venue> {
  const venue = await startVenue({ manual: { instruments: [BTC] }, accountMode: mode, log: () => {} });
  cleanups.push(() => venue.close());
  const top = {
    kind: "bookTop",
    symbol: "BTCUSDT",
    ts: T0,
    seq: "1",
    bidPrice: 999.9,
    bidSize: 1,
    askPrice: 1000.1,
    askSize: 1,
  } as const;
  await admin(venue, "/market", pushesOf([top], BTC));
  return venue;
}

function live(venue: Venue, symbol = "BTCUSDT", credentials: BitgetCredentials = DEFAULT_CREDENTIALS) {
  const fills: Fill[] = [];
  const errors: string[] = [];
  const l = new BitgetLive({
    symbol,
    endpoints: venueEndpoints(venue),
    credentials,
    onFill: (f) => fills.push(f),
    onBackgroundError: (what, e) => errors.push(`${what}: ${String(e)}`),
    socket: new NodeSocketPort(),
    clock: realClock,
    timers: realTimers,
    random: Math.random,
    backoff: { initialMs: 50, maxMs: 200 },
  });
  cleanups.push(() => l.stop());
  return { l, fills, errors };
}

describe("BitgetLive at the venue", () => {
  it.each(["uta", "classic"] as const)(
    "starts on a %s key, trades, and reports the net position and the account",
    async (mode) => {
      const venue = await venueOf(mode);
      const { l, fills, errors } = live(venue);
      const started = await l.start();
      if (!started.ok) throw new Error(started.reason);
      expect(started.account.accountMode).toBe(mode);
      await waitUntil("the private feed is ready", () => l.feedHealth()?.state === "ready");
      const placed = await started.broker.place({
        clientOid: "live-1",
        symbol: "BTCUSDT",
        side: "buy",
        type: "market",
        size: 0.01,
        reduceOnly: false,
        ts: T0,
      });
      expect(placed.ok).toBe(true);
      expect(await l.reconcile()).toBeCloseTo(0.01, 9);
      await waitUntil("the fill is delivered", () => fills.length === 1);
      expect(fills[0]).toMatchObject({ clientOid: "live-1", size: 0.01, final: true });
      expect(await l.summary()).toMatchObject({ accountMode: mode, trading: "live", holdMode: "one_way_mode" });
      expect(errors).toEqual([]);
    },
  );

  it.each(["uta", "classic"] as const)(
    "reports a read the %s broker skipped while reconciling as a background error, naming what it read",
    async (mode) => {
      const venue = await venueOf(mode);
      const { l, errors } = live(venue);
      const started = await l.start();
      if (!started.ok) throw new Error(started.reason);
      await waitUntil("the private feed is ready", () => l.feedHealth()?.state === "ready");
      await admin(venue, "/faults", { "rest-5xx": 1 });
      // The position read fails too: the reconcile rejects, and the broker's skipped read is reported.
      await expect(l.reconcile()).rejects.toThrow(/server error/);
      expect(errors).toContainEqual(
        expect.stringMatching(
          /^broker reconcile: open orders of BTCUSDT: BitgetError: Bitget server error .*code 40015/,
        ),
      );
      expect(started.broker.failedReads).toBeGreaterThanOrEqual(1);
    },
  );

  it("refuses to start on a key the venue does not know, naming the code, and tries again on the next start", async () => {
    const venue = await venueOf("uta");
    const { l } = live(venue, "BTCUSDT", { apiKey: "nobody", apiSecret: "nobody-secret", passphrase: "nobody-pass" });
    const r = await l.start();
    expect(r).toMatchObject({ ok: false, accountMode: { code: "40006" } });
    if (r.ok) return;
    expect(r.reason).toMatch(/^live trading refused: .*code 40006/);
    expect(r.reason).not.toContain("nobody-secret");
    expect(l.broker).toBeNull();
    expect(await l.start()).toMatchObject({ ok: false });
  });

  it("refuses to start on a symbol the account has no contract for", async () => {
    const venue = await venueOf("uta");
    const { l } = live(venue, "ETHUSDT");
    expect(await l.start()).toEqual({
      ok: false,
      reason: "live trading refused: the uta account has no USDT-M contract ETHUSDT",
      accountMode: null,
    });
  });
});
