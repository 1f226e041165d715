/**
 * Typed Bitget V2 USDT-M futures REST client (bitget-v2.md §4–7): one method per endpoint the bot
 * uses, request shapes as in ccxt's fixtures, responses parsed to numbers at the edge.
 * Signing, pacing, timeouts and retries live in {@link BitgetRestTransport}.
 * @module
 */

import { ENDPOINTS, type EndpointName } from "./rest-endpoints";
import { BitgetError } from "./rest-errors";
import {
  parseAccount,
  parseAnswer,
  parseBatchResult,
  parseCandle,
  parseContract,
  parseDepth,
  parseFillPage,
  parseLeverage,
  parseSymbolAccount,
  parseList,
  parseOrderAck,
  parseOrderDetail,
  parseOrderPage,
  parsePosition,
  parsePublicTrade,
  parseServerTime,
  parseTicker,
} from "./rest-parse";
import { type BodyParams, BitgetRestTransport, type QueryParams, type TransportOptions } from "./rest-transport";
import { placeOrderBody } from "./order-body";
import { parseV2StopPlans, type StopPlanBody } from "./stop-plans";
import type { ExchangeStop } from "../../execution/exchange-stops";
import type {
  AccountBalance,
  BatchResult,
  BitgetContract,
  Candle,
  CandleQuery,
  DepthSnapshot,
  FillPage,
  FillQuery,
  HoldSide,
  LeverageSettings,
  MarginMode,
  OrderAck,
  OrderDetail,
  OrderPage,
  OrderRef,
  Position,
  PositionMode,
  PublicTrade,
  SymbolAccountSettings,
  Ticker,
  ValidatedOrder,
} from "./rest-types";

/** Options of {@link BitgetRestClient}: the transport's, plus the account's product settings. */
export interface BitgetRestClientOptions extends TransportOptions {
  /** Default `USDT-FUTURES` (§1.1; demo keys may need `SUSDT-FUTURES`, §7). */
  readonly productType?: string;
  /** Default `USDT`. */
  readonly marginCoin?: string;
  /** The account's position mode; decides `tradeSide`/`reduceOnly` on orders (§6). Default one-way. */
  readonly positionMode?: PositionMode;
}

/** Depth options of `merge-depth`. */
export interface DepthQuery {
  readonly limit?: 1 | 5 | 15 | 50 | "max";
  readonly precision?: "scale0" | "scale1" | "scale2" | "scale3";
}

/** Bitget V2 USDT-M REST client. Throws {@link BitgetError} on every failure. */
export class BitgetRestClient {
  /** Product type sent with every call. */
  readonly productType: string;
  /** Margin coin sent where the endpoint takes one. */
  readonly marginCoin: string;
  readonly #transport: BitgetRestTransport;
  readonly #now: () => number;
  #positionMode: PositionMode;

  constructor(options: BitgetRestClientOptions) {
    this.productType = options.productType ?? "USDT-FUTURES";
    this.marginCoin = options.marginCoin ?? "USDT";
    this.#positionMode = options.positionMode ?? "one_way_mode";
    this.#now = options.now;
    this.#transport = new BitgetRestTransport(options);
  }

  /** The position mode orders are encoded for; updated by a successful {@link setPositionMode}. */
  get positionMode(): PositionMode {
    return this.#positionMode;
  }

  /** Server time minus local time (ms), as measured by the last {@link syncTime}. */
  get timeOffsetMs(): number {
    return this.#transport.timeOffsetMs;
  }

  /** GET /api/v2/public/time → server time in ms. */
  getServerTime(): Promise<number> {
    return this.#call("serverTime", {}, parseServerTime);
  }

  /**
   * Measures server time − local time against the midpoint of the round trip, stores it for
   * ACCESS-TIMESTAMP (must be within 30 s of server time, §4.1) and returns it.
   */
  async syncTime(): Promise<number> {
    const sent = this.#now();
    const serverTime = await this.getServerTime();
    const offset = Math.round(serverTime - (sent + this.#now()) / 2);
    this.#transport.setTimeOffset(offset);
    return offset;
  }

  /** Rules and fees of all contracts, or of one symbol. */
  getContracts(symbol?: string): Promise<BitgetContract[]> {
    return this.#call("contracts", { productType: this.productType, symbol }, (d) =>
      parseList(d, "contracts", parseContract),
    );
  }

  /** Ticker of one symbol. */
  getTicker(symbol: string): Promise<Ticker> {
    return this.#call("ticker", { symbol, productType: this.productType }, parseTicker);
  }

  /** Merged order book of one symbol. */
  getDepth(symbol: string, query: DepthQuery = {}): Promise<DepthSnapshot> {
    return this.#call(
      "depth",
      { symbol, productType: this.productType, limit: query.limit, precision: query.precision },
      parseDepth,
    );
  }

  /** Most recent public trades of one symbol. */
  getRecentTrades(symbol: string, limit?: number): Promise<PublicTrade[]> {
    return this.#call("recentTrades", { symbol, productType: this.productType, limit }, (d) =>
      parseList(d, "trades", parsePublicTrade),
    );
  }

  /** Candles of one symbol. */
  getCandles(symbol: string, query: CandleQuery): Promise<Candle[]> {
    const params = {
      symbol,
      productType: this.productType,
      granularity: query.granularity,
      startTime: query.startTime,
      endTime: query.endTime,
      limit: query.limit,
      kLineType: query.kLineType,
    };
    return this.#call("candles", params, (d) => parseList(d, "candles", parseCandle));
  }

  /** Sets a symbol's leverage (both sides, or one side in isolated hedge mode). */
  setLeverage(symbol: string, leverage: number, holdSide?: HoldSide): Promise<LeverageSettings> {
    const body = {
      symbol,
      productType: this.productType,
      marginCoin: this.marginCoin,
      leverage: String(leverage),
      holdSide,
    };
    return this.#call("setLeverage", body, parseLeverage);
  }

  /** Sets a symbol's margin mode (rejected while positions or orders exist, §6). */
  setMarginMode(symbol: string, marginMode: MarginMode): Promise<LeverageSettings> {
    const body = { symbol, productType: this.productType, marginCoin: this.marginCoin, marginMode };
    return this.#call("setMarginMode", body, parseLeverage);
  }

  /** Sets the account's position mode for the product type; later orders are encoded for it. */
  async setPositionMode(positionMode: PositionMode): Promise<PositionMode> {
    await this.#call("setPositionMode", { productType: this.productType, posMode: positionMode }, () => null);
    this.#positionMode = positionMode;
    return positionMode;
  }

  /**
   * Places a validated order; NOT retried (use `placeOrderOnce` for timeouts). An ack means
   * accepted, not filled; its orderId may be null (§4.6 quirk) — look the order up by clientOid.
   */
  placeOrder(order: ValidatedOrder): Promise<OrderAck> {
    const ctx = { productType: this.productType, marginCoin: this.marginCoin, positionMode: this.#positionMode };
    return this.#call("placeOrder", placeOrderBody(order, ctx), parseOrderAck);
  }

  /** Cancels one order by orderId or clientOid; NOT retried. */
  cancelOrder(symbol: string, ref: OrderRef): Promise<OrderAck> {
    const body = { symbol, productType: this.productType, orderId: ref.orderId, clientOid: ref.clientOid };
    return this.#call("cancelOrder", body, parseOrderAck);
  }

  /** One order by orderId or clientOid; a missing order throws kind `notFound`. */
  getOrder(symbol: string, ref: OrderRef): Promise<OrderDetail> {
    const query = { symbol, productType: this.productType, orderId: ref.orderId, clientOid: ref.clientOid };
    return this.#call("orderDetail", query, parseOrderDetail);
  }

  /** Open (live and partially filled) orders, of one symbol or all. */
  getOpenOrders(symbol?: string): Promise<OrderPage> {
    return this.#call("openOrders", { productType: this.productType, symbol }, parseOrderPage);
  }

  /** All open positions; an empty list = flat. */
  getPositions(): Promise<Position[]> {
    return this.#call("allPositions", { productType: this.productType, marginCoin: this.marginCoin }, (d) =>
      parseList(d, "positions", parsePosition),
    );
  }

  /** Open positions of one symbol (two in hedge mode); an empty list = flat. */
  getPosition(symbol: string): Promise<Position[]> {
    const query = { symbol, productType: this.productType, marginCoin: this.marginCoin };
    return this.#call("singlePosition", query, (d) => parseList(d, "positions", parsePosition));
  }

  /** One symbol's margin mode, leverage and the account's position mode, as the exchange holds them. */
  getSymbolAccount(symbol: string): Promise<SymbolAccountSettings> {
    const params = { symbol, productType: this.productType, marginCoin: this.marginCoin };
    return this.#call("account", params, parseSymbolAccount);
  }

  /** Balances per margin coin. */
  getAccounts(): Promise<AccountBalance[]> {
    return this.#call("accounts", { productType: this.productType }, (d) => parseList(d, "accounts", parseAccount));
  }

  /** Closes positions at market (one symbol, or all); 1 req/s — for emergencies. Check `failure`. */
  flashClose(target: { readonly symbol?: string; readonly holdSide?: HoldSide } = {}): Promise<BatchResult> {
    return this.#call(
      "flashClose",
      { symbol: target.symbol, productType: this.productType, holdSide: target.holdSide },
      parseBatchResult,
    );
  }

  /** The account's own fills, newest first; page with `idLessThan = endId`. */
  getFills(query: FillQuery = {}): Promise<FillPage> {
    const params = {
      productType: this.productType,
      symbol: query.symbol,
      orderId: query.orderId,
      startTime: query.startTime,
      endTime: query.endTime,
      idLessThan: query.idLessThan,
      limit: query.limit,
    };
    return this.#call(query.history ? "fillHistory" : "fills", params, parseFillPage);
  }

  /** The stop-loss plans of `symbol`'s positions: pending `profit_loss` plans of type `pos_loss`/`loss_plan`. */
  getStopPlans(symbol: string): Promise<ExchangeStop[]> {
    const query = { symbol, productType: this.productType, planType: "profit_loss" };
    return this.#call("pendingPlans", query, (d) => parseV2StopPlans(d, symbol));
  }

  /** Sets the position stop-loss (`pos_loss`, closes the whole position at market); NOT retried. @returns the plan's orderId. */
  placeStopPlan(b: StopPlanBody): Promise<string> {
    const oneWay = this.#positionMode === "one_way_mode";
    const body = {
      marginCoin: this.marginCoin,
      productType: this.productType,
      symbol: b.symbol,
      planType: "pos_loss",
      triggerPrice: b.triggerPrice,
      triggerType: "fill_price",
      executePrice: "0",
      holdSide: oneWay ? (b.side === "long" ? "buy" : "sell") : b.side,
      clientOid: b.clientOid,
    };
    return this.#call("placeTpslOrder", body, (d) => parseOrderAck(d).orderId ?? b.clientOid);
  }

  /** Cancels one TP/SL plan by orderId; a plan the exchange lists as failed throws kind `notFound`. */
  async cancelStopPlan(symbol: string, orderId: string): Promise<void> {
    const body = {
      symbol,
      productType: this.productType,
      marginCoin: this.marginCoin,
      planType: "profit_loss",
      orderIdList: [{ orderId }],
    };
    const r = await this.#call("cancelPlanOrder", body, parseBatchResult);
    const failed = r.failure[0];
    if (r.success.length === 0 && failed) {
      const spec = ENDPOINTS.cancelPlanOrder;
      throw new BitgetError({
        kind: "notFound",
        method: spec.method,
        endpoint: spec.path,
        status: 200,
        code: failed.errorCode ?? "00000",
        exchangeMessage: failed.errorMsg ?? "the plan was not cancelled",
      });
    }
  }

  async #call<T>(name: EndpointName, params: QueryParams | BodyParams, parse: (data: unknown) => T): Promise<T> {
    const spec = ENDPOINTS[name];
    return parseAnswer(spec, await this.#transport.call(spec, params), parse);
  }
}
