import { z } from "zod";
import { NOTIFY_KINDS } from "../notify/notify-kinds";

/**
 * Which notifications go where. Secrets (bot token, chat id, webhook URLs and secret) are Worker
 * secrets, never here: this says only which channels are on and which events each one gets.
 * @module
 */

const channel = z
  .strictObject({
    enabled: z.boolean().default(false),
    /** The kinds this channel receives; default every kind. */
    events: z
      .array(z.enum(NOTIFY_KINDS))
      .max(NOTIFY_KINDS.length)
      .default([...NOTIFY_KINDS]),
  })
  .prefault({});

/** Notification settings (off until a channel is enabled and its secrets are set). */
export const NotificationsConfig = z
  .strictObject({
    telegram: channel,
    discord: channel,
    webhook: channel,
    /** A symbol's feed is reported down only after it has been down this long (and up again once it is back). */
    feedDownAfterMs: z.number().int().min(5_000).max(3_600_000).default(60_000),
  })
  .prefault({});

/** The notification settings as parsed. */
export type NotificationsConfig = z.infer<typeof NotificationsConfig>;

/** The cron watchdog (once a minute, independent of the agents). */
export const WatchdogConfig = z
  .strictObject({
    /** No market-data frame for this long is silence. */
    silenceMs: z.number().int().min(10_000).max(3_600_000).default(60_000),
    /** No agent alarm run for this long is silence (the agent's alarm runs every few seconds). */
    alarmSilenceMs: z.number().int().min(10_000).max(3_600_000).default(120_000),
    /** On silence with an open live position, close it through the exchange directly (not the silent agent). */
    autoFlatten: z.boolean().default(false),
  })
  .prefault({});
