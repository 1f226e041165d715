/**
 * The Coordinator's policy, platform-free: the single writer of the portfolio rules, the versioned
 * config with its audit, the symbol list and the kill switch. Every change is written through the
 * {@link CoordinatorStorePort} as it happens (the Durable Object's storage), and the constructor
 * rebuilds everything from it. What must happen outside the call (agents to flatten, a config to
 * push, the operator to tell) is handed to {@link CoordinatorEffects}, never awaited here. Nothing
 * in it awaits, so the Durable Object's input gate makes each call atomic.
 * @module
 */
import { defaultConfig } from "../config/config";
import type { BotConfig } from "../config/schema";
import { SYMBOL_PATTERN } from "../config/settings";
import { loadStoredConfig } from "../config/stored-config";
import type { VersionedConfig } from "../config/versioned";
import type { NotifyEvent } from "../notify/notify-event";
import { ReturnCorrelation } from "../risk/correlation";
import {
  applyConfigChange,
  correlationMatches,
  enabledSymbols,
  MAX_AUDIT_ENTRIES,
  priceAnswer,
  RESERVATION_TTL_MS,
  sameCorrelationSampling,
  symbolEntries,
  validPricePoints,
  withPortfolioSettings,
} from "../risk/coordinator-rules";
import type { ConfigAuditEntry, ConfigChange, PriceReportAnswer, SymbolEntry } from "../risk/coordinator-types";
import { utcDay } from "../risk/daily-loss";
import { Portfolio } from "../risk/portfolio";
import type {
  CloseReport,
  CloseResult,
  ConfirmResult,
  EntryDecision,
  EntryFill,
  EntryRequest,
  PortfolioSettings,
  PortfolioSnapshot,
} from "../risk/portfolio-types";
import type { CoordinatorStorePort } from "./coordinator-store-port";
import { stateChangeEvents } from "./state-changes";

/**
 * How often (in the price points' own time) a symbol's price reports write its marks and correlation
 * samples. Every report (each agent's, every second) used to write the whole portfolio state and a
 * correlation ring before answering: a storage write per symbol per second at the edge, and locally an
 * `fsync` on the one thread `wrangler dev` runs every object on, holding up the orders in flight. As
 * an experiment with no reports at all (REPORT_EVERY_MS 60 s), entries' median push → order went from
 * 3.2–3.5 to 2.7–2.9 ms (classic key, two runs each, load 0.4–1.5, 2026-12-08). What a crash loses
 * is refreshed by the next report within a second (marks), or is 6 of the correlation window's 180
 * returns at the default settings; a report that changes the trading state is written in its call.
 */
export const MARKS_WRITE_EVERY_MS = 30_000;

/** The trading-state reason while the kill switch is set. */
export const KILL_SWITCH_REASON = "kill switch: flatten";

/** What the core asks of its shell, to happen after the call and off its path. */
export interface CoordinatorEffects {
  /** A rule (the daily loss limit with `flattenOnDailyLimit`) wants every agent to exit at market. */
  flattenAgents(reason: "daily_loss_flatten"): void;
  /** The config changed: tell the running agents. */
  pushConfig(version: string): void;
  /** Tell the operator (the Notifier); a failure must never reach the caller. */
  announce(events: readonly NotifyEvent[]): void;
  /** The stored config or state does not load: log it (the core halts with the reason). */
  configLoadFailed(reason: string): void;
  /**
   * Runs `write` after the current call has answered (a timer, WRITE_BEHIND_MS): an entry's reservation is written
   * behind its answer (see {@link CoordinatorCore.requestEntry}). A throw from `write` is the shell's
   * to log and count. Without it (tests, tools) every write is made in the call.
   */
  later?(write: () => void): void;
}

/** The portfolio snapshot with why the stored config does not load (null when it does). */
export type CoordinatorPortfolio = PortfolioSnapshot & { readonly configError: string | null };

/** See the module documentation. */
export class CoordinatorCore {
  private readonly store: CoordinatorStorePort;
  private readonly effects: CoordinatorEffects;
  private readonly startEquity: number;
  private current: VersionedConfig;
  private rules: Portfolio;
  private killSwitch: boolean;
  /** Why the stored config did not load: trading halts and a fixing PUT or PATCH clears it. */
  private configError: string | null = null;
  /** A portfolio write is owed to the later task (see {@link savePortfolioBehind}). */
  private saveBehind = false;
  /** Per symbol, the newest price point whose marks and correlation sample were written. */
  private readonly marksWrittenAt = new Map<string, number>();

  /**
   * Rebuilds everything from storage. Never throws: a stored config that no longer loads (or state
   * that does not restore) leaves the core up, halted with the reason, on the default portfolio
   * settings, and ready for the PUT or PATCH that fixes it.
   */
  constructor(store: CoordinatorStorePort, effects: CoordinatorEffects, startEquity: number) {
    this.store = store;
    this.effects = effects;
    this.startEquity = startEquity;
    this.killSwitch = store.killSwitch();
    const loaded = loadStoredConfig(store.config());
    if (loaded.ok) {
      this.current = { config: loaded.config, version: loaded.version };
      if (loaded.changed) store.saveConfig(this.current);
    } else {
      // The raw config stays current so that a PATCH merges into it; nothing runs on it.
      this.current = { config: loaded.raw as BotConfig, version: loaded.version ?? "v-invalid" };
      this.failConfig(loaded.reason);
    }
    const settings = this.configError === null ? this.current.config.portfolio : defaultConfig().portfolio;
    try {
      this.rules = this.restoreRules(settings, true);
    } catch (err) {
      this.failConfig(`stored portfolio state does not restore: ${String(err)}`);
      this.rules = this.restoreRules(defaultConfig().portfolio, false);
    }
  }

  /**
   * Checks every portfolio rule and reserves a slot (stale reservations are released first). The
   * decision is made and applied in memory in this call, so calls stay serial and exact; only its
   * write is behind the answer (with {@link CoordinatorEffects.later}): in a Durable Object a write
   * holds the answer until it commits (an fsync locally, a replicated commit at the edge), and the
   * answer is on every entry's path from push to order (issue #13). A crash in that window loses the
   * reservation, never a position: the agent's `confirmOpen` is then answered `unknown_reservation`
   * and it hands the fill on as a position change (call-queue.ts), so the portfolio learns the
   * position; until then one more slot may be granted (docs/coordinator-write-behind.md).
   */
  requestEntry(req: EntryRequest): EntryDecision {
    if (this.configError !== null) return { ok: false, reason: "halted", detail: this.configHaltReason() };
    if (typeof req !== "object" || req === null)
      return { ok: false, reason: "invalid_request", detail: "the request must be an object" };
    return this.change(() => {
      if (Number.isFinite(req.ts)) this.rules.releaseReservationsBefore(req.ts - RESERVATION_TTL_MS);
      return this.rules.requestEntry(req);
    }, "behind");
  }

  /** The entry filled; the reservation (even an expired one) becomes an open position. */
  confirmOpen(reservationId: string, fill: EntryFill): ConfirmResult {
    return this.change(() => this.rules.confirmOpen(reservationId, fill));
  }

  /** The entry never filled; frees its slot. */
  releaseReservation(reservationId: string): boolean {
    return this.change(() => this.rules.releaseReservation(reservationId));
  }

  /** The exchange changed a position outside an approved entry (a manual add, an adopted orphan): the portfolio follows it. */
  syncPosition(symbol: string, position: EntryFill): ConfirmResult {
    return this.change(() => this.rules.syncPosition(symbol, position));
  }

  /** A position closed with its realised net PnL. */
  reportClose(symbol: string, report: CloseReport): CloseResult {
    return this.change(() => this.rules.closePosition(symbol, report));
  }

  /**
   * Marks `symbol` at each valid point, feeds the BTC correlation and checks the daily loss. Marks and
   * correlation samples are written at most every {@link MARKS_WRITE_EVERY_MS} of the points' time per
   * symbol, behind the answer; a report that changed the trading state is written in the call.
   */
  reportPrices(symbol: string, points: unknown): PriceReportAnswer {
    const valid = validPricePoints(points);
    const newest = valid.reduce((m, p) => Math.max(m, p.ts), Number.NEGATIVE_INFINITY);
    const due = newest - (this.marksWrittenAt.get(symbol) ?? Number.NEGATIVE_INFINITY) >= MARKS_WRITE_EVERY_MS;
    this.change(
      () => {
        for (const p of valid) this.rules.markPrice(symbol, p.price, p.ts);
      },
      due ? "behind" : "unless-ruled",
    );
    if (due) {
      this.marksWrittenAt.set(symbol, newest);
      this.behind(() => this.store.saveCorrelation(this.rules.correlation.getState(), [symbol]));
    }
    const state = this.configError !== null ? "HALTED" : this.rules.tradingState;
    return priceAnswer(state, this.killSwitch, this.rules.requiresFlatten, this.current.version);
  }

  /** The current config and its version; null while the stored config does not load (nothing may run on it). */
  config(): VersionedConfig | null {
    return this.configError === null ? this.current : null;
  }

  /** Why nothing may run on the stored config, for the error the shell throws; null when it loads. */
  configProblem(): string | null {
    return this.configError === null ? null : this.configHaltReason();
  }

  /** The current config and version with `error` null; or the stored one as it is (it does not validate) with why. */
  configState(): VersionedConfig & { error: string | null } {
    return { config: this.current.config, version: this.current.version, error: this.configError };
  }

  /**
   * Replaces (`put`) or deep-merges (`patch`) the config at wall time `at`; with `expectedVersion`,
   * only if it is the current version. Checked in the same turn as the change, so two writers cannot both pass.
   */
  changeConfig(kind: "put" | "patch", input: unknown, expectedVersion: string | undefined, at: number): ConfigChange {
    if (expectedVersion !== undefined && expectedVersion !== this.current.version)
      return {
        ok: false,
        issues: [{ path: "If-Match", message: `version ${expectedVersion} is not current` }],
        staleFor: this.current.version,
      };
    const applied = applyConfigChange(this.current, kind, input, at);
    if (applied.next === null) return applied.change;
    const previous = this.configError === null ? this.current.config.portfolio : this.rules.config;
    this.configError = null;
    this.current = applied.next;
    this.store.saveConfig(applied.next);
    this.store.appendAudit(applied.audit);
    this.applyPortfolioSettings(previous, applied.next.config.portfolio);
    if (applied.change.version !== applied.change.previousVersion) this.effects.pushConfig(applied.change.version);
    return applied.change;
  }

  /** The latest config changes, newest first (1 to 1000 entries; 50 when `limit` is not a number). */
  configAudit(limit: number): ConfigAuditEntry[] {
    const n = Number.isFinite(limit) ? Math.min(MAX_AUDIT_ENTRIES, Math.max(1, Math.floor(limit))) : 50;
    return this.store.audit(n);
  }

  /** Operator halt (no new entries; open positions keep being managed). */
  halt(reason: unknown): PortfolioSnapshot {
    this.rules.halt(typeof reason === "string" && reason.trim() !== "" ? reason.trim() : "halted by operator");
    this.savePortfolio();
    return this.rules.snapshot();
  }

  /** Lifts an operator halt and the kill switch (a daily-loss halt lasts until the next UTC day). */
  resume(): PortfolioSnapshot {
    this.rules.resume();
    this.killSwitch = false;
    this.store.saveKillSwitch(false);
    this.savePortfolio();
    return this.rules.snapshot();
  }

  /**
   * Kill switch: sets the flag (entries are refused as `halted`, price reports answer `flatten`) and
   * returns every symbol to flatten: the whole symbol list, running or not, and any symbol holding a
   * position or a reservation.
   */
  engageKillSwitch(): string[] {
    this.killSwitch = true;
    this.store.saveKillSwitch(true);
    this.rules.halt(KILL_SWITCH_REASON);
    this.savePortfolio();
    return this.flattenTargets();
  }

  /** Every symbol a flatten must reach (see {@link engageKillSwitch}), sorted. */
  flattenTargets(): string[] {
    const snap = this.rules.snapshot();
    const targets = new Set(Object.keys(this.store.symbols()));
    for (const p of snap.openPositions) targets.add(p.symbol);
    for (const r of snap.reservations) targets.add(r.symbol);
    return [...targets].sort();
  }

  /** The portfolio now; while the stored config does not load, HALTED with the reason. */
  portfolio(): CoordinatorPortfolio {
    const snap = this.rules.snapshot();
    if (this.configError === null) return { ...snap, configError: null };
    return { ...snap, tradingState: "HALTED", reason: this.configHaltReason(), configError: this.configError };
  }

  /** The symbol list, sorted. */
  symbols(): SymbolEntry[] {
    return symbolEntries(this.store.symbols());
  }

  /** The symbols whose agents should run. */
  enabledSymbols(): string[] {
    return enabledSymbols(this.store.symbols());
  }

  /** Adds `symbol` to the list or changes its enabled flag; a malformed symbol (not like BTCUSDT) changes nothing. */
  setSymbolEnabled(symbol: string, enabled: boolean): SymbolEntry[] {
    if (typeof symbol !== "string" || !SYMBOL_PATTERN.test(symbol)) return symbolEntries(this.store.symbols());
    const symbols = { ...this.store.symbols(), [symbol]: enabled === true };
    this.store.saveSymbols(symbols);
    return symbolEntries(symbols);
  }

  /**
   * Runs a call on the rules, saves them, and hands on what the rules changed by themselves: the
   * operator is told, and a daily-loss flatten that just started asks every agent to exit.
   */
  private change<T>(call: () => T, write: "through" | "behind" | "unless-ruled" = "through"): T {
    const before = this.rules.rulesView();
    const result = call();
    const after = this.rules.rulesView();
    const events = stateChangeEvents(before, after);
    // A change of trading state (or of the UTC day, which resets the daily loss) is never left unwritten.
    const ruled =
      events.length > 0 || before.requiresFlatten !== after.requiresFlatten || utcDay(before.ts) !== utcDay(after.ts);
    if (write === "through" || ruled) this.savePortfolio();
    else if (write === "behind") this.savePortfolioBehind();
    if (events.length > 0) this.effects.announce(events);
    if (!before.requiresFlatten && after.requiresFlatten) this.effects.flattenAgents("daily_loss_flatten");
    return result;
  }

  /** The portfolio rules from storage under `settings` (fresh when nothing restorable is stored). */
  private restoreRules(settings: PortfolioSettings, fromStorage: boolean): Portfolio {
    const saved = fromStorage ? this.store.correlation() : undefined;
    const correlation =
      saved !== undefined && correlationMatches(saved, settings) ? ReturnCorrelation.restore(saved) : undefined;
    const state = fromStorage ? this.store.portfolio() : undefined;
    // The portfolio's clock is the agents' event time (now: 0 until the first event), never the wall
    // clock: a replayed recording keeps its own days for the daily loss limit and its cooldowns.
    const rules =
      state !== undefined
        ? Portfolio.restore(withPortfolioSettings(state, settings), correlation)
        : new Portfolio(settings, { startEquity: this.startEquity, now: 0, correlation });
    if (fromStorage && state === undefined) this.store.savePortfolio(rules.getState());
    return rules;
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

  private failConfig(reason: string): void {
    this.configError = reason;
    this.effects.configLoadFailed(reason);
  }

  private configHaltReason(): string {
    return `config: ${this.configError}; PUT or PATCH /api/config to fix it`;
  }

  /** Writes the whole portfolio state now; a write behind still pending then has nothing left to write. */
  private savePortfolio(): void {
    this.saveBehind = false;
    this.store.savePortfolio(this.rules.getState());
  }

  /** Writes the portfolio state in the shell's later task (the state as it is then: one write for a burst). */
  private savePortfolioBehind(): void {
    if (this.saveBehind) return;
    this.saveBehind = true;
    this.behind(() => {
      if (this.saveBehind) this.savePortfolio();
    });
  }

  /** Runs `write` in the shell's later task, or now without one. */
  private behind(write: () => void): void {
    if (this.effects.later) this.effects.later(write);
    else write();
  }
}
