import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readWholeRecording } from "../recording-file";
import { MarketIngress } from "../../shared/exchange/bitget/market-ingress";
import { HourlyRecorder } from "./hourly-recorder";

const H = Date.parse("2024-07-18T10:00:00Z");
const HOUR = 3_600_000;

function recorder() {
  const dir = mkdtempSync(join(tmpdir(), "hourly-recorder-"));
  const rec = new HourlyRecorder({
    dir,
    venue: "bitget",
    url: "wss://ws.bitget.com/v2/ws/public",
    symbols: ["BTCUSDT"],
    channels: ["trade", "books15", "books1"],
    startedAt: H,
  });
  /** Hands a push to the recorder with the verdict a live feed's ingress gives it. */
  const ingress = new MarketIngress();
  const push = (p: Record<string, unknown>, at: number, text: string) => rec.push(p, at, text, ingress.push(p));
  return { dir, rec, push };
}

function trade(id: number, price = "27000.5"): { push: Record<string, unknown>; text: string } {
  const push = {
    action: "update",
    arg: { instType: "USDT-FUTURES", channel: "trade", instId: "BTCUSDT" },
    data: [{ ts: "1721296800000", price, size: "0.01", side: "buy", tradeId: String(id) }],
    ts: 1721296800000,
  };
  return { push, text: JSON.stringify(push) };
}

const read = (dir: string, name: string) => readWholeRecording(join(dir, name));

describe("HourlyRecorder", () => {
  it("clamps a clock that steps back, so lines stay in t order, and counts the clamps", async () => {
    const { dir, rec, push } = recorder();
    for (const [id, at] of [
      [1, 1000],
      [2, 900],
      [3, 1100],
    ])
      push(trade(id).push, H + at, trade(id).text);
    const { files, errors } = await rec.finish();
    expect(errors).toEqual([]);
    expect(files.map((f) => f.path)).toEqual([join(dir, "bitget_btcusdt_20240718T1000.bitget.jsonl.gz")]);
    const { header, records } = await read(dir, "bitget_btcusdt_20240718T1000.bitget.jsonl.gz");
    expect(records.map((x) => x.t - H)).toEqual([1000, 1000, 1100]);
    expect(header).toMatchObject({
      market: "bitget-usdt-futures",
      counts: { trade: 3, books15: 0, books1: 0 },
      bookWarmupMs: null,
      stats: { trades: 3, clockClamps: 1 },
    });
  });

  it("leaves out pushes that do not decode and counts each in the file of its hour", async () => {
    const { dir, rec, push } = recorder();
    const bad = trade(9, "-1");
    push(bad.push, H + 5, bad.text);
    push(trade(1).push, H + 10, trade(1).text);
    push(bad.push, H + HOUR + 5, bad.text);
    push(trade(2).push, H + HOUR + 10, trade(2).text);
    await rec.finish();
    expect(readdirSync(dir).sort()).toEqual([
      "bitget_btcusdt_20240718T1000.bitget.jsonl.gz",
      "bitget_btcusdt_20240718T1100.bitget.jsonl.gz",
    ]);
    for (const name of readdirSync(dir)) {
      const { header, records } = await read(dir, name);
      expect(records).toHaveLength(1);
      expect(header.stats).toMatchObject({ rejected: 1, lastRejectReason: "trade item 0 has a bad price" });
    }
    expect(rec.progress()).toEqual([{ symbol: "BTCUSDT", pushes: 2, trades: 2, rejected: 2, file: null }]);
  });

  it("gives each file the gaps that overlap its hour, a re-reported gap superseding the first report", async () => {
    const { dir, rec, push } = recorder();
    push(trade(1).push, H + 1000, trade(1).text);
    rec.addGap({ from: H + 10_000, to: H + 20_000, reason: "closed 1006" });
    rec.addGap({ from: H + 10_000, to: H + 30_000, reason: "closed 1006" });
    const boundary = { from: H + HOUR - 5000, to: H + HOUR + 5000, reason: "stale feed" };
    rec.addGap(boundary);
    push(trade(2).push, H + HOUR + 10_000, trade(2).text);
    rec.addGap({ from: H + 2 * HOUR + 1, to: H + 2 * HOUR + 2, reason: "later" });
    await rec.finish();
    expect(rec.gapsSeen).toBe(3);
    expect((await read(dir, "bitget_btcusdt_20240718T1000.bitget.jsonl.gz")).header.gaps).toEqual([
      { from: H + 10_000, to: H + 30_000, reason: "closed 1006" },
      boundary,
    ]);
    expect((await read(dir, "bitget_btcusdt_20240718T1100.bitget.jsonl.gz")).header.gaps).toEqual([boundary]);
  });

  it("re-serialises on one line a frame whose text spans lines", async () => {
    const { dir, rec, push } = recorder();
    const one = trade(1).push;
    push(one, H, JSON.stringify(one, null, 2));
    await rec.finish();
    const { records } = await read(dir, "bitget_btcusdt_20240718T1000.bitget.jsonl.gz");
    expect(records).toHaveLength(1);
    expect(records[0].events[0]).toMatchObject({ kind: "trade", id: "1", price: 27000.5 });
  });

  it("ignores pushes after finish", async () => {
    const { dir, rec, push } = recorder();
    await rec.finish();
    push(trade(1).push, H, trade(1).text);
    expect(readdirSync(dir)).toEqual([]);
  });
});
