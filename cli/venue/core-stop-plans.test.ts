import { describe, expect, it } from "vitest";
import type { Instrument } from "../../shared/market/instrument";
import { type CoreResult, ExchangeCore, type ExchangeCoreState, type PlaceRules } from "./exchange-core";

const BTC: Instrument = { symbol: "BTCUSDT", tickSize: 0.1, sizeStep: 0.001, minSize: 0.001, minNotional: 5 };
const KEY = "key-1";
const BASE = { symbol: "BTCUSDT", productType: "USDT-FUTURES", marginMode: "crossed", marginCoin: "USDT" };

function venue() {
  let t = 1_700_000_000_000;
  const core = new ExchangeCore({
    instruments: [BTC],
    makerRate: 0.0002,
    takerRate: 0.0006,
    startingBalance: 10_000,
    now: () => t,
  });
  let id = 0;
  const trade = (price: number) =>
    core.onMarket({
      kind: "trade",
      symbol: "BTCUSDT",
      ts: (t += 100),
      price,
      size: 0.01,
      side: "sell",
      id: String(++id),
    });
  core.onMarket({ kind: "bookLevels", symbol: "BTCUSDT", ts: t, bids: [[27000, 5]], asks: [[27000.5, 5]], seq: "1" });
  trade(27000);
  const buy = (size: string, extra: Record<string, unknown> = {}) =>
    data(core.placeOrder(KEY, { ...BASE, side: "buy", orderType: "market", size, ...extra }));
  return { core, trade, buy };
}

const OPTS = { instruments: [BTC], makerRate: 0.0002, takerRate: 0.0006, startingBalance: 10_000, now: () => 0 };

/** The core as the venue rebuilds it from a JSON snapshot of `core` (its restart). */
function restarted(core: ExchangeCore, edit: (state: ExchangeCoreState) => ExchangeCoreState = (s) => s): ExchangeCore {
  return ExchangeCore.restore(edit(JSON.parse(JSON.stringify(core.getState()))), OPTS);
}

/** Places a stop plan for the long position at 26900 with `clientOid`, under the V2 rule or v3's (`whilePending`). */
function longStop(core: ExchangeCore, clientOid: string, clientOidUnique?: PlaceRules["clientOidUnique"]) {
  return core.placeStopPlan(KEY, {
    symbol: "BTCUSDT",
    holdSide: "long",
    triggerPrice: "26900",
    clientOid,
    clientOidUnique,
  });
}

/** A snapshot edit giving every account `stopClientOids: value` (undefined: no field, as before it was kept). */
function stopClientOidsAs(value: unknown) {
  return (state: ExchangeCoreState) => {
    for (const a of Object.values(state.accounts)) {
      const account = a as { stopClientOids?: unknown };
      if (value === undefined) delete account.stopClientOids;
      else account.stopClientOids = value;
    }
    return state;
  };
}

function data<T>(r: CoreResult<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.error)}`);
  return r.data;
}

function code<T>(r: CoreResult<T>): string {
  if (r.ok) throw new Error(`expected a refusal, got ${JSON.stringify(r.data)}`);
  return r.error.code;
}

describe("position stop-loss plans at the venue (docs/exchange-stops.md)", () => {
  it("shows an entry's preset stop as the position's stop plan once it fills", () => {
    const v = venue();
    v.buy("0.002", { presetStopLossPrice: "26900" });
    expect(v.core.stopPlans(KEY)).toMatchObject([
      {
        symbol: "BTCUSDT",
        holdSide: "long",
        triggerPrice: 26900,
        size: 0.002,
        orderId: expect.stringMatching(/^\d+$/),
      },
    ]);
  });

  it("replaces the position's stop with a placed one, and lists only that", () => {
    const v = venue();
    v.buy("0.002", { presetStopLossPrice: "26900" });
    const placed = data(
      v.core.placeStopPlan(KEY, { symbol: "BTCUSDT", holdSide: "long", triggerPrice: "26950.5", clientOid: "sl-1" }),
    );
    expect(placed).toEqual({ orderId: expect.stringMatching(/^\d+$/), clientOid: "sl-1" });
    expect(v.core.stopPlans(KEY)).toMatchObject([
      { orderId: placed.orderId, clientOid: "sl-1", triggerPrice: 26950.5 },
    ]);
  });

  it("refuses a stop without a position of that side (40757), one already reached (40917) and one off the tick (41103)", () => {
    const v = venue();
    const stop = (holdSide: string, triggerPrice: string) =>
      v.core.placeStopPlan(KEY, { symbol: "BTCUSDT", holdSide, triggerPrice, clientOid: null });
    expect(code(stop("long", "26900"))).toBe("40757");
    v.buy("0.002");
    expect(code(stop("short", "27100"))).toBe("40757");
    expect(code(stop("long", "27100"))).toBe("40917");
    expect(code(stop("long", "26900.05"))).toBe("41103");
    expect(v.core.stopPlans(KEY)).toEqual([]);
  });

  it("refuses a stop plan clientOid used before (43118): for ever by the V2 rule, only while its plan is pending by the v3 rule", () => {
    const v = venue();
    v.buy("0.002");
    data(longStop(v.core, "sl-a"));
    expect(code(longStop(v.core, "sl-a"))).toBe("43118");
    data(longStop(v.core, "sl-b"));
    // sl-a is no longer pending (sl-b replaced it): v3 takes it again, V2 never does.
    expect(code(longStop(v.core, "sl-a"))).toBe("43118");
    data(longStop(v.core, "sl-a", "whilePending"));
    expect(code(longStop(v.core, "sl-a", "whilePending"))).toBe("43118");
  });

  it("cancels a plan by id (then 43001 for it); the position is then bare and fire-stops leaves it", () => {
    const v = venue();
    v.buy("0.002", { presetStopLossPrice: "26900" });
    const [plan] = v.core.stopPlans(KEY);
    expect(
      data(v.core.cancelStopPlan(KEY, { symbol: "BTCUSDT", orderId: plan.orderId, clientOid: null })),
    ).toMatchObject({
      orderId: plan.orderId,
    });
    expect(code(v.core.cancelStopPlan(KEY, { symbol: "BTCUSDT", orderId: plan.orderId, clientOid: null }))).toBe(
      "43001",
    );
    expect(v.core.fireStops()).toBe(0);
    v.trade(26800);
    expect(data(v.core.positions(KEY))).toHaveLength(1);
  });

  it("fires a placed plan stop (fire-stops and a print through it), and the plan goes with the position", () => {
    const v = venue();
    v.buy("0.002");
    data(v.core.placeStopPlan(KEY, { symbol: "BTCUSDT", holdSide: "buy", triggerPrice: "26900", clientOid: null }));
    expect(v.core.fireStops("BTCUSDT")).toBe(1);
    expect(data(v.core.positions(KEY))).toEqual([]);
    expect(v.core.stopPlans(KEY)).toEqual([]);
    v.buy("0.002");
    data(v.core.placeStopPlan(KEY, { symbol: "BTCUSDT", holdSide: "long", triggerPrice: "26900", clientOid: null }));
    v.trade(26890);
    expect(data(v.core.positions(KEY))).toEqual([]);
    expect(v.core.stopPlans(KEY)).toEqual([]);
  });

  it("keeps the plan across a state snapshot (the venue's restart)", () => {
    const v = venue();
    v.buy("0.002", { presetStopLossPrice: "26900" });
    const before = v.core.stopPlans(KEY);
    expect(restarted(v.core).stopPlans(KEY)).toEqual(before);
  });

  it("still refuses a stop plan clientOid used before the venue's restart (43118), pending or replaced", () => {
    const v = venue();
    v.buy("0.002");
    data(longStop(v.core, "sl-a"));
    data(longStop(v.core, "sl-b"));
    const after = restarted(v.core);
    expect(code(longStop(after, "sl-a"))).toBe("43118");
    expect(code(longStop(after, "sl-b"))).toBe("43118");
    expect(code(longStop(after, "sl-b", "whilePending"))).toBe("43118");
    data(longStop(after, "sl-c"));
    expect(code(longStop(restarted(after), "sl-c"))).toBe("43118");
  });

  it("loads a snapshot from before stop clientOids were kept: the pending plans' clientOids are taken, others are free", () => {
    const v = venue();
    v.buy("0.002");
    data(longStop(v.core, "sl-old"));
    data(longStop(v.core, "sl-pending"));
    const after = restarted(v.core, stopClientOidsAs(undefined));
    expect(after.stopPlans(KEY)).toMatchObject([{ clientOid: "sl-pending" }]);
    expect(code(longStop(after, "sl-pending"))).toBe("43118");
    data(longStop(after, "sl-old"));
  });

  it("refuses a snapshot whose stop clientOids are not a list of strings, naming the account and the field", () => {
    const v = venue();
    v.buy("0.002");
    for (const bad of ["sl-a", [1]])
      expect(() => restarted(v.core, stopClientOidsAs(bad))).toThrow(
        /account key-1: stopClientOids must be a list of strings/,
      );
  });
});
