/**
 * Closing a symbol's position through the exchange directly, without the agent's engine: the kill
 * switch's last resort when an agent cannot (unreachable, stopped without keys, its exit stuck), and
 * the watchdog's auto-flatten. Reads the exchange's positions (the exchange is the truth), sends one
 * reduce-only market order per position side through the account's broker, and reads the positions
 * again. Reduce-only: a close that races the agent's own exit can never open or flip a position.
 * @module
 */
import type { BitgetAccount } from "./bitget-account";
import { netPosition } from "./bitget-account";

/** What {@link closeAtExchange} needs of an account. */
export type ClosingAccount = Pick<BitgetAccount, "positions" | "instrument" | "broker">;

/** One close order sent. */
export interface CloseOrder {
  readonly clientOid: string;
  readonly side: "buy" | "sell";
  readonly size: number;
  readonly ok: boolean;
  /** Why the exchange or the broker refused it; null when accepted. */
  readonly detail: string | null;
}

/** The outcome: what was held, the orders sent, and the net position read back after them (long > 0). */
export interface CloseAtExchangeResult {
  readonly symbol: string;
  readonly heldBefore: number;
  readonly orders: readonly CloseOrder[];
  readonly remaining: number;
}

/**
 * A clientOid the engine never makes (lowercase prefix: `parseClientOid` refuses it), so the fill of
 * this close is seen as an order placed outside the engine.
 */
export function closeClientOid(symbol: string, ts: number, i: number): string {
  return `flat-${symbol.replace(/USDT$/, "")}-${Math.max(0, Math.floor(ts)).toString(36)}-${i}`.slice(0, 32);
}

/**
 * Closes every position of `symbol` at market, reduce-only; `ts` is the caller's clock (ids and the
 * order's decision time); `settle` runs between the orders and the read-back (a market order fills
 * within moments, not within its placement's answer). Exchange failures throw (the caller reports
 * them per symbol).
 */
export async function closeAtExchange(
  account: ClosingAccount,
  symbol: string,
  ts: number,
  settle: () => Promise<void> = async () => {},
): Promise<CloseAtExchangeResult> {
  const held = (await account.positions(symbol)).filter((p) => p.symbol === symbol && p.size > 0);
  const heldBefore = netPosition(held, symbol);
  if (held.length === 0) return { symbol, heldBefore, orders: [], remaining: 0 };
  const instrument = await account.instrument(symbol);
  if (instrument === null) throw new Error(`the exchange has no contract ${symbol}`);
  const broker = account.broker({ instruments: [instrument], onFill: () => {} });
  const orders: CloseOrder[] = [];
  for (const [i, p] of held.entries()) {
    const order = {
      clientOid: closeClientOid(symbol, ts, i),
      symbol,
      side: p.side === "long" ? ("sell" as const) : ("buy" as const),
      type: "market" as const,
      size: p.size,
      reduceOnly: true,
      ts,
    };
    const r = await broker.place(order);
    orders.push({
      clientOid: order.clientOid,
      side: order.side,
      size: order.size,
      ok: r.ok,
      detail: r.ok ? null : `${r.reason}${r.detail ? `: ${r.detail}` : ""}`,
    });
  }
  await settle();
  return { symbol, heldBefore, orders, remaining: netPosition(await account.positions(symbol), symbol) };
}
