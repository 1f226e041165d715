/**
 * The Bitget V2 USDT-M REST endpoints the client calls: method, path, whether they are signed, and
 * their per-second limit (bitget-v2.md §4.5: doc values where seen, else ccxt's cost table).
 * Only GETs are idempotent and therefore retried.
 * @module
 */

/** One REST endpoint. */
export interface EndpointSpec {
  readonly method: "GET" | "POST";
  readonly path: string;
  /** Needs the ACCESS-* headers. */
  readonly auth: boolean;
  /** Requests per second allowed on this endpoint (per IP for public, per UID for private). */
  readonly perSecond: number;
}

/** Every endpoint the client uses, by purpose. */
export const ENDPOINTS = {
  serverTime: { method: "GET", path: "/api/v2/public/time", auth: false, perSecond: 20 },
  contracts: { method: "GET", path: "/api/v2/mix/market/contracts", auth: false, perSecond: 20 },
  ticker: { method: "GET", path: "/api/v2/mix/market/ticker", auth: false, perSecond: 20 },
  depth: { method: "GET", path: "/api/v2/mix/market/merge-depth", auth: false, perSecond: 20 },
  recentTrades: { method: "GET", path: "/api/v2/mix/market/fills", auth: false, perSecond: 20 },
  candles: { method: "GET", path: "/api/v2/mix/market/candles", auth: false, perSecond: 20 },
  setLeverage: { method: "POST", path: "/api/v2/mix/account/set-leverage", auth: true, perSecond: 5 },
  setMarginMode: { method: "POST", path: "/api/v2/mix/account/set-margin-mode", auth: true, perSecond: 5 },
  setPositionMode: { method: "POST", path: "/api/v2/mix/account/set-position-mode", auth: true, perSecond: 5 },
  accounts: { method: "GET", path: "/api/v2/mix/account/accounts", auth: true, perSecond: 10 },
  account: { method: "GET", path: "/api/v2/mix/account/account", auth: true, perSecond: 10 },
  singlePosition: { method: "GET", path: "/api/v2/mix/position/single-position", auth: true, perSecond: 10 },
  allPositions: { method: "GET", path: "/api/v2/mix/position/all-position", auth: true, perSecond: 5 },
  placeOrder: { method: "POST", path: "/api/v2/mix/order/place-order", auth: true, perSecond: 10 },
  cancelOrder: { method: "POST", path: "/api/v2/mix/order/cancel-order", auth: true, perSecond: 10 },
  orderDetail: { method: "GET", path: "/api/v2/mix/order/detail", auth: true, perSecond: 10 },
  openOrders: { method: "GET", path: "/api/v2/mix/order/orders-pending", auth: true, perSecond: 10 },
  flashClose: { method: "POST", path: "/api/v2/mix/order/close-positions", auth: true, perSecond: 1 },
  fills: { method: "GET", path: "/api/v2/mix/order/fills", auth: true, perSecond: 10 },
  fillHistory: { method: "GET", path: "/api/v2/mix/order/fill-history", auth: true, perSecond: 10 },
  /** Position TP/SL plan (`planType: pos_loss`), docs/exchange-stops.md. */
  placeTpslOrder: { method: "POST", path: "/api/v2/mix/order/place-tpsl-order", auth: true, perSecond: 10 },
  /** Pending plan orders (`planType: profit_loss` lists TP/SL plans). */
  pendingPlans: { method: "GET", path: "/api/v2/mix/order/orders-plan-pending", auth: true, perSecond: 10 },
  cancelPlanOrder: { method: "POST", path: "/api/v2/mix/order/cancel-plan-order", auth: true, perSecond: 10 },
} as const satisfies Record<string, EndpointSpec>;

/** Name of an endpoint in {@link ENDPOINTS}. */
export type EndpointName = keyof typeof ENDPOINTS;
