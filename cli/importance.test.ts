import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { captureIo as capture, runCaptured } from "./io";
import { patchConfig, defaultConfig } from "../shared/config/config";
import { FAMILIES } from "../shared/strategy/types";
import { main as generate } from "./generate";
import { main, type ImportanceDocument } from "./importance";

const dir = mkdtempSync(join(tmpdir(), "importance-"));
const data = join(dir, "market");
const permissive = join(dir, "permissive.json");

const run = (args: string[]) => runCaptured(main, args);

beforeAll(async () => {
  expect(
    await generate(["--symbols", "BTCUSDT,ETHUSDT", "--minutes", "15", "--seed", "7", "--out", data], capture().io),
  ).toBe(0);
  writeFileSync(
    permissive,
    // The first readings (plan-v1): this market's trade count under them is what the "few trades" warning expects.
    JSON.stringify({
      gates: { minScore: 40, minAgreeing: 3, minVolumeRatio: 0, minExpectedMoveFeeMultiple: 0 },
      scoring: { readings: "plan-v1" },
    }),
  );
}, 60_000);

describe("npm run importance", () => {
  let doc: ImportanceDocument;

  it("ranks all nine families by the mean of their ablation and permutation effects", async () => {
    const r = await run([
      "--data",
      data,
      "--config",
      permissive,
      "--repeats",
      "2",
      "--workers",
      "2",
      "--min-trades",
      "1",
      "--json",
      "--deterministic",
      "--no-cache",
    ]);
    expect(r.code).toBe(0);
    doc = JSON.parse(r.out);
    expect(doc.families.map((f) => f.family).sort()).toEqual([...FAMILIES].sort());
    expect(doc.families.map((f) => f.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (let i = 1; i < doc.families.length; i++)
      expect(doc.families[i - 1].importance).toBeGreaterThanOrEqual(doc.families[i].importance);
    for (const f of doc.families) expect(f.importance).toBeCloseTo((f.ablation + f.permutation) / 2, 9);
    expect(doc.runs).toBe(1 + 9 * 3);
    expect(doc.baseline.trades).toBeGreaterThan(0);
    expect(doc.families.some((f) => f.ablation !== 0 || f.permutation !== 0)).toBe(true);
    expect(doc.lowTrades).toBe(false);
  }, 240_000);

  it("suggests weights that sum to 1 and make a valid config", () => {
    const sum = FAMILIES.reduce((s, f) => s + doc.suggestedWeights[f], 0);
    expect(sum).toBeCloseTo(1, 3);
    expect(patchConfig(defaultConfig(), { weights: doc.suggestedWeights }).ok).toBe(true);
  });

  it("gives the same document for a seed with one worker, and warns when trades are few", async () => {
    const r = await run([
      "--data",
      data,
      "--config",
      permissive,
      "--repeats",
      "2",
      "--workers",
      "1",
      "--json",
      "--deterministic",
      "--no-cache",
    ]);
    expect(r.code).toBe(0);
    const one: ImportanceDocument = JSON.parse(r.out);
    expect({ ...one, workers: 0, lowTrades: false }).toEqual({ ...doc, workers: 0 });
    expect(r.err).toMatch(/fewer than 10\): treat every figure as noise/);
  }, 240_000);

  it("refuses an unknown objective and a missing --data", async () => {
    expect((await run(["--data", data, "--objective", "calmar"])).code).toBe(2);
    expect((await run([])).err).toMatch(/--data is required/);
  });
});
