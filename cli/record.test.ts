import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import type { RecordingHeader } from "../shared/backtest/recording";
import type { MarketEvent } from "../shared/market/events";
import { main, parseRecordArgs, type RecordDeps } from "./record";
import { isRecord, readRecording, readWholeRecording } from "./recording-file";

const root = mkdtempSync(join(tmpdir(), "record-"));
let dirs = 0;
const freshDir = () => join(root, `out-${++dirs}`);
const cleanups: (() => void)[] = [];

afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

interface Gap {
  from: number;
  to: number;
  reason: string;
}

interface FakeBitgetOptions {
  /** Terminate the first connection this long after it subscribed. */
  readonly dropFirstAfterMs?: number;
  /** Send one undecodable trade push on the first connection. */
  readonly malformedOnce?: boolean;
  /** Start the book `seq` again from 1 on every new connection (as after an exchange restart). */
  readonly renumberBooks?: boolean;
  /** Send one books15 push with a wrong checksum on the first connection, 200 ms after it subscribed. */
  readonly badChecksumOnce?: boolean;
}

/**
 * A local server that speaks Bitget's V2 public protocol: acks subscribes, answers `ping` with `pong`,
 * sends a trade snapshot after each trade subscribe (repeating the last trades, as Bitget does), then
 * trade, books15 and books1 pushes every 40 ms. books1 carries `seq` as a bare number above 2^53.
 * `sent` holds the text of every market push it sent, per symbol, in order.
 */
async function fakeBitget(options: FakeBitgetOptions = {}) {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await once(wss, "listening");
  const sent = new Map<string, string[]>();
  const tradeIds = new Map<string, number>();
  let seq = 0;
  let connections = 0;
  let pings = 0;
  const timers: NodeJS.Timeout[] = [];
  const send = (peer: WebSocket, symbol: string, text: string) => {
    if (peer.readyState !== WebSocket.OPEN) return;
    peer.send(text);
    if (!sent.has(symbol)) sent.set(symbol, []);
    sent.get(symbol)!.push(text);
  };
  const trades = (symbol: string, action: string, ids: number[]) => {
    const now = Date.now();
    const data = ids.map((id) => ({
      ts: String(now),
      price: "27000.5",
      size: "0.01",
      side: id % 2 ? "buy" : "sell",
      tradeId: String(id),
    }));
    return JSON.stringify({
      action,
      arg: { instType: "USDT-FUTURES", channel: "trade", instId: symbol },
      data,
      ts: now,
    });
  };
  const book = (symbol: string, channel: string, checksum = 0) => {
    const now = Date.now();
    const s = channel === "books1" ? (1343064377779269632n + BigInt(++seq)).toString() : `"${++seq}"`;
    const levels = `"asks":[["27001.0","1.5"],["27001.5","2"]],"bids":[["27000.5","2"],["27000.0","3"]]`;
    return `{"action":"snapshot","arg":{"instType":"USDT-FUTURES","channel":"${channel}","instId":"${symbol}"},"data":[{${levels},"checksum":${checksum},"seq":${s},"ts":"${now}"}],"ts":${now}}`;
  };
  wss.on("connection", (peer) => {
    const k = ++connections;
    if (k > 1 && options.renumberBooks) seq = 0;
    const args: { channel: string; instId: string }[] = [];
    peer.on("message", (raw) => {
      const text = raw.toString();
      if (text === "ping") {
        pings++;
        return peer.send("pong");
      }
      const req = JSON.parse(text) as { op: string; args: { instType: string; channel: string; instId: string }[] };
      for (const a of req.args) {
        peer.send(JSON.stringify({ event: req.op, arg: a }));
        if (req.op !== "subscribe") continue;
        args.push(a);
        if (a.channel !== "trade") continue;
        const last = tradeIds.get(a.instId) ?? 0;
        const ids = [last, last - 1, last - 2].filter((id) => id > 0);
        if (ids.length > 0) send(peer, a.instId, trades(a.instId, "snapshot", ids));
        if (k === 1 && options.malformedOnce) peer.send(trades(a.instId, "update", [0]).replace('"27000.5"', '"-1"'));
      }
    });
    const tick = setInterval(() => {
      for (const a of args) {
        if (a.channel !== "trade") send(peer, a.instId, book(a.instId, a.channel));
        else {
          const id = (tradeIds.get(a.instId) ?? 0) + 1;
          tradeIds.set(a.instId, id);
          send(peer, a.instId, trades(a.instId, "update", [id]));
        }
      }
    }, 40);
    timers.push(tick);
    peer.on("close", () => clearInterval(tick));
    if (k === 1 && options.badChecksumOnce)
      timers.push(
        setTimeout(() => {
          for (const a of args) if (a.channel === "books15") send(peer, a.instId, book(a.instId, "books15", 12345));
        }, 200),
      );
    if (k === 1 && options.dropFirstAfterMs !== undefined)
      timers.push(setTimeout(() => peer.terminate(), options.dropFirstAfterMs));
  });
  cleanups.push(() => {
    for (const t of timers) clearTimeout(t);
    for (const c of wss.clients) c.terminate();
    wss.close();
  });
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/v2/ws/public`;
  return { url, sent, connections: () => connections, pings: () => pings };
}

async function runCli(argv: string[], deps: RecordDeps = {}): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const quiet: RecordDeps = { signals: () => () => {}, ...deps };
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, quiet);
  return { code, out, err };
}

const after = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));

/** The record lines of a file as written: `t` and the raw text of `m`. */
function rawLines(file: string): { t: number; m: string }[] {
  const lines = gunzipSync(readFileSync(file)).toString("utf8").split("\n").slice(1, -1);
  return lines.map((line) => {
    const match = /^\{"t":(\d+),"m":(.*)\}$/.exec(line);
    if (!match) throw new Error(`not a record line: ${line}`);
    return { t: Number(match[1]), m: match[2] };
  });
}

function isSubsequence(part: string[], whole: string[]): boolean {
  let i = 0;
  for (const x of whole) if (i < part.length && part[i] === x) i++;
  return i === part.length;
}

const channelOf = (m: string) => (JSON.parse(m) as { arg: { channel: string } }).arg.channel;
const gapsOf = (h: RecordingHeader) => h.gaps as Gap[];

describe("npm run record", () => {
  it("writes one file per symbol, holding exactly the pushes the server sent, with a header that counts them", async () => {
    const server = await fakeBitget({ malformedOnce: true });
    const dir = freshDir();
    const r = await runCli(["--symbols", "BTCUSDT,ETHUSDT", "--out", dir, "--minutes", "0.02", "--url", server.url], {
      progressMs: 300,
      feed: { pingIntervalMs: 250, pongTimeoutMs: 200 },
    });
    expect(r.code).toBe(0);
    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/^custom_btcusdt_\d{8}T\d{4}\.bitget\.jsonl\.gz$/);
    expect(files[1]).toMatch(/^custom_ethusdt_\d{8}T\d{4}\.bitget\.jsonl\.gz$/);
    for (const [i, symbol] of ["BTCUSDT", "ETHUSDT"].entries()) {
      const file = join(dir, files[i]);
      const { header, records } = await readWholeRecording(file);
      const raw = rawLines(file);
      expect(header).toMatchObject({
        format: "bitget-ws-recording",
        version: 1,
        instType: "USDT-FUTURES",
        symbols: [symbol],
        source: `edge-scalper recorder ${server.url}`,
        note: `recorded live from ${server.url}`,
        channels: ["trade", "books15", "books1"],
        gaps: [],
      });
      const sent = server.sent.get(symbol)!;
      expect(raw.length).toBeGreaterThan(30);
      expect(raw.map((x) => x.m)).toEqual(sent.slice(0, raw.length));
      expect(raw.some((x) => /"seq":1343064377779269\d{3}[,}]/.test(x.m))).toBe(true);
      expect(records.map((x) => x.t)).toEqual(raw.map((x) => x.t));
      for (let k = 1; k < records.length; k++) expect(records[k].t).toBeGreaterThanOrEqual(records[k - 1].t);
      const count = (c: string) => raw.filter((x) => channelOf(x.m) === c).length;
      expect(header.counts).toEqual({ trade: count("trade"), books15: count("books15"), books1: count("books1") });
      expect(header).toMatchObject({
        firstT: records[0].t,
        lastT: records[records.length - 1].t,
        spanMs: records[records.length - 1].t - records[0].t,
      });
      const stats = header.stats as { trades: number; rejected: number; lastRejectReason: string };
      expect(stats.trades).toBe(records.flatMap((x) => x.events).filter((e) => e.kind === "trade").length);
      expect(stats).toMatchObject({ rejected: 1, lastRejectReason: "trade item 0 has a bad price" });
      expect(r.out.some((l) => l.startsWith(`${file}: ${symbol} ${raw.length} pushes`))).toBe(true);
    }
    expect(
      r.err.some((l) =>
        /^record \d:\d\d:\d\d open, reconnects 0, gaps 0 \| BTCUSDT \d+ pushes \d+ trades 1 rejected → custom_btcusdt_.* \| ETHUSDT /.test(
          l,
        ),
      ),
    ).toBe(true);
    expect(server.pings()).toBeGreaterThanOrEqual(3);
    expect(server.connections()).toBe(1);
  });

  it("survives a dropped connection: reconnects, marks the gap in every header and keeps recording", async () => {
    const server = await fakeBitget({ dropFirstAfterMs: 500 });
    const dir = freshDir();
    const r = await runCli(["--symbols", "BTCUSDT,ETHUSDT", "--out", dir, "--url", server.url], {
      stop: after(1500),
      progressMs: 1200,
      feed: { backoff: { initialMs: 100, maxMs: 200 } },
    });
    expect(r.code).toBe(0);
    expect(server.connections()).toBe(2);
    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(2);
    for (const [i, symbol] of ["BTCUSDT", "ETHUSDT"].entries()) {
      const file = join(dir, files[i]);
      const { header, records } = await readWholeRecording(file);
      const gaps = gapsOf(header);
      expect(gaps).toHaveLength(1);
      const [gap] = gaps;
      expect(gap.reason).toMatch(/closed 1006/);
      expect(gap.to).toBeGreaterThan(gap.from);
      expect(records.filter((x) => x.t > gap.from && x.t < gap.to)).toEqual([]);
      expect(records.filter((x) => x.t <= gap.from).length).toBeGreaterThan(5);
      const afterGap = rawLines(file).filter((x) => x.t >= gap.to);
      expect(afterGap.length).toBeGreaterThan(5);
      expect(
        afterGap.filter((x) => x.m.includes('"action":"snapshot","arg":{"instType":"USDT-FUTURES","channel":"trade"')),
      ).toHaveLength(1);
      expect(
        isSubsequence(
          rawLines(file).map((x) => x.m),
          server.sent.get(symbol)!,
        ),
      ).toBe(true);
      expect((header.stats as { snapshotTrades: number }).snapshotTrades).toBe(3);
    }
    expect(r.err.some((l) => /reconnects 1, gaps 1/.test(l))).toBe(true);
    expect(r.out.every((l) => l.includes(", 1 gap,"))).toBe(true);
  });

  it("replays exactly the events its live feed accepted: repeated trades after a reconnect, a renumbered book, a broken checksum", async () => {
    const server = await fakeBitget({ dropFirstAfterMs: 500, renumberBooks: true, badChecksumOnce: true });
    const dir = freshDir();
    const live: MarketEvent[] = [];
    const r = await runCli(["--symbols", "BTCUSDT,ETHUSDT", "--out", dir, "--url", server.url], {
      stop: after(1500),
      feed: { backoff: { initialMs: 100, maxMs: 200 } },
      onEvents: (events) => live.push(...events),
    });
    expect(r.code).toBe(0);
    expect(server.connections()).toBe(2);
    for (const file of readdirSync(dir).map((f) => join(dir, f))) {
      const { header, records } = await readWholeRecording(file);
      const symbol = header.symbols[0];
      const sentTrades = rawLines(file)
        .filter((x) => channelOf(x.m) === "trade")
        .flatMap((x) => (JSON.parse(x.m) as { data: unknown[] }).data);
      const replayed = records.flatMap((x) => x.events);
      const ids = replayed.flatMap((e) => (e.kind === "trade" ? [e.id] : []));
      // The reconnect's snapshot repeats the last 3 trades; those the first connection delivered are
      // duplicates (up to 3: a trade sent just as the server cut the connection may never arrive).
      const received = sentTrades.map((t) => (t as { tradeId: string }).tradeId);
      const repeats = received.length - new Set(received).size;
      expect(repeats).toBeGreaterThanOrEqual(1);
      expect(repeats).toBeLessThanOrEqual(3);
      expect(sentTrades.length - ids.length).toBe(repeats);
      expect(new Set(ids).size).toBe(ids.length);
      expect(header.stats).toMatchObject({ duplicateTrades: repeats });
      expect(replayed).toEqual(live.filter((e) => e.symbol === symbol));
      const uncached: MarketEvent[] = [];
      for await (const x of readRecording(file, { cache: false })) if (isRecord(x)) uncached.push(...x.events);
      expect(uncached).toEqual(replayed);
    }
  });

  it("rotates to a new file when t crosses a UTC hour", async () => {
    const server = await fakeBitget();
    const dir = freshDir();
    const base = Date.parse("2024-07-18T23:59:59.300Z");
    const start = Date.now();
    const r = await runCli(["--symbols", "BTCUSDT", "--out", dir, "--url", server.url], {
      stop: after(1400),
      clock: { now: () => base + (Date.now() - start) },
    });
    expect(r.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual([
      "custom_btcusdt_20240718T2359.bitget.jsonl.gz",
      "custom_btcusdt_20240719T0000.bitget.jsonl.gz",
    ]);
    const hour = Date.parse("2024-07-19T00:00:00Z");
    const a = await readWholeRecording(join(dir, "custom_btcusdt_20240718T2359.bitget.jsonl.gz"));
    const b = await readWholeRecording(join(dir, "custom_btcusdt_20240719T0000.bitget.jsonl.gz"));
    expect(a.records.length).toBeGreaterThan(5);
    expect(b.records.length).toBeGreaterThan(5);
    expect(a.records.every((x) => x.t < hour)).toBe(true);
    expect(b.records.every((x) => x.t >= hour)).toBe(true);
    expect((a.header.recorder as { hour: string }).hour).toBe("2024-07-18T23:00:00.000Z");
    expect((b.header.recorder as { hour: string }).hour).toBe("2024-07-19T00:00:00.000Z");
    const all = [
      ...rawLines(join(dir, "custom_btcusdt_20240718T2359.bitget.jsonl.gz")),
      ...rawLines(join(dir, "custom_btcusdt_20240719T0000.bitget.jsonl.gz")),
    ];
    expect(all.map((x) => x.m)).toEqual(server.sent.get("BTCUSDT")!.slice(0, all.length));
  });

  it("never overwrites an existing recording of the same name", async () => {
    const server = await fakeBitget();
    const dir = freshDir();
    mkdirSync(dir);
    const taken = join(dir, "custom_btcusdt_20240718T1200.bitget.jsonl.gz");
    writeFileSync(taken, "earlier run");
    const base = Date.parse("2024-07-18T12:00:10Z");
    const start = Date.now();
    const r = await runCli(["--symbols", "BTCUSDT", "--out", dir, "--url", server.url], {
      stop: after(400),
      clock: { now: () => base + (Date.now() - start) },
    });
    expect(r.code).toBe(0);
    expect(readFileSync(taken, "utf8")).toBe("earlier run");
    const { records } = await readWholeRecording(join(dir, "custom_btcusdt_20240718T1200-2.bitget.jsonl.gz"));
    expect(records.length).toBeGreaterThan(0);
  });

  it("closes every file cleanly on a stop signal and leaves no temp files", async () => {
    const server = await fakeBitget();
    const dir = freshDir();
    let signal: (why: string) => void = () => {};
    let removed = false;
    const signals = (stop: (why: string) => void) => {
      signal = stop;
      return () => (removed = true);
    };
    const run = runCli(["--symbols", "BTCUSDT,ETHUSDT", "--out", dir, "--url", server.url], { signals });
    await after(500);
    signal("SIGINT");
    const r = await run;
    expect(r.code).toBe(0);
    expect(removed).toBe(true);
    expect(r.err.some((l) => l.includes("stopping (SIGINT)"))).toBe(true);
    const files = readdirSync(dir);
    expect(files.filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect(files).toHaveLength(2);
    for (const f of files) expect((await readWholeRecording(join(dir, f))).records.length).toBeGreaterThan(0);
  });

  it("names the venue bitget for Bitget's hosts and custom for any other", () => {
    const venue = (url: string) => {
      const r = parseRecordArgs(["--symbols", "BTCUSDT", "--out", "d", "--url", url]);
      return r.ok && "args" in r ? r.args.venue : r;
    };
    expect(venue("wss://ws.bitget.com/v2/ws/public")).toBe("bitget");
    expect(venue("ws://127.0.0.1:8080/v2/ws/public")).toBe("custom");
    expect(venue("wss://bitget.com.example.org/ws")).toBe("custom");
    expect(parseRecordArgs(["--symbols", "BTCUSDT", "--out", "d"])).toEqual({
      ok: true,
      args: { symbols: ["BTCUSDT"], out: "d", minutes: null, url: "wss://ws.bitget.com/v2/ws/public", venue: "bitget" },
    });
  });

  it("fails with exit 1 and no files when nothing can be recorded", async () => {
    const http = createServer();
    http.listen(0, "127.0.0.1");
    await once(http, "listening");
    const port = (http.address() as AddressInfo).port;
    await new Promise((ok) => http.close(ok));
    const dir = freshDir();
    const r = await runCli([
      "--symbols",
      "BTCUSDT",
      "--out",
      dir,
      "--minutes",
      "0.01",
      "--url",
      `ws://127.0.0.1:${port}`,
    ]);
    expect(r.code).toBe(1);
    expect(r.err.join("\n")).toMatch(/nothing recorded .*ECONNREFUSED/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each([
    ["a missing --symbols", ["--out", "D"], "--symbols is required"],
    ["a missing --out", ["--symbols", "BTCUSDT"], "--out is required"],
    ["a lowercase symbol", ["--symbols", "btcusdt", "--out", "D"], "--symbols"],
    ["a symbol listed twice", ["--symbols", "BTCUSDT,BTCUSDT", "--out", "D"], "--symbols: BTCUSDT is listed twice"],
    ["zero minutes", ["--symbols", "BTCUSDT", "--out", "D", "--minutes", "0"], "--minutes must be a positive number"],
    [
      "minutes that are not a number",
      ["--symbols", "BTCUSDT", "--out", "D", "--minutes", "ten"],
      "--minutes must be a number",
    ],
    [
      "an http url",
      ["--symbols", "BTCUSDT", "--out", "D", "--url", "https://ws.bitget.com/v2/ws/public"],
      "--url must be a ws:// or wss:// url",
    ],
    [
      "a url that does not parse",
      ["--symbols", "BTCUSDT", "--out", "D", "--url", "not a url"],
      "--url must be a ws:// or wss:// url",
    ],
    ["an unknown flag", ["--symbols", "BTCUSDT", "--out", "D", "--hours", "1"], "unknown flag --hours"],
  ])("refuses %s with exit 2 and writes nothing", async (_name, argv, message) => {
    const dir = freshDir();
    const r = await runCli(argv.map((a) => (a === "D" ? dir : a)));
    expect(r.code).toBe(2);
    expect(r.err[0]).toContain(message);
    expect(existsSync(dir)).toBe(false);
  });

  it("prints the usage for --help", async () => {
    const r = await runCli(["--help"]);
    expect(r.code).toBe(0);
    expect(r.out[0]).toMatch(/^usage: npm run record -- --symbols/);
  });
});
