import { describe, expect, it } from "vitest";
import { parseRecordingHeader, parseRecordingLine } from "./recording";

const header = JSON.stringify({
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
    expect(parseRecordingHeader(header)).toMatchObject({ ok: true, value: { symbols: ["BTCUSDT"] } });
  });

  it("refuses another format or version, naming line 1", () => {
    expect(parseRecordingHeader(JSON.stringify({ format: "x", version: 1, symbols: [] }))).toEqual({
      ok: false,
      error: expect.stringMatching(/^line 1: format/),
    });
    expect(parseRecordingHeader(header.replace('"version":1', '"version":2'))).toEqual({
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
