import { describe, expect, it } from "vitest";
import {
  MAX_PRICE_POINTS,
  applyConfigChange,
  correlationMatches,
  enabledSymbols,
  flattenReasonOf,
  sameCorrelationSampling,
  symbolEntries,
  validPricePoints,
  withPortfolioSettings,
} from "./coordinator-rules";
import { configVersion, defaultConfig } from "../config/config";
import { ReturnCorrelation } from "./correlation";
import { Portfolio } from "./portfolio";

const config = defaultConfig();
const current = { config, version: configVersion(config) };

describe("applyConfigChange", () => {
  it("returns every bad field and no audit entry for an invalid put", () => {
    const r = applyConfigChange(current, "put", { gates: { minScore: -1 } }, 5);
    expect(r.next).toBeNull();
    expect(r.audit).toBeNull();
    expect(r.change).toEqual({ ok: false, issues: [{ path: "gates.minScore", message: expect.any(String) }] });
  });

  it("rejects a patch that is not an object", () => {
    expect(applyConfigChange(current, "patch", [1], 5).change.ok).toBe(false);
  });

  it("patches on top of the current config and audits the patch as sent", () => {
    const r = applyConfigChange(current, "patch", { exits: { takeProfitPct: 0.4 } }, 42);
    expect(r.next?.config.exits.takeProfitPct).toBe(0.4);
    expect(r.next?.config.gates).toEqual(config.gates);
    expect(r.audit).toEqual({
      at: 42,
      version: r.next?.version,
      previousVersion: current.version,
      change: { exits: { takeProfitPct: 0.4 } },
      kind: "patch",
    });
  });

  it("resets unspecified fields to the defaults on a put", () => {
    const patched = applyConfigChange(current, "patch", { exits: { takeProfitPct: 0.4 } }, 1).next;
    if (patched === null) throw new Error("patch failed");
    const put = applyConfigChange(patched, "put", { gates: { minScore: 90 } }, 2);
    expect(put.next?.config.exits.takeProfitPct).toBe(config.exits.takeProfitPct);
    expect(put.change).toMatchObject({ ok: true, previousVersion: patched.version, at: 2 });
  });
});

describe("withPortfolioSettings", () => {
  it("carries positions and equity over and takes every limit from the new settings", () => {
    const p = new Portfolio(config.portfolio, { startEquity: 500, now: 0 });
    const d = p.requestEntry({ symbol: "ETHUSDT", side: "long", notional: 10, ts: 1 });
    if (!d.ok) throw new Error(d.reason);
    p.confirmOpen(d.reservationId, { entryPrice: 10, size: 1, side: "long" });
    const settings = {
      ...config.portfolio,
      dailyLossLimitPct: 5,
      cooldownAfterStopLosses: 1,
      cooldownMs: 9,
      maxPositions: 1,
    };
    const next = withPortfolioSettings(p.getState(), settings);
    expect(next.config).toEqual(settings);
    expect(next.daily.limitPct).toBe(5);
    expect(next.cooldown).toMatchObject({ afterStopLosses: 1, cooldownMs: 9 });
    const restored = Portfolio.restore(next);
    expect(restored.snapshot().openPositions.map((x) => x.symbol)).toEqual(["ETHUSDT"]);
    expect(restored.requestEntry({ symbol: "SOLUSDT", side: "long", notional: 10, ts: 2 })).toMatchObject({
      ok: false,
      reason: "max_positions",
    });
  });
});

describe("correlation sampling checks", () => {
  it("keeps the rolling state only while BTC symbol, window and return length are the same", () => {
    const p = config.portfolio;
    expect(sameCorrelationSampling(p, { ...p, maxPositions: 2 })).toBe(true);
    expect(sameCorrelationSampling(p, { ...p, correlationReturnMs: 1000 })).toBe(false);
    expect(sameCorrelationSampling(p, { ...p, btcSymbol: "ETHUSDT" })).toBe(false);
  });

  it("matches a stored correlation state against the settings it was sampled with", () => {
    const p = config.portfolio;
    const state = new ReturnCorrelation({
      btcSymbol: p.btcSymbol,
      windowMs: p.correlationWindowMs,
      returnMs: p.correlationReturnMs,
    }).getState();
    expect(correlationMatches(state, p)).toBe(true);
    expect(correlationMatches(state, { ...p, correlationWindowMs: p.correlationWindowMs * 2 })).toBe(false);
  });
});

describe("validPricePoints", () => {
  it("keeps finite positive points and drops the rest", () => {
    expect(
      validPricePoints([
        { ts: 1, price: 2 },
        { ts: 2, price: 0 },
        { ts: Infinity, price: 1 },
        "x",
        null,
        { ts: 3, price: "4" },
      ]),
    ).toEqual([{ ts: 1, price: 2 }]);
  });

  it("answers no points for a non-array", () => {
    expect(validPricePoints({ ts: 1, price: 2 })).toEqual([]);
  });

  it("keeps only the latest points beyond the cap", () => {
    const points = Array.from({ length: MAX_PRICE_POINTS + 5 }, (_, i) => ({ ts: i, price: 1 }));
    const kept = validPricePoints(points);
    expect(kept).toHaveLength(MAX_PRICE_POINTS);
    expect(kept[0].ts).toBe(5);
  });
});

describe("flattenReasonOf", () => {
  it("puts the kill switch before the daily-loss flatten", () => {
    expect(flattenReasonOf(true, true)).toBe("flatten");
    expect(flattenReasonOf(false, true)).toBe("daily_loss_flatten");
    expect(flattenReasonOf(false, false)).toBeNull();
  });
});

describe("symbol entries", () => {
  it("sorts the list and picks the enabled symbols", () => {
    const list = { SOLUSDT: true, BTCUSDT: false, ETHUSDT: true };
    expect(symbolEntries(list).map((e) => e.symbol)).toEqual(["BTCUSDT", "ETHUSDT", "SOLUSDT"]);
    expect(enabledSymbols(list)).toEqual(["ETHUSDT", "SOLUSDT"]);
  });
});
