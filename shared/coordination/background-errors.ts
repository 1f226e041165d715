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

/** The storage {@link BackgroundErrorBook} keeps its count in (the Coordinator's `ctx.storage.kv`, a Map in tests). */
export interface BackgroundErrorKv {
  get<T>(key: string): T | undefined;
  put(key: string, value: unknown): void;
}

/** Storage key of the account's background error count (the count survives an eviction). */
export const BACKGROUND_ERRORS_KEY = "backgroundErrors";

/** The account's stored count: every failure is logged with its context, then counted. */
export class BackgroundErrorBook {
  constructor(
    private readonly kv: BackgroundErrorKv,
    private readonly o: { readonly now: () => number; readonly log: (line: string) => void },
  ) {}

  /** The count so far. */
  get(): BackgroundErrors {
    return this.kv.get<BackgroundErrors>(BACKGROUND_ERRORS_KEY) ?? NO_BACKGROUND_ERRORS;
  }

  /** Logs `what` failed with `e` (one JSON line) and counts it. */
  note(what: string, e: unknown): BackgroundErrors {
    const message = e instanceof Error ? e.message : String(e);
    this.o.log(JSON.stringify({ event: "background_error", what, error: message }));
    const next = noteBackgroundError(this.get(), what, message, this.o.now());
    this.kv.put(BACKGROUND_ERRORS_KEY, next);
    return next;
  }

  /** Runs `task` outside any caller's call (a timer): a throw is noted here, as nobody else would see it. */
  guard(what: string, task: () => void): void {
    try {
      task();
    } catch (e) {
      this.note(what, e);
    }
  }
}
