import type { BotConfig } from "../config/schema";
import type { PositionSide } from "../execution/orders";
import type { FeatureSnapshot } from "../indicators/symbol-features";
import type { CompositeScore } from "./score";
import type { GateResult } from "./types";

/** Round-trip fee in percent of notional for the configured entry and take-profit order types. */
export function roundTripFeePct(config: BotConfig): number {
  return feePct(config, config.execution.entryOrder) + feePct(config, config.execution.takeProfitOrder);
}

/**
 * The fee of one order type, in percent. A module function, not a closure in roundTripFeePct: the
 * entry check calls that on every trade, and esbuild's keepNames (tsx, wrangler) names a closure
 * with Object.defineProperty at each call (8 % of a warm backtest's profile, 2026-12-08).
 */
function feePct(config: BotConfig, type: "postOnly" | "market"): number {
  return type === "postOnly" ? config.fees.makerPct : config.fees.takerPct;
}

/**
 * The move we can expect before the time exit, in percent: the 1-second return standard
 * deviation scaled to the maximum hold (random-walk √t), capped at the take-profit distance
 * (no trade earns more than its TP). Null while volatility is unknown.
 */
export function expectedMovePct(f: FeatureSnapshot, config: BotConfig): number | null {
  if (f.returnStd1s === null) return null;
  const horizon = Math.sqrt(config.exits.maxHoldMs / 1000);
  return Math.min(config.exits.takeProfitPct, f.returnStd1s * horizon * 100);
}

/**
 * True when an entry gate that reads neither the side nor the score fails (volume ratio, spread,
 * expected move): {@link evaluateGates} then fails for both sides whatever the scores are, so the
 * engine's entry check stops before scoring. Exact: the same comparisons as those gates, through
 * {@link meets}. Why: on the bench's dev recordings (3 sessions, 80 842 entry checks, default config)
 * they fail 83 % of entry checks, and 7 675 of the 7 691 the score bound cannot rule out, each of
 * which was scored in full before (counters in the engine, 2026-12-07).
 */
export function sideFreeGateFails(f: FeatureSnapshot, config: BotConfig, bookStale = false): boolean {
  const g = config.gates;
  if (!meets(expectedMovePct(f, config), g.minExpectedMoveFeeMultiple * roundTripFeePct(config), ">=")) return true;
  if (!meets(f.volume.ratio, g.minVolumeRatio, ">=")) return true;
  if (bookStale) return true;
  const spread = f.book.spreadBps;
  if (spread === null && !g.requireBook) return false;
  return !meets(spread, g.maxSpreadBps, "<");
}

/**
 * Evaluates every entry gate for one side. All must pass; `unknown` (missing data) fails closed,
 * except the spread gate when `gates.requireBook` is false (then it is `off`). With `bookStale` (the
 * feed says the last book can no longer be trusted) the spread gate fails, whatever `requireBook`.
 */
export function evaluateGates(
  side: PositionSide,
  score: CompositeScore,
  f: FeatureSnapshot,
  config: BotConfig,
  bookStale = false,
): GateResult[] {
  const g = config.gates;
  const sideScore = side === "long" ? score.long : score.short;
  const agreeing = side === "long" ? score.agreeLong : score.agreeShort;
  const fees = roundTripFeePct(config);
  const move = expectedMovePct(f, config);
  const gates: GateResult[] = [
    threshold("score", sideScore, g.minScore, ">="),
    threshold("confluence", agreeing, g.minAgreeing, ">="),
    threshold("volumeRatio", f.volume.ratio, g.minVolumeRatio, ">="),
    bookStale ? staleSpreadGate(config) : spreadGate(f, config),
    threshold(
      "expectedMove",
      move,
      g.minExpectedMoveFeeMultiple * fees,
      ">=",
      `expected move % >= ${g.minExpectedMoveFeeMultiple} × round-trip fees (${fees.toFixed(4)} %)`,
    ),
  ];
  gates.push(trendGate("confirmation", side, f, g.confirmation.enabled, g.confirmation.timeframes));
  gates.push(trendGate("trendFilter", side, f, g.trendFilter.enabled, g.trendFilter.timeframes));
  return gates;
}

/** True when every gate passes (or is off). */
export function gatesPass(gates: readonly GateResult[]): boolean {
  return gates.every((x) => x.status === "pass" || x.status === "off");
}

function threshold(name: string, value: number | null, limit: number, op: ">=" | "<", rule?: string): GateResult {
  const text = rule ?? `${name} ${op} ${limit}`;
  if (value === null || !Number.isFinite(value))
    return { name, status: "unknown", value: null, threshold: limit, rule: text };
  return { name, status: meets(value, limit, op) ? "pass" : "fail", value, threshold: limit, rule: text };
}

/** Whether a threshold gate passes: a finite value on the right side of its limit (unknown fails). */
function meets(value: number | null, limit: number, op: ">=" | "<"): boolean {
  if (value === null || !Number.isFinite(value)) return false;
  return op === ">=" ? value >= limit : value < limit;
}

/** The spread gate failed closed: the last book is stale (feed disconnected, stale, gapped or quiet). */
function staleSpreadGate(config: BotConfig): GateResult {
  const limit = config.gates.maxSpreadBps;
  return { name: "spread", status: "fail", value: null, threshold: limit, rule: `spread bps < ${limit} (book stale)` };
}

function spreadGate(f: FeatureSnapshot, config: BotConfig): GateResult {
  const limit = config.gates.maxSpreadBps;
  if (f.book.spreadBps === null && !config.gates.requireBook) {
    return {
      name: "spread",
      status: "off",
      value: null,
      threshold: limit,
      rule: `spread bps < ${limit} (no book data; requireBook is false)`,
    };
  }
  return threshold("spread", f.book.spreadBps, limit, "<", `spread bps < ${limit}`);
}

/** Every named timeframe's closed-bar EMA trend must point the side's way. */
function trendGate(
  name: string,
  side: PositionSide,
  f: FeatureSnapshot,
  enabled: boolean,
  timeframes: readonly string[],
): GateResult {
  const want = side === "long" ? 1 : -1;
  const rule = `EMA trend on ${timeframes.join(", ")} points ${side}`;
  if (!enabled) return { name, status: "off", value: null, threshold: timeframes.join(","), rule };
  const states = timeframes.map((tf) => f.trend.find((t) => t.timeframe === tf)?.value?.state ?? null);
  const value = states.map((s) => (s === null ? "?" : s > 0 ? "up" : s < 0 ? "down" : "flat")).join(",");
  if (states.some((s) => s === null)) return { name, status: "unknown", value, threshold: timeframes.join(","), rule };
  return {
    name,
    status: states.every((s) => s === want) ? "pass" : "fail",
    value,
    threshold: timeframes.join(","),
    rule,
  };
}
