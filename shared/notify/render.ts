/**
 * How a batch of events reads in each channel. Chat channels get one message of lines (a burst is
 * coalesced into one message), cut to the channel's length limit; the webhook gets the events as JSON.
 * @module
 */
import type { NotifyEvent, NotifySeverity } from "./notify-event";

/** The channels the bot can notify. */
export const CHANNELS = ["telegram", "discord", "webhook"] as const;

/** One channel. */
export type ChannelName = (typeof CHANNELS)[number];

/** Longest message text per chat channel (Telegram 4096 characters, Discord 2000); the webhook counts events. */
export const MESSAGE_CHARS: Readonly<Record<Exclude<ChannelName, "webhook">, number>> = {
  telegram: 4096,
  discord: 2000,
};

const MARK: Record<NotifySeverity, string> = { info: "•", warning: "⚠", critical: "‼" };

/** One event as a chat line. */
export function eventLine(e: NotifyEvent): string {
  return `${MARK[e.severity]} ${e.text}`;
}

/** A chat message for `events`: a header when there are several, then one line each. */
export function chatText(events: readonly NotifyEvent[]): string {
  const lines = events.map(eventLine);
  return events.length === 1 ? lines[0] : [`edge-scalper: ${events.length} events`, ...lines].join("\n");
}

/**
 * How many of `events` (from the first) fit one message of `channel`: at least one (a single
 * over-long line is cut by {@link fitText}), at most `maxEvents`.
 */
export function eventsThatFit(channel: ChannelName, events: readonly NotifyEvent[], maxEvents: number): number {
  const n = Math.min(events.length, maxEvents);
  if (channel === "webhook") return n;
  const limit = MESSAGE_CHARS[channel];
  let chars = "edge-scalper: 0000 events".length;
  for (let i = 0; i < n; i++) {
    chars += 1 + eventLine(events[i]).length;
    if (chars > limit) return Math.max(1, i);
  }
  return n;
}

/** Cuts a text to `limit` characters, marking the cut. */
export function fitText(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}
