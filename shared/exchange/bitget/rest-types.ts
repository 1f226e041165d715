/**
 * Typed requests and responses of the Bitget V2 USDT-M futures REST endpoints the bot uses
 * (bitget-v2.md §4.5–4.6). Responses are parsed at the edge: amounts, prices, rates and times are
 * numbers; ids (`orderId`, `tradeId`, `endId`, `clientOid`) stay strings because they exceed 2^53.
 * An empty string from Bitget (e.g. `price` of a market order) becomes `null`.
 * @module
 */

import type { Instrument } from "../../market/instrument";

/** Trade direction as Bitget spells it. */
export type OrderSide = "buy" | "sell";
/** Bitget order types. */
export type OrderType = "limit" | "market";
/** Time in force (`force`): good-till-cancel, post-only (maker or cancel), immediate-or-cancel, fill-or-kill. */
export type TimeInForce = "gtc" | "post_only" | "ioc" | "fok";
/** Margin mode of a symbol. */
export type MarginMode = "isolated" | "crossed";
/** Account position mode for a product type (§6). */
export type PositionMode = "one_way_mode" | "hedge_mode";
/** Side of a position. */
export type HoldSide = "long" | "short";
/** Candle granularities of `/api/v2/mix/market/candles`. */
export type CandleGranularity =
  | "1m"
  | "3m"
  | "5m"
  | "15m"
  | "30m"
  | "1H"
  | "2H"
  | "4H"
  | "6H"
  | "12H"
  | "1D"
  | "3D"
  | "1W"
  | "1M"
  | "6Hutc"
  | "12Hutc"
  | "1Dutc"
  | "3Dutc"
  | "1Wutc"
  | "1Mutc";

/**
 * An order as the strategy means it, in numbers. `side` is the direction of the trade; a closing
 * order is `reduceOnly: true` in either position mode (the client maps it to Bitget's hedge-mode
 * `side`/`tradeSide` convention, §6).
 */
export interface OrderIntent {
  readonly symbol: string;
  readonly side: OrderSide;
  readonly orderType: OrderType;
  /** Base-coin quantity. */
  readonly size: number;
  /** Limit price; required for limit orders, absent for market orders. */
  readonly price?: number;
  /** Defaults to `gtc`. Market orders accept `gtc`, `ioc`, `fok`. */
  readonly force?: TimeInForce;
  /** Only shrink a position (close); default false. */
  readonly reduceOnly?: boolean;
  /** The idempotency key (see shared/execution/client-oid.ts); always required so a timeout can be reconciled. */
  readonly clientOid: string;
  readonly marginMode: MarginMode;
  /** Attached take-profit trigger price (`presetStopSurplusPrice`). */
  readonly takeProfitPrice?: number;
  /** Limit execution price of the take-profit; absent = market. */
  readonly takeProfitExecutePrice?: number;
  /** Attached stop-loss trigger price (`presetStopLossPrice`). */
  readonly stopLossPrice?: number;
  /** Limit execution price of the stop-loss; absent = market. */
  readonly stopLossExecutePrice?: number;
}

declare const validatedBrand: unique symbol;

/**
 * An order that passed `validateOrder` against its contract, with every number written as the
 * exchange expects it (on the grid, no float noise, no trailing zeros). Only order-rules.ts makes one.
 */
export interface ValidatedOrder {
  readonly [validatedBrand]: true;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly orderType: OrderType;
  readonly size: string;
  readonly price: string | null;
  readonly force: TimeInForce;
  readonly reduceOnly: boolean;
  readonly clientOid: string;
  readonly marginMode: MarginMode;
  readonly takeProfitPrice: string | null;
  readonly takeProfitExecutePrice: string | null;
  readonly stopLossPrice: string | null;
  readonly stopLossExecutePrice: string | null;
}

/** Identifies one order by exchange id or by clientOid. */
export type OrderRef =
  | { readonly orderId: string; readonly clientOid?: never }
  | { readonly clientOid: string; readonly orderId?: never };

/** A contract's rules and fees (contracts endpoint); usable wherever an {@link Instrument} is. */
export interface BitgetContract extends Instrument {
  readonly baseCoin: string;
  readonly quoteCoin: string;
  readonly pricePlace: number;
  readonly volumePlace: number;
  readonly makerFeeRate: number;
  readonly takerFeeRate: number;
  readonly minLeverage: number;
  readonly maxLeverage: number;
  /** `normal` = tradable; anything else (maintenance, restricted) = do not trade. */
  readonly status: string;
  /** Funding interval in hours (`fundInterval`). */
  readonly fundingIntervalHours: number;
}

/** Best prices and 24 h stats of one symbol. */
export interface Ticker {
  readonly symbol: string;
  readonly lastPrice: number;
  readonly bidPrice: number;
  readonly bidSize: number;
  readonly askPrice: number;
  readonly askSize: number;
  readonly markPrice: number | null;
  readonly indexPrice: number | null;
  readonly fundingRate: number | null;
  readonly high24h: number | null;
  readonly low24h: number | null;
  readonly baseVolume: number | null;
  readonly quoteVolume: number | null;
  readonly ts: number;
}

/** `[price, size]`, size in base coin. */
export type DepthLevel = readonly [price: number, size: number];

/** A merged order-book snapshot (`merge-depth`): bids descending, asks ascending. */
export interface DepthSnapshot {
  readonly bids: DepthLevel[];
  readonly asks: DepthLevel[];
  readonly ts: number;
}

/** One public trade (`market/fills`); `side` is the taker side. */
export interface PublicTrade {
  readonly tradeId: string;
  readonly symbol: string;
  readonly price: number;
  readonly size: number;
  readonly side: OrderSide;
  readonly ts: number;
}

/** One candle; `quoteVolume` is in USDT. */
export interface Candle {
  readonly ts: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly baseVolume: number;
  readonly quoteVolume: number;
}

/** Leverage after `set-leverage` / `set-margin-mode`. */
export interface LeverageSettings {
  readonly symbol: string;
  readonly marginCoin: string;
  readonly marginMode: MarginMode | null;
  readonly longLeverage: number | null;
  readonly shortLeverage: number | null;
  readonly crossMarginLeverage: number | null;
}

/** What place/cancel return. `orderId` can be absent on placement (§4.6 quirk): look it up by clientOid. */
export interface OrderAck {
  readonly orderId: string | null;
  readonly clientOid: string | null;
}

/** Lifecycle state of an order; Bitget's `canceled` (also spelled `cancelled`) is normalised to `canceled`. */
export type OrderState = "live" | "partially_filled" | "filled" | "canceled" | (string & {});

/** One order from `order/detail` (field `state`) or `orders-pending`/`orders-history` (field `status`). */
export interface OrderDetail {
  readonly symbol: string;
  readonly orderId: string;
  readonly clientOid: string | null;
  readonly state: OrderState;
  readonly side: OrderSide;
  readonly orderType: OrderType | (string & {});
  readonly force: string | null;
  readonly tradeSide: string | null;
  readonly posSide: string | null;
  readonly posMode: string | null;
  readonly marginMode: string | null;
  readonly reduceOnly: boolean;
  readonly size: number;
  /** Filled base quantity (`baseVolume`). */
  readonly filledSize: number;
  /** Limit price; null for market orders. */
  readonly price: number | null;
  /** Average fill price; null before any fill. */
  readonly avgPrice: number | null;
  /** Fees so far, negative = paid. */
  readonly fee: number | null;
  readonly leverage: number | null;
  readonly takeProfitPrice: number | null;
  readonly stopLossPrice: number | null;
  readonly cancelReason: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** A page of orders and the id to continue from (`idLessThan`). */
export interface OrderPage {
  readonly orders: OrderDetail[];
  readonly endId: string | null;
}

/** One open position (`all-position` / `single-position`). */
export interface Position {
  readonly symbol: string;
  readonly marginCoin: string;
  readonly holdSide: HoldSide;
  /** Position size in base coin (`total`). */
  readonly size: number;
  readonly available: number;
  readonly locked: number;
  readonly openDelegateSize: number;
  readonly openPriceAvg: number;
  readonly markPrice: number | null;
  readonly breakEvenPrice: number | null;
  readonly liquidationPrice: number | null;
  readonly leverage: number;
  readonly marginMode: string;
  readonly posMode: string;
  readonly marginSize: number | null;
  readonly unrealizedPL: number;
  readonly achievedProfits: number | null;
  readonly totalFee: number | null;
  readonly createdAt: number | null;
  readonly updatedAt: number | null;
}

/** Balance of one margin coin (`accounts`). */
export interface AccountBalance {
  readonly marginCoin: string;
  readonly available: number;
  readonly locked: number;
  readonly accountEquity: number;
  readonly usdtEquity: number | null;
  readonly crossedMaxAvailable: number | null;
  readonly isolatedMaxAvailable: number | null;
  readonly maxTransferOut: number | null;
  readonly unrealizedPL: number | null;
  readonly crossedRiskRate: number | null;
}

/** One symbol's account settings (`account/account`): margin mode, leverage and position mode. */
export interface SymbolAccountSettings {
  readonly marginMode: MarginMode | null;
  readonly crossedMarginLeverage: number | null;
  readonly isolatedLongLever: number | null;
  readonly isolatedShortLever: number | null;
  readonly posMode: PositionMode | null;
}

/** Per-item outcome of a batch call such as `close-positions`; HTTP 200 even when items fail. */
export interface BatchResult {
  readonly success: {
    readonly orderId: string | null;
    readonly clientOid: string | null;
    readonly symbol: string | null;
  }[];
  readonly failure: {
    readonly orderId: string | null;
    readonly clientOid: string | null;
    readonly symbol: string | null;
    readonly errorCode: string | null;
    readonly errorMsg: string;
  }[];
}

/** One of the account's own executions (`order/fills`). */
export interface Fill {
  readonly tradeId: string;
  readonly orderId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly price: number;
  /** Base quantity of this execution (`baseVolume`). */
  readonly size: number;
  readonly quoteVolume: number;
  /** Realised PnL of a closing fill. */
  readonly profit: number;
  readonly tradeSide: string | null;
  /** `taker` or `maker`. */
  readonly tradeScope: string | null;
  /** Sum of `feeDetail[].totalFee`; negative = paid. */
  readonly fee: number;
  readonly feeCoin: string | null;
  readonly ts: number;
}

/** A page of fills and the id to continue from (`idLessThan`). */
export interface FillPage {
  readonly fills: Fill[];
  readonly endId: string | null;
}

/** Query of the account's fills. `history: true` uses `fill-history` (older than ~3 days). */
export interface FillQuery {
  readonly symbol?: string;
  readonly orderId?: string;
  readonly startTime?: number;
  readonly endTime?: number;
  readonly idLessThan?: string;
  readonly limit?: number;
  readonly history?: boolean;
}

/** Query of candles. */
export interface CandleQuery {
  readonly granularity: CandleGranularity;
  readonly startTime?: number;
  readonly endTime?: number;
  /** ≤ 1000. */
  readonly limit?: number;
  readonly kLineType?: "MARKET" | "MARK" | "INDEX";
}
