import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertTrades, ledgerDb } from "../../durable-objects/ledger";
import { api, tradeRow } from "./helpers";

const DAY = 86_400_000;
const D0 = Date.UTC(2026, 3, 10);
const WINDOW = `from=${D0}&to=${D0 + DAY - 1}`;
/** Each mode's own history: one trade before the window and trades inside it, with different PnLs. */
const ROWS = [
  tradeRow(1, { mode: "paper", exitTime: D0 - DAY, netPnl: 10 }),
  tradeRow(2, { mode: "paper", exitTime: D0 + 60_000, netPnl: 1 }),
  tradeRow(3, { mode: "paper", exitTime: D0 + 120_000, netPnl: 2 }),
  tradeRow(4, { mode: "live", exitTime: D0 - DAY, netPnl: -40 }),
  tradeRow(5, { mode: "live", exitTime: D0 + 90_000, netPnl: -3 }),
  tradeRow(6, { mode: "demo", exitTime: D0 + 30_000, netPnl: 7 }),
];

interface Body {
  mode: string;
  capital: number;
  totals?: { trades: number; netPnl: number };
  trades?: number;
  finalEquity?: number;
}

async function get(path: string): Promise<Body> {
  const res = await api(path);
  expect(res.status).toBe(200);
  return (await res.json()) as Body;
}

const coordinator = () => env.COORDINATOR.getByName("portfolio");

beforeAll(async () => {
  await insertTrades(ledgerDb(env.DB), ROWS);
});

afterAll(async () => {
  await coordinator().putConfig({});
});

describe("paper, demo and live ledgers", () => {
  it("count only the asked mode's trades in /api/stats, its capital included", async () => {
    const live = await get(`/api/stats?${WINDOW}&mode=live`);
    expect(live).toMatchObject({ mode: "live", capital: 960, totals: { trades: 1, netPnl: -3 } });
    const demo = await get(`/api/stats?${WINDOW}&mode=demo`);
    expect(demo).toMatchObject({ mode: "demo", capital: 1000, totals: { trades: 1, netPnl: 7 } });
  });

  it("count only the asked mode's trades in /api/equity", async () => {
    const paper = await get(`/api/equity?${WINDOW}&mode=paper`);
    expect(paper).toMatchObject({ mode: "paper", capital: 1010, trades: 2, finalEquity: 1013 });
    const live = await get(`/api/equity?${WINDOW}&mode=live`);
    expect(live).toMatchObject({ mode: "live", capital: 960, trades: 1, finalEquity: 957 });
  });

  it("default to the current config's mode", async () => {
    expect(await get(`/api/stats?${WINDOW}`)).toMatchObject({ mode: "paper", totals: { trades: 2 } });
    expect((await coordinator().patchConfig({ mode: "live" })).ok).toBe(true);
    expect(await get(`/api/stats?${WINDOW}`)).toMatchObject({ mode: "live", totals: { trades: 1 } });
    expect(await get(`/api/equity?${WINDOW}`)).toMatchObject({ mode: "live", trades: 1 });
  });
});
