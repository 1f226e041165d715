/**
 * The JSON the dashboard reads, typed from the project's own contracts (type-only imports: nothing
 * of the server is bundled into the page).
 * @module
 */
import type { AgentStatus } from "../shared/coordination/rpc-contracts";
import type { DailyStats, Summary } from "../shared/backtest/metrics";
import type { BotConfig } from "../shared/config/schema";
import type { Trade } from "../shared/db/schema";
import type { NotifierStatus } from "../shared/notify/notifier-status";
import type { PortfolioSnapshot } from "../shared/risk/portfolio-types";
import type { DrawdownPoint } from "../workers/equity-curve";
import type { EdgeStats } from "../shared/risk/trade-expectancy";
import type { AccountView } from "../shared/runner/agent-status";

/** The stats totals: the backtest summary without its backtest-only fields (as workers/stats.ts `LiveSummary`). */
export type LiveSummary = Omit<Summary, "unfilledEntries" | "tradeOnly" | "eventsPerSecond">;

export type { AgentStatus, PortfolioSnapshot, Trade, BotConfig, DailyStats, DrawdownPoint, EdgeStats };

/** `GET /api/notifications`. */
export type NotificationsBody = NotifierStatus;

/** `GET /api/symbols`. */
export interface SymbolsBody {
  readonly symbols: readonly {
    readonly symbol: string;
    readonly enabled: boolean;
    /** `account`: live and demo agents' exchange account (null in paper mode). */
    readonly status: (AgentStatus & { readonly account?: AccountView | null }) | null;
    readonly error: string | null;
  }[];
}

/** `GET /api/trades`. */
export interface TradesBody {
  readonly trades: readonly Trade[];
  readonly nextCursor: string | null;
}

/** `GET /api/stats`. */
export interface StatsBody {
  readonly from: number;
  readonly to: number;
  /** Whose ledger: paper, demo and live trades are counted apart. */
  readonly mode: "paper" | "demo" | "live";
  readonly basis: string;
  readonly capitalBasis: string;
  readonly capital: number;
  readonly totals: LiveSummary;
  readonly daily: readonly DailyStats[];
  readonly edge: EdgeStats;
  readonly formulas: Readonly<Record<string, string>>;
}

/** `GET /api/equity`. */
export interface EquityBody {
  readonly from: number;
  readonly to: number;
  /** Whose ledger (as for stats). */
  readonly mode: "paper" | "demo" | "live";
  readonly basis: string;
  readonly capital: number;
  readonly finalEquity: number;
  readonly maxDrawdown: number;
  readonly points: readonly DrawdownPoint[];
  readonly formulas: Readonly<Record<string, string>>;
}

/** `GET /api/config` and a successful PATCH (which also carries `previousVersion`). */
export interface ConfigBody {
  readonly version: string;
  readonly config: BotConfig;
}

/** The API's error body. */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details?: unknown };
}
