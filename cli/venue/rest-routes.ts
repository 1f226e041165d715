/**
 * The venue's REST surface: Bitget V2 USDT-M paths (bitget-v2.md §4.5) over the matching core,
 * with Bitget's envelope `{"code":"00000","msg":"success","requestTime":ms,"data":…}` (§4.4).
 *
 * - Private paths authenticate the call (rest-auth.ts) against the venue's keys; a route of one
 *   account family refuses a key of the other (`40085` for a UTA key on V2, `40084` for a Classic
 *   key on v3, venue-keys.ts). The v3 surface (v3-rest-routes.ts) plugs its routes in here, so both
 *   dialects share authentication, faults and the envelope.
 * - Documented public paths the venue does not model answer the envelope with `data: []`; any other
 *   path answers HTTP 404 with code 40404, after authenticating a signed call (a bad key or
 *   signature is refused with its code whatever the path). The `paptrading: 1` header is accepted and changes nothing.
 * - REST faults: a 5xx or 429 call is refused before it is processed; a timed-out call IS processed
 *   and its response never sent (the outcome-unknown case idempotent placement has to handle).
 * Signature timestamps and `requestTime` use the wall clock (clients sign with theirs); everything
 * market-related uses the replay's market clock.
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ENDPOINTS } from "../../shared/exchange/bitget/rest-endpoints";
import type { Instrument } from "../../shared/market/instrument";
import type { CoreResult } from "./core-errors";
import { type StopPlanView, stopPlanShapeV2 } from "./core-stop-plans";
import type { FillQuery, StopPlanRequest } from "./exchange-core";
import type { Faults } from "./faults";
import { authenticateRest } from "./rest-auth";
import {
  bodyParams,
  fail400,
  fillQueryOf,
  header,
  nonEmpty,
  num,
  type Params,
  paramEmpty,
  queryParams,
  readBody,
  str,
  withLimit,
} from "./rest-params";
import { type AccountMode, familyRefusal, type VenueKeys } from "./venue-keys";

/** The matching core's methods the REST surface calls (the venue's ExchangeCore). */
export interface RestCore {
  ensureAccount(apiKey: string): void;
  contracts(symbol?: string): CoreResult<object[]>;
  ticker(symbol: string): CoreResult<object[]>;
  depth(symbol: string, limit: number): CoreResult<object>;
  recentTrades(symbol: string, limit: number): CoreResult<object[]>;
  candles(
    symbol: string,
    granularity: string,
    limit: number,
    startTime?: number,
    endTime?: number,
  ): CoreResult<string[][]>;
  placeOrder(apiKey: string, body: Record<string, unknown>): CoreResult<{ orderId: string; clientOid: string }>;
  cancelOrder(apiKey: string, body: Record<string, unknown>): CoreResult<{ orderId: string; clientOid: string }>;
  orderDetail(apiKey: string, q: { symbol: string; orderId?: string; clientOid?: string }): CoreResult<object>;
  openOrders(
    apiKey: string,
    q: { symbol?: string },
  ): CoreResult<{ entrustedList: object[] | null; endId: string | null }>;
  fills(apiKey: string, q: FillQuery): CoreResult<{ fillList: object[] | null; endId: string | null }>;
  positions(apiKey: string, symbol?: string): CoreResult<object[]>;
  accounts(apiKey: string): CoreResult<object[]>;
  setLeverage(apiKey: string, body: Record<string, unknown>): CoreResult<object>;
  setMarginMode(apiKey: string, body: Record<string, unknown>): CoreResult<object>;
  setPositionMode(apiKey: string, body: Record<string, unknown>): CoreResult<object>;
  flashClose(
    apiKey: string,
    body: Record<string, unknown>,
  ): CoreResult<{ successList: object[]; failureList: object[] }>;
  cancelAllOrders(
    apiKey: string,
    body: Record<string, unknown>,
  ): CoreResult<{ successList: object[]; failureList: object[] }>;
  ordersHistory(
    apiKey: string,
    q: { symbol?: string; limit?: number },
  ): CoreResult<{ entrustedList: object[] | null; endId: string | null }>;
  singleAccount(apiKey: string, q: { symbol: string }): CoreResult<object>;
  placeStopPlan(apiKey: string, req: StopPlanRequest): CoreResult<{ orderId: string; clientOid: string }>;
  stopPlans(apiKey: string, symbol?: string): StopPlanView[];
  cancelStopPlan(
    apiKey: string,
    q: { symbol: string | null; orderId: string | null; clientOid: string | null },
  ): CoreResult<{ orderId: string; clientOid: string }>;
}

/** Options of {@link RestRouter}. */
export interface RestOptions {
  readonly core: RestCore;
  readonly keys: VenueKeys;
  readonly faults: Faults;
  readonly instruments: readonly Instrument[];
  readonly makerRate: number;
  readonly takerRate: number;
  /** Wall clock: signature window and `requestTime`. */
  readonly wallNow: () => number;
  /** Market clock: funding times and other market-time fields. */
  readonly clock: () => number;
  /** More routes (the v3 surface), keyed `"METHOD /path"`. */
  readonly extraRoutes?: ReadonlyMap<string, Route>;
}

export { REST_WINDOW_MS } from "./rest-auth";

/** Documented Bitget V2 public GET paths the venue does not model: answered with `data: []`. */
export const UNMODELLED_PUBLIC_PATHS: ReadonlySet<string> = new Set([
  "/api/v2/public/annoucements",
  "/api/v2/spot/public/coins",
  "/api/v2/spot/public/symbols",
  "/api/v2/spot/market/vip-fee-rate",
  "/api/v2/spot/market/tickers",
  "/api/v2/spot/market/merge-depth",
  "/api/v2/spot/market/orderbook",
  "/api/v2/spot/market/candles",
  "/api/v2/spot/market/history-candles",
  "/api/v2/spot/market/fills",
  "/api/v2/spot/market/fills-history",
  "/api/v2/spot/market/fund-flow",
  "/api/v2/spot/market/support-symbols",
  "/api/v2/spot/market/fund-net-flow",
  "/api/v2/mix/market/vip-fee-rate",
  "/api/v2/mix/market/union-interest-rate-history",
  "/api/v2/mix/market/exchange-rate",
  "/api/v2/mix/market/discount-rate",
  "/api/v2/mix/market/history-index-candles",
  "/api/v2/mix/market/history-mark-candles",
  "/api/v2/mix/market/open-interest",
  "/api/v2/mix/market/history-fund-rate",
  "/api/v2/mix/market/query-position-lever",
  "/api/v2/mix/market/taker-buy-sell",
  "/api/v2/mix/market/position-long-short",
  "/api/v2/mix/market/long-short-ratio",
  "/api/v2/mix/market/loan-growth",
  "/api/v2/mix/market/isolated-borrow-rate",
  "/api/v2/mix/market/long-short",
  "/api/v2/mix/market/account-long-short",
  "/api/v2/margin/currencies",
]);

/** One call as a route handler sees it. */
export interface Call {
  readonly params: Params;
  /** The authenticated key (private routes), else "". */
  readonly apiKey: string;
}

/** A REST route: public, or private to one account family. */
export interface Route {
  readonly auth: boolean;
  /** The account family a private route serves; a key of the other family is refused. */
  readonly family?: AccountMode;
  readonly handle: (call: Call) => CoreResult<unknown>;
}

/** Bitget-envelope REST over the core; {@link handle} serves one HTTP request. */
export class RestRouter {
  readonly #o: RestOptions;
  readonly #routes: Map<string, Route>;
  readonly #held = new Set<ServerResponse>();

  constructor(options: RestOptions) {
    this.#o = options;
    this.#routes = this.#table();
    for (const [k, r] of options.extraRoutes ?? []) this.#routes.set(k, r);
  }

  /** Serves one request: reads the body, applies faults, authenticates, routes and answers. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    const rawQuery = q < 0 ? "" : url.slice(q + 1);
    const method = (req.method ?? "GET").toUpperCase();
    const body = await readBody(req);
    if (body === null) return this.#send(res, 413, this.#err("40017", "request body too large"));
    const fault = path.startsWith("/api/") ? this.#o.faults.restFault() : null;
    if (fault === "5xx") return this.#send(res, 500, this.#err("40015", "System is abnormal, please try again later."));
    if (fault === "429") return this.#send(res, 429, this.#err("429", "Too Many Requests"));
    const [status, reply] = await this.#answer(method, path, rawQuery, body, req);
    if (fault === "timeout") return this.#hold(res);
    this.#send(res, status, reply);
  }

  /** Destroys every response held by the timeout fault. */
  close(): void {
    for (const res of this.#held) res.destroy();
    this.#held.clear();
  }

  async #answer(
    method: string,
    path: string,
    rawQuery: string,
    body: string,
    req: IncomingMessage,
  ): Promise<[number, object]> {
    const route = this.#routes.get(`${method} ${path}`);
    if (!route) {
      if (method === "GET" && UNMODELLED_PUBLIC_PATHS.has(path)) return [200, this.#ok([])];
      // A signed call is authenticated before the 404, as Bitget's gateway does: a client that falls
      // back to a path the venue does not model (ccxt's spot balance after a failed UTA probe) still
      // hears its bad key or signature, not "not found".
      if (header(req, "access-key")) {
        const auth = await authenticateRest(
          req,
          { method, path, query: rawQuery, body },
          this.#o.keys,
          this.#o.wallNow,
        );
        if (!auth.ok) return [auth.error.http, this.#err(auth.error.code, auth.error.msg)];
      }
      return [404, this.#err("40404", `Request URL NOT FOUND: ${method} ${path}`)];
    }
    let apiKey = "";
    if (route.auth) {
      const auth = await authenticateRest(req, { method, path, query: rawQuery, body }, this.#o.keys, this.#o.wallNow);
      if (!auth.ok) return [auth.error.http, this.#err(auth.error.code, auth.error.msg)];
      const wrong = route.family ? familyRefusal(auth.key.accountMode, route.family) : null;
      if (wrong) return [wrong.http, this.#err(wrong.code, wrong.msg)];
      apiKey = auth.key.credentials.apiKey;
      this.#o.core.ensureAccount(apiKey);
    }
    const params = method === "GET" ? queryParams(rawQuery) : bodyParams(body);
    if (params === null) return [400, this.#err("40017", "Parameter verification failed: body is not a JSON object")];
    let result: CoreResult<unknown>;
    try {
      result = route.handle({ params, apiKey });
    } catch (e) {
      process.stderr.write(`venue: ${method} ${path} failed: ${(e as Error).stack ?? e}\n`);
      return [500, this.#err("40015", "System is abnormal, please try again later.")];
    }
    return result.ok
      ? [200, this.#ok(result.data)]
      : [result.error.http, this.#err(result.error.code, result.error.msg)];
  }

  #ok(data: unknown): object {
    return { code: "00000", msg: "success", requestTime: this.#o.wallNow(), data };
  }

  #err(code: string, msg: string): object {
    return { code, msg, requestTime: this.#o.wallNow(), data: null };
  }

  #send(res: ServerResponse, status: number, body: object): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    res.end(text);
  }

  #hold(res: ServerResponse): void {
    this.#held.add(res);
    res.on("close", () => this.#held.delete(res));
  }

  #table(): Map<string, Route> {
    const c = this.#o.core;
    const r = new Map<string, Route>();
    const get = (path: string, handle: Route["handle"], auth = false) =>
      r.set(`GET ${path}`, auth ? { auth, family: "classic", handle } : { auth, handle });
    const post = (path: string, handle: Route["handle"]) =>
      r.set(`POST ${path}`, { auth: true, family: "classic", handle });
    const E = ENDPOINTS;
    get(E.serverTime.path, () => ({ ok: true, data: { serverTime: String(this.#o.wallNow()) } }));
    get(E.contracts.path, ({ params }) => listOf(params, () => c.contracts(str(params, "symbol"))));
    get(E.ticker.path, ({ params }) => bySymbol(params, (s) => c.ticker(s)));
    get("/api/v2/mix/market/tickers", ({ params }) => listOf(params, () => this.#allTickers()));
    get(E.depth.path, ({ params }) => bySymbol(params, (s) => withLimit(params, 100, 1000, (n) => c.depth(s, n))));
    get(E.recentTrades.path, ({ params }) =>
      bySymbol(params, (s) => withLimit(params, 100, 100, (n) => c.recentTrades(s, n))),
    );
    get("/api/v2/mix/market/fills-history", ({ params }) =>
      bySymbol(params, (s) => withLimit(params, 500, 1000, (n) => c.recentTrades(s, n))),
    );
    get(E.candles.path, ({ params }) => this.#candles(params, 1000));
    get("/api/v2/mix/market/history-candles", ({ params }) => this.#candles(params, 200));
    get("/api/v2/mix/market/current-fund-rate", ({ params }) =>
      this.#funding(params, (symbol, next) => ({
        symbol,
        fundingRate: "0",
        fundingRateInterval: "8",
        nextUpdate: next,
        minFundingRate: "-0.003",
        maxFundingRate: "0.003",
      })),
    );
    get("/api/v2/mix/market/funding-time", ({ params }) =>
      this.#funding(params, (symbol, next) => ({ symbol, nextFundingTime: next, ratePeriod: "8" })),
    );
    get("/api/v2/mix/market/symbol-price", ({ params }) => bySymbol(params, (s) => this.#symbolPrice(s)));
    get(
      "/api/v2/common/trade-rate",
      () => ({ ok: true, data: { makerFeeRate: String(this.#o.makerRate), takerFeeRate: String(this.#o.takerRate) } }),
      true,
    );
    get(E.accounts.path, ({ params, apiKey }) => listOf(params, () => c.accounts(apiKey)), true);
    get(
      "/api/v2/mix/account/account",
      ({ params, apiKey }) => bySymbol(params, (symbol) => c.singleAccount(apiKey, { symbol })),
      true,
    );
    get(E.singlePosition.path, ({ params, apiKey }) => bySymbol(params, (s) => c.positions(apiKey, s)), true);
    get(E.allPositions.path, ({ params, apiKey }) => listOf(params, () => c.positions(apiKey)), true);
    get(
      E.orderDetail.path,
      ({ params, apiKey }) =>
        bySymbol(params, (symbol) =>
          c.orderDetail(apiKey, { symbol, orderId: str(params, "orderId"), clientOid: str(params, "clientOid") }),
        ),
      true,
    );
    get(
      E.openOrders.path,
      ({ params, apiKey }) =>
        pageOf(params, "entrustedList", () => c.openOrders(apiKey, { symbol: str(params, "symbol") })),
      true,
    );
    get(
      "/api/v2/mix/order/orders-history",
      ({ params, apiKey }) =>
        pageOf(params, "entrustedList", () =>
          c.ordersHistory(apiKey, { symbol: str(params, "symbol"), limit: num(params, "limit") }),
        ),
      true,
    );
    get(E.fills.path, ({ params, apiKey }) => pageOf(params, "fillList", () => this.#fills(apiKey, params)), true);
    get(
      E.fillHistory.path,
      ({ params, apiKey }) => pageOf(params, "fillList", () => this.#fills(apiKey, params)),
      true,
    );
    post(E.setLeverage.path, ({ params, apiKey }) => c.setLeverage(apiKey, params));
    post(E.setMarginMode.path, ({ params, apiKey }) => c.setMarginMode(apiKey, params));
    post(E.setPositionMode.path, ({ params, apiKey }) => c.setPositionMode(apiKey, params));
    post(E.placeOrder.path, ({ params, apiKey }) => c.placeOrder(apiKey, params));
    post(E.cancelOrder.path, ({ params, apiKey }) => c.cancelOrder(apiKey, params));
    post("/api/v2/mix/order/batch-place-order", ({ params, apiKey }) => this.#batchPlace(apiKey, params));
    post("/api/v2/mix/order/batch-cancel-orders", ({ params, apiKey }) => this.#batchCancel(apiKey, params));
    post("/api/v2/mix/order/cancel-all-orders", ({ params, apiKey }) => c.cancelAllOrders(apiKey, params));
    post("/api/v2/mix/order/modify-order", ({ params, apiKey }) => this.#modify(apiKey, params));
    post(E.flashClose.path, ({ params, apiKey }) => c.flashClose(apiKey, params));
    post(E.placeTpslOrder.path, ({ params, apiKey }) =>
      bySymbol(params, (symbol) => placeTpsl(c, apiKey, symbol, params)),
    );
    get(
      E.pendingPlans.path,
      ({ params, apiKey }) =>
        pageOf(params, "entrustedList", () => {
          const planType = str(params, "planType");
          if (!planType) return paramEmpty("planType");
          const symbol = str(params, "symbol");
          if (symbol && !this.#o.instruments.some((i) => i.symbol === symbol))
            return fail400("40102", `The contract configuration does not exist: ${symbol}`);
          // Only position stops are modelled; normal and trailing trigger plans list nothing.
          const list = planType === "profit_loss" ? c.stopPlans(apiKey, symbol).map(stopPlanShapeV2) : [];
          return { ok: true, data: { entrustedList: list.length ? list : null, endId: null } };
        }),
      true,
    );
    post(E.cancelPlanOrder.path, ({ params, apiKey }) =>
      pageOf(params, "successList", () => cancelPlans(c, apiKey, params)),
    );
    return r;
  }

  #allTickers(): CoreResult<object[]> {
    const out: object[] = [];
    for (const inst of this.#o.instruments) {
      const t = this.#o.core.ticker(inst.symbol);
      if (t.ok) out.push(...t.data);
    }
    return { ok: true, data: out };
  }

  #candles(params: Params, maxLimit: number): CoreResult<unknown> {
    return bySymbol(params, (symbol) => {
      const granularity = str(params, "granularity");
      if (!granularity) return paramEmpty("granularity");
      return withLimit(params, 100, maxLimit, (n) =>
        this.#o.core.candles(symbol, granularity, n, num(params, "startTime"), num(params, "endTime")),
      );
    });
  }

  #funding(params: Params, item: (symbol: string, next: string) => object): CoreResult<unknown> {
    const next = String(nextFundingTime(this.#o.clock()));
    const symbol = str(params, "symbol");
    if (!symbol) return { ok: true, data: this.#o.instruments.map((i) => item(i.symbol, next)) };
    if (!this.#o.instruments.some((i) => i.symbol === symbol))
      return fail400("40102", `The contract configuration does not exist: ${symbol}`);
    return { ok: true, data: [item(symbol, next)] };
  }

  #symbolPrice(symbol: string): CoreResult<unknown> {
    const t = this.#o.core.ticker(symbol);
    if (!t.ok) return t;
    const o = (t.data[0] ?? {}) as Record<string, unknown>;
    return {
      ok: true,
      data: [
        { symbol, price: o.lastPr, indexPrice: o.indexPrice ?? o.lastPr, markPrice: o.markPrice ?? o.lastPr, ts: o.ts },
      ],
    };
  }

  /** V2 fills: the filters, and `idLessThan` = the previous page's `endId` for the next (older) page. */
  #fills(apiKey: string, params: Params): CoreResult<unknown> {
    return withLimit(params, 100, 100, (limit) => {
      const q = fillQueryOf(params, "idLessThan", limit);
      return q.ok ? this.#o.core.fills(apiKey, q.data) : q;
    });
  }

  #batchPlace(apiKey: string, params: Params): CoreResult<unknown> {
    const list = params.orderList;
    if (!Array.isArray(list) || list.length === 0) return paramEmpty("orderList");
    if (list.length > 50) return fail400("40020", "Parameter error: orderList holds at most 50 orders");
    const shared = {
      symbol: params.symbol,
      productType: params.productType,
      marginCoin: params.marginCoin,
      marginMode: params.marginMode,
    };
    return batch(list, (item) => this.#o.core.placeOrder(apiKey, { ...shared, ...(item as Params) }));
  }

  #batchCancel(apiKey: string, params: Params): CoreResult<unknown> {
    const list = params.orderIdList;
    if (list === undefined || (Array.isArray(list) && list.length === 0))
      return this.#o.core.cancelAllOrders(apiKey, params);
    if (!Array.isArray(list)) return fail400("40020", "Parameter error: orderIdList must be an array");
    const shared = { symbol: params.symbol, productType: params.productType, marginCoin: params.marginCoin };
    return batch(list, (item) => this.#o.core.cancelOrder(apiKey, { ...shared, ...(item as Params) }));
  }

  /** modify-order as Bitget does it: the order is cancelled and replaced by a new one (new id, `newClientOid`). */
  #modify(apiKey: string, params: Params): CoreResult<unknown> {
    const symbol = str(params, "symbol");
    if (!symbol) return paramEmpty("symbol");
    const newClientOid = str(params, "newClientOid");
    if (!newClientOid) return paramEmpty("newClientOid");
    const detail = this.#o.core.orderDetail(apiKey, {
      symbol,
      orderId: str(params, "orderId"),
      clientOid: str(params, "clientOid"),
    });
    if (!detail.ok) return detail;
    const o = detail.data as Params;
    const cancelled = this.#o.core.cancelOrder(apiKey, { symbol, productType: params.productType, orderId: o.orderId });
    if (!cancelled.ok) return cancelled;
    const remaining = Number(o.size) - Number(o.baseVolume ?? 0);
    return this.#o.core.placeOrder(apiKey, {
      symbol,
      productType: params.productType,
      marginMode: o.marginMode,
      marginCoin: o.marginCoin ?? "USDT",
      size: str(params, "newSize") ?? String(remaining),
      price: str(params, "newPrice") ?? o.price,
      side: o.side,
      orderType: o.orderType,
      force: o.force,
      reduceOnly: o.reduceOnly,
      clientOid: newClientOid,
      presetStopSurplusPrice: str(params, "newPresetStopSurplusPrice") ?? nonEmpty(o.presetStopSurplusPrice),
      presetStopLossPrice: str(params, "newPresetStopLossPrice") ?? nonEmpty(o.presetStopLossPrice),
    });
  }
}

/** The next 00:00/08:00/16:00 UTC boundary after `t` (8-hour funding, §7). */
export function nextFundingTime(t: number): number {
  const period = 8 * 3_600_000;
  return (Math.floor(t / period) + 1) * period;
}

function batch(
  items: readonly unknown[],
  run: (item: unknown) => CoreResult<{ orderId: string; clientOid: string }>,
): CoreResult<unknown> {
  const successList: object[] = [];
  const failureList: object[] = [];
  for (const item of items) {
    const r = run(item);
    const ref = (item ?? {}) as Params;
    if (r.ok) successList.push({ orderId: r.data.orderId, clientOid: r.data.clientOid });
    else
      failureList.push({
        orderId: String(ref.orderId ?? ""),
        clientOid: String(ref.clientOid ?? ""),
        errorMsg: r.error.msg,
        errorCode: r.error.code,
      });
  }
  return { ok: true, data: { successList, failureList } };
}

/** Our product types: `USDT-FUTURES`, and the demo alias `SUSDT-FUTURES` (§7), case-insensitive. */
function isOurProduct(pt: string): boolean {
  const u = pt.toUpperCase();
  return u === "USDT-FUTURES" || u === "SUSDT-FUTURES";
}

/** A list endpoint: productType is required; another product has nothing here (`[]`). */
/** `place-tpsl-order`: only `pos_loss` (a position stop) is modelled (docs/exchange-stops.md). */
function placeTpsl(c: RestCore, apiKey: string, symbol: string, p: Params): CoreResult<unknown> {
  const planType = str(p, "planType");
  if (!planType) return paramEmpty("planType");
  if (planType !== "pos_loss")
    return fail400("40020", `Parameter error: planType ${planType} is not modelled by this venue`);
  return c.placeStopPlan(apiKey, {
    symbol,
    holdSide: str(p, "holdSide") ?? null,
    triggerPrice: p.triggerPrice,
    clientOid: str(p, "clientOid") || null,
  });
}

/** `cancel-plan-order`: each of `orderIdList` (by `orderId` or `clientOid`), else every stop plan of `symbol`. */
function cancelPlans(c: RestCore, apiKey: string, p: Params): CoreResult<unknown> {
  const symbol = str(p, "symbol") ?? null;
  const list = Array.isArray(p.orderIdList) ? (p.orderIdList as Record<string, unknown>[]) : [];
  const refs =
    list.length > 0
      ? list.map((i) => ({ orderId: str(i ?? {}, "orderId") || null, clientOid: str(i ?? {}, "clientOid") || null }))
      : symbol
        ? c.stopPlans(apiKey, symbol).map((s) => ({ orderId: s.orderId, clientOid: null }))
        : null;
  if (refs === null) return paramEmpty("orderIdList or symbol");
  const successList: object[] = [];
  const failureList: object[] = [];
  for (const ref of refs) {
    const r = c.cancelStopPlan(apiKey, { symbol, ...ref });
    if (r.ok) successList.push(r.data);
    else
      failureList.push({
        orderId: ref.orderId ?? "",
        clientOid: ref.clientOid ?? "",
        errorMsg: r.error.msg,
        errorCode: r.error.code,
      });
  }
  return { ok: true, data: { successList, failureList } };
}

function listOf(params: Params, run: () => CoreResult<unknown>): CoreResult<unknown> {
  const pt = str(params, "productType");
  if (!pt) return paramEmpty("productType");
  return isOurProduct(pt) ? run() : { ok: true, data: [] };
}

/** A paged endpoint (`{<list>, endId}`): productType required; another product gives an empty page. */
function pageOf(params: Params, list: string, run: () => CoreResult<unknown>): CoreResult<unknown> {
  const pt = str(params, "productType");
  if (!pt) return paramEmpty("productType");
  return isOurProduct(pt) ? run() : { ok: true, data: { [list]: null, endId: null } };
}

/** A one-symbol endpoint: symbol and productType are required, and the product must be ours. */
function bySymbol(params: Params, run: (symbol: string) => CoreResult<unknown>): CoreResult<unknown> {
  const symbol = str(params, "symbol");
  if (!symbol) return paramEmpty("symbol");
  const pt = str(params, "productType");
  if (!pt) return paramEmpty("productType");
  if (!isOurProduct(pt)) return fail400("40020", `Parameter productType error: ${pt}`);
  return run(symbol);
}
