/**
 * Forward horizons of the signals study, written as the CLI takes them: `5s`, `30s`, `2m`, `10m`,
 * `1h` (whole seconds: the study samples once a second).
 * @module
 */

/** A horizon list, or an error naming the bad part. */
export type HorizonsResult =
  | { readonly ok: true; readonly seconds: number[] }
  | { readonly ok: false; readonly error: string };

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600 };
/** Longest horizon accepted: a day (a study of seconds-to-minutes scalping signals). */
export const MAX_HORIZON_SECONDS = 86_400;

/**
 * Parses a comma-separated horizon list (`5s,30s,2m,10m`) into seconds, ascending and without
 * repeats. Each item is a positive integer and a unit (s, m or h).
 */
export function parseHorizons(text: string): HorizonsResult {
  const items = text.split(",").map((s) => s.trim());
  const seconds = new Set<number>();
  for (const item of items) {
    const m = /^(\d+)(s|m|h)$/.exec(item);
    if (m === null)
      return {
        ok: false,
        error: `horizon ${JSON.stringify(item)} is not a whole number with a unit s, m or h (e.g. 5s,30s,2m,10m)`,
      };
    const s = Number(m[1]) * UNIT_SECONDS[m[2]];
    if (s <= 0) return { ok: false, error: `horizon ${JSON.stringify(item)} must be longer than 0` };
    if (s > MAX_HORIZON_SECONDS)
      return { ok: false, error: `horizon ${JSON.stringify(item)} is longer than a day (${MAX_HORIZON_SECONDS} s)` };
    seconds.add(s);
  }
  return { ok: true, seconds: [...seconds].sort((a, b) => a - b) };
}

/** The label of a horizon in seconds: `5s`, `2m`, `1h` (the largest unit that divides it). */
export function horizonLabel(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
