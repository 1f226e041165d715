/**
 * Parsers from Bitget V2 REST `data` payloads to the types of rest-types.ts. Numbers are parsed
 * here, once; ids stay strings; `""` becomes null for optional fields. A payload of the wrong shape
 * throws {@link ResponseShapeError} naming the field, which the client reports as a BitgetError.
 * @module
 */

import { BitgetError } from "./rest-errors";
import type {
  AccountBalance,
  BatchResult,
  BitgetContract,
  Candle,
  DepthLevel,
  DepthSnapshot,
  Fill,
  FillPage,
  HoldSide,
  LeverageSettings,
  MarginMode,
  OrderAck,
  OrderDetail,
  OrderPage,
  OrderSide,
  Position,
  PositionMode,
  PublicTrade,
  SymbolAccountSettings,
  Ticker,
} from "./rest-types";

/** A response payload lacks a field or carries a value of the wrong kind. */
export class ResponseShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ResponseShapeError";
  }
}

/** A JSON object as received. */
export type Raw = Record<string, unknown>;

/** `{serverTime}` → ms. */
export function parseServerTime(data: unknown): number {
  return num(obj(data, "time"), "serverTime");
}

/** One contracts item → rules and fees. Tick = priceEndStep × 10^-pricePlace (§4.5). */
export function parseContract(data: unknown): BitgetContract {
  const o = obj(data, "contract");
  const pricePlace = num(o, "pricePlace");
  return {
    symbol: str(o, "symbol"),
    baseCoin: str(o, "baseCoin"),
    quoteCoin: str(o, "quoteCoin"),
    tickSize: +(num(o, "priceEndStep") * 10 ** -pricePlace).toFixed(pricePlace),
    sizeStep: num(o, "sizeMultiplier"),
    minSize: num(o, "minTradeNum"),
    minNotional: optNum(o, "minTradeUSDT") ?? 0,
    pricePlace,
    volumePlace: num(o, "volumePlace"),
    makerFeeRate: num(o, "makerFeeRate"),
    takerFeeRate: num(o, "takerFeeRate"),
    minLeverage: optNum(o, "minLever") ?? 1,
    maxLeverage: num(o, "maxLever"),
    status: optStr(o, "symbolStatus") ?? "",
    fundingIntervalHours: optNum(o, "fundInterval") ?? 8,
  };
}

/** Ticker `data` (an array of one, or the object) → {@link Ticker}. */
export function parseTicker(data: unknown): Ticker {
  const o = obj(Array.isArray(data) ? data[0] : data, "ticker");
  return {
    symbol: str(o, "symbol"),
    lastPrice: num(o, "lastPr"),
    bidPrice: num(o, "bidPr"),
    bidSize: num(o, "bidSz"),
    askPrice: num(o, "askPr"),
    askSize: num(o, "askSz"),
    markPrice: optNum(o, "markPrice"),
    indexPrice: optNum(o, "indexPrice"),
    fundingRate: optNum(o, "fundingRate"),
    high24h: optNum(o, "high24h"),
    low24h: optNum(o, "low24h"),
    baseVolume: optNum(o, "baseVolume"),
    quoteVolume: optNum(o, "quoteVolume"),
    ts: num(o, "ts"),
  };
}

/** merge-depth `data` → snapshot; levels may be numbers or strings. */
export function parseDepth(data: unknown): DepthSnapshot {
  const o = obj(data, "depth");
  return { bids: levels(o.bids, "bids"), asks: levels(o.asks, "asks"), ts: num(o, "ts") };
}

/** One public trade. */
export function parsePublicTrade(data: unknown): PublicTrade {
  const o = obj(data, "trade");
  return {
    tradeId: str(o, "tradeId"),
    symbol: str(o, "symbol"),
    price: num(o, "price"),
    size: num(o, "size"),
    side: side(o, "side"),
    ts: num(o, "ts"),
  };
}

/** One candle row `[ts, open, high, low, close, baseVolume, quoteVolume, …]`. */
export function parseCandle(data: unknown): Candle {
  if (!Array.isArray(data) || data.length < 7)
    throw new ResponseShapeError("candle is not an array of at least 7 fields");
  const [ts, open, high, low, close, baseVolume, quoteVolume] = data
    .slice(0, 7)
    .map((v, i) => toNum(v, `candle[${i}]`));
  return { ts, open, high, low, close, baseVolume, quoteVolume };
}

/** set-leverage / set-margin-mode `data`. */
export function parseLeverage(data: unknown): LeverageSettings {
  const o = obj(data, "leverage");
  const mode = optStr(o, "marginMode");
  return {
    symbol: str(o, "symbol"),
    marginCoin: str(o, "marginCoin"),
    marginMode: mode === "isolated" || mode === "crossed" ? (mode as MarginMode) : null,
    longLeverage: optNum(o, "longLeverage"),
    shortLeverage: optNum(o, "shortLeverage"),
    crossMarginLeverage: optNum(o, "crossMarginLeverage"),
  };
}

/** `account/account` `data`: the symbol's margin mode, leverages and the position mode. */
export function parseSymbolAccount(data: unknown): SymbolAccountSettings {
  const o = obj(data, "account");
  const mode = optStr(o, "marginMode");
  const posMode = optStr(o, "posMode");
  return {
    marginMode: mode === "isolated" || mode === "crossed" ? mode : null,
    crossedMarginLeverage: optNum(o, "crossedMarginLeverage"),
    isolatedLongLever: optNum(o, "isolatedLongLever"),
    isolatedShortLever: optNum(o, "isolatedShortLever"),
    posMode: posMode === "one_way_mode" || posMode === "hedge_mode" ? (posMode as PositionMode) : null,
  };
}

/** place/cancel `data` `{orderId, clientOid}`; either may be absent. */
export function parseOrderAck(data: unknown): OrderAck {
  const o = data === null || data === undefined ? {} : obj(data, "order ack");
  return { orderId: optStr(o, "orderId"), clientOid: optStr(o, "clientOid") };
}

/** One order (detail uses `state`, lists use `status`). */
export function parseOrderDetail(data: unknown): OrderDetail {
  const o = obj(data, "order");
  const state = optStr(o, "state") ?? optStr(o, "status") ?? "";
  return {
    symbol: str(o, "symbol"),
    orderId: str(o, "orderId"),
    clientOid: optStr(o, "clientOid"),
    state: state === "cancelled" ? "canceled" : state,
    side: side(o, "side"),
    orderType: str(o, "orderType"),
    force: optStr(o, "force"),
    tradeSide: optStr(o, "tradeSide"),
    posSide: optStr(o, "posSide"),
    posMode: optStr(o, "posMode"),
    marginMode: optStr(o, "marginMode"),
    reduceOnly: /^(yes|true)$/i.test(optStr(o, "reduceOnly") ?? ""),
    size: num(o, "size"),
    filledSize: optNum(o, "baseVolume") ?? 0,
    price: positiveOrNull(optNum(o, "price")),
    avgPrice: positiveOrNull(optNum(o, "priceAvg")),
    fee: optNum(o, "fee"),
    leverage: optNum(o, "leverage"),
    takeProfitPrice: positiveOrNull(optNum(o, "presetStopSurplusPrice")),
    stopLossPrice: positiveOrNull(optNum(o, "presetStopLossPrice")),
    cancelReason: optStr(o, "cancelReason"),
    createdAt: num(o, "cTime"),
    updatedAt: optNum(o, "uTime") ?? num(o, "cTime"),
  };
}

/** orders-pending / orders-history `data` `{entrustedList, endId}`; a null list is empty. */
export function parseOrderPage(data: unknown): OrderPage {
  const o = data === null ? {} : obj(data, "order page");
  return { orders: list(o.entrustedList, "entrustedList").map(parseOrderDetail), endId: optStr(o, "endId") };
}

/** One position. */
export function parsePosition(data: unknown): Position {
  const o = obj(data, "position");
  const hold = str(o, "holdSide").toLowerCase();
  if (hold !== "long" && hold !== "short") throw new ResponseShapeError(`holdSide "${hold}" is not long/short`);
  return {
    symbol: str(o, "symbol"),
    marginCoin: str(o, "marginCoin"),
    holdSide: hold as HoldSide,
    size: num(o, "total"),
    available: num(o, "available"),
    locked: optNum(o, "locked") ?? 0,
    openDelegateSize: optNum(o, "openDelegateSize") ?? 0,
    openPriceAvg: num(o, "openPriceAvg"),
    markPrice: optNum(o, "markPrice"),
    breakEvenPrice: optNum(o, "breakEvenPrice"),
    liquidationPrice: positiveOrNull(optNum(o, "liquidationPrice")),
    leverage: num(o, "leverage"),
    marginMode: str(o, "marginMode"),
    posMode: str(o, "posMode"),
    marginSize: optNum(o, "marginSize"),
    unrealizedPL: num(o, "unrealizedPL"),
    achievedProfits: optNum(o, "achievedProfits"),
    totalFee: optNum(o, "totalFee"),
    createdAt: optNum(o, "cTime"),
    updatedAt: optNum(o, "uTime"),
  };
}

/** One accounts item. */
export function parseAccount(data: unknown): AccountBalance {
  const o = obj(data, "account");
  return {
    marginCoin: str(o, "marginCoin"),
    available: num(o, "available"),
    locked: optNum(o, "locked") ?? 0,
    accountEquity: num(o, "accountEquity"),
    usdtEquity: optNum(o, "usdtEquity"),
    crossedMaxAvailable: optNum(o, "crossedMaxAvailable"),
    isolatedMaxAvailable: optNum(o, "isolatedMaxAvailable"),
    maxTransferOut: optNum(o, "maxTransferOut"),
    unrealizedPL: optNum(o, "unrealizedPL"),
    crossedRiskRate: optNum(o, "crossedRiskRate"),
  };
}

/** `{successList, failureList}` of batch calls and close-positions. */
export function parseBatchResult(data: unknown): BatchResult {
  const o = data === null ? {} : obj(data, "batch result");
  return {
    success: list(o.successList, "successList").map((v) => {
      const s = obj(v, "success item");
      return { orderId: optStr(s, "orderId"), clientOid: optStr(s, "clientOid"), symbol: optStr(s, "symbol") };
    }),
    failure: list(o.failureList, "failureList").map((v) => {
      const f = obj(v, "failure item");
      return {
        orderId: optStr(f, "orderId"),
        clientOid: optStr(f, "clientOid"),
        symbol: optStr(f, "symbol"),
        errorCode: optStr(f, "errorCode"),
        errorMsg: optStr(f, "errorMsg") ?? "",
      };
    }),
  };
}

/** fills / fill-history `data` `{fillList, endId}`. */
export function parseFillPage(data: unknown): FillPage {
  const o = data === null ? {} : obj(data, "fill page");
  return { fills: list(o.fillList, "fillList").map(parseFill), endId: optStr(o, "endId") };
}

/** One own execution; the fee is the sum of `feeDetail[].totalFee` (negative = paid). */
export function parseFill(data: unknown): Fill {
  const o = obj(data, "fill");
  const fees = list(o.feeDetail, "feeDetail").map((v) => obj(v, "feeDetail item"));
  return {
    tradeId: str(o, "tradeId"),
    orderId: str(o, "orderId"),
    symbol: str(o, "symbol"),
    side: side(o, "side"),
    price: num(o, "price"),
    size: num(o, "baseVolume"),
    quoteVolume: optNum(o, "quoteVolume") ?? 0,
    profit: optNum(o, "profit") ?? 0,
    tradeSide: optStr(o, "tradeSide"),
    tradeScope: optStr(o, "tradeScope"),
    fee: fees.reduce((sum, f) => sum + (optNum(f, "totalFee") ?? 0), 0),
    feeCoin: fees.length > 0 ? optStr(fees[0], "feeCoin") : null,
    ts: num(o, "cTime"),
  };
}

/**
 * Parses an answer's `data` with `parse`; a payload of the wrong shape becomes a {@link BitgetError}
 * of kind `unknown` naming the endpoint (both REST clients, V2 and v3).
 */
export function parseAnswer<T>(spec: { method: string; path: string }, data: unknown, parse: (data: unknown) => T): T {
  try {
    return parse(data);
  } catch (e) {
    if (!(e instanceof ResponseShapeError)) throw e;
    throw new BitgetError({
      kind: "unknown",
      method: spec.method,
      endpoint: spec.path,
      status: 200,
      code: "00000",
      exchangeMessage: `unexpected response: ${e.message}`,
    });
  }
}

/** Parses an array payload item by item. */
export function parseList<T>(data: unknown, what: string, parse: (item: unknown) => T): T[] {
  return list(data, what).map(parse);
}

/** Field reader shared with the v3 parsers (uta/uta-parse.ts). */
export function obj(v: unknown, what: string): Raw {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new ResponseShapeError(`${what} is not an object`);
  return v as Raw;
}

/** Field reader shared with the v3 parsers (uta/uta-parse.ts). */
export function list(v: unknown, what: string): unknown[] {
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) throw new ResponseShapeError(`${what} is not an array`);
  return v;
}

/** Field reader shared with the v3 parsers (uta/uta-parse.ts). */
export function str(o: Raw, key: string): string {
  const v = o[key];
  if (typeof v === "string" && v !== "") return v;
  if (typeof v === "number") return String(v);
  throw new ResponseShapeError(`field ${key} is missing or not a string`);
}

/** Field reader shared with the v3 parsers (uta/uta-parse.ts). */
export function optStr(o: Raw, key: string): string | null {
  const v = o[key];
  if (v === undefined || v === null || v === "") return null;
  return typeof v === "string" ? v : String(v);
}

/** Field reader shared with the v3 parsers (uta/uta-parse.ts). */
export function num(o: Raw, key: string): number {
  const v = optNum(o, key);
  if (v === null) throw new ResponseShapeError(`field ${key} is missing`);
  return v;
}

/** Field reader shared with the v3 parsers (uta/uta-parse.ts). */
export function optNum(o: Raw, key: string): number | null {
  const v = o[key];
  if (v === undefined || v === null || v === "") return null;
  return toNum(v, key);
}

function toNum(v: unknown, key: string): number {
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : Number.NaN;
  if (!Number.isFinite(n)) throw new ResponseShapeError(`field ${key} is not a number: ${JSON.stringify(v)}`);
  return n;
}

/** Field reader shared with the v3 parsers (uta/uta-parse.ts). */
export function side(o: Raw, key: string): OrderSide {
  const v = str(o, key).toLowerCase();
  if (v !== "buy" && v !== "sell") throw new ResponseShapeError(`field ${key} "${v}" is not buy/sell`);
  return v;
}

function levels(v: unknown, what: string): DepthLevel[] {
  return list(v, what).map((l, i) => {
    if (!Array.isArray(l) || l.length < 2) throw new ResponseShapeError(`${what}[${i}] is not a [price, size] pair`);
    return [toNum(l[0], `${what}[${i}][0]`), toNum(l[1], `${what}[${i}][1]`)] as const;
  });
}

function positiveOrNull(v: number | null): number | null {
  return v !== null && v > 0 ? v : null;
}
