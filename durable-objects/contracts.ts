import type { FeatureSnapshot } from "../shared/indicators/symbol-features";
import type {
  CloseReport,
  CloseResult,
  ConfirmResult,
  EntryDecision,
  EntryFill,
  EntryRequest,
  PortfolioSnapshot,
} from "../shared/risk/portfolio-types";
import type { CompositeScore } from "../shared/strategy/score";
import type { GateResult, Position, SubScores } from "../shared/strategy/types";

/** A config with its content version. */
import type { VersionedConfig } from "../shared/config/versioned";
import type { ConfigAuditEntry, ConfigChange, PriceReportAnswer, SymbolEntry } from "../shared/risk/coordinator-types";

export type { VersionedConfig };
export type { ConfigAuditEntry, ConfigChange, PriceReportAnswer, SymbolEntry };

/** The Coordinator's RPC surface (one object per account, addressed `getByName("portfolio")`). */
export interface CoordinatorApi {
  requestEntry(req: EntryRequest): Promise<EntryDecision>;
  confirmOpen(reservationId: string, fill: EntryFill): Promise<ConfirmResult>;
  releaseReservation(reservationId: string): Promise<boolean>;
  reportClose(symbol: string, report: CloseReport): Promise<CloseResult>;
  /** Last prices since the previous report (marks positions, feeds the BTC correlation, checks the daily loss). */
  reportPrices(symbol: string, points: readonly { ts: number; price: number }[]): Promise<PriceReportAnswer>;
  getConfig(): Promise<VersionedConfig>;
  /** `expectedVersion`: change only if it is the current version (else `stale`). */
  putConfig(input: unknown, expectedVersion?: string): Promise<ConfigChange>;
  patchConfig(patch: unknown, expectedVersion?: string): Promise<ConfigChange>;
  configAudit(limit: number): Promise<ConfigAuditEntry[]>;
  halt(reason: string): Promise<PortfolioSnapshot>;
  resume(): Promise<PortfolioSnapshot>;
  /** Kill switch: every agent exits at market; entries are refused until `resume`. */
  flatten(): Promise<PortfolioSnapshot>;
  portfolio(): Promise<PortfolioSnapshot>;
  symbols(): Promise<SymbolEntry[]>;
  setSymbolEnabled(symbol: string, enabled: boolean): Promise<SymbolEntry[]>;
}

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

/** What an agent shows about itself (`GET /api/symbols/:symbol`). */
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
  readonly lastAlarmAt: number | null;
  /** Why the agent is not running (refused start, live mode without keys), else null. */
  readonly error?: string | null;
  /** Recent failures of alarm steps (the alarm re-arms regardless). */
  readonly alarmErrors?: readonly string[];
}

/** The SymbolAgent's RPC surface (one object per symbol, addressed `getByName(symbol)`). */
export interface SymbolAgentApi {
  start(symbol: string): Promise<AgentStatus>;
  stop(): Promise<AgentStatus>;
  status(): Promise<AgentStatus>;
  /** The Coordinator's config changed: reload it (the version says which). */
  updateConfig(version: string): Promise<AgentStatus>;
  /** Exit at market now and cancel a pending entry. */
  flatten(reason: "flatten" | "daily_loss_flatten"): Promise<AgentStatus>;
  /** Cron watchdog: start again if the agent should run and is not. */
  ensureRunning(): Promise<AgentStatus>;
}
