/**
 * How a market feed's health reaches a {@link SymbolRunner}: one symbol's share of the feed's verdict
 * (shared/exchange/bitget/feed-health.ts `judgeFeed`), as the runner's {@link FeedHealthInput}.
 * A hosted runner hears it when the verdict flips and at every alarm; before the feed says anything
 * it is {@link FEED_NOT_CONNECTED}, so an agent never trades on a feed it has not heard from.
 * @module
 */
import type { FeedHealthInput } from "./ports";

/** The parts of a feed's health reading the gate reads. */
export interface FeedVerdictReading {
  readonly healthy: boolean;
  /** The most serious reason when unhealthy (`stale`, `book_unhealthy`, …). */
  readonly reason: string | null;
  readonly detail: string | null;
  /** Per symbol: its last book must not be used; absent symbols follow `healthy`. */
  readonly bookStale?: Readonly<Record<string, boolean>>;
}

/** What a runner is told before its feed reported anything: not connected yet, so nothing is traded. */
export const FEED_NOT_CONNECTED: FeedHealthInput = {
  healthy: false,
  reason: "disconnected: the market feed has not connected yet",
  bookStale: true,
};

/** `symbol`'s share of a feed's verdict. */
export function feedGate(h: FeedVerdictReading, symbol: string): FeedHealthInput {
  return {
    healthy: h.healthy,
    reason: h.reason === null ? null : h.detail ? `${h.reason}: ${h.detail}` : h.reason,
    bookStale: h.bookStale?.[symbol] ?? !h.healthy,
  };
}
