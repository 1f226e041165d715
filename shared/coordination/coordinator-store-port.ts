/**
 * What the Coordinator's core persists, as a port: the Durable Object implements it over its
 * synchronous KV storage (durable-objects/coordinator-store.ts), tests over a Map. Every method is
 * synchronous, so a call of the core that writes without awaiting is one implicit transaction.
 * @module
 */
import type { VersionedConfig } from "../config/versioned";
import type { ConfigAuditEntry } from "../risk/coordinator-types";
import type { ReturnCorrelationState } from "../risk/correlation";
import type { PortfolioState } from "../risk/portfolio-types";

/** The Coordinator's stored state. */
export interface CoordinatorStorePort {
  /** The current config and version, if one was stored. */
  config(): VersionedConfig | undefined;
  saveConfig(config: VersionedConfig): void;
  /** The persisted portfolio rules, if any. */
  portfolio(): PortfolioState | undefined;
  savePortfolio(state: PortfolioState): void;
  /** The persisted correlation state, if any. */
  correlation(): ReturnCorrelationState | undefined;
  /** Stores the correlation state; only the rings of `symbols` (the ones just fed) need writing. */
  saveCorrelation(state: ReturnCorrelationState, symbols: Iterable<string>): void;
  clearCorrelation(): void;
  /** Symbols and their enabled flags. */
  symbols(): Record<string, boolean>;
  saveSymbols(symbols: Record<string, boolean>): void;
  killSwitch(): boolean;
  saveKillSwitch(on: boolean): void;
  appendAudit(entry: ConfigAuditEntry): void;
  /** The latest `limit` audit entries, newest first. */
  audit(limit: number): ConfigAuditEntry[];
}
