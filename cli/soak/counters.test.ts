import { describe, expect, it } from "vitest";
import type { PlaceAttempt } from "../venue/exchange-core";
import {
  acceptedOrders,
  duplicateOrders,
  type FillRecord,
  ledgerMismatches,
  orphanPositions,
  rejectedOrderLoops,
  unprotectedPositions,
} from "./counters";

let nextId = 1;
function attempt(p: Partial<PlaceAttempt> & { clientOid: string | null }): PlaceAttempt {
  const refused = p.code !== undefined && p.code !== null;
  return {
    at: 0,
    symbol: "BTCUSDT",
    side: "buy",
    size: "0.01",
    reduceOnly: false,
    orderType: "market",
    stopLoss: "40000",
    orderId: refused ? null : String(nextId++),
    code: null,
    positionBefore: 0,
    openingOrdersBefore: 0,
    ...p,
  };
}

/** A clean round trip: entry, then its take-profit (reduce-only) while the position is held. */
const ROUND_TRIP = [
  attempt({ clientOid: "BTC-mxdeaecw-1" }),
  attempt({ clientOid: "BTC-mxdeaede-2", side: "sell", reduceOnly: true, positionBefore: 0.01 }),
];

describe("duplicateOrders", () => {
  it("counts nothing in a clean round trip and counts its orders", () => {
    expect(duplicateOrders(ROUND_TRIP)).toEqual({ count: 0, examples: [] });
    expect(acceptedOrders(ROUND_TRIP)).toBe(2);
  });

  it("counts a planted second entry while the venue already held the position", () => {
    const r = duplicateOrders([...ROUND_TRIP, attempt({ clientOid: "BTC-mxdeaf00-3", positionBefore: 0.01 })]);
    expect(r.count).toBe(1);
    expect(r.examples[0]).toMatch(/entry while the venue held 0.01/);
  });

  it("counts a clientOid accepted twice and the same intent under a new sequence number", () => {
    const r = duplicateOrders([
      attempt({ clientOid: "BTC-mxdeaecw-1" }),
      attempt({ clientOid: "BTC-mxdeaecw-1" }),
      attempt({ clientOid: "BTC-mxdeaecw-9" }),
    ]);
    expect(r.count).toBe(2);
    expect(r.examples[0]).toMatch(/clientOid accepted before/);
    expect(r.examples[1]).toMatch(/same intent/);
  });

  it("does not count a refused repeat (the venue placed nothing)", () => {
    expect(duplicateOrders([attempt({ clientOid: "a" }), attempt({ clientOid: "a", code: "43118" })]).count).toBe(0);
  });
});

describe("rejectedOrderLoops", () => {
  const refusedExit = () =>
    attempt({ clientOid: null, side: "sell", reduceOnly: true, code: "40757", positionBefore: 0 });

  it("counts one loop for a run of three refusals of one kind, however long the run", () => {
    const r = rejectedOrderLoops([refusedExit(), refusedExit(), refusedExit(), refusedExit(), refusedExit()]);
    expect(r.count).toBe(1);
    expect(r.examples[0]).toMatch(/BTCUSDT sell reduce-only: 3\+ refusals in a row, last code 40757/);
  });

  it("does not count refusals broken by an accepted order of the same kind", () => {
    const accepted = attempt({ clientOid: "x", side: "sell", reduceOnly: true, positionBefore: 0.01 });
    expect(rejectedOrderLoops([refusedExit(), refusedExit(), accepted, refusedExit(), refusedExit()]).count).toBe(0);
  });

  it("keeps kinds apart: refusals on another symbol do not extend the run", () => {
    const eth = attempt({ clientOid: null, symbol: "ETHUSDT", side: "sell", reduceOnly: true, code: "40757" });
    expect(rejectedOrderLoops([refusedExit(), eth, refusedExit(), eth]).count).toBe(0);
  });
});

describe("unprotectedPositions and orphanPositions", () => {
  it("counts positions without an exchange-side stop", () => {
    expect(
      unprotectedPositions([
        { symbol: "BTCUSDT", size: 0.01, stopLoss: 40000 },
        { symbol: "ETHUSDT", size: -1, stopLoss: null },
      ]),
    ).toBe(1);
  });

  it("counts a venue position the stack does not hold, on the other side or of another size", () => {
    const step = () => 0.001;
    const stack = new Map([
      ["BTCUSDT", { side: "long" as const, size: 0.0101 }],
      ["ETHUSDT", { side: "long" as const, size: 1 }],
      ["SOLUSDT", null],
    ]);
    const r = orphanPositions(
      [
        { symbol: "BTCUSDT", size: 0.01, stopLoss: 1 },
        { symbol: "ETHUSDT", size: -1, stopLoss: 1 },
        { symbol: "SOLUSDT", size: 5, stopLoss: 1 },
        { symbol: "XRPUSDT", size: 5, stopLoss: 1 },
      ],
      stack,
      step,
    );
    expect(r.count).toBe(3);
    expect(r.examples).toEqual([
      "ETHUSDT: venue holds -1, the stack 1",
      "SOLUSDT: venue holds 5, the stack 0",
      "XRPUSDT: venue holds 5, the stack 0",
    ]);
  });
});

describe("ledgerMismatches", () => {
  const fill = (clientOid: string, price: number, size: number, fee: number): FillRecord => ({
    clientOid,
    symbol: "BTCUSDT",
    price,
    size,
    fee,
  });
  const venue = [fill("a", 100, 1, 0.06), fill("a", 101, 1, 0.0606), fill("b", 100, 2, 0.12)];

  it("finds none when D1 holds the venue's fills", () => {
    expect(ledgerMismatches(venue, [...venue].reverse()).count).toBe(0);
  });

  it("counts a fill missing from D1, a ledger row the venue never made, and a wrong fee", () => {
    const r = ledgerMismatches(venue, [fill("a", 100, 1, 0.06), fill("b", 100, 2, 0.1), fill("ghost", 100, 1, 0)]);
    expect(r.count).toBe(3);
    expect(r.examples).toEqual([
      "a: 2 fill(s) at the venue, 1 in D1",
      "b: fee 0.12 at the venue, 0.1 in D1",
      "ghost: 1 fill(s) in D1, none at the venue",
    ]);
  });

  it("counts an exchange-side stop's fill the ledger never booked", () => {
    const r = ledgerMismatches([...venue, fill("1200000000000000077", 99, 2, 0.1188)], venue);
    expect(r).toEqual({ count: 1, examples: ["1200000000000000077: 1 fill(s) at the venue (BTCUSDT 2), none in D1"] });
  });
});
