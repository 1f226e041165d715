/**
 * A token bucket on the caller's clock, as plain state so a Durable Object can store it: `capacity`
 * messages at once, then one more every `refillMs`. Channels publish their limits in these terms
 * (Discord: 5 per 2 s per webhook; Telegram: about 20 per minute in a group).
 * @module
 */

/** The limit: a burst of `capacity`, then one per `refillMs`. */
export interface RateLimit {
  readonly capacity: number;
  readonly refillMs: number;
}

/** Stored state: tokens as of `at` (ms). */
export interface BucketState {
  readonly tokens: number;
  readonly at: number;
}

/** A full bucket at `now`. */
export function fullBucket(limit: RateLimit, now: number): BucketState {
  return { tokens: limit.capacity, at: now };
}

function refill(limit: RateLimit, b: BucketState, now: number): number {
  const elapsed = Math.max(0, now - b.at);
  return Math.min(limit.capacity, b.tokens + elapsed / limit.refillMs);
}

/** Takes one token if there is one: the new state, or null when the limit says wait. */
export function takeToken(limit: RateLimit, b: BucketState, now: number): BucketState | null {
  const tokens = refill(limit, b, now);
  return tokens >= 1 ? { tokens: tokens - 1, at: now } : null;
}

/** The earliest time a token is available (≤ `now` when one is). */
export function tokenAt(limit: RateLimit, b: BucketState, now: number): number {
  const tokens = refill(limit, b, now);
  return tokens >= 1 ? now : now + (1 - tokens) * limit.refillMs;
}
