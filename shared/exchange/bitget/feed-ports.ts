/**
 * The time ports the WebSocket feeds are handed, so the same code runs in a Durable Object, in Node
 * and under tests with fake time.
 * @module
 */

/** Wall time, injected: ms since the epoch. */
export interface FeedClock {
  now(): number;
}

/** One-shot timers, injected (Node timers, workerd timers, or a test's fake time). */
export interface FeedTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}
