import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { main } from "./generate";
import { readWholeRecording } from "./recording-file";

const root = mkdtempSync(join(tmpdir(), "generate-"));
let dirs = 0;
const freshDir = () => join(root, `out-${++dirs}`);

async function runCli(argv: string[]): Promise<{ code: number; out: string[]; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err: err.join("\n") };
}

const unzip = (dir: string, name: string) => gunzipSync(readFileSync(join(dir, name))).toString("utf8");

describe("npm run generate", () => {
  it("writes one recording per symbol that reads back through readRecording, with a header that counts its records", async () => {
    const dir = freshDir();
    const r = await runCli(["--symbols", "BTCUSDT,ETHUSDT", "--minutes", "1", "--seed", "5", "--out", dir]);
    expect(r).toMatchObject({ code: 0, err: "" });
    expect(readdirSync(dir).sort()).toEqual([
      "synthetic_btcusdt_20240101T0000.bitget.jsonl.gz",
      "synthetic_ethusdt_20240101T0000.bitget.jsonl.gz",
    ]);
    expect(r.out).toHaveLength(2);
    for (const symbol of ["BTCUSDT", "ETHUSDT"]) {
      const file = join(dir, `synthetic_${symbol.toLowerCase()}_20240101T0000.bitget.jsonl.gz`);
      expect(r.out.some((l) => l.startsWith(`${file}: ${symbol}`))).toBe(true);
      const { header, records } = await readWholeRecording(file);
      expect(header).toMatchObject({
        format: "bitget-ws-recording",
        version: 1,
        instType: "USDT-FUTURES",
        symbols: [symbol],
        source: "edge-scalper synthetic generator",
        note: "synthetic market, not real data: for demos and tests, never evidence of profitability",
        seed: 5,
        hasBook: true,
        channels: ["trade", "books1", "books15"],
      });
      const events = records.flatMap((x) => x.events);
      expect(events.every((e) => e.symbol === symbol)).toBe(true);
      const pushesOf = (kind: string) => records.filter((x) => x.events[0].kind === kind).length;
      expect(header.counts).toEqual({
        trade: pushesOf("trade"),
        books1: pushesOf("bookTop"),
        books15: pushesOf("bookLevels"),
      });
      expect((header.stats as { trades: number }).trades).toBe(events.filter((e) => e.kind === "trade").length);
      expect(header.counts).toMatchObject({ books15: 599 });
      expect([header.firstT, header.lastT, header.spanMs]).toEqual([
        records[0].t,
        records[records.length - 1].t,
        records[records.length - 1].t - records[0].t,
      ]);
      expect(records.every((x, i) => i === 0 || x.t >= records[i - 1].t)).toBe(true);
    }
  });

  it("writes byte-identical content for the same flags and different content for another seed", async () => {
    const [a, b, c] = [freshDir(), freshDir(), freshDir()];
    const name = "synthetic_solusdt_20240101T0000.bitget.jsonl.gz";
    await runCli(["--symbols", "SOLUSDT", "--minutes", "0.5", "--seed", "9", "--out", a]);
    await runCli(["--symbols=SOLUSDT", "--minutes=0.5", "--seed=9", `--out=${b}`]);
    await runCli(["--symbols", "SOLUSDT", "--minutes", "0.5", "--seed", "10", "--out", c]);
    expect(unzip(b, name)).toBe(unzip(a, name));
    expect(unzip(c, name)).not.toBe(unzip(a, name));
  });

  it("names each file after the UTC minute of its first exchange time", async () => {
    const dir = freshDir();
    const r = await runCli([
      "--symbols",
      "XRPUSDT",
      "--minutes",
      "0.2",
      "--start",
      "2024-03-05T12:34:56Z",
      "--out",
      dir,
    ]);
    expect(r.code).toBe(0);
    expect(readdirSync(dir)).toEqual(["synthetic_xrpusdt_20240305T1234.bitget.jsonl.gz"]);
  });

  it("prints the usage for --help and exits 0", async () => {
    const r = await runCli(["--help"]);
    expect(r.code).toBe(0);
    expect(r.out.join("\n")).toMatch(/--symbols[\s\S]*--minutes[\s\S]*--seed[\s\S]*--start/);
  });

  it.each([
    [["--bogus", "1"], /unknown flag --bogus/],
    [[], /--out is required/, { noOut: true }],
    [["--minutes", "0"], /--minutes must be a positive number/],
    [["--minutes", "-3"], /--minutes must be a positive number/],
    [["--minutes", "ten"], /--minutes must be a positive number.*"ten"/],
    [["--symbols", "btcusdt"], /--symbols: "btcusdt" is not a symbol/],
    [["--symbols", "BTCUSDT,BTCUSD"], /--symbols: "BTCUSD" is not a symbol/],
    [["--symbols", "BTCUSDT,,ETHUSDT"], /--symbols: "" is not a symbol/],
    [["--symbols", "ETHUSDT,ETHUSDT"], /--symbols: ETHUSDT is listed twice/],
    [["--seed", "1.5"], /--seed must be an integer, got "1.5"/],
    [["--seed", "9007199254740993"], /--seed must be an integer/],
    [["--start", "2024-01-01T00:00"], /--start must be an ISO time with a zone/],
    [["--seed", "1", "--seed", "2"], /--seed is given twice/],
    [["stray"], /unexpected argument "stray"/],
    [["--minutes"], /--minutes needs a value/],
  ])(
    "refuses %j with exit code 2, naming the flag, and writes nothing",
    async (argv, message, opts?: { noOut: boolean }) => {
      const dir = freshDir();
      const r = await runCli(opts?.noOut ? argv : ["--out", dir, ...argv]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.out).toEqual([]);
      expect(existsSync(dir)).toBe(false);
    },
  );

  it("exits 1 when --out cannot be a directory", async () => {
    const file = join(root, "a-file");
    writeFileSync(file, "x");
    const r = await runCli(["--symbols", "BTCUSDT", "--minutes", "0.1", "--out", join(file, "sub")]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--out .*cannot create the directory/);
  });

  it("leaves no recording and no temporary file behind when one file cannot be written", async () => {
    const dir = freshDir();
    const blocker = `.synthetic_ethusdt_20240101T0000.bitget.jsonl.gz.${process.pid}.tmp`;
    mkdirSync(join(dir, blocker), { recursive: true });
    const r = await runCli(["--symbols", "BTCUSDT,ETHUSDT", "--minutes", "0.2", "--out", dir]);
    expect(r.code).toBe(1);
    expect(r.out).toEqual([]);
    expect(readdirSync(dir)).toEqual([blocker]);
  });
});
