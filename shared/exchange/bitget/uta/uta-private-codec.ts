/**
 * Decodes Bitget UTA (v3) private pushes (`order`, `fill`, `position`, `account`;
 * bitget-uta-v3.md §3) into the same {@link PrivateEvent}s as the Classic codec, so the broker and
 * the feed are shared; and the v3 {@link PrivateDialect} of the private feed.
 *
 * - One subscription carries every product: only `usdt-futures` items are kept (`category`
 *   compared case-insensitively, §2.1; an item without one is kept).
 * - `order` items carry the order's state only (no execution: fills come on `fill`); `new` is
 *   normalised to `live`, `cancelled` to `canceled`, `timeInForce` becomes `force`.
 * - Fees are the absolute `feeDetail[].fee` (paid, §2.5), `execId` becomes `tradeId`.
 * - `position` items that are `ended` or of size 0 are left out; a `posSide` other than long/short
 *   (UNVERIFIED 4) takes the direction from the size's sign.
 * Malformed pushes are refused as values, never thrown.
 * @module
 */
import type {
  FillLiquidity,
  PrivateAccountEvent,
  PrivateBalance,
  PrivateChannel,
  PrivateDecodeResult,
  PrivateEvent,
  PrivateFillEvent,
  PrivateOrderEvent,
  PrivatePosition,
} from "../private-codec";
import type { PrivateDialect } from "../private-feed";
import { ResponseShapeError } from "../rest-parse";
import { stateOf } from "./uta-broker-rest";
import { parseFill, parseOrder, parsePosition } from "./uta-parse";

/** The v3 topic of each private channel. */
const TOPICS: Readonly<Record<PrivateChannel, string>> = {
  orders: "order",
  fill: "fill",
  positions: "position",
  account: "account",
};

const CHANNELS: ReadonlyMap<string, PrivateChannel> = new Map(
  Object.entries(TOPICS).map(([channel, topic]) => [topic, channel as PrivateChannel]),
);

/** The UTA private-feed dialect: `{instType: "UTA", topic}` subscriptions, no instId or coin (§3). */
export const UTA_PRIVATE_DIALECT: PrivateDialect = {
  subscribeArgs: (channels) => channels.map((c) => ({ instType: "UTA", topic: TOPICS[c] })),
  channelOf: (arg) => (isRecord(arg) && typeof arg.topic === "string" ? (CHANNELS.get(arg.topic) ?? null) : null),
  decode: decodeUtaPrivatePush,
};

/** Decodes one v3 private push (already JSON-parsed); other topics decode to no events. */
export function decodeUtaPrivatePush(msg: unknown): PrivateDecodeResult {
  if (!isRecord(msg)) return refuse("push is not an object");
  const channel = UTA_PRIVATE_DIALECT.channelOf(msg.arg);
  if (channel === null) return { ok: true, events: [] };
  const raw = msg.data;
  const data = Array.isArray(raw) ? raw : isRecord(raw) ? [raw] : null;
  if (data === null) return refuse(`${TOPICS[channel]} push has no data`);
  const ts = typeof msg.ts === "number" ? msg.ts : Number(msg.ts) || 0;
  try {
    const items = data.filter(isUsdtFutures);
    if (channel === "positions")
      return { ok: true, events: [{ kind: "positions", ts, positions: items.flatMap(position) }] };
    if (channel === "account") return { ok: true, events: data.map((d) => account(d, ts)) };
    const events: PrivateEvent[] = channel === "orders" ? items.map(order) : items.map(fill);
    return { ok: true, events };
  } catch (e) {
    if (e instanceof ResponseShapeError) return refuse(`${TOPICS[channel]} item: ${e.message}`);
    throw e;
  }
}

function order(item: unknown): PrivateOrderEvent {
  const o = parseOrder(item);
  return {
    kind: "order",
    orderId: o.orderId,
    clientOid: o.clientOid,
    symbol: o.symbol,
    side: o.side,
    orderType: o.orderType,
    force: o.timeInForce,
    status: stateOf(o.orderStatus),
    size: o.qty,
    filledSize: o.cumExecQty,
    price: o.price,
    avgPrice: o.avgPrice,
    reduceOnly: o.reduceOnly,
    fee: o.fee,
    cancelReason: o.cancelReason,
    stopLossPrice: null,
    takeProfitPrice: null,
    ts: o.updatedTime,
    fill: null,
  };
}

function fill(item: unknown): PrivateFillEvent {
  const f = parseFill(item);
  return {
    kind: "fill",
    tradeId: f.execId,
    orderId: f.orderId,
    clientOid: f.clientOid,
    symbol: f.symbol,
    side: f.side,
    orderType: null,
    tradeSide: f.tradeSide,
    price: f.execPrice,
    size: f.execQty,
    fee: f.fee,
    feeCoin: f.feeCoin,
    liquidity: liquidity(f.tradeScope),
    profit: f.execPnl,
    ts: f.ts,
  };
}

function position(item: unknown): PrivatePosition[] {
  const p = parsePosition(item);
  if (p === null) return [];
  return [
    {
      posId: null,
      symbol: p.symbol,
      holdSide: p.posSide,
      size: p.size,
      available: p.available,
      frozen: p.frozen,
      openPriceAvg: p.avgPrice,
      leverage: p.leverage,
      marginMode: p.marginMode,
      marginSize: null,
      unrealizedPL: p.unrealisedPnl,
      achievedProfits: p.curRealisedPnl,
      liquidationPrice: p.liquidationPrice,
      updatedAt: p.updatedTime,
    },
  ];
}

/** One `account` item: the unified account's coins (`coin[]`), USDT equity from `usdValue`. */
function account(item: unknown, ts: number): PrivateAccountEvent {
  if (!isRecord(item)) throw new ResponseShapeError("account item is not an object");
  const coins = Array.isArray(item.coin) ? item.coin : [];
  return { kind: "account", ts, balances: coins.map(balance) };
}

function balance(v: unknown): PrivateBalance {
  if (!isRecord(v) || typeof v.coin !== "string") throw new ResponseShapeError("coin item has no coin");
  const n = (k: string) => (v[k] === undefined || v[k] === "" || v[k] === null ? null : Number(v[k]));
  const available = n("available");
  if (available === null || !Number.isFinite(available)) throw new ResponseShapeError("coin available is missing");
  return {
    marginCoin: v.coin,
    available,
    frozen: n("locked"),
    equity: n("equity"),
    usdtEquity: n("usdValue"),
    unrealizedPL: null,
    maxOpenPosAvailable: null,
  };
}

function liquidity(scope: string | null): FillLiquidity {
  if (scope === "maker" || scope === "m") return "maker";
  if (scope === "taker" || scope === "t") return "taker";
  throw new ResponseShapeError(`tradeScope ${JSON.stringify(scope)} is not maker/taker`);
}

function isUsdtFutures(item: unknown): boolean {
  if (!isRecord(item) || typeof item.category !== "string" || item.category === "") return true;
  return item.category.toLowerCase() === "usdt-futures";
}

function refuse(reason: string): PrivateDecodeResult {
  return { ok: false, reason };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
