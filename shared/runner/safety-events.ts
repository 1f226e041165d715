/**
 * What a {@link SymbolRunner} did to keep live trading safe, as events the shell logs and reports,
 * and as counters it shows (`/api/symbols`, the soak's summary). Each is a decision taken without
 * the engine asking: a fill the engine did not order, an exit that failed or was given up, an order
 * whose outcome stayed unknown and was looked up or resolved by the cap.
 * @module
 */
import type { OrderSide, PositionSide } from "../execution/orders";
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
      /**
       * `exit`: it reduced or closed the engine's position; `entry`: it grew the engine's position, or
       * opened one the engine adopted as an orphan; null: not the engine's (reconciliation reports it).
       */
      readonly role: "entry" | "exit" | null;
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
    }
  /** The exchange holds a stop-loss for the position at the engine's stop (stop-guard.ts). */
  | {
      readonly kind: "stopVerified";
      readonly side: PositionSide;
      readonly triggerPrice: number;
      readonly id: string;
      readonly ts: number;
    }
  /** The exchange had no stop at the engine's price: one was placed (`replaced`: the triggers of the side's stops it replaced). */
  | {
      readonly kind: "stopPlaced";
      readonly side: PositionSide;
      readonly triggerPrice: number;
      readonly id: string;
      readonly replaced: readonly number[];
      readonly ts: number;
    }
  /** Checking or placing the stop failed; the next try is at `retryAt`. */
  | {
      readonly kind: "stopFailed";
      readonly detail: string;
      readonly attempt: number;
      readonly retryAt: number;
      readonly ts: number;
    }
  /** The position could not be protected within the bounds: it is closed at market. */
  | { readonly kind: "stopUnprotectable"; readonly detail: string; readonly attempts: number; readonly ts: number }
  /**
   * Reading the exchange's position for a foreign fill failed (foreign-adoption.ts): retried at
   * `retryAt`, or null when the bounds are spent and the fills were settled by themselves.
   */
  | {
      readonly kind: "positionReadFailed";
      readonly detail: string;
      readonly attempt: number;
      readonly retryAt: number | null;
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
  /** Exchange-side stops found in place at the engine's price. */
  stopsVerified: number;
  /** Exchange-side stops placed because none (or one at another price) was there. */
  stopsPlaced: number;
  /** Failed stop checks or placements (each retried). */
  stopFailures: number;
  /** Positions closed at market because no stop could be placed. */
  unprotectedCloses: number;
  /** Failed reads of the exchange's position for a foreign fill (each retried, see foreign-adoption.ts). */
  positionReadFailures: number;
}

/** Zero counters. */
export function zeroSafetyCounters(): SafetyCounters {
  return {
    externalFills: 0,
    exitFailures: 0,
    exitHalts: 0,
    orderLookups: 0,
    unresolvedOutcomes: 0,
    stopsVerified: 0,
    stopsPlaced: 0,
    stopFailures: 0,
    unprotectedCloses: 0,
    positionReadFailures: 0,
  };
}

/** Counts a stop guard's or a position read's event in `c` (the runner counts the others where they happen). */
export function countSafetyEvent(c: SafetyCounters, e: SafetyEvent): void {
  if (e.kind === "stopVerified") c.stopsVerified++;
  else if (e.kind === "stopPlaced") c.stopsPlaced++;
  else if (e.kind === "stopFailed") c.stopFailures++;
  else if (e.kind === "positionReadFailed") c.positionReadFailures++;
  else if (e.kind === "stopUnprotectable") {
    c.stopFailures++;
    c.unprotectedCloses++;
  }
}

/** One line for the logs and the operator's notice. */
export function describeSafetyEvent(e: SafetyEvent): string {
  switch (e.kind) {
    case "externalFill":
      return `fill of an order the engine did not place (${e.clientOid}): ${e.side} ${e.size} @ ${e.price}, ${
        e.role === null
          ? "not the engine's position (reconciliation reports it)"
          : e.role === "entry"
            ? "the position follows it (grown or adopted)"
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
    case "stopVerified":
      return `exchange-side stop of the ${e.side} position in place at ${e.triggerPrice} (${e.id})`;
    case "stopPlaced":
      return `exchange-side stop placed for the ${e.side} position at ${e.triggerPrice} (${e.id})${
        e.replaced.length > 0 ? `, replacing ${e.replaced.join(", ")}` : ", none was there"
      }`;
    case "stopFailed":
      return `exchange-side stop not in place (try ${e.attempt}): ${e.detail}; next try at ${new Date(e.retryAt).toISOString()}`;
    case "stopUnprotectable":
      return `no exchange-side stop after ${e.attempts} tries (${e.detail}): the position is closed at market`;
    case "positionReadFailed":
      return `${e.detail} (try ${e.attempt}); ${
        e.retryAt === null
          ? "gave up: the foreign fills are taken as they are, under the orphan policy"
          : `next try at ${new Date(e.retryAt).toISOString()}`
      }`;
  }
}

/**
 * Whether the operator must hear of it (a notice): a halt, an unresolved order, a fill that is not
 * the engine's, or one that grew or opened its position (someone else traded the account).
 */
export function safetyNeedsOperator(e: SafetyEvent): boolean {
  return (
    e.kind === "exitHalted" ||
    e.kind === "outcomeUnresolved" ||
    e.kind === "stopUnprotectable" ||
    (e.kind === "positionReadFailed" && e.retryAt === null) ||
    (e.kind === "externalFill" && (e.role === null || e.role === "entry"))
  );
}
