/**
 * The RPC contracts between the Worker, the SymbolAgents and the Coordinator: plain types, shared by
 * every shell (the Durable Objects implement them, the Worker and the tests call them).
 * @module
 */
import type { AgentStatus, FeedHealthView } from "../runner/agent-status";
import type {
  CloseReport,
  CloseResult,
  ConfirmResult,
  EntryDecision,
  EntryFill,
  EntryRequest,
  PortfolioSnapshot,
} from "../risk/portfolio-types";
import type { FlattenResult } from "./flatten-everywhere";
import type { BackgroundErrors } from "./background-errors";

/** A config with its content version. */
import type { VersionedConfig } from "../config/versioned";
import type { ConfigAuditEntry, ConfigChange, PriceReportAnswer, SymbolEntry } from "../risk/coordinator-types";

export type { VersionedConfig };
export type { BackgroundErrors };

/** The kill switch's answer: the portfolio after it, and one result per symbol it reached. */
export type FlattenAnswer = PortfolioSnapshot & { readonly flatten: readonly FlattenResult[] };
export type { ConfigAuditEntry, ConfigChange, PriceReportAnswer, SymbolEntry };
export type { AgentStatus, FeedHealthView };

/** The Coordinator's RPC surface (one object per account, addressed `getByName("portfolio")`). */
export interface CoordinatorApi {
  requestEntry(req: EntryRequest): Promise<EntryDecision>;
  confirmOpen(reservationId: string, fill: EntryFill): Promise<ConfirmResult>;
  releaseReservation(reservationId: string): Promise<boolean>;
  reportClose(symbol: string, report: CloseReport): Promise<CloseResult>;
  /** A position changed at the exchange outside an approved entry (a manual add, an adopted orphan): the portfolio holds it as given. */
  syncPosition(symbol: string, position: EntryFill): Promise<ConfirmResult>;
  /** Last prices since the previous report (marks positions, feeds the BTC correlation, checks the daily loss). */
  reportPrices(symbol: string, points: readonly { ts: number; price: number }[]): Promise<PriceReportAnswer>;
  getConfig(): Promise<VersionedConfig>;
  /** `expectedVersion`: change only if it is the current version (else `stale`). */
  putConfig(input: unknown, expectedVersion?: string): Promise<ConfigChange>;
  patchConfig(patch: unknown, expectedVersion?: string): Promise<ConfigChange>;
  configAudit(limit: number): Promise<ConfigAuditEntry[]>;
  halt(reason: string): Promise<PortfolioSnapshot>;
  resume(): Promise<PortfolioSnapshot>;
  /**
   * Kill switch: every symbol's agent exits at market, stopped ones too, and in live or demo mode what
   * the exchange still holds is closed there directly; entries are refused until `resume`.
   */
  flatten(): Promise<FlattenAnswer>;
  portfolio(): Promise<PortfolioSnapshot>;
  symbols(): Promise<SymbolEntry[]>;
  setSymbolEnabled(symbol: string, enabled: boolean): Promise<SymbolEntry[]>;
  /** A background step of the Worker failed (already logged with its context): count it for `/api/portfolio`. */
  recordBackgroundError(what: string, message: string): Promise<BackgroundErrors>;
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
