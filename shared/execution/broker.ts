import type { CancelResult, Fill, OrderRequest, OrderStatus, PlaceResult } from "./orders";

/** A value now, or later. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * The one order port: the simulated broker (backtests, paper mode; it answers at once) and the live
 * Bitget brokers (they answer later) implement it, and the trading session places through it on one
 * path whichever way the answer comes. Fills arrive through the listener given at construction, in
 * execution order. One contract suite (`testing/broker-contract.ts`) runs against every implementation.
 */
export interface Broker {
  /** `"paper"`, `"live"` or `"demo"` (Bitget's demo environment): recorded on every trade row. */
  readonly mode: "paper" | "live" | "demo";
  /**
   * True when the broker reports the end of every order itself (a final fill, or its reject/cancel
   * callback), so a cancel answered `already_done` needs no action: the outcome was or will be
   * reported. Absent or false: `already_done` means the order ended and its fills were delivered.
   */
  readonly reportsDone?: boolean;
  /** Places an order; idempotent by `clientOid` (placing the same id twice never makes two orders). */
  place(order: OrderRequest): MaybePromise<PlaceResult>;
  /** Cancels the rest of an order. */
  cancel(symbol: string, clientOid: string): MaybePromise<CancelResult>;
  /** The broker's view of an order, or null if it never saw it. */
  order(symbol: string, clientOid: string): MaybePromise<OrderStatus | null>;
}

/** The part of {@link Broker} that places and cancels: what a trading session needs. */
export type OrderPort = Pick<Broker, "place" | "cancel" | "reportsDone">;

/** Receives fills. */
export type FillListener = (fill: Fill) => void;

/** Whether `v` is a promise (a broker or portfolio that answers later). */
export function isPromise<T>(v: MaybePromise<T>): v is Promise<T> {
  return typeof (v as { then?: unknown } | null)?.then === "function";
}
