/**
 * Which channels an event goes to: a channel takes it when it is enabled in the config, its secrets
 * are set, and its event filter names the event's kind. Test messages go to every configured channel.
 * @module
 */
import type { NotificationsConfig } from "../config/notify-schema";
import type { NotifyEvent } from "./notify-event";
import { CHANNELS, type ChannelName } from "./render";

/** The channels for `event`. */
export function routeEvent(
  event: NotifyEvent,
  settings: NotificationsConfig,
  configured: Readonly<Record<ChannelName, boolean>>,
): ChannelName[] {
  return CHANNELS.filter((c) => {
    if (!configured[c]) return false;
    if (event.kind === "test") return true;
    return settings[c].enabled && settings[c].events.includes(event.kind);
  });
}
