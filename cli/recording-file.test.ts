import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { isRecord, readRecording } from "./recording-file";

const dir = mkdtempSync(join(tmpdir(), "rec-"));
const header = JSON.stringify({
  format: "bitget-ws-recording",
  version: 1,
  instType: "USDT-FUTURES",
  symbols: ["BTCUSDT"],
});
const trade = (t: number, id: string) =>
  JSON.stringify({
    t,
    m: {
      action: "update",
      arg: { instType: "USDT-FUTURES", channel: "trade", instId: "BTCUSDT" },
      data: [{ ts: String(t), price: "100.5", size: "2", side: "buy", tradeId: id }],
      ts: t,
    },
  });

function write(name: string, lines: string[], gzip = true): string {
  const file = join(dir, name);
  const text = `${lines.join("\n")}\n`;
  writeFileSync(file, gzip ? gzipSync(text) : text);
  return file;
}

async function readAll(file: string) {
  const out = [];
  for await (const x of readRecording(file)) out.push(x);
  return out;
}

describe("readRecording", () => {
  it("streams the header then every record of a gzip file", async () => {
    const file = write("ok.jsonl.gz", [header, trade(1000, "1"), trade(2000, "2")]);
    const all = await readAll(file);
    expect(all).toHaveLength(3);
    expect(isRecord(all[0])).toBe(false);
    expect(all.filter(isRecord).map((r) => [r.t, r.events[0].kind])).toEqual([
      [1000, "trade"],
      [2000, "trade"],
    ]);
  });

  it("names a missing file", async () => {
    await expect(readAll(join(dir, "nope.gz"))).rejects.toThrow(/nope\.gz: no such file/);
  });

  it("names the file of a corrupt gzip stream", async () => {
    const good = gzipSync([header, trade(1, "1"), trade(2, "2")].join("\n"));
    const file = join(dir, "corrupt.jsonl.gz");
    writeFileSync(file, Buffer.concat([good.subarray(0, 20), Buffer.alloc(30, 7)]));
    await expect(readAll(file)).rejects.toThrow(/corrupt\.jsonl\.gz: /);
  });

  it("names the file and line of a line that is not a push", async () => {
    const file = write("bad.jsonl.gz", [header, trade(1, "1"), '{"t": 5, "m": {"nope": true}}']);
    await expect(readAll(file)).rejects.toThrow(/bad\.jsonl\.gz: line 3: not a Bitget push/);
  });

  it("refuses a file whose first line is not a recording header", async () => {
    const file = write("nohdr.jsonl.gz", [trade(1, "1")]);
    await expect(readAll(file)).rejects.toThrow(/nohdr\.jsonl\.gz: line 1: format must be/);
  });
});
