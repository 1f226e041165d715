/**
 * Issue #13 item 3: a post-only entry the exchange accepts and then cancels because it would have
 * crossed (UTA v3 `post_only_fill_cancel`, which the broker reports through `onOrderDone`) reaches the
 * engine at once as done without a fill, not at the entry timeout.
 */
import { describe, expect, it } from "vitest";
import type { OrderRequest } from "../execution/orders";
import { liveFixture, OPEN_LIVE } from "./testing/live-fixture";

/** Post-only entries that wait 60 s before the engine's own timeout would give up on them. */
const POST_ONLY_LIVE = {
  ...OPEN_LIVE,
  execution: {
    entryOrder: "postOnly" as const,
    latencyMs: 0,
    takeProfitOrder: "market" as const,
    entryTimeoutMs: 60_000,
  },
};

function waitingEntry() {
  const f = liveFixture(POST_ONLY_LIVE);
  const last = f.runUntil(() => f.placed.length > 0);
  const entry = f.placed[0] as OrderRequest;
  expect(entry).toMatchObject({ type: "postOnly", reduceOnly: false });
  expect(f.runner.engineStatus()?.phase).toBe("entering");
  return { f, entry, last };
}

describe("a live post-only entry the exchange cancelled as crossing", () => {
  it("ends the entry at once: the engine is flat, the reservation released, the journal done, no cancel sent", () => {
    const { f, entry } = waitingEntry();
    f.runner.onLiveOrderDone({
      clientOid: entry.clientOid,
      symbol: entry.symbol,
      status: "rejected",
      reason: "post_only_would_cross",
      filledSize: 0,
      remainingSize: entry.size,
    });
    expect(f.runner.engineStatus()?.phase).toBe("flat");
    expect(f.calls).toContain("release r1");
    expect(f.journal.get(entry.clientOid)).toBe("done");
    expect(f.cancels).toEqual([]);
    expect(f.trades).toEqual([]);
  });

  it("waits for the entry timeout when no such report arrives (what the report saves)", () => {
    const { f, entry, last } = waitingEntry();
    for (let t = 500; t <= 30_000; t += 500) f.trade(last + t, 100, "sell");
    expect(f.runner.engineStatus()?.phase).toBe("entering");
    expect(f.journal.get(entry.clientOid)).not.toBe("done");
  });
});
