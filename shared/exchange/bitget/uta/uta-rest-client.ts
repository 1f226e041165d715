/**
 * Typed Bitget UTA (v3) USDT-M REST client (bitget-uta-v3.md §2): one method per endpoint the bot
 * uses, responses parsed to numbers at the edge. Signing, pacing, timeouts and GET retries are the
 * V2 {@link BitgetRestTransport}'s (the scheme is unchanged, §2.1) with the v3 error table.
 * @module
 */
import { BitgetError } from "../rest-errors";
import { parseAnswer, parseList, parseServerTime } from "../rest-parse";
import { type BodyParams, BitgetRestTransport, type QueryParams, type TransportOptions } from "../rest-transport";
import type { MarginMode, OrderRef, PositionMode, ValidatedOrder } from "../rest-types";
import { UTA_ENDPOINTS, USDT_FUTURES, type UtaEndpointName } from "./uta-endpoints";
import { classifyUtaFailure } from "./uta-errors";
import { utaOrderBody } from "./uta-order-body";
import type { ExchangeStop } from "../../../execution/exchange-stops";
import { parseV3StopPlans, type StopPlanBody } from "../stop-plans";
import {
  parseAck,
  parseAssets,
  parseFeeRate,
  parseFill,
  parseInstrument,
  parseOrder,
  parsePage,
  parsePosition,
  parseSettings,
} from "./uta-parse";
import type {
  FeeRate,
  UtaAssets,
  UtaFill,
  UtaInstrument,
  UtaOrder,
  UtaPage,
  UtaPosition,
  UtaSettings,
} from "./uta-types";

/** Options of {@link UtaRestClient}: the transport's, plus the account's hold mode. */
export interface UtaRestClientOptions extends Omit<TransportOptions, "classify"> {
  /** How orders are encoded (§2.4 matrix); default one-way. Take it from {@link UtaRestClient.getSettings}. */
  readonly holdMode?: PositionMode;
}

/** Query of the account's fills (v3 has no symbol filter). */
export interface UtaFillQuery {
  readonly orderId?: string;
  readonly startTime?: number;
  readonly endTime?: number;
  readonly limit?: number;
  readonly cursor?: string;
}

/** Bitget UTA REST client. Throws {@link BitgetError} on every failure. */
export class UtaRestClient {
  readonly #transport: BitgetRestTransport;
  readonly #now: () => number;
  #holdMode: PositionMode;

  constructor(options: UtaRestClientOptions) {
    this.#now = options.now;
    this.#holdMode = options.holdMode ?? "one_way_mode";
    this.#transport = new BitgetRestTransport({ ...options, classify: classifyUtaFailure });
  }

  /** The hold mode orders are encoded for; updated by {@link setHoldMode}. */
  get holdMode(): PositionMode {
    return this.#holdMode;
  }

  /** Server time − local time (ms) used for ACCESS-TIMESTAMP. */
  get timeOffsetMs(): number {
    return this.#transport.timeOffsetMs;
  }

  /**
   * Measures server time − local time against the midpoint of the round trip on
   * `/api/v2/public/time` (it serves both families, §2.1), keeps it for ACCESS-TIMESTAMP, returns it.
   */
  async syncTime(): Promise<number> {
    const sent = this.#now();
    const serverTime = await this.#call("serverTime", {}, parseServerTime);
    const offset = Math.round(serverTime - (sent + this.#now()) / 2);
    this.#transport.setTimeOffset(offset);
    return offset;
  }

  /** Account mode, level, hold mode and per-symbol settings; the account-mode probe (§1.1). */
  getSettings(): Promise<UtaSettings> {
    return this.#call("settings", {}, parseSettings);
  }

  /** Rules of all USDT-FUTURES instruments, or of one symbol. */
  getInstruments(symbol?: string): Promise<UtaInstrument[]> {
    return this.#call("instruments", { category: USDT_FUTURES, symbol }, (d) =>
      parseList(d, "instruments", parseInstrument),
    );
  }

  /** Equity and non-zero coins of the unified account. */
  getAssets(): Promise<UtaAssets> {
    return this.#call("assets", {}, parseAssets);
  }

  /** The account's own maker/taker rates of a symbol. */
  getFeeRate(symbol: string): Promise<FeeRate> {
    return this.#call("feeRate", { category: USDT_FUTURES, symbol }, parseFeeRate);
  }

  /** Sets a symbol's leverage; `marginMode` (crossed by default at the exchange) rides along, v3 having no margin-mode endpoint. */
  async setLeverage(symbol: string, leverage: number, marginMode?: MarginMode): Promise<void> {
    const body = { category: USDT_FUTURES, symbol, leverage: String(leverage), marginMode };
    await this.#call("setLeverage", body, () => null);
  }

  /** Encodes later orders for `holdMode` as read from the exchange (settings), without a request. */
  adoptHoldMode(holdMode: PositionMode): void {
    this.#holdMode = holdMode;
  }

  /** Sets the account's hold mode (account-wide, §2.9); later orders are encoded for it. */
  async setHoldMode(holdMode: PositionMode): Promise<PositionMode> {
    await this.#call("setHoldMode", { holdMode }, () => null);
    this.#holdMode = holdMode;
    return holdMode;
  }

  /** Places a validated order; NOT retried (use `placeOrderOnce`). The ack's orderId may be null. */
  placeOrder(order: ValidatedOrder): Promise<{ orderId: string | null; clientOid: string | null }> {
    return this.#call("placeOrder", utaOrderBody(order, this.#holdMode), parseAck);
  }

  /** Cancels one order by orderId or clientOid; NOT retried. */
  cancelOrder(ref: OrderRef): Promise<{ orderId: string | null; clientOid: string | null }> {
    const body = { orderId: ref.orderId, clientOid: ref.clientOid, category: USDT_FUTURES };
    return this.#call("cancelOrder", body, parseAck);
  }

  /** One order by orderId or clientOid; a missing order (or an empty answer) throws kind `notFound`. */
  async getOrder(ref: OrderRef): Promise<UtaOrder> {
    const spec = UTA_ENDPOINTS.orderInfo;
    const data = await this.#transport.call(spec, { orderId: ref.orderId, clientOid: ref.clientOid });
    if (data === null || data === undefined || (Array.isArray(data) && data.length === 0))
      throw new BitgetError({
        kind: "notFound",
        method: spec.method,
        endpoint: spec.path,
        status: 200,
        code: "00000",
        exchangeMessage: "order-info answered without an order",
      });
    return parseAnswer(spec, Array.isArray(data) ? data[0] : data, parseOrder);
  }

  /** Open orders of USDT-FUTURES, optionally of one symbol; one page (≤ 100). */
  getOpenOrders(symbol?: string, cursor?: string): Promise<UtaPage<UtaOrder>> {
    return this.#call("openOrders", { category: USDT_FUTURES, symbol, limit: 100, cursor }, (d) =>
      parsePage(d, "unfilled orders", parseOrder),
    );
  }

  /** The account's fills, newest first; page with `cursor`. */
  getFills(query: UtaFillQuery = {}): Promise<UtaPage<UtaFill>> {
    const params = { category: USDT_FUTURES, ...query };
    return this.#call("fills", params, (d) => parsePage(d, "fills", parseFill));
  }

  /** Open USDT-FUTURES positions, optionally of one symbol; closed ones are left out. */
  getPositions(symbol?: string): Promise<UtaPosition[]> {
    return this.#call("positions", { category: USDT_FUTURES, symbol }, (d) =>
      parsePage(d, "positions", parsePosition).list.filter((p): p is UtaPosition => p !== null),
    );
  }

  /** The stop-losses of `symbol`'s positions among the pending `tpsl` strategy orders. */
  getStopPlans(symbol: string): Promise<ExchangeStop[]> {
    // The symbol filter is UNVERIFIED on this endpoint: the answer is filtered by symbol here too.
    return this.#call("unfilledStrategyOrders", { category: USDT_FUTURES, type: "tpsl", symbol }, (d) =>
      parseV3StopPlans(d, symbol),
    );
  }

  /** Sets the position stop-loss (`tpsl`, full position, market when triggered); NOT retried. @returns the orderId. */
  placeStopPlan(b: StopPlanBody): Promise<string> {
    const body = {
      category: USDT_FUTURES,
      symbol: b.symbol,
      type: "tpsl",
      tpslMode: "full",
      posSide: b.side,
      stopLoss: b.triggerPrice,
      slTriggerBy: "market",
      slOrderType: "market",
      clientOid: b.clientOid,
    };
    return this.#call("placeStrategyOrder", body, (d) => parseAck(d).orderId ?? b.clientOid);
  }

  /** Cancels one strategy order by orderId; NOT retried. */
  async cancelStopPlan(_symbol: string, orderId: string): Promise<void> {
    await this.#call("cancelStrategyOrder", { orderId }, () => null);
  }

  async #call<T>(name: UtaEndpointName, params: QueryParams | BodyParams, parse: (data: unknown) => T): Promise<T> {
    const spec = UTA_ENDPOINTS[name];
    return parseAnswer(spec, await this.#transport.call(spec, params), parse);
  }
}
