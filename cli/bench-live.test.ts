import { describe, expect, it } from "vitest";
import { BenchMarket } from "./bench-live";

const tradeIds = (m: BenchMarket, n: number) =>
  Array.from({ length: n }, () => (m.trade().data as Array<{ tradeId: string }>)[0].tradeId);

describe("the live bench's market", () => {
  it("never repeats a trade id across the markets of one venue, so a second mode's trades are not dropped as duplicates", () => {
    const first = tradeIds(new BenchMarket(1_000), 50);
    const second = tradeIds(new BenchMarket(2_000), 50);
    expect(new Set([...first, ...second]).size).toBe(100);
  });

  it("stamps its pushes in increasing exchange time", () => {
    const m = new BenchMarket(Date.now() + 60_000);
    const ts = [m.trade().ts, ...m.books().map((p) => p.ts), m.trade().ts];
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
    expect(new Set(ts).size).toBe(ts.length);
  });
});
