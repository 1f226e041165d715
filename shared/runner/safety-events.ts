/**
 * What a {@link SymbolRunner} did to keep live trading safe, as events the shell logs and reports,
 * and as counters it shows (`/api/symbols`, the soak's summary). Each is a decision taken without
 * the engine asking: a fill the engine did not order, an exit that failed or was given up, an order
 * whose outcome stayed unknown and was looked up or resolved by the cap.
 * @module
 */
import type { OrderSide } from "../execution/orders";
import type { ExitReason } from "../strategy/types";

/** One safety decision of the runner. */
export type SafetyEvent =
  /** A fill of an order the engine did not place or no longer follows; `closed` when it closed the position. */
  | {
      readonly kind: "externalFill";
      readonly clientOid: string;
      readonly side: OrderSide;
      readonly price: number;
      readonly size: number;
      /** `exit`: it reduced or closed the engine's position; null: not the engine's (reconciliation reports it). */
      readonly role: "exit" | null;
      readonly closed: boolean;
      readonly ts: number;
    }
  /** An exit ended without closing; the next try waits (exit-retry.ts). */
  | { readonly kind: "exitFailed"; readonly clientOid: string; readonly reason: ExitReason; readonly ts: number }
  /** Exits failed too often in a row: none are sent for the position; the exchange-side stop protects it. */
  | {
      readonly kind: "exitHalted";
      readonly clientOid: string;
      readonly reason: ExitReason;
      readonly failures: number;
      readonly ts: number;
    }
  /** An order's outcome stayed unknown past the lookups' cap and was resolved as `resolvedAs`. */
  | {
      readonly kind: "outcomeUnresolved";
      readonly clientOid: string;
      readonly role: "entry" | "exit";
      readonly lookups: number;
      readonly resolvedAs: "ended";
      readonly detail: string;
      readonly ts: number;
    };

/** Counts of {@link SafetyEvent}s and of order lookups since the runner was made. */
export interface SafetyCounters {
  externalFills: number;
  exitFailures: number;
  exitHalts: number;
  /** Lookups of orders whose outcome was unknown. */
  orderLookups: number;
  /** Orders resolved by the cap without the exchange telling their end. */
  unresolvedOutcomes: number;
}

/** Zero counters. */
export function zeroSafetyCounters(): SafetyCounters {
  return { externalFills: 0, exitFailures: 0, exitHalts: 0, orderLookups: 0, unresolvedOutcomes: 0 };
}
