import { describe, expect, it } from "vitest";
import { PublicFeed } from "../exchange/bitget/public-feed";
import { FakePort, FakeTime, flushMicrotasks, seeded } from "../exchange/bitget/testing/fake-socket";
import type { MarketEvent } from "../market/events";
import { parseRecordingHeader, parseRecordingLine, type RecordingGap, RecordingIngress } from "./recording";

const headerText = JSON.stringify({
  format: "bitget-ws-recording",
  version: 1,
  instType: "USDT-FUTURES",
  symbols: ["BTCUSDT"],
});
const tradeLine = JSON.stringify({
  t: 1721347021080,
  m: {
    action: "update",
    arg: { instType: "USDT-FUTURES", channel: "trade", instId: "BTCUSDT" },
    data: [{ ts: "1721347022579", price: "63943.90", size: "0.003", side: "sell", tradeId: "42" }],
    ts: 1721347022579,
  },
});

describe("recording format v1", () => {
  it("accepts a v1 header", () => {
    expect(parseRecordingHeader(headerText)).toMatchObject({ ok: true, value: { symbols: ["BTCUSDT"] } });
  });

  it("refuses another format or version, naming line 1", () => {
    expect(parseRecordingHeader(JSON.stringify({ format: "x", version: 1, symbols: [] }))).toEqual({
      ok: false,
      error: expect.stringMatching(/^line 1: format/),
    });
    expect(parseRecordingHeader(headerText.replace('"version":1', '"version":2'))).toEqual({
      ok: false,
      error: expect.stringMatching(/unsupported version 2/),
    });
    expect(parseRecordingHeader("{")).toEqual({ ok: false, error: "line 1: header is not JSON" });
  });

  it("decodes a record line into its receive time and events", () => {
    const r = parseRecordingLine(tradeLine, 2);
    expect(r).toEqual({
      ok: true,
      value: {
        t: 1721347021080,
        events: [
          { kind: "trade", symbol: "BTCUSDT", ts: 1721347022579, price: 63943.9, size: 0.003, side: "sell", id: "42" },
        ],
      },
    });
  });

  it.each([
    ["truncated JSON", tradeLine.slice(0, 40), /line 7: not JSON/],
    ["a line without t", JSON.stringify({ m: {} }), /line 7: "t" must be a number/],
    [
      "a line that is not a push",
      JSON.stringify({ t: 1, m: { hello: 1 } }),
      /line 7: not a Bitget push: push has no arg/,
    ],
  ])("refuses %s, naming the line", (_n, line, error) => {
    const r = parseRecordingLine(line, 7);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(error);
  });
});

describe("replay through the market ingress", () => {
  const arg = (channel: string) => ({ instType: "USDT-FUTURES", channel, instId: "BTCUSDT" });
  const trades = (action: string, ids: string[]) => ({
    action,
    arg: arg("trade"),
    data: ids.map((id) => ({
      ts: String(1_700_000_000_000 + Number(id)),
      price: "100",
      size: "1",
      side: "buy",
      tradeId: id,
    })),
    ts: 1,
  });
  const book = (channel: string, action: string, seq: string, pseq?: string) => ({
    action,
    arg: arg(channel),
    data: [{ bids: [["99", seq]], asks: [["101", "2"]], checksum: 0, seq, pseq, ts: "1700000000000" }],
    ts: 1,
  });

  it("hands on exactly the events the live feed handed on: duplicates of a resubscribe snapshot, a books gap, a renumbered book", async () => {
    const time = new FakeTime();
    const port = new FakePort(time);
    const live: MarketEvent[] = [];
    const lines: string[] = [];
    const gaps: RecordingGap[] = [];
    let lastFrameAt = 0;
    const feed = new PublicFeed({
      url: "wss://venue.test/v2/ws/public",
      symbols: ["BTCUSDT"],
      channels: ["trade", "books", "books15"],
      socket: port,
      clock: time.clock,
      timers: time.timers,
      random: seeded(7),
      onEvents: (e) => live.push(...e),
      onPush: (_push, t, text) => {
        lines.push(`{"t":${t},"m":${text}}`);
        lastFrameAt = t;
      },
      onHealth: (h) => {
        if (h.connected && port.sockets.length > 1 && gaps.length < port.sockets.length - 1)
          gaps.push({ from: lastFrameAt, to: time.now });
      },
    });
    feed.start();
    await flushMicrotasks();
    const frames = async (...fs: unknown[]) => {
      for (const f of fs) {
        port.last.receive(f);
        await time.advance(10);
      }
    };
    await frames(
      trades("update", ["1", "2"]),
      book("books", "snapshot", "10"),
      book("books15", "snapshot", "500"),
      book("books", "update", "11", "10"),
      book("books", "update", "13", "12"),
      book("books", "update", "14", "13"),
      book("books15", "snapshot", "499"),
      book("books", "snapshot", "20"),
      book("books", "update", "21", "20"),
      trades("update", ["3"]),
    );
    port.last.onClose?.(1006, "");
    await time.advance(1000);
    expect(port.sockets).toHaveLength(2);
    await frames(
      trades("snapshot", ["3", "2", "4"]),
      book("books15", "snapshot", "7"),
      book("books", "update", "22", "21"),
      book("books", "snapshot", "30"),
    );
    feed.stop();
    expect(feed.health()).toMatchObject({ duplicates: 2, gaps: 1, stale: 1 });

    const header = parseRecordingHeader(JSON.stringify({ ...JSON.parse(headerText), gaps }));
    if (!header.ok) throw new Error(header.error);
    const replay = new RecordingIngress(header.value);
    const replayed: MarketEvent[] = [];
    lines.forEach((line, i) => {
      const r = replay.line(line, i + 2);
      if (!r.ok) throw new Error(r.error);
      if (r.value) replayed.push(...r.value.events);
    });
    expect(replayed).toEqual(live);
    expect(replay.counts()).toMatchObject({ duplicates: 2, gaps: 1, stale: 1 });
    expect(replayed.filter((e) => e.kind === "trade").map((e) => (e.kind === "trade" ? e.id : ""))).toEqual([
      "1",
      "2",
      "3",
      "4",
    ]);
  });

  it("refuses a header whose gaps are not {from, to} times", () => {
    const bad = parseRecordingHeader(JSON.stringify({ ...JSON.parse(headerText), gaps: [{ from: 1 }] }));
    expect(bad).toEqual({ ok: false, error: "line 1: gaps must be an array of {from, to} times" });
  });
});
