import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { expectancyBySymbolAndMode } from "../../shared/risk/trade-expectancy";
import { COORDINATOR_NAME } from "../../durable-objects/agent-rpc";
import { insertTrades, ledgerDb } from "../../durable-objects/ledger";
import { api, tradeRow } from "./helpers";

const D0 = Date.UTC(2026, 1, 10);
const T0 = Date.UTC(2030, 0, 2, 12);
/** Paper BTC wins, live BTC loses, paper ETH: each (symbol, mode) is its own row. */
const ROWS = [
  tradeRow(1, { exitTime: D0 + 1_000, netPnl: 0.9, mode: "paper" }),
  tradeRow(2, { exitTime: D0 + 2_000, netPnl: 0.5, mode: "paper" }),
  tradeRow(3, { exitTime: D0 + 3_000, netPnl: -0.3, mode: "live" }),
  tradeRow(4, { exitTime: D0 + 4_000, netPnl: -0.5, mode: "live" }),
  tradeRow(5, { exitTime: D0 + 5_000, netPnl: 0.2, mode: "paper", symbol: "ETHUSDT", entryPrice: 2000, size: 0.1 }),
];

beforeAll(async () => {
  await insertTrades(ledgerDb(env.DB), ROWS);
});

interface EdgeBody {
  edge: {
    byMode: { symbol: string; mode: string; expectancyBps: { n: number; mean: number | null } }[];
    monitor: {
      enabled: boolean;
      confidence: number;
      horizonsMs: number[];
      symbols: { symbol: string; markoutsBps: Record<string, { n: number; mean: number | null }> }[];
    };
  };
  formulas: Record<string, string>;
}

describe("GET /api/stats: the bot's own edge", () => {
  it("reports the expectancy after fees per symbol with paper and live apart, with intervals and formulas", async () => {
    // Each ledger is read on its own (/api/stats?mode=, default the config's mode: paper).
    const read = async (mode: string) => {
      const res = await api(`/api/stats?from=2026-02-10&to=2026-02-10&mode=${mode}`);
      expect(res.status).toBe(200);
      return (await res.json()) as EdgeBody;
    };
    const rows = ROWS.map((r) => ({ ...r, mode: r.mode as string }));
    const paper = await read("paper");
    expect(paper.edge.byMode).toEqual(
      expectancyBySymbolAndMode(
        rows.filter((r) => r.mode === "paper"),
        50,
        0.95,
      ),
    );
    expect(paper.edge.byMode.map((e) => [e.symbol, e.mode, e.expectancyBps.n])).toEqual([
      ["BTCUSDT", "paper", 2],
      ["ETHUSDT", "paper", 1],
    ]);
    const body = await read("live");
    expect(body.edge.byMode.map((e) => [e.symbol, e.mode, e.expectancyBps.n])).toEqual([["BTCUSDT", "live", 2]]);
    // Live BTC: −0.3 and −0.5 on 100 USDT = −30 and −50 bps.
    expect(body.edge.byMode[0].expectancyBps.mean).toBeCloseTo(-40, 9);
    expect(body.formulas["edge.byMode.expectancyBps"]).toMatch(/paper, live apart/);
    expect(body.formulas["edge.monitor.symbols.markoutsBps"]).toMatch(/sign flipped for shorts/);
  });

  it("shows the portfolio's live monitor: markouts of the entry decisions the Coordinator saw, guard off by default", async () => {
    const c = env.COORDINATOR.getByName(COORDINATOR_NAME);
    await c.reportPrices("SOLUSDT", [{ ts: T0, price: 100 }]);
    const d = await c.requestEntry({ symbol: "SOLUSDT", side: "short", notional: 100, ts: T0 + 1 });
    expect(d.ok).toBe(true);
    await c.reportPrices("SOLUSDT", [{ ts: T0 + 6_000, price: 99.9 }]);
    const body = (await (await api("/api/stats")).json()) as EdgeBody;
    expect(body.edge.monitor).toMatchObject({ enabled: false, confidence: 0.95, horizonsMs: [5_000, 30_000, 120_000] });
    const sol = body.edge.monitor.symbols.find((s) => s.symbol === "SOLUSDT");
    expect(sol?.markoutsBps["5000"].n).toBe(1);
    // A short from 100 with the price at 99.9 five seconds later: +10 bps.
    expect(sol?.markoutsBps["5000"].mean).toBeCloseTo(10, 9);
  });
});
