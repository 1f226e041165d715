import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { KILL_SWITCH_REASON } from "../../shared/coordination/coordinator-core";
import type { PortfolioSnapshot } from "../../shared/risk/portfolio-types";
import { api } from "./helpers";

const TS = Date.UTC(2030, 0, 2, 12);

async function snapshot(res: Response): Promise<PortfolioSnapshot> {
  expect(res.status).toBe(200);
  return res.json();
}

describe("GET /api/portfolio", () => {
  it("shows equity, positions, trading state and daily PnL, starting at START_EQUITY", async () => {
    const snap = await snapshot(await api("/api/portfolio"));
    expect(snap).toMatchObject({
      equity: 1000,
      realisedEquity: 1000,
      dailyPnl: 0,
      openPositions: [],
      tradingState: "ACTIVE",
      reason: null,
    });
  });
});

describe("the control API", () => {
  it("halts with a reason and resumes", async () => {
    expect(
      await snapshot(await api("/api/control/halt", { method: "POST", body: { reason: "maintenance" } })),
    ).toMatchObject({ tradingState: "HALTED", reason: "maintenance" });
    expect(
      await env.COORDINATOR.getByName("portfolio").requestEntry({
        symbol: "ETHUSDT",
        side: "long",
        notional: 10,
        ts: TS,
      }),
    ).toMatchObject({ ok: false, reason: "halted" });
    expect(await snapshot(await api("/api/control/resume", { method: "POST" }))).toMatchObject({
      tradingState: "ACTIVE",
      reason: null,
    });
  });

  it("halts without a body with the default reason", async () => {
    expect(await snapshot(await api("/api/control/halt", { method: "POST" }))).toMatchObject({
      tradingState: "HALTED",
      reason: "halted by operator",
    });
    await api("/api/control/resume", { method: "POST" });
  });

  it("answers 400 for an unknown halt field", async () => {
    const res = await api("/api/control/halt", { method: "POST", body: { why: "x" } });
    expect(res.status).toBe(400);
    expect((await res.json()) as unknown).toMatchObject({ error: { details: [{ path: "why" }] } });
  });

  it("flattens: entries refused until resume, then allowed", async () => {
    const coordinator = env.COORDINATOR.getByName("portfolio");
    expect(await snapshot(await api("/api/control/flatten", { method: "POST" }))).toMatchObject({
      tradingState: "HALTED",
      reason: KILL_SWITCH_REASON,
    });
    expect(await coordinator.requestEntry({ symbol: "ETHUSDT", side: "long", notional: 10, ts: TS })).toMatchObject({
      ok: false,
      reason: "halted",
    });
    await api("/api/control/resume", { method: "POST" });
    expect((await coordinator.requestEntry({ symbol: "ETHUSDT", side: "long", notional: 10, ts: TS })).ok).toBe(true);
    expect((await snapshot(await api("/api/portfolio"))).reservations.map((r) => r.symbol)).toEqual(["ETHUSDT"]);
  });
});
