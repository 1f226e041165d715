import { describe, expect, it } from "vitest";
import { liveFixture, T0, TAKER } from "./testing/live-fixture";

describe("a fill of another symbol on the account's private feed (every agent hears every fill)", () => {
  it("is ignored: no orphan adopted, nothing ledgered, no external fill counted", () => {
    const f = liveFixture();
    f.runner.onLiveFill({
      clientOid: "ETH-mxdnerzv-1",
      symbol: "ETHUSDT",
      side: "sell",
      price: 2291.97,
      size: 0.43,
      fee: 2291.97 * 0.43 * TAKER,
      liquidity: "taker",
      ts: T0 + 1_000,
      slippage: 0,
      final: true,
    });
    expect(f.runner.engineStatus()?.position ?? null).toBeNull();
    expect(f.fills).toEqual([]);
    expect(f.runner.safety.externalFills).toBe(0);
  });
});
