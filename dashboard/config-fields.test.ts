import { describe, expect, it } from "vitest";
import { configJsonSchema, defaultConfig, patchConfig } from "../shared/config/config";
import {
  boundsHint,
  buildPatch,
  configFields,
  issueField,
  readField,
  sameJson,
  schemaAt,
  showField,
  type SchemaNode,
} from "./config-fields";

const config = defaultConfig() as unknown as Record<string, unknown>;
const schema = configJsonSchema() as SchemaNode;
const fields = configFields(config, schema);
const byPath = new Map(fields.map((f) => [f.path, f]));

function issuesOf(patch: unknown) {
  const r = patchConfig(defaultConfig(), patch);
  if (r.ok) throw new Error("expected the patch to be refused");
  return r.issues;
}

describe("configFields", () => {
  it("has one field per leaf of the config, and rebuilding them gives the config back", () => {
    expect(buildPatch(fields.map((f) => ({ path: f.path, value: f.value })))).toEqual(config);
  });

  it("reads the kind from the value and the choices from the schema", () => {
    expect(byPath.get("gates.minScore")).toMatchObject({
      kind: "number",
      section: "gates",
      label: "minScore",
      value: 80,
      hint: "0 – 100",
    });
    expect(byPath.get("gates.requireBook")).toMatchObject({ kind: "boolean", value: true });
    expect(byPath.get("mode")).toMatchObject({ kind: "enum", section: "general", options: ["paper", "demo", "live"] });
    expect(byPath.get("execution.entryOrder")?.options).toEqual(["postOnly", "market"]);
    expect(byPath.get("indicators.emaPairs")).toMatchObject({
      kind: "list",
      value: [
        [3, 7],
        [5, 15],
        [10, 30],
      ],
    });
    expect(byPath.get("gates.confirmation.enabled")).toMatchObject({ section: "gates", label: "confirmation.enabled" });
  });

  it("describes bounds, integers and exclusive minimums for the reader", () => {
    expect(byPath.get("gates.minAgreeing")?.hint).toBe("integer, 0 – 9");
    expect(byPath.get("gates.maxSpreadBps")?.hint).toBe("> 0, ≤ 10000");
    expect(byPath.get("gates.minVolumeRatio")?.hint).toBe("0 – 1000");
    expect(boundsHint(null)).toBeUndefined();
    expect(schemaAt(schema, "gates.nothing")).toBeNull();
  });
});

describe("readField", () => {
  it("sends a number as a number and a blank number as null, for the API to judge", () => {
    expect(readField("number", "81.5")).toEqual({ ok: true, value: 81.5 });
    expect(readField("number", " ")).toEqual({ ok: true, value: null });
  });

  it("parses a list as JSON and refuses text that is not JSON", () => {
    expect(readField("list", "[2, 5]")).toEqual({ ok: true, value: [2, 5] });
    const bad = readField("list", "2, 5");
    expect(bad.ok).toBe(false);
  });

  it("reads checkboxes and text as they are", () => {
    expect(readField("boolean", true)).toEqual({ ok: true, value: true });
    expect(readField("enum", "live")).toEqual({ ok: true, value: "live" });
  });

  it("round-trips what an input shows", () => {
    for (const f of fields) {
      const raw = f.kind === "boolean" ? (f.value as boolean) : showField(f.kind, f.value);
      const r = readField(f.kind, raw);
      expect(r.ok && sameJson(r.value, f.value), f.path).toBe(true);
    }
  });
});

describe("buildPatch", () => {
  it("nests dotted paths", () => {
    expect(
      buildPatch([
        { path: "gates.minScore", value: 70 },
        { path: "gates.confirmation.enabled", value: true },
        { path: "mode", value: "paper" },
      ]),
    ).toEqual({ gates: { minScore: 70, confirmation: { enabled: true } }, mode: "paper" });
  });
});

describe("issueField", () => {
  const paths = fields.map((f) => f.path);

  it("puts an issue of a leaf on that leaf's field", () => {
    const [issue] = issuesOf({ gates: { minScore: 150 } });
    expect(issueField(issue.path, paths)).toBe("gates.minScore");
  });

  it("puts an issue inside a list on the list's field", () => {
    const [issue] = issuesOf({ indicators: { emaPairs: [[7, 3]] } });
    expect(issue.path.startsWith("indicators.emaPairs.")).toBe(true);
    expect(issueField(issue.path, paths)).toBe("indicators.emaPairs");
  });

  it("leaves an issue about a whole section to the section", () => {
    const issues = issuesOf({
      weights: {
        rsi: 0,
        macd: 0,
        bollinger: 0,
        ema: 0,
        vwap: 0,
        orderFlow: 0,
        priceAction: 0,
        liquiditySweep: 0,
        tickMomentum: 0,
      },
    });
    expect(issues.map((i) => issueField(i.path, paths))).toContain(null);
  });
});
