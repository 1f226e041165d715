import { describe, expect, it } from "vitest";
import { EdgeGuardConfig } from "../config/edge-guard";
import { PortfolioConfig } from "../config/schema";
import { randomWalk } from "../indicators/testing/indicator-contract";
import { ReturnCorrelation } from "./correlation";
import { DAY_MS } from "./daily-loss";
import { Portfolio } from "./portfolio";
import type { PortfolioSettings } from "./portfolio-types";
import { mulberry32 } from "../research/prng";

const BTC = "BTCUSDT";
const T0 = Date.UTC(2024, 0, 1, 12);
const LATER = T0 + 20 * 60_000;

const settings = (o: Partial<PortfolioSettings> = {}): PortfolioSettings => PortfolioConfig.parse(o);
const make = (o: Partial<PortfolioSettings> = {}, startEquity = 1_000) =>
  new Portfolio(settings(o), { startEquity, now: T0 });

/** 15+ minutes of 5 s prices through markPrice: `correlated` alts follow BTC, `independent` ones walk alone. */
function warm(p: Portfolio, correlated: readonly string[], independent: readonly string[]): void {
  const slots = 185;
  const btc = randomWalk(slots, 1, 40_000);
  const alone = independent.map((_, k) => randomWalk(slots, 100 + k, 5));
  for (let i = 0; i < slots; i++) {
    const ts = T0 + i * 5_000 + 100;
    p.markPrice(BTC, btc[i], ts);
    correlated.forEach((s, k) => p.markPrice(s, btc[i] / (10 + k), ts));
    independent.forEach((s, k) => p.markPrice(s, alone[k][i], ts));
  }
}

/** Requests and fills a position; fails the test if either is refused. */
function open(
  p: Portfolio,
  symbol: string,
  ts: number,
  entryPrice = 100,
  size = 1,
  side: "long" | "short" = "long",
): void {
  const d = p.requestEntry({ symbol, side, notional: entryPrice * size, ts });
  if (!d.ok) throw new Error(`entry refused: ${d.reason} ${d.detail}`);
  expect(p.confirmOpen(d.reservationId, { entryPrice, size, side, ts })).toEqual({ ok: true, symbol });
}

const held = (p: Portfolio) => {
  const s = p.snapshot();
  return s.openPositions.length + s.reservations.length;
};

describe("Portfolio position limit", () => {
  it("denies an entry at the maximum number of positions, counting reservations", () => {
    const p = make({ maxBtcCorrelated: 100 });
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const d = p.requestEntry({ symbol: `S${i}USDT`, side: "long", notional: 100, ts: T0 });
      expect(d.ok).toBe(true);
      if (d.ok) ids.push(d.reservationId);
    }
    ids.slice(0, 5).forEach((id) => p.confirmOpen(id, { entryPrice: 1, size: 100, side: "long" }));
    expect(p.requestEntry({ symbol: "S10USDT", side: "long", notional: 100, ts: T0 })).toMatchObject({
      ok: false,
      reason: "max_positions",
    });
    expect(p.releaseReservation(ids[9])).toBe(true);
    expect(p.requestEntry({ symbol: "S10USDT", side: "long", notional: 100, ts: T0 }).ok).toBe(true);
  });

  it("never exceeds the limit under 10 interleaved requests", () => {
    const p = make({ maxBtcCorrelated: 100 });
    for (let i = 0; i < 7; i++) open(p, `OPEN${i}USDT`, T0);
    const outcomes = Array.from({ length: 10 }, (_, i) => {
      const d = p.requestEntry({ symbol: `NEW${i}USDT`, side: i % 2 ? "short" : "long", notional: 50, ts: T0 + i });
      if (d.ok && i % 2 === 0) p.confirmOpen(d.reservationId, { entryPrice: 10, size: 5, side: "long", ts: T0 + i });
      expect(held(p)).toBeLessThanOrEqual(10);
      return d.ok ? "ok" : d.reason;
    });
    expect(outcomes.filter((o) => o === "ok")).toHaveLength(3);
    expect(outcomes.filter((o) => o === "max_positions")).toHaveLength(7);
  });

  it("never exceeds the limit over a long seeded interleaving of requests, fills, releases and closes", () => {
    const p = make({ maxBtcCorrelated: 100, cooldownAfterStopLosses: 0 });
    const rand = mulberry32(42);
    const pending: string[] = [];
    let peak = 0;
    let refusedAtLimit = 0;
    for (let i = 0; i < 3_000; i++) {
      const ts = T0 + i * 10;
      const u = rand();
      if (u < 0.45) {
        const d = p.requestEntry({ symbol: `S${Math.floor(rand() * 25)}USDT`, side: "long", notional: 10, ts });
        if (d.ok) pending.push(d.reservationId);
        else if (d.reason === "max_positions") refusedAtLimit++;
      } else if (u < 0.65 && pending.length > 0) {
        p.confirmOpen(pending.splice(Math.floor(rand() * pending.length), 1)[0], {
          entryPrice: 1,
          size: 10,
          side: "long",
          ts,
        });
      } else if (u < 0.75 && pending.length > 0) {
        p.releaseReservation(pending.splice(Math.floor(rand() * pending.length), 1)[0]);
      } else {
        const positions = p.snapshot().openPositions;
        if (positions.length > 0)
          p.closePosition(positions[Math.floor(rand() * positions.length)].symbol, {
            netPnl: 0,
            exitReason: "take_profit",
            ts,
          });
      }
      const n = held(p);
      expect(n).toBeLessThanOrEqual(10);
      peak = Math.max(peak, n);
    }
    expect(peak).toBe(10);
    expect(refusedAtLimit).toBeGreaterThan(0);
  });

  it("refuses a second entry on a symbol that is open or pending", () => {
    const p = make();
    const d = p.requestEntry({ symbol: "ETHUSDT", side: "long", notional: 10, ts: T0 });
    expect(p.requestEntry({ symbol: "ETHUSDT", side: "short", notional: 10, ts: T0 })).toMatchObject({
      ok: false,
      reason: "already_open",
    });
    if (d.ok) p.confirmOpen(d.reservationId, { entryPrice: 1, size: 10, side: "long" });
    expect(p.requestEntry({ symbol: "ETHUSDT", side: "long", notional: 10, ts: T0 })).toMatchObject({
      ok: false,
      reason: "already_open",
    });
  });

  it("frees reservations made before a time", () => {
    const p = make();
    const a = p.requestEntry({ symbol: "AUSDT", side: "long", notional: 10, ts: T0 });
    const b = p.requestEntry({ symbol: "BUSDT", side: "long", notional: 10, ts: T0 + 5_000 });
    expect(p.releaseReservationsBefore(T0 + 3_000)).toEqual([a.ok && a.reservationId]);
    expect(p.snapshot().reservations.map((r) => r.id)).toEqual([b.ok && b.reservationId]);
  });

  it("still opens the position of an expired reservation confirmed late, and books its later close", () => {
    const p = make();
    const late = p.requestEntry({ symbol: "AUSDT", side: "long", notional: 10, ts: T0 });
    if (!late.ok) throw new Error("refused");
    p.releaseReservationsBefore(T0 + 200_000);
    expect(p.snapshot().reservations).toEqual([]);
    expect(p.confirmOpen(late.reservationId, { entryPrice: 10, size: 1, side: "long", ts: T0 + 1_000 })).toEqual({
      ok: true,
      symbol: "AUSDT",
    });
    expect(p.snapshot().openPositions.map((x) => x.symbol)).toEqual(["AUSDT"]);
    expect(p.closePosition("AUSDT", { netPnl: -7, exitReason: "stop_loss", ts: T0 + 300_000 }).ok).toBe(true);
    expect(p.snapshot().realisedEquity).toBe(1_000 - 7);
    expect(p.confirmOpen(late.reservationId, { entryPrice: 10, size: 1, side: "long" }).ok).toBe(false);
  });

  it("remembers expired reservations across a restore, and forgets them once released", () => {
    const p = make();
    const a = p.requestEntry({ symbol: "AUSDT", side: "long", notional: 10, ts: T0 });
    const b = p.requestEntry({ symbol: "BUSDT", side: "long", notional: 10, ts: T0 });
    if (!a.ok || !b.ok) throw new Error("refused");
    p.releaseReservationsBefore(T0 + 1);
    const back = Portfolio.restore(JSON.parse(JSON.stringify(p.getState())));
    expect(back.releaseReservation(b.reservationId)).toBe(true);
    expect(back.confirmOpen(b.reservationId, { entryPrice: 1, size: 1, side: "long" }).ok).toBe(false);
    expect(back.confirmOpen(a.reservationId, { entryPrice: 1, size: 1, side: "long" }).ok).toBe(true);
  });

  it("does not let a late confirm replace a newer position of the same symbol", () => {
    const p = make();
    const old = p.requestEntry({ symbol: "AUSDT", side: "long", notional: 10, ts: T0 });
    if (!old.ok) throw new Error("refused");
    p.releaseReservationsBefore(T0 + 1);
    open(p, "AUSDT", T0 + 2, 20, 2);
    expect(p.confirmOpen(old.reservationId, { entryPrice: 10, size: 1, side: "long" })).toMatchObject({ ok: false });
    expect(p.snapshot().openPositions).toMatchObject([{ symbol: "AUSDT", entryPrice: 20, size: 2 }]);
  });
});

describe("Portfolio daily loss limit", () => {
  it("denies an entry at the daily loss limit, counting unrealised losses", () => {
    const p = make();
    open(p, BTC, T0, 100, 10);
    expect(p.markPrice(BTC, 85.01, T0 + 1_000)).toBe("ACTIVE");
    const probe = p.requestEntry({ symbol: "ETHUSDT", side: "long", notional: 10, ts: T0 + 1_000 });
    expect(probe.ok).toBe(true);
    if (probe.ok) p.releaseReservation(probe.reservationId);
    expect(p.markPrice(BTC, 85, T0 + 2_000)).toBe("HALTED");
    expect(p.requestEntry({ symbol: "ETHUSDT", side: "long", notional: 10, ts: T0 + 3_000 })).toMatchObject({
      ok: false,
      reason: "daily_loss_limit",
    });
    expect(p.snapshot()).toMatchObject({
      realisedToday: 0,
      unrealised: -150,
      dailyPnl: -150,
      dailyPnlPct: -15,
      dailyLossLimit: 150,
      tradingState: "HALTED",
    });
  });

  it("adds realised losses to unrealised ones, net of the entry fee", () => {
    const p = make();
    open(p, "ETHUSDT", T0, 100, 1);
    const d = p.requestEntry({ symbol: "SOLUSDT", side: "short", notional: 500, ts: T0 });
    if (d.ok) p.confirmOpen(d.reservationId, { entryPrice: 50, size: 10, side: "short", entryFee: 1 });
    p.closePosition("ETHUSDT", { netPnl: -100, exitReason: "stop_loss", ts: T0 + 1_000 });
    expect(p.markPrice("SOLUSDT", 54.875, T0 + 2_000)).toBe("ACTIVE");
    expect(p.snapshot().unrealised).toBe(-49.75);
    expect(p.markPrice("SOLUSDT", 55, T0 + 3_000)).toBe("HALTED");
    expect(p.snapshot()).toMatchObject({ realisedToday: -100, realisedEquity: 900 });
  });

  it("flags flatten when configured", () => {
    const on = make({ flattenOnDailyLimit: true });
    const off = make();
    for (const p of [on, off]) {
      open(p, BTC, T0, 100, 10);
      expect(p.requiresFlatten).toBe(false);
      p.markPrice(BTC, 80, T0 + 1_000);
    }
    expect(on.requiresFlatten).toBe(true);
    expect(on.snapshot().requiresFlatten).toBe(true);
    expect(off.tradingState).toBe("HALTED");
    expect(off.requiresFlatten).toBe(false);
  });

  it("stays halted for the rest of the day when equity recovers", () => {
    const p = make();
    open(p, BTC, T0, 100, 10);
    p.markPrice(BTC, 80, T0 + 1_000);
    p.markPrice(BTC, 120, T0 + 2_000);
    expect(p.tradingState).toBe("HALTED");
    expect(p.tradingReason).toContain("daily loss limit");
  });

  it("resets at the next UTC day, starting it at the equity of its first event", () => {
    const p = make({ flattenOnDailyLimit: true });
    open(p, BTC, T0, 100, 10);
    p.markPrice(BTC, 85, T0 + 1_000);
    const midnight = Date.UTC(2024, 0, 2);
    expect(p.markPrice(BTC, 84, midnight - 1)).toBe("HALTED");
    expect(p.markPrice(BTC, 80, midnight)).toBe("ACTIVE");
    expect(p.requiresFlatten).toBe(false);
    expect(p.snapshot()).toMatchObject({ dayStartEquity: 840, dailyPnl: -40, equity: 800 });
    expect(p.requestEntry({ symbol: "ETHUSDT", side: "long", notional: 10, ts: midnight + 1 }).ok).toBe(true);
  });

  it("takes the day from event times and never moves the clock back", () => {
    const p = make();
    open(p, BTC, T0, 100, 10);
    p.markPrice(BTC, 85, T0 + 1_000);
    p.markPrice(BTC, 85, T0 + DAY_MS);
    expect(p.tradingState).toBe("ACTIVE");
    p.markPrice(BTC, 60, T0 - 5_000);
    expect(p.tradingState).toBe("HALTED");
    expect(p.snapshot().ts).toBe(T0 + DAY_MS);
  });
});

describe("Portfolio BTC correlation limit", () => {
  const followers = ["ETHUSDT", "SOLUSDT", "XRPUSDT", "DOGEUSDT"];

  it("denies a fourth BTC-correlated position", () => {
    const p = make();
    warm(p, followers, []);
    for (const s of followers.slice(0, 3)) {
      const d = p.requestEntry({ symbol: s, side: "long", notional: 10, ts: LATER });
      expect(d).toMatchObject({ ok: true, correlated: true });
      if (d.ok) expect(d.correlation).toBeCloseTo(1, 9);
    }
    expect(p.requestEntry({ symbol: "DOGEUSDT", side: "short", notional: 10, ts: LATER })).toMatchObject({
      ok: false,
      reason: "btc_correlation",
    });
  });

  it("counts BTC itself as correlated", () => {
    const p = make();
    warm(p, followers, []);
    open(p, BTC, LATER);
    open(p, "ETHUSDT", LATER);
    open(p, "SOLUSDT", LATER);
    expect(p.requestEntry({ symbol: "XRPUSDT", side: "long", notional: 10, ts: LATER })).toMatchObject({
      ok: false,
      reason: "btc_correlation",
    });
  });

  it("treats a symbol without enough data as correlated", () => {
    const p = make();
    warm(p, [], ["LINKUSDT"]);
    for (const s of ["NEW1USDT", "NEW2USDT", "NEW3USDT"]) {
      expect(p.requestEntry({ symbol: s, side: "long", notional: 10, ts: LATER })).toMatchObject({
        ok: true,
        correlation: null,
        correlated: true,
      });
    }
    const d = p.requestEntry({ symbol: "NEW4USDT", side: "long", notional: 10, ts: LATER });
    expect(d).toMatchObject({ ok: false, reason: "btc_correlation" });
    expect(!d.ok && d.detail).toContain("unknown");
  });

  it("allows an uncorrelated symbol beyond the correlation limit", () => {
    const p = make();
    warm(p, followers, ["LINKUSDT"]);
    followers.slice(0, 3).forEach((s) => open(p, s, LATER));
    const d = p.requestEntry({ symbol: "LINKUSDT", side: "long", notional: 10, ts: LATER });
    expect(d).toMatchObject({ ok: true, correlated: false });
    if (d.ok) expect(Math.abs(d.correlation as number)).toBeLessThan(0.7);
  });

  it("frees a correlated slot when a correlated position closes", () => {
    const p = make();
    warm(p, followers, []);
    followers.slice(0, 3).forEach((s) => open(p, s, LATER));
    p.closePosition("ETHUSDT", { netPnl: 1, exitReason: "take_profit", ts: LATER + 1 });
    expect(p.requestEntry({ symbol: "DOGEUSDT", side: "long", notional: 10, ts: LATER + 2 }).ok).toBe(true);
  });
});

describe("Portfolio stop-loss cooldown", () => {
  const cycle = (p: Portfolio, exitReason: "stop_loss" | "take_profit", ts: number) => {
    open(p, "ETHUSDT", ts);
    return p.closePosition("ETHUSDT", { netPnl: exitReason === "stop_loss" ? -1 : 1, exitReason, ts: ts + 1_000 });
  };

  it("cools down a symbol after 3 consecutive stop-losses and not after 2 + a take-profit", () => {
    const cooled = make({ cooldownMs: 300_000 });
    cycle(cooled, "stop_loss", T0);
    cycle(cooled, "stop_loss", T0 + 10_000);
    expect(cycle(cooled, "stop_loss", T0 + 20_000)).toEqual({
      ok: true,
      symbol: "ETHUSDT",
      stopLossStreak: 0,
      cooldownUntil: T0 + 321_000,
    });
    expect(cooled.requestEntry({ symbol: "ETHUSDT", side: "long", notional: 10, ts: T0 + 30_000 })).toMatchObject({
      ok: false,
      reason: "cooldown",
    });
    expect(cooled.snapshot().cooldowns).toEqual([{ symbol: "ETHUSDT", until: T0 + 321_000 }]);

    const fine = make({ cooldownMs: 300_000 });
    cycle(fine, "stop_loss", T0);
    cycle(fine, "stop_loss", T0 + 10_000);
    expect(cycle(fine, "take_profit", T0 + 20_000)).toMatchObject({ stopLossStreak: 0, cooldownUntil: null });
    expect(fine.requestEntry({ symbol: "ETHUSDT", side: "long", notional: 10, ts: T0 + 30_000 }).ok).toBe(true);
  });

  it("allows the symbol again when the cooldown ends, and other symbols throughout", () => {
    const p = make({ cooldownMs: 300_000 });
    for (let i = 0; i < 3; i++) cycle(p, "stop_loss", T0 + i * 10_000);
    expect(p.requestEntry({ symbol: "SOLUSDT", side: "long", notional: 10, ts: T0 + 30_000 }).ok).toBe(true);
    expect(p.requestEntry({ symbol: "ETHUSDT", side: "long", notional: 10, ts: T0 + 320_999 })).toMatchObject({
      ok: false,
      reason: "cooldown",
    });
    expect(p.requestEntry({ symbol: "ETHUSDT", side: "long", notional: 10, ts: T0 + 321_000 }).ok).toBe(true);
  });
});

describe("Portfolio operator controls", () => {
  it("halts, reduces and resumes with the operator's reason", () => {
    const p = make();
    p.halt("exchange maintenance");
    expect([p.tradingState, p.tradingReason]).toEqual(["HALTED", "exchange maintenance"]);
    expect(p.requestEntry({ symbol: "ETHUSDT", side: "long", notional: 10, ts: T0 })).toEqual({
      ok: false,
      reason: "halted",
      detail: "exchange maintenance",
    });
    p.reduce("winding down");
    expect([p.tradingState, p.tradingReason]).toEqual(["REDUCING", "winding down"]);
    expect(p.requestEntry({ symbol: "ETHUSDT", side: "long", notional: 10, ts: T0 })).toMatchObject({
      ok: false,
      reason: "reducing",
    });
    p.resume();
    expect([p.tradingState, p.tradingReason]).toEqual(["ACTIVE", null]);
    expect(p.requestEntry({ symbol: "ETHUSDT", side: "long", notional: 10, ts: T0 }).ok).toBe(true);
  });

  it("still records fills and exits while halted or reducing", () => {
    const p = make();
    const d = p.requestEntry({ symbol: "ETHUSDT", side: "long", notional: 10, ts: T0 });
    p.halt("stop");
    expect(d.ok && p.confirmOpen(d.reservationId, { entryPrice: 10, size: 1, side: "long" })).toEqual({
      ok: true,
      symbol: "ETHUSDT",
    });
    p.reduce();
    expect(p.closePosition("ETHUSDT", { netPnl: 2, exitReason: "take_profit", ts: T0 + 1 }).ok).toBe(true);
    expect(p.equity).toBe(1_002);
  });

  it("keeps a daily-limit halt through resume, and an operator halt through a new day", () => {
    const p = make();
    open(p, BTC, T0, 100, 10);
    p.markPrice(BTC, 80, T0 + 1_000);
    p.resume();
    expect(p.tradingState).toBe("HALTED");
    p.halt("by hand");
    p.markPrice(BTC, 80, T0 + DAY_MS);
    expect([p.tradingState, p.tradingReason]).toEqual(["HALTED", "by hand"]);
    p.resume();
    expect(p.tradingState).toBe("ACTIVE");
  });
});

describe("Portfolio state", () => {
  it("round-trips its state through JSON and continues identically", () => {
    const a = make({ cooldownMs: 60_000 });
    warm(a, ["ETHUSDT"], ["LINKUSDT"]);
    open(a, "ETHUSDT", LATER, 100, 2, "short");
    a.markPrice("ETHUSDT", 101, LATER + 1);
    a.requestEntry({ symbol: "LINKUSDT", side: "long", notional: 10, ts: LATER + 2 });
    open(a, "SOLUSDT", LATER + 3);
    a.closePosition("SOLUSDT", { netPnl: -3, exitReason: "stop_loss", ts: LATER + 4 });
    a.reduce("test");
    const b = Portfolio.restore(
      JSON.parse(JSON.stringify(a.getState())),
      ReturnCorrelation.restore(JSON.parse(JSON.stringify(a.correlation.getState()))),
    );
    expect(b.snapshot()).toEqual(a.snapshot());
    for (const p of [a, b]) p.resume();
    const next = (p: Portfolio) => [
      p.requestEntry({ symbol: "XRPUSDT", side: "long", notional: 10, ts: LATER + 5 }),
      p.markPrice("ETHUSDT", 90, LATER + 6),
      p.closePosition("ETHUSDT", { netPnl: 20, exitReason: "take_profit", ts: LATER + 7 }),
      p.snapshot(),
    ];
    expect(next(b)).toEqual(next(a));
  });

  it("counts alts as correlated after a restore without the correlation rings", () => {
    const a = make();
    warm(a, [], ["LINKUSDT"]);
    const b = Portfolio.restore(JSON.parse(JSON.stringify(a.getState())));
    expect(a.requestEntry({ symbol: "LINKUSDT", side: "long", notional: 10, ts: LATER })).toMatchObject({
      ok: true,
      correlated: false,
    });
    expect(b.requestEntry({ symbol: "LINKUSDT", side: "long", notional: 10, ts: LATER })).toMatchObject({
      ok: true,
      correlation: null,
      correlated: true,
    });
  });
});

describe("Portfolio refusals are values", () => {
  it("answers every bad call with a value and leaves the books untouched", () => {
    const p = make();
    open(p, "ETHUSDT", T0, 100, 1);
    const before = p.snapshot();
    expect(p.closePosition("NOPEUSDT", { netPnl: -5, exitReason: "stop_loss", ts: T0 + 1 })).toMatchObject({
      ok: false,
      reason: "not_open",
    });
    expect(p.closePosition("ETHUSDT", { netPnl: Number.NaN, exitReason: "stop_loss", ts: T0 + 1 })).toMatchObject({
      ok: false,
      reason: "invalid_pnl",
    });
    expect(p.confirmOpen("res-999", { entryPrice: 1, size: 1, side: "long" })).toMatchObject({
      ok: false,
      reason: "unknown_reservation",
    });
    expect(p.releaseReservation("res-999")).toBe(false);
    expect(p.markPrice("ETHUSDT", Number.NaN, T0 + 1)).toBe("ACTIVE");
    expect(p.markPrice("ETHUSDT", -1, T0 + 1)).toBe("ACTIVE");
    expect(p.markPrice("ETHUSDT", 120, Number.NaN)).toBe("ACTIVE");
    for (const bad of [
      { symbol: "", side: "long", notional: 10, ts: T0 },
      { symbol: "SOLUSDT", side: "up", notional: 10, ts: T0 },
      { symbol: "SOLUSDT", side: "long", notional: Number.POSITIVE_INFINITY, ts: T0 },
      { symbol: "SOLUSDT", side: "long", notional: 0, ts: T0 },
      { symbol: "SOLUSDT", side: "long", notional: 10, ts: Number.NaN },
    ] as const) {
      expect(p.requestEntry(bad as never)).toMatchObject({ ok: false, reason: "invalid_request" });
    }
    expect(p.snapshot()).toEqual(before);
  });

  it("keeps the reservation when a fill is invalid", () => {
    const p = make();
    const d = p.requestEntry({ symbol: "SOLUSDT", side: "long", notional: 10, ts: T0 });
    const id = d.ok ? d.reservationId : "";
    expect(p.confirmOpen(id, { entryPrice: 0, size: 1, side: "long" })).toMatchObject({
      ok: false,
      reason: "invalid_fill",
    });
    expect(p.confirmOpen(id, { entryPrice: 1, size: Number.NaN, side: "long" })).toMatchObject({
      ok: false,
      reason: "invalid_fill",
    });
    expect(p.confirmOpen(id, { entryPrice: 1, size: 1, side: "long", entryFee: -1 })).toMatchObject({
      ok: false,
      reason: "invalid_fill",
    });
    expect(p.confirmOpen(id, { entryPrice: 1, size: 10, side: "long" })).toEqual({ ok: true, symbol: "SOLUSDT" });
  });

  it("throws only on a construction that cannot work", () => {
    expect(() => make({}, Number.NaN)).toThrow(RangeError);
    // The config schema refuses these settings; the class still guards against a caller that skips it.
    const short = { ...settings(), correlationWindowMs: 5_000, correlationReturnMs: 5_000 };
    expect(() => new Portfolio(short, { startEquity: 1_000, now: T0 })).toThrow(RangeError);
  });
});

describe("Portfolio edge guard", () => {
  /** Opens and closes `n` losing trades of ETHUSDT (−0.1 USDT ± 0.2 on 100 USDT), one a minute from `from`. */
  function lose(p: Portfolio, n: number, from: number): void {
    for (let i = 0; i < n; i++) {
      const ts = from + i * 60_000;
      p.markPrice("ETHUSDT", 100, ts);
      open(p, "ETHUSDT", ts);
      const netPnl = -0.1 + (i % 2 === 0 ? 0.2 : -0.2);
      expect(p.closePosition("ETHUSDT", { netPnl, exitReason: "time_exit", ts: ts + 30_000 }).ok).toBe(true);
    }
  }

  it("refuses a symbol's entries with negative_edge while its expectancy is below zero with confidence, when enabled", () => {
    const p = make({ edgeGuard: EdgeGuardConfig.parse({ enabled: true, minTrades: 30, pauseMs: 600_000 }) });
    lose(p, 30, T0);
    const last = T0 + 29 * 60_000 + 30_000;
    const d = p.requestEntry({ symbol: "ETHUSDT", side: "long", notional: 100, ts: last + 1 });
    expect(d).toMatchObject({ ok: false, reason: "negative_edge" });
    expect(!d.ok && d.detail).toMatch(/^ETHUSDT expectancy -10\.00 bps .* below zero; entries paused until \d+$/);
    expect(p.requestEntry({ symbol: "SOLUSDT", side: "long", notional: 100, ts: last + 1 }).ok).toBe(true);
    expect(p.snapshot().edge.symbols.find((s) => s.symbol === "ETHUSDT")?.pause?.reason).toBe("negative_edge");
    expect(p.requestEntry({ symbol: "ETHUSDT", side: "long", notional: 100, ts: last + 600_000 }).ok).toBe(true);
  });

  it("only watches by default: the expectancy and markouts show, entries are never refused for them", () => {
    const p = make();
    lose(p, 40, T0);
    const e = p.snapshot().edge;
    expect(e.enabled).toBe(false);
    expect(e.symbols[0]).toMatchObject({ symbol: "ETHUSDT", expectancyBps: { n: 40 }, pause: null });
    expect(e.symbols[0].markoutsBps["5000"].n).toBe(39);
    expect(p.requestEntry({ symbol: "ETHUSDT", side: "long", notional: 100, ts: T0 + 50 * 60_000 }).ok).toBe(true);
  });

  it("keeps the edge state across getState/restore, and restores states saved without one", () => {
    const p = make({ edgeGuard: EdgeGuardConfig.parse({ enabled: true }) });
    lose(p, 30, T0);
    const back = Portfolio.restore(JSON.parse(JSON.stringify(p.getState())));
    expect(back.snapshot().edge).toEqual(p.snapshot().edge);
    const { edge: _e, ...old } = p.getState();
    const { edgeGuard: _g, ...oldConfig } = old.config;
    const restored = Portfolio.restore({ ...old, config: oldConfig as PortfolioSettings });
    expect(restored.snapshot().edge).toMatchObject({ enabled: false, symbols: [] });
  });
});

describe("Portfolio follows positions changed at the exchange (syncPosition)", () => {
  it("takes a grown position's new size, average price and entry fee, keeping its opening time", () => {
    const p = make({ maxPositions: 2 });
    open(p, "ETHUSDT", T0, 100, 1);
    p.markPrice("ETHUSDT", 102, T0 + 1_000);
    expect(
      p.syncPosition("ETHUSDT", { side: "long", size: 2, entryPrice: 101, entryFee: 0.3, ts: T0 + 2_000 }),
    ).toEqual({
      ok: true,
      symbol: "ETHUSDT",
    });
    const [pos] = p.snapshot().openPositions;
    expect(pos).toMatchObject({ size: 2, entryPrice: 101, entryFee: 0.3, openedTs: T0, markPrice: 102 });
    expect(pos.unrealised).toBeCloseTo((102 - 101) * 2 - 0.3, 12);
    expect(p.snapshot().unrealised).toBeCloseTo(pos.unrealised, 12);
    expect(p.closePosition("ETHUSDT", { netPnl: 1.5, exitReason: "flatten", ts: T0 + 3_000 })).toMatchObject({
      ok: true,
    });
    expect(p.snapshot().realisedEquity).toBeCloseTo(1_001.5, 12);
  });

  it("opens a position it did not approve (an adopted orphan), even halted, and counts it against maxPositions", () => {
    const p = make({ maxPositions: 1 });
    p.halt("test");
    expect(p.syncPosition("SOLUSDT", { side: "short", size: 3, entryPrice: 20, ts: T0 })).toEqual({
      ok: true,
      symbol: "SOLUSDT",
    });
    p.resume();
    expect(p.snapshot().openPositions).toEqual([
      expect.objectContaining({ symbol: "SOLUSDT", side: "short", size: 3, reservationId: "sync:SOLUSDT" }),
    ]);
    expect(p.requestEntry({ symbol: "ETHUSDT", side: "long", notional: 100, ts: T0 + 1 })).toMatchObject({
      ok: false,
      reason: "max_positions",
    });
  });

  it("refuses an invalid position as a value and changes nothing", () => {
    const p = make();
    expect(p.syncPosition("ETHUSDT", { side: "long", size: 0, entryPrice: 100 })).toMatchObject({
      ok: false,
      reason: "invalid_fill",
    });
    expect(p.syncPosition("", { side: "long", size: 1, entryPrice: 100 })).toMatchObject({ ok: false });
    expect(p.snapshot().openPositions).toEqual([]);
  });
});
