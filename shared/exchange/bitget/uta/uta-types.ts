/**
 * Typed responses of the Bitget UTA (v3) REST endpoints the bot uses (bitget-uta-v3.md §2), parsed
 * at the edge: numbers are numbers, ids stay strings, `""` becomes null. Fees are positive when
 * paid (§2.5: v3 reports paid fees positive; the parsers take the absolute value, see uta-parse.ts).
 * @module
 */
import type { Instrument } from "../../../market/instrument";
import type { OrderSide, PositionMode } from "../rest-types";

/** Which Bitget account system a key belongs to. */
export type AccountMode = "classic" | "uta";

/** `GET /api/v3/account/settings` (§2.9). */
export interface UtaSettings {
  readonly uid: string | null;
  /** `unified`, `hybrid`, `upgrading`, `switching`. */
  readonly accountMode: string;
  /** `basic`, `advanced`, `isolated`, `delta`. */
  readonly accountLevel: string | null;
  /** null when the answer carries none (treated as one-way, the account default). */
  readonly holdMode: PositionMode | null;
  /** Per-symbol margin mode and leverage the account has set. */
  readonly symbols: readonly UtaSymbolConfig[];
}

/** One `symbolConfigList` item. */
export interface UtaSymbolConfig {
  readonly category: string;
  readonly symbol: string;
  readonly marginMode: string | null;
  readonly leverage: number | null;
}

/** One USDT-FUTURES instrument (§2.3); usable wherever an {@link Instrument} is. */
export interface UtaInstrument extends Instrument {
  readonly baseCoin: string;
  readonly quoteCoin: string;
  readonly pricePrecision: number;
  readonly quantityPrecision: number;
  readonly maxOrderQty: number | null;
  readonly maxMarketOrderQty: number | null;
  readonly makerFeeRate: number | null;
  readonly takerFeeRate: number | null;
  readonly minLeverage: number | null;
  readonly maxLeverage: number | null;
  /** `listed`, `online`, `limit_open`, `limit_close`, `offline`, `restrictedAPI`. */
  readonly status: string;
}

/** One order from order-info / unfilled-orders (§2.5). */
export interface UtaOrder {
  readonly orderId: string;
  readonly clientOid: string | null;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly orderType: string;
  /** `gtc`, `post_only`, `ioc`, `fok`. */
  readonly timeInForce: string | null;
  readonly posSide: string | null;
  readonly holdMode: string | null;
  readonly reduceOnly: boolean;
  /** Base-coin quantity. */
  readonly qty: number;
  readonly cumExecQty: number;
  readonly price: number | null;
  readonly avgPrice: number | null;
  /** `live`, `new`, `partially_filled`, `filled`, `cancelled` (also `canceled`), as sent. */
  readonly orderStatus: string;
  readonly cancelReason: string | null;
  /** Fees so far, positive = paid. */
  readonly fee: number;
  readonly createdTime: number;
  readonly updatedTime: number;
}

/** One own execution (§2.6). */
export interface UtaFill {
  readonly execId: string;
  readonly orderId: string;
  readonly clientOid: string | null;
  readonly symbol: string;
  /** The trade direction (not the position's, unlike V2 hedge fills). */
  readonly side: OrderSide;
  readonly execPrice: number;
  readonly execQty: number;
  readonly execValue: number | null;
  /** `maker` or `taker`. */
  readonly tradeScope: string | null;
  readonly tradeSide: string | null;
  /** Positive = paid. */
  readonly fee: number;
  readonly feeCoin: string | null;
  readonly execPnl: number | null;
  readonly ts: number;
}

/** A page of a cursor-paginated list. */
export interface UtaPage<T> {
  readonly list: T[];
  readonly cursor: string | null;
}

/** One open position (§2.7). */
export interface UtaPosition {
  readonly symbol: string;
  readonly posSide: "long" | "short";
  /** Base coin, > 0. */
  readonly size: number;
  readonly available: number | null;
  readonly frozen: number | null;
  readonly avgPrice: number;
  readonly leverage: number | null;
  readonly marginMode: string | null;
  readonly holdMode: string | null;
  readonly unrealisedPnl: number | null;
  readonly curRealisedPnl: number | null;
  /** null when ≤ 0 (none). */
  readonly liquidationPrice: number | null;
  readonly markPrice: number | null;
  readonly updatedTime: number | null;
}

/** `GET /api/v3/account/assets` (§2.8). */
export interface UtaAssets {
  /** USD. */
  readonly accountEquity: number;
  readonly usdtEquity: number | null;
  readonly usdtUnrealisedPnl: number | null;
  readonly effEquity: number | null;
  readonly coins: readonly UtaCoin[];
}

/** One non-zero coin of the unified account. */
export interface UtaCoin {
  readonly coin: string;
  readonly equity: number | null;
  readonly balance: number | null;
  readonly available: number;
  readonly locked: number | null;
  readonly usdValue: number | null;
}

/** The account's own fee rates of one symbol. */
export interface FeeRate {
  readonly makerFeeRate: number;
  readonly takerFeeRate: number;
}
