/**
 * Coordinator: the portfolio Durable Object, one per account (`COORDINATOR.getByName("portfolio")`).
 * It is the single writer of portfolio state: it wraps the pure portfolio rules (shared/risk), the
 * versioned config store with its audit, the symbol list and the kill switch. Crash-only: every
 * change is written to its SQLite-backed storage as it happens, and the constructor rebuilds
 * everything from there. Entry checks never await anything, so the input gate makes
 * `requestEntry` an atomic check-and-reserve however many agents call at once.
 * @module
 */
import { DurableObject } from "cloudflare:workers";
import { defaultConfig } from "../shared/config/config";
import type { BotConfig } from "../shared/config/schema";
import { loadStoredConfig } from "../shared/config/stored-config";
import { ReturnCorrelation } from "../shared/risk/correlation";
import { Portfolio } from "../shared/risk/portfolio";
import type {
  CloseReport,
  CloseResult,
  ConfirmResult,
  EntryDecision,
  EntryFill,
  EntryRequest,
  PortfolioSettings,
  PortfolioSnapshot,
} from "../shared/risk/portfolio-types";
import { callAgents } from "./agent-rpc";
/** The Worker's bindings (declared globally by workers/env.ts, so this folder imports nothing from workers/). */
type Env = Cloudflare.Env;
import { SYMBOL_PATTERN, startEquityOf } from "../shared/config/settings";
import type {
  ConfigAuditEntry,
  ConfigChange,
  CoordinatorApi,
  PriceReportAnswer,
  SymbolEntry,
  VersionedConfig,
} from "./contracts";
import {
  MAX_AUDIT_ENTRIES,
  RESERVATION_TTL_MS,
  applyConfigChange,
  correlationMatches,
  enabledSymbols,
  priceAnswer,
  sameCorrelationSampling,
  symbolEntries,
  validPricePoints,
  withPortfolioSettings,
} from "../shared/risk/coordinator-rules";
import { CoordinatorStore } from "./coordinator-store";

/** The trading-state reason while the kill switch is set. */
export const KILL_SWITCH_REASON = "kill switch: flatten";

/** Portfolio coordinator Durable Object (SQLite-backed), implementing {@link CoordinatorApi}. */
export class Coordinator extends DurableObject<Env> implements CoordinatorApi {
  private readonly store: CoordinatorStore;
  private current!: VersionedConfig;
  private rules!: Portfolio;
  private killSwitch = false;
  /** Why the stored config did not load: trading halts and a fixing PUT or PATCH clears it. */
  private configError: string | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new CoordinatorStore(ctx.storage.kv);
    void ctx.blockConcurrencyWhile(async () => this.hydrate());
  }

  /** RPC: checks every portfolio rule and reserves a slot atomically (stale reservations are released first). */
  async requestEntry(req: EntryRequest): Promise<EntryDecision> {
    if (this.configError !== null) return { ok: false, reason: "halted", detail: this.configHaltReason() };
    if (typeof req !== "object" || req === null)
      return { ok: false, reason: "invalid_request", detail: "the request must be an object" };
    if (Number.isFinite(req.ts)) this.rules.releaseReservationsBefore(req.ts - RESERVATION_TTL_MS);
    const decision = this.rules.requestEntry(req);
    this.savePortfolio();
    return decision;
  }

  /** RPC: the entry filled; the reservation becomes an open position. */
  async confirmOpen(reservationId: string, fill: EntryFill): Promise<ConfirmResult> {
    const result = this.rules.confirmOpen(reservationId, fill);
    this.savePortfolio();
    return result;
  }

  /** RPC: the entry never filled; frees its slot. */
  async releaseReservation(reservationId: string): Promise<boolean> {
    const released = this.rules.releaseReservation(reservationId);
    this.savePortfolio();
    return released;
  }

  /** RPC: a position closed with its realised net PnL. */
  async reportClose(symbol: string, report: CloseReport): Promise<CloseResult> {
    const result = this.rules.closePosition(symbol, report);
    this.savePortfolio();
    return result;
  }

  /** RPC: marks `symbol` at each valid point, feeds the BTC correlation and checks the daily loss. */
  async reportPrices(symbol: string, points: readonly { ts: number; price: number }[]): Promise<PriceReportAnswer> {
    const before = this.rules.requiresFlatten;
    const valid = validPricePoints(points);
    for (const p of valid) this.rules.markPrice(symbol, p.price, p.ts);
    this.savePortfolio();
    if (valid.length > 0) this.store.saveCorrelation(this.rules.correlation.getState(), [symbol]);
    if (!before && this.rules.requiresFlatten) this.ctx.waitUntil(this.flattenAgents("daily_loss_flatten"));
    const state = this.configError !== null ? "HALTED" : this.rules.tradingState;
    return priceAnswer(state, this.killSwitch, this.rules.requiresFlatten, this.current.version);
  }

  /** RPC: the current config and its version; throws while the stored config does not load (nothing may run on it). */
  async getConfig(): Promise<VersionedConfig> {
    if (this.configError !== null) throw new Error(this.configHaltReason());
    return this.current;
  }

  /**
   * RPC for the API: the current config and version, and `error` null; or, while the stored config
   * does not load, the stored one as it is (it does not validate) with why.
   */
  async configState(): Promise<VersionedConfig & { error: string | null }> {
    return { config: this.current.config, version: this.current.version, error: this.configError };
  }

  /** RPC: replaces the whole config (missing fields take their defaults). */
  async putConfig(input: unknown, expectedVersion?: string): Promise<ConfigChange> {
    return this.changeConfig("put", input, expectedVersion);
  }

  /** RPC: deep-merges a partial config into the current one. */
  async patchConfig(patch: unknown, expectedVersion?: string): Promise<ConfigChange> {
    return this.changeConfig("patch", patch, expectedVersion);
  }

  /** RPC: the latest config changes, newest first (1 to 1000 entries). */
  async configAudit(limit: number): Promise<ConfigAuditEntry[]> {
    const n = Number.isFinite(limit) ? Math.min(MAX_AUDIT_ENTRIES, Math.max(1, Math.floor(limit))) : 50;
    return this.store.audit(n);
  }

  /** RPC: operator halt (no new entries; open positions keep being managed). */
  async halt(reason: string): Promise<PortfolioSnapshot> {
    this.rules.halt(typeof reason === "string" && reason.trim() !== "" ? reason.trim() : "halted by operator");
    this.savePortfolio();
    return this.rules.snapshot();
  }

  /** RPC: lifts an operator halt and the kill switch (a daily-loss halt lasts until the next UTC day). */
  async resume(): Promise<PortfolioSnapshot> {
    this.rules.resume();
    this.killSwitch = false;
    this.store.saveKillSwitch(false);
    this.savePortfolio();
    return this.rules.snapshot();
  }

  /**
   * RPC, kill switch: sets the flag (entries are refused as `halted`, price reports answer
   * `flatten`), then asks every enabled agent and every agent holding a position or reservation to
   * exit at market, waits for their answers (bounded), and returns the snapshot after.
   */
  async flatten(): Promise<PortfolioSnapshot> {
    this.killSwitch = true;
    this.store.saveKillSwitch(true);
    this.rules.halt(KILL_SWITCH_REASON);
    this.savePortfolio();
    await this.flattenAgents("flatten");
    return this.rules.snapshot();
  }

  /** RPC: the portfolio now; while the stored config does not load, HALTED with the reason. */
  async portfolio(): Promise<PortfolioSnapshot & { configError: string | null }> {
    const snap = this.rules.snapshot();
    if (this.configError === null) return { ...snap, configError: null };
    return { ...snap, tradingState: "HALTED", reason: this.configHaltReason(), configError: this.configError };
  }

  /** RPC: the symbol list, sorted. */
  async symbols(): Promise<SymbolEntry[]> {
    return symbolEntries(this.store.symbols());
  }

  /** RPC: adds `symbol` to the list or changes its enabled flag; a malformed symbol (not like BTCUSDT) changes nothing. */
  async setSymbolEnabled(symbol: string, enabled: boolean): Promise<SymbolEntry[]> {
    if (typeof symbol !== "string" || !SYMBOL_PATTERN.test(symbol)) return symbolEntries(this.store.symbols());
    const symbols = { ...this.store.symbols(), [symbol]: enabled === true };
    this.store.saveSymbols(symbols);
    return symbolEntries(symbols);
  }

  /**
   * Rebuilds everything from storage. Never throws: a stored config that no longer loads (or state
   * that does not restore) leaves the Coordinator up, halted with the reason, on the default
   * portfolio settings, and ready for the PUT or PATCH that fixes it.
   */
  private hydrate(): void {
    this.killSwitch = this.store.killSwitch();
    const loaded = loadStoredConfig(this.store.config());
    if (loaded.ok) {
      this.current = { config: loaded.config, version: loaded.version };
      if (loaded.changed) this.store.saveConfig(this.current);
    } else {
      // The raw config stays current so that a PATCH merges into it; nothing runs on it.
      this.current = { config: loaded.raw as BotConfig, version: loaded.version ?? "v-invalid" };
      this.failConfig(loaded.reason);
    }
    const settings = this.configError === null ? this.current.config.portfolio : defaultConfig().portfolio;
    try {
      this.rules = this.restoreRules(settings);
    } catch (err) {
      this.failConfig(`stored portfolio state does not restore: ${String(err)}`);
      this.rules = this.restoreRules(defaultConfig().portfolio, false);
    }
  }

  /** The portfolio rules from storage under `settings` (fresh when nothing restorable is stored). */
  private restoreRules(settings: PortfolioSettings, fromStorage = true): Portfolio {
    const saved = fromStorage ? this.store.correlation() : undefined;
    const correlation =
      saved !== undefined && correlationMatches(saved, settings) ? ReturnCorrelation.restore(saved) : undefined;
    const state = fromStorage ? this.store.portfolio() : undefined;
    // The portfolio's clock is the agents' event time (now: 0 until the first event), never the wall
    // clock: a replayed recording keeps its own days for the daily loss limit and its cooldowns.
    const rules =
      state !== undefined
        ? Portfolio.restore(withPortfolioSettings(state, settings), correlation)
        : new Portfolio(settings, { startEquity: startEquityOf(this.env.START_EQUITY), now: 0, correlation });
    if (fromStorage && state === undefined) this.store.savePortfolio(rules.getState());
    return rules;
  }

  private failConfig(reason: string): void {
    this.configError = reason;
    console.error(JSON.stringify({ event: "coordinator_config_load_failed", reason }));
  }

  private configHaltReason(): string {
    return `config: ${this.configError}; PUT or PATCH /api/config to fix it`;
  }

  private changeConfig(kind: "put" | "patch", input: unknown, expectedVersion?: string): ConfigChange {
    // Checked here, in the same turn as the change, so two writers cannot both pass the check.
    if (expectedVersion !== undefined && expectedVersion !== this.current.version)
      return {
        ok: false,
        issues: [{ path: "If-Match", message: `version ${expectedVersion} is not current` }],
        staleFor: this.current.version,
      };
    const applied = applyConfigChange(this.current, kind, input, Date.now());
    if (applied.next === null) return applied.change;
    const previous = this.configError === null ? this.current.config.portfolio : this.rules.config;
    this.configError = null;
    this.current = applied.next;
    this.store.saveConfig(applied.next);
    this.store.appendAudit(applied.audit);
    this.applyPortfolioSettings(previous, applied.next.config.portfolio);
    if (applied.change.version !== applied.change.previousVersion)
      this.ctx.waitUntil(this.pushConfig(applied.change.version));
    return applied.change;
  }

  private applyPortfolioSettings(previous: PortfolioSettings, next: PortfolioSettings): void {
    const keep = sameCorrelationSampling(previous, next);
    if (!keep) this.store.clearCorrelation();
    this.rules = Portfolio.restore(
      withPortfolioSettings(this.rules.getState(), next),
      keep ? this.rules.correlation : undefined,
    );
    this.savePortfolio();
  }

  private savePortfolio(): void {
    this.store.savePortfolio(this.rules.getState());
  }

  /** Agents to flatten: the enabled ones and any holding a position or a reservation. */
  private flattenTargets(): string[] {
    const snap = this.rules.snapshot();
    const targets = new Set(enabledSymbols(this.store.symbols()));
    for (const p of snap.openPositions) targets.add(p.symbol);
    for (const r of snap.reservations) targets.add(r.symbol);
    return [...targets].sort();
  }

  private async flattenAgents(reason: "flatten" | "daily_loss_flatten"): Promise<void> {
    const outcomes = await callAgents(this.env, this.flattenTargets(), "flatten", (a) => a.flatten(reason));
    logFailures("flatten", outcomes);
  }

  private async pushConfig(version: string): Promise<void> {
    const outcomes = await callAgents(this.env, enabledSymbols(this.store.symbols()), "updateConfig", (a) =>
      a.updateConfig(version),
    );
    logFailures("config_push", outcomes);
  }
}

function logFailures(event: string, outcomes: readonly { symbol: string; ok: boolean; error?: string }[]): void {
  const failed = outcomes.filter((o) => !o.ok);
  if (failed.length > 0)
    console.warn(JSON.stringify({ event, failed: failed.map((o) => ({ symbol: o.symbol, error: o.error })) }));
}
