import { describe, expect, it } from "vitest";
import { flattenLeftovers } from "./controls";

describe("flattenLeftovers", () => {
  it("names every symbol the kill switch left open or could not answer for", () => {
    const line = flattenLeftovers([
      { symbol: "BTCUSDT", outcome: "flat", agent: "running, flat", exchange: null },
      { symbol: "ETHUSDT", outcome: "closed_at_exchange", agent: "no answer: timeout", exchange: null },
      { symbol: "SOLUSDT", outcome: "still_open", agent: "stopped, still open long 3", exchange: null },
      { symbol: "XRPUSDT", outcome: "unknown", agent: "no answer: exploded", exchange: null },
    ]);
    expect(line).toBe(
      "Flatten left 2 symbol(s) open or unknown: SOLUSDT (stopped, still open long 3); XRPUSDT (no answer: exploded)",
    );
  });

  it("says nothing when everything is flat, or for answers without results", () => {
    expect(
      flattenLeftovers([{ symbol: "BTCUSDT", outcome: "flat", agent: "stopped, flat", exchange: null }]),
    ).toBeNull();
    expect(flattenLeftovers(undefined)).toBeNull();
  });
});
