/**
 * Turns the watchdog's verdicts into messages: one when a symbol's verdict turns bad (keyed by when
 * the problem began, so every later run of the same problem is the same message) and one when it
 * recovers.
 * @module
 */
import { type NotifyEvent, problem } from "./notify-event";
import type { WatchdogVerdict } from "./watchdog";

/** The messages of this run and the updated "problem since" map. */
export function watchdogEvents(
  verdicts: readonly WatchdogVerdict[],
  since: Readonly<Record<string, number>>,
  now: number,
): { events: NotifyEvent[]; problemSince: Record<string, number> } {
  const events: NotifyEvent[] = [];
  const problemSince: Record<string, number> = {};
  for (const v of verdicts) {
    const began = since[v.symbol];
    if (!v.ok) {
      const start = began ?? now;
      problemSince[v.symbol] = start;
      const position = v.hasPosition ? " (a position is open)" : "";
      events.push(
        problem({
          kind: "watchdog",
          symbol: v.symbol,
          message: `${v.status}: ${v.detail}${position}`,
          ts: now,
          occurrence: String(start),
        }),
      );
      continue;
    }
    if (began !== undefined)
      events.push({
        ...problem({ kind: "watchdog", symbol: v.symbol, message: "recovered", ts: now, occurrence: `${began}:ok` }),
        severity: "info",
      });
  }
  return { events, problemSince };
}
