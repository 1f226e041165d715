/**
 * The SymbolAgent's contracts check: Bitget's public contracts endpoint (no key) on `REST_URL`
 * (default https://api.bitget.com; the tests' and the demo's venue otherwise), on workerd's fetch,
 * clock and randomness. The verdict's reading is shared/exchange/bitget/contract-listing.ts.
 * @module
 */
import { type ContractListing, checkContractListing } from "../shared/exchange/bitget/contract-listing";
import { BitgetRestClient } from "../shared/exchange/bitget/rest-client";

/** Bound on one attempt of the check (it runs inside the start RPC), ms. */
const CHECK_TIMEOUT_MS = 3_000;

/** The product type the agents trade (the public feed's `instType` too). */
export const AGENT_PRODUCT_TYPE = "USDT-FUTURES";

/** Asks the contracts endpoint whether Bitget lists `symbol` (one retry; a failure is `check_failed`). */
export function checkListing(env: object, symbol: string): Promise<ContractListing> {
  const url = (env as Record<string, unknown>).REST_URL;
  const rest = new BitgetRestClient({
    baseUrl: typeof url === "string" && url !== "" ? url : undefined,
    productType: AGENT_PRODUCT_TYPE,
    now: () => Date.now(),
    random: Math.random,
    timeoutMs: CHECK_TIMEOUT_MS,
    retry: { maxRetries: 1 },
  });
  return checkContractListing(rest, symbol);
}
