import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { main as generate } from "./generate";
import { captureIo } from "./io";
import { STUDY_SPACE, main, type StudyRow } from "./walkforward";

const dir = mkdtempSync(join(tmpdir(), "walkforward-"));
const data = join(dir, "market");

async function run(args: string[]) {
  const c = captureIo();
  const code = await main(args, c.io);
  return { code, out: c.out.join("\n"), err: c.err.join("\n") };
}

beforeAll(async () => {
  expect(
    await generate(["--symbols", "BTCUSDT", "--minutes", "12", "--seed", "5", "--out", data], captureIo().io),
  ).toBe(0);
}, 60_000);

describe("npm run walkforward", () => {
  it("scores the plan, the volatility exits and the optimiser's choice on the same out-of-sample windows", async () => {
    const r = await run(["--data", data, "--folds", "2", "--workers", "2", "--json"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const [study] = JSON.parse(r.out) as StudyRow[];
    expect(study.tradeOnly).toBe(false);
    const windows = Object.values(study.rows).map((x) => [x.outOfSample.from, x.outOfSample.to]);
    expect(new Set(windows.map(String)).size).toBe(1);
    expect(study.rows.plan.params).toEqual([{ "gates.minScore": 80 }, { "gates.minScore": 80 }]);
    for (const p of study.rows.optimised.params)
      expect(Object.keys(p as object).sort()).toEqual(Object.keys(STUDY_SPACE.params).sort());
    for (const row of Object.values(study.rows)) expect(row.outOfSample.fees).toBeGreaterThanOrEqual(0);
  }, 600_000);

  it("refuses a missing --data and a path that does not exist, with exit code 2", async () => {
    expect((await run([])).code).toBe(2);
    const r = await run(["--data", join(dir, "nope.jsonl.gz")]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("nope.jsonl.gz");
  });
});
