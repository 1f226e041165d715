/**
 * Cron triggers (UTC) and the `scheduled()` handler. The schedules must match `[triggers] crons`
 * in wrangler.toml. The jobs themselves land in later issues; for now each run only logs its name.
 * @module
 */
import type { Env } from "./env";

/** Cron expressions by job: a 5-minute watchdog over the symbol agents and the daily rollup at 00:05 UTC. */
export const CRONS = {
  watchdog: "*/5 * * * *",
  dailyRollup: "5 0 * * *",
} as const;

/** Name of a scheduled job. */
export type CronJob = keyof typeof CRONS;

/** The job a cron expression triggers, or `null` for an expression this Worker does not schedule. */
export function cronJob(cron: string): CronJob | null {
  for (const job of Object.keys(CRONS) as CronJob[]) {
    if (CRONS[job] === cron) return job;
  }
  return null;
}

/** `scheduled()` handler: logs which job fired and does nothing else yet. */
export const scheduled: ExportedHandlerScheduledHandler<Env> = async (controller) => {
  console.log(JSON.stringify({ event: "cron", cron: controller.cron, job: cronJob(controller.cron) }));
};
