import type { CancelResult, Fill, OrderRequest, OrderStatus, PlaceResult } from "./orders";

/**
 * The broker port every broker implements: the simulated one (backtests, paper mode) and the
 * live Bitget one. Fills arrive through the listener given at construction, in execution order.
 * One contract suite (`broker-contract.ts`) runs against every implementation.
 */
export interface Broker {
  /** `"paper"`, `"live"` or `"demo"` (Bitget's demo environment): recorded on every trade row. */
  readonly mode: "paper" | "live" | "demo";
  /** Places an order; idempotent by `clientOid` (placing the same id twice never makes two orders). */
  place(order: OrderRequest): Promise<PlaceResult>;
  /** Cancels the rest of an order. */
  cancel(symbol: string, clientOid: string): Promise<CancelResult>;
  /** The broker's view of an order, or null if it never saw it. */
  order(symbol: string, clientOid: string): Promise<OrderStatus | null>;
}

/** Receives fills. */
export type FillListener = (fill: Fill) => void;
