import { describe, expect, it } from "vitest";
import { defaultConfig } from "../config/config";
import { parseSpace, unitOf, valueAt, type Param } from "./space";

const base = defaultConfig();

function space(params: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return parseSpace({ params, ...extra }, base);
}

describe("parseSpace", () => {
  it("accepts int, float and choice parameters and sorts them by name", () => {
    const r = space(
      {
        "gates.minScore": { type: "int", min: 50, max: 90, step: 5 },
        "exits.takeProfitPct": { type: "float", min: 0.1, max: 0.8 },
        "execution.entryOrder": { type: "choice", values: ["postOnly", "market"] },
      },
      { sampler: "random" },
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.space.sampler).toBe("random");
    expect(r.space.params.map((p) => p.name)).toEqual([
      "execution.entryOrder",
      "exits.takeProfitPct",
      "gates.minScore",
    ]);
  });

  it("names a path that is not a config field", () => {
    const r = space({ "gates.minScoree": { type: "int", min: 1, max: 2 } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues[0].path).toBe("params.gates.minScoree");
    expect(r.issues[0].message).toMatch(/no such config field/);
  });

  it("refuses a numeric parameter on a field that is not a number", () => {
    const r = space({ "execution.entryOrder": { type: "int", min: 1, max: 2 } });
    expect(!r.ok && r.issues[0].message).toMatch(/needs a number field/);
  });

  it("refuses bounds the config schema refuses, naming the value", () => {
    const r = space({ "gates.minScore": { type: "int", min: 50, max: 150 } });
    expect(!r.ok && r.issues[0].message).toMatch(/150 makes an invalid config: gates\.minScore/);
  });

  it("refuses min above max, log scale from zero, unknown keys and an empty space", () => {
    expect(space({ "gates.minScore": { type: "int", min: 90, max: 50 } }).ok).toBe(false);
    expect(space({ "exits.trailingPct": { type: "float", min: 0, max: 1, log: true } }).ok).toBe(false);
    expect(space({ "gates.minScore": { type: "int", min: 1, max: 2, nope: 1 } }).ok).toBe(false);
    expect(space({}).ok).toBe(false);
    expect(
      parseSpace({ params: { "gates.minScore": { type: "int", min: 1, max: 2 } }, sampler: "bayes" }, base).ok,
    ).toBe(false);
  });

  it("reaches into arrays by index and refuses an index past the end", () => {
    expect(space({ "indicators.rsiPeriods.1": { type: "int", min: 3, max: 9 } }).ok).toBe(true);
    const r = space({ "indicators.rsiPeriods.9": { type: "int", min: 3, max: 9 } });
    expect(!r.ok && r.issues[0].message).toMatch(/no such element/);
  });

  it("refuses a choice value that makes an invalid config", () => {
    const r = space({ "execution.entryOrder": { type: "choice", values: ["postOnly", "limit"] } });
    expect(!r.ok && r.issues[0].message).toMatch(/"limit" makes an invalid config/);
  });
});

describe("valueAt and unitOf", () => {
  const int: Param = { name: "a", type: "int", min: 50, max: 90, step: 5, log: false };
  const flt: Param = { name: "b", type: "float", min: 0.1, max: 0.8, step: 0.1, log: false };
  const lg: Param = { name: "c", type: "float", min: 1, max: 100, log: true };
  const ch: Param = { name: "d", type: "choice", values: ["x", "y", "z"] };

  it("maps the unit ends to the bounds and snaps to the step", () => {
    expect(valueAt(int, 0)).toBe(50);
    expect(valueAt(int, 1)).toBe(90);
    expect(valueAt(int, 0.51)).toBe(70);
    expect(valueAt(flt, 0.3)).toBe(0.3);
    expect(valueAt(flt, 1)).toBe(0.8);
  });

  it("never snaps past max when the range is not a multiple of the step", () => {
    const p: Param = { name: "e", type: "int", min: 0, max: 10, step: 4, log: false };
    expect(valueAt(p, 1)).toBe(8);
    expect(valueAt(p, 0.9)).toBe(8);
  });

  it("interpolates geometrically on a log scale", () => {
    expect(valueAt(lg, 0.5)).toBeCloseTo(10, 10);
    expect(unitOf(lg, 10)).toBeCloseTo(0.5, 10);
  });

  it("splits the unit interval into equal slots for a choice", () => {
    expect([0, 0.34, 0.99, 1].map((u) => valueAt(ch, u))).toEqual(["x", "y", "z", "z"]);
    expect(unitOf(ch, "y")).toBeCloseTo(0.5, 12);
  });

  it("inverts valueAt on numeric parameters", () => {
    expect(unitOf(int, valueAt(int, 0.25))).toBeCloseTo(0.25, 12);
    expect(unitOf(flt, 0.8)).toBe(1);
  });
});
