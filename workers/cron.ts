/**
 * Cron triggers (UTC) and the `scheduled()` handler. The schedules must match `[triggers] crons`
 * in wrangler.toml. The watchdog asks every enabled symbol's agent to make sure it runs; the daily
 * rollup refreshes `daily_stats` and mirrors the config audit into D1. Each run logs one JSON line.
 * @module
 */
import type { AgentStatus, CoordinatorApi } from "../shared/coordination/rpc-contracts";
import { WatchdogConfig } from "../shared/config/notify-schema";
import type { BotConfig } from "../shared/config/schema";
import type { ExchangeCloser } from "../shared/coordination/flatten-everywhere";
import type { TradingMode } from "../shared/exchange/bitget/bitget-account";
import { type FlattenRecord, flattenRecord, flattenTargets } from "../shared/notify/auto-flatten";
import { openExchangeCloser } from "../durable-objects/exchange-closer";
import { TRADE_MODES } from "../shared/db/schema";
import { dailySummaryFigures } from "../shared/notify/daily-summary";
import { dailySummary, type NotifyEvent } from "../shared/notify/notify-event";
import {
  type AgentObservation,
  judgeAgent,
  type WatchdogThresholds,
  type WatchdogVerdict,
} from "../shared/notify/watchdog";
import { callAgents, coordinatorOf, type AgentOutcome } from "../durable-objects/agent-rpc";
import type { Env } from "./env";
import { ledgerDb } from "../durable-objects/ledger";
import { mirrorConfigAudit, type RolledUpDay, rollupDailyStats } from "./rollup";
import { notifierOf } from "./routes/notifications";
import { reportBackgroundError } from "./background-errors";
import { startEquityOf } from "../shared/config/settings";
import { loadWindow, windowStats } from "./stats";
import { DAY_MS, startOfUtcDay } from "./time-params";

/** Cron expressions by job: a once-a-minute watchdog over the symbol agents and the daily rollup at 00:05 UTC. */
export const CRONS = {
  watchdog: "* * * * *",
  dailyRollup: "5 0 * * *",
} as const;

/** Name of a scheduled job. */
export type CronJob = keyof typeof CRONS;

/** Audit entries the rollup mirrors per run (the newest ones). */
export const AUDIT_MIRROR_LIMIT = 200;

/** The job a cron expression triggers, or `null` for an expression this Worker does not schedule. */
export function cronJob(cron: string): CronJob | null {
  for (const job of Object.keys(CRONS) as CronJob[]) {
    if (CRONS[job] === cron) return job;
  }
  return null;
}

/** One agent's answer to the watchdog: whether it runs now, or why the call failed, and the verdict on it. */
export type WatchdogResult = (
  | { readonly symbol: string; readonly ok: true; readonly running: boolean }
  | { readonly symbol: string; readonly ok: false; readonly error: string }
) & { readonly verdict: WatchdogVerdict };

/** What the watchdog sees in an agent's answer (or its failure to answer in time). */
export function observe(o: AgentOutcome<AgentStatus>, now: number): AgentObservation {
  if (!o.ok)
    return {
      symbol: o.symbol,
      reachable: false,
      error: o.error,
      running: false,
      lastFrameAgeMs: null,
      lastAlarmAgeMs: null,
      hasPosition: false,
      stopArmed: null,
    };
  const s = o.value;
  return {
    symbol: o.symbol,
    reachable: true,
    ...(s.error ? { error: s.error } : {}),
    running: s.running,
    lastFrameAgeMs: s.feed?.lastFrameAgeMs ?? null,
    lastAlarmAgeMs: s.lastAlarmAt === null ? null : Math.max(0, now - s.lastAlarmAt),
    hasPosition: s.position !== null,
    stopArmed: null,
  };
}

/**
 * Calls `ensureRunning()` on the agent of every enabled symbol, in parallel, and judges each answer
 * (silence, unreachable, stopped); never throws on an agent failure.
 */
export async function runWatchdog(
  coordinator: Pick<CoordinatorApi, "symbols">,
  agents: Pick<Env, "SYMBOL_AGENT">,
  now = Date.now(),
  thresholds: WatchdogThresholds = WatchdogConfig.parse({}),
): Promise<WatchdogResult[]> {
  const enabled = (await coordinator.symbols()).filter((s) => s.enabled).map((s) => s.symbol);
  const outcomes = await callAgents(agents, enabled, "ensureRunning", (a) => a.ensureRunning());
  return outcomes.map((o: AgentOutcome<AgentStatus>) => {
    const verdict = judgeAgent(observe(o, now), thresholds);
    return o.ok ? { symbol: o.symbol, ok: true, running: o.value.running, verdict } : { ...o, verdict };
  });
}

/** Opens the exchange the auto-flatten closes through (default: the Worker's Bitget secrets, exchange-closer.ts). */
export type CloserOpener = (env: Env, trading: TradingMode) => Promise<Pick<ExchangeCloser, "close"> | string>;

/**
 * `watchdog.autoFlatten`: the symbols whose agent is silent or unreachable are closed through the
 * exchange directly (reduce-only market), never through the agent. One record per close made or
 * failed; a symbol the exchange holds nothing of gives none.
 */
export async function autoFlatten(
  env: Env,
  verdicts: readonly WatchdogVerdict[],
  config: Pick<BotConfig, "mode" | "watchdog">,
  now: number,
  open: CloserOpener = openExchangeCloser,
): Promise<FlattenRecord[]> {
  const targets = flattenTargets(verdicts, { autoFlatten: config.watchdog.autoFlatten, mode: config.mode });
  if (targets.length === 0 || config.mode === "paper") return [];
  const closer = await open(env, config.mode).catch((e: unknown) => `the exchange could not be opened: ${String(e)}`);
  const records: FlattenRecord[] = [];
  for (const symbol of targets) {
    const result =
      typeof closer === "string"
        ? closer
        : await closer
            .close(symbol)
            .catch((e: unknown) => `the close failed: ${e instanceof Error ? e.message : String(e)}`);
    const record = flattenRecord(symbol, now, result);
    if (record) records.push(record);
  }
  return records;
}

/** The watchdog run: verdicts (and auto-flattens) handed to the Notifier, which alerts, records and keeps the last ones. */
async function watchdogJob(env: Env, now: number): Promise<{ results: WatchdogResult[]; flattened: FlattenRecord[] }> {
  const coordinator = coordinatorOf(env);
  const { config } = await coordinator.getConfig();
  const results = await runWatchdog(coordinator, env, now, config.watchdog);
  const verdicts = results.map((r) => r.verdict);
  const flattened = await autoFlatten(env, verdicts, config, now);
  await notifierOf(env).watchdog(verdicts, now, flattened);
  return { results, flattened };
}

/**
 * The summaries of the last complete UTC day before `now`, one per mode that had trades that day
 * (paper, demo and live apart, each on its own ledger and capital, as `/api/stats?mode=`).
 */
export async function yesterdaySummaries(env: Env, now: number): Promise<NotifyEvent[]> {
  const to = startOfUtcDay(now) - 1;
  const from = startOfUtcDay(now) - DAY_MS;
  const out: NotifyEvent[] = [];
  for (const mode of TRADE_MODES) {
    const window = await loadWindow(ledgerDb(env.DB), startEquityOf(env.START_EQUITY), from, to, mode);
    if (window === null || window.rows.length === 0 || !(window.capital > 0)) continue;
    const [day] = windowStats(window.rows, window.capital, from, to).daily;
    if (!day) continue;
    const nets = window.rows.map((r) => r.netPnl);
    out.push(dailySummary(dailySummaryFigures(day, nets, mode), now));
  }
  return out;
}

/** Refreshes the last complete days of `daily_stats` and mirrors the newest config audit entries. */
export async function runDailyRollup(
  env: Env,
  now: number,
): Promise<{ dates: string[]; rows: RolledUpDay[]; auditMirrored: number }> {
  const db = ledgerDb(env.DB);
  const rows = await rollupDailyStats(db, startEquityOf(env.START_EQUITY), now);
  const audit = await coordinatorOf(env).configAudit(AUDIT_MIRROR_LIMIT);
  const mirrored = await mirrorConfigAudit(db, audit);
  const dates = [...new Set(rows.map((r) => r.date))].sort();
  return { dates, rows, auditMirrored: mirrored.inserted };
}

/**
 * `scheduled()` handler: runs the job of the cron expression and logs what it did; a job that throws
 * is logged with its cron and counted (`backgroundErrors` in `/api/portfolio`), then rethrown so the
 * platform records the failed run too.
 */
export const scheduled: ExportedHandlerScheduledHandler<Env> = async (controller, env, ctx) => {
  try {
    await runJob(controller, env, ctx);
  } catch (e) {
    await reportBackgroundError(env, `cron ${cronJob(controller.cron)}`, e, { cron: controller.cron });
    throw e;
  }
};

const runJob: ExportedHandlerScheduledHandler<Env> = async (controller, env) => {
  const job = cronJob(controller.cron);
  const base = { event: "cron", cron: controller.cron, job };
  if (job === "watchdog") {
    const { results, flattened } = await watchdogJob(env, controller.scheduledTime);
    for (const f of flattened) console.warn(JSON.stringify({ event: "auto_flatten", ...f }));
    console.log(JSON.stringify({ ...base, results, flattened }));
    return;
  }
  if (job === "dailyRollup") {
    const rollup = await runDailyRollup(env, controller.scheduledTime);
    const summaries = await yesterdaySummaries(env, controller.scheduledTime);
    if (summaries.length > 0) await notifierOf(env).notify(summaries);
    console.log(JSON.stringify({ ...base, ...rollup, summaries: summaries.map((x) => x.text) }));
    return;
  }
  console.warn(JSON.stringify(base));
};
