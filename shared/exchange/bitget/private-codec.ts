/**
 * Decodes Bitget V2 private pushes (`orders`, `fill`, `positions`, `account`; bitget-v2.md §3.2)
 * into typed events. Numbers are parsed here, once; ids (`orderId`, `tradeId`, `clientOid`,
 * `posId`) stay strings because they exceed 2^53. Fees are turned around: Bitget reports a paid
 * fee as a negative number, the events carry it positive (a rebate is negative).
 * Malformed pushes are refused as values, never thrown.
 * @module
 */

/** A private channel. */
export type PrivateChannel = "orders" | "fill" | "positions" | "account";

/** Every private channel, in subscription order. */
export const PRIVATE_CHANNELS: readonly PrivateChannel[] = ["orders", "fill", "positions", "account"];

/** Maker (rested) or taker (crossed). */
export type FillLiquidity = "maker" | "taker";

/** One execution as a push reports it. */
export interface PrivateExecution {
  readonly tradeId: string;
  readonly price: number;
  /** Base quantity of this execution. */
  readonly size: number;
  /** Fee of this execution in `feeCoin`; positive = paid. */
  readonly fee: number;
  readonly feeCoin: string | null;
  readonly liquidity: FillLiquidity;
  /** Exchange time of the execution, ms. */
  readonly ts: number;
}

/** An `orders` push item: the order's state after a change, and the execution that caused it, if any. */
export interface PrivateOrderEvent {
  readonly kind: "order";
  readonly orderId: string;
  /** `clientOid` (also spelled `clientOId`), or null when absent. */
  readonly clientOid: string | null;
  readonly symbol: string;
  readonly side: "buy" | "sell";
  readonly orderType: string;
  readonly force: string | null;
  /** `live`, `partially_filled`, `filled`, `canceled` (`cancelled` normalised). */
  readonly status: string;
  readonly size: number;
  /** Cumulative filled base quantity (`accBaseVolume`). */
  readonly filledSize: number;
  /** Limit price; null for market orders (`"0"` or empty). */
  readonly price: number | null;
  /** Average fill price; null before any fill. */
  readonly avgPrice: number | null;
  readonly reduceOnly: boolean;
  /** Total fee so far; positive = paid. */
  readonly fee: number;
  readonly cancelReason: string | null;
  readonly stopLossPrice: number | null;
  readonly takeProfitPrice: number | null;
  /** Update time (`uTime`, else `cTime`), ms. */
  readonly ts: number;
  /** The execution this push reports, when it reports one. */
  readonly fill: PrivateExecution | null;
}

/** A `fill` push item: one execution of one of the account's orders. */
export interface PrivateFillEvent extends PrivateExecution {
  readonly kind: "fill";
  readonly orderId: string;
  readonly clientOid: string | null;
  readonly symbol: string;
  readonly side: "buy" | "sell";
  readonly orderType: string | null;
  readonly tradeSide: string | null;
  /** Realised PnL of a closing execution. */
  readonly profit: number | null;
}

/** One open position of a `positions` push. */
export interface PrivatePosition {
  readonly posId: string | null;
  readonly symbol: string;
  readonly holdSide: "long" | "short";
  /** Position size in base coin (`total`). */
  readonly size: number;
  readonly available: number | null;
  readonly frozen: number | null;
  readonly openPriceAvg: number;
  readonly leverage: number | null;
  readonly marginMode: string | null;
  readonly marginSize: number | null;
  readonly unrealizedPL: number | null;
  readonly achievedProfits: number | null;
  readonly liquidationPrice: number | null;
  readonly updatedAt: number | null;
}

/** A `positions` push: every open position (a position absent from the list is closed). */
export interface PrivatePositionsEvent {
  readonly kind: "positions";
  /** Push time (envelope `ts`), ms. */
  readonly ts: number;
  readonly positions: readonly PrivatePosition[];
}

/** Balance of one margin coin in an `account` push. */
export interface PrivateBalance {
  readonly marginCoin: string;
  readonly available: number;
  readonly frozen: number | null;
  readonly equity: number | null;
  readonly usdtEquity: number | null;
  readonly unrealizedPL: number | null;
  readonly maxOpenPosAvailable: number | null;
}

/** An `account` push: balances per margin coin. */
export interface PrivateAccountEvent {
  readonly kind: "account";
  /** Push time (envelope `ts`), ms. */
  readonly ts: number;
  readonly balances: readonly PrivateBalance[];
}

/** Anything the private feed hands on. */
export type PrivateEvent = PrivateOrderEvent | PrivateFillEvent | PrivatePositionsEvent | PrivateAccountEvent;

/** Result of decoding one private push. */
export type PrivateDecodeResult =
  | { readonly ok: true; readonly events: PrivateEvent[] }
  | { readonly ok: false; readonly reason: string };

/** True when `channel` is a {@link PrivateChannel}. */
export function isPrivateChannel(channel: unknown): channel is PrivateChannel {
  return channel === "orders" || channel === "fill" || channel === "positions" || channel === "account";
}

/** Decodes one private push (already JSON-parsed); non-private channels decode to no events. */
export function decodePrivatePush(msg: unknown): PrivateDecodeResult {
  if (!isRecord(msg)) return refuse("push is not an object");
  const arg = msg.arg;
  if (!isRecord(arg)) return refuse("push has no arg");
  const channel = arg.channel;
  if (!isPrivateChannel(channel)) return { ok: true, events: [] };
  const data = msg.data;
  if (!Array.isArray(data)) return refuse(`${channel} push has no data array`);
  const ts = typeof msg.ts === "number" ? msg.ts : num(msg.ts);
  try {
    if (channel === "positions")
      return { ok: true, events: [{ kind: "positions", ts: ts ?? 0, positions: data.map(position) }] };
    if (channel === "account")
      return { ok: true, events: [{ kind: "account", ts: ts ?? 0, balances: data.map(balance) }] };
    return { ok: true, events: channel === "orders" ? data.map(order) : data.map(fill) };
  } catch (e) {
    if (e instanceof ShapeError) return refuse(`${channel} item: ${e.message}`);
    throw e;
  }
}

function order(item: unknown): PrivateOrderEvent {
  const o = record(item);
  const price = optNum(o, "price");
  const avg = optNum(o, "priceAvg");
  return {
    kind: "order",
    orderId: id(o, "orderId"),
    clientOid: optId(o, "clientOid") ?? optId(o, "clientOId"),
    symbol: str(o, "instId"),
    side: side(o),
    orderType: str(o, "orderType"),
    force: optStr(o, "force"),
    status: status(str(o, "status")),
    size: reqNum(o, "size"),
    filledSize: optNum(o, "accBaseVolume") ?? 0,
    price: price !== null && price > 0 ? price : null,
    avgPrice: avg !== null && avg > 0 ? avg : null,
    reduceOnly: yes(o.reduceOnly),
    fee: -feeSum(o.feeDetail, "fee"),
    cancelReason: optStr(o, "cancelReason"),
    stopLossPrice: positiveOrNull(optNum(o, "presetStopLossPrice")),
    takeProfitPrice: positiveOrNull(optNum(o, "presetStopSurplusPrice")),
    ts: optNum(o, "uTime") ?? reqNum(o, "cTime"),
    fill: optId(o, "tradeId") === null ? null : orderExecution(o),
  };
}

function orderExecution(o: Record<string, unknown>): PrivateExecution {
  const fee = optNum(o, "fillFee");
  return {
    tradeId: id(o, "tradeId"),
    price: reqNum(o, "fillPrice"),
    size: reqNum(o, "baseVolume"),
    fee: fee === null ? 0 : -fee,
    feeCoin: optStr(o, "fillFeeCoin"),
    liquidity: liquidity(o.tradeScope),
    ts: optNum(o, "fillTime") ?? optNum(o, "uTime") ?? reqNum(o, "cTime"),
  };
}

function fill(item: unknown): PrivateFillEvent {
  const o = record(item);
  const details = Array.isArray(o.feeDetail) ? o.feeDetail : [];
  const coin = details.length > 0 && isRecord(details[0]) ? optStr(details[0], "feeCoin") : null;
  return {
    kind: "fill",
    tradeId: id(o, "tradeId"),
    orderId: id(o, "orderId"),
    clientOid: optId(o, "clientOid") ?? optId(o, "clientOId"),
    symbol: optStr(o, "symbol") ?? str(o, "instId"),
    side: side(o),
    orderType: optStr(o, "orderType"),
    tradeSide: optStr(o, "tradeSide"),
    price: reqNum(o, "price"),
    size: reqNum(o, "baseVolume"),
    fee: -feeSum(o.feeDetail, "totalFee"),
    feeCoin: coin,
    liquidity: liquidity(o.tradeScope),
    profit: optNum(o, "profit"),
    ts: optNum(o, "cTime") ?? reqNum(o, "uTime"),
  };
}

function position(item: unknown): PrivatePosition {
  const o = record(item);
  const hold = str(o, "holdSide");
  if (hold !== "long" && hold !== "short") throw new ShapeError(`holdSide "${hold}" is not long/short`);
  return {
    posId: optId(o, "posId"),
    symbol: optStr(o, "instId") ?? str(o, "symbol"),
    holdSide: hold,
    size: reqNum(o, "total"),
    available: optNum(o, "available"),
    frozen: optNum(o, "frozen"),
    openPriceAvg: reqNum(o, "openPriceAvg"),
    leverage: optNum(o, "leverage"),
    marginMode: optStr(o, "marginMode"),
    marginSize: optNum(o, "marginSize"),
    unrealizedPL: optNum(o, "unrealizedPL"),
    achievedProfits: optNum(o, "achievedProfits"),
    liquidationPrice: optNum(o, "liquidationPrice"),
    updatedAt: optNum(o, "uTime"),
  };
}

function balance(item: unknown): PrivateBalance {
  const o = record(item);
  return {
    marginCoin: str(o, "marginCoin"),
    available: reqNum(o, "available"),
    frozen: optNum(o, "frozen"),
    equity: optNum(o, "equity") ?? optNum(o, "accountEquity"),
    usdtEquity: optNum(o, "usdtEquity"),
    unrealizedPL: optNum(o, "unrealizedPL"),
    maxOpenPosAvailable: optNum(o, "maxOpenPosAvailable"),
  };
}

/** Sum of `feeDetail[].<field>`; a missing list is no fee. */
function feeSum(details: unknown, field: string): number {
  if (details === undefined || details === null || details === "") return 0;
  if (!Array.isArray(details)) throw new ShapeError("feeDetail is not a list");
  let sum = 0;
  for (const d of details) sum += optNum(record(d), field) ?? 0;
  return sum;
}

function liquidity(scope: unknown): FillLiquidity {
  const s = typeof scope === "string" ? scope.toLowerCase() : "";
  if (s === "maker" || s === "m") return "maker";
  if (s === "taker" || s === "t") return "taker";
  throw new ShapeError(`tradeScope ${JSON.stringify(scope)} is not maker/taker`);
}

function side(o: Record<string, unknown>): "buy" | "sell" {
  const s = typeof o.side === "string" ? o.side.toLowerCase() : "";
  if (s !== "buy" && s !== "sell") throw new ShapeError(`side ${JSON.stringify(o.side)} is not buy/sell`);
  return s;
}

function status(s: string): string {
  return s === "cancelled" ? "canceled" : s;
}

function yes(v: unknown): boolean {
  return v === true || (typeof v === "string" && /^(yes|true)$/i.test(v));
}

function positiveOrNull(v: number | null): number | null {
  return v !== null && v > 0 ? v : null;
}

class ShapeError extends Error {}

function record(v: unknown): Record<string, unknown> {
  if (!isRecord(v)) throw new ShapeError("not an object");
  return v;
}

function str(o: Record<string, unknown>, key: string): string {
  const v = o[key];
  if (typeof v !== "string" || v === "") throw new ShapeError(`${key} is missing`);
  return v;
}

function optStr(o: Record<string, unknown>, key: string): string | null {
  const v = o[key];
  return typeof v === "string" && v !== "" ? v : null;
}

function id(o: Record<string, unknown>, key: string): string {
  const v = optId(o, key);
  if (v === null) throw new ShapeError(`${key} is missing`);
  return v;
}

/** An id as a string; a JSON number id is accepted only while it is a safe integer. */
function optId(o: Record<string, unknown>, key: string): string | null {
  const v = o[key];
  if (typeof v === "string") return v === "" ? null : v;
  if (typeof v === "number" && Number.isSafeInteger(v)) return String(v);
  return null;
}

function num(v: unknown): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v !== "string" || v.trim() === "") return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

function optNum(o: Record<string, unknown>, key: string): number | null {
  const v = o[key];
  if (v === undefined || v === null || v === "") return null;
  const n = num(v);
  if (n === null) throw new ShapeError(`${key} ${JSON.stringify(v)} is not a number`);
  return n;
}

function reqNum(o: Record<string, unknown>, key: string): number {
  const n = optNum(o, key);
  if (n === null) throw new ShapeError(`${key} is missing`);
  return n;
}

function refuse(reason: string): PrivateDecodeResult {
  return { ok: false, reason };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
