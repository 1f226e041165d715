import { describe, expect, it } from "vitest";
import type { MarketEvent } from "../../market/events";
import { BITGET_V2, type IngressDialect, type IngressVerdict, MarketIngress } from "./market-ingress";
import { decodeChannelData } from "./public-codec";

const arg = (channel: string, instId = "BTCUSDT") => ({ instType: "USDT-FUTURES", channel, instId });

function trades(action: string, ids: string[], instId = "BTCUSDT") {
  const data = ids.map((id) => ({
    ts: String(1_700_000_000_000 + Number(id)),
    price: "100",
    size: "1",
    side: "buy",
    tradeId: id,
  }));
  return { action, arg: arg("trade", instId), data, ts: 1_700_000_000_000 };
}

function book(channel: string, action: string, item: Record<string, unknown>) {
  const levels = { bids: [["99", "1"]], asks: [["101", "2"]] };
  return { action, arg: arg(channel), data: [{ checksum: 0, ts: "1700000000000", ...levels, ...item }], ts: 1 };
}

const idsOf = (v: IngressVerdict) =>
  v.kind === "accepted" ? v.events.map((e) => (e.kind === "trade" ? e.id : e.kind)) : [];

describe("MarketIngress trades", () => {
  it("drops trades whose id it saw recently, across pushes and connections, and counts them", () => {
    const ingress = new MarketIngress();
    expect(idsOf(ingress.push(trades("update", ["1", "2"])))).toEqual(["1", "2"]);
    ingress.connectionLost();
    const snapshot = ingress.push(trades("snapshot", ["3", "2", "1"]));
    expect(snapshot).toMatchObject({ kind: "accepted", duplicates: 2 });
    expect(idsOf(snapshot)).toEqual(["3"]);
    expect(ingress.push(trades("update", ["3"]))).toMatchObject({ kind: "accepted", events: [], duplicates: 1 });
    expect(ingress.counts()).toMatchObject({ duplicates: 3, malformed: 0 });
  });

  it("keeps the ids of each symbol apart", () => {
    const ingress = new MarketIngress();
    ingress.push(trades("update", ["1"]));
    expect(idsOf(ingress.push(trades("update", ["1"], "ETHUSDT")))).toEqual(["1"]);
  });
});

describe("MarketIngress books", () => {
  it("drops updates before a snapshot, resyncs on a pseq gap and recovers on the next snapshot", () => {
    const ingress = new MarketIngress();
    expect(ingress.push(book("books", "update", { seq: "11", pseq: "10" }))).toMatchObject({
      kind: "dropped",
      reason: "awaiting-snapshot",
    });
    expect(ingress.push(book("books", "snapshot", { seq: "10" }))).toMatchObject({ kind: "accepted", recovered: true });
    expect(ingress.push(book("books", "update", { seq: "11", pseq: "10", bids: [], asks: [] }))).toMatchObject({
      kind: "accepted",
      recovered: false,
    });
    expect(ingress.push(book("books", "update", { seq: "13", pseq: "12" }))).toMatchObject({
      kind: "resync",
      key: "books:BTCUSDT",
      reason: "gap",
    });
    expect(ingress.bookHealthy("BTCUSDT")).toBe(false);
    expect(ingress.push(book("books", "update", { seq: "14", pseq: "13" })).kind).toBe("dropped");
    expect(ingress.push(book("books", "snapshot", { seq: "20" }))).toMatchObject({ kind: "accepted", recovered: true });
    expect(ingress.bookHealthy("BTCUSDT")).toBe(true);
    expect(ingress.counts()).toMatchObject({ gaps: 1, checksumFailures: 0 });
  });

  it("forgets every book when the connection is lost, so a renumbered seq is taken from the next snapshot", () => {
    const ingress = new MarketIngress();
    ingress.push(book("books15", "snapshot", { seq: "500" }));
    expect(ingress.push(book("books15", "snapshot", { seq: "3" }))).toMatchObject({ kind: "dropped", reason: "stale" });
    ingress.connectionLost();
    expect(ingress.bookHealthy("BTCUSDT")).toBe(false);
    expect(ingress.push(book("books15", "snapshot", { seq: "4" }))).toMatchObject({
      kind: "accepted",
      recovered: true,
    });
    expect(ingress.counts().stale).toBe(1);
  });

  it("counts a checksum mismatch as its own kind of break", () => {
    const ingress = new MarketIngress();
    expect(ingress.push(book("books5", "snapshot", { seq: "1", checksum: 12345 }))).toMatchObject({
      kind: "resync",
      reason: "checksum",
    });
    expect(ingress.counts()).toMatchObject({ checksumFailures: 1, gaps: 0 });
  });

  it("keeps a seq sent as a number beyond 2^53 exact, so consecutive pushes are not stale", () => {
    const ingress = new MarketIngress();
    const frame = (seq: bigint) =>
      `{"action":"snapshot","arg":{"instType":"USDT-FUTURES","channel":"books1","instId":"BTCUSDT"},"data":[{"bids":[["99","1"]],"asks":[["101","2"]],"checksum":0,"seq":${seq},"ts":"1"}],"ts":1}`;
    const kinds = [1n, 2n, 3n].map((k) => ingress.frame(frame(1343064377779269632n + k)));
    expect(kinds.map((v) => v.kind)).toEqual(["accepted", "accepted", "accepted"]);
    const last = kinds[2] as Extract<IngressVerdict, { kind: "accepted" }>;
    expect((last.events[0] as Extract<MarketEvent, { kind: "bookTop" }>).seq).toBe("1343064377779269635");
  });
});

describe("MarketIngress frames", () => {
  it("hands control frames back, refuses malformed ones as values and leaves state unchanged", () => {
    const ingress = new MarketIngress();
    expect(ingress.frame('{"event":"subscribe","arg":{}}').kind).toBe("control");
    expect(ingress.frame('{"action":"upd')).toMatchObject({
      kind: "malformed",
      reason: "frame is not JSON",
      push: null,
    });
    expect(ingress.frame("[1]")).toMatchObject({ kind: "malformed", reason: "frame is not a JSON object" });
    expect(ingress.push({ data: [] })).toMatchObject({ kind: "malformed", reason: "push has no arg", key: null });
    const bad = trades("update", ["1"]);
    (bad.data[0] as { price: string }).price = "-1";
    expect(ingress.push(bad)).toMatchObject({
      kind: "malformed",
      key: "trade:BTCUSDT",
      reason: "trade item 0 has a bad price",
    });
    expect(idsOf(ingress.push(trades("update", ["1"])))).toEqual(["1"]);
    expect(ingress.counts()).toMatchObject({ malformed: 4, lastMalformedReason: "trade item 0 has a bad price" });
  });

  it("ignores args it was not given, and channels it does not handle", () => {
    const ingress = new MarketIngress({ args: [{ channel: "trade", symbol: "BTCUSDT" }] });
    expect(ingress.push(trades("update", ["1"], "ETHUSDT"))).toMatchObject({ kind: "ignored", key: "trade:ETHUSDT" });
    expect(new MarketIngress().push({ arg: arg("ticker"), data: [{}] }).kind).toBe("ignored");
    expect(() => new MarketIngress({ args: [{ channel: "ticker", symbol: "BTCUSDT" }] })).toThrow(/ticker/);
  });
});

describe("MarketIngress dialects", () => {
  it("runs another wire dialect through the same de-duplication", () => {
    // A v3-like envelope: `topic`/`symbol` instead of `channel`/`instId`, trades under `publicTrade`.
    const v3: IngressDialect = {
      ...BITGET_V2,
      argOf: (push) => {
        const a = push.arg as { topic?: unknown; symbol?: unknown } | undefined;
        return typeof a?.topic === "string" && typeof a.symbol === "string"
          ? { channel: a.topic, symbol: a.symbol }
          : "push arg lacks topic or symbol";
      },
      streamOf: (channel) => (channel === "publicTrade" ? "trade" : null),
      decodeTrades: (symbol, push) => decodeChannelData("trade", symbol, push.data),
    };
    const ingress = new MarketIngress({ dialect: v3 });
    const push = (ids: string[]) => ({ ...trades("update", ids), arg: { topic: "publicTrade", symbol: "BTCUSDT" } });
    expect(idsOf(ingress.push(push(["1", "2"])))).toEqual(["1", "2"]);
    expect(idsOf(ingress.push(push(["2", "3"])))).toEqual(["3"]);
    expect(ingress.push(trades("update", ["4"]))).toMatchObject({
      kind: "malformed",
      reason: "push arg lacks topic or symbol",
    });
  });
});
