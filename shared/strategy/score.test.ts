import { describe, expect, it } from "vitest";
import { defaultConfig } from "../config/config";
import type { FamilyWeights } from "../config/schema";
import { BOUND_ORDER, boundWeights, compositeScore, scoreCannotReach } from "./score";
import { FAMILIES, type Family, type SubScores } from "./types";
import { lcg } from "../research/prng";

const scorers = BOUND_ORDER.map((f) => (s: SubScores) => s[f]);

describe("compositeScore", () => {
  it("scores 100 on a side when every family votes fully for it", () => {
    const all = Object.fromEntries(FAMILIES.map((f) => [f, 1])) as SubScores;
    const s = compositeScore(all, defaultConfig().weights);
    expect(s.long).toBeCloseTo(100, 12);
    expect(s.short).toBe(0);
    expect(s.agreeLong).toBe(FAMILIES.length);
  });
});

describe("scoreCannotReach", () => {
  it("reads every family exactly once in its order", () => {
    expect([...BOUND_ORDER].sort()).toEqual([...FAMILIES].sort());
  });

  it("never rules out a score that reaches the bar, and rules out most that are far below it", () => {
    const rand = lcg(3);
    let ruledOut = 0;
    let below = 0;
    for (let i = 0; i < 20_000; i++) {
      const sub = Object.fromEntries(
        FAMILIES.map((f) => [f, (rand() * 2 - 1) * (rand() < 0.2 ? 1 : 0.5)]),
      ) as SubScores;
      const w = Object.fromEntries(FAMILIES.map((f) => [f, rand() < 0.1 ? 0 : rand()])) as FamilyWeights;
      const minScore = Math.floor(rand() * 100);
      const full = compositeScore(sub, w);
      const cannot = scoreCannotReach(minScore, boundWeights(w), scorers, sub);
      if (Math.max(full.long, full.short) >= minScore) expect(cannot).toBe(false);
      else below++;
      if (cannot) ruledOut++;
    }
    expect(ruledOut).toBeGreaterThan(below / 4);
  });

  it("on one side, never rules out that side's score when it reaches the bar", () => {
    const rand = lcg(5);
    let ruledOut = 0;
    for (let i = 0; i < 20_000; i++) {
      const sub = Object.fromEntries(FAMILIES.map((f) => [f, rand() * 2 - 1])) as SubScores;
      const w = Object.fromEntries(FAMILIES.map((f) => [f, rand() < 0.1 ? 0 : rand()])) as FamilyWeights;
      const level = Math.floor(rand() * 100);
      const full = compositeScore(sub, w);
      for (const side of ["long", "short"] as const) {
        const cannot = scoreCannotReach(level, boundWeights(w), scorers, sub, side);
        if (full[side] >= level) expect(cannot).toBe(false);
        if (cannot) ruledOut++;
      }
    }
    expect(ruledOut).toBeGreaterThan(5_000);
  });

  it("stops before the windowed families when the others already rule the entry out", () => {
    const read: Family[] = [];
    const lazy = BOUND_ORDER.map((f) => () => (read.push(f), 0));
    expect(scoreCannotReach(80, boundWeights(defaultConfig().weights), lazy, null)).toBe(true);
    expect(read).not.toContain("vwap");
    expect(read).not.toContain("orderFlow");
  });

  it("decides nothing on a score exactly at the bar or on a NaN sub-score", () => {
    const w = boundWeights(defaultConfig().weights);
    const ones = Object.fromEntries(FAMILIES.map((f) => [f, 1])) as SubScores;
    expect(scoreCannotReach(100, w, scorers, ones)).toBe(false);
    expect(scoreCannotReach(50, w, scorers, { ...ones, rsi: Number.NaN, macd: 0, bollinger: 0, ema: 0 })).toBe(false);
  });
});
