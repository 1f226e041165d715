import type { BotConfig } from "../config/schema";
import type { PositionSide } from "../execution/orders";
import type { FeatureSnapshot } from "../indicators/symbol-features";
import type { CompositeScore } from "./score";
import type { GateResult } from "./types";

/** Round-trip fee in percent of notional for the configured entry and take-profit order types. */
export function roundTripFeePct(config: BotConfig): number {
  const fee = (t: "postOnly" | "market") => (t === "postOnly" ? config.fees.makerPct : config.fees.takerPct);
  return fee(config.execution.entryOrder) + fee(config.execution.takeProfitOrder);
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
  const ok = op === ">=" ? value >= limit : value < limit;
  return { name, status: ok ? "pass" : "fail", value, threshold: limit, rule: text };
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
