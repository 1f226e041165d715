/**
 * The UTA (v3) REST client seen through the broker's REST port ({@link BitgetBrokerRest}), so one
 * {@link BitgetBroker} serves both account systems. Translations (bitget-uta-v3.md §2.5–2.6, §4):
 * - v3 `orderStatus` → the V2 states the broker reads: `new` → `live`, `cancelled` → `canceled`;
 * - `timeInForce` → `force`, `qty`/`cumExecQty` → size/filled, `execId` → `tradeId`;
 * - fees: v3 writes paid fees positive, the port's V2 shapes negative, so they are negated here
 *   (after uta-parse.ts took the absolute value);
 * - fills by order: v3 filters by `orderId` only (no symbol filter), the symbol is checked here;
 * - fill pages: the port's `idLessThan` (V2's cursor, the previous `endId`) is sent as v3's `cursor`.
 * @module
 */
import type { ExchangeStop } from "../../../execution/exchange-stops";
import type { BitgetBrokerRest } from "../bitget-broker";
import type { StopPlanBody } from "../stop-plans";
import type {
  FillPage,
  FillQuery,
  OrderAck,
  OrderDetail,
  OrderPage,
  OrderRef,
  Fill as RestFill,
  ValidatedOrder,
} from "../rest-types";
import type { UtaRestClient } from "./uta-rest-client";
import type { UtaFill, UtaOrder } from "./uta-types";

/** {@link BitgetBrokerRest} over a {@link UtaRestClient}. */
export class UtaBrokerRest implements BitgetBrokerRest {
  constructor(private readonly client: UtaRestClient) {}

  placeOrder(order: ValidatedOrder): Promise<OrderAck> {
    return this.client.placeOrder(order);
  }

  async getOrder(_symbol: string, ref: OrderRef): Promise<OrderDetail> {
    return orderDetailOf(await this.client.getOrder(ref));
  }

  cancelOrder(_symbol: string, ref: OrderRef): Promise<OrderAck> {
    return this.client.cancelOrder(ref);
  }

  async getOpenOrders(symbol: string): Promise<OrderPage> {
    const page = await this.client.getOpenOrders(symbol);
    return { orders: page.list.map(orderDetailOf), endId: page.cursor };
  }

  getStopPlans(symbol: string): Promise<ExchangeStop[]> {
    return this.client.getStopPlans(symbol);
  }

  placeStopPlan(body: StopPlanBody): Promise<string> {
    return this.client.placeStopPlan(body);
  }

  cancelStopPlan(symbol: string, orderId: string): Promise<void> {
    return this.client.cancelStopPlan(symbol, orderId);
  }

  async getFills(query: FillQuery): Promise<FillPage> {
    const page = await this.client.getFills({
      orderId: query.orderId,
      startTime: query.startTime,
      endTime: query.endTime,
      limit: query.limit,
      // The broker pages with V2's name for the cursor (the previous page's endId); v3 calls it `cursor`.
      cursor: query.idLessThan,
    });
    const own = query.symbol === undefined ? page.list : page.list.filter((f) => f.symbol === query.symbol);
    return { fills: own.map(restFillOf), endId: page.cursor };
  }
}

/** A v3 order in the broker's (V2) order shape. */
export function orderDetailOf(o: UtaOrder): OrderDetail {
  return {
    symbol: o.symbol,
    orderId: o.orderId,
    clientOid: o.clientOid,
    state: stateOf(o.orderStatus),
    side: o.side,
    orderType: o.orderType,
    force: o.timeInForce,
    tradeSide: null,
    posSide: o.posSide,
    posMode: o.holdMode,
    marginMode: null,
    reduceOnly: o.reduceOnly,
    size: o.qty,
    filledSize: o.cumExecQty,
    price: o.price,
    avgPrice: o.avgPrice,
    fee: -o.fee,
    leverage: null,
    takeProfitPrice: null,
    stopLossPrice: null,
    cancelReason: o.cancelReason,
    createdAt: o.createdTime,
    updatedAt: o.updatedTime,
  };
}

/** A v3 fill in the broker's (V2) fill shape. */
export function restFillOf(f: UtaFill): RestFill {
  return {
    tradeId: f.execId,
    orderId: f.orderId,
    symbol: f.symbol,
    side: f.side,
    price: f.execPrice,
    size: f.execQty,
    quoteVolume: f.execValue ?? f.execPrice * f.execQty,
    profit: f.execPnl ?? 0,
    tradeSide: f.tradeSide,
    tradeScope: f.tradeScope,
    fee: -f.fee,
    feeCoin: f.feeCoin,
    ts: f.ts,
  };
}

/** The V2 state name of a v3 `orderStatus` (`new` is accepted by the matching engine: open). */
export function stateOf(orderStatus: string): string {
  const s = orderStatus.toLowerCase();
  if (s === "new") return "live";
  if (s === "cancelled") return "canceled";
  if (s === "partial_fill") return "partially_filled";
  return s;
}
