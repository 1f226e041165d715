import { abortAllDurableObjects } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { KILL_SWITCH_REASON } from "../../shared/coordination/coordinator-core";
import { RESERVATION_TTL_MS } from "../../shared/risk/coordinator-rules";
import { configVersion, defaultConfig } from "../../shared/config/config";
import type { EntryRequest } from "../../shared/risk/portfolio-types";

const T0 = Date.UTC(2030, 0, 2, 12);

function coordinator(name: string) {
  return env.COORDINATOR.getByName(name);
}

function entry(symbol: string, ts = T0): EntryRequest {
  return { symbol, side: "long", notional: 100, ts };
}

/** Opens a position of `size` at `price` through the reserve-and-confirm path. */
async function open(c: ReturnType<typeof coordinator>, symbol: string, price: number, size: number, ts = T0) {
  const d = await c.requestEntry(entry(symbol, ts));
  if (!d.ok) throw new Error(`entry refused: ${d.reason}`);
  const confirmed = await c.confirmOpen(d.reservationId, { entryPrice: price, size, side: "long", ts });
  expect(confirmed.ok).toBe(true);
}

describe("the Coordinator's config store", () => {
  it("starts with the default config and its content version", async () => {
    const { config, version } = await coordinator("cfg-default").getConfig();
    expect(config).toEqual(defaultConfig());
    expect(version).toBe(configVersion(defaultConfig()));
  });

  it("rejects an invalid config with every bad field and keeps the old one", async () => {
    const c = coordinator("cfg-invalid");
    const before = await c.getConfig();
    const change = await c.putConfig({ gates: { minScore: 150 }, exits: { stopLossPct: -1 }, nope: 1 });
    expect(change.ok).toBe(false);
    if (change.ok) return;
    expect(change.issues.map((i) => i.path).sort()).toEqual(["exits.stopLossPct", "gates.minScore", "nope"]);
    expect((await c.getConfig()).version).toBe(before.version);
    expect(await c.configAudit(10)).toEqual([]);
  });

  it("versions a patch and audits when, what and the previous version", async () => {
    const c = coordinator("cfg-patch");
    const before = await c.getConfig();
    const t0 = Date.now();
    const change = await c.patchConfig({ gates: { minScore: 85 } });
    expect(change.ok).toBe(true);
    if (!change.ok) return;
    expect(change.previousVersion).toBe(before.version);
    expect(change.version).not.toBe(before.version);
    expect(change.config.gates.minScore).toBe(85);
    expect((await c.getConfig()).version).toBe(change.version);
    const [audit] = await c.configAudit(10);
    expect(audit).toEqual({
      at: change.at,
      version: change.version,
      previousVersion: before.version,
      change: { gates: { minScore: 85 } },
      kind: "patch",
    });
    expect(audit.at).toBeGreaterThanOrEqual(t0);
  });

  it("lists audit entries newest first, limited", async () => {
    const c = coordinator("cfg-audit-order");
    await c.patchConfig({ gates: { minScore: 81 } });
    const second = await c.putConfig({ gates: { minScore: 82 } });
    await c.patchConfig({ gates: { minScore: 83 } });
    const two = await c.configAudit(2);
    expect(two.map((e) => e.kind)).toEqual(["patch", "put"]);
    expect(two[1].version).toBe(second.ok ? second.version : "");
    expect(two[0].previousVersion).toBe(two[1].version);
  });

  it("applies a new portfolio limit to the rules at once", async () => {
    const c = coordinator("cfg-rules");
    await c.patchConfig({ portfolio: { maxPositions: 1, maxBtcCorrelated: 100 } });
    expect((await c.requestEntry(entry("AAAUSDT"))).ok).toBe(true);
    const second = await c.requestEntry(entry("BBBUSDT"));
    expect(second).toMatchObject({ ok: false, reason: "max_positions" });
  });
});

describe("the Coordinator's entry checks", () => {
  it("never exceeds maxPositions under 10 concurrent requests", async () => {
    const c = coordinator("concurrency");
    await c.patchConfig({ portfolio: { maxPositions: 3, maxBtcCorrelated: 100 } });
    const decisions = await Promise.all(Array.from({ length: 10 }, (_, i) => c.requestEntry(entry(`ALT${i}USDT`))));
    expect(decisions.filter((d) => d.ok)).toHaveLength(3);
    expect(decisions.filter((d) => !d.ok).map((d) => (d.ok ? "" : d.reason))).toEqual(Array(7).fill("max_positions"));
    expect((await c.portfolio()).reservations).toHaveLength(3);
  });

  it("releases a reservation older than the TTL before checking a new entry", async () => {
    const c = coordinator("reservation-ttl");
    await c.patchConfig({ portfolio: { maxPositions: 1, maxBtcCorrelated: 100 } });
    expect((await c.requestEntry(entry("AAAUSDT", T0))).ok).toBe(true);
    expect(await c.requestEntry(entry("BBBUSDT", T0 + RESERVATION_TTL_MS - 1))).toMatchObject({
      ok: false,
      reason: "max_positions",
    });
    expect((await c.requestEntry(entry("BBBUSDT", T0 + RESERVATION_TTL_MS + 1))).ok).toBe(true);
  });

  it("keeps a position whose entry is confirmed after its reservation expired, with its later PnL", async () => {
    const c = coordinator("late-confirm");
    const late = await c.requestEntry(entry("AAAUSDT", T0));
    if (!late.ok) throw new Error(`entry refused: ${late.reason}`);
    // Another agent's request long after the TTL expires the first reservation.
    expect((await c.requestEntry(entry("BBBUSDT", T0 + RESERVATION_TTL_MS + 1))).ok).toBe(true);
    const fill = { entryPrice: 100, size: 1, side: "long", ts: T0 + 500 } as const;
    expect(await c.confirmOpen(late.reservationId, fill)).toEqual({ ok: true, symbol: "AAAUSDT" });
    expect((await c.portfolio()).openPositions.map((p) => p.symbol)).toEqual(["AAAUSDT"]);
    const close = { netPnl: -12, exitReason: "stop_loss", ts: T0 + RESERVATION_TTL_MS + 5000 } as const;
    expect(await c.reportClose("AAAUSDT", close)).toMatchObject({ ok: true });
    expect((await c.portfolio()).realisedEquity).toBe(988);
  });

  it("refuses a request that is not an object", async () => {
    const d = await coordinator("bad-request").requestEntry(null as unknown as EntryRequest);
    expect(d).toMatchObject({ ok: false, reason: "invalid_request" });
  });

  it("halts on the daily loss limit when a losing position is marked, and refuses entries", async () => {
    const c = coordinator("daily-loss");
    await open(c, "ETHUSDT", 100, 10);
    const answer = await c.reportPrices("ETHUSDT", [{ ts: T0 + 1000, price: 80 }]);
    expect(answer).toMatchObject({ tradingState: "HALTED", flatten: false, flattenReason: null });
    expect(await c.requestEntry(entry("SOLUSDT", T0 + 2000))).toMatchObject({ ok: false, reason: "daily_loss_limit" });
    const snap = await c.portfolio();
    expect(snap.equity).toBeCloseTo(800, 9);
    expect(snap.dailyPnl).toBeCloseTo(-200, 9);
  });

  it("asks agents to flatten on the daily loss limit when flattenOnDailyLimit is set", async () => {
    const c = coordinator("daily-loss-flatten");
    await c.patchConfig({ portfolio: { flattenOnDailyLimit: true } });
    await open(c, "ETHUSDT", 100, 10);
    const answer = await c.reportPrices("ETHUSDT", [{ ts: T0 + 1000, price: 80 }]);
    expect(answer).toMatchObject({ tradingState: "HALTED", flatten: true, flattenReason: "daily_loss_flatten" });
  });

  it("answers price reports with the current config version and ignores invalid points", async () => {
    const c = coordinator("price-report");
    const { version } = await c.getConfig();
    const answer = await c.reportPrices("BTCUSDT", [
      { ts: T0, price: -1 },
      { ts: Number.NaN, price: 1 },
      null as unknown as { ts: number; price: number },
    ]);
    expect(answer).toEqual({ tradingState: "ACTIVE", flatten: false, flattenReason: null, configVersion: version });
    expect((await c.portfolio()).ts).toBeLessThan(T0);
  });

  it("counts a closed position's net PnL into equity", async () => {
    const c = coordinator("close");
    await open(c, "ETHUSDT", 100, 1);
    expect(await c.reportClose("ETHUSDT", { netPnl: 5, exitReason: "take_profit", ts: T0 + 5000 })).toMatchObject({
      ok: true,
      symbol: "ETHUSDT",
    });
    const snap = await c.portfolio();
    expect(snap.openPositions).toEqual([]);
    expect(snap.realisedEquity).toBe(1005);
  });
});

describe("the Coordinator's kill switch and halt", () => {
  it("refuses entries after flatten and allows them again after resume", async () => {
    const c = coordinator("kill-switch");
    const flat = await c.flatten();
    expect(flat).toMatchObject({ tradingState: "HALTED", reason: KILL_SWITCH_REASON });
    expect(await c.requestEntry(entry("ETHUSDT"))).toMatchObject({ ok: false, reason: "halted" });
    expect(await c.reportPrices("ETHUSDT", [{ ts: T0, price: 100 }])).toMatchObject({
      flatten: true,
      flattenReason: "flatten",
    });
    expect((await c.resume()).tradingState).toBe("ACTIVE");
    expect((await c.requestEntry(entry("ETHUSDT"))).ok).toBe(true);
    expect(await c.reportPrices("ETHUSDT", [{ ts: T0, price: 100 }])).toMatchObject({
      flatten: false,
      flattenReason: null,
    });
  });

  it("halts with the operator's reason without asking anyone to flatten", async () => {
    const c = coordinator("halt");
    expect(await c.halt("maintenance")).toMatchObject({ tradingState: "HALTED", reason: "maintenance" });
    expect(await c.requestEntry(entry("ETHUSDT"))).toMatchObject({
      ok: false,
      reason: "halted",
      detail: "maintenance",
    });
    expect(await c.reportPrices("ETHUSDT", [{ ts: T0, price: 100 }])).toMatchObject({ flatten: false });
  });
});

describe("the Coordinator's symbol list", () => {
  it("adds symbols, flips their enabled flag and lists them sorted", async () => {
    const c = coordinator("symbols");
    await c.setSymbolEnabled("SOLUSDT", true);
    await c.setSymbolEnabled("BTCUSDT", true);
    expect(await c.setSymbolEnabled("SOLUSDT", false)).toEqual([
      { symbol: "BTCUSDT", enabled: true },
      { symbol: "SOLUSDT", enabled: false },
    ]);
    expect(await c.symbols()).toHaveLength(2);
  });

  it("ignores a malformed symbol", async () => {
    const c = coordinator("symbols-bad");
    await c.setSymbolEnabled("ETHUSDT", true);
    expect(await c.setSymbolEnabled("btc", true)).toEqual([{ symbol: "ETHUSDT", enabled: true }]);
  });
});

describe("the Coordinator after eviction", () => {
  it("rebuilds portfolio, config, symbols and kill switch from storage", async () => {
    const name = "eviction";
    const c = coordinator(name);
    await c.patchConfig({ portfolio: { maxPositions: 2, maxBtcCorrelated: 100 } });
    await open(c, "ETHUSDT", 100, 2);
    await c.reportPrices("ETHUSDT", [{ ts: T0 + 5000, price: 101 }]);
    await c.reportPrices("BTCUSDT", [{ ts: T0 + 5000, price: 50_000 }]);
    await c.setSymbolEnabled("ETHUSDT", true);
    await c.flatten();
    const before = {
      snap: await c.portfolio(),
      config: await c.getConfig(),
      symbols: await c.symbols(),
      audit: await c.configAudit(10),
    };

    await abortAllDurableObjects();

    const again = coordinator(name);
    expect(await again.portfolio()).toEqual(before.snap);
    expect(await again.getConfig()).toEqual(before.config);
    expect(await again.symbols()).toEqual(before.symbols);
    expect(await again.configAudit(10)).toEqual(before.audit);
    expect(await again.requestEntry(entry("SOLUSDT", T0 + 6000))).toMatchObject({ ok: false, reason: "halted" });
    await again.resume();
    expect((await again.requestEntry(entry("SOLUSDT", T0 + 6000))).ok).toBe(true);
    expect(await again.requestEntry(entry("XRPUSDT", T0 + 6000))).toMatchObject({ ok: false, reason: "max_positions" });
  });

  it("writes an entry's reservation behind its answer, so that it is stored a moment later", async () => {
    const c = coordinator("reservation-behind");
    await c.patchConfig({ portfolio: { maxPositions: 1 } });
    expect((await c.requestEntry(entry("ETHUSDT"))).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 50));

    await abortAllDurableObjects();

    const again = coordinator("reservation-behind");
    expect((await again.portfolio()).reservations.map((r) => r.symbol)).toEqual(["ETHUSDT"]);
    expect(await again.requestEntry(entry("SOLUSDT"))).toMatchObject({ ok: false, reason: "max_positions" });
  });
});
