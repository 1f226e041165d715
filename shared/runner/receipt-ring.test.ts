import { describe, expect, it } from "vitest";
import { ReceiptRing } from "./receipt-ring";

describe("ReceiptRing", () => {
  it("lists the receipts oldest first", () => {
    const ring = new ReceiptRing(4);
    ring.add(10, 100, 101);
    ring.add(20, 201, 201);
    expect(ring.list()).toEqual([
      { ts: 10, receivedAt: 100, handledAt: 101 },
      { ts: 20, receivedAt: 201, handledAt: 201 },
    ]);
  });

  it("keeps only the last capacity receipts once it wraps", () => {
    const ring = new ReceiptRing(3);
    for (let i = 1; i <= 7; i++) ring.add(i, 1000 + i, 2000 + i);
    expect(ring.size).toBe(3);
    expect(ring.list().map((r) => [r.ts, r.handledAt])).toEqual([
      [5, 2005],
      [6, 2006],
      [7, 2007],
    ]);
  });

  it("hands out lists that later receipts do not change", () => {
    const ring = new ReceiptRing(2);
    ring.add(1, 11, 12);
    const before = ring.list();
    ring.add(2, 12, 13);
    ring.add(3, 13, 14);
    expect(before).toEqual([{ ts: 1, receivedAt: 11, handledAt: 12 }]);
  });

  it("refuses a capacity that is not a positive integer", () => {
    expect(() => new ReceiptRing(0)).toThrow(RangeError);
    expect(() => new ReceiptRing(1.5)).toThrow(RangeError);
  });
});
