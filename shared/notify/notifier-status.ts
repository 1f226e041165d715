/**
 * What the Notifier shows (`GET /api/notifications`): plain data, shared by the Durable Object and
 * the dashboard.
 * @module
 */
import type { FlattenRecord } from "./auto-flatten";
import type { DeliveryRecord } from "./notify-outbox";
import type { ChannelName } from "./render";
import type { WatchdogVerdict } from "./watchdog";

/** One channel as the dashboard shows it: never a secret, only whether it is set. */
export interface ChannelStatus {
  readonly configured: boolean;
  readonly enabled: boolean;
  readonly events: readonly string[];
}

/** The channels, the last deliveries, the totals and the watchdog's last verdicts. */
export interface NotifierStatus {
  readonly channels: Readonly<Record<ChannelName, ChannelStatus>>;
  readonly recent: readonly DeliveryRecord[];
  readonly stats: { sent: number; failed: number; expired: number; dropped: number; pending: number };
  readonly watchdog: {
    readonly at: number | null;
    readonly verdicts: readonly WatchdogVerdict[];
    /** The last auto-flattens (closes at the exchange), newest first. */
    readonly flattened: readonly FlattenRecord[];
  };
}
