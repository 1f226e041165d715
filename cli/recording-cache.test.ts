import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { main as backtest } from "./backtest";
import { main as generate } from "./generate";
import { expandDataPaths, mergeRecordings, readHeaders, sessionsOf } from "./merge-recordings";
import { CACHE_DIR_ENV, cacheFileFor, defaultCacheDir, type CacheEvent, type CacheOutcome } from "./recording-cache";
import { CACHE_FORMAT_VERSION, RecordingColumns } from "./recording-columns";
import { readRecording, type ReadOptions, type SourcedRecord } from "./recording-file";
import type { BookLevelsEvent, BookTopEvent } from "../shared/market/events";

const root = mkdtempSync(join(tmpdir(), "rec-cache-"));
const market = join(root, "market");
const header = JSON.stringify({
  format: "bitget-ws-recording",
  version: 1,
  instType: "USDT-FUTURES",
  symbols: ["BTCUSDT", "ETHUSDT"],
});
const arg = (channel: string, instId = "BTCUSDT") => ({ instType: "USDT-FUTURES", channel, instId });
/**
 * Every shape the ingress accepts, including the awkward ones: uneven books, a book without seq, non-ASCII
 * ids, -0 sizes; and lines it hands on nothing for (a control frame, a channel it does not handle).
 */
const awkward = [
  header,
  JSON.stringify({
    t: 1000,
    m: {
      action: "update",
      arg: arg("trade"),
      data: [
        { ts: "1001", price: "100.5", size: "2", side: "sell", tradeId: "9" },
        { ts: "1000", price: "100.4", size: "0.001", side: "buy", tradeId: "10" },
      ],
      ts: 1001,
    },
  }),
  JSON.stringify({ t: 1000, m: { event: "subscribe", arg: arg("trade") } }),
  JSON.stringify({
    t: 1001,
    m: {
      action: "snapshot",
      arg: arg("books1", "ETHUSDT"),
      data: [{ bids: [["3000.1", "-0"]], asks: [["3000.2", "4"]], ts: "1001", seq: 7 }],
      ts: 1001,
    },
  }),
  JSON.stringify({
    t: 1002,
    m: {
      action: "snapshot",
      arg: arg("books15"),
      data: [
        {
          bids: [
            ["100.4", "1"],
            ["100.3", "2"],
            ["100.2", "3"],
          ],
          asks: [["100.5", "1.5"]],
          ts: "1002",
          seq: "123456789012345678901",
        },
      ],
      ts: 1002,
    },
  }),
  JSON.stringify({
    t: 1003,
    m: { action: "snapshot", arg: arg("books5"), data: [{ bids: [], asks: [["100.6", "1"]], ts: "1003" }], ts: 1003 },
  }),
  JSON.stringify({ t: 1004, m: { action: "update", arg: arg("ticker"), data: [{}], ts: 1004 } }),
  JSON.stringify({
    t: 1005,
    m: {
      action: "update",
      arg: arg("trade", "ETHUSDT"),
      data: [{ ts: "1005", price: "3000", size: "1", side: "buy", tradeId: "идент-😀-1" }],
      ts: 1005,
    },
  }),
];

/** The books15 line `line` again, `k` seqs later and `k` ms later (the ingress drops a book that is not newer). */
function nextSnapshot(line: string, k: number): string {
  return line
    .replace('"seq":"123456789012345678901"', `"seq":"${123456789012345678901n + BigInt(k)}"`)
    .replace('"t":1002', `"t":${1002 + k}`);
}

function write(name: string, lines: string[]): string {
  const file = join(root, name);
  writeFileSync(file, gzipSync(`${lines.join("\n")}\n`));
  return file;
}

/** A fresh cache folder and a log of what the cache did. */
function cacheIn(): { dir: string; seen: CacheOutcome[]; events: CacheEvent[]; read: ReadOptions } {
  const dir = mkdtempSync(join(root, "cache-"));
  const seen: CacheOutcome[] = [];
  const events: CacheEvent[] = [];
  return { dir, seen, events, read: { cache: { dir, observe: (e) => (seen.push(e.outcome), events.push(e)) } } };
}

async function readAll(file: string, read: ReadOptions) {
  const out = [];
  for await (const x of readRecording(file, read)) out.push(x);
  return out;
}

async function mergeAll(files: string[], read: ReadOptions): Promise<SourcedRecord[]> {
  const out = [];
  for await (const r of mergeRecordings(files, read)) out.push(r);
  return out;
}

const cacheFiles = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);

beforeAll(async () => {
  const quiet = { out: () => undefined, err: (t: string) => console.error(t) };
  expect(
    await generate(["--symbols", "BTCUSDT,ETHUSDT", "--minutes", "4", "--seed", "11", "--out", market], quiet),
  ).toBe(0);
}, 60_000);

describe("the recording cache", () => {
  it("replays every awkward event shape exactly as the JSON read does, from the first run and from the cache", async () => {
    const file = write("awkward.jsonl.gz", awkward);
    const c = cacheIn();
    const plain = await readAll(file, { cache: false });
    const building = await readAll(file, c.read);
    const cached = await readAll(file, c.read);
    expect(c.seen).toEqual(["miss", "written", "hit"]);
    expect(plain).toHaveLength(6);
    expect(building).toEqual(plain);
    expect(cached).toEqual(plain);
    expect(cached[5]).toMatchObject({ t: 1005, events: [{ id: "идент-😀-1" }] });
    expect(Object.is(((cached[2] as SourcedRecord).events[0] as BookTopEvent).bidSize, -0)).toBe(true);
  });

  it("replays generated recordings record for record, and merges them into the same sequence", async () => {
    const files = await expandDataPaths([market]);
    const c = cacheIn();
    for (const f of files) expect(await readAll(f, c.read)).toEqual(await readAll(f, { cache: false }));
    const plain = await mergeAll(files, { cache: false });
    const cached = await mergeAll(files, c.read);
    expect(c.seen.filter((s) => s === "hit")).toHaveLength(files.length);
    expect(cached).toEqual(plain);
    expect(new Set(cached.map((r) => r.file)).size).toBe(2);
  }, 60_000);

  it("merges by receive time, ties in the order the files were given", async () => {
    const files = await expandDataPaths([market]);
    const c = cacheIn();
    await mergeAll(files, c.read);
    const merged = await mergeAll(files, c.read);
    const byFile = await Promise.all(
      files.map(async (f) => (await readAll(f, { cache: false })).slice(1) as SourcedRecord[]),
    );
    const expected = byFile.flat().sort((a, b) => a.t - b.t || files.indexOf(a.file) - files.indexOf(b.file));
    expect(merged.map((r) => [r.t, r.file])).toEqual(expected.map((r) => [r.t, r.file]));
  }, 60_000);

  it("serves a second read from the cache without opening the source", async () => {
    const file = write("hit.jsonl.gz", awkward);
    utimesSync(file, 1_700_000_000, 1_700_000_000);
    const c = cacheIn();
    const first = await readAll(file, c.read);
    const size = statSync(file).size;
    writeFileSync(file, Buffer.alloc(size, 0x7b));
    utimesSync(file, 1_700_000_000, 1_700_000_000);
    expect(await readAll(file, c.read)).toEqual(first);
    expect(c.seen).toEqual(["miss", "written", "hit"]);
    await expect(readAll(file, { cache: false })).rejects.toThrow(/hit\.jsonl\.gz: /);
  });

  it("misses and rebuilds once the source's mtime or size changes", async () => {
    const file = write("changes.jsonl.gz", awkward);
    utimesSync(file, 1_700_000_000, 1_700_000_000);
    const c = cacheIn();
    await readAll(file, c.read);
    utimesSync(file, 1_700_000_000, 1_700_000_100);
    await readAll(file, c.read);
    write("changes.jsonl.gz", awkward.slice(0, 3));
    utimesSync(file, 1_700_000_000, 1_700_000_100);
    const shorter = await readAll(file, c.read);
    expect(shorter).toHaveLength(2);
    expect(c.seen).toEqual(["miss", "written", "miss", "written", "miss", "written"]);
  });

  it.each([
    ["truncated", (b: Buffer) => b.subarray(0, b.length - 9), /bytes, its header says/],
    ["a flipped byte", (b: Buffer) => ((b[b.length >> 1] ^= 0x40), b), /checksum mismatch/],
    ["another format version", (b: Buffer) => (b.writeUInt32LE(CACHE_FORMAT_VERSION + 1, 4), b), /format version/],
    ["not a cache at all", () => Buffer.from("hello"), /shorter than its header/],
  ])("ignores and rebuilds a cache file that is %s", async (_, damage, why) => {
    const file = write(`damaged-${_.replace(/ /g, "-")}.jsonl.gz`, awkward);
    const c = cacheIn();
    const plain = await readAll(file, c.read);
    const path = join(c.dir, cacheFiles(c.dir)[0]);
    writeFileSync(path, damage(readFileSync(path)));
    expect(await readAll(file, c.read)).toEqual(plain);
    expect(c.seen).toEqual(["miss", "written", "stale", "written"]);
    expect(c.events[2].reason).toMatch(why);
    expect(await readAll(file, c.read)).toEqual(plain);
    expect(c.seen.at(-1)).toBe("hit");
  });

  it("opens columns from any buffer alignment, and refuses those made from another size or mtime of the source", async () => {
    const file = write("stamp.jsonl.gz", awkward);
    const c = cacheIn();
    await readAll(file, c.read);
    const bytes = readFileSync(join(c.dir, cacheFiles(c.dir)[0]));
    const st = statSync(file);
    expect(RecordingColumns.open(bytes, { size: st.size, mtimeMs: st.mtimeMs })).toBeInstanceOf(RecordingColumns);
    expect(RecordingColumns.open(bytes, { size: st.size + 1, mtimeMs: st.mtimeMs })).toBe(
      "made from another version of the source",
    );
    const unaligned = Buffer.concat([Buffer.alloc(3), bytes]).subarray(3);
    expect(
      (RecordingColumns.open(unaligned, { size: st.size, mtimeMs: st.mtimeMs }) as RecordingColumns)
        .decode(0, 2, "x")
        .map((r) => r.events.length),
    ).toEqual([2, 1]);
  });

  it("decodes records asked for out of order exactly as in order, and refuses to decode once closed", async () => {
    const file = write("out-of-order.jsonl.gz", [
      ...awkward,
      nextSnapshot(awkward[4], 1).replace('"100.3","2"', '"100.3","2.5"'),
      nextSnapshot(awkward[4], 2),
    ]);
    const c = cacheIn();
    const plain = (await readAll(file, { cache: false })).slice(1);
    await readAll(file, c.read);
    const st = statSync(file);
    const cols = RecordingColumns.open(readFileSync(join(c.dir, cacheFiles(c.dir)[0])), st) as RecordingColumns;
    const file0 = (plain[0] as SourcedRecord).file;
    expect(plain).toHaveLength(7);
    expect(cols.decode(5, 7, file0)).toEqual(plain.slice(5, 7));
    expect(cols.decode(2, 3, file0)).toEqual(plain.slice(2, 3));
    expect(cols.decode(0, 7, file0)).toEqual(plain);
    expect(cols.close()).toBeInstanceOf(Buffer);
    expect(cols.close()).toBeNull();
    expect(() => cols.record(0, file0)).toThrow(/closed/);
  });

  it("shares a depth snapshot's unchanged level tuples with the previous snapshot, never a changed one", async () => {
    const file = write("shared-levels.jsonl.gz", [
      header,
      awkward[4],
      nextSnapshot(awkward[4], 1).replace('"100.3","2"', '"100.3","2.5"'),
    ]);
    const c = cacheIn();
    await readAll(file, c.read);
    const [, a, b] = (await readAll(file, c.read)) as SourcedRecord[];
    const [first, second] = [a.events[0], b.events[0]] as BookLevelsEvent[];
    expect(second.bids.map((l, i) => l === first.bids[i])).toEqual([true, false, true]);
    expect(second.bids[1]).toEqual([100.3, 2.5]);
    expect(second.asks[0]).toBe(first.asks[0]);
  });

  it("replays the same records from the cache read after read, its buffers reused", async () => {
    const files = await expandDataPaths([market]);
    const c = cacheIn();
    const plain = await mergeAll(files, { cache: false });
    await mergeAll(files, c.read);
    for (let i = 0; i < 3; i++) expect(await mergeAll(files, c.read)).toEqual(plain);
    expect(c.seen.filter((s) => s === "hit")).toHaveLength(3 * files.length);
  }, 60_000);

  it("leaves no cache file behind a recording that fails, and names its file and line as before", async () => {
    const file = write("fails.jsonl.gz", [
      ...awkward.slice(0, 3),
      '{"t": 5, "m": {"nope": true}}',
      ...awkward.slice(3),
    ]);
    const c = cacheIn();
    await expect(readAll(file, c.read)).rejects.toThrow(/fails\.jsonl\.gz: line 4: not a Bitget push/);
    await expect(readAll(file, c.read)).rejects.toThrow(/fails\.jsonl\.gz: line 4: not a Bitget push/);
    expect(cacheFiles(c.dir)).toEqual([]);
    expect(c.seen).toEqual(["miss", "miss"]);
  });

  it("yields the records before a bad line, as the uncached read does", async () => {
    const file = write("partial.jsonl.gz", [...awkward.slice(0, 3), "not json", ...awkward.slice(3)]);
    const seen: unknown[] = [];
    await expect(
      (async () => {
        for await (const x of readRecording(file, cacheIn().read)) seen.push(x);
      })(),
    ).rejects.toThrow(/line 4: not JSON/);
    expect(seen).toHaveLength(2);
  });

  it("stops reading and writes no cache when a merge is abandoned early", async () => {
    const files = await expandDataPaths([market]);
    const c = cacheIn();
    for await (const r of mergeRecordings(files, c.read)) if (r.t > 0) break;
    expect(cacheFiles(c.dir)).toEqual([]);
    expect(c.seen).toEqual(["miss", "miss"]);
  });

  it("names the file and line of a bad recording merged with a good one", async () => {
    const bad = write("merge-bad.jsonl.gz", [header, awkward[1], "[1, 2]"]);
    const files = [...(await expandDataPaths([market])), bad];
    await expect(mergeAll(files, cacheIn().read)).rejects.toThrow(/merge-bad\.jsonl\.gz: line 3: /);
  }, 30_000);

  it("writes no cache when only the header was read", async () => {
    const file = write("header-only.jsonl.gz", awkward);
    const c = cacheIn();
    const [h] = await readHeaders([file], c.read);
    expect(h.symbols).toEqual(["BTCUSDT", "ETHUSDT"]);
    expect(cacheFiles(c.dir)).toEqual([]);
  });

  it("does not cache ids that would not survive UTF-8, and still reads them", async () => {
    const line = awkward[1].replace('"tradeId":"9"', '"tradeId":"\\ud800"');
    const file = write("lone-surrogate.jsonl.gz", [header, line]);
    const c = cacheIn();
    const recs = await readAll(file, c.read);
    expect((recs[1] as SourcedRecord).events.map((e) => (e as { id: string }).id)).toEqual(["10", "\ud800"]);
    expect(c.events.at(-1)).toMatchObject({ outcome: "not-written", reason: expect.stringMatching(/UTF-16/) });
    expect(cacheFiles(c.dir)).toEqual([]);
  });

  it("keys the cache on the absolute path, size, mtime and format version", () => {
    const stamp = { size: 10, mtimeMs: 5 };
    const a = cacheFileFor("/c", "x.jsonl.gz", stamp);
    expect(cacheFileFor("/c", resolve("x.jsonl.gz"), stamp)).toBe(a);
    expect(cacheFileFor("/c", "y.jsonl.gz", stamp)).not.toBe(a);
    expect(cacheFileFor("/c", "x.jsonl.gz", { size: 11, mtimeMs: 5 })).not.toBe(a);
    expect(cacheFileFor("/c", "x.jsonl.gz", { size: 10, mtimeMs: 5.5 })).not.toBe(a);
    expect(a).toMatch(/^\/c\/[0-9a-f]{64}\.esrc$/);
  });
});

describe("the cache folder", () => {
  const before = process.env[CACHE_DIR_ENV];
  afterEach(() => {
    if (before === undefined) delete process.env[CACHE_DIR_ENV];
    else process.env[CACHE_DIR_ENV] = before;
  });

  it("is node_modules/.cache/edge-scalper/recordings under the working directory unless the environment names one", () => {
    delete process.env[CACHE_DIR_ENV];
    expect(defaultCacheDir()).toBe(resolve("node_modules/.cache/edge-scalper/recordings"));
    process.env[CACHE_DIR_ENV] = join(root, "elsewhere");
    expect(defaultCacheDir()).toBe(join(root, "elsewhere"));
  });

  it("is filled by npm run backtest, and left alone with --no-cache", async () => {
    const io = { out: () => undefined, err: () => undefined };
    const files = await expandDataPaths([market]);
    const off = join(root, "env-off");
    process.env[CACHE_DIR_ENV] = off;
    expect(await backtest(["--data", market, "--no-cache", "--deterministic", "--json"], io)).toBe(0);
    expect(cacheFiles(off)).toEqual([]);
    const on = join(root, "env-on");
    mkdirSync(on);
    process.env[CACHE_DIR_ENV] = on;
    expect(await backtest(["--data", market, "--deterministic", "--json"], io)).toBe(0);
    expect(cacheFiles(on).sort()).toEqual(files.map((f) => cacheFileFor(on, f, statSync(f)).split("/").pop()).sort());
  }, 60_000);

  it("gives a backtest the same document from the cache as from the sources", async () => {
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: () => undefined };
    process.env[CACHE_DIR_ENV] = mkdtempSync(join(root, "doc-"));
    for (const flags of [["--no-cache"], [], []])
      expect(await backtest(["--data", market, "--deterministic", "--json", ...flags], io)).toBe(0);
    expect(out[1]).toBe(out[0]);
    expect(out[2]).toBe(out[0]);
  }, 60_000);
});

const recordings = resolve(import.meta.dirname, "../../shared/data/recordings");
const haveRecordings = existsSync(recordings);
if (!haveRecordings) console.warn(`skipping the recording cache on the dev recordings: ${recordings} not found`);

describe.skipIf(!haveRecordings)("the recording cache on the dev recordings", () => {
  it("merges each capture session from the cache into exactly the JSON read's records", async () => {
    const c = cacheIn();
    for (const files of sessionsOf(await expandDataPaths([recordings]))) {
      const plain = await mergeAll(files, { cache: false });
      await mergeAll(files, c.read);
      expect(await mergeAll(files, c.read)).toEqual(plain);
    }
    expect(c.seen.filter((s) => s === "hit")).toHaveLength(6);
  }, 180_000);
});
