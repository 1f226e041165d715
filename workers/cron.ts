/**
 * Cron triggers (UTC) and the `scheduled()` handler. The schedules must match `[triggers] crons`
 * in wrangler.toml. The watchdog asks every enabled symbol's agent to make sure it runs; the daily
 * rollup refreshes `daily_stats` and mirrors the config audit into D1. Each run logs one JSON line.
 * @module
 */
import type { CoordinatorApi } from "../durable-objects/contracts";
import { callAgents, coordinatorOf, type AgentOutcome } from "./agents";
import type { Env } from "./env";
import { ledgerDb } from "./ledger";
import { mirrorConfigAudit, rollupDailyStats } from "./rollup";
import { startEquityOf } from "./settings";

/** Cron expressions by job: a 5-minute watchdog over the symbol agents and the daily rollup at 00:05 UTC. */
export const CRONS = {
  watchdog: "*/5 * * * *",
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

/** One agent's answer to the watchdog: whether it runs now, or why the call failed. */
export type WatchdogResult =
  | { readonly symbol: string; readonly ok: true; readonly running: boolean }
  | { readonly symbol: string; readonly ok: false; readonly error: string };

/** Calls `ensureRunning()` on the agent of every enabled symbol, in parallel; never throws on an agent failure. */
export async function runWatchdog(
  coordinator: Pick<CoordinatorApi, "symbols">,
  agents: Pick<Env, "SYMBOL_AGENT">,
): Promise<WatchdogResult[]> {
  const enabled = (await coordinator.symbols()).filter((s) => s.enabled).map((s) => s.symbol);
  const outcomes = await callAgents(agents, enabled, "ensureRunning", (a) => a.ensureRunning());
  return outcomes.map((o: AgentOutcome<{ running: boolean }>) =>
    o.ok ? { symbol: o.symbol, ok: true, running: o.value.running } : o,
  );
}

/** Refreshes the last complete days of `daily_stats` and mirrors the newest config audit entries. */
export async function runDailyRollup(env: Env, now: number): Promise<{ dates: string[]; auditMirrored: number }> {
  const db = ledgerDb(env.DB);
  const dates = await rollupDailyStats(db, startEquityOf(env.START_EQUITY), now);
  const audit = await coordinatorOf(env).configAudit(AUDIT_MIRROR_LIMIT);
  const mirrored = await mirrorConfigAudit(db, audit);
  return { dates, auditMirrored: mirrored.inserted };
}

/** `scheduled()` handler: runs the job of the cron expression and logs what it did. */
export const scheduled: ExportedHandlerScheduledHandler<Env> = async (controller, env) => {
  const job = cronJob(controller.cron);
  const base = { event: "cron", cron: controller.cron, job };
  if (job === "watchdog") {
    console.log(JSON.stringify({ ...base, results: await runWatchdog(coordinatorOf(env), env) }));
    return;
  }
  if (job === "dailyRollup") {
    console.log(JSON.stringify({ ...base, ...(await runDailyRollup(env, controller.scheduledTime)) }));
    return;
  }
  console.warn(JSON.stringify(base));
};
