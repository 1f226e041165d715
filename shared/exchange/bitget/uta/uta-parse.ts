/**
 * Parsers from Bitget UTA (v3) REST `data` payloads to the types of uta-types.ts
 * (bitget-uta-v3.md §2.3–2.9). A payload of the wrong shape throws `ResponseShapeError` naming the
 * field, which the client reports as a BitgetError. Defensive where the reference is unsure:
 * - fees: v3 samples show a paid fee positive, V2 negative; the absolute value is kept (a fee is a
 *   cost to the port, `Fill.fee ≥ 0`), so a flipped sign can never turn into a rebate;
 * - `posSide` of one-way positions (UNVERIFIED 4: `long`/`short` or `net`): anything but long/short
 *   takes the direction from the sign of the size;
 * - `orderStatus` spelled `cancelled` or `canceled`, `reduceOnly` as `YES`/`yes`/`true`/`1`.
 * @module
 */
import { list, obj, optNum, optStr, num, type Raw, ResponseShapeError, side, str } from "../rest-parse";
import type { PositionMode } from "../rest-types";
import type {
  FeeRate,
  UtaAssets,
  UtaCoin,
  UtaFill,
  UtaInstrument,
  UtaOrder,
  UtaPage,
  UtaPosition,
  UtaSettings,
  UtaSymbolConfig,
} from "./uta-types";

/** `account/settings` `data`. */
export function parseSettings(data: unknown): UtaSettings {
  const o = obj(data, "settings");
  const hold = optStr(o, "holdMode");
  return {
    uid: optStr(o, "uid"),
    accountMode: str(o, "accountMode"),
    accountLevel: optStr(o, "accountLevel"),
    holdMode: hold === null ? null : holdMode(hold),
    symbols:
      o.symbolConfigList === undefined || o.symbolConfigList === null
        ? []
        : list(o.symbolConfigList, "symbolConfigList").map(symbolConfig),
  };
}

function symbolConfig(v: unknown): UtaSymbolConfig {
  const o = obj(v, "symbolConfigList item");
  return {
    category: optStr(o, "category") ?? "",
    symbol: str(o, "symbol"),
    marginMode: optStr(o, "marginMode"),
    leverage: optNum(o, "leverage"),
  };
}

/** `one_way_mode` / `hedge_mode` (also accepted without the `_mode` suffix). */
export function holdMode(v: string): PositionMode {
  const s = v.toLowerCase();
  if (s === "one_way_mode" || s === "one_way") return "one_way_mode";
  if (s === "hedge_mode" || s === "hedge") return "hedge_mode";
  throw new ResponseShapeError(`holdMode "${v}" is not one_way_mode/hedge_mode`);
}

/**
 * One instruments item. Tick = `priceMultiplier` (a price must be a multiple of it, §2.3), else
 * 10^-`pricePrecision`; size step = `quantityMultiplier`, else 10^-`quantityPrecision`;
 * `minOrderQty` and `minOrderAmount` are the minimums.
 */
export function parseInstrument(data: unknown): UtaInstrument {
  const o = obj(data, "instrument");
  const pricePrecision = num(o, "pricePrecision");
  const quantityPrecision = num(o, "quantityPrecision");
  const tick = positive(optNum(o, "priceMultiplier")) ?? 10 ** -pricePrecision;
  const step = positive(optNum(o, "quantityMultiplier")) ?? 10 ** -quantityPrecision;
  return {
    symbol: str(o, "symbol"),
    baseCoin: str(o, "baseCoin"),
    quoteCoin: str(o, "quoteCoin"),
    tickSize: +tick.toFixed(Math.max(pricePrecision, 0)) || tick,
    sizeStep: +step.toFixed(Math.max(quantityPrecision, 0)) || step,
    minSize: optNum(o, "minOrderQty") ?? step,
    minNotional: optNum(o, "minOrderAmount") ?? 0,
    pricePrecision,
    quantityPrecision,
    maxOrderQty: optNum(o, "maxOrderQty"),
    maxMarketOrderQty: optNum(o, "maxMarketOrderQty"),
    makerFeeRate: optNum(o, "makerFeeRate"),
    takerFeeRate: optNum(o, "takerFeeRate"),
    minLeverage: optNum(o, "minLeverage"),
    maxLeverage: optNum(o, "maxLeverage"),
    status: optStr(o, "status") ?? "",
  };
}

/** One order (order-info, unfilled-orders). */
export function parseOrder(data: unknown): UtaOrder {
  const o = obj(data, "order");
  const created = num(o, "createdTime");
  return {
    orderId: str(o, "orderId"),
    clientOid: optStr(o, "clientOid"),
    symbol: str(o, "symbol"),
    side: side(o, "side"),
    orderType: str(o, "orderType"),
    timeInForce: optStr(o, "timeInForce")?.toLowerCase() ?? null,
    posSide: optStr(o, "posSide"),
    holdMode: optStr(o, "holdMode"),
    reduceOnly: yes(o.reduceOnly),
    qty: num(o, "qty"),
    cumExecQty: optNum(o, "cumExecQty") ?? 0,
    price: positive(optNum(o, "price")),
    avgPrice: positive(optNum(o, "avgPrice")),
    orderStatus: str(o, "orderStatus").toLowerCase(),
    cancelReason: optStr(o, "cancelReason"),
    fee: feeSum(o.feeDetail),
    createdTime: created,
    updatedTime: optNum(o, "updatedTime") ?? created,
  };
}

/** One own fill. */
export function parseFill(data: unknown): UtaFill {
  const o = obj(data, "fill");
  const details = feeDetails(o.feeDetail);
  return {
    execId: str(o, "execId"),
    orderId: str(o, "orderId"),
    clientOid: optStr(o, "clientOid"),
    symbol: str(o, "symbol"),
    side: side(o, "side"),
    execPrice: num(o, "execPrice"),
    execQty: num(o, "execQty"),
    execValue: optNum(o, "execValue"),
    tradeScope: optStr(o, "tradeScope")?.toLowerCase() ?? null,
    tradeSide: optStr(o, "tradeSide"),
    fee: feeSum(o.feeDetail),
    feeCoin: details.length > 0 ? optStr(details[0], "feeCoin") : null,
    execPnl: optNum(o, "execPnl"),
    ts: optNum(o, "execTime") ?? optNum(o, "createdTime") ?? num(o, "updatedTime"),
  };
}

/** `{list, cursor}` of a paginated endpoint; a null `data` or list is empty. */
export function parsePage<T>(data: unknown, what: string, parse: (item: unknown) => T): UtaPage<T> {
  if (data === null || data === undefined) return { list: [], cursor: null };
  if (Array.isArray(data)) return { list: data.map(parse), cursor: null };
  const o = obj(data, what);
  const items = o.list === null || o.list === undefined ? [] : list(o.list, `${what}.list`);
  return { list: items.map(parse), cursor: optStr(o, "cursor") };
}

/** One position, or null when it is closed (size 0 or `positionStatus: ended`). */
export function parsePosition(data: unknown): UtaPosition | null {
  const o = obj(data, "position");
  const signed = optNum(o, "total") ?? num(o, "size");
  if (signed === 0 || optStr(o, "positionStatus") === "ended") return null;
  const said = (optStr(o, "posSide") ?? optStr(o, "holdSide") ?? "").toLowerCase();
  const posSide = said === "long" || said === "short" ? said : signed > 0 ? "long" : "short";
  return {
    symbol: str(o, "symbol"),
    posSide,
    size: Math.abs(signed),
    available: optNum(o, "available"),
    frozen: optNum(o, "frozen"),
    avgPrice: num(o, "avgPrice"),
    leverage: optNum(o, "leverage"),
    marginMode: optStr(o, "marginMode"),
    holdMode: optStr(o, "holdMode"),
    unrealisedPnl: optNum(o, "unrealisedPnl") ?? optNum(o, "unrealizedPnl"),
    curRealisedPnl: optNum(o, "curRealisedPnl"),
    liquidationPrice: positive(optNum(o, "liquidationPrice") ?? optNum(o, "liqPrice")),
    markPrice: optNum(o, "markPrice"),
    updatedTime: optNum(o, "updatedTime"),
  };
}

/** `account/assets` `data`. */
export function parseAssets(data: unknown): UtaAssets {
  const o = obj(data, "assets");
  const coins = o.assets === null || o.assets === undefined ? [] : list(o.assets, "assets");
  return {
    accountEquity: num(o, "accountEquity"),
    usdtEquity: optNum(o, "usdtEquity"),
    usdtUnrealisedPnl: optNum(o, "usdtUnrealisedPnl"),
    effEquity: optNum(o, "effEquity"),
    coins: coins.map(coin),
  };
}

function coin(v: unknown): UtaCoin {
  const o = obj(v, "asset");
  return {
    coin: str(o, "coin"),
    equity: optNum(o, "equity"),
    balance: optNum(o, "balance"),
    available: num(o, "available"),
    locked: optNum(o, "locked"),
    usdValue: optNum(o, "usdValue"),
  };
}

/** `account/fee-rate` `data` (an object, or a list of one). */
export function parseFeeRate(data: unknown): FeeRate {
  const o = obj(Array.isArray(data) ? data[0] : data, "fee rate");
  return { makerFeeRate: num(o, "makerFeeRate"), takerFeeRate: num(o, "takerFeeRate") };
}

/** `{orderId, clientOid}` of place/cancel; either may be absent or null (§2.4: orderId null quirk). */
export function parseAck(data: unknown): { orderId: string | null; clientOid: string | null } {
  const o = data === null || data === undefined ? {} : obj(data, "order ack");
  return { orderId: optStr(o, "orderId"), clientOid: optStr(o, "clientOid") };
}

/** Sum of `|feeDetail[].fee|`: paid fees, whatever sign the exchange writes them with. */
export function feeSum(details: unknown): number {
  return feeDetails(details).reduce((sum, d) => sum + Math.abs(optNum(d, "fee") ?? 0), 0);
}

function feeDetails(details: unknown): Raw[] {
  if (details === undefined || details === null || details === "") return [];
  return list(details, "feeDetail").map((d) => obj(d, "feeDetail item"));
}

/** `reduceOnly` as REST (`YES`/`NO`), WS (`yes`/`no`) or GO (`true`/`1`) writes it. */
export function yes(v: unknown): boolean {
  return v === true || v === 1 || (typeof v === "string" && /^(yes|true|1)$/i.test(v));
}

function positive(v: number | null): number | null {
  return v !== null && v > 0 ? v : null;
}
