/**
 * Bitget V2 JSON shapes of the venue's orders, fills, positions, accounts and contracts: REST
 * `data` items (bitget-v2.md §4.5) and private push `data` items (§3.2). Every number is a string
 * except the documented exceptions (`leverage` in the positions push is a number, as in ccxt's sample).
 * One-way mode conventions: `posSide: "net"`, `tradeSide` `buy_single`/`sell_single` and
 * `reduce_buy_single` (closes a short) / `reduce_sell_single` (closes a long), `holdSide` long/short.
 * Liquidation price is the isolated-margin approximation a·(1 ∓ 1/leverage ± keepMarginRate);
 * break-even is a·(1 ± taker)/(1 ∓ taker). Fees are negative (= paid) in every shape.
 * @module
 */

import type { MarginMode } from "../../shared/exchange/bitget/rest-types";
import { type Instrument, stepDecimals } from "../../shared/market/instrument";
import type { AccountFigures, CoreFill, CorePosition } from "./core-account";
import { dec, onGrid } from "./core-format";
import type { CoreOrder } from "./core-orders";

/** Maintenance margin rate reported for every position. */
export const KEEP_MARGIN_RATE = 0.004;
/** Margin coin of every account. */
export const MARGIN_COIN = "USDT";
/** Position mode of every account (hedge mode is not simulated). */
export const POS_MODE = "one_way_mode";

/** What a position shape needs besides the position. */
export interface PositionView {
  readonly pos: CorePosition;
  readonly inst: Instrument;
  readonly mark: number;
  readonly leverage: number;
  readonly marginMode: MarginMode;
  /** Size of resting reduce-only orders (capped at the position). */
  readonly locked: number;
  /** Size of resting orders adding to the position. */
  readonly openDelegate: number;
  readonly equity: number;
  readonly takerRate: number;
}

/** `contracts` item of an instrument. */
export function contractShape(inst: Instrument, makerRate: number, takerRate: number): object {
  const pricePlace = stepDecimals(inst.tickSize);
  return {
    symbol: inst.symbol,
    baseCoin: inst.symbol.replace(/USDT$/, ""),
    quoteCoin: "USDT",
    buyLimitPriceRatio: "0.05",
    sellLimitPriceRatio: "0.05",
    feeRateUpRatio: "0.005",
    makerFeeRate: dec(makerRate),
    takerFeeRate: dec(takerRate),
    openCostUpRatio: "0.01",
    supportMarginCoins: [MARGIN_COIN],
    minTradeNum: onGrid(inst.minSize, inst.sizeStep),
    priceEndStep: String(Math.round(inst.tickSize * 10 ** pricePlace)),
    volumePlace: String(stepDecimals(inst.sizeStep)),
    pricePlace: String(pricePlace),
    sizeMultiplier: onGrid(inst.sizeStep, inst.sizeStep),
    symbolType: "perpetual",
    minTradeUSDT: dec(inst.minNotional),
    maxSymbolOrderNum: "200",
    maxProductOrderNum: "400",
    maxPositionNum: "150",
    symbolStatus: "normal",
    offTime: "-1",
    limitOpenTime: "-1",
    deliveryTime: "",
    deliveryStartTime: "",
    launchTime: "",
    fundInterval: "8",
    minLever: "1",
    maxLever: "125",
    posLimit: "0.05",
    maintainTime: "",
  };
}

/** One-way `tradeSide` of an order or fill. */
export function tradeSideOf(side: "buy" | "sell", reduceOnly: boolean): string {
  return reduceOnly ? `reduce_${side}_single` : `${side}_single`;
}

/** `order/detail` data (`state`), or an `orders-pending`/`orders-history` item (`status`). */
export function orderShape(o: CoreOrder, inst: Instrument, stateKey: "state" | "status"): object {
  return {
    symbol: o.symbol,
    size: onGrid(o.size, inst.sizeStep),
    orderId: o.orderId,
    clientOid: o.clientOid,
    baseVolume: onGrid(o.filled, inst.sizeStep),
    priceAvg: o.filled > 0 ? dec(o.notional / o.filled) : "",
    fee: dec(-o.fee),
    price: o.price === null ? "" : onGrid(o.price, inst.tickSize),
    [stateKey]: o.status,
    side: o.side,
    force: o.force,
    totalProfits: dec(o.profit),
    posSide: "net",
    marginCoin: MARGIN_COIN,
    presetStopSurplusPrice: o.takeProfit === null ? "" : onGrid(o.takeProfit, inst.tickSize),
    presetStopLossPrice: o.stopLoss === null ? "" : onGrid(o.stopLoss, inst.tickSize),
    quoteVolume: dec(o.notional),
    orderType: o.orderType,
    leverage: String(o.leverage),
    marginMode: o.marginMode,
    reduceOnly: o.reduceOnly ? "YES" : "NO",
    enterPointSource: "API",
    tradeSide: tradeSideOf(o.side, o.reduceOnly),
    posMode: POS_MODE,
    orderSource: o.orderSource,
    cancelReason: o.cancelReason,
    cTime: String(o.cTime),
    uTime: String(o.uTime),
  };
}

/** `orders` push item; with `fill`, the fill fields of that execution are added (§3.2). */
export function orderPushShape(o: CoreOrder, inst: Instrument, fill?: CoreFill): object {
  const base = {
    orderId: o.orderId,
    clientOid: o.clientOid,
    instId: o.symbol,
    side: o.side,
    posSide: "net",
    tradeSide: tradeSideOf(o.side, o.reduceOnly),
    posMode: POS_MODE,
    orderType: o.orderType,
    force: o.force,
    price: o.price === null ? "0" : onGrid(o.price, inst.tickSize),
    size: onGrid(o.size, inst.sizeStep),
    status: o.status,
    accBaseVolume: onGrid(o.filled, inst.sizeStep),
    priceAvg: o.filled > 0 ? dec(o.notional / o.filled) : "0",
    reduceOnly: o.reduceOnly ? "yes" : "no",
    leverage: String(o.leverage),
    marginMode: o.marginMode,
    marginCoin: MARGIN_COIN,
    notionalUsd: dec(o.size * (o.price ?? (o.filled > 0 ? o.notional / o.filled : 0))),
    feeDetail: [{ feeCoin: MARGIN_COIN, fee: dec(-o.fee) }],
    cancelReason: o.cancelReason,
    enterPointSource: "API",
    presetStopSurplusPrice: o.takeProfit === null ? "" : onGrid(o.takeProfit, inst.tickSize),
    presetStopLossPrice: o.stopLoss === null ? "" : onGrid(o.stopLoss, inst.tickSize),
    stpMode: "none",
    cTime: String(o.cTime),
    uTime: String(o.uTime),
  };
  if (!fill) return base;
  return {
    ...base,
    tradeId: fill.tradeId,
    baseVolume: onGrid(fill.size, inst.sizeStep),
    fillPrice: onGrid(fill.price, inst.tickSize),
    fillFee: dec(-fill.fee),
    fillFeeCoin: MARGIN_COIN,
    fillNotionalUsd: dec(fill.size * fill.price),
    fillTime: String(fill.ts),
    pnl: dec(fill.profit),
    tradeScope: fill.scope === "taker" ? "T" : "M",
  };
}

/** `order/fills` item (REST) or `fill` push item (same fields, §3.2). */
export function fillShape(f: CoreFill, inst: Instrument): object {
  return {
    tradeId: f.tradeId,
    symbol: f.symbol,
    orderId: f.orderId,
    clientOid: f.clientOid,
    price: onGrid(f.price, inst.tickSize),
    baseVolume: onGrid(f.size, inst.sizeStep),
    feeDetail: [{ deduction: "no", feeCoin: MARGIN_COIN, totalDeductionFee: "0", totalFee: dec(-f.fee) }],
    side: f.side,
    quoteVolume: dec(f.size * f.price),
    profit: dec(f.profit),
    enterPointSource: "API",
    tradeSide: tradeSideOf(f.side, f.reduceOnly),
    posMode: POS_MODE,
    tradeScope: f.scope,
    orderType: f.orderType,
    cTime: String(f.ts),
    uTime: String(f.ts),
  };
}

/** `single-position` / `all-position` item. */
export function positionShape(v: PositionView): object {
  const f = positionFigures(v);
  const { pos, inst } = v;
  return {
    marginCoin: MARGIN_COIN,
    symbol: pos.symbol,
    holdSide: pos.size > 0 ? "long" : "short",
    openDelegateSize: onGrid(v.openDelegate, inst.sizeStep),
    marginSize: dec(f.margin),
    available: onGrid(Math.abs(pos.size) - v.locked, inst.sizeStep),
    locked: onGrid(v.locked, inst.sizeStep),
    total: onGrid(Math.abs(pos.size), inst.sizeStep),
    leverage: String(v.leverage),
    achievedProfits: dec(pos.achievedProfits),
    openPriceAvg: dec(pos.avg),
    marginMode: v.marginMode,
    posMode: POS_MODE,
    unrealizedPL: dec(f.upl),
    liquidationPrice: dec(f.liquidation),
    keepMarginRate: dec(KEEP_MARGIN_RATE),
    markPrice: onGrid(v.mark, inst.tickSize),
    breakEvenPrice: dec(f.breakEven),
    totalFee: dec(-pos.totalFee),
    deductedFee: "0",
    marginRatio: dec(f.marginRatio),
    autoMargin: "off",
    assetMode: "single",
    takeProfit: pos.takeProfit === null ? "" : onGrid(pos.takeProfit, inst.tickSize),
    stopLoss: pos.stopLoss === null ? "" : onGrid(pos.stopLoss, inst.tickSize),
    cTime: String(pos.cTime),
    uTime: String(pos.uTime),
  };
}

/** `positions` push item (§3.2). */
export function positionPushShape(v: PositionView): object {
  const f = positionFigures(v);
  const { pos, inst } = v;
  return {
    posId: pos.posId,
    instId: pos.symbol,
    marginCoin: MARGIN_COIN,
    marginSize: dec(f.margin),
    marginMode: v.marginMode,
    holdSide: pos.size > 0 ? "long" : "short",
    posMode: POS_MODE,
    total: onGrid(Math.abs(pos.size), inst.sizeStep),
    available: onGrid(Math.abs(pos.size) - v.locked, inst.sizeStep),
    frozen: onGrid(v.locked, inst.sizeStep),
    openPriceAvg: dec(pos.avg),
    leverage: v.leverage,
    achievedProfits: dec(pos.achievedProfits),
    unrealizedPL: dec(f.upl),
    unrealizedPLR: dec(f.margin > 0 ? f.upl / f.margin : 0),
    liquidationPrice: dec(f.liquidation),
    keepMarginRate: dec(KEEP_MARGIN_RATE),
    marginRate: dec(f.marginRatio),
    totalFee: dec(-pos.totalFee),
    breakEvenPrice: dec(f.breakEven),
    autoMargin: "off",
    cTime: String(pos.cTime),
    uTime: String(pos.uTime),
  };
}

/** `accounts` item; `available` = equity − position margin − order margin, floored at 0. */
export function accountShape(f: AccountFigures, btcPrice: number | null): object {
  const available = Math.max(0, f.available);
  return {
    marginCoin: MARGIN_COIN,
    locked: dec(f.orderMargin),
    available: dec(available),
    crossedMaxAvailable: dec(available),
    isolatedMaxAvailable: dec(available),
    maxTransferOut: dec(available),
    accountEquity: dec(f.equity),
    usdtEquity: dec(f.equity),
    btcEquity: btcPrice ? dec(f.equity / btcPrice) : "0",
    crossedRiskRate: dec(riskRate(f)),
    unrealizedPL: dec(f.unrealized),
    coupon: "0",
    unionTotalMagin: dec(f.equity),
    unionAvailable: dec(available),
    unionMm: "0",
    assetList: [],
    isolatedMargin: "0",
    crossedMargin: dec(f.positionMargin),
    crossedUnrealizedPL: dec(f.unrealized),
    isolatedUnrealizedPL: "0",
    assetMode: "single",
  };
}

/** `account` push item (§3.2). */
export function accountPushShape(f: AccountFigures): object {
  const available = Math.max(0, f.available);
  return {
    marginCoin: MARGIN_COIN,
    frozen: dec(f.orderMargin),
    available: dec(available),
    maxOpenPosAvailable: dec(available),
    maxTransferOut: dec(available),
    equity: dec(f.equity),
    usdtEquity: dec(f.equity),
    crossedRiskRate: dec(riskRate(f)),
    unrealizedPL: dec(f.unrealized),
  };
}

function riskRate(f: AccountFigures): number {
  return f.equity > 0 ? (KEEP_MARGIN_RATE * f.notional) / f.equity : 0;
}

/** Margin, unrealised PnL, liquidation and break-even prices and margin ratio of a position (module doc). */
export function positionFigures(v: PositionView): {
  margin: number;
  upl: number;
  liquidation: number;
  breakEven: number;
  marginRatio: number;
} {
  const { pos, mark, leverage, takerRate, equity } = v;
  const long = pos.size > 0;
  const margin = (Math.abs(pos.size) * pos.avg) / leverage;
  const upl = pos.size * (mark - pos.avg);
  const liquidation = Math.max(
    0,
    long ? pos.avg * (1 - 1 / leverage + KEEP_MARGIN_RATE) : pos.avg * (1 + 1 / leverage - KEEP_MARGIN_RATE),
  );
  const breakEven = long
    ? (pos.avg * (1 + takerRate)) / (1 - takerRate)
    : (pos.avg * (1 - takerRate)) / (1 + takerRate);
  const marginRatio = equity > 0 ? (KEEP_MARGIN_RATE * Math.abs(pos.size) * mark) / equity : 0;
  return { margin, upl, liquidation, breakEven, marginRatio };
}
