/**
 * The kinds of notification, a leaf module so the config schema can name them without importing the rest.
 * @module
 */

/** Every kind of notification; the bot config's channel filters name these. */
export const NOTIFY_KINDS = [
  "position_opened",
  "position_closed",
  "trading_state",
  "feed",
  "reconcile_mismatch",
  "broker_error",
  "agent_error",
  "daily_summary",
  "watchdog",
  "test",
] as const;

/** One kind of notification. */
export type NotifyKind = (typeof NOTIFY_KINDS)[number];
