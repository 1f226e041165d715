/**
 * How long a Durable Object waits before a write it makes behind an order (the agent's journal row
 * and state, docs/order-journal.md) or behind an entry's approval (the Coordinator's reservation,
 * docs/coordinator-write-behind.md), ms.
 *
 * Not 0: a 0 ms timer can run before the request it follows has left, and the commit (locally an
 * `fsync`, on the one thread `wrangler dev` runs every object on) then holds it back. Measured with
 * none of our code (`node --import tsx cli/bench-floor.ts`, 300 interleaved trips each, load 1.0 on
 * 2 cores, 2026-12-08 00:13 UTC), p50 / p90 in ms:
 *
 * | on a WebSocket message | no write | write by a 0 ms timer | write by a 5 ms timer |
 * | --- | --- | --- | --- |
 * | `fetch` | 2.05 / 3.08 | 2.33 / 2.98 | 2.13 / 2.99 |
 * | RPC to an object that writes behind its answer, then `fetch` | 2.41 / 3.76 | 2.66 / 3.37 | 2.39 / 3.14 |
 *
 * 5 ms also bounds how much later the write is durable (the crash windows both documents argue).
 * @module
 */

/** See the module documentation. */
export const WRITE_BEHIND_MS = 5;
