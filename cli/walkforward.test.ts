import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main as generate } from "./generate";
import { captureIo } from "./io";
import { STUDY_SPACE, main, type StudyRow } from "./walkforward";

const dir = mkdtempSync(join(tmpdir(), "walkforward-"));
const data = join(dir, "market");

/** Runs the CLI with its temporary files under a fresh `tempRoot`; `during` is what that root held at each progress report. */
async function run(args: string[]) {
  const c = captureIo();
  const tempRoot = mkdtempSync(join(dir, "tmp-"));
  const during: string[][] = [];
  const code = await main(args, { ...c.io, progress: () => void during.push(readdirSync(tempRoot)) }, tempRoot);
  return { code, out: c.out.join("\n"), err: c.err.join("\n"), during, after: readdirSync(tempRoot) };
}

beforeAll(async () => {
  expect(
    await generate(["--symbols", "BTCUSDT", "--minutes", "12", "--seed", "5", "--out", data], captureIo().io),
  ).toBe(0);
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run walkforward", () => {
  it("scores the plan, the volatility exits and the optimiser's choice on the same out-of-sample windows, and removes its temporary directory", async () => {
    const r = await run(["--data", data, "--folds", "2", "--workers", "2", "--json"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.during.length).toBeGreaterThan(0);
    for (const held of r.during) expect(held).toEqual([expect.stringMatching(/^walkforward-/)]);
    expect(r.after).toEqual([]);
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

  it("removes its temporary directory after a failing run too", async () => {
    // A recording with its header and no events: it loads, then the optimiser finds nothing to score.
    const [file] = readdirSync(data);
    const header = gunzipSync(readFileSync(join(data, file)))
      .toString()
      .split("\n")[0];
    const empty = join(dir, "empty");
    mkdirSync(empty, { recursive: true });
    writeFileSync(join(empty, file), gzipSync(`${header}\n`));
    const r = await run(["--data", join(empty, file), "--workers", "1"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("the data holds no market events");
    expect(r.after).toEqual([]);
  });
});
