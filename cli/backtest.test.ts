import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { captureIo as capture, runCaptured } from "./io";
import { main } from "./backtest";
import { expandDataPaths, sessionsOf } from "./merge-recordings";
import { main as generate } from "./generate";

const dir = mkdtempSync(join(tmpdir(), "bt-"));
const data = join(dir, "market");
/** Gates opened wide so that the synthetic market trades: this tests the machinery, not the strategy. */
const permissive = join(dir, "permissive.json");

const run = (args: string[]) => runCaptured(main, args);

beforeAll(async () => {
  const quiet = capture();
  expect(
    await generate(["--symbols", "BTCUSDT,ETHUSDT", "--minutes", "20", "--seed", "7", "--out", data], quiet.io),
  ).toBe(0);
  writeFileSync(
    permissive,
    JSON.stringify({ gates: { minScore: 40, minAgreeing: 3, minVolumeRatio: 0, minExpectedMoveFeeMultiple: 0 } }),
  );
}, 60_000);

describe("npm run backtest", () => {
  it("keeps the books: final equity is capital plus the net PnL, and every trade paid fees", async () => {
    const r = await run(["--data", data, "--config", permissive, "--capital", "1000", "--json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.trades.length).toBeGreaterThan(0);
    const net = doc.trades.reduce((a: number, t: { netPnl: number }) => a + t.netPnl, 0);
    expect(doc.summary.finalEquity).toBeCloseTo(1000 + net, 9);
    for (const t of doc.trades) {
      expect(t.fees).toBeGreaterThan(0);
      expect(t.netPnl).toBeCloseTo(t.grossPnl - t.fees, 9);
      expect(Object.keys(t.subScores)).toHaveLength(9);
    }
    expect(doc.config.version).toMatch(/^v-/);
    for (const key of [
      "capital",
      "finalEquity",
      "trades",
      "winRate",
      "avgWinLossRatio",
      "profitFactor",
      "expectancy",
      "sharpeDaily",
      "sharpePerTrade",
      "sortino",
      "maxDrawdown",
      "netPnl",
      "grossPnl",
      "fees",
      "feeImpact",
      "avgHoldSeconds",
      "exitReasons",
      "unfilledEntries",
      "tradeOnly",
      "eventsPerSecond",
    ]) {
      expect(doc.summary).toHaveProperty(key);
    }
  }, 60_000);

  it("is deterministic: the same input gives byte-identical JSON", async () => {
    const a = await run(["--data", data, "--config", permissive, "--json", "--deterministic"]);
    const b = await run(["--data", data, "--config", permissive, "--json", "--deterministic"]);
    expect(a.code).toBe(0);
    expect(a.out).toBe(b.out);
  }, 60_000);

  it("makes the same entry decisions on data cut at each entry time (lookahead check)", async () => {
    const r = await run(["--data", data, "--config", permissive, "--lookahead-check"]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/lookahead check: [1-9]\d* entries re-decided on data cut at their time, 0 differ/);
  }, 120_000);

  it("passes the lookahead check with every gate open, when decisions come thick and fast", async () => {
    const open = join(dir, "open.json");
    writeFileSync(
      open,
      JSON.stringify({ gates: { minScore: 0, minAgreeing: 0, minVolumeRatio: 0, minExpectedMoveFeeMultiple: 0 } }),
    );
    const r = await run(["--data", data, "--config", open, "--lookahead-check"]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/lookahead check: [1-9]\d* entries re-decided on data cut at their time, 0 differ/);
  }, 120_000);

  it("writes a standalone HTML report with every formula", async () => {
    const report = join(dir, "report.html");
    expect((await run(["--data", data, "--config", permissive, "--report", report])).code).toBe(0);
    const html = readFileSync(report, "utf8");
    expect(html).toContain('id="formulas"');
    expect(html).toContain("sharpeDaily");
  }, 60_000);

  it("names a missing file and writes nothing", async () => {
    const report = join(dir, "never.html");
    const r = await run(["--data", join(dir, "missing.jsonl.gz"), "--report", report]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/missing\.jsonl\.gz: no such file/);
    expect(existsSync(report)).toBe(false);
  });

  it("names the file of corrupt gzip data", async () => {
    const bad = join(dir, "corrupt.jsonl.gz");
    writeFileSync(bad, Buffer.concat([gzipSync("x".repeat(10_000)).subarray(0, 30), Buffer.alloc(40, 1)]));
    const r = await run(["--data", bad]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/corrupt\.jsonl\.gz: /);
  });

  it("names the file and line of a line that is not a push", async () => {
    const bad = join(dir, "badline.jsonl.gz");
    const header = JSON.stringify({
      format: "bitget-ws-recording",
      version: 1,
      instType: "USDT-FUTURES",
      symbols: ["BTCUSDT"],
    });
    writeFileSync(
      bad,
      gzipSync(
        [
          header,
          '{"t":1,"m":{"arg":{"channel":"trade","instId":"BTCUSDT"},"data":[{"ts":"1","price":"x","size":"1","side":"buy","tradeId":"1"}]}}',
        ].join("\n"),
      ),
    );
    const r = await run(["--data", bad]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/badline\.jsonl\.gz: line 2: not a Bitget push: trade item 0 has a bad price/);
  });

  it("refuses a file in another format", async () => {
    const bad = join(dir, "other.jsonl.gz");
    writeFileSync(bad, gzipSync('{"hello":"world"}\n'));
    const r = await run(["--data", bad]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/other\.jsonl\.gz: line 1: format must be "bitget-ws-recording"/);
  });

  it("names every bad config field", async () => {
    const cfg = join(dir, "bad-config.json");
    writeFileSync(cfg, JSON.stringify({ gates: { minScore: 500 }, exits: { stopLossPct: "x" } }));
    const r = await run(["--data", data, "--config", cfg]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/gates\.minScore/);
    expect(r.err).toMatch(/exits\.stopLossPct/);
  });

  it("refuses unknown flags and a missing --data", async () => {
    expect((await run(["--data", data, "--nope"])).err).toMatch(/unknown flag --nope/);
    expect((await run([])).err).toMatch(/--data is required/);
  });
});

const recordings = resolve(import.meta.dirname, "../../shared/data/recordings");
const haveRecordings = existsSync(recordings);
if (!haveRecordings) console.warn(`skipping backtests on real recordings: ${recordings} not found`);

describe.skipIf(!haveRecordings)("npm run backtest on the dev recordings", () => {
  it("replays each capture session with the default config and accounts exactly", async () => {
    const sessions = sessionsOf(await expandDataPaths([recordings]));
    expect(sessions.length).toBe(3);
    for (const files of sessions) {
      const r = await run(["--data", ...files, "--json"]);
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.out);
      expect(doc.symbols.sort()).toEqual(["BTCUSDT", "ETHUSDT"]);
      const net = doc.trades.reduce((a: number, t: { netPnl: number }) => a + t.netPnl, 0);
      expect(doc.summary.finalEquity).toBeCloseTo(1000 + net, 9);
      expect(doc.summary.tradeOnly).toBe(false);
    }
  }, 120_000);

  it("refuses to merge two captures of one symbol over the same time", async () => {
    const r = await run(["--data", recordings]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/BTCUSDT appears in .* and .* over the same time: backtest them separately/);
  });
});

describe("npm run backtest on data the engine cannot trade or configs at their limits", () => {
  /** A one-symbol recording of trades only (no book). */
  function tradesOnly(symbol: string, name: string): string {
    const path = join(dir, name);
    const header = { format: "bitget-ws-recording", version: 1, instType: "SPOT", symbols: [symbol] };
    const lines = [JSON.stringify(header)];
    for (let i = 0; i < 120; i++) {
      const ts = 1_700_000_000_000 + i * 500;
      const m = {
        action: "update",
        arg: { instType: "USDT-FUTURES", channel: "trade", instId: symbol },
        data: [
          {
            ts: String(ts),
            price: String(0.001 + (i % 7) * 1e-6),
            size: "10",
            side: i % 2 ? "buy" : "sell",
            tradeId: String(i + 1),
          },
        ],
        ts,
      };
      lines.push(JSON.stringify({ t: ts + 5, m }));
    }
    writeFileSync(path, gzipSync(`${lines.join("\n")}\n`));
    return path;
  }

  it("refuses a recording of a symbol with an unknown quote up front, naming the file and the reason", async () => {
    const file = tradesOnly("XRPJPY", "xrpjpy.jsonl.gz");
    const r = await run(["--data", file, "--config", permissive, "--no-cache"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${file}: symbol XRPJPY cannot be traded by the engine`);
    expect(r.err).toMatch(/quoted in USDT, USDC, BTC, ETH only/);
  });

  it("replays a recording quoted in ETH (a spot XRPETH capture), PnL in ETH", async () => {
    const file = tradesOnly("XRPETH", "xrpeth.jsonl.gz");
    const r = await run(["--data", file, "--config", permissive, "--json", "--no-cache"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.symbols).toEqual(["XRPETH"]);
    expect(doc.quote).toBe("ETH");
    for (const t of doc.trades) expect(t.fees).toBeGreaterThan(0);
  });

  it("refuses recordings of two quote currencies in one portfolio", async () => {
    const eth = tradesOnly("XRPETH", "mixed-xrpeth.jsonl.gz");
    const usdt = tradesOnly("XRPUSDT", "mixed-xrpusdt.jsonl.gz");
    const r = await run(["--data", usdt, eth, "--no-cache"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("quoted in USDT and ETH cannot share one portfolio");
  });

  it("reports trade-only data from the data, also when nothing filled", async () => {
    const file = tradesOnly("XRPUSDT", "xrpusdt.jsonl.gz");
    const r = await run(["--data", file, "--json", "--no-cache"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.trades).toEqual([]);
    expect(doc.summary.tradeOnly).toBe(true);
    const withBooks = JSON.parse((await run(["--data", data, "--json"])).out);
    expect(withBooks.summary.tradeOnly).toBe(false);
  });

  it("runs configs with every window at its limit without crashing", async () => {
    const limits = join(dir, "limits.json");
    writeFileSync(
      limits,
      JSON.stringify({
        indicators: { vwapWindowsMs: [86_400_000], orderFlowWindowsMs: [86_400_000], macd: { fast: 2, slow: 3 } },
        portfolio: { correlationWindowMs: 10_000, correlationReturnMs: 5000 },
      }),
    );
    const r = await run(["--data", data, "--config", limits, "--json"]);
    expect(r.code).toBe(0);
  }, 120_000);
});
