/**
 * Inputs that crashed `npm run backtest` with an uncaught error deep in the engine when issue #15 was
 * filed (docs/issue-evidence.md): two configs that passed validation, and a recording of a
 * non-USDT symbol on which the engine enters. Each must now end in an answer, never a stack trace.
 * These drive only `main(args, io)`, so the same file runs on the commit the issue was filed against.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { main } from "./backtest";
import { main as generate } from "./generate";
import { captureIo as capture, runCaptured } from "./io";

const dir = mkdtempSync(join(tmpdir(), "bt-crash-"));
const market = join(dir, "market");

const run = (args: string[]) => runCaptured(main, args);

function configFile(name: string, config: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(config));
  return path;
}

/** Two minutes of a trades-only spot XRPETH capture with a steady up-drift, so that wide-open gates enter. */
function xrpEthRecording(): string {
  const path = join(dir, "xrpeth.jsonl.gz");
  const header = { format: "bitget-ws-recording", version: 1, instType: "SPOT", symbols: ["XRPETH"] };
  const lines = [JSON.stringify(header)];
  for (let i = 0; i < 240; i++) {
    const ts = 1_700_000_000_000 + i * 500;
    const price = (0.0015 * (1 + i * 0.0002 + (i % 5) * 0.00005)).toFixed(8);
    const trade = { ts: String(ts), price, size: "100", side: i % 3 ? "buy" : "sell", tradeId: String(i + 1) };
    const m = { action: "update", arg: { instType: "SPOT", channel: "trade", instId: "XRPETH" }, data: [trade], ts };
    lines.push(JSON.stringify({ t: ts + 5, m }));
  }
  writeFileSync(path, gzipSync(`${lines.join("\n")}\n`));
  return path;
}

beforeAll(async () => {
  const quiet = capture();
  expect(await generate(["--symbols", "BTCUSDT", "--minutes", "5", "--seed", "7", "--out", market], quiet.io)).toBe(0);
}, 60_000);

describe("npm run backtest on inputs that once crashed it (issue #15)", () => {
  it("refuses a VWAP window that is not whole seconds, naming the field, instead of throwing from the indicator", async () => {
    const config = configFile("vwap.json", { indicators: { vwapWindowsMs: [1500] } });
    const r = await run(["--data", market, "--config", config, "--json", "--no-cache"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("indicators.vwapWindowsMs.0");
  });

  it("refuses a correlation window that cannot hold two returns, naming both fields, instead of throwing from the portfolio", async () => {
    const config = configFile("corr.json", { portfolio: { correlationWindowMs: 5000, correlationReturnMs: 5000 } });
    const r = await run(["--data", market, "--config", config, "--json", "--no-cache"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("portfolio.correlationWindowMs");
    expect(r.err).toContain("portfolio.correlationReturnMs");
  });

  it("answers a run on a spot XRPETH recording with every gate open, without an uncaught error", async () => {
    const open = configFile("open.json", {
      gates: { minScore: 0, minAgreeing: 0, minVolumeRatio: 0, minExpectedMoveFeeMultiple: 0, requireBook: false },
    });
    const r = await run(["--data", xrpEthRecording(), "--config", open, "--json", "--no-cache"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).symbols).toEqual(["XRPETH"]);
  });
});
