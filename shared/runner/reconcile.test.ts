import { describe, expect, it } from "vitest";
import type { Position } from "../strategy/types";
import { reconcilePosition } from "./reconcile";

const base = {
  symbol: "BTCUSDT",
  phase: "flat" as const,
  position: null,
  pendingDecisions: 0,
  held: 0,
  minSize: 0.001,
};
const long = { side: "long", size: 0.05 } as Position;

describe("reconcilePosition", () => {
  it("finds a flat engine and an empty broker in line", () => {
    expect(reconcilePosition(base)).toEqual({ ok: true, checked: true });
  });

  it("tolerates dust below the minimum size", () => {
    expect(reconcilePosition({ ...base, held: 0.0004 })).toEqual({ ok: true, checked: true });
  });

  it("reports a position the engine does not know, with what each side holds", () => {
    expect(reconcilePosition({ ...base, held: -0.118 })).toMatchObject({
      ok: false,
      reason: "position_mismatch",
      held: -0.118,
      expected: 0,
    });
  });

  it("compares an open position by its signed size", () => {
    expect(reconcilePosition({ ...base, phase: "open", position: long, held: 0.05 }).ok).toBe(true);
    expect(reconcilePosition({ ...base, phase: "open", position: long, held: -0.05 })).toMatchObject({
      expected: 0.05,
    });
  });

  it("compares nothing while an entry is in flight or a portfolio answer is pending", () => {
    expect(reconcilePosition({ ...base, phase: "entering", held: 1 })).toEqual({ ok: true, checked: false });
    expect(reconcilePosition({ ...base, pendingDecisions: 1, held: 1 })).toEqual({ ok: true, checked: false });
  });
});
