import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { computeMetrics } from "../../shared/backtest/metrics";
import type { ClosedTrade } from "../../shared/strategy/types";
import { thinCurve, withDrawdown, type DrawdownPoint } from "../../workers/equity-curve";
import { insertTrades, ledgerDb } from "../../durable-objects/ledger";
import { api, tradeRow } from "./helpers";

const DAY = 86_400_000;
const D0 = Date.UTC(2026, 2, 10);
const BEFORE = tradeRow(1, { exitTime: D0 - DAY, netPnl: 50 });
const IN_WINDOW = [
  tradeRow(2, { exitTime: D0 + 60_000, netPnl: 30 }),
  tradeRow(3, { exitTime: D0 + 120_000, netPnl: -80 }),
  tradeRow(4, { exitTime: D0 + 180_000, netPnl: 20 }),
  tradeRow(5, { exitTime: D0 + 240_000, netPnl: 100 }),
];
const TO = D0 + DAY - 1;

beforeAll(async () => {
  await insertTrades(ledgerDb(env.DB), [BEFORE, ...IN_WINDOW]);
});

interface EquityBody {
  from: number;
  to: number;
  capital: number;
  finalEquity: number;
  trades: number;
  maxDrawdown: number;
  points: DrawdownPoint[];
  thinned: boolean;
  basis: string;
  formulas: Record<string, string>;
}

async function equity(query: string): Promise<{ status: number; body: EquityBody }> {
  const res = await api(`/api/equity${query}`);
  return { status: res.status, body: (await res.json()) as EquityBody };
}

describe("GET /api/equity", () => {
  it("starts at START_EQUITY plus the PnL closed before the window and steps at each exit", async () => {
    const { status, body } = await equity(`?from=${D0}&to=${TO}`);
    expect(status).toBe(200);
    expect(body.capital).toBe(1050);
    expect(body.points.map((p) => [p.ts, p.equity])).toEqual([
      [D0, 1050],
      [D0 + 60_000, 1080],
      [D0 + 120_000, 1000],
      [D0 + 180_000, 1020],
      [D0 + 240_000, 1120],
      [TO, 1120],
    ]);
    expect(body.finalEquity).toBe(1120);
    expect(body.trades).toBe(4);
  });

  it("carries each point's drawdown from the running peak, deepest equal to the stats' maxDrawdown", async () => {
    const { body } = await equity(`?from=${D0}&to=${TO}`);
    expect(body.points[2].drawdown).toBeCloseTo(80 / 1080, 12);
    expect(body.points[3].drawdown).toBeCloseTo(60 / 1080, 12);
    expect(body.points[4].drawdown).toBe(0);
    const curve = body.points.map((p) => ({ ts: p.ts, equity: p.equity }));
    const stats = computeMetrics({
      trades: IN_WINDOW as unknown as ClosedTrade[],
      capital: 1050,
      equityCurve: curve,
      unfilledEntries: 0,
      tradeOnly: false,
      events: 0,
      elapsedMs: 0,
    });
    expect(body.maxDrawdown).toBe(stats.maxDrawdown);
  });

  it("states its basis and the formula of each field", async () => {
    const { body } = await equity(`?from=${D0}&to=${TO}`);
    expect(body.basis).toBe("closed trades; equity marked at each exit");
    expect(Object.keys(body.formulas).sort()).toEqual(["drawdown", "equity", "sampling"]);
  });

  it("is a flat line at the starting equity for a window without trades", async () => {
    const { body } = await equity(`?from=${D0 + 2 * DAY}&to=${D0 + 3 * DAY}`);
    expect(body.capital).toBe(1120);
    expect(body.points).toEqual([
      { ts: D0 + 2 * DAY, equity: 1120, drawdown: 0 },
      { ts: D0 + 3 * DAY, equity: 1120, drawdown: 0 },
    ]);
    expect(body.maxDrawdown).toBe(0);
  });

  it("refuses too few points (its window and mode refusals are stats-window.test.ts's)", async () => {
    const few = await equity("?maxPoints=3");
    expect(few.status).toBe(400);
    expect(JSON.stringify(few.body)).toContain("maxPoints");
  });

  it("needs the bearer token", async () => {
    const { exports } = await import("cloudflare:workers");
    const res = await exports.default.fetch("http://x/api/equity");
    expect(res.status).toBe(401);
  });
});

describe("thinCurve", () => {
  const curve = withDrawdown(
    Array.from({ length: 1000 }, (_, i) => ({
      ts: i,
      equity: 1000 + (i === 437 ? -300 : i === 702 ? 400 : Math.sin(i / 10) * 10),
    })),
    1000,
  );

  it("keeps at most maxPoints points, the first and the last among them, in time order", () => {
    const thin = thinCurve(curve, 50);
    expect(thin.length).toBeLessThanOrEqual(50);
    expect(thin[0]).toBe(curve[0]);
    expect(thin[thin.length - 1]).toBe(curve[999]);
    for (let i = 1; i < thin.length; i++) expect(thin[i].ts).toBeGreaterThan(thin[i - 1].ts);
  });

  it("keeps the deepest trough and the highest peak", () => {
    const thin = thinCurve(curve, 20);
    expect(thin.some((p) => p.ts === 437)).toBe(true);
    expect(thin.some((p) => p.ts === 702)).toBe(true);
    expect(Math.max(...thin.map((p) => p.drawdown))).toBe(Math.max(...curve.map((p) => p.drawdown)));
  });

  it("returns a short curve unchanged", () => {
    expect(thinCurve(curve.slice(0, 10), 10)).toEqual(curve.slice(0, 10));
  });
});

describe("withDrawdown", () => {
  it("measures from a peak that starts at capital, so a first loss is already a drawdown", () => {
    const dd = withDrawdown(
      [
        { ts: 1, equity: 900 },
        { ts: 2, equity: 1100 },
        { ts: 3, equity: 990 },
      ],
      1000,
    );
    expect(dd.map((p) => p.drawdown)).toEqual([0.1, 0, 0.1]);
  });

  it("reports 0 while the peak is not positive", () => {
    expect(withDrawdown([{ ts: 1, equity: -5 }], -1)[0].drawdown).toBe(0);
  });
});
