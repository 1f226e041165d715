import { describe, expect, it } from "vitest";
import { ENDPOINTS } from "./rest-endpoints";

describe("ENDPOINTS", () => {
  it("carries the per-second limits of bitget-v2.md §4.5", () => {
    expect(ENDPOINTS.ticker.perSecond).toBe(20);
    expect(ENDPOINTS.placeOrder.perSecond).toBe(10);
    expect(ENDPOINTS.allPositions.perSecond).toBe(5);
    expect(ENDPOINTS.setLeverage.perSecond).toBe(5);
    expect(ENDPOINTS.flashClose.perSecond).toBe(1);
  });

  it("signs every account and order endpoint and no market-data endpoint", () => {
    for (const spec of Object.values(ENDPOINTS)) {
      const isPublic = spec.path.startsWith("/api/v2/mix/market/") || spec.path === "/api/v2/public/time";
      expect([spec.path, spec.auth]).toEqual([spec.path, !isPublic]);
    }
  });

  it("uses POST only for state-changing calls, so only they escape retries", () => {
    const posts = Object.values(ENDPOINTS)
      .filter((s) => s.method === "POST")
      .map((s) => s.path.split("/").pop());
    expect(posts.sort()).toEqual([
      "cancel-order",
      "cancel-plan-order",
      "close-positions",
      "place-order",
      "place-tpsl-order",
      "set-leverage",
      "set-margin-mode",
      "set-position-mode",
    ]);
  });
});
