/**
 * The live {@link SymbolRunner} over the account factory's broker on the local venue, both account
 * systems (Classic V2 and UTA v3): what the runner decides that the exchange sees (issue #14
 * follow-ups: a foreign fill while flat adopts the exchange's position; stop clientOids across restarts).
 */
import { afterEach, describe, expect, it } from "vitest";
import { netPosition } from "../../shared/exchange/bitget/bitget-account";
import type { AccountMode } from "../../shared/exchange/bitget/account-mode";
import type { Fill, OrderRequest } from "../../shared/execution/orders";
import type { MarketEvent } from "../../shared/market/events";
import type { Instrument } from "../../shared/market/instrument";
import type { JournalStatus } from "../../shared/runner/ports";
import { netExchangePosition } from "../../shared/runner/recovery";
import { SymbolRunner, type SymbolRunnerState } from "../../shared/runner/symbol-runner";
import { OPEN_LIVE, versioned } from "../../shared/runner/testing/live-fixture";
import { type AccountHarness, accountBrokerHarness } from "./uta-venue-harness";
import { waitUntil } from "./venue-harness";

const BTC: Instrument = { symbol: "BTCUSDT", tickSize: 0.1, sizeStep: 0.001, minSize: 0.001, minNotional: 5 };
const T0 = 1_700_000_000_000;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A book around `mid` and a trade at it, at `ts`. */
function market(mid: number, ts: number): MarketEvent[] {
  return [
    { kind: "bookLevels", symbol: "BTCUSDT", ts, bids: [[mid - 0.1, 5]], asks: [[mid + 0.1, 5]], seq: String(ts) },
    { kind: "trade", symbol: "BTCUSDT", ts: ts + 1, price: mid, size: 0.01, side: "buy", id: `t${ts}` },
  ];
}

/** A live runner on the harness's broker (orders and stops), from `state` as after a restart. */
function runnerOn(h: AccountHarness, state: SymbolRunnerState | null, approve = false): SymbolRunner {
  const rows = new Map<string, JournalStatus>();
  return new SymbolRunner(
    {
      symbol: "BTCUSDT",
      config: versioned(OPEN_LIVE),
      portfolio: {
        requestEntry: () =>
          approve
            ? { ok: true, reservationId: "r1", correlation: null, correlated: false }
            : { ok: false, reason: "calls_pending", detail: "this test trades by hand" },
        confirmOpen: () => {},
        releaseReservation: () => {},
        reportClose: () => {},
      },
      equity: { now: () => 10_000 },
      live: {
        orders: () => h.broker,
        instrument: () => h.instrument,
        onEvent: (e) => h.broker.onEvent(e),
        stops: () => h.broker,
        positions: () => h.account.positions("BTCUSDT"),
      },
      journal: {
        sending: (req) => void rows.set(req.clientOid, "sending"),
        status: (oid) => rows.get(oid) ?? null,
        update: (oid, status) => void rows.set(oid, status),
      },
    },
    state,
  );
}

/** A market order at the venue that is not the runner's (a manual order); its fills. */
async function manual(
  h: AccountHarness,
  clientOid: string,
  size: number,
  ts: number,
  side: "buy" | "sell" = "buy",
  reduceOnly = false,
): Promise<Fill[]> {
  const req: OrderRequest = { clientOid, symbol: "BTCUSDT", side, type: "market", size, reduceOnly, ts };
  const before = h.fills.length;
  expect((await h.broker.place(req)).ok).toBe(true);
  const filled = () => h.fills.slice(before).reduce((a, f) => a + f.size, 0) >= size - 1e-9;
  for (let i = 0; i < 50 && !filled(); i++) await h.settle?.();
  expect(filled()).toBe(true);
  return h.fills.slice(before);
}

const held = async (h: AccountHarness) => netPosition(await h.account.positions("BTCUSDT"), "BTCUSDT");

for (const mode of ["classic", "uta"] as const satisfies readonly AccountMode[]) {
  describe(`the live runner on the venue, ${mode} key`, () => {
    it("adopts the venue's position, not the fill, when a foreign fill finds it flat: the whole size at the venue's average, with a stop there", async () => {
      const h = await accountBrokerHarness(BTC, mode, "rest");
      cleanups.push(() => h.close?.());
      await h.feed(market(1000, T0));
      // Two manual orders; the runner hears only the second one's fill (the first push was missed).
      await manual(h, "manual-a", 0.01, T0 + 2);
      await h.feed(market(1010, T0 + 5));
      const late = await manual(h, "manual-b", 0.02, T0 + 7);
      const runner = runnerOn(h, null);
      runner.onEvent(market(1010, T0 + 8)[1]);
      for (const f of late) runner.onLiveFill(f);
      await waitUntil("adopted", () => runner.recovery.orphansAdopted === 1);
      const [venue] = await h.account.positions("BTCUSDT");
      const position = runner.engineStatus()?.position;
      expect(position).toMatchObject({ side: "long", size: 0.03 });
      expect(position?.entryPrice).toBeCloseTo(venue.avgPrice, 6);
      expect(position?.fees).toBeCloseTo(
        late.reduce((a, f) => a + f.fee, 0),
        9,
      );
      await waitUntil("the stop placed", () => runner.safety.stopsPlaced === 1);
      const plans = await h.broker.stops("BTCUSDT");
      expect(plans).toMatchObject([{ side: "long" }]);
      expect(Math.abs(plans[0].triggerPrice - (position?.stopLoss ?? 0))).toBeLessThanOrEqual(BTC.tickSize + 1e-9);
    }, 30_000);

    it("opens nothing when a foreign fill that closed a position it never knew finds it flat: the venue holds nothing, no order or stop is sent", async () => {
      const h = await accountBrokerHarness(BTC, mode, "rest");
      cleanups.push(() => h.close?.());
      await h.feed(market(1000, T0));
      await manual(h, "manual-open", 0.02, T0 + 2);
      const closing = await manual(h, "manual-close", 0.02, T0 + 4, "sell", true);
      expect(await held(h)).toBe(0);
      const runner = runnerOn(h, null);
      runner.onEvent(market(1000, T0 + 5)[1]);
      const ordersBefore = h.fills.length;
      for (const f of closing) runner.onLiveFill(f);
      await waitUntil("the fill settled", () => runner.entryRefusal === null);
      expect(runner.engineStatus()?.phase ?? "flat").toBe("flat");
      expect(runner.recovery).toMatchObject({ orphansAdopted: 0, orphansClosed: 0 });
      expect(runner.safety.stopsPlaced + runner.safety.stopFailures).toBe(0);
      await h.settle?.();
      expect(h.fills.length).toBe(ordersBefore);
      expect(await held(h)).toBe(0);
    }, 30_000);

    it("merges a manual same-side order that fills while its own entry works: once the entry's fill arrives it holds what the venue holds, with one stop there", async () => {
      const h = await accountBrokerHarness(BTC, mode, "rest");
      cleanups.push(() => h.close?.());
      await h.feed(market(1000, T0));
      const runner = runnerOn(h, null, true);
      // A calm market around the venue's price (the runner's only) until the engine enters.
      for (let k = 0; k < 400 && (runner.engineStatus()?.phase ?? "flat") === "flat"; k++) {
        const price = 1000 + (k % 7) * 0.01 + k * 0.002;
        runner.onEvent({
          kind: "trade",
          symbol: "BTCUSDT",
          ts: T0 + 10 + k * 500,
          price,
          size: 0.01,
          side: k % 3 ? "buy" : "sell",
          id: `r${k}`,
        });
      }
      expect(runner.engineStatus()?.phase).toBe("entering");
      const [entryOid] = runner.workingOrders();
      // The entry fills at the venue; its fill has not reached the runner yet when a manual order fills.
      const entryFills = () => h.fills.filter((f) => f.clientOid === entryOid);
      for (let i = 0; i < 50 && !entryFills().some((f) => f.final); i++) await h.settle?.();
      const own = entryFills();
      expect(own.length).toBeGreaterThan(0);
      const side = own[0].side;
      for (const f of await manual(h, "manual-same-side", 0.01, T0 + 300_000, side)) runner.onLiveFill(f);
      expect(runner.engineStatus()?.phase).toBe("entering");
      for (const f of own) runner.onLiveFill(f);

      const venue = await held(h);
      const position = runner.engineStatus()?.position;
      expect(position?.size).toBeCloseTo(Math.abs(venue), 9);
      expect(position?.side).toBe(venue > 0 ? "long" : "short");
      expect(runner.reconcile(venue)).toEqual({ ok: true, checked: true });
      await waitUntil("the stop checked", () => runner.safety.stopsPlaced + runner.safety.stopsVerified > 0);
      const plans = await h.broker.stops("BTCUSDT");
      expect(plans).toHaveLength(1);
      expect(plans[0].side).toBe(position?.side);
    }, 30_000);

    it("re-arms the exchange-side stop after restarts with no market event between them: every stop clientOid is new, none is refused as a repeat", async () => {
      const h = await accountBrokerHarness(BTC, mode, "rest");
      cleanups.push(() => h.close?.());
      await h.feed(market(1000, T0));
      await manual(h, "manual-open", 0.01, T0 + 2);

      // The first incarnation adopts the position (as recovery does) and its guard places the stop.
      const first = runnerOn(h, null);
      first.onEvent(market(1000, T0 + 3)[1]);
      const position = netExchangePosition(
        (await h.account.positions("BTCUSDT")).map((p) => ({ side: p.side, size: p.size, avgPrice: p.avgPrice })),
        BTC.minSize,
      );
      expect(first.recoverPosition(position, "adopt", T0 + 3)).toMatchObject({ kind: "orphanAdopted", size: 0.01 });
      await waitUntil("the first stop placed", () => first.safety.stopsPlaced === 1);
      let state: SymbolRunnerState = JSON.parse(JSON.stringify(first.getState()));

      // Twice: a restart, then a manual add (higher: the average and the engine's stop move) while the
      // earlier stop is still pending; the restarted runner must replace it, before any new market event.
      for (const [i, mid] of [1010, 1020].entries()) {
        const again = runnerOn(h, state);
        await h.feed(market(mid, T0 + 10 * (i + 1)));
        for (const f of await manual(h, `manual-add-${i}`, 0.01, T0 + 10 * (i + 1) + 2)) again.onLiveFill(f);
        await waitUntil("the stop replaced or refused", () => again.safety.stopsPlaced + again.safety.stopFailures > 0);
        expect(again.safety).toMatchObject({ stopsPlaced: 1, stopFailures: 0 });
        const stopLoss = again.engineStatus()?.position?.stopLoss ?? Number.NaN;
        const plans = await h.broker.stops("BTCUSDT");
        expect(plans).toHaveLength(1);
        expect(Math.abs(plans[0].triggerPrice - stopLoss)).toBeLessThanOrEqual(BTC.tickSize + 1e-9);
        state = JSON.parse(JSON.stringify(again.getState()));
      }
      expect(await held(h)).toBeCloseTo(0.03, 9);
    }, 30_000);
  });
}
