/**
 * The exchange core of the local Bitget-compatible venue (`npm run sim`): matching, accounts and
 * Bitget V2 shapes, with no I/O and no timers. The server authenticates, routes REST calls here and
 * wraps `data` in Bitget's envelope; replayed market events drive the book and resting orders;
 * private pushes go out through `onPrivate`. Time comes only from the injected `now()`.
 *
 * Matching model:
 * - market orders walk the venue's book (core-market.ts) as taker; size beyond the visible depth
 *   fills at the worst visible price (or the last trade when the book side is empty);
 * - limit `gtc` takes liquidity up to its price, then rests; `ioc` cancels the rest; `fok` fills
 *   only if the visible depth up to its price covers it, else is canceled unfilled; `post_only`
 *   that would cross the best opposite price is refused (40020) under V2 rules, or accepted and
 *   cancelled at once with `post_only_fill_cancel` under v3 rules ({@link PlaceRules}), else rests;
 * - a resting limit fills as maker at its own price when a public trade prints through its price
 *   (fully) or at its price: then only the print size beyond the book size that was ahead of it
 *   when it arrived fills. The size ahead shrinks with prints at the price and is capped by later
 *   book snapshots of that level (0 once the order would be alone at the best price). One print's
 *   size is shared by the at-price orders in time priority;
 * - `reduceOnly: "YES"` is cut to the position at placement and at each fill, never flips it, and
 *   is refused (40757) or canceled once there is nothing to reduce;
 * - preset TP/SL of an opening order attach to the position; a trade print at or through them
 *   closes the whole position at market (`orderSource` pos_profit_market / pos_loss_market). The
 *   stop-loss is the position's stop plan (core-stop-plans.ts): listed, replaced and cancelled
 *   through the plan endpoints of both dialects, gone with the position.
 * Mark-to-market changes alone push nothing; every order, fill and position change pushes
 * `orders`, `fill`, `positions` (all open positions), `account`.
 * Ids (orders, trades, positions) share one increasing counter above 2^53, as decimal strings.
 * @module
 */

import type { MarginMode } from "../../shared/exchange/bitget/rest-types";
import type { MarketEvent, Side, TradeEvent } from "../../shared/market/events";
import type { Instrument } from "../../shared/market/instrument";
import { Account, type AccountFigures, type AccountLimits, type AccountState, type CoreFill } from "./core-account";
import { type CoreError, CoreErrors, type CoreResult, fail, ok } from "./core-errors";
import { money, snap, toNumber } from "./core-format";
import { SymbolMarket, type SymbolMarketState } from "./core-market";
import { checkCommon, checkPrice, type CoreOrder, parsePlaceOrder, type PlaceRequest, text } from "./core-orders";
import { clearStopPlan, setStopPlan, type StopPlanView, stopPlanOf } from "./core-stop-plans";
import {
  accountPushShape,
  accountShape,
  contractShape,
  fillShape,
  MARGIN_COIN,
  orderPushShape,
  orderShape,
  POS_MODE,
  type PositionView,
  positionPushShape,
  positionShape,
} from "./core-shapes";

export type { CoreError, CoreResult } from "./core-errors";

/** Private push channels (bitget-v2.md §3.2). */
export type PrivateChannel = "orders" | "fill" | "positions" | "account";

/**
 * What a private push is about, as core records, for a dialect that shapes pushes its own way (the
 * v3 private WebSocket). Records are live objects: shape them before returning.
 */
export type CoreEvent =
  | { readonly channel: "orders"; readonly order: CoreOrder; readonly fill?: CoreFill }
  | { readonly channel: "fill"; readonly fill: CoreFill }
  | { readonly channel: "positions"; readonly views: readonly PositionView[] }
  | { readonly channel: "account"; readonly figures: AccountFigures };

/** Receives every private push: the server wraps `data` (V2 shapes) in the channel's push envelope; `event` is the same push as records. */
export type PrivateListener = (apiKey: string, channel: PrivateChannel, data: object[], event: CoreEvent) => void;

/**
 * How place-order treats two cases where Classic V2 and UTA v3 differ (bitget-uta-v3.md §2.4, §2.10):
 * a post-only order that would cross is refused (V2, 40020) or accepted and then cancelled with
 * `post_only_fill_cancel` (v3); a clientOid is unique for ever (V2, 43118) or only while its
 * order is pending (v3, since 2025-10-09).
 */
export interface PlaceRules {
  readonly postOnlyCross: "refuse" | "cancel";
  readonly clientOidUnique: "always" | "whilePending";
}

/**
 * One place-order call as the core saw it, accepted or refused: the venue's order log, from which
 * the soak counts duplicate orders and rejected-order loops without trusting the client.
 */
export interface PlaceAttempt {
  /** Market clock of the call. */
  readonly at: number;
  readonly symbol: string | null;
  readonly side: string | null;
  readonly size: string | null;
  /** The clientOid sent (null: none, the venue assigned the order id). */
  readonly clientOid: string | null;
  readonly reduceOnly: boolean;
  readonly orderType: string | null;
  /** The preset stop-loss price sent, or null. */
  readonly stopLoss: string | null;
  /** The order id of an accepted call; null when refused. */
  readonly orderId: string | null;
  /** Bitget's code of a refusal; null when accepted. */
  readonly code: string | null;
  /** Signed position size of the symbol just before the call. */
  readonly positionBefore: number;
  /** Resting orders that would add to the position of the symbol just before the call. */
  readonly openingOrdersBefore: number;
}

/** A position stop-loss plan to set (V2 `place-tpsl-order` `pos_loss`, v3 `place-strategy-order` `tpsl`). */
export interface StopPlanRequest {
  readonly symbol: string | null;
  /** `long`/`short` (one-way V2 also `buy`/`sell`). */
  readonly holdSide: string | null;
  readonly triggerPrice: unknown;
  readonly clientOid: string | null;
  /** As {@link PlaceRules.clientOidUnique}: V2 for ever (default), v3 while the plan is pending. */
  readonly clientOidUnique?: PlaceRules["clientOidUnique"];
}

/** Classic V2 place-order rules. */
export const V2_PLACE_RULES: PlaceRules = { postOnlyCross: "refuse", clientOidUnique: "always" };

/** Construction options of {@link ExchangeCore}. */
export interface ExchangeCoreOptions {
  readonly instruments: Instrument[];
  /** Maker fee rate, e.g. 0.0002. */
  readonly makerRate: number;
  /** Taker fee rate, e.g. 0.0006. */
  readonly takerRate: number;
  /** USDT balance of a new account. */
  readonly startingBalance: number;
  readonly now: () => number;
  readonly onPrivate?: PrivateListener;
  /** Hears every place-order call with its outcome ({@link PlaceAttempt}). */
  readonly onPlace?: (apiKey: string, attempt: PlaceAttempt) => void;
  /** Place-order calls per key per rolling second (default 10). */
  readonly ordersPerSecond?: number;
  /** Leverage of a symbol never set (default 20). */
  readonly defaultLeverage?: number;
  /** Public trades kept per symbol (default 1000). */
  readonly maxTrades?: number;
  /** 1-minute candles kept per symbol (default 4320). */
  readonly maxCandles?: number;
  /** Fills kept per account (default 1000). */
  readonly maxFills?: number;
  /** Filled/canceled orders kept per account (default 1000). */
  readonly maxClosedOrders?: number;
}

/** Serialisable state of {@link ExchangeCore} (JSON-safe). */
export interface ExchangeCoreState {
  readonly version: 1;
  readonly nextId: string;
  readonly markets: Record<string, SymbolMarketState>;
  readonly accounts: Record<string, AccountState>;
}

const FIRST_ID = 1_200_000_000_000_000_000n;
const EPS = 1e-12;

/** A Bitget V2 USDT-M exchange in memory: see the module documentation for the model. */
export class ExchangeCore {
  private readonly instruments: Map<string, Instrument>;
  private readonly markets = new Map<string, SymbolMarket>();
  private readonly byKey = new Map<string, Account>();
  private nextId = FIRST_ID;
  private readonly now: () => number;

  constructor(private readonly opts: ExchangeCoreOptions) {
    this.now = opts.now;
    this.instruments = new Map(opts.instruments.map((i) => [i.symbol, i]));
    const limits = { maxTrades: opts.maxTrades ?? 1000, maxCandles: opts.maxCandles ?? 4320 };
    for (const i of opts.instruments) this.markets.set(i.symbol, new SymbolMarket(i, limits));
  }

  /** Rebuilds a core from {@link ExchangeCore.getState} with fresh options (listener, clock); throws naming the account on a malformed one. */
  static restore(state: ExchangeCoreState, opts: ExchangeCoreOptions): ExchangeCore {
    const core = new ExchangeCore(opts);
    core.nextId = BigInt(state.nextId);
    const limits = { maxTrades: opts.maxTrades ?? 1000, maxCandles: opts.maxCandles ?? 4320 };
    for (const [symbol, s] of Object.entries(state.markets)) {
      const inst = core.instruments.get(symbol);
      if (inst) core.markets.set(symbol, new SymbolMarket(inst, limits, s));
    }
    for (const [key, s] of Object.entries(state.accounts)) {
      try {
        core.byKey.set(key, new Account(opts.startingBalance, core.accountLimits(), s));
      } catch (e) {
        throw new Error(`venue snapshot, account ${key}: ${(e as Error).message}`, { cause: e });
      }
    }
    return core;
  }

  /** JSON-safe snapshot of markets, accounts and the id counter. */
  getState(): ExchangeCoreState {
    const markets: Record<string, SymbolMarketState> = {};
    for (const [s, m] of this.markets) markets[s] = m.getState();
    const accounts: Record<string, AccountState> = {};
    for (const [k, a] of this.byKey) accounts[k] = a.getState();
    return { version: 1, nextId: this.nextId.toString(), markets, accounts };
  }

  /** Creates the account of `apiKey` with the starting balance if it does not exist. */
  ensureAccount(apiKey: string): void {
    this.getAccount(apiKey);
  }

  /** Applies a replayed market event: book, trades, resting fills, preset TP/SL triggers. */
  onMarket(event: MarketEvent): void {
    const m = this.markets.get(event.symbol);
    if (!m) return;
    if (event.kind === "trade") {
      m.applyTrade(event);
      this.fillResting(m, event);
      this.triggerPresets(m, event.price);
      return;
    }
    if (event.kind === "bookLevels") m.applyLevels(event);
    else m.applyTop(event);
    this.refreshQueues(m);
  }

  /** `GET /api/v2/mix/market/contracts` data. */
  contracts(symbol?: string): CoreResult<object[]> {
    if (symbol && !this.instruments.has(symbol)) return fail(CoreErrors.symbolNotFound(symbol));
    const list = symbol ? [this.instruments.get(symbol) as Instrument] : [...this.instruments.values()];
    return ok(list.map((i) => contractShape(i, this.opts.makerRate, this.opts.takerRate)));
  }

  /** `GET /api/v2/mix/market/ticker` data (an array of one). */
  ticker(symbol: string): CoreResult<object[]> {
    const m = this.markets.get(symbol);
    return m ? ok(m.ticker(this.now())) : fail(CoreErrors.symbolNotFound(symbol));
  }

  /** `GET /api/v2/mix/market/merge-depth` data; `limit` levels a side (default 100). */
  depth(symbol: string, limit: number): CoreResult<object> {
    const m = this.markets.get(symbol);
    return m ? ok(m.depth(clampLimit(limit, 100, 1000), this.now())) : fail(CoreErrors.symbolNotFound(symbol));
  }

  /** `GET /api/v2/mix/market/fills` data, newest first (limit default 100, max 1000). */
  recentTrades(symbol: string, limit: number): CoreResult<object[]> {
    const m = this.markets.get(symbol);
    return m ? ok(m.recentTrades(clampLimit(limit, 100, 1000))) : fail(CoreErrors.symbolNotFound(symbol));
  }

  /** `GET /api/v2/mix/market/candles` data, oldest first (limit default 100, max 1000). */
  candles(
    symbol: string,
    granularity: string,
    limit: number,
    startTime?: number,
    endTime?: number,
  ): CoreResult<string[][]> {
    const m = this.markets.get(symbol);
    if (!m) return fail(CoreErrors.symbolNotFound(symbol));
    if (!granularity) return fail(CoreErrors.paramEmpty("granularity"));
    const rows = m.candleRows(granularity, clampLimit(limit, 100, 1000), startTime, endTime);
    return rows ? ok(rows) : fail(CoreErrors.paramError(`granularity ${granularity}`));
  }

  /** `POST /api/v2/mix/order/place-order` (a V2 body); `rules` for the v3 differences. */
  placeOrder(
    apiKey: string,
    body: Record<string, unknown>,
    rules: PlaceRules = V2_PLACE_RULES,
  ): CoreResult<{ orderId: string; clientOid: string }> {
    const listener = this.opts.onPlace;
    if (!listener) return this.place(apiKey, body, rules);
    const acct = this.getAccount(apiKey);
    const symbol = text(body.symbol);
    const positionBefore = symbol ? acct.sizeOf(symbol) : 0;
    const openingOrdersBefore = [...acct.open.values()].filter((o) => o.symbol === symbol && !o.reduceOnly).length;
    const r = this.place(apiKey, body, rules);
    listener(apiKey, {
      at: this.now(),
      symbol,
      side: text(body.side),
      size: text(body.size),
      clientOid: text(body.clientOid) ?? text(body.clientOId),
      reduceOnly: /^(yes|true)$/i.test(String(body.reduceOnly ?? "")),
      orderType: text(body.orderType),
      stopLoss: text(body.presetStopLossPrice),
      orderId: r.ok ? r.data.orderId : null,
      code: r.ok ? null : r.error.code,
      positionBefore,
      openingOrdersBefore,
    });
    return r;
  }

  /**
   * Fires the exchange-side stop-loss of every position (of `symbol`, or all) that has one, as if the
   * market had traded through it: the position closes at market with `orderSource` pos_loss_market,
   * as a trade print at the stop would close it. Fault injection (admin `POST /admin/fire-stops`).
   * @returns how many positions were closed.
   */
  fireStops(symbol?: string): number {
    let fired = 0;
    for (const [key, acct] of this.byKey) {
      for (const pos of [...acct.positions.values()]) {
        if ((symbol !== undefined && pos.symbol !== symbol) || pos.stopLoss === null) continue;
        if (this.closePosition(key, acct, pos.symbol, "pos_loss_market")) fired++;
      }
    }
    return fired;
  }

  /**
   * Sets the position stop-loss plan of `symbol` (replacing the position's plan, as a position stop
   * does at Bitget): the position of `holdSide` must exist (else 40757) and the trigger must not be
   * reached (long: below the mark, short: above; else 40917); a clientOid used by an earlier stop plan
   * is refused (43118; v3 only while that plan is pending, as its orders' rule). Not rate limited by
   * place-order's window.
   */
  placeStopPlan(apiKey: string, req: StopPlanRequest): CoreResult<{ orderId: string; clientOid: string }> {
    const acct = this.getAccount(apiKey);
    if (!req.symbol) return fail(CoreErrors.paramEmpty("symbol"));
    const inst = this.instruments.get(req.symbol);
    if (!inst) return fail(CoreErrors.symbolNotFound(req.symbol));
    if (!req.holdSide) return fail(CoreErrors.paramEmpty("holdSide"));
    const side = { long: "long", buy: "long", short: "short", sell: "short" }[req.holdSide.toLowerCase()];
    if (!side) return fail(CoreErrors.paramError(`holdSide ${req.holdSide}`));
    const trigger = checkPrice("triggerPrice", req.triggerPrice, inst, true);
    if (!trigger.ok) return trigger;
    const price = trigger.data as number;
    const pos = acct.positions.get(req.symbol);
    if (!pos || (pos.size > 0 ? "long" : "short") !== side) return fail(CoreErrors.noPosition());
    const mark = this.markOf(req.symbol) ?? pos.avg;
    if (side === "long" ? price >= mark : price <= mark)
      return fail(CoreErrors.stopWrongSide(side, String(req.triggerPrice), String(mark)));
    if (req.clientOid && this.stopOidTaken(acct, req.clientOid, req.clientOidUnique ?? "always"))
      return fail(CoreErrors.duplicateClientOid());
    if (req.clientOid) acct.stopClientOids.add(req.clientOid);
    const orderId = this.id();
    setStopPlan(pos, price, orderId, req.clientOid, this.now());
    this.pushPositionsAndAccount(apiKey, acct);
    return ok({ orderId, clientOid: pos.stopPlanClientOid ?? orderId });
  }

  /** The position stop-loss plans of `apiKey` (of `symbol`, or all), oldest position first. */
  stopPlans(apiKey: string, symbol?: string): StopPlanView[] {
    const out: StopPlanView[] = [];
    for (const pos of this.getAccount(apiKey).positions.values()) {
      if (symbol && pos.symbol !== symbol) continue;
      const plan = stopPlanOf(pos, this.inst(pos.symbol));
      if (plan) out.push(plan);
    }
    return out;
  }

  /** Cancels the position stop-loss plan with this `orderId` or `clientOid` (43001 when there is none). */
  cancelStopPlan(
    apiKey: string,
    q: { symbol: string | null; orderId: string | null; clientOid: string | null },
  ): CoreResult<{ orderId: string; clientOid: string }> {
    if (q.symbol && !this.instruments.has(q.symbol)) return fail(CoreErrors.symbolNotFound(q.symbol));
    if (!q.orderId && !q.clientOid) return fail(CoreErrors.paramEmpty("orderId or clientOid"));
    const acct = this.getAccount(apiKey);
    const plan = this.stopPlans(apiKey, q.symbol ?? undefined).find(
      (p) => (q.orderId && p.orderId === q.orderId) || (!q.orderId && p.clientOid === q.clientOid),
    );
    const pos = plan && acct.positions.get(plan.symbol);
    if (!plan || !pos) return fail(CoreErrors.planNotFound());
    clearStopPlan(pos);
    this.pushPositionsAndAccount(apiKey, acct);
    return ok({ orderId: plan.orderId, clientOid: plan.clientOid });
  }

  private place(
    apiKey: string,
    body: Record<string, unknown>,
    rules: PlaceRules,
  ): CoreResult<{ orderId: string; clientOid: string }> {
    const acct = this.getAccount(apiKey);
    if (!acct.admit(this.now())) return fail(CoreErrors.tooManyRequests());
    const parsed = parsePlaceOrder(body, this.instruments);
    if (!parsed.ok) return parsed;
    const req = parsed.data;
    if (req.clientOid !== null && this.clientOidTaken(acct, req.clientOid, rules))
      return fail(CoreErrors.duplicateClientOid());
    const m = this.markets.get(req.symbol) as SymbolMarket;
    const refused = this.checkAgainstMarket(acct, m, req, rules);
    if (typeof refused !== "number") return fail(refused);
    const order = this.newOrder(acct, req, req.orderType === "market" ? "market" : "normal");
    this.execute(apiKey, acct, order, m);
    return ok({ orderId: order.orderId, clientOid: order.clientOid });
  }

  /** The order of `apiKey` with this id or clientOid (the newest one holding the clientOid), as a record. */
  orderRecord(apiKey: string, orderId: string | null, clientOid: string | null): CoreOrder | undefined {
    return this.getAccount(apiKey).findOrder(orderId, clientOid);
  }

  /** Live and partially filled orders of `apiKey`, oldest first, as records. */
  openOrderRecords(apiKey: string): CoreOrder[] {
    return [...this.getAccount(apiKey).open.values()];
  }

  /** Filled and cancelled orders of `apiKey` still kept, oldest first, as records. */
  closedOrderRecords(apiKey: string): CoreOrder[] {
    const acct = this.getAccount(apiKey);
    return [...acct.orders.values()].filter((o) => !acct.open.has(o.orderId));
  }

  /** The newest `limit` fills of `apiKey` that pass `keep`, newest first, as records. */
  fillRecords(apiKey: string, limit: number, keep: (f: CoreFill) => boolean = () => true): CoreFill[] {
    return this.getAccount(apiKey).fills.newest(limit, keep);
  }

  /** The open positions of `apiKey` with what their shapes need. */
  positionRecords(apiKey: string): PositionView[] {
    return this.positionViews(this.getAccount(apiKey));
  }

  /** The money figures of `apiKey`'s account, marked to market. */
  accountFigures(apiKey: string): AccountFigures {
    return this.getAccount(apiKey).figures(this.markOf);
  }

  /** Leverage and margin mode of `symbol` on `apiKey`'s account. */
  symbolConfig(apiKey: string, symbol: string): { leverage: number; marginMode: MarginMode } {
    const acct = this.getAccount(apiKey);
    return { leverage: acct.leverageOf(symbol), marginMode: acct.marginModeOf(symbol) };
  }

  /** The instruments traded, in the order given. */
  instrumentList(): Instrument[] {
    return [...this.instruments.values()];
  }

  /** Mark price of `symbol` (last trade, else mid), null before any market data. */
  markPrice(symbol: string): number | null {
    return this.markOf(symbol);
  }

  private stopOidTaken(acct: Account, clientOid: string, unique: PlaceRules["clientOidUnique"]): boolean {
    if (unique === "always") return acct.stopClientOids.has(clientOid);
    for (const pos of acct.positions.values()) if (pos.stopPlanClientOid === clientOid) return true;
    return false;
  }

  private clientOidTaken(acct: Account, clientOid: string, rules: PlaceRules): boolean {
    const id = acct.byClientOid.get(clientOid);
    if (id === undefined) return false;
    return rules.clientOidUnique === "always" || acct.open.has(id);
  }

  /** `POST /api/v2/mix/order/cancel-order` by `orderId` or `clientOid`. */
  cancelOrder(apiKey: string, body: Record<string, unknown>): CoreResult<{ orderId: string; clientOid: string }> {
    const acct = this.getAccount(apiKey);
    const symbol = text(body.symbol);
    if (!symbol) return fail(CoreErrors.paramEmpty("symbol"));
    if (!this.instruments.has(symbol)) return fail(CoreErrors.symbolNotFound(symbol));
    const orderId = text(body.orderId);
    const clientOid = text(body.clientOid);
    if (!orderId && !clientOid) return fail(CoreErrors.paramEmpty("orderId or clientOid"));
    const o = acct.findOrder(orderId, clientOid);
    if (!o || o.symbol !== symbol) return fail(CoreErrors.cancelNotFound());
    if (!acct.open.has(o.orderId)) return fail(CoreErrors.nothingToCancel());
    this.cancel(apiKey, acct, o, "normal_cancel");
    this.pushAccount(apiKey, acct);
    return ok({ orderId: o.orderId, clientOid: o.clientOid });
  }

  /** `POST /api/v2/mix/order/cancel-all-orders` (added): cancels resting orders, of one symbol or all. */
  cancelAllOrders(
    apiKey: string,
    body: Record<string, unknown>,
  ): CoreResult<{ successList: object[]; failureList: object[] }> {
    const acct = this.getAccount(apiKey);
    const symbol = text(body.symbol);
    if (symbol && !this.instruments.has(symbol)) return fail(CoreErrors.symbolNotFound(symbol));
    const successList: object[] = [];
    for (const o of [...acct.open.values()]) {
      if (symbol && o.symbol !== symbol) continue;
      this.cancel(apiKey, acct, o, "normal_cancel");
      successList.push({ orderId: o.orderId, clientOid: o.clientOid });
    }
    if (successList.length > 0) this.pushAccount(apiKey, acct);
    return ok({ successList, failureList: [] });
  }

  /** `GET /api/v2/mix/order/detail` by `orderId` or `clientOid` (field `state`). */
  orderDetail(apiKey: string, q: { symbol: string; orderId?: string; clientOid?: string }): CoreResult<object> {
    const acct = this.getAccount(apiKey);
    if (!q.symbol) return fail(CoreErrors.paramEmpty("symbol"));
    const inst = this.instruments.get(q.symbol);
    if (!inst) return fail(CoreErrors.symbolNotFound(q.symbol));
    if (!q.orderId && !q.clientOid) return fail(CoreErrors.paramEmpty("orderId or clientOid"));
    const o = acct.findOrder(q.orderId || null, q.clientOid || null);
    if (!o || o.symbol !== q.symbol) return fail(CoreErrors.orderNotFound());
    return ok(orderShape(o, inst, "state"));
  }

  /** `GET /api/v2/mix/order/orders-pending`: live and partially filled orders, newest first. */
  openOrders(
    apiKey: string,
    q: { symbol?: string },
  ): CoreResult<{ entrustedList: object[] | null; endId: string | null }> {
    const acct = this.getAccount(apiKey);
    if (q.symbol && !this.instruments.has(q.symbol)) return fail(CoreErrors.symbolNotFound(q.symbol));
    const list = [...acct.open.values()].filter((o) => !q.symbol || o.symbol === q.symbol).reverse();
    return ok(this.orderPage(list));
  }

  /** `GET /api/v2/mix/order/orders-history` (added): filled and canceled orders kept, newest first. */
  ordersHistory(
    apiKey: string,
    q: { symbol?: string; limit?: number },
  ): CoreResult<{ entrustedList: object[] | null; endId: string | null }> {
    const acct = this.getAccount(apiKey);
    if (q.symbol && !this.instruments.has(q.symbol)) return fail(CoreErrors.symbolNotFound(q.symbol));
    const limit = clampLimit(q.limit ?? 100, 100, 100);
    const list = [...acct.orders.values()]
      .filter((o) => !acct.open.has(o.orderId) && (!q.symbol || o.symbol === q.symbol))
      .reverse();
    return ok(this.orderPage(list.slice(0, limit)));
  }

  /**
   * `GET /api/v2/mix/order/fills` (and `fill-history`): the account's executions, newest first (limit
   * default/max 100), filtered by symbol, orderId and `[startTime, endTime]`; the next page is asked
   * with `idLessThan` = the previous page's `endId` (its oldest tradeId).
   */
  fills(apiKey: string, q: FillQuery): CoreResult<{ fillList: object[] | null; endId: string | null }> {
    const acct = this.getAccount(apiKey);
    if (q.symbol && !this.instruments.has(q.symbol)) return fail(CoreErrors.symbolNotFound(q.symbol));
    const list = acct.fills.newest(clampLimit(q.limit ?? 100, 100, 100), fillFilter(q));
    if (list.length === 0) return ok({ fillList: null, endId: null });
    return ok({ fillList: list.map((f) => fillShape(f, this.inst(f.symbol))), endId: list[list.length - 1].tradeId });
  }

  /** `POST /api/v2/mix/order/close-positions`: closes positions at market (one symbol or all; `holdSide` ignored in one-way mode). */
  flashClose(
    apiKey: string,
    body: Record<string, unknown>,
  ): CoreResult<{ successList: object[]; failureList: object[] }> {
    const acct = this.getAccount(apiKey);
    const common = checkCommon(body);
    if (common) return fail(common);
    const symbol = text(body.symbol);
    if (symbol && !this.instruments.has(symbol)) return fail(CoreErrors.symbolNotFound(symbol));
    const symbols = symbol ? [symbol] : [...acct.positions.keys()];
    const successList: object[] = [];
    const failureList: object[] = [];
    for (const s of symbols) {
      const o = acct.positions.has(s) ? this.closePosition(apiKey, acct, s, "market") : null;
      if (o) successList.push({ orderId: o.orderId, clientOid: o.clientOid, symbol: s });
      else
        failureList.push({
          orderId: "",
          clientOid: "",
          symbol: s,
          errorCode: CoreErrors.noPosition().code,
          errorMsg: CoreErrors.noPosition().msg,
        });
    }
    return ok({ successList, failureList });
  }

  /** `GET /api/v2/mix/position/all-position` (or `single-position` with `symbol`). */
  positions(apiKey: string, symbol?: string): CoreResult<object[]> {
    const acct = this.getAccount(apiKey);
    if (symbol && !this.instruments.has(symbol)) return fail(CoreErrors.symbolNotFound(symbol));
    return ok(
      this.positionViews(acct)
        .filter((v) => !symbol || v.pos.symbol === symbol)
        .map(positionShape),
    );
  }

  /** `GET /api/v2/mix/account/accounts`: one USDT item. */
  accounts(apiKey: string): CoreResult<object[]> {
    const acct = this.getAccount(apiKey);
    return ok([accountShape(acct.figures(this.markOf), this.markets.get("BTCUSDT")?.mark ?? null)]);
  }

  /** `GET /api/v2/mix/account/account` (added): the accounts item plus the symbol's leverage and modes. */
  singleAccount(apiKey: string, q: { symbol: string }): CoreResult<object> {
    const acct = this.getAccount(apiKey);
    if (!q.symbol) return fail(CoreErrors.paramEmpty("symbol"));
    if (!this.instruments.has(q.symbol)) return fail(CoreErrors.symbolNotFound(q.symbol));
    const lev = String(acct.leverageOf(q.symbol));
    const base = accountShape(acct.figures(this.markOf), this.markets.get("BTCUSDT")?.mark ?? null);
    return ok({
      ...base,
      crossedMarginLeverage: lev,
      isolatedLongLever: lev,
      isolatedShortLever: lev,
      marginMode: acct.marginModeOf(q.symbol),
      posMode: POS_MODE,
    });
  }

  /** `POST /api/v2/mix/account/set-leverage` (1–125, both sides). */
  setLeverage(apiKey: string, body: Record<string, unknown>): CoreResult<object> {
    const acct = this.getAccount(apiKey);
    const symbol = this.symbolOf(body);
    if (typeof symbol !== "string") return fail(symbol);
    const leverage = toNumber(body.leverage);
    if (text(body.leverage) === null) return fail(CoreErrors.paramEmpty("leverage"));
    if (leverage === null || !Number.isInteger(leverage) || leverage < 1 || leverage > 125)
      return fail(CoreErrors.paramError(`leverage ${String(body.leverage)}`));
    acct.setLeverage(symbol, leverage);
    if (acct.busy(symbol)) this.pushPositionsAndAccount(apiKey, acct);
    return ok(this.leverageData(acct, symbol));
  }

  /** `POST /api/v2/mix/account/set-margin-mode`; refused while the symbol has a position or orders. */
  setMarginMode(apiKey: string, body: Record<string, unknown>): CoreResult<object> {
    const acct = this.getAccount(apiKey);
    const symbol = this.symbolOf(body);
    if (typeof symbol !== "string") return fail(symbol);
    const mode = text(body.marginMode)?.toLowerCase();
    if (!mode) return fail(CoreErrors.paramEmpty("marginMode"));
    if (mode !== "isolated" && mode !== "crossed") return fail(CoreErrors.paramError(`marginMode ${mode}`));
    if (mode !== acct.marginModeOf(symbol) && acct.busy(symbol)) return fail(CoreErrors.modeLocked("margin mode"));
    acct.setMarginMode(symbol, mode as MarginMode);
    return ok(this.leverageData(acct, symbol));
  }

  /** `POST /api/v2/mix/account/set-position-mode`: only `one_way_mode` is simulated. */
  setPositionMode(apiKey: string, body: Record<string, unknown>): CoreResult<object> {
    this.getAccount(apiKey);
    const common = checkCommon(body);
    if (common) return fail(common);
    const mode = text(body.posMode)?.toLowerCase();
    if (!mode) return fail(CoreErrors.paramEmpty("posMode"));
    if (mode !== POS_MODE)
      return fail(CoreErrors.paramError(`posMode ${mode} is not supported by this venue (one_way_mode only)`));
    return ok({ posMode: POS_MODE });
  }

  /** Market-dependent checks; returns the reference price used, or the refusal. */
  private checkAgainstMarket(acct: Account, m: SymbolMarket, req: PlaceRequest, rules: PlaceRules): number | CoreError {
    const { symbol, side } = req;
    const inst = m.instrument;
    const ref = req.price ?? (side === "buy" ? m.bestAsk : m.bestBid) ?? m.last;
    if (ref === null) return CoreErrors.noMarketPrice(symbol);
    if (!req.reduceOnly && req.size * ref < inst.minNotional * (1 - 1e-9))
      return CoreErrors.notionalBelowMinimum(String(inst.minNotional));
    const up = side === "buy" ? 1 : -1;
    if (!req.reduceOnly && req.takeProfit !== null && (req.takeProfit - ref) * up <= 0)
      return CoreErrors.presetWrongSide("take-profit");
    if (!req.reduceOnly && req.stopLoss !== null && (ref - req.stopLoss) * up <= 0)
      return CoreErrors.presetWrongSide("stop-loss");
    if (req.reduceOnly && closable(acct.sizeOf(symbol), side) <= 0) return CoreErrors.noPosition();
    if (
      rules.postOnlyCross === "refuse" &&
      req.force === "post_only" &&
      req.price !== null &&
      crosses(m, side, req.price)
    )
      return CoreErrors.postOnlyWouldCross();
    if (req.reduceOnly) return ref;
    const rate = req.force === "post_only" ? this.opts.makerRate : this.opts.takerRate;
    const extraMargin = acct.orderMargin(symbol, { side, qty: req.size, price: ref }) - acct.orderMargin(symbol);
    const need = extraMargin + req.size * ref * rate;
    if (need > acct.figures(this.markOf).available + 1e-9) return CoreErrors.insufficientBalance();
    return ref;
  }

  private newOrder(acct: Account, req: PlaceRequest, orderSource: string): CoreOrder {
    const now = this.now();
    const orderId = this.id();
    const size = req.reduceOnly ? Math.min(req.size, closable(acct.sizeOf(req.symbol), req.side)) : req.size;
    const order: CoreOrder = {
      orderId,
      clientOid: req.clientOid ?? orderId,
      symbol: req.symbol,
      side: req.side,
      orderType: req.orderType,
      force: req.force,
      price: req.price,
      size,
      filled: 0,
      notional: 0,
      fee: 0,
      profit: 0,
      reduceOnly: req.reduceOnly,
      status: "live",
      takeProfit: req.reduceOnly ? null : req.takeProfit,
      stopLoss: req.reduceOnly ? null : req.stopLoss,
      leverage: acct.leverageOf(req.symbol),
      marginMode: acct.marginModeOf(req.symbol),
      orderSource,
      cancelReason: "",
      cTime: now,
      uTime: now,
      queueAhead: 0,
    };
    acct.addOrder(order);
    return order;
  }

  /** Runs a new order against the book, then rests or cancels what is left; pushes everything. */
  private execute(apiKey: string, acct: Account, o: CoreOrder, m: SymbolMarket): void {
    this.emit(apiKey, "orders", [orderPushShape(o, m.instrument)], { channel: "orders", order: o });
    const limit = o.orderType === "market" ? null : o.price;
    const fokShort = o.force === "fok" && m.depthUpTo(o.side, limit) < o.size - EPS;
    if (o.force !== "post_only" && !fokShort) {
      const execs = m.take(o.side, o.size, limit);
      let lastPrice: number | null = null;
      for (const [price, qty] of execs) {
        this.fill(apiKey, acct, o, price, qty, "taker");
        lastPrice = price;
      }
      const left = snap(o.size - o.filled, m.instrument.sizeStep);
      const fallback = lastPrice ?? (o.side === "buy" ? m.bestAsk : m.bestBid) ?? m.last;
      if (o.orderType === "market" && left > EPS && fallback !== null && acct.open.has(o.orderId))
        this.fill(apiKey, acct, o, fallback, left, "taker");
    }
    if (acct.open.has(o.orderId)) {
      if (o.orderType === "market" || o.force === "ioc" || o.force === "fok")
        this.cancel(apiKey, acct, o, `${o.force === "gtc" ? "market" : o.force}_cancel`);
      else if (o.force === "post_only" && crosses(m, o.side, o.price as number))
        this.cancel(apiKey, acct, o, "post_only_fill_cancel");
      else o.queueAhead = m.sizeAt(o.side === "buy" ? "bids" : "asks", o.price as number);
    }
    this.afterChange(apiKey, acct, o.symbol);
  }

  /** Maker fills of resting orders on a public trade print (module doc: queue model). */
  private fillResting(m: SymbolMarket, t: TradeEvent): void {
    const candidates: [string, Account, CoreOrder][] = [];
    for (const [key, acct] of this.byKey) {
      for (const o of acct.open.values()) {
        if (o.symbol !== t.symbol || o.price === null) continue;
        if (o.side === "buy" ? t.price <= o.price + EPS : t.price >= o.price - EPS) candidates.push([key, acct, o]);
      }
    }
    if (candidates.length === 0) return;
    candidates.sort((a, b) => compareIds(a[2].orderId, b[2].orderId));
    let printLeft = t.size;
    const touched = new Map<string, Account>();
    for (const [key, acct, o] of candidates) {
      if (!acct.open.has(o.orderId)) continue;
      const price = o.price as number;
      const through = o.side === "buy" ? t.price < price - EPS : t.price > price + EPS;
      const left = o.size - o.filled;
      let qty = left;
      if (!through) {
        const fillable = Math.max(0, printLeft - o.queueAhead);
        o.queueAhead = Math.max(0, o.queueAhead - printLeft);
        qty = Math.min(left, fillable);
        printLeft -= qty;
      }
      qty = snap(qty, m.instrument.sizeStep);
      if (qty <= EPS) continue;
      this.fill(key, acct, o, price, qty, "maker");
      touched.set(key, acct);
    }
    for (const [key, acct] of touched) this.afterChange(key, acct, t.symbol);
  }

  /** Closes positions whose preset TP/SL the print at `price` reached. */
  private triggerPresets(m: SymbolMarket, price: number): void {
    const symbol = m.instrument.symbol;
    for (const [key, acct] of this.byKey) {
      const pos = acct.positions.get(symbol);
      if (!pos || (pos.takeProfit === null && pos.stopLoss === null)) continue;
      const long = pos.size > 0;
      const hitTp = pos.takeProfit !== null && (long ? price >= pos.takeProfit : price <= pos.takeProfit);
      const hitSl = pos.stopLoss !== null && (long ? price <= pos.stopLoss : price >= pos.stopLoss);
      if (hitSl) this.closePosition(key, acct, symbol, "pos_loss_market");
      else if (hitTp) this.closePosition(key, acct, symbol, "pos_profit_market");
    }
  }

  /** Closes the whole position of `symbol` with a reduce-only market order (no rate limit). */
  private closePosition(apiKey: string, acct: Account, symbol: string, source: string): CoreOrder | null {
    const size = acct.sizeOf(symbol);
    if (size === 0) return null;
    const side: Side = size > 0 ? "sell" : "buy";
    const req: PlaceRequest = {
      symbol,
      side,
      orderType: "market",
      force: "gtc",
      price: null,
      size: Math.abs(size),
      clientOid: null,
      reduceOnly: true,
      takeProfit: null,
      stopLoss: null,
    };
    const m = this.markets.get(symbol) as SymbolMarket;
    const o = this.newOrder(acct, req, source);
    this.execute(apiKey, acct, o, m);
    return o;
  }

  /** Books one execution: reduce-only cut, fee, position, order, fill record; pushes orders + fill. */
  private fill(
    apiKey: string,
    acct: Account,
    o: CoreOrder,
    price: number,
    qty: number,
    scope: "taker" | "maker",
  ): void {
    const inst = this.inst(o.symbol);
    qty = snap(o.reduceOnly ? Math.min(qty, closable(acct.sizeOf(o.symbol), o.side)) : qty, inst.sizeStep);
    if (qty <= EPS) return;
    const now = this.now();
    const fee = money(qty * price * (scope === "taker" ? this.opts.takerRate : this.opts.makerRate));
    const signed = o.side === "buy" ? qty : -qty;
    const profit = acct.applyExecution(o.symbol, signed, price, fee, now, inst.sizeStep, () => this.id());
    o.filled = snap(o.filled + qty, inst.sizeStep);
    o.notional += qty * price;
    o.fee = money(o.fee + fee);
    o.profit = money(o.profit + profit);
    o.uTime = now;
    o.status = o.filled >= o.size - EPS ? "filled" : "partially_filled";
    const pos = acct.positions.get(o.symbol);
    if (pos && !o.reduceOnly && Math.sign(pos.size) === Math.sign(signed)) {
      pos.takeProfit = o.takeProfit ?? pos.takeProfit;
      // The preset becomes (or replaces) the position's stop plan, as at Bitget.
      if (o.stopLoss !== null && (o.stopLoss !== pos.stopLoss || !pos.stopPlanId))
        setStopPlan(pos, o.stopLoss, this.id(), null, now);
    }
    const f: CoreFill = {
      tradeId: this.id(),
      orderId: o.orderId,
      clientOid: o.clientOid,
      symbol: o.symbol,
      side: o.side,
      orderType: o.orderType,
      reduceOnly: o.reduceOnly,
      price,
      size: qty,
      fee,
      profit,
      scope,
      ts: now,
    };
    acct.fills.push(f);
    if (o.status === "filled") acct.closeOrder(o);
    this.emit(apiKey, "orders", [orderPushShape(o, inst, f)], { channel: "orders", order: o, fill: f });
    this.emit(apiKey, "fill", [fillShape(f, inst)], { channel: "fill", fill: f });
  }

  private cancel(apiKey: string, acct: Account, o: CoreOrder, reason: string): void {
    o.status = "canceled";
    o.cancelReason = reason;
    o.uTime = this.now();
    acct.closeOrder(o);
    this.emit(apiKey, "orders", [orderPushShape(o, this.inst(o.symbol))], { channel: "orders", order: o });
  }

  /** After executions: cancels reduce-only orders left with nothing to reduce, then pushes positions and account. */
  private afterChange(apiKey: string, acct: Account, symbol: string): void {
    const size = acct.sizeOf(symbol);
    for (const o of [...acct.open.values()]) {
      if (o.symbol === symbol && o.reduceOnly && closable(size, o.side) <= 0)
        this.cancel(apiKey, acct, o, "reduce_only_cancel");
    }
    this.pushPositionsAndAccount(apiKey, acct);
  }

  /** Caps each resting order's queue-ahead by the current book size at its price. */
  private refreshQueues(m: SymbolMarket): void {
    const symbol = m.instrument.symbol;
    for (const acct of this.byKey.values()) {
      for (const o of acct.open.values()) {
        if (o.symbol !== symbol || o.price === null || o.queueAhead === 0) continue;
        const bookSide = o.side === "buy" ? "bids" : "asks";
        const best = o.side === "buy" ? m.bestBid : m.bestAsk;
        const atPrice = m.sizeAt(bookSide, o.price);
        if (atPrice > 0) o.queueAhead = Math.min(o.queueAhead, atPrice);
        else if (best === null || (o.side === "buy" ? o.price > best : o.price < best)) o.queueAhead = 0;
      }
    }
  }

  private readonly markOf = (symbol: string): number | null => this.markets.get(symbol)?.mark ?? null;

  private positionViews(acct: Account): PositionView[] {
    const equity = acct.figures(this.markOf).equity;
    return [...acct.positions.values()].map((pos) => ({
      pos,
      inst: this.inst(pos.symbol),
      mark: this.markOf(pos.symbol) ?? pos.avg,
      leverage: acct.leverageOf(pos.symbol),
      marginMode: acct.marginModeOf(pos.symbol),
      locked: acct.lockedSize(pos.symbol),
      openDelegate: acct.openingSize(pos.symbol),
      equity,
      takerRate: this.opts.takerRate,
    }));
  }

  private pushPositionsAndAccount(apiKey: string, acct: Account): void {
    const views = this.positionViews(acct);
    this.emit(apiKey, "positions", views.map(positionPushShape), { channel: "positions", views });
    this.pushAccount(apiKey, acct);
  }

  private pushAccount(apiKey: string, acct: Account): void {
    const figures = acct.figures(this.markOf);
    this.emit(apiKey, "account", [accountPushShape(figures)], { channel: "account", figures });
  }

  private emit(apiKey: string, channel: PrivateChannel, data: object[], event: CoreEvent): void {
    this.opts.onPrivate?.(apiKey, channel, data, event);
  }

  private orderPage(list: CoreOrder[]): { entrustedList: object[] | null; endId: string | null } {
    if (list.length === 0) return { entrustedList: null, endId: null };
    return {
      entrustedList: list.map((o) => orderShape(o, this.inst(o.symbol), "status")),
      endId: list[list.length - 1].orderId,
    };
  }

  private leverageData(acct: Account, symbol: string): object {
    const lev = String(acct.leverageOf(symbol));
    return {
      symbol,
      marginCoin: MARGIN_COIN,
      longLeverage: lev,
      shortLeverage: lev,
      crossMarginLeverage: lev,
      marginMode: acct.marginModeOf(symbol),
    };
  }

  private symbolOf(body: Record<string, unknown>): string | CoreError {
    const common = checkCommon(body);
    if (common) return common;
    const symbol = text(body.symbol);
    if (!symbol) return CoreErrors.paramEmpty("symbol");
    return this.instruments.has(symbol) ? symbol : CoreErrors.symbolNotFound(symbol);
  }

  private getAccount(apiKey: string): Account {
    let acct = this.byKey.get(apiKey);
    if (!acct) {
      acct = new Account(this.opts.startingBalance, this.accountLimits());
      this.byKey.set(apiKey, acct);
    }
    return acct;
  }

  private inst(symbol: string): Instrument {
    return this.instruments.get(symbol) as Instrument;
  }

  private id(): string {
    this.nextId += 1n;
    return this.nextId.toString();
  }

  private accountLimits(): AccountLimits {
    return {
      ordersPerSecond: this.opts.ordersPerSecond ?? 10,
      maxClosedOrders: this.opts.maxClosedOrders ?? 1000,
      maxFills: this.opts.maxFills ?? 1000,
      defaultLeverage: this.opts.defaultLeverage ?? 20,
    };
  }
}

/** Size an order on `side` could reduce of signed position `size`. */
function closable(size: number, side: Side): number {
  return side === "buy" ? Math.max(0, -size) : Math.max(0, size);
}

function crosses(m: SymbolMarket, side: Side, price: number): boolean {
  const opposite = side === "buy" ? m.bestAsk : m.bestBid;
  return opposite !== null && (side === "buy" ? price >= opposite : price <= opposite);
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** Which executions a fills query asks for; `before`: only tradeIds below it (the paging cursor: V2 `idLessThan`, v3 `cursor`). */
export interface FillQuery {
  readonly symbol?: string;
  readonly orderId?: string;
  readonly startTime?: number;
  readonly endTime?: number;
  readonly before?: string;
  readonly limit?: number;
}

/** True for a cursor the venue issued (a tradeId: decimal digits). */
export function isFillCursor(s: string): boolean {
  return /^\d{1,30}$/.test(s);
}

/** The predicate of a {@link FillQuery} (the venue's tradeIds are increasing integers, compared as such). */
export function fillFilter(q: FillQuery): (f: CoreFill) => boolean {
  const before = q.before !== undefined && isFillCursor(q.before) ? BigInt(q.before) : null;
  return (f) =>
    (!q.symbol || f.symbol === q.symbol) &&
    (!q.orderId || f.orderId === q.orderId) &&
    (q.startTime === undefined || f.ts >= q.startTime) &&
    (q.endTime === undefined || f.ts <= q.endTime) &&
    (before === null || BigInt(f.tradeId) < before);
}

function clampLimit(limit: number, fallback: number, max: number): number {
  if (!Number.isFinite(limit) || limit <= 0) return fallback;
  return Math.min(Math.floor(limit), max);
}
