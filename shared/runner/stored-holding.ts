/**
 * What a stopped agent still holds, read from its persisted runner state without running it: the
 * status of a stopped agent shows its position, and the kill switch knows whether to wake it.
 * @module
 */
import type { Position } from "../strategy/types";
import type { SymbolRunnerState } from "./symbol-runner";

/** The engine's phase and open position as persisted. */
export interface StoredHolding {
  readonly phase: "flat" | "entering" | "open";
  readonly position: Position | null;
}

/** The persisted engine's phase and position; null when no engine was persisted. */
export function storedHolding(state: SymbolRunnerState | null | undefined): StoredHolding | null {
  // `?.` on `state` too: a stored state that does not restore (the agent is then halted) must not break its status.
  const phase = state?.engine?.state?.phase;
  if (phase === undefined) return null;
  return { phase: phase.phase, position: phase.phase === "open" ? phase.position : null };
}

/** True when the persisted engine holds a position or waits on an entry: a kill switch must act on it. */
export function holdsSomething(h: StoredHolding | null): boolean {
  return h !== null && h.phase !== "flat";
}
