import { describe, expect, it } from "vitest";
import { defaultConfig, patchConfig } from "../config/config";
import type { BotConfig } from "../config/schema";
import type { FeatureSnapshot } from "../indicators/symbol-features";
import { readingsOf } from "./readings";
import { regimeOf } from "./regime";
import { compositeScore } from "./score";
import { SETUP_FAMILIES, scoreSetups, setupReadings } from "./setups";
import { subScores } from "./sub-scores";
import { continuationLong, neutralSnapshot, reversalLong } from "./testing/setup-snapshots";
import { FAMILIES } from "./types";

const config = defaultConfig();
const { weights, scoring } = config;

function withReadings(readings: "setups" | "plan-v1"): BotConfig {
  const r = patchConfig(defaultConfig(), { scoring: { readings } });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.config;
}

describe("scoreSetups", () => {
  it("scores a complete reversal long at 80 or more, on the long side, with its families agreeing", () => {
    const { score, sub } = scoreSetups(reversalLong(), weights, scoring);
    expect(score.regime).toBe("range");
    expect(score.longSetup).toBe("reversal");
    expect(score.long).toBeGreaterThanOrEqual(80);
    expect(score.agreeLong).toBeGreaterThanOrEqual(config.gates.minAgreeing);
    expect(score.short).toBeLessThan(20);
    expect(sub.rsi).toBeGreaterThan(0.5);
    expect(sub.ema).toBe(0);
  });

  it("scores a complete continuation long at 80 or more in a trend", () => {
    const { score } = scoreSetups(continuationLong(), weights, scoring);
    expect(score.regime).toBe("trend");
    expect(score.longSetup).toBe("continuation");
    expect(score.long).toBeGreaterThanOrEqual(80);
    expect(score.agreeLong).toBeGreaterThanOrEqual(config.gates.minAgreeing);
  });

  it("scores a mixed picture low on both sides: a stretched RSI against aligned EMAs and flow", () => {
    const n = neutralSnapshot();
    const mixed: FeatureSnapshot = {
      ...reversalLong(1),
      emaCross: continuationLong().emaCross,
      liquiditySweep: n.liquiditySweep,
      priceAction: { ...(n.priceAction as NonNullable<FeatureSnapshot["priceAction"]>), trend: -1 },
      orderFlow: continuationLong().orderFlow.map((w) => ({
        ...w,
        value: { ...(w.value as NonNullable<typeof w.value>), deltaRatio: -0.7, largeDelta: -3 },
      })),
      macdDivergence: n.macdDivergence,
      rsiDivergence: n.rsiDivergence,
      book: n.book,
    };
    const { score } = scoreSetups(mixed, weights, scoring);
    expect(score.regime).toBe("mixed");
    expect(Math.max(score.long, score.short)).toBeLessThan(60);
  });

  it("lets the regime decide which setup can fire: a trend silences the reversal, a range the continuation", () => {
    const reversalInTrend = scoreSetups(reversalLong(1.3), weights, scoring).score;
    expect(reversalInTrend.regime).toBe("trend");
    expect(reversalInTrend.longSetup).not.toBe("reversal");
    expect(reversalInTrend.long).toBeLessThan(50);

    const continuationInRange = scoreSetups(continuationLong(0.8), weights, scoring).score;
    expect(continuationInRange.regime).toBe("range");
    expect(continuationInRange.longSetup).not.toBe("continuation");
    expect(continuationInRange.long).toBeLessThan(50);
  });

  it("scores nothing on a neutral market", () => {
    const { score } = scoreSetups(neutralSnapshot(), weights, scoring);
    expect(score.long).toBe(0);
    expect(score.short).toBe(0);
  });

  it("counts as agreeing only families the chosen setup reads", () => {
    const kind = "reversal";
    const sub = setupReadings(kind, reversalLong());
    for (const f of FAMILIES) if (!SETUP_FAMILIES[kind].includes(f)) expect(sub[f]).toBe(0);
  });
});

describe("regimeOf", () => {
  it("reads trend at or above trendAbove, range at or below rangeBelow, else (and unknown) mixed", () => {
    expect(regimeOf(1.1, scoring.regime)).toBe("trend");
    expect(regimeOf(0.9, scoring.regime)).toBe("range");
    expect(regimeOf(1, scoring.regime)).toBe("mixed");
    expect(regimeOf(null, scoring.regime)).toBe("mixed");
    expect(regimeOf(Number.NaN, scoring.regime)).toBe("mixed");
  });
});

describe("readingsOf", () => {
  it("scores with the setups by default", () => {
    expect(config.scoring.readings).toBe("setups");
  });

  it("gives the first readings' sub-scores and composite with plan-v1 selected", () => {
    const f = reversalLong();
    const r = readingsOf(f, withReadings("plan-v1"), weights);
    expect(r.sub).toEqual(subScores(f));
    expect(r.score).toEqual(compositeScore(subScores(f), weights));
  });

  it("gives the setups' scores with setups selected, and passes every reading through the transform", () => {
    const f = reversalLong();
    const seen = new Set<string>();
    const r = readingsOf(
      f,
      withReadings("setups"),
      weights,
      (family, v) => (seen.add(family), family === "rsi" ? 0 : v),
    );
    expect(r.score.long).toBeLessThan(scoreSetups(f, weights, scoring).score.long);
    expect(r.sub.rsi).toBe(0);
    expect(seen.size).toBe(FAMILIES.length);
  });
});
