/**
 * `from` / `to` query parameters: epoch milliseconds, or an ISO 8601 date or date-time (UTC unless
 * the string has an offset). A date-only `to` means the end of that UTC day, so `from=2026-04-20&to=2026-04-20`
 * is the whole day. Bounds are inclusive.
 * @module
 */
import { z } from "@hono/zod-openapi";

/** Milliseconds in a UTC day. */
export const DAY_MS = 86_400_000;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})?$/;
const MS = /^\d{1,15}$/;

/** Epoch ms of a time parameter, or null when it is neither epoch ms nor an ISO date. `endOfDay` moves a date-only value to its last millisecond. */
export function parseTimeParam(value: string, endOfDay = false): number | null {
  const v = value.trim();
  if (MS.test(v)) return Number(v);
  if (!DATE_ONLY.test(v) && !ISO.test(v)) return null;
  const t = Date.parse(DATE_ONLY.test(v) ? `${v}T00:00:00.000Z` : v);
  if (!Number.isFinite(t)) return null;
  return DATE_ONLY.test(v) && endOfDay ? t + DAY_MS - 1 : t;
}

/** zod schema of a time parameter (`endOfDay` for `to`). */
export function timeParam(endOfDay = false) {
  return z
    .string()
    .transform((s, ctx) => {
      const t = parseTimeParam(s, endOfDay);
      if (t === null) {
        ctx.addIssue({
          code: "custom",
          message: "expected epoch milliseconds or an ISO 8601 date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)",
        });
        return z.NEVER;
      }
      return t;
    })
    .openapi({
      description: "epoch milliseconds or an ISO 8601 date/date-time (UTC); a date-only `to` means the end of that day",
      example: "2026-01-31",
    });
}

/** The UTC midnight at or before `ts`. */
export function startOfUtcDay(ts: number): number {
  return Math.floor(ts / DAY_MS) * DAY_MS;
}
