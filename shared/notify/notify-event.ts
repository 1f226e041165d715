/**
 * What the bot tells its operator: one event type for every notification, built from domain values by
 * the functions below. Each event carries a dedup `key` (the same fact always gives the same key, so a
 * retried or re-reported event is delivered once) and a one-line `text` every channel can show.
 * @module
 */
import type { TradeMode } from "../db/schema";
import type { ClosedTrade } from "../strategy/types";
import type { NotifyKind } from "./notify-kinds";

export { NOTIFY_KINDS, type NotifyKind } from "./notify-kinds";

/** How loud an event is: channels show it (and an operator can filter on it). */
export type NotifySeverity = "info" | "warning" | "critical";

/** One notification. `data` is the machine-readable payload the webhook carries. */
export interface NotifyEvent {
  readonly key: string;
  readonly kind: NotifyKind;
  readonly severity: NotifySeverity;
  /** Event time, ms (the exchange's or the caller's clock, never read here). */
  readonly ts: number;
  readonly symbol?: string;
  /** One line, plain text. */
  readonly text: string;
  readonly data: Readonly<Record<string, string | number | boolean | null>>;
}

/** A position was opened. */
export function positionOpened(p: {
  symbol: string;
  side: "long" | "short";
  size: number;
  price: number;
  score: number;
  ts: number;
  mode: string;
  clientOid: string;
}): NotifyEvent {
  return {
    key: `opened:${p.symbol}:${p.clientOid}`,
    kind: "position_opened",
    severity: "info",
    ts: p.ts,
    symbol: p.symbol,
    text: `${p.mode} ${p.symbol} opened ${p.side} ${p.size} @ ${p.price} (score ${p.score.toFixed(0)})`,
    data: { mode: p.mode, side: p.side, size: p.size, price: p.price, score: p.score, clientOid: p.clientOid },
  };
}

/** A position was closed: side, size, entry/exit, net PnL, fees, exit reason and hold. */
export function positionClosed(t: ClosedTrade, mode: string): NotifyEvent {
  const sign = t.netPnl >= 0 ? "+" : "";
  return {
    key: `closed:${t.symbol}:${t.id}`,
    kind: "position_closed",
    severity: "info",
    ts: t.exitTime,
    symbol: t.symbol,
    text:
      `${mode} ${t.symbol} closed ${t.side} ${t.size} ${t.entryPrice} → ${t.exitPrice}: net ${sign}${t.netPnl.toFixed(4)} USDT ` +
      `(fees ${t.fees.toFixed(4)}), ${t.exitReason}, held ${t.holdSeconds.toFixed(0)} s`,
    data: {
      mode,
      id: t.id,
      side: t.side,
      size: t.size,
      entryPrice: t.entryPrice,
      exitPrice: t.exitPrice,
      netPnl: t.netPnl,
      grossPnl: t.grossPnl,
      fees: t.fees,
      exitReason: t.exitReason,
      holdSeconds: t.holdSeconds,
    },
  };
}

/** The trading state changed (halt, resume, daily loss limit, cooldown). `since` makes the key unique per change. */
export function tradingStateChanged(s: { state: string; reason: string; ts: number; symbol?: string }): NotifyEvent {
  const critical = s.state === "halted" || s.reason.includes("daily");
  return {
    key: `state:${s.symbol ?? "*"}:${s.state}:${s.ts}`,
    kind: "trading_state",
    severity: critical ? "critical" : "warning",
    ts: s.ts,
    ...(s.symbol ? { symbol: s.symbol } : {}),
    text: `${s.symbol ? `${s.symbol} ` : ""}trading ${s.state}: ${s.reason}`,
    data: { state: s.state, reason: s.reason },
  };
}

/** A symbol's feed went down (after the configured threshold) or came back. `since` = when it went down. */
export function feedChanged(f: {
  symbol: string;
  up: boolean;
  since: number;
  ts: number;
  reason: string;
}): NotifyEvent {
  return {
    key: `feed:${f.symbol}:${f.up ? "up" : "down"}:${f.since}`,
    kind: "feed",
    severity: f.up ? "info" : "warning",
    ts: f.ts,
    symbol: f.symbol,
    text: `${f.symbol} feed ${f.up ? "back up" : "down"}: ${f.reason}`,
    data: { up: f.up, since: f.since, reason: f.reason },
  };
}

/** A problem worth a message: reconciliation mismatch, live broker error, agent error, watchdog verdict. */
export function problem(p: {
  kind: "reconcile_mismatch" | "broker_error" | "agent_error" | "watchdog";
  symbol?: string;
  message: string;
  ts: number;
  /** Identifies the occurrence: the same problem reported twice in one occurrence is one message. */
  occurrence: string;
}): NotifyEvent {
  return {
    key: `${p.kind}:${p.symbol ?? "*"}:${p.occurrence}`,
    kind: p.kind,
    severity: p.kind === "agent_error" || p.kind === "broker_error" ? "warning" : "critical",
    ts: p.ts,
    ...(p.symbol ? { symbol: p.symbol } : {}),
    text: `${p.symbol ? `${p.symbol} ` : ""}${p.kind.replace("_", " ")}: ${p.message}`,
    data: { message: p.message },
  };
}

/** The plan's daily monitoring for one UTC day. */
export interface DailySummaryFigures {
  readonly date: string;
  /** The ledger the figures are of: paper, demo and live are summed apart, never together. */
  readonly mode: TradeMode;
  readonly trades: number;
  readonly winRatePct: number | null;
  readonly netPnl: number;
  readonly fees: number;
  readonly maxDrawdownPct: number;
  readonly bestTrade: number | null;
  readonly worstTrade: number | null;
}

/** The end-of-day summary. */
export function dailySummary(d: DailySummaryFigures, ts: number): NotifyEvent {
  const pct = (v: number | null) => (v === null ? "n/a" : `${v.toFixed(1)} %`);
  const usd = (v: number | null) => (v === null ? "n/a" : v.toFixed(4));
  return {
    key: `daily:${d.mode}:${d.date}`,
    kind: "daily_summary",
    severity: "info",
    ts,
    text:
      `${d.date} ${d.mode}: ${d.trades} trades, win rate ${pct(d.winRatePct)}, net ${usd(d.netPnl)} USDT, fees ${usd(d.fees)}, ` +
      `max drawdown ${d.maxDrawdownPct.toFixed(2)} %, best ${usd(d.bestTrade)}, worst ${usd(d.worstTrade)}`,
    data: { ...d },
  };
}

/** The dashboard's "send a test message". */
export function testMessage(ts: number, nonce: string): NotifyEvent {
  return {
    key: `test:${nonce}`,
    kind: "test",
    severity: "info",
    ts,
    text: "edge-scalper test message: this channel works",
    data: {},
  };
}
