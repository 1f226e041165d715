/**
 * The Coordinator's vocabulary beyond the portfolio rules: config changes and their audit entries,
 * the answer to a price report, and the symbol list. The RPC contracts (shared/coordination/rpc-contracts.ts)
 * and the pure rules (coordinator-rules.ts) share it.
 * @module
 */
import type { ConfigIssue } from "../config/config";
import type { BotConfig, BotConfigInput } from "../config/schema";
import type { TradingState } from "./portfolio-types";

/**
 * Result of a config change: the new version (with `at`, the time of its audit entry), or every
 * bad field (config unchanged).
 */
export type ConfigChange =
  | {
      readonly ok: true;
      readonly version: string;
      readonly previousVersion: string;
      readonly config: BotConfig;
      readonly at: number;
    }
  | {
      readonly ok: false;
      readonly issues: ConfigIssue[];
      /** Set when the change named a version (`If-Match`) that is no longer current: this one. */
      readonly staleFor?: string;
    };

/** One audited config change. */
export interface ConfigAuditEntry {
  readonly at: number;
  readonly version: string;
  readonly previousVersion: string;
  /** What was sent: the full config (PUT) or the patch (PATCH). */
  readonly change: BotConfigInput | Record<string, unknown>;
  readonly kind: "put" | "patch";
}

/** What the Coordinator answers to an agent's price report. */
export interface PriceReportAnswer {
  readonly tradingState: TradingState;
  /** Close everything at market now (kill switch, or daily-loss flatten). */
  readonly flatten: boolean;
  /** Why `flatten` is set (the exit reason to use), null when it is not. */
  readonly flattenReason: "flatten" | "daily_loss_flatten" | null;
  /** The current config version: an agent with another version reloads its config. */
  readonly configVersion: string;
}

/** A symbol the account trades, and whether the watchdog keeps its agent running. */
export interface SymbolEntry {
  readonly symbol: string;
  readonly enabled: boolean;
}
