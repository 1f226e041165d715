/**
 * The runner's time policy. Its clock is the exchange time of the events; wall time enters only as
 * the shell's `now` when it asks for a silent tick (the Durable Object's alarm).
 * @module
 */

/** The market counts as silent after this long without an event, ms. */
export const SILENT_AFTER_MS = 3_000;
/** Silent ticks stop this far behind the estimated exchange time, ms (keeps a late print inside its bar). */
export const LATE_MARGIN_MS = 1_000;

/**
 * The exchange clock now, estimated as the last event's exchange time plus the wall time since it
 * arrived. Live, this is about the wall clock; while the local venue replays an old recording it
 * stays on the recording's clock, so silent ticks and a flatten never jump to today's date.
 * @param lastTs exchange time of the newest event (0: none yet)
 * @param lastEventAt wall time it arrived (0: none yet)
 * @param now wall time now
 */
export function exchangeNow(lastTs: number, lastEventAt: number, now: number): number {
  if (lastTs <= 0 || lastEventAt <= 0) return now;
  return lastTs + Math.max(0, now - lastEventAt);
}

/**
 * The exchange time to tick a silent market to, or null while it is not silent: after
 * {@link SILENT_AFTER_MS} without an event, {@link LATE_MARGIN_MS} behind the estimated exchange time.
 * @example silentTickAt(10_000, 20_000, 24_000) // 13_000: 4 s of silence, ticked to 14 000 − 1 000
 */
export function silentTickAt(lastTs: number, lastEventAt: number, now: number): number | null {
  if (lastEventAt <= 0 || now - lastEventAt < SILENT_AFTER_MS) return null;
  return exchangeNow(lastTs, lastEventAt, now) - LATE_MARGIN_MS;
}

/**
 * A time whose second (`floor(ts / 1000)`) is at most `sec` (1 ms before the next second, or −∞
 * where rounding could tell otherwise): the second never decreases with `ts`, so every time up to
 * it is in `sec` or earlier, and the per-event check needs no division.
 */
export function lastTsOfSecond(sec: number): number {
  const ts = (sec + 1) * 1000 - 1;
  return Math.floor(ts / 1000) <= sec ? ts : -Infinity;
}
