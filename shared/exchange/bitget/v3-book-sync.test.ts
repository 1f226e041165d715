import { describe, expect, it } from "vitest";
import type { BookSyncResult } from "./book-sync";
import { isV3BookTopic, V3BookSync, type V3BookTopic } from "./v3-book-sync";

type Raw = [string, string][];
const S = 1_300_000_000_000_000_000n;

function push(topic: V3BookTopic, action: string, item: Record<string, unknown>): Record<string, unknown> {
  return {
    action,
    arg: { instType: "usdt-futures", topic, symbol: "BTCUSDT" },
    data: [{ ts: "1700000000000", ...item }],
    ts: 1,
  };
}
const seq = (n: number) => String(S + BigInt(n));
const snap = (n: number, b: Raw, a: Raw, topic: V3BookTopic = "books") =>
  push(topic, "snapshot", { a, b, seq: seq(n), pseq: seq(n - 1) });
const upd = (pseq: number | string, n: number, b: Raw, a: Raw) =>
  push("books", "update", { a, b, seq: seq(n), pseq: typeof pseq === "string" ? pseq : seq(pseq) });

function book(r: BookSyncResult) {
  if (r.kind !== "accept" || r.event.kind !== "bookLevels")
    throw new Error(`expected accepted levels, got ${JSON.stringify(r)}`);
  return { bids: r.event.bids, asks: r.event.asks };
}

describe("V3BookSync", () => {
  it("knows the v3 book topics", () => {
    expect(["books", "books1", "books5", "books50"].every(isV3BookTopic)).toBe(true);
    expect(isV3BookTopic("books15")).toBe(false);
  });

  it("accepts a first update whose [pseq, seq] contains the snapshot's seq, and merges it", () => {
    const s = new V3BookSync("books", "BTCUSDT");
    book(
      s.apply(
        snap(
          10,
          [
            ["100", "1"],
            ["99", "2"],
          ],
          [["101", "1"]],
        ),
      ),
    );
    const r = s.apply(
      upd(
        8,
        12,
        [
          ["100", "0"],
          ["99.5", "3"],
        ],
        [["101", "4"]],
      ),
    );
    expect(book(r)).toEqual({
      bids: [
        [99.5, 3],
        [99, 2],
      ],
      asks: [[101, 4]],
    });
    expect(s.lastSeq).toBe(S + 12n);
  });

  it("then wants each update's pseq to equal the previous seq, and resyncs on a missed push", () => {
    const s = new V3BookSync("books", "BTCUSDT");
    s.apply(snap(10, [["100", "1"]], [["101", "1"]]));
    book(s.apply(upd(10, 11, [["100", "2"]], [])));
    book(s.apply(upd(11, 12, [["100", "3"]], [])));
    expect(s.apply(upd(13, 14, [["100", "4"]], []))).toEqual({ kind: "resync", reason: "gap" });
    expect(s.healthy).toBe(false);
    expect(s.apply(upd(14, 15, [], []))).toEqual({ kind: "drop", reason: "awaiting-snapshot" });
    book(s.apply(snap(20, [["100", "1"]], [["101", "1"]])));
    expect(s.healthy).toBe(true);
  });

  it("resyncs when the first update starts after the snapshot (its pseq above the snapshot's seq)", () => {
    const s = new V3BookSync("books", "BTCUSDT");
    s.apply(snap(10, [["100", "1"]], [["101", "1"]]));
    expect(s.apply(upd(11, 12, [], []))).toEqual({ kind: "resync", reason: "gap" });
  });

  it("drops an update wholly before the snapshot, then bridges the next one", () => {
    const s = new V3BookSync("books", "BTCUSDT");
    s.apply(snap(10, [["100", "1"]], [["101", "1"]]));
    expect(s.apply(upd(8, 10, [["100", "9"]], []))).toEqual({ kind: "drop", reason: "stale" });
    expect(book(s.apply(upd(10, 11, [["100", "2"]], []))).bids).toEqual([[100, 2]]);
  });

  it("treats pseq 0 as a server reset", () => {
    const s = new V3BookSync("books", "BTCUSDT");
    s.apply(snap(10, [["100", "1"]], [["101", "1"]]));
    book(s.apply(upd(10, 11, [], [])));
    expect(s.apply(upd("0", 12, [], []))).toEqual({ kind: "resync", reason: "reset" });
  });

  it("compares seq as BigInt beyond 2^53 and drops an old snapshot of a fixed-depth topic", () => {
    const s = new V3BookSync("books5", "BTCUSDT");
    book(s.apply(snap(5, [["100", "1"]], [["101", "1"]], "books5")));
    expect(s.apply(snap(4, [["100", "1"]], [["101", "1"]], "books5"))).toEqual({ kind: "drop", reason: "stale" });
    expect(book(s.apply(snap(6, [["100", "2"]], [["101", "1"]], "books5"))).bids).toEqual([[100, 2]]);
  });

  it("refuses a push that is not a book push and leaves the book as it was", () => {
    const s = new V3BookSync("books", "BTCUSDT");
    s.apply(snap(10, [["100", "1"]], [["101", "1"]]));
    expect(s.apply({ action: "update", arg: { topic: "books", symbol: "BTCUSDT" }, data: "x" }).kind).toBe("malformed");
    expect(book(s.apply(upd(10, 11, [], []))).bids).toEqual([[100, 1]]);
  });
});
