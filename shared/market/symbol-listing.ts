/**
 * What an agent knows about whether Bitget lists its symbol, and what it does about it: an agent of
 * an `unknown_symbol` does not start (or stops, when the feed says so while it runs); a check that
 * failed (no answer) is no verdict, so the agent runs and asks again after {@link LISTING_RECHECK_MS}.
 * @module
 */

/**
 * The exchange's answer about one symbol, or why there is none (the Bitget reading:
 * shared/exchange/bitget/contract-listing.ts). `reason` names the symbol and product type.
 */
export type ListingVerdict =
  | { readonly state: "listed"; readonly reason: null }
  | { readonly state: "unknown_symbol"; readonly reason: string }
  | { readonly state: "check_failed"; readonly reason: string };

/** How long after a failed contracts check the agent asks again, ms (the endpoint allows 20/s per IP). */
export const LISTING_RECHECK_MS = 30_000;

/** The agent's view of its symbol's listing (`listing` in `/api/symbols`). */
export interface SymbolListing {
  /** `unchecked` before the first check; `check_failed` when the check got no answer (not a verdict). */
  readonly state: "unchecked" | ListingVerdict["state"];
  /** Why (names the symbol and product type), null when listed or unchecked. */
  readonly reason: string | null;
  /** Wall time of the check or of the feed's evidence, null when unchecked. */
  readonly checkedAt: number | null;
}

/** Before any check. */
export const UNCHECKED_LISTING: SymbolListing = { state: "unchecked", reason: null, checkedAt: null };

/** A check's outcome as the agent keeps it. */
export function listingAt(result: ListingVerdict, at: number): SymbolListing {
  return { state: result.state, reason: result.reason, checkedAt: at };
}

/** Why a start must be refused (the symbol is unknown to the exchange), or null. */
export function listingRefusal(listing: SymbolListing): string | null {
  return listing.state === "unknown_symbol" ? listing.reason : null;
}

/** A running agent asks the contracts endpoint again when it never got an answer, at most every {@link LISTING_RECHECK_MS}. */
export function listingNeedsCheck(listing: SymbolListing, now: number): boolean {
  if (listing.state === "unchecked") return true;
  return listing.state === "check_failed" && now - (listing.checkedAt ?? 0) >= LISTING_RECHECK_MS;
}

/**
 * The running agent's alarm: the feed's evidence (`fromFeed`, e.g. a 30001 on its own instId) makes
 * the symbol unknown (the agent then stops); null when it says nothing new.
 */
export function listingOfFeed(
  current: SymbolListing,
  fromFeed: ListingVerdict | null,
  now: number,
): SymbolListing | null {
  if (fromFeed?.state !== "unknown_symbol" || current.state === "unknown_symbol") return null;
  return listingAt(fromFeed, now);
}
