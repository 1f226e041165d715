import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../shared/config/config";
import type { BotConfig } from "../../shared/config/schema";
import type { MarketEvent } from "../../shared/market/events";
import { recordingTransform } from "../../shared/research/sub-score-transforms";
import { FAMILIES } from "../../shared/strategy/types";
import { runBacktest } from "../backtest";
import { main as generate } from "../generate";
import { expandDataPaths } from "../merge-recordings";
import { WorkerPool } from "./pool";
import { eventSpan, loadEvents, replayWindow } from "./replay";
import { runTask } from "./tasks";

const dir = mkdtempSync(join(tmpdir(), "research-replay-"));
const quiet = { out: () => {}, err: () => {} };
let files: string[];
let events: MarketEvent[];
let config: BotConfig;
let version: string;

beforeAll(async () => {
  expect(await generate(["--symbols", "BTCUSDT,ETHUSDT", "--minutes", "15", "--seed", "7", "--out", dir], quiet)).toBe(
    0,
  );
  files = await expandDataPaths([dir]);
  events = await loadEvents(files, { cache: false });
  const c = parseConfig({ gates: { minScore: 40, minAgreeing: 3, minVolumeRatio: 0, minExpectedMoveFeeMultiple: 0 } });
  if (!c.ok) throw new Error("bad test config");
  config = c.config;
  version = c.version;
}, 60_000);

describe("runTask", () => {
  it("gives the same metrics from its kept window events, and keeps at most 16 windows", () => {
    const span = eventSpan(events)!;
    const plain = { events, capital: 1000, recorded: new Map() };
    const kept = { ...plain, recorded: new Map(), windows: new Map<string, readonly MarketEvent[]>() };
    for (let i = 0; i < 20; i++) {
      const window = { from: span.from + i * 30_000, to: span.to - 1000 * i };
      const task = { kind: "evaluate", config, version, window, transform: { kind: "none" } } as const;
      const want = runTask(plain, task);
      expect(runTask(kept, task)).toEqual(want);
      expect(runTask(kept, task)).toEqual(want);
    }
    expect(kept.windows.size).toBe(16);
  });
});

describe("replayWindow", () => {
  it("gives the same trades and metrics as runBacktest over the same window", async () => {
    const span = eventSpan(events)!;
    const window = { from: span.from + 120_000, to: span.to - 60_000 };
    const mine = replayWindow(events, { config, version, capital: 1000, window });
    const { doc } = await runBacktest(files, config, version, 1000, {
      deterministic: true,
      window,
      read: { cache: false },
    });
    expect(doc.trades.length).toBeGreaterThan(0);
    expect(mine.trades).toEqual(doc.trades);
    expect({ ...mine.summary, eventsPerSecond: null }).toEqual({ ...doc.summary, eventsPerSecond: null });
    for (const t of mine.trades) {
      expect(t.entryTime).toBeGreaterThanOrEqual(window.from);
      expect(t.exitTime).toBeLessThan(window.to + 1000);
    }
  }, 60_000);

  it("is unchanged by an identity sub-score transform, and trades nothing when every family votes 0", () => {
    const span = eventSpan(events)!;
    const plain = replayWindow(events, { config, version, capital: 1000, window: span });
    const rec = recordingTransform();
    const observed = replayWindow(events, {
      config,
      version,
      capital: 1000,
      window: span,
      subScoreTransform: rec.transform,
    });
    expect(observed.trades).toEqual(plain.trades);
    for (const f of FAMILIES) expect(rec.series[f].length).toBeGreaterThan(100);
    const silent = replayWindow(events, { config, version, capital: 1000, window: span, subScoreTransform: () => 0 });
    expect(silent.trades).toHaveLength(0);
  }, 60_000);

  it("changes the run when a family is permuted (the same way for a seed) or ablated", () => {
    const span = eventSpan(events)!;
    const ctx = { events, capital: 1000, recorded: new Map() };
    const evaluate = (
      transform: Parameters<typeof runTask>[1] extends infer T ? (T extends { transform: infer X } ? X : never) : never,
    ) => runTask(ctx, { kind: "evaluate", config, version, window: span, transform });
    const base = evaluate({ kind: "none" });
    const permuted = evaluate({ kind: "permute", family: "rsi", seed: 1 });
    const again = evaluate({ kind: "permute", family: "rsi", seed: 1 });
    expect(ctx.recorded.size).toBe(1);
    expect(again).toEqual(permuted);
    expect(permuted).not.toEqual(base);
    const ablated = FAMILIES.map((family) => evaluate({ kind: "ablate", family }));
    expect(ablated.filter((r) => JSON.stringify(r) !== JSON.stringify(base)).length).toBeGreaterThan(0);
  }, 60_000);
});

describe("WorkerPool", () => {
  it("loads the recordings in each worker and answers exactly as the task runs in-process", async () => {
    const pool = await WorkerPool.start({ files, read: { cache: false }, capital: 1000, size: 2 });
    try {
      expect(pool.size).toBe(2);
      const span = (await pool.run({ kind: "span" })) as { span: { from: number; to: number } };
      expect(span.span).toEqual(eventSpan(events));
      const task = { kind: "evaluate", config, version, window: span.span, transform: { kind: "none" } } as const;
      const [a, b] = await Promise.all([pool.run(task), pool.run(task)]);
      const local = runTask({ events, capital: 1000, recorded: new Map() }, task);
      expect(a).toEqual(local);
      expect(b).toEqual(local);
    } finally {
      await pool.close();
    }
  }, 120_000);

  it("rejects a task that fails in the worker and reports a file it cannot read", async () => {
    await expect(
      WorkerPool.start({ files: [join(dir, "missing.jsonl.gz")], read: { cache: false }, capital: 1000, size: 1 }),
    ).rejects.toThrow(/missing\.jsonl\.gz/);
    const pool = await WorkerPool.start({ files, read: { cache: false }, capital: 1000, size: 1 });
    try {
      await expect(
        pool.run({
          kind: "evaluate",
          config,
          version,
          window: { from: 0, to: 1 },
          transform: { kind: "permute", family: "nope" as "rsi", seed: 1 },
        }),
      ).rejects.toThrow(/research worker/);
      expect((await pool.run({ kind: "span" })).kind).toBe("span");
    } finally {
      await pool.close();
    }
  }, 120_000);
});
