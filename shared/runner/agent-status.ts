/**
 * What a per-symbol agent shows about itself (`GET /api/symbols/:symbol`), derived from its parts:
 * the engine's view, the feed's health, the outbox and the agent's own last problems.
 * @module
 */
import type { StoredHolding } from "./stored-holding";
import type { FeatureSnapshot } from "../indicators/symbol-features";
import type { CompositeScore } from "../strategy/score";
import type { EngineStatus } from "../strategy/engine";
import type { GateResult, Position, SubScores } from "../strategy/types";
import type { AgentUsageCounts } from "./agent-usage";
import type { SafetyCounters } from "./safety-events";
import type { Receipt } from "./receipt-ring";
import { type SymbolListing, UNCHECKED_LISTING } from "../market/symbol-listing";

/** Health of an agent's market-data feed. */
export interface FeedHealthView {
  /** Fit to trade on (shared/exchange/bitget/feed-health.ts): new entries must wait while false. */
  readonly healthy: boolean;
  /** Why not, e.g. `stale: no market data for 5200 ms`; null when healthy. */
  readonly reason: string | null;
  /** Age of the last market push (keepalive replies do not count), or null. */
  readonly lastDataAgeMs: number | null;
  readonly connected: boolean;
  readonly lastFrameAgeMs: number | null;
  readonly reconnects: number;
  readonly gaps: number;
  readonly resyncs: number;
  readonly dropped: number;
  readonly lastError: string | null;
}

/** What an agent shows about itself. */
export interface AgentStatus {
  readonly symbol: string | null;
  readonly running: boolean;
  readonly mode: "paper" | "demo" | "live";
  readonly configVersion: string | null;
  readonly feed: FeedHealthView | null;
  readonly phase: "flat" | "entering" | "open" | null;
  readonly position: Position | null;
  readonly features: FeatureSnapshot | null;
  readonly subScores: SubScores | null;
  readonly score: CompositeScore | null;
  readonly gates: { readonly long: readonly GateResult[]; readonly short: readonly GateResult[] } | null;
  /** Closed trades not yet written to D1. */
  readonly outboxPending: number;
  /** True while a live-mode reconciliation mismatch blocks new entries. */
  readonly entriesBlocked: boolean;
  /**
   * Why the agent itself refuses new entries now, e.g. `feed_unhealthy: stale: no market data for
   * 5200 ms` or `reconcile_blocked: …`; null when entries may be asked (the portfolio may still refuse).
   */
  readonly entriesPaused?: string | null;
  readonly lastAlarmAt: number | null;
  /** Why the agent is not running (refused start, live mode without keys), else null. */
  readonly error?: string | null;
  /** Recent failures of alarm steps (the alarm re-arms regardless). */
  readonly alarmErrors?: readonly string[];
  /** Whether Bitget lists the symbol (`unknown_symbol`: the agent does not run). */
  readonly listing?: SymbolListing;
}

/** {@link AgentStatus} with the agent's last problems (extra fields; the contract's are unchanged). */
export interface AgentStatusView extends AgentStatus {
  /** Why the agent is not running when it was asked to (a refused live mode, a failed start), else null. */
  readonly error: string | null;
  /** Steps of the last alarm that failed, e.g. `outbox: D1_ERROR …`; empty when it all worked. */
  readonly alarmErrors: readonly string[];
  readonly entriesPaused: string | null;
  /** Live and demo: the exchange account (Classic/UTA, hold mode, margin mode, leverage) as read at start; null in paper mode. */
  readonly account: AccountView | null;
  /** The last feed messages: newest event time, when the agent received and when it had handled it (bench: push → decision latency). */
  readonly receipts: readonly Receipt[];
  /** Failures of background steps (a price report, a call delivery, a live start) since the object started, and the last one. */
  readonly backgroundErrors: { readonly count: number; readonly last: string | null };
  /** Requests served and caused and D1 rows written since the object started (agent-usage.ts), null when not counted. */
  readonly usage: AgentUsageCounts | null;
  /**
   * Live safety since the agent started (safety-events.ts): fills of orders the engine did not place,
   * failed and halted exits, order lookups and orders resolved by the cap; null when not running.
   */
  readonly safety: SafetyCounters | null;
  /** True while exits are halted for the open position (the exchange-side stop-loss protects it). */
  readonly exitHalted: boolean;
  /** Whether Bitget lists the symbol (`unknown_symbol`: the agent does not run; `check_failed`: no answer yet). */
  readonly listing: SymbolListing;
}

/** The exchange account as the status shows it (the Bitget adapter's `AccountSummary` is one). */
export interface AccountView {
  readonly accountMode: string;
  readonly trading: string;
  /** One-way or hedge. */
  readonly holdMode: string;
  readonly marginMode: string;
  /** The symbol's leverage, null when the exchange did not say. */
  readonly leverage: number | null;
}

/** The feed health figures the status shows (the public feed's `FeedHealth` is one). */
export interface FeedHealthReading {
  readonly healthy: boolean;
  readonly reason: string | null;
  readonly detail: string | null;
  readonly lastDataAgeMs: number | null;
  readonly connected: boolean;
  readonly lastFrameAgeMs: number | null;
  readonly reconnects: number;
  readonly gaps: number;
  readonly resyncs: number;
  readonly dropped: number;
  readonly lastError: { readonly source: string; readonly code?: string | null; readonly message: string } | null;
  readonly lastDisconnect: string | null;
  /** Args the server acknowledged, as `channel:instId` (the listing check reads it). */
  readonly subscribed?: readonly string[];
}

/** Everything {@link agentStatus} reads. */
export interface AgentStatusParts {
  readonly symbol: string | null;
  readonly running: boolean;
  readonly mode: "paper" | "demo" | "live";
  readonly configVersion: string | null;
  readonly feed: FeedHealthReading | null;
  readonly engine: EngineStatus | null;
  /** A stopped agent's persisted phase and position (shown when no engine runs); absent or null otherwise. */
  readonly stored?: StoredHolding | null;
  readonly outboxPending: number;
  readonly entriesBlocked: boolean;
  readonly entriesPaused: string | null;
  readonly account: AccountView | null;
  readonly lastAlarmAt: number | null;
  readonly error: string | null;
  readonly alarmErrors: readonly string[];
  readonly receipts: readonly Receipt[];
  readonly backgroundErrors: { readonly count: number; readonly last: string | null };
  readonly usage?: AgentUsageCounts | null;
  readonly safety?: SafetyCounters | null;
  readonly exitHalted?: boolean;
  readonly listing?: SymbolListing | null;
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
    phase: e?.phase ?? p.stored?.phase ?? (p.running ? "flat" : null),
    position: e?.position ?? p.stored?.position ?? null,
    features: e?.features ?? null,
    subScores: e?.subScores ?? null,
    score: e?.score ?? null,
    gates: e?.gates ?? null,
    outboxPending: p.outboxPending,
    entriesBlocked: p.entriesBlocked,
    entriesPaused: p.entriesPaused,
    lastAlarmAt: p.lastAlarmAt,
    error: p.error,
    alarmErrors: p.alarmErrors,
    account: p.account,
    receipts: p.receipts,
    backgroundErrors: p.backgroundErrors,
    usage: p.usage ?? null,
    safety: p.safety ?? null,
    exitHalted: p.exitHalted ?? false,
    listing: p.listing ?? UNCHECKED_LISTING,
  };
}

/** The feed health as the status shows it: one reason line and one error line. */
export function feedView(h: FeedHealthReading): FeedHealthView {
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
