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

/** The reference: the whole edited copy through the full schema. */
function fullParse(base: unknown, params: Record<string, unknown>) {
  // biome-ignore lint/suspicious/noExplicitAny: the reference walks arbitrary config paths
  const copy = structuredClone(base) as Record<string, any>;
  for (const [path, value] of Object.entries(params)) {
    const parts = path.split(".");
    let at = copy;
    for (const p of parts.slice(0, -1)) at = at[p];
    at[parts[parts.length - 1]] = structuredClone(value);
  }
  return parseConfig(copy);
}

describe("applyParams against a full parse", () => {
  const candidates: [string, unknown[]][] = [
    ["gates.minScore", [40, 65, -1, 101, "x"]],
    ["exits.takeProfitPct", [0.2, 0.35, -0.1]],
    ["indicators.macd.fast", [3, 5, 7, 9]],
    ["indicators.macd.slow", [7, 4, 26]],
    [
      "indicators.emaPairs",
      [
        [[3, 7]],
        [[7, 3]],
        [
          [5, 15],
          [10, 30],
        ],
      ],
    ],
    ["weights.rsi", [0, 0.3, 2]],
    ["weights.macd", [0, 0.5]],
    ["mode", ["paper", "live", "demo"]],
    ["symbols", [["BTCUSDT"], ["btc"]]],
    ["learning.enabled", [true, false, 1]],
  ];

  it("gives exactly what parsing the whole edited config gives, valid or not, version included", () => {
    const base = defaultConfig();
    let seed = 3;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    let invalid = 0;
    for (let n = 0; n < 300; n++) {
      const params: Record<string, unknown> = {};
      for (const [path, values] of candidates) if (next() % 3 === 0) params[path] = values[next() % values.length];
      const fast = applyParams(base, params as never);
      expect(fast).toEqual(fullParse(base, params));
      if (!fast.ok) invalid++;
    }
    expect(invalid).toBeGreaterThan(30);
    expect(invalid).toBeLessThan(270);
  });

  it("versions an untouched copy as the base", () => {
    const base = defaultConfig();
    const r = applyParams(base, {});
    expect(r.ok && r.version).toBe(parseConfig(base).ok && (parseConfig(base) as { version: string }).version);
  });
});

describe("readPath", () => {
  it("reads nested fields and array elements", () => {
    expect(readPath(base, "indicators.bollinger.1.period")).toEqual({ ok: true, value: 20 });
    expect(readPath(base, "gates.x.y").ok).toBe(false);
  });
});
