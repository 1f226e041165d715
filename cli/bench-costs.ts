/**
 * `npm run bench`'s cost counts (issue #16 §4), measured in a real run through the local stack: the
 * demo's venue market (seed 1, real time) for {@link COST_SYMBOLS}, `wrangler dev` in paper mode with
 * the demo's config, the symbols started, and the cron watchdog fired once a minute
 * (`--test-scheduled`) as Cloudflare would. At the end each agent's own counts are read from
 * `GET /api/symbols/:symbol` (durable-objects/symbol-agent.ts, shared/runner/agent-usage.ts):
 *
 * - `doRequestsPerSymbolMinute`: Durable Object requests per symbol and minute of wall time that run
 *   without anyone watching: the agent's alarms and the watchdog's `ensureRunning` (requests it
 *   serves) plus its RPCs to the Coordinator and the Notifier (requests it causes). Operator calls
 *   (start, status reads, the dashboard) are not in it: they scale with the dashboard, not the symbols.
 * - `d1RowsPerTrade`: D1's own `rows_written` (index entries included: what D1 bills) of the agents'
 *   outbox flushes, per closed trade the flushes carried.
 * @module
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { AgentStatusView } from "../shared/runner/agent-status";
import type { AgentUsageCounts } from "../shared/runner/agent-usage";
import { DEMO_CONFIG } from "./demo";
import { startStack, type Stack } from "./stack";
import { startVenue, type Venue } from "./venue/server";

/** Symbols of the cost run (the demo's first three). */
export const COST_SYMBOLS = ["BTCUSDT", "ETHUSDT", "SOLUSDT"] as const;

/** One measured figure (the shape of cli/bench.ts's table rows). */
export interface CostFigure {
  readonly key: string;
  readonly value: number;
  readonly unit: string;
  readonly note: string;
}

/** The counts of a run, summed over the symbols. */
export interface CostTotals {
  readonly symbolMinutes: number;
  readonly alarms: number;
  readonly watchdogCalls: number;
  readonly coordinatorCalls: number;
  readonly notifierCalls: number;
  readonly d1RowsWritten: number;
  readonly d1TradesWritten: number;
  readonly d1FillsWritten: number;
}

/** Sums the agents' counts; each agent's minutes run from its object's start to `now`. */
export function costTotals(usages: readonly AgentUsageCounts[], now: number): CostTotals {
  const sum = (f: (u: AgentUsageCounts) => number) => usages.reduce((a, u) => a + f(u), 0);
  return {
    symbolMinutes: sum((u) => (now - u.since) / 60_000),
    alarms: sum((u) => u.alarms),
    watchdogCalls: sum((u) => u.watchdogCalls),
    coordinatorCalls: sum((u) => u.coordinatorCalls),
    notifierCalls: sum((u) => u.notifierCalls),
    d1RowsWritten: sum((u) => u.d1RowsWritten),
    d1TradesWritten: sum((u) => u.d1TradesWritten),
    d1FillsWritten: sum((u) => u.d1FillsWritten),
  };
}

/** The two figures from the totals; `d1RowsPerTrade` only when a trade was written. */
export function costFigures(t: CostTotals, minutes: number): CostFigure[] {
  const requests = t.alarms + t.watchdogCalls + t.coordinatorCalls + t.notifierCalls;
  const run = `${COST_SYMBOLS.length} paper symbols on the demo's venue market for ${minutes} min through wrangler dev, the watchdog cron fired every minute`;
  const out: CostFigure[] = [
    {
      key: "doRequestsPerSymbolMinute",
      value: requests / t.symbolMinutes,
      unit: "req",
      note: `${requests} requests in ${t.symbolMinutes.toFixed(1)} symbol-minutes (each agent counts since its object last started): ${t.alarms} alarms, ${t.watchdogCalls} watchdog calls, ${t.coordinatorCalls} Coordinator RPCs, ${t.notifierCalls} Notifier RPCs; ${run}`,
    },
  ];
  if (t.d1TradesWritten > 0)
    out.push({
      key: "d1RowsPerTrade",
      value: t.d1RowsWritten / t.d1TradesWritten,
      unit: "rows",
      note: `D1 rows_written ${t.d1RowsWritten} (index entries included) for ${t.d1TradesWritten} trades and ${t.d1FillsWritten} fills flushed; ${run}`,
    });
  else console.error("bench: d1RowsPerTrade skipped: no trade closed and reached D1 during the cost run");
  return out;
}

/** Runs the stack for `minutes` (default 2 quick, 5 otherwise) and measures the counts; [] when the stack cannot run. */
export async function benchCosts(quick: boolean, minutes = quick ? 2 : 5): Promise<CostFigure[]> {
  const persistTo = mkdtempSync(join(tmpdir(), "edge-scalper-bench-costs-"));
  let venue: Venue | null = null;
  let stack: Stack | null = null;
  try {
    venue = await startVenue({ synthetic: { symbols: COST_SYMBOLS, seed: 1 }, speed: 1, log: () => {} });
    stack = await startStack({
      port: 0,
      feedUrl: venue.urls.wsPublic,
      persistTo,
      config: DEMO_CONFIG,
      testScheduled: true,
    });
    for (const s of COST_SYMBOLS) await stack.api("POST", `/api/symbols/${s}/start`);
    for (let m = 0; m < minutes; m++) {
      await sleep(60_000);
      const res = await fetch(`${stack.url}/__scheduled?cron=${encodeURIComponent("* * * * *")}`);
      if (!res.ok) throw new Error(`the watchdog cron did not run: HTTP ${res.status}`);
    }
    const now = Date.now();
    const usages: AgentUsageCounts[] = [];
    for (const s of COST_SYMBOLS) {
      const { status } = await stack.api<{ status: AgentStatusView }>("GET", `/api/symbols/${s}`);
      if (!status.usage) throw new Error(`the ${s} agent reported no usage counts`);
      usages.push(status.usage);
    }
    return costFigures(costTotals(usages, now), minutes);
  } catch (e) {
    console.error(`bench: cost figures skipped: ${(e as Error).message}`);
    return [];
  } finally {
    await stack?.stop();
    await venue?.close();
    rmSync(persistTo, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith("bench-costs.ts")) {
  const minutes = Number(process.argv[2] ?? 5);
  benchCosts(false, minutes).then((figures) => console.log(JSON.stringify(figures, null, 2)));
}
