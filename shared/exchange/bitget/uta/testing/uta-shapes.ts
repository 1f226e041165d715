/**
 * v3 payloads shaped as bitget-uta-v3.md §2–3 documents them (field names, string numbers,
 * casing), for the UTA unit tests. Each builder takes overrides so a test states only what it varies.
 * @module
 */

/** An `instruments` item of BTCUSDT (§2.3). */
export function instrumentShape(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    symbol: "BTCUSDT",
    category: "USDT-FUTURES",
    baseCoin: "BTC",
    quoteCoin: "USDT",
    pricePrecision: "1",
    priceMultiplier: "0.1",
    quantityPrecision: "3",
    quantityMultiplier: "0.001",
    minOrderQty: "0.001",
    maxOrderQty: "1200",
    maxMarketOrderQty: "220",
    minOrderAmount: "5",
    makerFeeRate: "0.0002",
    takerFeeRate: "0.0006",
    minLeverage: "1",
    maxLeverage: "125",
    status: "online",
    type: "perpetual",
    ...over,
  };
}

/** An order as order-info / unfilled-orders return it (§2.5): REST `reduceOnly` upper-case. */
export function orderShape(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    orderId: "1001",
    clientOid: "BTC-loyw3v28-1",
    category: "USDT-FUTURES",
    symbol: "BTCUSDT",
    orderType: "limit",
    side: "buy",
    price: "25000",
    qty: "0.01",
    amount: "0",
    cumExecQty: "0",
    cumExecValue: "0",
    avgPrice: "0",
    timeInForce: "post_only",
    orderStatus: "live",
    posSide: "",
    holdMode: "one_way_mode",
    reduceOnly: "NO",
    feeDetail: [{ feeCoin: "USDT", fee: "0" }],
    cancelReason: "",
    createdTime: "1700000000000",
    updatedTime: "1700000000001",
    ...over,
  };
}

/** A fills item (§2.6): paid fee positive. */
export function fillShape(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    execId: "5001",
    execLinkId: "7001",
    orderId: "1001",
    clientOid: "BTC-loyw3v28-1",
    category: "USDT-FUTURES",
    symbol: "BTCUSDT",
    orderType: "market",
    side: "buy",
    execPrice: "25000.1",
    execQty: "0.01",
    execValue: "250.001",
    tradeScope: "taker",
    tradeSide: "open",
    feeDetail: [{ feeCoin: "USDT", fee: "0.15" }],
    execPnl: "0",
    createdTime: "1700000000100",
    updatedTime: "1700000000100",
    ...over,
  };
}

/** A current-position item (§2.7). */
export function positionShape(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    category: "USDT-FUTURES",
    symbol: "BTCUSDT",
    marginCoin: "USDT",
    holdMode: "one_way_mode",
    posSide: "long",
    marginMode: "crossed",
    positionBalance: "50",
    available: "0.01",
    frozen: "0",
    total: "0.01",
    leverage: "10",
    curRealisedPnl: "0",
    avgPrice: "25000",
    positionStatus: "opening",
    unrealisedPnl: "1.5",
    liquidationPrice: "0",
    markPrice: "25150",
    createdTime: "1700000000000",
    updatedTime: "1700000000100",
    ...over,
  };
}

/** `account/settings` `data` (§2.9). */
export function settingsShape(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    uid: "123456",
    accountMode: "unified",
    accountLevel: "basic",
    assetMode: "single",
    holdMode: "one_way_mode",
    stpMode: "none",
    symbolConfigList: [{ category: "USDT-FUTURES", symbol: "BTCUSDT", marginMode: "crossed", leverage: "10" }],
    coinConfigList: [],
    ...over,
  };
}

/** `account/assets` `data` (§2.8). */
export function assetsShape(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    accountEquity: "10001.5",
    usdtEquity: "10001.5",
    btcEquity: "0.4",
    unrealisedPnl: "1.5",
    usdtUnrealisedPnl: "1.5",
    btcUnrealizedPnl: "0.00006",
    effEquity: "10001.5",
    imr: "25",
    mmr: "1",
    assets: [
      {
        coin: "USDT",
        equity: "10001.5",
        usdValue: "10001.5",
        balance: "10000",
        available: "9975",
        locked: "0",
        debt: "0",
      },
    ],
    ...over,
  };
}

/** A v3 private push envelope (§3). */
export function utaPush(topic: string, data: unknown[], action: "snapshot" | "update" = "update") {
  return { action, arg: { instType: "UTA", topic }, data, ts: 1700000000200 };
}
