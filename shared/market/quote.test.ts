import { describe, expect, it } from "vitest";
import { splitSymbol } from "./quote";

describe("splitSymbol", () => {
  it("reads the quote currency off the end of a symbol", () => {
    expect(splitSymbol("BTCUSDT")).toEqual({ base: "BTC", quote: "USDT" });
    expect(splitSymbol("XRPETH")).toEqual({ base: "XRP", quote: "ETH" });
    expect(splitSymbol("ETHBTC")).toEqual({ base: "ETH", quote: "BTC" });
    expect(splitSymbol("1000PEPEUSDC")).toEqual({ base: "1000PEPE", quote: "USDC" });
  });

  it("refuses symbols with no known quote or no base", () => {
    for (const s of ["USDT", "BTCUSD", "XRPJPY", "btcUSDT", "BTC-USDT", ""]) expect(splitSymbol(s)).toBeNull();
  });
});
