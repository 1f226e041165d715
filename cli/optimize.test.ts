import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { captureIo as capture, runCaptured } from "./io";
import { defaultConfig, parseConfig } from "../shared/config/config";
import { applyParams } from "../shared/research/apply-params";
import { pickBest, type OptimizeReport } from "../shared/research/walk-forward-result";
import { main as generate } from "./generate";
import { main } from "./optimize";

const dir = mkdtempSync(join(tmpdir(), "optimize-"));
const data = join(dir, "market");
const base = join(dir, "base.json");
const space = join(dir, "space.json");
const gridSpace = join(dir, "grid.json");

const run = (args: string[]) => runCaptured(main, args);

const common = () => ["--data", data, "--config", base, "--folds", "2", "--min-trades", "1", "--no-cache"];

beforeAll(async () => {
  expect(
    await generate(["--symbols", "BTCUSDT,ETHUSDT", "--minutes", "15", "--seed", "7", "--out", data], capture().io),
  ).toBe(0);
  writeFileSync(base, JSON.stringify({ gates: { minVolumeRatio: 0, minExpectedMoveFeeMultiple: 0 } }));
  writeFileSync(
    space,
    JSON.stringify({
      sampler: "tpe",
      params: {
        "gates.minScore": { type: "int", min: 35, max: 65, step: 5 },
        "gates.minAgreeing": { type: "int", min: 2, max: 4 },
        "exits.takeProfitPct": { type: "float", min: 0.1, max: 0.5, step: 0.05 },
      },
    }),
  );
  writeFileSync(
    gridSpace,
    JSON.stringify({
      params: {
        "gates.minScore": { type: "int", min: 40, max: 60, step: 10 },
        "execution.entryOrder": { type: "choice", values: ["postOnly", "market"] },
      },
    }),
  );
}, 60_000);

describe("npm run optimize", () => {
  let doc: OptimizeReport;

  it("prints folds with train and test metrics and the chosen params, the best, trials, workers and elapsed time", async () => {
    const r = await run([...common(), "--space", space, "--trials", "10", "--workers", "2", "--seed", "3", "--json"]);
    expect(r.code).toBe(0);
    doc = JSON.parse(r.out);
    expect(doc.folds).toHaveLength(2);
    for (const f of doc.folds) {
      expect(f.train).toHaveProperty("objective");
      expect(f.test).toHaveProperty("trades");
      expect(Object.keys(f.params).sort()).toEqual(["exits.takeProfitPct", "gates.minAgreeing", "gates.minScore"]);
      expect(f.trials).toHaveLength(10);
    }
    expect(doc.best.params).toEqual(doc.folds[1].params);
    expect(doc.best.inSample).toEqual(doc.folds[1].train);
    expect(doc.best.outOfSample).toEqual(doc.folds[1].test);
    expect(doc.trials).toBe(20);
    expect(doc.workers).toBe(2);
    expect(doc.elapsedMs).toBeGreaterThan(0);
    expect(doc.totals.outOfSample.trades).toBe(doc.folds[0].test.trades + doc.folds[1].test.trades);
  }, 180_000);

  it("walks forward: each fold trains on one segment and tests on the next, later one", () => {
    const [a, b] = doc.folds;
    const seg = a.train.to - a.train.from;
    expect(a.test.from).toBe(a.train.to);
    expect({ from: b.train.from, to: b.train.to }).toEqual({ from: a.test.from, to: a.test.to });
    expect(b.test.from).toBe(b.train.to);
    expect(Math.abs(b.test.to - b.test.from - seg)).toBeLessThanOrEqual(1);
    expect(b.test.to).toBe(doc.span.to);
  });

  it("chooses on the train window only: the fold's params are its best training trial", () => {
    for (const f of doc.folds) {
      const best = pickBest(f.trials)!;
      expect(f.params).toEqual(best.params);
      expect(f.train.objective).toBe(best.value);
      expect(f.trials.every((t) => t.score === null || t.score <= f.train.score)).toBe(true);
    }
  });

  it("is deterministic for a seed whatever the number of workers", async () => {
    const one = await run([
      ...common(),
      "--space",
      space,
      "--trials",
      "6",
      "--workers",
      "1",
      "--seed",
      "5",
      "--json",
      "--deterministic",
    ]);
    const two = await run([
      ...common(),
      "--space",
      space,
      "--trials",
      "6",
      "--workers",
      "2",
      "--seed",
      "5",
      "--json",
      "--deterministic",
    ]);
    expect(one.code).toBe(0);
    const strip = (s: string) => JSON.stringify({ ...JSON.parse(s), workers: 0 });
    expect(strip(one.out)).toBe(strip(two.out));
    expect(JSON.parse(one.out).elapsedMs).toBeNull();
    const other = await run([
      ...common(),
      "--space",
      space,
      "--trials",
      "6",
      "--workers",
      "2",
      "--seed",
      "6",
      "--json",
      "--deterministic",
    ]);
    expect(JSON.parse(other.out).folds[0].trials.map((t: { params: unknown }) => t.params)).not.toEqual(
      JSON.parse(one.out).folds[0].trials.map((t: { params: unknown }) => t.params),
    );
  }, 240_000);

  it("writes the winner as a full config that parseConfig accepts, and an HTML report", async () => {
    const out = join(dir, "best.json");
    const report = join(dir, "report.html");
    const r = await run([
      ...common(),
      "--space",
      gridSpace,
      "--sampler",
      "grid",
      "--workers",
      "2",
      "--json",
      "--out",
      out,
      "--report",
      report,
    ]);
    expect(r.code).toBe(0);
    const res: OptimizeReport = JSON.parse(r.out);
    expect(res.sampler).toBe("grid");
    expect(res.trials).toBe(2 * 6);
    const written = parseConfig(JSON.parse(readFileSync(out, "utf8")));
    expect(written.ok).toBe(true);
    const baseConfig = parseConfig(JSON.parse(readFileSync(base, "utf8")));
    const expected = applyParams(baseConfig.ok ? baseConfig.config : defaultConfig(), res.best.params);
    expect(written.ok && expected.ok && written.version).toBe(expected.ok && expected.version);
    expect(written.ok && written.config.gates.minVolumeRatio).toBe(0);
    const html = readFileSync(report, "utf8");
    expect(html).toContain("fold 0");
    expect(html).toContain("fold 1");
    expect(html).toContain("out of sample");
  }, 180_000);

  it("penalises windows with too few trades instead of letting them win", async () => {
    const r = await run([
      "--data",
      data,
      "--config",
      base,
      "--folds",
      "1",
      "--min-trades",
      "1000",
      "--no-cache",
      "--space",
      gridSpace,
      "--sampler",
      "grid",
      "--workers",
      "2",
      "--json",
      "--deterministic",
    ]);
    expect(r.code).toBe(0);
    const res: OptimizeReport = JSON.parse(r.out);
    const trials = res.folds[0].trials;
    expect(trials.every((t) => t.penalised && (t.score as number) < -1000)).toBe(true);
    const most = Math.max(...trials.map((t) => t.trades));
    expect(res.folds[0].train.trades).toBe(most);
  }, 180_000);

  it("names a bad space field, an unknown objective, a float without step on a grid, and missing flags", async () => {
    const bad = join(dir, "bad-space.json");
    writeFileSync(bad, JSON.stringify({ params: { "gates.minScoree": { type: "int", min: 1, max: 2 } } }));
    const r1 = await run(["--data", data, "--space", bad]);
    expect(r1.code).toBe(2);
    expect(r1.err).toMatch(/params\.gates\.minScoree: gates\.minScoree: no such config field/);
    expect((await run(["--data", data, "--space", space, "--objective", "sortino"])).err).toMatch(
      /--objective must be one of netPnl, profitFactor, sharpe, expectancy, pnlDrawdown/,
    );
    const noStep = join(dir, "nostep.json");
    writeFileSync(noStep, JSON.stringify({ params: { "exits.takeProfitPct": { type: "float", min: 0.1, max: 0.5 } } }));
    expect((await run(["--data", data, "--space", noStep, "--sampler", "grid"])).err).toMatch(
      /exits\.takeProfitPct: a grid search needs a step/,
    );
    expect((await run(["--space", space])).err).toMatch(/--data is required/);
    expect((await run(["--data", data])).err).toMatch(/--space is required/);
    expect((await run(["--data", join(dir, "nope.gz"), "--space", space])).err).toMatch(/nope\.gz: no such file/);
    const never = join(dir, "never.json");
    expect((await run(["--data", data, "--space", bad, "--out", never])).code).toBe(2);
    expect(existsSync(never)).toBe(false);
  }, 60_000);
});
