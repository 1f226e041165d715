import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { METRIC_FORMULAS } from "../../shared/backtest/formulas";
import { computeMetrics, daily } from "../../shared/backtest/metrics";
import type { ClosedTrade } from "../../shared/strategy/types";
import { insertTrades, ledgerDb } from "../../durable-objects/ledger";
import { api, tradeRow } from "./helpers";

const DAY = 86_400_000;
const D0 = Date.UTC(2026, 1, 10);
/** One trade before the window (it moves the starting equity), then trades over three days with a gap day. */
const BEFORE = tradeRow(1, { exitTime: D0 - DAY + 3_600_000, netPnl: 25, grossPnl: 26, fees: 1 });
const IN_WINDOW = [
  tradeRow(2, { exitTime: D0 + 3_600_000, netPnl: 4, grossPnl: 4.5, fees: 0.5, holdSeconds: 20 }),
  tradeRow(3, {
    exitTime: D0 + 7_200_000,
    netPnl: -6,
    grossPnl: -5.4,
    fees: 0.6,
    exitReason: "stop_loss",
    holdSeconds: 12,
  }),
  tradeRow(4, { exitTime: D0 + 2 * DAY + 60_000, netPnl: 10, grossPnl: 10.8, fees: 0.8, holdSeconds: 300 }),
  tradeRow(5, {
    exitTime: D0 + 2 * DAY + 120_000,
    netPnl: -2,
    grossPnl: -1.7,
    fees: 0.3,
    exitReason: "time_exit",
    holdSeconds: 600,
  }),
];
const FROM = D0;
const TO = D0 + 3 * DAY - 1;

beforeAll(async () => {
  await insertTrades(ledgerDb(env.DB), [BEFORE, ...IN_WINDOW]);
});

function expected() {
  const trades = IN_WINDOW as unknown as ClosedTrade[];
  const capital = 1000 + BEFORE.netPnl;
  const equityCurve = [{ ts: FROM, equity: capital }];
  let equity = capital;
  for (const t of trades) {
    equity += t.netPnl;
    equityCurve.push({ ts: t.exitTime, equity });
  }
  equityCurve.push({ ts: TO, equity });
  const summary = computeMetrics({
    trades,
    capital,
    equityCurve,
    unfilledEntries: 0,
    tradeOnly: false,
    events: 0,
    elapsedMs: 0,
  });
  const { unfilledEntries: _u, tradeOnly: _t, eventsPerSecond: _e, ...totals } = summary;
  return { capital, totals, daily: daily({ trades, capital, equityCurve }) };
}

describe("GET /api/stats", () => {
  it("matches computeMetrics and daily on the closed-trade equity curve of the window", async () => {
    const res = await api("/api/stats?from=2026-02-10&to=2026-02-12");
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    const want = expected();
    expect(body.from).toBe(FROM);
    expect(body.to).toBe(TO);
    expect(body.capital).toBe(want.capital);
    expect(body.totals).toEqual(want.totals);
    expect(body.daily).toEqual(want.daily);
    expect((body.daily as unknown[]).length).toBe(3);
  });

  it("states its basis and publishes the formula of every metric it returns", async () => {
    const body = (await (await api(`/api/stats?from=${FROM}&to=${TO}`)).json()) as {
      basis: string;
      totals: Record<string, unknown>;
      daily: Record<string, unknown>[];
      formulas: Record<string, string>;
    };
    expect(body.basis).toBe("closed trades; equity marked at each exit");
    for (const k of Object.keys(body.totals))
      expect(body.formulas[k]).toBe(METRIC_FORMULAS[k as keyof typeof METRIC_FORMULAS]);
    for (const k of Object.keys(body.daily[0])) expect(body.formulas[`daily.${k}`]).toBeDefined();
    expect(body.formulas.eventsPerSecond).toBeUndefined();
  });

  it("defaults to the last 30 days up to now", async () => {
    const before = Date.now();
    const body = (await (await api("/api/stats")).json()) as { from: number; to: number };
    expect(body.to).toBeGreaterThanOrEqual(before);
    expect(body.to - body.from + 1).toBe(30 * DAY);
  });
});
