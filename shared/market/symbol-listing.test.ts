import { describe, expect, it } from "vitest";
import {
  LISTING_RECHECK_MS,
  listingAt,
  listingNeedsCheck,
  listingOfFeed,
  listingRefusal,
  UNCHECKED_LISTING,
} from "./symbol-listing";

const T = 1_700_000_000_000;
const unknown = listingAt({ state: "unknown_symbol", reason: "unknown symbol: FOOUSDT" }, T);
const failed = listingAt({ state: "check_failed", reason: "the check failed: network" }, T);
const listed = listingAt({ state: "listed", reason: null }, T);

describe("an agent's symbol listing", () => {
  it("refuses a start only for a symbol the exchange said it does not list", () => {
    expect(listingRefusal(unknown)).toBe("unknown symbol: FOOUSDT");
    expect(listingRefusal(failed)).toBeNull();
    expect(listingRefusal(listed)).toBeNull();
    expect(listingRefusal(UNCHECKED_LISTING)).toBeNull();
  });

  it("asks again after a failed check, not before the recheck period, and never after a verdict", () => {
    expect(listingNeedsCheck(UNCHECKED_LISTING, T)).toBe(true);
    expect(listingNeedsCheck(failed, T + LISTING_RECHECK_MS - 1)).toBe(false);
    expect(listingNeedsCheck(failed, T + LISTING_RECHECK_MS)).toBe(true);
    expect(listingNeedsCheck(listed, T + 10 * LISTING_RECHECK_MS)).toBe(false);
    expect(listingNeedsCheck(unknown, T + 10 * LISTING_RECHECK_MS)).toBe(false);
  });

  it("takes the feed's unknown_symbol evidence once, and nothing else from it", () => {
    const fromFeed = { state: "unknown_symbol", reason: "unknown symbol: FOOUSDT (30001)" } as const;
    const next = listingOfFeed(failed, fromFeed, T + 5);
    expect(next).toEqual({ state: "unknown_symbol", reason: "unknown symbol: FOOUSDT (30001)", checkedAt: T + 5 });
    expect(listingOfFeed(unknown, fromFeed, T + 10)).toBeNull();
    expect(listingOfFeed(listed, null, T + 10)).toBeNull();
  });
});
