import { describe, expect, it } from "vitest";
import { canonicalJson, defaultConfig, parseConfig } from "../config/config";
import { applyParams, readPath } from "./apply-params";

const base = defaultConfig();

describe("applyParams", () => {
  it("sets each dotted path and leaves the rest of the config as it was", () => {
    const r = applyParams(base, { "gates.minScore": 55, "exits.takeProfitPct": 0.5, "indicators.rsiPeriods.0": 3 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.gates.minScore).toBe(55);
    expect(r.config.exits.takeProfitPct).toBe(0.5);
    expect(r.config.indicators.rsiPeriods).toEqual([3, 5, 15, 30]);
    expect(r.config.gates.minAgreeing).toBe(base.gates.minAgreeing);
    expect(base.gates.minScore).toBe(80);
  });

  it("produces a config that parseConfig accepts unchanged, with the same version", () => {
    const r = applyParams(base, { "weights.rsi": 0.3, "execution.entryOrder": "market" });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const again = parseConfig(JSON.parse(JSON.stringify(r.config)));
    expect(again.ok && canonicalJson(again.config)).toBe(canonicalJson(r.config));
    expect(again.ok && again.version).toBe(r.version);
  });

  it("reports a value the schema refuses and a path that does not exist", () => {
    const bad = applyParams(base, { "indicators.macd.fast": 9 });
    expect(!bad.ok && bad.issues[0].path).toMatch(/macd/);
    const missing = applyParams(base, { "gates.nope": 1 });
    expect(!missing.ok && missing.issues[0]).toEqual({ path: "gates.nope", message: "no such config field" });
  });

  it("does not share arrays between the trial and the choice value", () => {
    const value = [2, 9];
    const r = applyParams(base, { "indicators.rsiPeriods": value });
    value.push(99);
    expect(r.ok && r.config.indicators.rsiPeriods).toEqual([2, 9]);
  });
});

describe("readPath", () => {
  it("reads nested fields and array elements", () => {
    expect(readPath(base, "indicators.bollinger.1.period")).toEqual({ ok: true, value: 20 });
    expect(readPath(base, "gates.x.y").ok).toBe(false);
  });
});
