/**
 * The Coordinator's pure logic around the portfolio rules: versioned config changes with their
 * audit entries, carrying a new portfolio config into a persisted Portfolio, and the answer to an
 * agent's price report. No platform imports and no clock: times are handed in.
 * @module
 */
import { parseConfig, patchConfig } from "../config/config";
import type { ReturnCorrelationState } from "./correlation";
import type { PortfolioSettings, PortfolioState, TradingState } from "./portfolio-types";
import type { VersionedConfig } from "../config/versioned";
import type { ConfigAuditEntry, ConfigChange, PriceReportAnswer, SymbolEntry } from "./coordinator-types";

/**
 * Reservations older than this (engine time) are released before each entry request: an agent
 * that crashed between `requestEntry` and `confirmOpen` must not hold a slot forever. Far above
 * any entry timeout (config default 3 s), so a slow but live confirmation is not lost.
 */
export const RESERVATION_TTL_MS = 120_000;

/** Most price points one `reportPrices` call may carry; extra points are dropped (oldest first). */
export const MAX_PRICE_POINTS = 1000;

/** Most audit entries one `configAudit` call returns. */
export const MAX_AUDIT_ENTRIES = 1000;

/** Result of {@link applyConfigChange}: the answer, and on success the new config and its audit entry. */
export type AppliedChange =
  | { readonly change: ConfigChange & { ok: true }; readonly next: VersionedConfig; readonly audit: ConfigAuditEntry }
  | { readonly change: ConfigChange & { ok: false }; readonly next: null; readonly audit: null };

/**
 * Validates a whole config (`put`) or a deep-merge patch (`patch`) against the current config.
 * On success returns the new versioned config and the audit entry (when `at`, what was sent,
 * the previous version); on failure every bad field, and nothing changes.
 */
export function applyConfigChange(
  current: VersionedConfig,
  kind: "put" | "patch",
  input: unknown,
  at: number,
): AppliedChange {
  const r = kind === "put" ? parseConfig(input) : patchConfig(current.config, input);
  if (!r.ok) return { change: { ok: false, issues: r.issues }, next: null, audit: null };
  const audit: ConfigAuditEntry = {
    at,
    version: r.version,
    previousVersion: current.version,
    change: input as Record<string, unknown>,
    kind,
  };
  return {
    change: { ok: true, version: r.version, previousVersion: current.version, config: r.config, at },
    next: { config: r.config, version: r.version },
    audit,
  };
}

/**
 * A persisted portfolio state carried over to new portfolio settings: positions, reservations,
 * equity, the day's counters and stop-loss streaks are kept; the limits come from `settings`.
 * A daily-loss halt already latched today stays latched (a looser limit applies from the next day).
 */
export function withPortfolioSettings(state: PortfolioState, settings: PortfolioSettings): PortfolioState {
  return {
    ...state,
    config: { ...settings },
    daily: { ...state.daily, limitPct: settings.dailyLossLimitPct },
    cooldown: { ...state.cooldown, afterStopLosses: settings.cooldownAfterStopLosses, cooldownMs: settings.cooldownMs },
  };
}

/** True when the correlation sampling of `a` and `b` is the same, so its rolling state stays valid. */
export function sameCorrelationSampling(a: PortfolioSettings, b: PortfolioSettings): boolean {
  return (
    a.btcSymbol === b.btcSymbol &&
    a.correlationWindowMs === b.correlationWindowMs &&
    a.correlationReturnMs === b.correlationReturnMs
  );
}

/** True when a persisted correlation state was sampled with the settings' BTC symbol, window and return length. */
export function correlationMatches(
  state: Omit<ReturnCorrelationState, "symbols">,
  settings: PortfolioSettings,
): boolean {
  return (
    state.btcSymbol === settings.btcSymbol &&
    state.returnMs === settings.correlationReturnMs &&
    state.size === Math.floor(settings.correlationWindowMs / settings.correlationReturnMs)
  );
}

/** The finite, positive price points of a report, at most {@link MAX_PRICE_POINTS} (the latest ones). */
export function validPricePoints(points: unknown): { ts: number; price: number }[] {
  if (!Array.isArray(points)) return [];
  const out: { ts: number; price: number }[] = [];
  for (const p of points.slice(-MAX_PRICE_POINTS)) {
    const ts = (p as { ts?: unknown } | null)?.ts;
    const price = (p as { price?: unknown } | null)?.price;
    if (
      typeof ts === "number" &&
      typeof price === "number" &&
      Number.isFinite(ts) &&
      price > 0 &&
      Number.isFinite(price)
    )
      out.push({ ts, price });
  }
  return out;
}

/** Why agents must flatten now: the kill switch first, then a daily-loss flatten; null when neither. */
export function flattenReasonOf(killSwitch: boolean, requiresFlatten: boolean): PriceReportAnswer["flattenReason"] {
  if (killSwitch) return "flatten";
  return requiresFlatten ? "daily_loss_flatten" : null;
}

/** The answer to a price report. */
export function priceAnswer(
  tradingState: TradingState,
  killSwitch: boolean,
  requiresFlatten: boolean,
  configVersion: string,
): PriceReportAnswer {
  const flattenReason = flattenReasonOf(killSwitch, requiresFlatten);
  return { tradingState, flatten: flattenReason !== null, flattenReason, configVersion };
}

/** The symbol list as entries sorted by symbol. */
export function symbolEntries(enabled: Readonly<Record<string, boolean>>): SymbolEntry[] {
  return Object.keys(enabled)
    .sort()
    .map((symbol) => ({ symbol, enabled: enabled[symbol] }));
}

/** The symbols whose agents should run. */
export function enabledSymbols(enabled: Readonly<Record<string, boolean>>): string[] {
  return symbolEntries(enabled)
    .filter((e) => e.enabled)
    .map((e) => e.symbol);
}
