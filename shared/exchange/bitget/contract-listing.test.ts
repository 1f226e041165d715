import { describe, expect, it } from "vitest";
import { checkContractListing, listingFromFeed } from "./contract-listing";
import { BitgetRestClient } from "./rest-client";
import { errorEnvelope, fakeClock, fakeFetch, okEnvelope, type Responder, seededRandom } from "./testing/fake-rest";

/** A contracts item as Bitget sends it (the fields the parser reads). */
function contract(symbol: string) {
  return {
    symbol,
    baseCoin: symbol.replace(/USDT$/, ""),
    quoteCoin: "USDT",
    priceEndStep: "1",
    pricePlace: "1",
    sizeMultiplier: "0.001",
    minTradeNum: "0.001",
    minTradeUSDT: "5",
    volumePlace: "3",
    makerFeeRate: "0.0002",
    takerFeeRate: "0.0006",
    maxLever: "125",
    symbolStatus: "normal",
  };
}

function client(responder: Responder) {
  const clock = fakeClock();
  const { fetch, requests } = fakeFetch(responder);
  const rest = new BitgetRestClient({
    now: clock.now,
    sleep: clock.sleep,
    random: seededRandom(1),
    fetch,
    retry: { maxRetries: 0 },
  });
  return { rest, requests };
}

describe("checkContractListing", () => {
  it("asks the public contracts endpoint for the symbol of USDT-FUTURES and finds it listed", async () => {
    const { rest, requests } = client(() => okEnvelope([contract("BTCUSDT")]));
    expect(await checkContractListing(rest, "BTCUSDT")).toEqual({ state: "listed", reason: null });
    expect(requests[0].path).toBe("/api/v2/mix/market/contracts");
    expect(requests[0].query).toBe("productType=USDT-FUTURES&symbol=BTCUSDT");
  });

  it("reports a symbol the exchange refuses (40102) as unknown, naming the symbol and product type", async () => {
    const { rest } = client(() => errorEnvelope(400, "40102", "The contract configuration does not exist"));
    const listing = await checkContractListing(rest, "FOOUSDT");
    expect(listing.state).toBe("unknown_symbol");
    expect(listing.reason).toMatch(/FOOUSDT/);
    expect(listing.reason).toMatch(/USDT-FUTURES/);
  });

  it("reports an answer that lists nothing of the symbol as unknown", async () => {
    const { rest } = client(() => okEnvelope([]));
    expect((await checkContractListing(rest, "FOOUSDT")).state).toBe("unknown_symbol");
    const other = client(() => okEnvelope([contract("BTCUSDT")]));
    expect((await checkContractListing(other.rest, "FOOUSDT")).state).toBe("unknown_symbol");
  });

  it("never reads a failed check as unknown: network, server and rate-limit failures are check_failed", async () => {
    const failures: Responder[] = [
      () => Promise.reject(new TypeError("fetch failed: getaddrinfo ENOTFOUND api.bitget.com")),
      () => errorEnvelope(500, "40015", "system abnormal"),
      () => errorEnvelope(429, "429", "Too Many Requests"),
    ];
    for (const responder of failures) {
      const listing = await checkContractListing(client(responder).rest, "BTCUSDT");
      expect(listing.state).toBe("check_failed");
      expect(listing.reason).toMatch(/USDT-FUTURES contracts check of BTCUSDT failed/);
    }
  });
});

describe("listingFromFeed", () => {
  const refused = {
    source: "server",
    code: "30001",
    message: "instType:USDT-FUTURES,channel:trade,instId:FOOUSDT doesn't exist (trade:FOOUSDT)",
  };

  it("reads 30001 on the symbol's own instId, with no channel of it acked, as unknown", () => {
    const listing = listingFromFeed("FOOUSDT", "USDT-FUTURES", { lastError: refused, subscribed: [] });
    expect(listing?.state).toBe("unknown_symbol");
    expect(listing?.reason).toMatch(/FOOUSDT.*30001/);
  });

  it("says nothing for another symbol's 30001, a channel refused on an acked symbol, or other errors", () => {
    expect(listingFromFeed("BTCUSDT", "USDT-FUTURES", { lastError: refused, subscribed: [] })).toBeNull();
    expect(
      listingFromFeed("FOOUSDT", "USDT-FUTURES", { lastError: refused, subscribed: ["books15:FOOUSDT"] }),
    ).toBeNull();
    const socket = { source: "socket", code: "", message: "connection reset (trade:FOOUSDT)" };
    expect(listingFromFeed("FOOUSDT", "USDT-FUTURES", { lastError: socket, subscribed: [] })).toBeNull();
    expect(listingFromFeed("FOOUSDT", "USDT-FUTURES", { lastError: null, subscribed: [] })).toBeNull();
  });
});
