import { describe, expect, it } from "vitest";
import { BookSync, bookChecksum, isBookChannel, type BookChannel, type BookSyncResult } from "./book-sync";
import { crc32 } from "./crc32";

type Raw = [string, string][];

function push(channel: BookChannel, action: string, item: Record<string, unknown>): Record<string, unknown> {
  return {
    action,
    arg: { instType: "USDT-FUTURES", channel, instId: "BTCUSDT" },
    data: [{ checksum: 0, ts: "1700000000000", ...item }],
    ts: 1700000000000,
  };
}

function snap(channel: BookChannel, seq: unknown, bids: Raw, asks: Raw, extra: Record<string, unknown> = {}) {
  return push(channel, "snapshot", { bids, asks, seq, ...extra });
}

function upd(seq: unknown, pseq: unknown, bids: Raw, asks: Raw, extra: Record<string, unknown> = {}) {
  return push("books", "update", { bids, asks, seq, pseq, ...extra });
}

function levelsOf(r: BookSyncResult) {
  if (r.kind !== "accept" || r.event.kind !== "bookLevels")
    throw new Error(`expected accepted levels, got ${JSON.stringify(r)}`);
  return { bids: r.event.bids, asks: r.event.asks, seq: r.event.seq };
}

// §1.5 vector 1 laid out as a book: "43231.1:4:43232.8:9:43231:6:43232.9:8".
const V1_BIDS: Raw = [
  ["43231.1", "4"],
  ["43231", "6"],
];
const V1_ASKS: Raw = [
  ["43232.8", "9"],
  ["43232.9", "8"],
];
const V1 = -1504501796;
// §1.5 vector 2 (1 bid, 3 asks): "3366.1:7:3366.8:9:3368:8:3372:8".
const V2 = 831078360;

describe("bookChecksum", () => {
  it("reproduces Bitget's vector with two levels a side", () => {
    expect(bookChecksum(V1_BIDS, V1_ASKS)).toBe(V1);
  });

  it("skips the missing entries of the shorter side", () => {
    expect(
      bookChecksum(
        [["3366.1", "7"]],
        [
          ["3366.8", "9"],
          ["3368", "8"],
          ["3372", "8"],
        ],
      ),
    ).toBe(V2);
  });

  it("covers only the first 25 levels of each side", () => {
    const bids: Raw = Array.from({ length: 30 }, (_, i) => [String(100 - i), "1"]);
    const asks: Raw = Array.from({ length: 30 }, (_, i) => [String(101 + i), "2"]);
    expect(bookChecksum(bids, asks)).toBe(bookChecksum(bids.slice(0, 25), asks.slice(0, 25)));
    expect(bookChecksum(bids, asks)).not.toBe(bookChecksum(bids.slice(0, 24), asks.slice(0, 25)));
  });

  it("hashes the strings as received, trailing zeros included", () => {
    expect(bookChecksum([["100.50", "1.000"]], [["100.60", "2.0"]])).toBe(crc32("100.50:1.000:100.60:2.0") | 0);
  });
});

describe("isBookChannel", () => {
  it("recognises the four book channels only", () => {
    expect(["books", "books1", "books5", "books15", "trade", "books50"].map(isBookChannel)).toEqual([
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});

describe("BookSync on snapshot channels", () => {
  it("accepts a books15 snapshot and hands on the decoded levels", () => {
    const sync = new BookSync("books15", "BTCUSDT");
    expect(sync.healthy).toBe(false);
    const r = sync.apply(snap("books15", 123, [["27000", "2.71"]], [["27000.5", "8.76"]]));
    expect(levelsOf(r)).toEqual({ bids: [[27000, 2.71]], asks: [[27000.5, 8.76]], seq: "123" });
    expect(sync.healthy).toBe(true);
    expect(sync.lastSeq).toBe(123n);
  });

  it("decodes books1 into a top of book", () => {
    const r = new BookSync("books1", "BTCUSDT").apply(snap("books1", "5", [["3366.1", "7"]], [["3366.8", "9"]]));
    expect(r.kind === "accept" && r.event).toMatchObject({
      kind: "bookTop",
      bidPrice: 3366.1,
      askPrice: 3366.8,
      seq: "5",
    });
  });

  it("drops a push whose seq is equal to or below the last one and accepts the next higher one", () => {
    const sync = new BookSync("books5", "BTCUSDT");
    sync.apply(snap("books5", "10", V1_BIDS, V1_ASKS));
    expect(sync.apply(snap("books5", "9", V1_BIDS, V1_ASKS))).toEqual({ kind: "drop", reason: "stale" });
    expect(sync.apply(snap("books5", "10", V1_BIDS, V1_ASKS))).toEqual({ kind: "drop", reason: "stale" });
    expect(sync.apply(snap("books5", "11", V1_BIDS, V1_ASKS)).kind).toBe("accept");
    expect(sync.lastSeq).toBe(11n);
  });

  it("compares seq beyond 2^53 exactly, where Number would see equal values", () => {
    const sync = new BookSync("books1", "BTCUSDT");
    const a = "9007199254740992";
    const b = "9007199254740993";
    expect(Number(a)).toBe(Number(b));
    expect(sync.apply(snap("books1", a, V1_BIDS, V1_ASKS)).kind).toBe("accept");
    expect(sync.apply(snap("books1", b, V1_BIDS, V1_ASKS)).kind).toBe("accept");
    expect(sync.apply(snap("books1", a, V1_BIDS, V1_ASKS))).toEqual({ kind: "drop", reason: "stale" });
  });

  it("accepts any seq after a reset", () => {
    const sync = new BookSync("books15", "BTCUSDT");
    sync.apply(snap("books15", "500", V1_BIDS, V1_ASKS));
    sync.reset();
    expect(sync.healthy).toBe(false);
    expect(sync.apply(snap("books15", "3", V1_BIDS, V1_ASKS)).kind).toBe("accept");
  });

  it("treats a sustained run of backwards seq as a renumbering and asks for a resync", () => {
    const sync = new BookSync("books15", "BTCUSDT", { maxStaleRun: 3 });
    sync.apply(snap("books15", "500", V1_BIDS, V1_ASKS));
    expect(sync.apply(snap("books15", "1", V1_BIDS, V1_ASKS)).kind).toBe("drop");
    expect(sync.apply(snap("books15", "2", V1_BIDS, V1_ASKS)).kind).toBe("drop");
    expect(sync.apply(snap("books15", "3", V1_BIDS, V1_ASKS))).toEqual({ kind: "resync", reason: "seq-reset" });
    expect(sync.healthy).toBe(false);
    expect(sync.apply(snap("books15", "4", V1_BIDS, V1_ASKS)).kind).toBe("accept");
  });

  it("verifies a non-zero checksum, signed or unsigned, against the push's own levels", () => {
    expect(new BookSync("books5", "BTCUSDT").apply(snap("books5", "1", V1_BIDS, V1_ASKS, { checksum: V1 })).kind).toBe(
      "accept",
    );
    expect(
      new BookSync("books5", "BTCUSDT").apply(snap("books5", "1", V1_BIDS, V1_ASKS, { checksum: 2790465500 })).kind,
    ).toBe("accept");
  });

  it("asks for a resync and turns unhealthy on a checksum mismatch", () => {
    const sync = new BookSync("books5", "BTCUSDT");
    sync.apply(snap("books5", "1", V1_BIDS, V1_ASKS));
    expect(sync.apply(snap("books5", "2", V1_BIDS, V1_ASKS, { checksum: V2 }))).toEqual({
      kind: "resync",
      reason: "checksum",
    });
    expect(sync.healthy).toBe(false);
    expect(sync.lastSeq).toBeNull();
  });

  it("does not check a checksum of 0 or an absent one", () => {
    const sync = new BookSync("books5", "BTCUSDT");
    expect(sync.apply(snap("books5", "1", V1_BIDS, V1_ASKS, { checksum: 0 })).kind).toBe("accept");
    expect(sync.apply(snap("books5", "2", V1_BIDS, V1_ASKS, { checksum: undefined })).kind).toBe("accept");
  });

  it("refuses a bad seq or a bad price without touching the state", () => {
    const sync = new BookSync("books15", "BTCUSDT");
    sync.apply(snap("books15", "7", V1_BIDS, V1_ASKS));
    expect(sync.apply(snap("books15", "8x", V1_BIDS, V1_ASKS))).toMatchObject({
      kind: "malformed",
      reason: expect.stringMatching(/seq/),
    });
    expect(sync.apply(snap("books15", "9", [["abc", "1"]], V1_ASKS)).kind).toBe("malformed");
    expect(sync.apply({ action: "snapshot", data: [] }).kind).toBe("malformed");
    expect(sync.lastSeq).toBe(7n);
    expect(sync.healthy).toBe(true);
  });
});

describe("BookSync on the full-depth books channel", () => {
  const base = () => {
    const sync = new BookSync("books", "BTCUSDT");
    sync.apply(
      snap(
        "books",
        "10",
        [["3366.1", "7"]],
        [
          ["3366.8", "9"],
          ["3372", "8"],
        ],
      ),
    );
    return sync;
  };

  it("drops updates until a snapshot arrives", () => {
    const sync = new BookSync("books", "BTCUSDT");
    expect(sync.apply(upd("11", "10", [], [["3368", "8"]]))).toEqual({ kind: "drop", reason: "awaiting-snapshot" });
    expect(sync.healthy).toBe(false);
  });

  it("inserts a new level in price order and matches Bitget's checksum vector after the merge", () => {
    const sync = base();
    const r = sync.apply(upd("11", "10", [], [["3368", "8"]], { checksum: V2 }));
    expect(levelsOf(r)).toEqual({
      bids: [[3366.1, 7]],
      asks: [
        [3366.8, 9],
        [3368, 8],
        [3372, 8],
      ],
      seq: "11",
    });
  });

  it("deletes on size 0, replaces an existing price, keeps bids descending and ignores deleting an absent price", () => {
    const sync = base();
    const r = sync.apply(
      upd(
        "11",
        "10",
        [
          ["3366.5", "1"],
          ["3360", "2"],
          ["3366.1", "3"],
          ["3350", "0"],
        ],
        [["3366.8", "0"]],
      ),
    );
    expect(levelsOf(r)).toEqual({
      bids: [
        [3366.5, 1],
        [3366.1, 3],
        [3360, 2],
      ],
      asks: [[3372, 8]],
      seq: "11",
    });
  });

  it("drops an update whose seq is not above the last one, leaving the book as it was", () => {
    const sync = base();
    expect(sync.apply(upd("10", "9", [["3366.5", "1"]], []))).toEqual({ kind: "drop", reason: "stale" });
    const r = sync.apply(upd("11", "10", [], []));
    expect(levelsOf(r).bids).toEqual([[3366.1, 7]]);
  });

  it("flags a pseq gap, then drops updates until a fresh snapshot makes it healthy again", () => {
    const sync = base();
    expect(sync.apply(upd("13", "12", [], [["3368", "8"]]))).toEqual({ kind: "resync", reason: "gap" });
    expect(sync.healthy).toBe(false);
    expect(sync.apply(upd("14", "13", [], []))).toEqual({ kind: "drop", reason: "awaiting-snapshot" });
    const r = sync.apply(snap("books", "20", [["3366", "1"]], [["3367", "2"]]));
    expect(levelsOf(r)).toEqual({ bids: [[3366, 1]], asks: [[3367, 2]], seq: "20" });
    expect(sync.healthy).toBe(true);
    expect(sync.apply(upd("21", "20", [], [])).kind).toBe("accept");
  });

  it("treats pseq 0 on an update as a server reset", () => {
    expect(base().apply(upd("11", "0", [], []))).toEqual({ kind: "resync", reason: "reset" });
  });

  it("asks for a resync when the merged book's checksum differs", () => {
    const sync = base();
    expect(sync.apply(upd("11", "10", [], [["3368", "8"]], { checksum: V1 }))).toEqual({
      kind: "resync",
      reason: "checksum",
    });
    expect(sync.healthy).toBe(false);
  });

  it("checks the checksum over the raw strings, not reformatted numbers", () => {
    const sync = new BookSync("books", "BTCUSDT");
    const ok = crc32("100.50:1.000:100.60:2.0") | 0;
    expect(sync.apply(snap("books", "1", [["100.50", "1.000"]], [["100.60", "2.0"]], { checksum: ok })).kind).toBe(
      "accept",
    );
    const reformatted = crc32("100.5:1:100.6:2") | 0;
    expect(
      sync.apply(snap("books", "2", [["100.50", "1.000"]], [["100.60", "2.0"]], { checksum: reformatted })).kind,
    ).toBe("resync");
  });

  it("refuses an unsorted snapshot, a missing action and a bad pseq", () => {
    expect(
      new BookSync("books", "BTCUSDT").apply(
        snap(
          "books",
          "1",
          [
            ["1", "1"],
            ["2", "1"],
          ],
          [],
        ),
      ).kind,
    ).toBe("malformed");
    expect(new BookSync("books", "BTCUSDT").apply(push("books", "", { bids: [], asks: [], seq: "1" })).kind).toBe(
      "malformed",
    );
    expect(base().apply(upd("11", "x", [], [])).kind).toBe("malformed");
  });

  it("hands on at most `depth` levels per side", () => {
    const sync = new BookSync("books", "BTCUSDT", { depth: 2 });
    const r = sync.apply(
      snap(
        "books",
        "1",
        [
          ["5", "1"],
          ["4", "1"],
          ["3", "1"],
        ],
        [
          ["6", "1"],
          ["7", "1"],
          ["8", "1"],
        ],
      ),
    );
    expect(levelsOf(r)).toEqual({
      bids: [
        [5, 1],
        [4, 1],
      ],
      asks: [
        [6, 1],
        [7, 1],
      ],
      seq: "1",
    });
  });

  it("refuses a depth or stale-run limit below 1", () => {
    expect(() => new BookSync("books", "BTCUSDT", { depth: 0 })).toThrow(RangeError);
    expect(() => new BookSync("books", "BTCUSDT", { maxStaleRun: 0 })).toThrow(RangeError);
  });
});
