import { describe, expect, it } from "vitest";
import { holdsSomething, storedHolding } from "./stored-holding";
import type { SymbolRunnerState } from "./symbol-runner";

const position = { side: "long", size: 0.118, entryPrice: 100 };

function stateIn(phase: unknown): SymbolRunnerState {
  return { engine: { state: { phase } } } as unknown as SymbolRunnerState;
}

describe("storedHolding", () => {
  it("reads an open position from a persisted runner", () => {
    const h = storedHolding(stateIn({ phase: "open", position }));
    expect(h).toEqual({ phase: "open", position });
    expect(holdsSomething(h)).toBe(true);
  });

  it("counts a pending entry as something to flatten, without a position", () => {
    const h = storedHolding(stateIn({ phase: "entering", clientOid: "BTC-1-1" }));
    expect(h).toEqual({ phase: "entering", position: null });
    expect(holdsSomething(h)).toBe(true);
  });

  it("holds nothing when flat or when nothing was persisted", () => {
    expect(holdsSomething(storedHolding(stateIn({ phase: "flat" })))).toBe(false);
    expect(storedHolding(null)).toBeNull();
    expect(storedHolding({ engine: null } as unknown as SymbolRunnerState)).toBeNull();
  });
});
