import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { daily } from "../../shared/backtest/metrics";
import type { ClosedTrade } from "../../shared/strategy/types";
import { CRONS, cronJob, runWatchdog, yesterdaySummaries } from "../../workers/cron";
import worker from "../../workers/index";
import { insertTrades, ledgerDb } from "../../durable-objects/ledger";
import { fakeAgents, tradeRow } from "./helpers";

const DAY = 86_400_000;

async function runCron(cron: string, scheduledTime: number): Promise<Record<string, unknown>> {
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron, scheduledTime }), env, ctx);
  await waitOnExecutionContext(ctx);
  const line = log.mock.calls.map((c) => String(c[0])).find((l) => l.includes('"event":"cron"'));
  log.mockRestore();
  return JSON.parse(line ?? "null");
}

describe("the scheduled handler", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("maps each cron expression to its job and others to none", () => {
    expect(cronJob(CRONS.watchdog)).toBe("watchdog");
    expect(cronJob(CRONS.dailyRollup)).toBe("dailyRollup");
    expect(cronJob("0 * * * *")).toBeNull();
  });

  it("asks only the enabled symbols' agents to ensure they run", async () => {
    const coordinator = env.COORDINATOR.getByName("portfolio");
    await coordinator.setSymbolEnabled("ETHUSDT", true);
    await coordinator.setSymbolEnabled("LTCUSDT", false);
    await coordinator.setSymbolEnabled("SOLUSDT", true);
    const agents = fakeAgents(["SOLUSDT"]);
    const results = await runWatchdog(coordinator, { SYMBOL_AGENT: agents.namespace });
    expect(agents.calls.sort()).toEqual(["ETHUSDT.ensureRunning", "SOLUSDT.ensureRunning"]);
    expect(results).toMatchObject([
      { symbol: "ETHUSDT", ok: true, running: true },
      {
        symbol: "SOLUSDT",
        ok: false,
        error: "agent SOLUSDT failed ensureRunning(): SOLUSDT exploded",
        verdict: { ok: false, status: "unreachable" },
      },
    ]);
  });

  it("runs the watchdog cron over the enabled symbols and logs each outcome", async () => {
    const line = await runCron(CRONS.watchdog, Date.UTC(2026, 3, 20));
    expect(line).toMatchObject({ event: "cron", cron: CRONS.watchdog, job: "watchdog" });
    expect((line.results as { symbol: string }[]).map((r) => r.symbol)).toEqual(["ETHUSDT", "SOLUSDT"]);
  });

  it("runs the daily rollup: daily_stats for the last three complete days and the config audit mirrored", async () => {
    const now = Date.UTC(2026, 3, 20, 0, 5);
    const day1 = Date.UTC(2026, 3, 17);
    const rows = [
      tradeRow(1, { exitTime: day1 - DAY, netPnl: 50 }),
      tradeRow(2, { exitTime: day1 + 1000, netPnl: 3, grossPnl: 3.2, fees: 0.2 }),
      tradeRow(3, { exitTime: day1 + 2 * DAY + 5000, netPnl: -4, grossPnl: -3.6, fees: 0.4 }),
      tradeRow(4, { exitTime: now - 1000 + 2 * 60_000, netPnl: 100 }),
    ];
    await insertTrades(ledgerDb(env.DB), rows);
    const change = await env.COORDINATOR.getByName("portfolio").patchConfig({ gates: { minScore: 88 } });
    if (!change.ok) throw new Error("patch failed");

    const line = await runCron(CRONS.dailyRollup, now);
    expect(line).toMatchObject({ job: "dailyRollup", dates: ["2026-04-17", "2026-04-18", "2026-04-19"] });

    const capital = 1000 + 50;
    const inWindow = [rows[1], rows[2]] as unknown as ClosedTrade[];
    const curve = [
      { ts: day1, equity: capital },
      { ts: rows[1].exitTime, equity: capital + 3 },
      { ts: rows[2].exitTime, equity: capital - 1 },
      { ts: day1 + 3 * DAY - 1, equity: capital - 1 },
    ];
    const want = daily({ trades: inWindow, capital, equityCurve: curve });
    const stored = await env.DB.prepare("SELECT * FROM daily_stats ORDER BY date").all<Record<string, unknown>>();
    expect(
      stored.results.map((r) => ({
        date: r.date,
        trades: r.trades,
        net: r.net_pnl,
        start: r.start_equity,
        end: r.end_equity,
        ret: r.return,
        computedAt: r.computed_at,
      })),
    ).toEqual(
      want.map((d) => ({
        date: d.date,
        trades: d.trades,
        net: d.netPnl,
        start: d.startEquity,
        end: d.endEquity,
        ret: d.return,
        computedAt: now,
      })),
    );

    const audit = await env.DB.prepare("SELECT version, previous_version AS prev FROM config_audit WHERE at = ?")
      .bind(change.at)
      .first();
    expect(audit).toEqual({ version: change.version, prev: change.previousVersion });
  });

  it("refreshes the same days on a rerun instead of duplicating them", async () => {
    const now = Date.UTC(2026, 3, 20, 0, 5);
    await insertTrades(ledgerDb(env.DB), [tradeRow(9, { exitTime: Date.UTC(2026, 3, 19, 12), netPnl: 7 })]);
    await runCron(CRONS.dailyRollup, now + 60_000);
    const rows = await env.DB.prepare("SELECT date, trades, computed_at AS at FROM daily_stats ORDER BY date").all<{
      date: string;
      trades: number;
      at: number;
    }>();
    expect(rows.results.map((r) => r.date)).toEqual(["2026-04-17", "2026-04-18", "2026-04-19"]);
    expect(rows.results[2]).toEqual({ date: "2026-04-19", trades: 2, at: now + 60_000 });
  });

  it("rolls up and summarises each mode on its own: paper and live trades on the same day give two rows and two summaries, each of its mode's trades", async () => {
    const now = Date.UTC(2026, 4, 10, 0, 5);
    const day = Date.UTC(2026, 4, 9);
    await insertTrades(ledgerDb(env.DB), [
      tradeRow(101, { mode: "paper", exitTime: day + 60_000, netPnl: 2, grossPnl: 2.1, fees: 0.1 }),
      tradeRow(102, { mode: "paper", exitTime: day + 120_000, netPnl: -1, grossPnl: -0.8, fees: 0.2 }),
      tradeRow(103, { mode: "live", exitTime: day + 90_000, netPnl: 5, grossPnl: 5.3, fees: 0.3 }),
    ]);

    const line = await runCron(CRONS.dailyRollup, now);
    expect(line.rows).toEqual(
      expect.arrayContaining([
        { date: "2026-05-09", mode: "paper" },
        { date: "2026-05-09", mode: "live" },
      ]),
    );
    expect(line.summaries).toHaveLength(2);
    const stored = await env.DB.prepare(
      "SELECT mode, trades, wins, net_pnl AS net, fees FROM daily_stats WHERE date = ? ORDER BY mode",
    )
      .bind("2026-05-09")
      .all<{ mode: string; trades: number; wins: number; net: number; fees: number }>();
    expect(stored.results.map((r) => ({ ...r, fees: Number(r.fees.toFixed(9)) }))).toEqual([
      { mode: "live", trades: 1, wins: 1, net: 5, fees: 0.3 },
      { mode: "paper", trades: 2, wins: 1, net: 1, fees: 0.3 },
    ]);

    const summaries = await yesterdaySummaries(env, now);
    expect(summaries.map((e) => e.key).sort()).toEqual(["daily:live:2026-05-09", "daily:paper:2026-05-09"]);
    const of = (mode: string) => summaries.find((e) => e.data.mode === mode)?.data;
    expect(of("paper")).toMatchObject({ trades: 2, netPnl: 1, bestTrade: 2, worstTrade: -1, winRatePct: 50 });
    expect(of("paper")?.fees).toBeCloseTo(0.3, 12);
    expect(of("live")).toMatchObject({ trades: 1, netPnl: 5, fees: 0.3, bestTrade: 5, worstTrade: 5, winRatePct: 100 });
    expect(summaries.find((e) => e.data.mode === "live")?.text).toMatch(/^2026-05-09 live: 1 trades/);
  });
});
