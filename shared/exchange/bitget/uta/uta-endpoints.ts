/**
 * The Bitget UTA (v3) REST endpoints the UTA client calls (bitget-uta-v3.md §2.2): method, path,
 * whether signed, and the per-second limit of the doc. Same host and signing as V2 (§2.1).
 * @module
 */
import type { EndpointSpec } from "../rest-endpoints";

/** Every v3 endpoint the UTA client uses, by purpose. */
export const UTA_ENDPOINTS = {
  /** The V2 time path serves both families; the v3 one is UNVERIFIED (§6.3). */
  serverTime: { method: "GET", path: "/api/v2/public/time", auth: false, perSecond: 20 },
  settings: { method: "GET", path: "/api/v3/account/settings", auth: true, perSecond: 20 },
  assets: { method: "GET", path: "/api/v3/account/assets", auth: true, perSecond: 20 },
  feeRate: { method: "GET", path: "/api/v3/account/fee-rate", auth: true, perSecond: 3 },
  setLeverage: { method: "POST", path: "/api/v3/account/set-leverage", auth: true, perSecond: 10 },
  setHoldMode: { method: "POST", path: "/api/v3/account/set-hold-mode", auth: true, perSecond: 10 },
  instruments: { method: "GET", path: "/api/v3/market/instruments", auth: false, perSecond: 20 },
  placeOrder: { method: "POST", path: "/api/v3/trade/place-order", auth: true, perSecond: 10 },
  cancelOrder: { method: "POST", path: "/api/v3/trade/cancel-order", auth: true, perSecond: 10 },
  orderInfo: { method: "GET", path: "/api/v3/trade/order-info", auth: true, perSecond: 20 },
  openOrders: { method: "GET", path: "/api/v3/trade/unfilled-orders", auth: true, perSecond: 20 },
  fills: { method: "GET", path: "/api/v3/trade/fills", auth: true, perSecond: 20 },
  positions: { method: "GET", path: "/api/v3/position/current-position", auth: true, perSecond: 20 },
  /** Position TP/SL as a strategy order (`type: tpsl`, `tpslMode: full`), docs/exchange-stops.md. */
  placeStrategyOrder: { method: "POST", path: "/api/v3/trade/place-strategy-order", auth: true, perSecond: 10 },
  unfilledStrategyOrders: { method: "GET", path: "/api/v3/trade/unfilled-strategy-orders", auth: true, perSecond: 20 },
  cancelStrategyOrder: { method: "POST", path: "/api/v3/trade/cancel-strategy-order", auth: true, perSecond: 10 },
} as const satisfies Record<string, EndpointSpec>;

/** Name of an endpoint in {@link UTA_ENDPOINTS}. */
export type UtaEndpointName = keyof typeof UTA_ENDPOINTS;

/** The v3 REST `category` of USDT-margined perpetuals (upper-case on REST, §2.1). */
export const USDT_FUTURES = "USDT-FUTURES";
