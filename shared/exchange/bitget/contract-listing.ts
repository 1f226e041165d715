/**
 * Whether Bitget lists a symbol as a contract of a product type, from the two places the exchange
 * says so: the public contracts endpoint (bitget-v2.md §4.5, asked with the symbol) and the public
 * feed's error 30001 on the symbol's own instId. A check that got no answer (network, timeout,
 * server, rate limit) is `check_failed`, never read as "unknown": only the exchange's own answer is.
 * @module
 */
import type { ListingVerdict } from "../../market/symbol-listing";
import { noSuchSymbol } from "./bitget-account";
import type { BitgetRestClient } from "./rest-client";

/** The contracts check's verdict (shared/market/symbol-listing.ts). */
export type ContractListing = ListingVerdict;

/** Bitget's public WebSocket code for a subscription it refuses (unknown channel or instId). */
export const WS_UNKNOWN_ARG_CODE = "30001";

/** The `unknown_symbol` verdict, naming the symbol, the product type and the evidence. */
export function unknownSymbol(symbol: string, productType: string, evidence: string): ContractListing {
  return {
    state: "unknown_symbol",
    reason: `unknown symbol: Bitget lists no ${productType} contract ${symbol} (${evidence})`,
  };
}

/**
 * Asks the contracts endpoint for `symbol`: listed when the answer holds it; unknown when the answer
 * lists nothing of it or refuses the symbol as a bad parameter (40102, the one reading of such a
 * refusal, {@link noSuchSymbol}); `check_failed` on any other failure.
 */
export async function checkContractListing(
  rest: Pick<BitgetRestClient, "getContracts" | "productType">,
  symbol: string,
): Promise<ContractListing> {
  let contracts: readonly { readonly symbol: string }[];
  try {
    contracts = await rest.getContracts(symbol).catch(noSuchSymbol);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return { state: "check_failed", reason: `the ${rest.productType} contracts check of ${symbol} failed: ${why}` };
  }
  if (contracts.some((c) => c.symbol === symbol)) return { state: "listed", reason: null };
  return unknownSymbol(symbol, rest.productType, "the contracts endpoint does not list it");
}

/** What {@link listingFromFeed} reads of the public feed's health. */
export interface FeedListingEvidence {
  /** The feed's last error (public-feed.ts `FeedError`: `source`, Bitget's `code`, the message ending in `(channel:instId)`). */
  readonly lastError: { readonly source: string; readonly code?: string | null; readonly message: string } | null;
  /** Args the server acknowledged, as `channel:instId` (absent: none known). */
  readonly subscribed?: readonly string[];
}

/**
 * The feed's evidence: `unknown_symbol` when the server answered 30001 for an arg of `symbol` and
 * acknowledged none of its channels (a 30001 on one channel of an acked symbol is about the channel,
 * not the symbol); null when the feed says nothing about the listing.
 */
export function listingFromFeed(
  symbol: string,
  productType: string,
  feed: FeedListingEvidence,
): ContractListing | null {
  const e = feed.lastError;
  if (e === null || e.source !== "server" || e.code !== WS_UNKNOWN_ARG_CODE) return null;
  if (!e.message.endsWith(`:${symbol})`)) return null;
  if ((feed.subscribed ?? []).some((arg) => arg.endsWith(`:${symbol}`))) return null;
  return unknownSymbol(symbol, productType, `the public feed answered ${WS_UNKNOWN_ARG_CODE}: ${e.message}`);
}
