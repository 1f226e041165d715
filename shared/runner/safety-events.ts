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
  | {
      readonly kind: "exitFailed";
      readonly clientOid: string;
      readonly reason: ExitReason;
      readonly ts: number;
      readonly retryAt: number;
    }
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
      /** What the runner took it for: ended without (more) fills. */
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

/** One line for the logs and the operator's notice. */
export function describeSafetyEvent(e: SafetyEvent): string {
  switch (e.kind) {
    case "externalFill":
      return `fill of an order the engine did not place (${e.clientOid}): ${e.side} ${e.size} @ ${e.price}, ${
        e.role === null
          ? "not the engine's position (reconciliation reports it)"
          : e.closed
            ? "closed the position"
            : "reduced the position"
      }`;
    case "exitFailed":
      return `${e.reason} exit ${e.clientOid} failed; next try at ${new Date(e.retryAt).toISOString()}`;
    case "exitHalted":
      return `exits halted after ${e.failures} failed ${e.reason} exits in a row (last ${e.clientOid}); the exchange-side stop-loss protects the position`;
    case "outcomeUnresolved":
      return `${e.role} order ${e.clientOid}: ${e.detail}`;
  }
}

/** Whether the operator must hear of it (a notice): a halt, an unresolved order, a fill that is not the engine's. */
export function safetyNeedsOperator(e: SafetyEvent): boolean {
  return e.kind === "exitHalted" || e.kind === "outcomeUnresolved" || (e.kind === "externalFill" && e.role === null);
}
