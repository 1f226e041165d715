/**
 * The watchdog's auto-flatten (config `watchdog.autoFlatten`): when an agent is silent or does not
 * answer, the cron closes that symbol's position through the exchange directly, never through the
 * silent agent. Which symbols qualify, how one close is recorded, and the message that announces it.
 * Paper mode has nothing at the exchange: only live and demo configs flatten.
 * @module
 */
import type { CloseAtExchangeResult } from "../exchange/bitget/close-at-exchange";
import { type NotifyEvent, problem } from "./notify-event";
import type { WatchdogVerdict } from "./watchdog";

/** Verdicts on which the cron closes at the exchange: the agent cannot be trusted to exit by itself. */
const FLATTEN_ON: readonly WatchdogVerdict["status"][] = ["silent", "unreachable"];

/** What one close at the exchange did. */
export type ExchangeClose = Pick<CloseAtExchangeResult, "heldBefore" | "orders" | "remaining">;

/** One auto-flatten, as the Notifier records it and the dashboard shows it. */
export interface FlattenRecord {
  readonly symbol: string;
  readonly at: number;
  /** `closed`: nothing left; `still_open`: something is left; `failed`: the exchange could not be reached or refused. */
  readonly outcome: "closed" | "still_open" | "failed";
  readonly detail: string;
}

/** The symbols to close at the exchange for these verdicts, or none when auto-flatten is off or the mode is paper. */
export function flattenTargets(
  verdicts: readonly WatchdogVerdict[],
  o: { readonly autoFlatten: boolean; readonly mode: "paper" | "demo" | "live" },
): string[] {
  if (!o.autoFlatten || o.mode === "paper") return [];
  return verdicts.filter((v) => !v.ok && FLATTEN_ON.includes(v.status)).map((v) => v.symbol);
}

/**
 * The record of one close, or null when the exchange held nothing (nothing done, nothing to say).
 * `result` is the close, or the reason it could not be made.
 */
export function flattenRecord(symbol: string, at: number, result: ExchangeClose | string): FlattenRecord | null {
  if (typeof result === "string") return { symbol, at, outcome: "failed", detail: result };
  if (result.orders.length === 0 && result.remaining === 0) return null;
  const orders = result.orders
    .map((o) => `${o.side} ${o.size} reduce-only ${o.ok ? "sent" : `refused (${o.detail ?? "no reason"})`}`)
    .join(", ");
  const left = result.remaining === 0 ? "nothing left" : `${result.remaining} still held`;
  return {
    symbol,
    at,
    outcome: result.remaining === 0 ? "closed" : "still_open",
    detail: `held ${result.heldBefore}; ${orders || "no order sent"}; ${left}`,
  };
}

/** The message announcing an auto-flatten (one per attempt). */
export function flattenEvent(r: FlattenRecord): NotifyEvent {
  const what =
    r.outcome === "closed"
      ? "closed at the exchange"
      : r.outcome === "still_open"
        ? "close at the exchange left a position"
        : "close at the exchange failed";
  return problem({
    kind: "watchdog",
    symbol: r.symbol,
    message: `auto-flatten: ${what} (the agent is silent): ${r.detail}`,
    ts: r.at,
    // A close made is news each time; a failure repeating every minute (no secrets, exchange down) is one message.
    occurrence: r.outcome === "closed" ? `flatten:${r.at}` : `flatten:${r.outcome}:${r.detail}`,
  });
}
