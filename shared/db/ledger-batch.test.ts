import { describe, expect, it } from "vitest";
import { batchWrite, chunked, MAX_BOUND_PARAMS } from "./ledger-batch";

describe("chunked", () => {
  it("cuts rows so that no insert binds more than D1's 100 parameters", () => {
    const rows = Array.from({ length: 25 }, (_, i) => i);
    const chunks = chunked(rows, 12);
    expect(chunks.map((c) => c.length)).toEqual([8, 8, 8, 1]);
    expect(Math.max(...chunks.map((c) => c.length * 12))).toBeLessThanOrEqual(MAX_BOUND_PARAMS);
    expect(chunks.flat()).toEqual(rows);
  });

  it("keeps one row a chunk when a row alone has more columns than the bound", () => {
    expect(chunked(["a", "b"], 150)).toEqual([["a"], ["b"]]);
  });

  it("makes no chunk of no rows", () => {
    expect(chunked([], 10)).toEqual([]);
  });
});

describe("batchWrite", () => {
  it("sums the statements' inserted rows and rows written, a missing or malformed meta counting 0", () => {
    const results = [
      { meta: { changes: 3, rows_written: 9 } },
      { meta: { changes: 0, rows_written: 0 } },
      { meta: { changes: "2" } },
      null,
      {},
    ];
    expect(batchWrite(results)).toEqual({ inserted: 3, rowsWritten: 9 });
  });
});
