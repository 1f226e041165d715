/**
 * The account's count of background failures nobody's request waited for (the Worker's notify
 * enqueue, its D1 audit mirror, its cron jobs; the Coordinator's own notices and config pushes):
 * each one is logged where it happens and counted here, shown in `/api/portfolio`.
 * @module
 */

/** How many background steps failed, the last one (`what: message`) and when. */
export interface BackgroundErrors {
  readonly count: number;
  readonly last: string | null;
  readonly lastAt: number | null;
}

/** None yet. */
export const NO_BACKGROUND_ERRORS: BackgroundErrors = { count: 0, last: null, lastAt: null };

/** The longest `last` kept (an error message can carry a whole response body). */
export const MAX_LAST_CHARS = 500;

/** `prev` with one more failure: `what` failed with `message` at `at`. */
export function noteBackgroundError(
  prev: BackgroundErrors,
  what: string,
  message: string,
  at: number,
): BackgroundErrors {
  const last = `${what}: ${message}`;
  return {
    count: prev.count + 1,
    last: last.length > MAX_LAST_CHARS ? `${last.slice(0, MAX_LAST_CHARS - 1)}…` : last,
    lastAt: at,
  };
}
