/**
 * Per-endpoint request pacing for Bitget's "N requests per second" limits (bitget-v2.md §4.5).
 *
 * Each key holds a bucket of N request slots; a slot comes back one window (1 s) after the request
 * that used it. This is a token bucket whose tokens are refilled per request rather than
 * continuously: a continuous bucket (capacity N, refill N/s) admits up to 2N−1 requests in one
 * second, which a venue counting per second may reject, whereas this admits at most N in ANY window.
 * Slots are reserved synchronously on `acquire`, so concurrent callers queue in call order; callers
 * wait (through the injected `sleep`) instead of failing. O(1) per call, memory O(N) per key.
 * @module
 */

/** Clock and sleeper the limiter is handed (shared/ reads no clock of its own). */
export interface RateLimiterDeps {
  /** Current time in ms. */
  readonly now: () => number;
  /** Resolves after `ms` milliseconds. */
  readonly sleep: (ms: number) => Promise<void>;
  /** Window length in ms; 1000 for Bitget's per-second limits. */
  readonly windowMs?: number;
}

interface Bucket {
  readonly slots: Float64Array;
  head: number;
  blockedUntil: number;
}

/** Paces calls per key so that at most `limit` start within any `windowMs` window. */
export class RateLimiter {
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #windowMs: number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(deps: RateLimiterDeps) {
    this.#now = deps.now;
    this.#sleep = deps.sleep;
    this.#windowMs = deps.windowMs ?? 1000;
  }

  /**
   * Waits until a call on `key` may start under `limit` calls per window, and reserves it.
   * Resolves immediately (without calling `sleep`) when a slot is free.
   */
  async acquire(key: string, limit: number): Promise<void> {
    const wait = this.reserve(key, limit);
    if (wait > 0) await this.#sleep(wait);
  }

  /** Reserves the next slot on `key` and returns how long (ms) the caller must wait before using it. */
  reserve(key: string, limit: number): number {
    if (!(limit >= 1)) throw new RangeError(`limit must be >= 1, got ${limit}`);
    const bucket = this.#bucket(key, Math.floor(limit));
    const now = this.#now();
    const oldest = bucket.slots[bucket.head];
    const at = Math.max(now, oldest + this.#windowMs, bucket.blockedUntil);
    bucket.slots[bucket.head] = at;
    bucket.head = (bucket.head + 1) % bucket.slots.length;
    return at - now;
  }

  /** Holds every later call on `key` until `untilMs` (after a 429, "stop that endpoint", §5). */
  pause(key: string, untilMs: number): void {
    const bucket = this.#buckets.get(key);
    if (bucket) bucket.blockedUntil = Math.max(bucket.blockedUntil, untilMs);
    else this.#buckets.set(key, { slots: new Float64Array(1).fill(-Infinity), head: 0, blockedUntil: untilMs });
  }

  #bucket(key: string, limit: number): Bucket {
    const found = this.#buckets.get(key);
    if (found && found.slots.length === limit) return found;
    const bucket: Bucket = {
      slots: new Float64Array(limit).fill(-Infinity),
      head: 0,
      blockedUntil: found?.blockedUntil ?? -Infinity,
    };
    this.#buckets.set(key, bucket);
    return bucket;
  }
}
