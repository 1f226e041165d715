import { describe, expect, it } from "vitest";
import {
  parseAccount,
  parseBatchResult,
  parseCandle,
  parseContract,
  parseDepth,
  parseFillPage,
  parseLeverage,
  parseList,
  parseOrderAck,
  parseOrderDetail,
  parseOrderPage,
  parsePosition,
  parsePublicTrade,
  parseTicker,
} from "../../shared/exchange/bitget/rest-parse";
import type { Level } from "../../shared/market/events";
import type { Instrument } from "../../shared/market/instrument";
import {
  type CoreResult,
  ExchangeCore,
  type ExchangeCoreOptions,
  type PlaceAttempt,
  type PrivateChannel,
} from "./exchange-core";
import { V3_PLACE_RULES } from "./v3-rest-routes";

const BTC: Instrument = { symbol: "BTCUSDT", tickSize: 0.1, sizeStep: 0.001, minSize: 0.001, minNotional: 5 };
const MAKER = 0.0002;
const TAKER = 0.0006;
const KEY = "key-1";
const T0 = 1_700_000_000_000;

interface Push {
  readonly key: string;
  readonly channel: PrivateChannel;
  readonly data: Record<string, unknown>[];
}

function setup(extra: Partial<ExchangeCoreOptions> = {}) {
  let t = T0;
  const pushes: Push[] = [];
  const opts: ExchangeCoreOptions = {
    instruments: [BTC],
    makerRate: MAKER,
    takerRate: TAKER,
    startingBalance: 10_000,
    now: () => t,
    onPrivate: (key, channel, data) => pushes.push({ key, channel, data: data as Record<string, unknown>[] }),
    ...extra,
  };
  const core = new ExchangeCore(opts);
  let seq = 0;
  let tradeId = 0;
  return {
    core,
    opts,
    pushes,
    advance: (ms: number) => (t += ms),
    book: (bids: Level[], asks: Level[]) =>
      core.onMarket({ kind: "bookLevels", symbol: "BTCUSDT", ts: t, bids, asks, seq: String(++seq) }),
    trade: (price: number, size: number, side: "buy" | "sell" = "sell") =>
      core.onMarket({ kind: "trade", symbol: "BTCUSDT", ts: t, price, size, side, id: String(++tradeId) }),
  };
}

function data<T>(r: CoreResult<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.error)}`);
  return r.data;
}

function refusal<T>(r: CoreResult<T>) {
  if (r.ok) throw new Error(`expected a refusal, got ${JSON.stringify(r.data)}`);
  return r.error;
}

const BASE = { symbol: "BTCUSDT", productType: "USDT-FUTURES", marginMode: "crossed", marginCoin: "USDT" };
const market = (side: "buy" | "sell", size: string, extra: Record<string, unknown> = {}) => ({
  ...BASE,
  side,
  orderType: "market",
  size,
  ...extra,
});
const limit = (side: "buy" | "sell", size: string, price: string, extra: Record<string, unknown> = {}) => ({
  ...BASE,
  side,
  orderType: "limit",
  force: "gtc",
  size,
  price,
  ...extra,
});

/** A book around 27000/27000.5 with two levels a side. */
function standardBook(s: ReturnType<typeof setup>): void {
  s.book(
    [
      [27000, 0.5],
      [26999.5, 1],
    ],
    [
      [27000.5, 0.002],
      [27001, 0.003],
    ],
  );
}

describe("ExchangeCore matching", () => {
  it("walks the ask levels for a market buy and charges the taker fee on each fill", () => {
    const s = setup();
    standardBook(s);
    const ack = parseOrderAck(data(s.core.placeOrder(KEY, market("buy", "0.004", { clientOid: "m1" }))));
    const fills = parseFillPage(data(s.core.fills(KEY, {}))).fills;
    expect(fills.map((f) => [f.price, f.size])).toEqual([
      [27001, 0.002],
      [27000.5, 0.002],
    ]);
    expect(fills[0].fee).toBeCloseTo(-0.002 * 27001 * TAKER, 8);
    expect(fills[1].fee).toBeCloseTo(-0.002 * 27000.5 * TAKER, 8);
    expect(fills.every((f) => f.tradeScope === "taker")).toBe(true);
    const order = parseOrderDetail(
      data(s.core.orderDetail(KEY, { symbol: "BTCUSDT", orderId: ack.orderId as string })),
    );
    expect(order.state).toBe("filled");
    expect(order.avgPrice).toBeCloseTo((27000.5 + 27001) / 2, 6);
    expect(order.fee).toBeCloseTo(-(0.002 * 27000.5 + 0.002 * 27001) * TAKER, 8);
    const depth = parseDepth(data(s.core.depth("BTCUSDT", 5)));
    expect(depth.asks).toEqual([[27001, 0.001]]);
  });

  it("fills a market order beyond the visible depth at the worst visible price", () => {
    const s = setup();
    standardBook(s);
    data(s.core.placeOrder(KEY, market("buy", "0.01")));
    const fills = parseFillPage(data(s.core.fills(KEY, {}))).fills;
    expect(fills.reduce((q, f) => q + f.size, 0)).toBeCloseTo(0.01, 9);
    expect(fills[0]).toMatchObject({ price: 27001, size: 0.005 });
  });

  it("refuses a post-only order that would cross and rests one that would not", () => {
    const s = setup();
    standardBook(s);
    const e = refusal(s.core.placeOrder(KEY, limit("buy", "0.001", "27000.5", { force: "post_only" })));
    expect(e).toMatchObject({ http: 400, code: "40020" });
    data(s.core.placeOrder(KEY, limit("buy", "0.001", "27000", { force: "post_only" })));
    const page = parseOrderPage(data(s.core.openOrders(KEY, { symbol: "BTCUSDT" })));
    expect(page.orders.map((o) => [o.price, o.state, o.force])).toEqual([[27000, "live", "post_only"]]);
  });

  it("fills a resting limit completely as maker at its own price when a trade prints through it", () => {
    const s = setup();
    standardBook(s);
    const ack = data(s.core.placeOrder(KEY, limit("buy", "0.01", "26999", { clientOid: "r1" })));
    s.trade(26999.5, 5);
    expect(parseOrderDetail(data(s.core.orderDetail(KEY, { symbol: "BTCUSDT", orderId: ack.orderId }))).state).toBe(
      "live",
    );
    s.trade(26998.5, 0.001);
    const fills = parseFillPage(data(s.core.fills(KEY, {}))).fills;
    expect(fills).toHaveLength(1);
    expect(fills[0]).toMatchObject({ price: 26999, size: 0.01, tradeScope: "maker" });
    expect(fills[0].fee).toBeCloseTo(-0.01 * 26999 * MAKER, 8);
  });

  it("fills at its price only the print size beyond the book size that was ahead of it", () => {
    const s = setup();
    standardBook(s);
    const ack = data(s.core.placeOrder(KEY, limit("buy", "0.01", "27000")));
    s.trade(27000, 0.3);
    expect(data(s.core.fills(KEY, {})).fillList).toBeNull();
    s.trade(27000, 0.205);
    let order = parseOrderDetail(data(s.core.orderDetail(KEY, { symbol: "BTCUSDT", orderId: ack.orderId })));
    expect(order.state).toBe("partially_filled");
    expect(order.filledSize).toBeCloseTo(0.005, 9);
    s.trade(27000, 1);
    order = parseOrderDetail(data(s.core.orderDetail(KEY, { symbol: "BTCUSDT", orderId: ack.orderId })));
    expect(order.state).toBe("filled");
    expect(order.filledSize).toBeCloseTo(0.01, 9);
  });

  it("shrinks the queue ahead when a later book snapshot shows less size at the price", () => {
    const s = setup();
    standardBook(s);
    data(s.core.placeOrder(KEY, limit("buy", "0.01", "27000")));
    s.book([[27000, 0.1]], [[27000.5, 1]]);
    s.trade(27000, 0.105);
    const fills = parseFillPage(data(s.core.fills(KEY, {}))).fills;
    expect(fills.map((f) => f.size)).toEqual([0.005]);
  });

  it("takes liquidity with a crossing gtc limit up to its price and rests the remainder", () => {
    const s = setup();
    standardBook(s);
    const ack = data(s.core.placeOrder(KEY, limit("buy", "0.004", "27000.5")));
    const order = parseOrderDetail(data(s.core.orderDetail(KEY, { symbol: "BTCUSDT", orderId: ack.orderId })));
    expect(order).toMatchObject({ state: "partially_filled", filledSize: 0.002, avgPrice: 27000.5 });
    expect(parseOrderPage(data(s.core.openOrders(KEY, {}))).orders).toHaveLength(1);
  });

  it("cancels the unfilled rest of an ioc and kills a fok the visible depth cannot fill", () => {
    const s = setup();
    standardBook(s);
    const ioc = data(s.core.placeOrder(KEY, limit("buy", "0.004", "27000.5", { force: "ioc" })));
    expect(parseOrderDetail(data(s.core.orderDetail(KEY, { symbol: "BTCUSDT", orderId: ioc.orderId })))).toMatchObject({
      state: "canceled",
      filledSize: 0.002,
    });
    const fok = data(s.core.placeOrder(KEY, limit("buy", "0.004", "27001", { force: "fok" })));
    expect(parseOrderDetail(data(s.core.orderDetail(KEY, { symbol: "BTCUSDT", orderId: fok.orderId })))).toMatchObject({
      state: "canceled",
      filledSize: 0,
    });
    const fok2 = data(s.core.placeOrder(KEY, limit("buy", "0.003", "27001", { force: "fok" })));
    expect(parseOrderDetail(data(s.core.orderDetail(KEY, { symbol: "BTCUSDT", orderId: fok2.orderId })))).toMatchObject(
      { state: "filled", filledSize: 0.003 },
    );
  });

  it("cuts a reduce-only order to the position, never flips it, and refuses one with nothing to reduce", () => {
    const s = setup();
    standardBook(s);
    data(s.core.placeOrder(KEY, market("buy", "0.002")));
    const ack = data(s.core.placeOrder(KEY, market("sell", "0.005", { reduceOnly: "YES" })));
    const order = parseOrderDetail(data(s.core.orderDetail(KEY, { symbol: "BTCUSDT", orderId: ack.orderId })));
    expect(order).toMatchObject({ size: 0.002, filledSize: 0.002, reduceOnly: true, state: "filled" });
    expect(data(s.core.positions(KEY))).toEqual([]);
    expect(refusal(s.core.placeOrder(KEY, market("sell", "0.001", { reduceOnly: "YES" })))).toMatchObject({
      http: 400,
      code: "40757",
    });
  });

  it("cancels a resting reduce-only order once the position it would reduce is gone", () => {
    const s = setup();
    standardBook(s);
    data(s.core.placeOrder(KEY, market("buy", "0.002")));
    const ro = data(s.core.placeOrder(KEY, limit("sell", "0.002", "27100", { reduceOnly: "YES" })));
    data(s.core.placeOrder(KEY, market("sell", "0.002")));
    expect(parseOrderDetail(data(s.core.orderDetail(KEY, { symbol: "BTCUSDT", orderId: ro.orderId }))).state).toBe(
      "canceled",
    );
    expect(data(s.core.positions(KEY))).toEqual([]);
  });

  it("closes the position at market when a trade prints through the preset stop-loss", () => {
    const s = setup();
    standardBook(s);
    data(
      s.core.placeOrder(KEY, market("buy", "0.002", { presetStopLossPrice: "26900", presetStopSurplusPrice: "27200" })),
    );
    const pos = parsePosition(data(s.core.positions(KEY))[0]);
    expect(pos.size).toBeCloseTo(0.002, 9);
    s.trade(26950, 0.01);
    expect(data(s.core.positions(KEY))).toHaveLength(1);
    s.book([[26880, 1]], [[26881, 1]]);
    s.trade(26890, 0.01);
    expect(data(s.core.positions(KEY))).toEqual([]);
    const history = parseOrderPage(data(s.core.ordersHistory(KEY, {}))).orders;
    const close = history[0];
    expect(close).toMatchObject({
      side: "sell",
      orderType: "market",
      reduceOnly: true,
      state: "filled",
      avgPrice: 26880,
    });
    expect((data(s.core.ordersHistory(KEY, {})).entrustedList as Record<string, unknown>[])[0].orderSource).toBe(
      "pos_loss_market",
    );
    expect(close.fee).toBeCloseTo(-0.002 * 26880 * TAKER, 8);
  });

  it("fires the exchange-side stop of a position holding one on demand, and leaves a bare position alone", () => {
    const s = setup();
    standardBook(s);
    data(s.core.placeOrder(KEY, market("buy", "0.002", { presetStopLossPrice: "26900" })));
    data(s.core.placeOrder("bare", market("buy", "0.001")));
    expect(s.core.fireStops("ETHUSDT")).toBe(0);
    expect(s.core.fireStops()).toBe(1);
    expect(data(s.core.positions(KEY))).toEqual([]);
    expect(data(s.core.positions("bare"))).toHaveLength(1);
    const close = (data(s.core.ordersHistory(KEY, {})).entrustedList as Record<string, unknown>[])[0];
    expect(close).toMatchObject({ orderSource: "pos_loss_market", reduceOnly: "YES", status: "filled" });
  });

  it("tells its order log every place-order call, accepted or refused, with the position it met", () => {
    const attempts: PlaceAttempt[] = [];
    const s = setup({ onPlace: (key, a) => attempts.push({ ...a, clientOid: `${key}:${a.clientOid}` }) });
    standardBook(s);
    data(s.core.placeOrder(KEY, market("buy", "0.002", { clientOid: "a-1", presetStopLossPrice: "26900" })));
    refusal(s.core.placeOrder(KEY, market("buy", "0.002", { clientOid: "a-1" })));
    data(s.core.placeOrder(KEY, limit("sell", "0.002", "27100", { clientOid: "a-2", reduceOnly: "YES" })));
    expect(attempts.map((a) => [a.clientOid, a.code, a.positionBefore, a.reduceOnly, a.stopLoss])).toEqual([
      [`${KEY}:a-1`, null, 0, false, "26900"],
      [`${KEY}:a-1`, "43118", 0.002, false, null],
      [`${KEY}:a-2`, null, 0.002, true, null],
    ]);
    expect(attempts[0].orderId).toMatch(/^\d+$/);
    expect(attempts[1].orderId).toBeNull();
  });

  it("refuses with 40762 an order whose margin and fee exceed the available balance", () => {
    const s = setup({ startingBalance: 100 });
    s.book([[27000, 10]], [[27000.5, 10]]);
    expect(refusal(s.core.placeOrder(KEY, limit("buy", "0.1", "27000")))).toEqual({
      http: 400,
      code: "40762",
      msg: "The order amount exceeds the balance",
    });
    data(s.core.placeOrder(KEY, limit("buy", "0.07", "27000")));
    expect(refusal(s.core.placeOrder(KEY, limit("buy", "0.01", "27000")))).toMatchObject({ code: "40762" });
  });

  it("refuses a clientOid used before on the same account but not on another account", () => {
    const s = setup();
    standardBook(s);
    data(s.core.placeOrder(KEY, limit("buy", "0.001", "26000", { clientOid: "dup-1" })));
    expect(refusal(s.core.placeOrder(KEY, limit("buy", "0.001", "26000", { clientOid: "dup-1" })))).toMatchObject({
      http: 400,
      code: "43118",
    });
    data(s.core.placeOrder("key-2", limit("buy", "0.001", "26000", { clientOid: "dup-1" })));
  });

  it("finds an order by clientOid after it filled", () => {
    const s = setup();
    standardBook(s);
    const ack = parseOrderAck(data(s.core.placeOrder(KEY, market("buy", "0.002", { clientOid: "find-me" }))));
    const order = parseOrderDetail(data(s.core.orderDetail(KEY, { symbol: "BTCUSDT", clientOid: "find-me" })));
    expect(order).toMatchObject({
      orderId: ack.orderId,
      clientOid: "find-me",
      state: "filled",
      filledSize: 0.002,
      avgPrice: 27000.5,
    });
    expect(refusal(s.core.orderDetail(KEY, { symbol: "BTCUSDT", clientOid: "nope" }))).toMatchObject({ code: "40109" });
  });

  it("averages the open price over two entries and marks unrealised PnL to the last trade", () => {
    const s = setup();
    standardBook(s);
    data(s.core.placeOrder(KEY, market("buy", "0.002")));
    data(s.core.placeOrder(KEY, limit("buy", "0.003", "26990")));
    s.trade(26980, 1);
    s.trade(27100, 0.001, "buy");
    const pos = parsePosition(data(s.core.positions(KEY, "BTCUSDT"))[0]);
    const avg = (0.002 * 27000.5 + 0.003 * 26990) / 0.005;
    expect(pos.holdSide).toBe("long");
    expect(pos.size).toBeCloseTo(0.005, 9);
    expect(pos.openPriceAvg).toBeCloseTo(avg, 6);
    expect(pos.unrealizedPL).toBeCloseTo(0.005 * (27100 - avg), 6);
    expect(pos.markPrice).toBe(27100);
  });

  it("realises PnL on a reduce and flips the remainder of a larger opposite order at its price", () => {
    const s = setup();
    standardBook(s);
    data(s.core.placeOrder(KEY, market("buy", "0.002")));
    s.book([[27100, 1]], [[27100.5, 1]]);
    data(s.core.placeOrder(KEY, market("sell", "0.005")));
    const fills = parseFillPage(data(s.core.fills(KEY, {}))).fills;
    expect(fills[0].profit).toBeCloseTo(0.002 * (27100 - 27000.5), 8);
    const pos = parsePosition(data(s.core.positions(KEY))[0]);
    expect(pos).toMatchObject({ holdSide: "short", openPriceAvg: 27100 });
    expect(pos.size).toBeCloseTo(0.003, 9);
    expect(pos.achievedProfits).toBeCloseTo(0, 9);
  });

  it("reports equity as balance plus unrealised and available net of position and order margin", () => {
    const s = setup();
    standardBook(s);
    data(s.core.placeOrder(KEY, market("buy", "0.002")));
    data(s.core.placeOrder(KEY, limit("buy", "0.01", "26000")));
    s.trade(27050, 0.001, "buy");
    const acct = parseAccount(data(s.core.accounts(KEY))[0]);
    const fee = 0.002 * 27000.5 * TAKER;
    const upl = 0.002 * (27050 - 27000.5);
    const equity = 10_000 - fee + upl;
    const positionMargin = (0.002 * 27000.5) / 20;
    const orderMargin = (0.01 * 26000) / 20;
    expect(acct.accountEquity).toBeCloseTo(equity, 6);
    expect(acct.unrealizedPL).toBeCloseTo(upl, 6);
    expect(acct.available).toBeCloseTo(equity - positionMargin - orderMargin, 6);
    expect(acct.locked).toBeCloseTo(orderMargin, 6);
  });

  it("uses the leverage set for the symbol in the margin", () => {
    const s = setup();
    standardBook(s);
    expect(parseLeverage(data(s.core.setLeverage(KEY, { ...BASE, leverage: "10" })))).toMatchObject({
      symbol: "BTCUSDT",
      longLeverage: 10,
      shortLeverage: 10,
    });
    data(s.core.placeOrder(KEY, limit("buy", "0.01", "26000")));
    const acct = parseAccount(data(s.core.accounts(KEY))[0]);
    expect(acct.available).toBeCloseTo(10_000 - (0.01 * 26000) / 10, 6);
    expect(refusal(s.core.setLeverage(KEY, { ...BASE, leverage: "200" }))).toMatchObject({ code: "40020" });
  });

  it("refuses the 11th order within one second with 429 and accepts again a second later", () => {
    const s = setup();
    standardBook(s);
    for (let i = 0; i < 10; i++) {
      data(s.core.placeOrder(KEY, limit("buy", "0.001", "26000")));
      s.advance(50);
    }
    expect(refusal(s.core.placeOrder(KEY, limit("buy", "0.001", "26000")))).toEqual({
      http: 429,
      code: "429",
      msg: "Too Many Requests",
    });
    expect(data(s.core.placeOrder("key-2", limit("buy", "0.001", "26000"))).orderId).toMatch(/^\d+$/);
    s.advance(1000);
    data(s.core.placeOrder(KEY, limit("buy", "0.001", "26000")));
  });

  it("cancels a resting order once and reports unknown or finished orders with Bitget's codes", () => {
    const s = setup();
    standardBook(s);
    const ack = data(s.core.placeOrder(KEY, limit("buy", "0.001", "26000", { clientOid: "c1" })));
    expect(parseOrderAck(data(s.core.cancelOrder(KEY, { ...BASE, clientOid: "c1" })))).toEqual({
      orderId: ack.orderId,
      clientOid: "c1",
    });
    expect(data(s.core.openOrders(KEY, {}))).toEqual({ entrustedList: null, endId: null });
    expect(parseOrderDetail(data(s.core.orderDetail(KEY, { symbol: "BTCUSDT", orderId: ack.orderId }))).state).toBe(
      "canceled",
    );
    expect(refusal(s.core.cancelOrder(KEY, { ...BASE, orderId: ack.orderId }))).toMatchObject({ code: "22001" });
    expect(refusal(s.core.cancelOrder(KEY, { ...BASE, orderId: "123" }))).toMatchObject({ code: "40768" });
    s.trade(25000, 1);
    expect(data(s.core.fills(KEY, {})).fillList).toBeNull();
  });

  it("flash-closes a position at market and lists a symbol without position as a failure", () => {
    const s = setup();
    standardBook(s);
    data(s.core.placeOrder(KEY, market("sell", "0.003")));
    const result = parseBatchResult(data(s.core.flashClose(KEY, { symbol: "BTCUSDT", productType: "USDT-FUTURES" })));
    expect(result.success).toHaveLength(1);
    expect(result.failure).toEqual([]);
    expect(data(s.core.positions(KEY))).toEqual([]);
    const again = parseBatchResult(data(s.core.flashClose(KEY, { symbol: "BTCUSDT", productType: "USDT-FUTURES" })));
    expect(again.failure).toMatchObject([{ symbol: "BTCUSDT", errorCode: "40757" }]);
  });

  it("validates size step, minimum size, tick, notional and preset sides with Bitget's codes", () => {
    const s = setup();
    standardBook(s);
    const code = (body: Record<string, unknown>) => refusal(s.core.placeOrder(KEY, body)).code;
    expect(code(limit("buy", "0.0015", "26000"))).toBe("40808");
    expect(code(limit("buy", "0", "26000"))).toBe("40020");
    expect(code(limit("buy", "0.001", "26000.05"))).toBe("41103");
    expect(code(limit("buy", "0.001", "1000"))).toBe("45110");
    expect(code(limit("buy", "0.001", "26000", { presetStopLossPrice: "26100" }))).toBe("40917");
    expect(code({ ...limit("buy", "0.001", "26000"), symbol: "NOPEUSDT" })).toBe("40102");
    expect(code(limit("buy", "0.001", "26000", { tradeSide: "close" }))).toBe("40774");
    expect(code({ ...BASE, side: "buy", orderType: "limit", size: "0.001" })).toBe("40019");
  });

  it("issues increasing numeric order ids above 2^53", () => {
    const s = setup();
    standardBook(s);
    const a = data(s.core.placeOrder(KEY, limit("buy", "0.001", "26000"))).orderId;
    const b = data(s.core.placeOrder(KEY, limit("buy", "0.001", "26000"))).orderId;
    expect(BigInt(a)).toBeGreaterThan(2n ** 53n);
    expect(BigInt(b)).toBeGreaterThan(BigInt(a));
  });

  it("continues identically after a state round trip through JSON", () => {
    const s = setup();
    standardBook(s);
    data(s.core.placeOrder(KEY, market("buy", "0.002", { presetStopLossPrice: "26900" })));
    data(s.core.placeOrder(KEY, limit("buy", "0.003", "26990", { clientOid: "rest" })));
    const copy = ExchangeCore.restore(JSON.parse(JSON.stringify(s.core.getState())), {
      ...s.opts,
      onPrivate: undefined,
    });
    for (const core of [s.core, copy]) {
      expect(refusal(core.placeOrder(KEY, limit("buy", "0.001", "26000", { clientOid: "rest" }))).code).toBe("43118");
      core.onMarket({ kind: "trade", symbol: "BTCUSDT", ts: T0, price: 26980, size: 1, side: "sell", id: "x" });
      core.onMarket({ kind: "trade", symbol: "BTCUSDT", ts: T0, price: 26890, size: 1, side: "sell", id: "y" });
    }
    expect(copy.getState()).toEqual(s.core.getState());
  });

  it("remembers a filled order's clientOid across a state round trip: V2 refuses it (43118), v3 takes it again", () => {
    const s = setup();
    standardBook(s);
    data(s.core.placeOrder(KEY, market("buy", "0.001", { clientOid: "filled" })));
    const copy = ExchangeCore.restore(JSON.parse(JSON.stringify(s.core.getState())), {
      ...s.opts,
      onPrivate: undefined,
    });
    expect(refusal(copy.placeOrder(KEY, market("buy", "0.001", { clientOid: "filled" }))).code).toBe("43118");
    data(copy.placeOrder(KEY, market("buy", "0.001", { clientOid: "filled" }), V3_PLACE_RULES));
  });
});

describe("ExchangeCore responses", () => {
  it("parse with the bot's Bitget client parsers", () => {
    const s = setup();
    standardBook(s);
    s.trade(27000.5, 0.01, "buy");
    const contract = parseContract(data(s.core.contracts("BTCUSDT"))[0]);
    expect(contract).toMatchObject({
      symbol: "BTCUSDT",
      tickSize: 0.1,
      sizeStep: 0.001,
      minSize: 0.001,
      minNotional: 5,
      makerFeeRate: MAKER,
      takerFeeRate: TAKER,
    });
    expect(parseTicker(data(s.core.ticker("BTCUSDT")))).toMatchObject({
      symbol: "BTCUSDT",
      lastPrice: 27000.5,
      bidPrice: 27000,
      askPrice: 27000.5,
      bidSize: 0.5,
    });
    expect(parseDepth(data(s.core.depth("BTCUSDT", 1)))).toEqual({
      bids: [[27000, 0.5]],
      asks: [[27000.5, 0.002]],
      ts: T0,
    });
    expect(parseList(data(s.core.recentTrades("BTCUSDT", 10)), "trades", parsePublicTrade)).toEqual([
      { tradeId: "1", symbol: "BTCUSDT", price: 27000.5, size: 0.01, side: "buy", ts: T0 },
    ]);
    expect(parseList(data(s.core.candles("BTCUSDT", "1m", 10)), "candles", parseCandle)).toEqual([
      {
        ts: T0 - (T0 % 60_000),
        open: 27000.5,
        high: 27000.5,
        low: 27000.5,
        close: 27000.5,
        baseVolume: 0.01,
        quoteVolume: 270.005,
      },
    ]);
    parseOrderAck(data(s.core.placeOrder(KEY, market("buy", "0.002"))));
    data(s.core.placeOrder(KEY, limit("buy", "0.001", "26000")));
    expect(parseOrderPage(data(s.core.openOrders(KEY, {}))).orders).toHaveLength(1);
    expect(parseOrderPage(data(s.core.ordersHistory(KEY, {}))).orders).toHaveLength(1);
    expect(parseList(data(s.core.positions(KEY)), "positions", parsePosition)).toHaveLength(1);
    expect(parseList(data(s.core.accounts(KEY)), "accounts", parseAccount)).toHaveLength(1);
    expect(parseAccount(data(s.core.singleAccount(KEY, { symbol: "BTCUSDT" })))).toMatchObject({ marginCoin: "USDT" });
    expect(parseFillPage(data(s.core.fills(KEY, { symbol: "BTCUSDT" }))).fills).toHaveLength(1);
    expect(parseLeverage(data(s.core.setMarginMode(KEY, { ...BASE, marginMode: "crossed" })))).toMatchObject({
      marginMode: "crossed",
    });
    expect(parseBatchResult(data(s.core.cancelAllOrders(KEY, { productType: "USDT-FUTURES" }))).success).toHaveLength(
      1,
    );
    expect(data(s.core.setPositionMode(KEY, { productType: "USDT-FUTURES", posMode: "one_way_mode" }))).toEqual({
      posMode: "one_way_mode",
    });
    expect(refusal(s.core.setPositionMode(KEY, { productType: "USDT-FUTURES", posMode: "hedge_mode" })).code).toBe(
      "40020",
    );
  });

  it("aggregate 1-minute candles into the requested granularity and window", () => {
    const s = setup();
    const minute = T0 - (T0 % 300_000);
    const prints: [number, number][] = [
      [0, 100],
      [60_000, 110],
      [240_000, 90],
      [300_000, 105],
    ];
    for (const [dt, price] of prints)
      s.core.onMarket({
        kind: "trade",
        symbol: "BTCUSDT",
        ts: minute + dt,
        price,
        size: 1,
        side: "buy",
        id: String(dt),
      });
    const rows = parseList(data(s.core.candles("BTCUSDT", "5m", 10)), "candles", parseCandle);
    expect(rows.map((r) => [r.ts - minute, r.open, r.high, r.low, r.close, r.baseVolume])).toEqual([
      [0, 100, 110, 90, 90, 3],
      [300_000, 105, 105, 105, 105, 1],
    ]);
    expect(parseList(data(s.core.candles("BTCUSDT", "5m", 10, minute + 1)), "candles", parseCandle)).toHaveLength(1);
    expect(refusal(s.core.candles("BTCUSDT", "7m", 10)).code).toBe("40020");
  });
});

describe("ExchangeCore private pushes", () => {
  it("push orders, fill, positions and account with the documented fields on a fill", () => {
    const s = setup();
    standardBook(s);
    data(s.core.placeOrder(KEY, market("buy", "0.002", { clientOid: "p1" })));
    expect(s.pushes.map((p) => p.channel)).toEqual(["orders", "orders", "fill", "positions", "account"]);
    expect(s.pushes.every((p) => p.key === KEY)).toBe(true);
    const [live, filled, fill, positions, account] = s.pushes.map((p) => p.data[0]);
    expect(live).toMatchObject({
      clientOid: "p1",
      instId: "BTCUSDT",
      status: "live",
      orderType: "market",
      price: "0",
      size: "0.002",
      reduceOnly: "no",
    });
    expect(filled).toMatchObject({
      status: "filled",
      accBaseVolume: "0.002",
      baseVolume: "0.002",
      fillPrice: "27000.5",
      priceAvg: "27000.5",
      tradeScope: "T",
      fillFeeCoin: "USDT",
    });
    expect(Number(filled.fillFee)).toBeCloseTo(-0.002 * 27000.5 * TAKER, 8);
    expect(filled).toHaveProperty("tradeId");
    expect(filled.feeDetail).toEqual([{ feeCoin: "USDT", fee: filled.fillFee }]);
    expect(fill).toMatchObject({
      orderId: filled.orderId,
      clientOid: "p1",
      tradeId: filled.tradeId,
      symbol: "BTCUSDT",
      side: "buy",
      price: "27000.5",
      baseVolume: "0.002",
      tradeScope: "taker",
      posMode: "one_way_mode",
    });
    expect((fill.feeDetail as Record<string, string>[])[0]).toMatchObject({
      feeCoin: "USDT",
      totalFee: filled.fillFee,
    });
    expect(positions).toMatchObject({
      instId: "BTCUSDT",
      holdSide: "long",
      total: "0.002",
      openPriceAvg: "27000.5",
      leverage: 20,
      marginCoin: "USDT",
      posMode: "one_way_mode",
    });
    expect(positions).toHaveProperty("posId");
    for (const field of [
      "marginCoin",
      "frozen",
      "available",
      "maxOpenPosAvailable",
      "maxTransferOut",
      "equity",
      "usdtEquity",
      "unrealizedPL",
    ])
      expect(account).toHaveProperty(field);
    expect(Number(account.equity)).toBeCloseTo(10_000 - 0.002 * 27000.5 * TAKER, 6);
  });

  it("push a maker fill of a resting order to its owner only, and an empty positions list when flat", () => {
    const s = setup();
    standardBook(s);
    data(s.core.placeOrder("other", limit("buy", "0.001", "26000")));
    data(s.core.placeOrder(KEY, market("buy", "0.002")));
    data(s.core.placeOrder(KEY, limit("sell", "0.002", "27100", { reduceOnly: "YES" })));
    s.pushes.length = 0;
    s.trade(27100.5, 1, "buy");
    expect(s.pushes.map((p) => [p.key, p.channel])).toEqual([
      [KEY, "orders"],
      [KEY, "fill"],
      [KEY, "positions"],
      [KEY, "account"],
    ]);
    expect(s.pushes[0].data[0]).toMatchObject({
      status: "filled",
      tradeScope: "M",
      reduceOnly: "yes",
      fillPrice: "27100",
    });
    expect(s.pushes[1].data[0]).toMatchObject({ tradeScope: "maker", tradeSide: "reduce_sell_single" });
    expect(s.pushes[2].data).toEqual([]);
  });
});
