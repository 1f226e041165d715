import { describe, expect, it } from "vitest";
import { createPrng } from "../research/prng";
import { parseConfig } from "./config";
import { buildAndRun, shortMarket } from "./testing/build-all";
import { randomConfigCandidate } from "./testing/random-config";

/** Seeds and sizes of the property run: fixed, so a failure reproduces. */
const SEED = 15;
const CANDIDATES = 250;

describe("every config the schema accepts builds every object", () => {
  it(`constructs, runs and restores the engines, portfolio, correlation and broker of ${CANDIDATES} seeded candidates`, () => {
    const rand = createPrng(SEED);
    const market = shortMarket(10);
    let accepted = 0;
    const failures: { config: unknown; error: string }[] = [];
    for (let i = 0; i < CANDIDATES; i++) {
      const r = parseConfig(randomConfigCandidate(rand));
      if (!r.ok) continue;
      accepted++;
      try {
        buildAndRun(r.config, market);
      } catch (err) {
        failures.push({ config: r.config, error: String(err) });
      }
    }
    expect(failures.slice(0, 3)).toEqual([]);
    // The generator must mostly produce configs, or the property says little.
    expect(accepted).toBeGreaterThan(CANDIDATES / 2);
  }, 120_000);

  it("builds the boundary configs: every time, size and count at its limit", () => {
    const r = parseConfig({
      indicators: {
        vwapWindowsMs: [86_400_000, 1000, 1000, 1000],
        orderFlowWindowsMs: [86_400_000, 1000, 1000, 1000],
        tickRateWindowMs: 86_400_000,
        volumeBaselineMs: 86_400_000,
        maxGapMs: 86_400_000,
        rsiPeriods: [1000, 2, 2, 2, 2, 2, 2, 2],
        macd: { fast: 9999, slow: 10_000, signal: 10_000 },
        emaPairs: [[9999, 10_000]],
        trendEmaFast: 9999,
        trendEmaSlow: 10_000,
      },
      portfolio: { correlationWindowMs: 86_400_000, correlationReturnMs: 8640 },
      exits: { maxHoldMs: 86_400_000, minHoldMs: 86_400_000 },
    });
    expect(r.ok).toBe(true);
    if (r.ok) expect(() => buildAndRun(r.config)).not.toThrow();
  }, 60_000);
});
