/**
 * One API key's USDT-M futures account on the local venue: cash balance, one-way positions,
 * orders, fills, per-symbol leverage and margin mode, and the place-order rate window.
 *
 * Accounting (one-way mode, all numbers in USDT):
 * - a fill of signed size q at price p on position s with average a: same direction (or flat) →
 *   a ← (a·|s| + p·|q|)/(|s| + |q|); opposite → realised = min(|q|,|s|)·(p − a)·sign(s) is added to
 *   the balance, and a remainder beyond |s| opens the other way at a = p;
 * - fees (size·price·rate) are taken from the balance at each fill;
 * - unrealised = s·(mark − a), mark = last trade (else mid, else a);
 * - equity = balance + Σ unrealised; position margin = |s|·a / leverage (entry notional);
 * - order margin per symbol = (buy opening qty · avg buy price + sell opening qty · avg sell price)
 *   / leverage over resting non-reduce-only orders, where a side's opening qty is its resting size
 *   beyond the opposite position it would first close;
 * - available = equity − position margin − order margin.
 * Margin mode is recorded and reported but both modes use this arithmetic (no liquidation engine).
 * @module
 */

import type { MarginMode } from "../../shared/exchange/bitget/rest-types";
import type { Side } from "../../shared/market/events";
import { BoundedLog } from "./core-bounded-log";
import { money, snap } from "./core-format";
import type { CoreOrder } from "./core-orders";

/** A one-way position; `size` is signed (+ long, − short). */
export interface CorePosition {
  readonly symbol: string;
  readonly posId: string;
  size: number;
  avg: number;
  achievedProfits: number;
  /** Fees paid on this position's fills (positive = paid). */
  totalFee: number;
  /** Attached take-profit / stop-loss trigger prices (from the preset prices of opening orders). */
  takeProfit: number | null;
  stopLoss: number | null;
  /** The stop plan's ids and time while `stopLoss` is set (core-stop-plans.ts); absent in older states. */
  stopPlanId?: string | null;
  stopPlanClientOid?: string | null;
  stopPlanTime?: number;
  readonly cTime: number;
  uTime: number;
}

/** One of the account's executions; `fee` positive = paid. */
export interface CoreFill {
  readonly tradeId: string;
  readonly orderId: string;
  readonly clientOid: string;
  readonly symbol: string;
  readonly side: Side;
  readonly orderType: "limit" | "market";
  readonly reduceOnly: boolean;
  readonly price: number;
  readonly size: number;
  readonly fee: number;
  readonly profit: number;
  readonly scope: "taker" | "maker";
  readonly ts: number;
}

/** Account-level money figures (USDT). */
export interface AccountFigures {
  readonly balance: number;
  readonly unrealized: number;
  /** Σ |size| · mark over positions. */
  readonly notional: number;
  readonly equity: number;
  readonly positionMargin: number;
  readonly orderMargin: number;
  readonly available: number;
}

/** Serialisable state of {@link Account}. */
export interface AccountState {
  readonly balance: number;
  readonly positions: CorePosition[];
  readonly orders: CoreOrder[];
  readonly closed: string[];
  readonly fills: CoreFill[];
  readonly leverage: [string, number][];
  readonly marginMode: [string, MarginMode][];
  readonly rate: (number | null)[];
  readonly rateIdx: number;
  /**
   * clientOids of every stop plan placed ({@link Account.stopClientOids}). Absent in snapshots from
   * before it was kept: those restore with the pending plans' clientOids only (the older ones are
   * forgotten, as they were then).
   */
  readonly stopClientOids?: string[];
}

/** Memory and behaviour bounds of an account. */
export interface AccountLimits {
  /** Place-order calls allowed per rolling second. */
  readonly ordersPerSecond: number;
  /** Filled/canceled orders kept (for detail queries and clientOid de-duplication). */
  readonly maxClosedOrders: number;
  /** Fills kept for `order/fills`. */
  readonly maxFills: number;
  /** Leverage of a symbol never set. */
  readonly defaultLeverage: number;
}

/** One API key's account. */
export class Account {
  balance: number;
  readonly positions = new Map<string, CorePosition>();
  readonly orders = new Map<string, CoreOrder>();
  readonly open = new Map<string, CoreOrder>();
  readonly byClientOid = new Map<string, string>();
  /** clientOids of the stop plans placed on this account (a repeat is refused like an order's: 43118). */
  readonly stopClientOids = new Set<string>();
  readonly fills: BoundedLog<CoreFill>;
  private readonly closed: string[] = [];
  private readonly leverage = new Map<string, number>();
  private readonly marginMode = new Map<string, MarginMode>();
  private readonly rate: (number | null)[];
  private rateIdx = 0;

  constructor(
    startingBalance: number,
    private readonly limits: AccountLimits,
    state?: AccountState,
  ) {
    this.balance = state?.balance ?? startingBalance;
    this.fills = new BoundedLog(limits.maxFills, state?.fills ?? []);
    this.rate = state?.rate.slice() ?? new Array<number | null>(limits.ordersPerSecond).fill(null);
    if (!state) return;
    this.rateIdx = state.rateIdx;
    for (const p of state.positions) this.positions.set(p.symbol, { ...p });
    for (const o of state.orders) this.restoreOrder({ ...o });
    this.closed.push(...state.closed);
    for (const [s, l] of state.leverage) this.leverage.set(s, l);
    for (const [s, m] of state.marginMode) this.marginMode.set(s, m);
    for (const oid of restoredStopClientOids(state)) this.stopClientOids.add(oid);
  }

  /** Records one place-order call at `now`; false when it is over the per-second limit. */
  admit(now: number): boolean {
    const oldest = this.rate[this.rateIdx];
    if (oldest !== null && now - oldest < 1000) return false;
    this.rate[this.rateIdx] = now;
    this.rateIdx = (this.rateIdx + 1) % this.rate.length;
    return true;
  }

  /** Leverage of `symbol` (the default until set). */
  leverageOf(symbol: string): number {
    return this.leverage.get(symbol) ?? this.limits.defaultLeverage;
  }

  /** Sets the leverage of `symbol` (both sides). */
  setLeverage(symbol: string, leverage: number): void {
    this.leverage.set(symbol, leverage);
  }

  /** Margin mode of `symbol` (crossed until set). */
  marginModeOf(symbol: string): MarginMode {
    return this.marginMode.get(symbol) ?? "crossed";
  }

  /** Records the margin mode of `symbol`. */
  setMarginMode(symbol: string, mode: MarginMode): void {
    this.marginMode.set(symbol, mode);
  }

  /** Signed position size of `symbol` (0 when flat). */
  sizeOf(symbol: string): number {
    return this.positions.get(symbol)?.size ?? 0;
  }

  /** True when the symbol has a position or a resting order. */
  busy(symbol: string): boolean {
    if (this.positions.has(symbol)) return true;
    for (const o of this.open.values()) if (o.symbol === symbol) return true;
    return false;
  }

  /** Adds a new live order. */
  addOrder(o: CoreOrder): void {
    this.orders.set(o.orderId, o);
    this.open.set(o.orderId, o);
    this.byClientOid.set(o.clientOid, o.orderId);
  }

  /** Moves a filled or canceled order out of the open set, evicting the oldest closed ones past the bound. */
  closeOrder(o: CoreOrder): void {
    if (!this.open.delete(o.orderId)) return;
    this.closed.push(o.orderId);
    if (this.closed.length <= this.limits.maxClosedOrders) return;
    const evicted = this.orders.get(this.closed.shift() as string);
    if (!evicted) return;
    this.orders.delete(evicted.orderId);
    if (this.byClientOid.get(evicted.clientOid) === evicted.orderId) this.byClientOid.delete(evicted.clientOid);
  }

  /** Finds an order by id or clientOid. */
  findOrder(orderId: string | null, clientOid: string | null): CoreOrder | undefined {
    const id = orderId ?? (clientOid === null ? undefined : this.byClientOid.get(clientOid));
    return id === undefined ? undefined : this.orders.get(id);
  }

  /**
   * Applies an execution of signed size `qty` at `price` to the position and the balance (fee
   * `fee` ≥ 0 paid); returns the realised PnL. Sizes are snapped to `step`.
   */
  applyExecution(
    symbol: string,
    qty: number,
    price: number,
    fee: number,
    now: number,
    step: number,
    newPosId: () => string,
  ): number {
    const snapTo = (v: number): number => snap(v, step);
    let pos = this.positions.get(symbol);
    let profit = 0;
    if (pos && Math.sign(pos.size) !== Math.sign(qty)) {
      const closing = Math.min(Math.abs(qty), Math.abs(pos.size));
      profit = money(closing * (price - pos.avg) * Math.sign(pos.size));
      pos.size = snapTo(pos.size + Math.sign(qty) * closing);
      pos.achievedProfits = money(pos.achievedProfits + profit);
      qty = snapTo(qty - Math.sign(qty) * closing);
      if (pos.size === 0) {
        this.positions.delete(symbol);
        pos = undefined;
      }
    }
    if (qty !== 0) {
      if (!pos) {
        pos = {
          symbol,
          posId: newPosId(),
          size: 0,
          avg: price,
          achievedProfits: 0,
          totalFee: 0,
          takeProfit: null,
          stopLoss: null,
          cTime: now,
          uTime: now,
        };
        this.positions.set(symbol, pos);
      }
      pos.avg = (pos.avg * Math.abs(pos.size) + price * Math.abs(qty)) / (Math.abs(pos.size) + Math.abs(qty));
      pos.size = snapTo(pos.size + qty);
    }
    if (pos) {
      pos.totalFee = money(pos.totalFee + fee);
      pos.uTime = now;
    }
    this.balance = money(this.balance + profit - fee);
    return profit;
  }

  /** Money figures with positions marked by `markOf` (null mark → the position's average). */
  figures(markOf: (symbol: string) => number | null): AccountFigures {
    let unrealized = 0;
    let notional = 0;
    let positionMargin = 0;
    for (const p of this.positions.values()) {
      const mark = markOf(p.symbol) ?? p.avg;
      unrealized += p.size * (mark - p.avg);
      notional += Math.abs(p.size) * mark;
      positionMargin += this.positionMargin(p);
    }
    let orderMargin = 0;
    const symbols = new Set<string>();
    for (const o of this.open.values()) symbols.add(o.symbol);
    for (const s of symbols) orderMargin += this.orderMargin(s);
    const equity = this.balance + unrealized;
    return {
      balance: this.balance,
      unrealized,
      notional,
      equity,
      positionMargin,
      orderMargin,
      available: equity - positionMargin - orderMargin,
    };
  }

  /** Initial margin of a position: entry notional / leverage. */
  positionMargin(p: CorePosition): number {
    return (Math.abs(p.size) * p.avg) / this.leverageOf(p.symbol);
  }

  /** Initial margin held by the resting orders of `symbol` (see the module doc). */
  orderMargin(symbol: string, extra?: { side: Side; qty: number; price: number }): number {
    const acc = { buy: { q: 0, n: 0 }, sell: { q: 0, n: 0 } };
    for (const o of this.open.values()) {
      if (o.symbol !== symbol || o.reduceOnly || o.price === null) continue;
      const left = o.size - o.filled;
      acc[o.side].q += left;
      acc[o.side].n += left * o.price;
    }
    if (extra) {
      acc[extra.side].q += extra.qty;
      acc[extra.side].n += extra.qty * extra.price;
    }
    const s = this.sizeOf(symbol);
    const opening = (side: Side, against: number): number => {
      const a = acc[side];
      return a.q > 0 ? (Math.max(0, a.q - against) * a.n) / a.q : 0;
    };
    return (opening("buy", Math.max(0, -s)) + opening("sell", Math.max(0, s))) / this.leverageOf(symbol);
  }

  /** Size of resting reduce-only orders of `symbol`, capped at the position (Bitget's `locked`). */
  lockedSize(symbol: string): number {
    let q = 0;
    for (const o of this.open.values()) if (o.symbol === symbol && o.reduceOnly) q += o.size - o.filled;
    return Math.min(q, Math.abs(this.sizeOf(symbol)));
  }

  /** Size of resting orders that would add to the position of `symbol` (Bitget's `openDelegateSize`). */
  openingSize(symbol: string): number {
    const s = this.sizeOf(symbol);
    let q = 0;
    for (const o of this.open.values()) {
      if (o.symbol !== symbol || o.reduceOnly) continue;
      if (s === 0 || (o.side === "buy") === s > 0) q += o.size - o.filled;
    }
    return q;
  }

  /** A JSON-safe deep copy of the state. */
  getState(): AccountState {
    return JSON.parse(
      JSON.stringify({
        balance: this.balance,
        positions: [...this.positions.values()],
        orders: [...this.orders.values()],
        closed: this.closed,
        fills: this.fills.toArray(),
        leverage: [...this.leverage],
        marginMode: [...this.marginMode],
        rate: this.rate,
        rateIdx: this.rateIdx,
        stopClientOids: [...this.stopClientOids],
      }),
    ) as AccountState;
  }

  private restoreOrder(o: CoreOrder): void {
    this.orders.set(o.orderId, o);
    this.byClientOid.set(o.clientOid, o.orderId);
    if (o.status === "live" || o.status === "partially_filled") this.open.set(o.orderId, o);
  }
}

/** The used stop clientOids of a snapshot (see {@link AccountState.stopClientOids}); throws on a malformed list. */
function restoredStopClientOids(state: AccountState): readonly string[] {
  const kept: unknown = state.stopClientOids;
  if (kept === undefined) {
    const pending = state.positions.map((p) => p.stopPlanClientOid);
    return pending.filter((oid): oid is string => typeof oid === "string");
  }
  if (!Array.isArray(kept) || !kept.every((oid) => typeof oid === "string"))
    throw new TypeError(`stopClientOids must be a list of strings, got ${JSON.stringify(kept).slice(0, 80)}`);
  return kept;
}
