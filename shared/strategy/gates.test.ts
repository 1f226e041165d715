import { describe, expect, it } from "vitest";
import { defaultConfig } from "../config/config";
import type { FeatureSnapshot } from "../indicators/symbol-features";
import { lcg } from "../research/prng";
import { evaluateGates, gatesPass, sideFreeGateFails } from "./gates";
import type { CompositeScore } from "./score";
import { neutralSnapshot } from "./testing/setup-snapshots";

const config = defaultConfig();
/** A score that passes the score and confluence gates on both sides. */
const strong: CompositeScore = { long: 100, short: 100, agreeLong: 9, agreeShort: 9 };

describe("sideFreeGateFails", () => {
  it("says fail exactly when the volume, spread or expected-move gate fails both sides whatever the score", () => {
    const rand = lcg(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    let fails = 0;
    for (let i = 0; i < 5_000; i++) {
      const n = neutralSnapshot();
      const f: FeatureSnapshot = {
        ...n,
        volume: { ...n.volume, ratio: pick([null, Number.NaN, 0.5, 1.5, 1.5 - 1e-12, 3]) },
        book: { ...n.book, spreadBps: pick([null, 1, 30, 30 - 1e-9, 45]) },
        returnStd1s: pick([null, 0, 1e-5, 2e-5, 1e-4]),
      };
      const requireBook = rand() < 0.5;
      const cfg = { ...config, gates: { ...config.gates, requireBook } };
      const stale = rand() < 0.2;
      const fail = sideFreeGateFails(f, cfg, stale);
      if (fail) fails++;
      for (const side of ["long", "short"] as const)
        expect(gatesPass(evaluateGates(side, strong, f, cfg, stale))).toBe(!fail);
    }
    expect(fails).toBeGreaterThan(1_000);
    expect(fails).toBeLessThan(4_900);
  });
});
