/**
 * The live Bitget broker: the {@link Broker} port over the V2 REST client, with fills from the
 * private WebSocket (bitget-v2.md §3–6) and REST polling as the fallback.
 * @module
 */
import type { Broker, FillListener } from "../../execution/broker";
import type {
  CancelResult,
  Fill,
  OrderRejectReason,
  OrderRequest,
  OrderStatus,
  PlaceResult,
} from "../../execution/orders";
import type { MarketEvent } from "../../market/events";
import type { Instrument } from "../../market/instrument";
import {
  CLASSIC_REJECT_CODES,
  cancelRefusal,
  placeRejectReason,
  portStatus,
  type RejectCodes,
  refusalReason,
} from "./broker-outcomes";
import { validateOrder } from "./order-rules";
import { BitgetStops, CLASSIC_STOP_CODES, type StopCodes, type StopPlanRest } from "./stop-plans";
import type {
  ExchangeStop,
  StopCancelResult,
  StopPlaceResult,
  StopPort,
  StopRequest,
} from "../../execution/exchange-stops";
import { type OrderPlacementPort, type PlaceOnceOptions, placeOrderOnce } from "./place-order-once";
import type { PrivateEvent, PrivateExecution, PrivateFillEvent, PrivateOrderEvent } from "./private-codec";
import { RecentIds } from "./recent-ids";
import { type BitgetError, isBitgetError } from "./rest-errors";
import type {
  FillPage,
  FillQuery,
  MarginMode,
  OrderAck,
  OrderDetail,
  OrderIntent,
  OrderPage,
  OrderRef,
  Fill as RestFill,
  ValidatedOrder,
} from "./rest-types";

/** The REST calls the broker makes; a `BitgetRestClient` is one. */
export interface BitgetBrokerRest extends OrderPlacementPort {
  cancelOrder(symbol: string, ref: OrderRef): Promise<OrderAck>;
  getFills(query: FillQuery): Promise<FillPage>;
  /** Open orders of a symbol; when present, {@link BitgetBroker.reconcile} adopts the ones it does not follow. */
  getOpenOrders?(symbol: string): Promise<OrderPage>;
  /** Position stop plans (stop-plans.ts); when present, the broker is a {@link StopPort}. */
  getStopPlans?: StopPlanRest["getStopPlans"];
  placeStopPlan?: StopPlanRest["placeStopPlan"];
  cancelStopPlan?: StopPlanRest["cancelStopPlan"];
}

/** Options of {@link BitgetBroker}. */
export interface BitgetBrokerOptions {
  readonly rest: BitgetBrokerRest;
  /** Contract rules of every symbol the broker may trade (e.g. from `getContracts`). */
  readonly instruments: readonly Instrument[];
  /** Receives every fill once per exchange `tradeId`, in the order the broker learns of them. */
  readonly onFill: FillListener;
  /** Margin mode sent with every order; default `crossed`. */
  readonly marginMode?: MarginMode;
  /** Idempotent placement settings (attempts, settle wait before the clientOid lookup, sleep). */
  readonly placeOnce?: PlaceOnceOptions;
  /** Orders remembered (the oldest finished ones are forgotten first); default 10 000. */
  readonly maxOrders?: number;
  /** Trade ids remembered for exactly-once delivery; default 50 000. */
  readonly maxTradeIds?: number;
  /** `live` (default) or `demo` (Bitget's demo environment): recorded on every trade row. */
  readonly mode?: "live" | "demo";
  /** The exchange codes behind refusals the error kind does not tell; default Classic V2's. */
  readonly rejectCodes?: RejectCodes;
  /** The codes behind stop refusals (stop-plans.ts); default Classic V2's. */
  readonly stopCodes?: StopCodes;
  /**
   * Called once when an order ends without filling completely through no cancel asked of this broker:
   * refused after acceptance (a post-only order that would have crossed, v3 `post_only_fill_cancel`),
   * or cancelled by the exchange. Route it to the session's `onOrderDone`, so the engine learns at
   * once instead of at its entry timeout.
   */
  readonly onOrderDone?: (status: OrderStatus) => void;
  /**
   * An exchange read the broker skipped failed (reconciliation's open orders, order detail or fills,
   * tried again by the next reconcile; the filled size read back after a cancel): log and count it
   * (the live wiring hands its background-error hook). Counted in {@link BitgetBroker.failedReads} either way.
   */
  readonly onError?: (what: string, error: unknown) => void;
}

type Status = OrderStatus["status"];

/** What the broker keeps of one order. */
interface Tracked {
  readonly clientOid: string;
  readonly symbol: string;
  readonly side: "buy" | "sell";
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
  /** The exchange's size (a reduce-only order may be cut to the position); Infinity while unknown. */
  size: number;
  orderId: string | null;
  status: Status;
  reason?: OrderStatus["reason"];
  /** Sum of the fills delivered. */
  delivered: number;
  /** The exchange's filled size, as last reported. */
  exchangeFilled: number;
  /** Reference price at the decision (mid, or last trade), for slippage; null when unknown. */
  readonly ref: number | null;
  cancelledByClient: boolean;
  /** True once this broker asked to cancel it: its end is then the cancel's answer, not `onOrderDone`'s. */
  cancelRequested: boolean;
  /** True while `place` is running for it. */
  placing: boolean;
}

interface Quote {
  bid: number | null;
  ask: number | null;
  last: number | null;
}

const DUPLICATE = { ok: false, reason: "duplicate_client_oid" } as const;
/** Fills per REST page (Bitget's maximum, both dialects). */
const FILL_PAGE = 100;
/** Pages of fills read at most per query: 5,000 fills, far more than a restart's gap holds; the cap keeps a cursor that never ends from looping. */
export const MAX_FILL_PAGES = 50;

/**
 * Live broker over Bitget (`mode: "live"` or `"demo"`): Classic V2 over `BitgetRestClient`, or UTA v3
 * over `UtaBrokerRest` (uta/uta-broker-rest.ts), which speaks the same port.
 *
 * - `place` validates against the contract rules before anything is sent (a refusal costs no
 *   request; an order refused before Bitget created it may be placed again with its clientOid), maps the request (post-only → limit + `force: post_only`; market; `reduceOnly`;
 *   preset stop-loss; `clientOid`) and sends it through {@link placeOrderOnce}: an unknown outcome
 *   is looked up by clientOid before any retry. A clientOid this broker already holds is refused
 *   locally; a clientOid Bitget reports as used (43118) on the first attempt is `duplicate_client_oid`,
 *   and the broker starts following that order. A placement whose outcome stays unknown returns
 *   `ok` with the order `pending`; {@link BitgetBroker.reconcile} resolves it.
 * - Fills: from {@link BitgetBroker.onPrivate} (the private feed's `orders` pushes carry the
 *   execution and the order state, `fill` pushes are the fallback) and from
 *   {@link BitgetBroker.reconcile} (REST order detail + fills), delivered once per `tradeId`.
 *   Fees are positive when paid (Bitget reports them negative); a rebate is negative.
 *   `final` is true when the fill brings the order to its exchange size (orders push: state `filled`).
 * - `order` asks Bitget (order detail by clientOid); `cancel` cancels by clientOid and reads the
 *   filled size back from the order detail.
 * - Slippage is measured against the mid (or last trade) of the market seen through
 *   {@link BitgetBroker.onEvent} when the order was placed; 0 when no market was seen.
 * - A read that fails at the exchange and is skipped (reconciliation's open orders, order detail or
 *   fills, read again by the next reconcile; the read-back after a cancel; a lookup answered from
 *   the broker's own record) is counted in `failedReads` and reported to `onError` with what was read;
 *   an error that is not the exchange's (a bug) is thrown, never skipped.
 * Memory is bounded by `maxOrders` and `maxTradeIds`.
 */
export class BitgetBroker implements Broker, StopPort {
  /** Recorded on every trade row. */
  readonly mode: "live" | "demo";
  private readonly rejectCodes: RejectCodes;
  private readonly onOrderDone: ((status: OrderStatus) => void) | null;
  private readonly rest: BitgetBrokerRest;
  private readonly instruments: ReadonlyMap<string, Instrument>;
  private readonly onFill: FillListener;
  private readonly marginMode: MarginMode;
  private readonly placeOnce: PlaceOnceOptions;
  private readonly maxOrders: number;
  private readonly orders = new Map<string, Tracked>();
  private readonly tradeIds: RecentIds;
  private readonly quotes = new Map<string, Quote>();
  private readonly stopPlans: BitgetStops | null;
  private readonly onError: ((what: string, error: unknown) => void) | null;
  private skippedReads = 0;

  constructor(options: BitgetBrokerOptions) {
    this.mode = options.mode ?? "live";
    this.rejectCodes = options.rejectCodes ?? CLASSIC_REJECT_CODES;
    this.onOrderDone = options.onOrderDone ?? null;
    this.onError = options.onError ?? null;
    this.rest = options.rest;
    this.instruments = new Map(options.instruments.map((i) => [i.symbol, i]));
    this.onFill = options.onFill;
    this.marginMode = options.marginMode ?? "crossed";
    this.placeOnce = options.placeOnce ?? {};
    this.maxOrders = options.maxOrders ?? 10_000;
    this.tradeIds = new RecentIds(options.maxTradeIds ?? 50_000);
    if (!(this.maxOrders >= 1)) throw new RangeError(`BitgetBroker maxOrders must be ≥ 1, got ${this.maxOrders}`);
    const r = options.rest;
    this.stopPlans =
      r.getStopPlans && r.placeStopPlan && r.cancelStopPlan
        ? new BitgetStops(
            {
              getStopPlans: (symbol) => r.getStopPlans?.(symbol) ?? Promise.resolve([]),
              placeStopPlan: (body) => (r.placeStopPlan as StopPlanRest["placeStopPlan"])(body),
              cancelStopPlan: (symbol, id) => (r.cancelStopPlan as StopPlanRest["cancelStopPlan"])(symbol, id),
            },
            (symbol) => this.instruments.get(symbol),
            options.stopCodes ?? CLASSIC_STOP_CODES,
          )
        : null;
  }

  /** Exchange reads that failed and were skipped since the broker was made (see {@link BitgetBrokerOptions.onError}). */
  get failedReads(): number {
    return this.skippedReads;
  }

  /** True when the REST has the plan endpoints: the broker then reads, places and cancels position stops. */
  get hasStops(): boolean {
    return this.stopPlans !== null;
  }

  /** The stop-loss plans of `symbol`'s positions at the exchange (stop-plans.ts). */
  stops(symbol: string): Promise<readonly ExchangeStop[]> {
    return this.stopPort().stops(symbol);
  }

  /** Places a position stop-loss, its trigger rounded to the tick; a refusal is typed, an unknown outcome throws. */
  placeStop(req: StopRequest): Promise<StopPlaceResult> {
    return this.stopPort().placeStop(req);
  }

  /** Cancels a position stop plan by its id. */
  cancelStop(symbol: string, id: string): Promise<StopCancelResult> {
    return this.stopPort().cancelStop(symbol, id);
  }

  private stopPort(): BitgetStops {
    if (!this.stopPlans)
      throw new Error("this broker's REST has no plan endpoints: exchange-side stops are unavailable");
    return this.stopPlans;
  }

  /** Market data: best prices and the last trade, for validation of market orders and slippage. */
  onEvent(e: MarketEvent): void {
    let q = this.quotes.get(e.symbol);
    if (!q) this.quotes.set(e.symbol, (q = { bid: null, ask: null, last: null }));
    if (e.kind === "trade") q.last = e.price;
    else if (e.kind === "bookTop") [q.bid, q.ask] = [e.bidPrice, e.askPrice];
    else [q.bid, q.ask] = [e.bids[0]?.[0] ?? q.bid, e.asks[0]?.[0] ?? q.ask];
  }

  /** Private pushes (from `PrivateFeed`): order updates and fills; positions and account are ignored. */
  onPrivate(events: readonly PrivateEvent[]): void {
    for (const e of events) {
      if (e.kind === "order") this.orderPush(e);
      else if (e.kind === "fill") this.fillPush(e);
    }
  }

  /** Places an order (see the class documentation). */
  async place(order: OrderRequest): Promise<PlaceResult> {
    const known = this.orders.get(order.clientOid);
    if (known && !(known.status === "rejected" && known.orderId === null && !known.placing)) return DUPLICATE;
    const inst = this.instruments.get(order.symbol);
    if (!inst) return this.refuse(order, "exchange_error", `no contract rules for ${order.symbol}`);
    const checked = validateOrder(inst, this.intent(order), {
      referencePrice: this.reference(order.symbol, order.side) ?? undefined,
    });
    if (!checked.ok) return this.refuse(order, refusalReason(checked.reason), `${checked.reason}: ${checked.detail}`);
    const t = this.track(order, this.mid(order.symbol));
    const attempts = new FirstError(this.rest);
    const r = await placeOrderOnce(attempts, checked.order, this.placeOnce);
    t.placing = false;
    if (r.outcome === "rejected") {
      const reason = placeRejectReason(r.error, { postOnly: t.postOnly, reduceOnly: t.reduceOnly }, this.rejectCodes);
      this.settle(t, "rejected", reason);
      return { ok: false, reason, detail: r.error.message };
    }
    if (r.outcome === "placed") t.orderId ??= r.ack.orderId;
    if (r.outcome === "found") this.applyDetail(t, r.order);
    if (r.outcome !== "unknown" && t.status === "pending") t.status = "open";
    if (r.outcome === "found" && attempts.first?.kind === "duplicateClientOid")
      return { ...DUPLICATE, detail: "Bitget already holds an order with this clientOid" };
    return { ok: true, clientOid: order.clientOid };
  }

  /** Cancels the rest of an order by clientOid. */
  async cancel(symbol: string, clientOid: string): Promise<CancelResult> {
    const t = this.orders.get(clientOid);
    if (t && t.symbol === symbol && (t.status === "filled" || t.status === "cancelled" || t.status === "rejected"))
      return { ok: false, reason: "already_done" };
    if (t) t.cancelRequested = true;
    try {
      await this.rest.cancelOrder(symbol, { clientOid });
    } catch (e) {
      if (!isBitgetError(e)) throw e;
      return { ok: false, reason: cancelRefusal(e, this.rejectCodes) };
    }
    if (t) t.cancelledByClient = true;
    // Without the read-back the answer is what the broker knew of the order (its fills delivered so far).
    const detail = await this.detail(symbol, clientOid).catch((e: unknown) => {
      this.skipped(`cancel: order detail of ${clientOid} (${symbol}) after the cancel`, e);
      return null;
    });
    const tracked = detail ? this.adopt(detail) : t;
    if (tracked) tracked.cancelledByClient = true;
    if (tracked && detail) this.applyDetail(tracked, detail);
    else if (tracked) this.settle(tracked, "cancelled", "cancelled_by_client");
    return { ok: true, filledSize: detail?.filledSize ?? tracked?.exchangeFilled ?? 0 };
  }

  /** The order as Bitget has it (order detail by clientOid), or null when neither Bitget nor the broker knows it. */
  async order(symbol: string, clientOid: string): Promise<OrderStatus | null> {
    const t = this.orders.get(clientOid);
    if (t && t.symbol === symbol && t.status === "rejected" && t.orderId === null) return view(t);
    let detail: OrderDetail | null;
    try {
      detail = await this.detail(symbol, clientOid);
    } catch (e) {
      const known = this.orders.get(clientOid);
      if (!known || known.symbol !== symbol) throw e;
      // The broker's own record answers instead (the caller asks again while it is not done).
      this.skipped(`lookup: order detail of ${clientOid} (${symbol}), answered from the broker's record`, e);
      return view(known);
    }
    // Read the broker's own record after the lookup, not before: an order placed while the lookup was
    // out (the exchange answered "unknown" before the request reached it) is the broker's, not "never sent".
    if (!detail) {
      const known = this.orders.get(clientOid);
      return known && known.symbol === symbol ? view(known) : null;
    }
    const tracked = this.adopt(detail);
    this.applyDetail(tracked, detail);
    return view(tracked);
  }

  /**
   * REST reconciliation, the fallback of the private feed (call it after the feed reconnects and on a
   * timer): open orders the broker does not follow are adopted; every order not known to be done is read back; fills the exchange has and the broker has
   * not delivered are fetched and delivered (once per tradeId); an order whose placement outcome stayed
   * unknown and that Bitget does not know is marked rejected.
   */
  async reconcile(): Promise<void> {
    await this.adoptOpenOrders();
    for (const t of [...this.orders.values()]) {
      if (t.placing || !needsReconcile(t)) continue;
      let detail: OrderDetail | null;
      try {
        detail = await this.detail(t.symbol, t.clientOid);
      } catch (e) {
        // One order's failed read does not stop the others; it is read again by the next reconcile.
        this.skipped(`reconcile: order detail of ${t.clientOid} (${t.symbol})`, e);
        continue;
      }
      if (!detail) {
        if (t.status === "pending") this.settle(t, "rejected", "exchange_error");
        continue;
      }
      this.applyDetail(t, detail);
      if (detail.filledSize > t.delivered + tolerance(detail.filledSize)) await this.fetchFills(t, detail);
    }
  }

  /**
   * Delivers the fills of `symbol` at or after exchange time `since` that this broker has not
   * delivered, oldest first, every page of them (up to {@link MAX_FILL_PAGES} of 100): after a
   * restart, the executions of the gap, e.g. an exchange-side stop that fired. Look the runner's
   * in-flight orders up first ({@link order}), so their fills arrive under their clientOid; a fill of
   * an order the broker does not follow is delivered under the exchange's order id. A runner drops
   * fills it applied before (by `tradeId`).
   * @returns fills delivered.
   */
  async fillsSince(symbol: string, since: number): Promise<number> {
    const all = await this.allFills({ symbol, startTime: since });
    const fresh = all.filter((f) => f.symbol === symbol && f.ts >= since && !this.tradeIds.has(f.tradeId));
    for (const f of fresh.sort(byTimeThenId)) {
      const t = this.byOrderId(f.orderId) ?? this.adoptRestFill(f);
      const x = restExecution(f);
      const after = t.delivered + x.size;
      this.deliver(t, x, t.status === "filled" && after >= t.exchangeFilled - tolerance(t.exchangeFilled));
    }
    return fresh.length;
  }

  /**
   * Every fill the query matches, newest first, read page by page (100 each) with the page cursor
   * (V2 `idLessThan` = the previous `endId`; the UTA port maps it to v3's `cursor`), each tradeId
   * once. Ends on an empty page, a missing or repeated cursor, or after {@link MAX_FILL_PAGES} pages.
   */
  private async allFills(query: Omit<FillQuery, "idLessThan" | "limit">): Promise<RestFill[]> {
    const out = new Map<string, RestFill>();
    let cursor: string | undefined;
    for (let n = 0; n < MAX_FILL_PAGES; n++) {
      const page = await this.rest.getFills({ ...query, limit: FILL_PAGE, idLessThan: cursor });
      for (const f of page.fills) out.set(f.tradeId, f);
      const next = page.endId ?? "";
      if (page.fills.length === 0 && next === "") break;
      if (next === "" || next === cursor) break;
      cursor = next;
    }
    return [...out.values()];
  }

  private byOrderId(orderId: string): Tracked | null {
    for (const t of this.orders.values()) if (t.orderId === orderId) return t;
    return null;
  }

  private adoptRestFill(f: RestFill): Tracked {
    const t = this.track(
      {
        clientOid: f.orderId,
        symbol: f.symbol,
        side: f.side,
        type: "market",
        size: Number.POSITIVE_INFINITY,
        reduceOnly: false,
        ts: 0,
      },
      null,
    );
    t.orderId = f.orderId;
    t.placing = false;
    // Only its fills are known: nothing to look up later (its clientOid is not ours to ask by).
    t.status = "filled";
    return t;
  }

  /**
   * The clientOids of `symbol`'s orders open at the exchange now, read over REST; the ones the broker
   * did not know are followed from then on. Recovery cancels the runner's own that nobody follows.
   */
  async openOrders(symbol: string): Promise<string[]> {
    if (!this.rest.getOpenOrders) throw new Error("this exchange client cannot list open orders");
    const page = await this.rest.getOpenOrders(symbol);
    const open: string[] = [];
    for (const d of page.orders) {
      if (d.symbol !== symbol) continue;
      if (!this.orders.has(d.clientOid ?? d.orderId)) this.applyDetail(this.adopt(d), d);
      if (d.clientOid) open.push(d.clientOid);
    }
    return open;
  }

  /**
   * Follows every open order of the traded symbols that the broker does not know (placed before a
   * restart, or while a push was missed: the v3 order topic pushes nothing on subscribe).
   */
  private async adoptOpenOrders(): Promise<void> {
    if (!this.rest.getOpenOrders) return;
    for (const symbol of this.instruments.keys()) {
      let page: OrderPage;
      try {
        page = await this.rest.getOpenOrders(symbol);
      } catch (e) {
        this.skipped(`reconcile: open orders of ${symbol}`, e);
        continue;
      }
      for (const d of page.orders) {
        if (d.symbol !== symbol || this.orders.has(d.clientOid ?? d.orderId)) continue;
        this.applyDetail(this.adopt(d), d);
      }
    }
  }

  private async fetchFills(t: Tracked, detail: OrderDetail): Promise<void> {
    let fills: RestFill[];
    try {
      fills = await this.allFills({ symbol: t.symbol, orderId: detail.orderId });
    } catch (e) {
      // The order still needs reconciling (its fills are not all delivered): the next reconcile reads them again.
      this.skipped(`reconcile: fills of order ${t.clientOid} (${t.symbol})`, e);
      return;
    }
    const own = fills.filter((f) => f.orderId === detail.orderId).sort(byTimeThenId);
    for (const f of own) {
      const x = restExecution(f);
      if (this.tradeIds.has(x.tradeId)) continue;
      const after = t.delivered + x.size;
      this.deliver(t, x, detail.state === "filled" && after >= detail.filledSize - tolerance(detail.filledSize));
    }
  }

  private orderPush(e: PrivateOrderEvent): void {
    const t = this.orders.get(e.clientOid ?? e.orderId) ?? this.adoptPush(e);
    t.orderId ??= e.orderId;
    t.size = e.size;
    t.exchangeFilled = Math.max(t.exchangeFilled, e.filledSize);
    if (e.fill && !this.tradeIds.has(e.fill.tradeId)) {
      const after = t.delivered + e.fill.size;
      this.deliver(t, e.fill, e.status === "filled" && after >= e.filledSize - tolerance(e.filledSize));
    }
    this.applyState(t, e.status, e.filledSize, e.force, e.cancelReason);
  }

  private fillPush(e: PrivateFillEvent): void {
    if (this.tradeIds.has(e.tradeId)) return;
    const t = this.orders.get(e.clientOid ?? e.orderId) ?? this.adoptFill(e);
    t.orderId ??= e.orderId;
    const after = t.delivered + e.size;
    this.deliver(t, e, after >= t.size - tolerance(t.size));
  }

  /** Hands one execution to the listener, once per tradeId. */
  private deliver(t: Tracked, x: PrivateExecution, final: boolean): void {
    if (!this.tradeIds.add(x.tradeId)) return;
    t.delivered += x.size;
    t.exchangeFilled = Math.max(t.exchangeFilled, t.delivered);
    if (final && t.status !== "cancelled") t.status = "filled";
    const slip = t.ref === null ? 0 : (t.side === "buy" ? x.price - t.ref : t.ref - x.price) * x.size;
    const fill: Fill = {
      clientOid: t.clientOid,
      symbol: t.symbol,
      side: t.side,
      price: x.price,
      size: x.size,
      fee: x.fee,
      liquidity: x.liquidity,
      ts: x.ts,
      slippage: slip,
      final,
      tradeId: x.tradeId,
    };
    this.onFill(fill);
  }

  private applyDetail(t: Tracked, d: OrderDetail): void {
    t.orderId ??= d.orderId;
    t.size = d.size;
    t.exchangeFilled = Math.max(t.exchangeFilled, d.filledSize);
    this.applyState(t, d.state, d.filledSize, d.force, d.cancelReason);
  }

  private applyState(
    t: Tracked,
    state: string,
    filledSize: number,
    force: string | null,
    cancelReason: string | null,
  ): void {
    const s = portStatus({ state, filledSize, force, cancelReason, cancelledByClient: t.cancelledByClient });
    if (s.status === "pending") return;
    const ended = t.status !== s.status && (s.status === "rejected" || s.status === "cancelled");
    t.status = s.status;
    t.reason = s.reason;
    if (ended && !t.cancelledByClient && !t.cancelRequested) this.onOrderDone?.(view(t));
  }

  /** An exchange read that failed and is skipped: counted and reported. Anything but an exchange error is a bug, thrown. */
  private skipped(what: string, e: unknown): void {
    if (!isBitgetError(e)) throw e;
    this.skippedReads++;
    this.onError?.(what, e);
  }

  private settle(t: Tracked, status: Status, reason: OrderStatus["reason"]): void {
    t.status = status;
    t.reason = reason;
  }

  private async detail(symbol: string, clientOid: string): Promise<OrderDetail | null> {
    try {
      return await this.rest.getOrder(symbol, { clientOid });
    } catch (e) {
      if (isBitgetError(e, "notFound")) return null;
      throw e;
    }
  }

  private intent(o: OrderRequest): OrderIntent {
    const base = {
      symbol: o.symbol,
      side: o.side,
      size: o.size,
      reduceOnly: o.reduceOnly,
      clientOid: o.clientOid,
      marginMode: this.marginMode,
      stopLossPrice: o.stopLossPrice,
    };
    if (o.type === "market") return { ...base, orderType: "market" };
    return { ...base, orderType: "limit", price: o.price ?? Number.NaN, force: "post_only" };
  }

  /** The price a market order would trade against: the opposite best price, else the last trade. */
  private reference(symbol: string, side: "buy" | "sell"): number | null {
    const q = this.quotes.get(symbol);
    if (!q) return null;
    return (side === "buy" ? q.ask : q.bid) ?? q.last;
  }

  private mid(symbol: string): number | null {
    const q = this.quotes.get(symbol);
    if (!q) return null;
    return q.bid !== null && q.ask !== null ? (q.bid + q.ask) / 2 : q.last;
  }

  private refuse(o: OrderRequest, reason: OrderRejectReason, detail: string): PlaceResult {
    const t = this.track(o, null);
    t.placing = false;
    this.settle(t, "rejected", reason);
    return { ok: false, reason, detail };
  }

  private track(o: OrderRequest, ref: number | null): Tracked {
    const t: Tracked = {
      clientOid: o.clientOid,
      symbol: o.symbol,
      side: o.side,
      postOnly: o.type === "postOnly",
      reduceOnly: o.reduceOnly,
      size: o.size,
      orderId: null,
      status: "pending",
      delivered: 0,
      exchangeFilled: 0,
      ref,
      cancelledByClient: false,
      cancelRequested: false,
      placing: true,
    };
    this.remember(t);
    return t;
  }

  /** Follows an order the broker did not place (placed elsewhere, or before a restart). */
  private adopt(d: OrderDetail): Tracked {
    const known = this.orders.get(d.clientOid ?? d.orderId);
    if (known) return known;
    const t = this.track(
      {
        clientOid: d.clientOid ?? d.orderId,
        symbol: d.symbol,
        side: d.side,
        type: d.force === "post_only" ? "postOnly" : "market",
        size: d.size,
        reduceOnly: d.reduceOnly,
        ts: 0,
      },
      null,
    );
    t.placing = false;
    return t;
  }

  private adoptPush(e: PrivateOrderEvent): Tracked {
    const t = this.track(
      {
        clientOid: e.clientOid ?? e.orderId,
        symbol: e.symbol,
        side: e.side,
        type: e.force === "post_only" ? "postOnly" : "market",
        size: e.size,
        reduceOnly: e.reduceOnly,
        ts: 0,
      },
      null,
    );
    t.placing = false;
    return t;
  }

  private adoptFill(e: PrivateFillEvent): Tracked {
    const t = this.track(
      {
        clientOid: e.clientOid ?? e.orderId,
        symbol: e.symbol,
        side: e.side,
        type: "market",
        size: Number.POSITIVE_INFINITY,
        reduceOnly: false,
        ts: 0,
      },
      null,
    );
    t.placing = false;
    t.status = "open";
    return t;
  }

  /** Adds `t`, forgetting the oldest finished order when over `maxOrders` (active ones are kept). */
  private remember(t: Tracked): void {
    this.orders.set(t.clientOid, t);
    if (this.orders.size <= this.maxOrders) return;
    for (const [oid, o] of this.orders) {
      if (o !== t && !needsReconcile(o) && !o.placing) {
        this.orders.delete(oid);
        return;
      }
    }
  }
}

/** Wraps the placement port to remember the first placement error (43118 on the first attempt = an earlier order). */
class FirstError implements OrderPlacementPort {
  first: BitgetError | null = null;
  private sent = 0;

  constructor(private readonly rest: OrderPlacementPort) {}

  async placeOrder(order: ValidatedOrder): Promise<OrderAck> {
    const attempt = ++this.sent;
    try {
      return await this.rest.placeOrder(order);
    } catch (e) {
      if (attempt === 1 && isBitgetError(e)) this.first = e;
      throw e;
    }
  }

  getOrder(symbol: string, ref: OrderRef): Promise<OrderDetail> {
    return this.rest.getOrder(symbol, ref);
  }
}

function view(t: Tracked): OrderStatus {
  const done = t.status === "filled" || t.status === "cancelled" || t.status === "rejected";
  const filled = Math.max(t.exchangeFilled, t.delivered);
  const remaining = done || !Number.isFinite(t.size) ? 0 : Math.max(0, t.size - filled);
  const base = {
    clientOid: t.clientOid,
    symbol: t.symbol,
    status: t.status,
    filledSize: filled,
    remainingSize: remaining,
  };
  return t.reason === undefined ? base : { ...base, reason: t.reason };
}

/** An order whose fills or state may still change or still need delivering. */
function needsReconcile(t: Tracked): boolean {
  if (t.status === "pending" || t.status === "open") return true;
  return t.status !== "rejected" && t.exchangeFilled > t.delivered + tolerance(t.exchangeFilled);
}

function restExecution(f: RestFill): PrivateExecution {
  return {
    tradeId: f.tradeId,
    price: f.price,
    size: f.size,
    fee: -f.fee,
    feeCoin: f.feeCoin,
    liquidity: f.tradeScope === "maker" || f.tradeScope === "M" ? "maker" : "taker",
    ts: f.ts,
  };
}

function byTimeThenId(a: RestFill, b: RestFill): number {
  return (
    a.ts - b.ts || a.tradeId.length - b.tradeId.length || (a.tradeId < b.tradeId ? -1 : a.tradeId > b.tradeId ? 1 : 0)
  );
}

/** Float tolerance for size comparisons: 1e-9 relative. */
function tolerance(size: number): number {
  return 1e-9 * Math.max(1, Math.abs(size));
}
