/**
 * The venue's Bitget UTA (v3) REST routes (bitget-uta-v3.md §2), plugged into the same router as
 * V2 (rest-routes.ts: signing, faults, envelope) and run on the same matching core. Private routes
 * serve UTA keys only (a Classic key gets 40084). Requests are translated into the core's terms
 * (`qty` → size, `timeInForce` → force, `category` → product) and the core's refusals into v3 codes
 * (v3-errors.ts); the v3 place-order rules apply: a crossing post-only order is accepted and then
 * cancelled with `post_only_fill_cancel`, and a clientOid is unique only while its order is pending.
 *
 * Public: `market/instruments`, `market/tickers`, `market/orderbook` (`a`/`b`), `market/fills`,
 * `market/candles`. Private: `account/settings` (the account-mode probe), `account/assets`,
 * `account/fee-rate`, `account/set-leverage`, `account/set-hold-mode` (one-way only; hedge → 25010),
 * `trade/place-order`, `trade/cancel-order`, `trade/order-info`, `trade/unfilled-orders`,
 * `trade/history-orders`, `trade/fills`, `position/current-position`, and the position stop-loss as a
 * `tpsl` strategy order in `full` mode: `trade/place-strategy-order`, `trade/unfilled-strategy-orders`,
 * `trade/cancel-strategy-order` (docs/exchange-stops.md; trigger orders, partial mode and take-profit
 * are refused with 40020).
 * A category other than `USDT-FUTURES` lists nothing; `clientOid` must match `^[.A-Z:/a-z0-9_-]{1,32}$`.
 * @module
 */
import type { MarginMode } from "../../shared/exchange/bitget/rest-types";
import type { Instrument } from "../../shared/market/instrument";
import type { CoreOrder } from "./core-orders";
import { type CoreResult, fail, ok } from "./core-errors";
import { type ExchangeCore, fillFilter, type PlaceRules } from "./exchange-core";
import { fail400, fillQueryOf, num, type Params, paramEmpty, str, withLimit } from "./rest-params";
import type { Route } from "./rest-routes";
import { stopPlanShapeV3 } from "./core-stop-plans";
import { toV3Error, v3Result } from "./v3-errors";
import {
  assetsShape,
  CATEGORY,
  fillShapeV3,
  instrumentShape,
  orderShapeV3,
  positionShapeV3,
  tickerShapeV3,
} from "./v3-shapes";

/** v3 place-order rules (bitget-uta-v3.md §2.4, §2.10). */
export const V3_PLACE_RULES: PlaceRules = { postOnlyCross: "cancel", clientOidUnique: "whilePending" };

/** v3 clientOid rule (§2.4). */
export const V3_CLIENT_OID = /^[.A-Z:/a-z0-9_-]{1,32}$/;

/** V2 fields a v3 place-order refuses with 25236 (§2.4). */
const V2_ONLY_FIELDS = ["holdSide", "oneWayMode", "tradeSide"] as const;

/** The core methods the v3 routes use. */
export type V3Core = Pick<
  ExchangeCore,
  | "ensureAccount"
  | "instrumentList"
  | "ticker"
  | "depth"
  | "recentTrades"
  | "candles"
  | "placeOrder"
  | "cancelOrder"
  | "orderRecord"
  | "openOrderRecords"
  | "closedOrderRecords"
  | "fillRecords"
  | "positionRecords"
  | "accountFigures"
  | "symbolConfig"
  | "setLeverage"
  | "markPrice"
  | "placeStopPlan"
  | "stopPlans"
  | "cancelStopPlan"
>;

/** Options of {@link v3Routes}. */
export interface V3RouteOptions {
  readonly core: V3Core;
  readonly makerRate: number;
  readonly takerRate: number;
}

/** The v3 route table, keyed `"METHOD /path"`, for `RestOptions.extraRoutes`. */
export function v3Routes(o: V3RouteOptions): Map<string, Route> {
  const c = o.core;
  const r = new Map<string, Route>();
  const pub = (path: string, handle: Route["handle"]) => r.set(`GET /api/v3/${path}`, { auth: false, handle });
  const get = (path: string, handle: Route["handle"]) =>
    r.set(`GET /api/v3/${path}`, { auth: true, family: "uta", handle });
  const post = (path: string, handle: Route["handle"]) =>
    r.set(`POST /api/v3/${path}`, { auth: true, family: "uta", handle });
  const inst = (symbol: string) => c.instrumentList().find((i) => i.symbol === symbol);

  pub("market/instruments", ({ params }) =>
    listed(params, true, () => {
      const symbol = str(params, "symbol");
      const list = c.instrumentList().filter((i) => !symbol || i.symbol === symbol);
      if (symbol && list.length === 0) return symbolMissing(symbol);
      return ok(list.map((i) => instrumentShape(i, o.makerRate, o.takerRate)));
    }),
  );
  pub("market/tickers", ({ params }) =>
    listed(params, true, () => {
      const symbol = str(params, "symbol");
      const symbols = symbol ? [symbol] : c.instrumentList().map((i) => i.symbol);
      const out: object[] = [];
      for (const s of symbols) {
        const t = c.ticker(s);
        if (!t.ok) return v3Result(t);
        out.push(...t.data.map((d) => tickerShapeV3(d as Record<string, unknown>)));
      }
      return ok(out);
    }),
  );
  pub("market/orderbook", ({ params }) =>
    oneSymbol(params, (s) =>
      withLimit(params, 50, 200, (n) => {
        const d = c.depth(s, n);
        if (!d.ok) return v3Result(d);
        const { asks, bids, ts } = d.data as { asks: string[][]; bids: string[][]; ts: string };
        return ok({ a: asks, b: bids, ts });
      }),
    ),
  );
  pub("market/fills", ({ params }) =>
    oneSymbol(params, (s) =>
      withLimit(params, 100, 100, (n) => {
        const t = c.recentTrades(s, n);
        if (!t.ok) return v3Result(t);
        return ok(
          (t.data as Record<string, unknown>[]).map((x) => ({
            execId: x.tradeId,
            price: x.price,
            size: x.size,
            side: x.side,
            ts: x.ts,
          })),
        );
      }),
    ),
  );
  pub("market/candles", ({ params }) =>
    oneSymbol(params, (s) => {
      const interval = str(params, "interval");
      if (!interval) return paramEmpty("interval");
      return withLimit(params, 100, 1000, (n) =>
        v3Result(c.candles(s, interval, n, num(params, "startTime"), num(params, "endTime"))),
      );
    }),
  );

  get("account/settings", ({ apiKey }) =>
    ok({
      uid: uidOf(apiKey),
      accountMode: "unified",
      accountLevel: "basic",
      assetMode: "single",
      holdMode: "one_way_mode",
      stpMode: "none",
      symbolConfigList: c.instrumentList().map((i) => {
        const cfg = c.symbolConfig(apiKey, i.symbol);
        return { category: CATEGORY, symbol: i.symbol, marginMode: cfg.marginMode, leverage: String(cfg.leverage) };
      }),
      coinConfigList: [],
    }),
  );
  get("account/assets", ({ apiKey }) => ok(assetsShape(c.accountFigures(apiKey), c.markPrice("BTCUSDT"))));
  get("account/fee-rate", ({ params }) => {
    const symbol = str(params, "symbol");
    if (symbol && !inst(symbol)) return symbolMissing(symbol);
    return ok({ makerFeeRate: String(o.makerRate), takerFeeRate: String(o.takerRate) });
  });
  post("account/set-leverage", ({ params, apiKey }) =>
    ofCategory(params, true, () => {
      const body = { symbol: params.symbol, leverage: params.leverage, productType: CATEGORY };
      const r = c.setLeverage(apiKey, body);
      if (!r.ok) return v3Result(r);
      const mode = str(params, "marginMode")?.toLowerCase();
      if (mode && mode !== c.symbolConfig(apiKey, String(params.symbol)).marginMode)
        return fail400(
          "40020",
          `Parameter error: marginMode ${mode} differs from the symbol's (no margin-mode switch in v3)`,
        );
      return ok("success");
    }),
  );
  post("account/set-hold-mode", ({ params }) => {
    const mode = str(params, "holdMode");
    if (!mode) return paramEmpty("holdMode");
    if (mode === "one_way_mode") return ok("success");
    if (mode === "hedge_mode")
      return fail400("25010", "Unsupported position mode switch (this venue runs one-way mode only)");
    return fail400("40020", `Parameter error: holdMode ${mode}`);
  });

  post("trade/place-order", ({ params, apiKey }) =>
    ofCategory(params, true, () => {
      const v2 = placeBody(params);
      if (!v2.ok) return v2;
      const res = c.placeOrder(apiKey, v2.data, V3_PLACE_RULES);
      return res.ok ? ok({ orderId: res.data.orderId, clientOid: res.data.clientOid }) : v3Result(res);
    }),
  );
  post("trade/cancel-order", ({ params, apiKey }) =>
    ofCategory(params, false, () => {
      const found = findOrder(c, apiKey, params);
      if (!found.ok) return found;
      const res = c.cancelOrder(apiKey, { symbol: found.data.symbol, orderId: found.data.orderId });
      return res.ok ? ok({ orderId: res.data.orderId, clientOid: res.data.clientOid }) : v3Result(res);
    }),
  );
  get("trade/order-info", ({ params, apiKey }) => {
    const found = findOrder(c, apiKey, params);
    return found.ok ? ok(orderShapeV3(found.data, inst(found.data.symbol)!)) : found;
  });
  get("trade/unfilled-orders", ({ params, apiKey }) =>
    paged(params, () => orders(c.openOrderRecords(apiKey), params, inst)),
  );
  get("trade/history-orders", ({ params, apiKey }) =>
    paged(params, () => orders(c.closedOrderRecords(apiKey), params, inst)),
  );
  get("trade/fills", ({ params, apiKey }) =>
    paged(params, () =>
      withLimit(params, 100, 100, (n) => {
        const q = fillQueryOf(params, "cursor", n);
        if (!q.ok) return q;
        const list = c.fillRecords(apiKey, n, fillFilter(q.data));
        return ok({
          list: list.map((f) => fillShapeV3(f, inst(f.symbol)!)),
          cursor: list.length ? list[list.length - 1].tradeId : "",
        });
      }),
    ),
  );
  post("trade/place-strategy-order", ({ params, apiKey }) =>
    ofCategory(params, true, () => {
      const refused = strategyRefusal(params);
      if (refused) return refused;
      const symbol = str(params, "symbol");
      if (!symbol) return paramEmpty("symbol");
      const held = c.positionRecords(apiKey).find((v) => v.pos.symbol === symbol);
      const posSide = str(params, "posSide") ?? (held ? (held.pos.size > 0 ? "long" : "short") : "long");
      const res = c.placeStopPlan(apiKey, {
        symbol,
        holdSide: posSide,
        triggerPrice: params.stopLoss,
        clientOid: str(params, "clientOid") ?? null,
        clientOidUnique: "whilePending",
      });
      return v3Result(res);
    }),
  );
  get("trade/unfilled-strategy-orders", ({ params, apiKey }) =>
    listed(params, true, () => {
      const type = str(params, "type");
      const symbol = str(params, "symbol");
      if (symbol && !inst(symbol)) return symbolMissing(symbol);
      return ok(type && type !== "tpsl" ? [] : c.stopPlans(apiKey, symbol).map(stopPlanShapeV3));
    }),
  );
  post("trade/cancel-strategy-order", ({ params, apiKey }) => {
    const orderId = str(params, "orderId") ?? null;
    const clientOid = str(params, "clientOid") ?? null;
    const res = c.cancelStopPlan(apiKey, { symbol: str(params, "symbol") ?? null, orderId, clientOid });
    return res.ok ? ok(null) : v3Result(res);
  });
  get("position/current-position", ({ params, apiKey }) =>
    paged(params, () => {
      const symbol = str(params, "symbol");
      if (symbol && !inst(symbol)) return symbolMissing(symbol);
      const posSide = str(params, "posSide");
      const list = c
        .positionRecords(apiKey)
        .filter(
          (v) => (!symbol || v.pos.symbol === symbol) && (!posSide || (v.pos.size > 0 ? "long" : "short") === posSide),
        );
      return ok({ list: list.map(positionShapeV3) });
    }),
  );
  return r;
}

/** The V2 place-order body of a v3 one, or the v3 refusal (§2.4). */
function placeBody(p: Params): CoreResult<Record<string, unknown>> {
  for (const f of V2_ONLY_FIELDS)
    if (p[f] !== undefined) return fail400("25236", `Incorrect position open type: ${f} is a Classic (V2) field`);
  const qty = str(p, "qty");
  if (!qty) return paramEmpty("qty");
  const clientOid = str(p, "clientOid");
  if (clientOid !== undefined && !V3_CLIENT_OID.test(clientOid))
    return fail400("40020", "Parameter error: clientOid must match ^[.A-Z:/a-z0-9_-]{1,32}$");
  const reduceOnly = str(p, "reduceOnly")?.toLowerCase();
  if (reduceOnly !== undefined && reduceOnly !== "yes" && reduceOnly !== "no")
    return fail400("40020", `Parameter error: reduceOnly ${reduceOnly} (yes or no)`);
  return ok({
    symbol: p.symbol,
    productType: CATEGORY,
    marginMode: (str(p, "marginMode") ?? "crossed") as MarginMode,
    marginCoin: "USDT",
    size: qty,
    price: p.price,
    side: p.side,
    orderType: p.orderType,
    force: p.timeInForce,
    clientOid,
    reduceOnly: reduceOnly === "yes" ? "YES" : "NO",
    presetStopSurplusPrice: p.takeProfit,
    presetStopLossPrice: p.stopLoss,
  });
}

/** What a `place-strategy-order` asks that the venue does not model, or a malformed field (§2.4 rules). */
function strategyRefusal(p: Params): CoreResult<never> | null {
  for (const f of V2_ONLY_FIELDS)
    if (p[f] !== undefined) return fail400("25236", `Incorrect position open type: ${f} is a Classic (V2) field`);
  const type = str(p, "type") ?? "tpsl";
  if (type !== "tpsl") return fail400("40020", `Parameter error: strategy type ${type} is not modelled by this venue`);
  const mode = str(p, "tpslMode") ?? "full";
  if (mode !== "full") return fail400("40020", `Parameter error: tpslMode ${mode} is not modelled by this venue`);
  if (str(p, "takeProfit")) return fail400("40020", "Parameter error: takeProfit is not modelled by this venue");
  if (!str(p, "stopLoss")) return paramEmpty("stopLoss");
  const clientOid = str(p, "clientOid");
  if (clientOid !== undefined && !V3_CLIENT_OID.test(clientOid))
    return fail400("40020", "Parameter error: clientOid must match ^[.A-Z:/a-z0-9_-]{1,32}$");
  return null;
}

function findOrder(c: V3Core, apiKey: string, p: Params): CoreResult<CoreOrder> {
  const orderId = str(p, "orderId") ?? null;
  const clientOid = str(p, "clientOid") ?? null;
  if (!orderId && !clientOid) return paramEmpty("orderId or clientOid");
  const o = c.orderRecord(apiKey, orderId, clientOid);
  return o ? ok(o) : fail(toV3Error({ http: 400, code: "40109", msg: "order not found" }));
}

function orders(list: CoreOrder[], p: Params, inst: (symbol: string) => Instrument | undefined): CoreResult<unknown> {
  const symbol = str(p, "symbol");
  if (symbol && !inst(symbol)) return symbolMissing(symbol);
  return withLimit(p, 100, 100, (n) => {
    const picked = list
      .filter((o) => !symbol || o.symbol === symbol)
      .reverse()
      .slice(0, n);
    return ok({
      list: picked.map((o) => orderShapeV3(o, inst(o.symbol)!)),
      cursor: picked.length ? picked[picked.length - 1].orderId : "",
    });
  });
}

/** A listing endpoint: `category` (required when `required`) must be ours, else an empty list. */
function listed(p: Params, required: boolean, run: () => CoreResult<unknown>): CoreResult<unknown> {
  const cat = str(p, "category");
  if (!cat) return required ? paramEmpty("category") : run();
  return cat.toUpperCase() === CATEGORY ? run() : ok([]);
}

/** A paged endpoint: another category gives an empty page. */
function paged(p: Params, run: () => CoreResult<unknown>): CoreResult<unknown> {
  const cat = str(p, "category");
  if (cat && cat.toUpperCase() !== CATEGORY) return ok({ list: [], cursor: "" });
  return run();
}

/** An action on our category: another one is refused (40020), a missing required one is 40019. */
function ofCategory(p: Params, required: boolean, run: () => CoreResult<unknown>): CoreResult<unknown> {
  const cat = str(p, "category");
  if (!cat) return required ? paramEmpty("category") : run();
  return cat.toUpperCase() === CATEGORY ? run() : fail400("40020", `Parameter category error: ${cat}`);
}

/** A one-symbol public endpoint: `category` and `symbol` required. */
function oneSymbol(p: Params, run: (symbol: string) => CoreResult<unknown>): CoreResult<unknown> {
  const symbol = str(p, "symbol");
  if (!symbol) return paramEmpty("symbol");
  return ofCategory(p, true, () => run(symbol));
}

function symbolMissing(symbol: string): CoreResult<never> {
  return fail400("40102", `The contract configuration does not exist: ${symbol}`);
}

/** A stable numeric uid per key (settings `uid`), never the key itself. */
function uidOf(apiKey: string): string {
  let h = 0;
  for (let i = 0; i < apiKey.length; i++) h = (h * 31 + apiKey.charCodeAt(i)) >>> 0;
  return String(1_000_000_000 + (h % 1_000_000_000));
}
