/**
 * The reconciliation rule: the broker's (or exchange's) position of a symbol must be the engine's.
 * @module
 */
import type { Position } from "../strategy/types";

/** What the rule compares. */
export interface ReconcileInput {
  readonly symbol: string;
  readonly phase: "flat" | "entering" | "open";
  readonly position: Position | null;
  /** Entries waiting for a portfolio answer (their outcome is not known yet). */
  readonly pendingDecisions: number;
  /** The broker's net position in base coin (long positive, short negative). */
  readonly held: number;
  /** The contract's minimum size: a difference below it is dust that cannot be traded. */
  readonly minSize: number;
}

/** The verdict: in line (or not comparable now), or a mismatch that blocks new entries. */
export type ReconcileResult =
  | { readonly ok: true; readonly checked: boolean }
  | {
      readonly ok: false;
      readonly reason: "position_mismatch";
      readonly held: number;
      readonly expected: number;
      readonly detail: string;
    };

const SKIPPED: ReconcileResult = { ok: true, checked: false };
const MATCHED: ReconcileResult = { ok: true, checked: true };

/**
 * Compares the held position with the engine's (flat = 0; open = its signed size). While an entry is
 * in flight or a portfolio answer is pending nothing is compared. A difference of at least the
 * minimum size is a mismatch; dust below it (a partial fill too small to open, rounding) is tolerated.
 */
export function reconcilePosition(i: ReconcileInput): ReconcileResult {
  if (i.phase === "entering" || i.pendingDecisions > 0) return SKIPPED;
  const p = i.position;
  const expected = i.phase === "open" && p ? (p.side === "long" ? p.size : -p.size) : 0;
  if (Math.abs(i.held - expected) < i.minSize) return MATCHED;
  return {
    ok: false,
    reason: "position_mismatch",
    held: i.held,
    expected,
    detail: `position mismatch: the broker holds ${i.held} ${i.symbol} while the engine expects ${expected}; entries blocked`,
  };
}
