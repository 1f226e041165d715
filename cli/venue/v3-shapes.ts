/**
 * Bitget UTA (v3) JSON shapes of the venue's records (bitget-uta-v3.md §2–3): REST `data` items
 * and private push `data` items, from the same core records the V2 shapes (core-shapes.ts) use.
 * Where the reference leaves a value open the venue picks one and says so:
 * - one-way mode only; positions carry `posSide` long/short by direction; orders and fills carry
 *   `posSide`/`holdSide` `net` (reference §6 item 4 is UNVERIFIED: code must accept both);
 * - order status `live` (resting, unfilled), `partially_filled`, `filled`, `cancelled` (two l);
 * - paid fees are positive in `feeDetail` (v3 samples), REST `reduceOnly` `YES`/`NO`, WS `yes`/`no`;
 * - `tradeSide` uses the detailed one-way enum (`buy_single`, `reduce_sell_single`, …).
 * Numbers are strings; times are ms strings.
 * @module
 */

import { type Instrument, stepDecimals } from "../../shared/market/instrument";
import type { AccountFigures, CoreFill } from "./core-account";
import { dec, onGrid } from "./core-format";
import type { CoreOrder } from "./core-orders";
import {
  KEEP_MARGIN_RATE,
  MARGIN_COIN,
  POS_MODE,
  type PositionView,
  positionFigures,
  tradeSideOf,
} from "./core-shapes";

/** The only category the venue trades (bitget-uta-v3.md §2.4). */
export const CATEGORY = "USDT-FUTURES";

/** v3 order status of a core order. */
export function orderStatusV3(o: CoreOrder): string {
  return o.status === "canceled" ? "cancelled" : o.status;
}

/** `GET /api/v3/market/instruments` item (§2.3). */
export function instrumentShape(inst: Instrument, makerRate: number, takerRate: number): object {
  return {
    symbol: inst.symbol,
    category: CATEGORY,
    baseCoin: inst.symbol.replace(/USDT$/, ""),
    quoteCoin: "USDT",
    buyLimitPriceRatio: "0.05",
    sellLimitPriceRatio: "0.05",
    feeRateUpRatio: "0.005",
    makerFeeRate: dec(makerRate),
    takerFeeRate: dec(takerRate),
    openCostUpRatio: "0.01",
    minOrderQty: onGrid(inst.minSize, inst.sizeStep),
    maxOrderQty: "",
    maxMarketOrderQty: "",
    pricePrecision: String(stepDecimals(inst.tickSize)),
    quantityPrecision: String(stepDecimals(inst.sizeStep)),
    quotePrecision: null,
    priceMultiplier: onGrid(inst.tickSize, inst.tickSize),
    quantityMultiplier: onGrid(inst.sizeStep, inst.sizeStep),
    type: "perpetual",
    minOrderAmount: dec(inst.minNotional),
    maxSymbolOrderNum: "200",
    maxProductOrderNum: "400",
    maxPositionNum: "150",
    status: "online",
    offTime: "-1",
    limitOpenTime: "-1",
    deliveryTime: "",
    deliveryStartTime: "",
    deliveryPeriod: "",
    launchTime: "",
    fundInterval: "8",
    minLeverage: "1",
    maxLeverage: "125",
    maintainTime: "",
  };
}

/** `order-info` data / `unfilled-orders` / `history-orders` item (§2.5). */
export function orderShapeV3(o: CoreOrder, inst: Instrument): object {
  return {
    orderId: o.orderId,
    clientOid: o.clientOid,
    category: CATEGORY,
    symbol: o.symbol,
    orderType: o.orderType,
    side: o.side,
    price: o.price === null ? "0" : onGrid(o.price, inst.tickSize),
    qty: onGrid(o.size, inst.sizeStep),
    amount: "0",
    cumExecQty: onGrid(o.filled, inst.sizeStep),
    cumExecValue: dec(o.notional),
    avgPrice: o.filled > 0 ? dec(o.notional / o.filled) : "0",
    timeInForce: o.force,
    orderStatus: orderStatusV3(o),
    posSide: "net",
    holdMode: POS_MODE,
    tradeSide: tradeSideOf(o.side, o.reduceOnly),
    reduceOnly: o.reduceOnly ? "YES" : "NO",
    marginMode: o.marginMode,
    stpMode: "none",
    delegateType: o.orderSource === "normal" || o.orderSource === "market" ? "normal" : o.orderSource,
    feeDetail: [{ feeCoin: MARGIN_COIN, fee: dec(o.fee) }],
    totalProfit: dec(o.profit),
    cancelReason: o.cancelReason,
    execType: "normal",
    takeProfit: o.takeProfit === null ? "" : onGrid(o.takeProfit, inst.tickSize),
    stopLoss: o.stopLoss === null ? "" : onGrid(o.stopLoss, inst.tickSize),
    createdTime: String(o.cTime),
    updatedTime: String(o.uTime),
  };
}

/** `order` topic push item (§3): like the REST item, with `holdSide`, lower-case `reduceOnly` and `leverage`. */
export function orderPushShapeV3(o: CoreOrder, inst: Instrument): object {
  const { posSide: _posSide, ...rest } = orderShapeV3(o, inst) as Record<string, unknown>;
  return {
    ...rest,
    holdSide: "net",
    reduceOnly: o.reduceOnly ? "yes" : "no",
    leverage: String(o.leverage),
    marginCoin: MARGIN_COIN,
  };
}

/** `GET /api/v3/trade/fills` item and `fill` topic push item (§2.6, §3). */
export function fillShapeV3(f: CoreFill, inst: Instrument): object {
  return {
    execId: f.tradeId,
    execLinkId: f.tradeId,
    orderId: f.orderId,
    clientOid: f.clientOid,
    category: CATEGORY,
    symbol: f.symbol,
    orderType: f.orderType,
    side: f.side,
    holdSide: "net",
    execPrice: onGrid(f.price, inst.tickSize),
    execQty: onGrid(f.size, inst.sizeStep),
    execValue: dec(f.size * f.price),
    tradeScope: f.scope,
    tradeSide: tradeSideOf(f.side, f.reduceOnly),
    feeDetail: [{ feeCoin: MARGIN_COIN, fee: dec(f.fee) }],
    execPnl: dec(f.profit),
    isRPI: "no",
    execTime: String(f.ts),
    createdTime: String(f.ts),
    updatedTime: String(f.ts),
  };
}

/** `GET /api/v3/position/current-position` item (§2.7). */
export function positionShapeV3(v: PositionView): object {
  const { pos, inst } = v;
  const f = positionFigures(v);
  return {
    category: CATEGORY,
    symbol: pos.symbol,
    marginCoin: MARGIN_COIN,
    holdMode: POS_MODE,
    posSide: pos.size > 0 ? "long" : "short",
    marginMode: v.marginMode,
    positionBalance: dec(f.margin),
    available: onGrid(Math.abs(pos.size) - v.locked, inst.sizeStep),
    frozen: onGrid(v.locked, inst.sizeStep),
    total: onGrid(Math.abs(pos.size), inst.sizeStep),
    leverage: String(v.leverage),
    curRealisedPnl: dec(pos.achievedProfits),
    avgPrice: dec(pos.avg),
    positionStatus: "normal",
    unrealisedPnl: dec(f.upl),
    liquidationPrice: dec(f.liquidation),
    mmr: dec(KEEP_MARGIN_RATE),
    profitRate: dec(f.margin > 0 ? f.upl / f.margin : 0),
    markPrice: onGrid(v.mark, inst.tickSize),
    breakEvenPrice: dec(f.breakEven),
    totalFunding: "0",
    openFeeTotal: dec(pos.totalFee),
    closeFeeTotal: "0",
    createdTime: String(pos.cTime),
    updatedTime: String(pos.uTime),
  };
}

/** `position` topic push item (§3): `size`, `liqPrice`, `totalFundingFee`, `positionStatus` opening. */
export function positionPushShapeV3(v: PositionView): object {
  const { pos, inst } = v;
  const f = positionFigures(v);
  return {
    symbol: pos.symbol,
    category: CATEGORY,
    marginCoin: MARGIN_COIN,
    marginSize: dec(f.margin),
    marginMode: v.marginMode,
    posSide: pos.size > 0 ? "long" : "short",
    holdMode: POS_MODE,
    positionStatus: "opening",
    size: onGrid(Math.abs(pos.size), inst.sizeStep),
    available: onGrid(Math.abs(pos.size) - v.locked, inst.sizeStep),
    frozen: onGrid(v.locked, inst.sizeStep),
    avgPrice: dec(pos.avg),
    leverage: String(v.leverage),
    curRealisedPnl: dec(pos.achievedProfits),
    unrealisedPnl: dec(f.upl),
    liqPrice: dec(f.liquidation),
    mmr: dec(KEEP_MARGIN_RATE),
    marginRate: dec(f.marginRatio),
    markPrice: onGrid(v.mark, inst.tickSize),
    breakEvenPrice: dec(f.breakEven),
    profitRate: dec(f.margin > 0 ? f.upl / f.margin : 0),
    totalFundingFee: "0",
    openFeeTotal: dec(pos.totalFee),
    closeFeeTotal: "0",
    createdTime: String(pos.cTime),
    updatedTime: String(pos.uTime),
  };
}

/** `GET /api/v3/account/assets` data (§2.8): USD = USDT on the venue; only non-zero coins. */
export function assetsShape(f: AccountFigures, btcPrice: number | null): object {
  const available = Math.max(0, f.available);
  const locked = f.positionMargin + f.orderMargin;
  const im = f.positionMargin + f.orderMargin;
  const mm = KEEP_MARGIN_RATE * f.notional;
  const ratio = f.equity > 0 ? mm / f.equity : 0;
  const usdt = {
    coin: MARGIN_COIN,
    equity: dec(f.equity),
    usdValue: dec(f.equity),
    balance: dec(f.balance),
    available: dec(available),
    debt: "0",
    locked: dec(locked),
  };
  return {
    accountEquity: dec(f.equity),
    usdtEquity: dec(f.equity),
    btcEquity: btcPrice ? dec(f.equity / btcPrice) : "0",
    unrealisedPnl: dec(f.unrealized),
    usdtUnrealisedPnl: dec(f.unrealized),
    btcUnrealizedPnl: btcPrice ? dec(f.unrealized / btcPrice) : "0",
    effEquity: dec(f.equity),
    imr: dec(f.equity > 0 ? im / f.equity : 0),
    mmr: dec(ratio),
    mgnRatio: dec(ratio),
    positionMgnRatio: dec(ratio),
    assets: f.equity !== 0 || f.balance !== 0 ? [usdt] : [],
  };
}

/** `account` topic push item (§3): `totalEquity`, `unrealisedPnL` (capital L as in samples), `coin[]`. */
export function accountPushShapeV3(f: AccountFigures): object {
  const available = Math.max(0, f.available);
  const mm = KEEP_MARGIN_RATE * f.notional;
  return {
    totalEquity: dec(f.equity),
    effEquity: dec(f.equity),
    unrealisedPnL: dec(f.unrealized),
    imr: dec(f.equity > 0 ? (f.positionMargin + f.orderMargin) / f.equity : 0),
    mmr: dec(f.equity > 0 ? mm / f.equity : 0),
    mgnRatio: dec(f.equity > 0 ? mm / f.equity : 0),
    positionMgnRatio: dec(f.equity > 0 ? mm / f.equity : 0),
    coin: [
      {
        coin: MARGIN_COIN,
        balance: dec(f.balance),
        available: dec(available),
        locked: dec(f.positionMargin + f.orderMargin),
        equity: dec(f.equity),
        usdValue: dec(f.equity),
        borrow: "0",
        debts: "0",
      },
    ],
  };
}

/** V2 ticker item (core) → v3 `GET /api/v3/market/tickers` item (§1.3 field names). */
export function tickerShapeV3(v2: Record<string, unknown>): object {
  return {
    category: CATEGORY,
    symbol: v2.symbol,
    ts: v2.ts,
    lastPrice: v2.lastPr,
    openPrice24h: v2.open24h,
    highPrice24h: v2.high24h,
    lowPrice24h: v2.low24h,
    ask1Price: v2.askPr,
    bid1Price: v2.bidPr,
    ask1Size: v2.askSz,
    bid1Size: v2.bidSz,
    price24hPcnt: v2.change24h,
    volume24h: v2.baseVolume,
    turnover24h: v2.quoteVolume,
    indexPrice: v2.indexPrice ?? v2.lastPr,
    markPrice: v2.markPrice ?? v2.lastPr,
    fundingRate: v2.fundingRate ?? "0",
    openInterest: v2.holdingAmount ?? "0",
    deliveryStartTime: "",
    deliveryTime: "",
    deliveryStatus: "",
  };
}
