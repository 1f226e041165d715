import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { RecordingError } from "../recording-file";
import {
  instrumentsFor,
  MarketPlayer,
  type MarketSource,
  recordingSource,
  syntheticSource,
  type VenuePush,
} from "./market-source";

const dir = mkdtempSync(join(tmpdir(), "venue-source-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const header = (symbols: string[]) =>
  JSON.stringify({ format: "bitget-ws-recording", version: 1, instType: "USDT-FUTURES", symbols });

function trade(symbol: string, ts: number, id: string, price = "100.5"): object {
  return {
    action: "update",
    arg: { instType: "USDT-FUTURES", channel: "trade", instId: symbol },
    data: [{ ts: String(ts), price, size: "0.010", side: "buy", tradeId: id }],
    ts,
  };
}

function write(name: string, lines: string[], gz = false): string {
  const file = join(dir, name);
  const text = `${lines.join("\n")}\n`;
  writeFileSync(file, gz ? gzipSync(text) : text);
  return file;
}

async function drain(source: MarketSource): Promise<VenuePush[]> {
  const out: VenuePush[] = [];
  for (let p = await source.next(); p; p = await source.next()) out.push(p);
  return out;
}

function listSource(pushes: VenuePush[]): MarketSource {
  let i = 0;
  return { symbols: ["BTCUSDT"], next: async () => pushes[i++] ?? null, close: () => {} };
}

function push(t: number, ts: number): VenuePush {
  const msg = trade("BTCUSDT", ts, String(t)) as VenuePush["msg"];
  return { t, ts, msg, text: JSON.stringify(msg), events: [] };
}

describe("recordingSource", () => {
  it("hands over each push's text exactly as written in the file, with its events", async () => {
    const m = `{ "action" : "update", "arg":{"instType":"USDT-FUTURES","channel":"trade","instId":"BTCUSDT"},"data":[{"ts":"1000","price":"100.50","size":"0.010","side":"sell","tradeId":"7"}],"ts":1000 }`;
    const file = write("verbatim.jsonl", [header(["BTCUSDT"]), `{"t":5,"m":${m}}`]);
    const [p] = await drain(await recordingSource([file]));
    expect(p.text).toBe(m);
    expect(p.t).toBe(5);
    expect(p.ts).toBe(1000);
    expect(p.events).toEqual([
      { kind: "trade", symbol: "BTCUSDT", ts: 1000, price: 100.5, size: 0.01, side: "sell", id: "7" },
    ]);
  });

  it("merges several files by receive time, ties in file order, and reads gzip", async () => {
    const a = write(
      "a.jsonl.gz",
      [header(["BTCUSDT"]), ...[10, 30, 30].map((t, i) => JSON.stringify({ t, m: trade("BTCUSDT", t, `a${i}`) }))],
      true,
    );
    const b = write("b.jsonl", [
      header(["ETHUSDT"]),
      ...[20, 30, 40].map((t, i) => JSON.stringify({ t, m: trade("ETHUSDT", t, `b${i}`) })),
    ]);
    const source = await recordingSource([a, b]);
    expect(source.symbols).toEqual(["BTCUSDT", "ETHUSDT"]);
    const ids = (await drain(source)).map((p) => (p.msg.data[0] as { tradeId: string }).tradeId);
    expect(ids).toEqual(["a0", "b0", "a1", "a2", "b1", "b2"]);
  });

  it("refuses a file without a valid header before anything plays, naming the file", async () => {
    const file = write("bad-header.jsonl", [JSON.stringify({ format: "other", version: 1, symbols: [] })]);
    await expect(recordingSource([file])).rejects.toThrow(RecordingError);
    await expect(recordingSource([file])).rejects.toThrow(/bad-header\.jsonl/);
    await expect(recordingSource([join(dir, "missing.jsonl")])).rejects.toThrow(/no such file/);
  });

  it("names the line of a record that is not a push", async () => {
    const file = write("bad-line.jsonl", [
      header(["BTCUSDT"]),
      JSON.stringify({ t: 1, m: trade("BTCUSDT", 1, "1") }),
      JSON.stringify({ t: 2, m: { arg: {} } }),
    ]);
    const source = await recordingSource([file]);
    await expect(drain(source)).rejects.toThrow(/bad-line\.jsonl: line 3/);
  });
});

describe("syntheticSource", () => {
  it("emits pushes whose text is the push serialised and whose events decode it", async () => {
    const source = syntheticSource({ symbols: ["BTCUSDT", "ETHUSDT"], seed: 1, startMs: 1_700_000_000_000 });
    const first = await source.next();
    expect(first).not.toBeNull();
    expect(JSON.parse(first!.text)).toEqual(first!.msg);
    expect(first!.events.length).toBeGreaterThan(0);
    expect(first!.ts).toBe(first!.msg.ts);
    expect(source.profiles.BTCUSDT.tickSize).toBe(0.1);
  });
});

describe("instrumentsFor", () => {
  it("gives Bitget-like rules from the symbol profiles", () => {
    expect(instrumentsFor(["BTCUSDT", "ETHUSDT"])).toEqual([
      { symbol: "BTCUSDT", tickSize: 0.1, sizeStep: 0.001, minSize: 0.001, minNotional: 5 },
      { symbol: "ETHUSDT", tickSize: 0.01, sizeStep: 0.01, minSize: 0.01, minNotional: 5 },
    ]);
  });
});

describe("MarketPlayer", () => {
  it("plays every push in order as fast as possible at speed 0, keeping the largest ts as its clock", async () => {
    const pushes = [push(1, 500), push(2, 700), push(3, 650), push(4_000_000, 800)];
    const seen: number[] = [];
    let ended = false;
    const player = new MarketPlayer({
      source: listSource(pushes),
      speed: 0,
      onPush: (p) => seen.push(p.t),
      onEnd: () => (ended = true),
    });
    await player.prime();
    expect(player.clock).toBe(500);
    await player.run();
    expect(seen).toEqual([1, 2, 3, 4_000_000]);
    expect(ended).toBe(true);
    expect(player.clock).toBe(800);
    expect(player.count).toBe(4);
  });

  it("paces pushes by receive time divided by speed", async () => {
    const pushes = [push(0, 1), push(1000, 2), push(2000, 3)];
    const at: number[] = [];
    const player = new MarketPlayer({ source: listSource(pushes), speed: 10, onPush: () => at.push(Date.now()) });
    await player.prime();
    await player.run();
    expect(at[2] - at[0]).toBeGreaterThanOrEqual(190);
    expect(at[2] - at[0]).toBeLessThan(1000);
  });

  it("skips idle gaps longer than maxIdleMs", async () => {
    const pushes = [push(0, 1), push(86_400_000, 2)];
    const start = Date.now();
    const player = new MarketPlayer({ source: listSource(pushes), speed: 1, maxIdleMs: 50, onPush: () => {} });
    await player.prime();
    await player.run();
    expect(Date.now() - start).toBeLessThan(1000);
    expect(player.count).toBe(2);
  });

  it("stops between pushes when told to", async () => {
    const pushes = [push(0, 1), push(60_000, 2)];
    const player = new MarketPlayer({ source: listSource(pushes), speed: 1, onPush: () => {} });
    await player.prime();
    const done = player.run();
    setTimeout(() => player.stop(), 20);
    await done;
    expect(player.count).toBe(1);
  });
});
