import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIo as quietIo } from "../../cli/io";
import { main as backtest } from "../../cli/backtest";
import { main as record } from "../../cli/record";
import { startVenue, type Venue } from "../../cli/venue/server";

let venue: Venue;

beforeAll(async () => {
  venue = await startVenue({ synthetic: { symbols: ["BTCUSDT", "ETHUSDT"], seed: 3 }, speed: 20, log: () => {} });
});

afterAll(async () => {
  await venue.close();
});

describe("recorder → backtester round trip over loopback", () => {
  it("records the venue's live feed and backtests the files it wrote", async () => {
    const dir = mkdtempSync(join(tmpdir(), "roundtrip-"));
    const rec = quietIo();
    const stop = new Promise((resolve) => setTimeout(resolve, 4_000));
    const code = await record(["--symbols", "BTCUSDT,ETHUSDT", "--out", dir, "--url", venue.urls.wsPublic], rec.io, {
      stop,
      signals: () => () => {},
      progressMs: 60_000,
    });
    expect(code).toBe(0);
    const files = readdirSync(dir).filter((f) => f.endsWith(".jsonl.gz"));
    expect(files.length).toBe(2);
    const bt = quietIo();
    const permissive = join(dir, "cfg.json");
    await import("node:fs/promises").then((fs) =>
      fs.writeFile(
        permissive,
        JSON.stringify({ gates: { minScore: 0, minAgreeing: 0, minVolumeRatio: 0, minExpectedMoveFeeMultiple: 0 } }),
      ),
    );
    expect(await backtest(["--data", dir, "--config", permissive, "--json", "--deterministic"], bt.io)).toBe(0);
    const doc = JSON.parse(bt.out.join("\n"));
    expect(doc.symbols.sort()).toEqual(["BTCUSDT", "ETHUSDT"]);
    expect(doc.summary.tradeOnly).toBe(false);
    const net = doc.trades.reduce((a: number, t: { netPnl: number }) => a + t.netPnl, 0);
    expect(doc.summary.finalEquity).toBeCloseTo(1000 + net, 9);
  }, 60_000);
});
