/**
 * The status a SymbolAgent reports: {@link AgentStatus} plus why it is not running.
 * @module
 */
import type { AccountSummary } from "../shared/exchange/bitget/bitget-account";
import type { FeedHealth } from "../shared/exchange/bitget/public-feed";
import type { EngineStatus } from "../shared/strategy/engine";
import type { Receipt } from "../shared/runner/receipt-ring";
import type { AgentStatus, FeedHealthView } from "./contracts";

/** {@link AgentStatus} with the agent's last problems (extra fields; the contract's are unchanged). */
export interface AgentStatusView extends AgentStatus {
  /** Why the agent is not running when it was asked to (a refused live mode, a failed start), else null. */
  readonly error: string | null;
  /** Steps of the last alarm that failed, e.g. `outbox: D1_ERROR …`; empty when it all worked. */
  readonly alarmErrors: readonly string[];
  /** Live and demo: the exchange account (Classic/UTA, hold mode, margin mode, leverage) as read at start; null in paper mode. */
  readonly account: AccountSummary | null;
  /** The last feed messages: newest event time, when the agent received and when it had handled it (bench: push → decision latency). */
  readonly receipts: readonly Receipt[];
  /** Failures of background steps (a price report, a call delivery, a live start) since the object started, and the last one. */
  readonly backgroundErrors: { readonly count: number; readonly last: string | null };
}

/** Everything {@link agentStatus} reads. */
export interface AgentStatusParts {
  readonly symbol: string | null;
  readonly running: boolean;
  readonly mode: "paper" | "demo" | "live";
  readonly configVersion: string | null;
  readonly feed: FeedHealth | null;
  readonly engine: EngineStatus | null;
  readonly outboxPending: number;
  readonly entriesBlocked: boolean;
  readonly account: AccountSummary | null;
  readonly lastAlarmAt: number | null;
  readonly error: string | null;
  readonly alarmErrors: readonly string[];
  readonly receipts: readonly Receipt[];
  readonly backgroundErrors: { readonly count: number; readonly last: string | null };
}

/** Builds the status; the phase is `flat` for a running agent whose engine saw no event yet. */
export function agentStatus(p: AgentStatusParts): AgentStatusView {
  const e = p.engine;
  return {
    symbol: p.symbol,
    running: p.running,
    mode: p.mode,
    configVersion: p.configVersion,
    feed: p.feed ? feedView(p.feed) : null,
    phase: e?.phase ?? (p.running ? "flat" : null),
    position: e?.position ?? null,
    features: e?.features ?? null,
    subScores: e?.subScores ?? null,
    score: e?.score ?? null,
    gates: e?.gates ?? null,
    outboxPending: p.outboxPending,
    entriesBlocked: p.entriesBlocked,
    lastAlarmAt: p.lastAlarmAt,
    error: p.error,
    alarmErrors: p.alarmErrors,
    account: p.account,
    receipts: p.receipts,
    backgroundErrors: p.backgroundErrors,
  };
}

function feedView(h: FeedHealth): FeedHealthView {
  return {
    healthy: h.healthy,
    reason: h.reason === null ? null : `${h.reason}: ${h.detail}`,
    lastDataAgeMs: h.lastDataAgeMs,
    connected: h.connected,
    lastFrameAgeMs: h.lastFrameAgeMs,
    reconnects: h.reconnects,
    gaps: h.gaps,
    resyncs: h.resyncs,
    dropped: h.dropped,
    lastError: h.lastError
      ? `${h.lastError.source}${h.lastError.code ? ` ${h.lastError.code}` : ""}: ${h.lastError.message}`
      : h.lastDisconnect,
  };
}
