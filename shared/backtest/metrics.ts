/**
 * Backtest metrics: the run summary and the per-UTC-day table, from closed trades and the
 * marked-to-market equity curve. Pure and deterministic: sums run in trade order, every number
 * is finite or null (JSON-safe). Each formula is published in ./formulas.ts because the anchor
 * tools disagree on basis, ddof and annualisation (../shared/reference/anchors.md §4).
 * @module
 */
import { EXIT_REASONS, type ClosedTrade, type ExitReason } from "../strategy/types";

/** One equity sample: capital plus realised and open PnL at `ts` (ms since the epoch). */
export interface EquityPoint {
  readonly ts: number;
  readonly equity: number;
}

/** What {@link daily} reads. */
export interface DailyInput {
  /** Closed round trips in close order. */
  readonly trades: readonly ClosedTrade[];
  /** Starting equity, quote currency, > 0. */
  readonly capital: number;
  /** Marked-to-market equity sampled by the caller, `ts` non-decreasing. */
  readonly equityCurve: readonly EquityPoint[];
}

/** What {@link computeMetrics} reads. */
export interface MetricsInput extends DailyInput {
  /** Entry orders that ended without a fill. */
  readonly unfilledEntries: number;
  /** Some symbol had no order book, so its fills were simulated from trades alone (the broker's `stats.tradeOnly`). */
  readonly tradeOnly: boolean;
  /** Market events replayed. */
  readonly events: number;
  /** Wall-clock duration of the replay, ms. */
  readonly elapsedMs: number;
}

/** The run summary. Ratios are null where undefined (see ./formulas.ts for every definition). */
export interface Summary {
  readonly capital: number;
  readonly finalEquity: number;
  readonly trades: number;
  readonly winRate: number | null;
  readonly avgWinLossRatio: number | null;
  readonly profitFactor: number | null;
  readonly expectancy: number | null;
  readonly sharpeDaily: number | null;
  readonly sharpePerTrade: number | null;
  readonly sortino: number | null;
  readonly maxDrawdown: number;
  readonly maxDrawdownAbs: number;
  readonly netPnl: number;
  readonly grossPnl: number;
  readonly fees: number;
  readonly feeImpact: number | null;
  readonly avgHoldSeconds: number | null;
  readonly exitReasons: Readonly<Record<ExitReason, number>>;
  readonly unfilledEntries: number;
  readonly tradeOnly: boolean;
  readonly eventsPerSecond: number | null;
}

/** One UTC day of the run. Trades belong to the day of their `exitTime`. */
export interface DailyStats {
  /** YYYY-MM-DD, UTC. */
  readonly date: string;
  readonly trades: number;
  readonly wins: number;
  readonly winRate: number | null;
  readonly grossPnl: number;
  readonly fees: number;
  readonly netPnl: number;
  readonly profitFactor: number | null;
  readonly startEquity: number;
  readonly endEquity: number;
  readonly return: number | null;
  readonly maxDrawdown: number;
  readonly avgHoldSeconds: number | null;
  readonly feeImpact: number | null;
}

/** Daily ratios are annualised with 365 days: crypto trades every day. */
export const ANNUALISATION_DAYS = 365;

/** A standard deviation (or downside deviation) at or below this counts as 0: the ratio is null. */
export const MIN_DEVIATION = 1e-12;

const DAY_MS = 86_400_000;

interface TradeTotals {
  trades: number;
  wins: number;
  losses: number;
  winSum: number;
  lossSum: number;
  grossPnl: number;
  grossProfit: number;
  fees: number;
  netPnl: number;
  holdSeconds: number;
}

interface EquityDay {
  readonly day: number;
  readonly startEquity: number;
  readonly endEquity: number;
  readonly maxDrawdown: number;
}

/**
 * The run summary. `finalEquity` is `capital + Σ netPnl` exactly (positions are closed at the end
 * of a backtest); drawdown and the daily ratios read the marked-to-market curve.
 * @throws RangeError on a non-positive capital, a non-finite number or a curve going back in time.
 * @see ./formulas.ts METRIC_FORMULAS for each definition.
 */
export function computeMetrics(input: MetricsInput): Summary {
  validate(input);
  const t = totalsOf(input.trades);
  const days = equityDays(input);
  const returns = dailyReturns(days);
  const dd = drawdownOf(input.capital, input.equityCurve);
  return {
    capital: input.capital,
    finalEquity: input.capital + t.netPnl,
    trades: t.trades,
    winRate: ratio(t.wins, t.trades),
    avgWinLossRatio: t.wins > 0 && t.losses > 0 ? clean(t.winSum / t.wins / Math.abs(t.lossSum / t.losses)) : null,
    profitFactor: profitFactorOf(t),
    expectancy: ratio(t.netPnl, t.trades),
    sharpeDaily: returns === null ? null : annualised(sharpeOf(returns)),
    sharpePerTrade: sharpePerTradeOf(input.trades, input.capital),
    sortino: returns === null ? null : annualised(sortinoOf(returns)),
    maxDrawdown: dd.fraction,
    maxDrawdownAbs: dd.abs,
    netPnl: clean(t.netPnl) ?? 0,
    grossPnl: clean(t.grossPnl) ?? 0,
    fees: clean(t.fees) ?? 0,
    feeImpact: ratio(t.fees, t.grossProfit),
    avgHoldSeconds: ratio(t.holdSeconds, t.trades),
    exitReasons: exitReasonsOf(input.trades),
    unfilledEntries: input.unfilledEntries,
    tradeOnly: input.tradeOnly,
    eventsPerSecond: input.elapsedMs > 0 ? clean(input.events / (input.elapsedMs / 1000)) : null,
  };
}

/**
 * One row per UTC day from the first to the last day of the run (curve samples and trade exits),
 * days without trades included, so the table is the exact basis of `sharpeDaily`.
 * @throws RangeError on the same inputs as {@link computeMetrics}.
 */
export function daily(input: DailyInput): DailyStats[] {
  validate(input);
  const byDay = new Map<number, TradeTotals>();
  for (const trade of input.trades) {
    const day = dayOf(trade.exitTime);
    let t = byDay.get(day);
    if (t === undefined) byDay.set(day, (t = emptyTotals()));
    addTrade(t, trade);
  }
  return equityDays(input).map((d) => {
    const t = byDay.get(d.day) ?? emptyTotals();
    return {
      date: new Date(d.day * DAY_MS).toISOString().slice(0, 10),
      trades: t.trades,
      wins: t.wins,
      winRate: ratio(t.wins, t.trades),
      grossPnl: clean(t.grossPnl) ?? 0,
      fees: clean(t.fees) ?? 0,
      netPnl: clean(t.netPnl) ?? 0,
      profitFactor: profitFactorOf(t),
      startEquity: d.startEquity,
      endEquity: d.endEquity,
      return: d.startEquity > 0 ? clean((d.endEquity - d.startEquity) / d.startEquity) : null,
      maxDrawdown: d.maxDrawdown,
      avgHoldSeconds: ratio(t.holdSeconds, t.trades),
      feeImpact: ratio(t.fees, t.grossProfit),
    };
  });
}

function validate(input: DailyInput): void {
  if (!Number.isFinite(input.capital) || input.capital <= 0)
    throw new RangeError(`capital must be a positive finite number, got ${input.capital}`);
  let prev = -Infinity;
  input.equityCurve.forEach((p, i) => {
    if (!Number.isFinite(p.ts) || !Number.isFinite(p.equity)) throw new RangeError(`equityCurve[${i}] is not finite`);
    if (p.ts < prev) throw new RangeError(`equityCurve[${i}].ts goes back in time`);
    prev = p.ts;
  });
  for (const t of input.trades) {
    for (const k of ["exitTime", "grossPnl", "fees", "netPnl", "holdSeconds"] as const) {
      if (!Number.isFinite(t[k])) throw new RangeError(`trade ${t.id}: ${k} is not finite`);
    }
  }
}

function emptyTotals(): TradeTotals {
  return {
    trades: 0,
    wins: 0,
    losses: 0,
    winSum: 0,
    lossSum: 0,
    grossPnl: 0,
    grossProfit: 0,
    fees: 0,
    netPnl: 0,
    holdSeconds: 0,
  };
}

function addTrade(t: TradeTotals, trade: ClosedTrade): void {
  t.trades++;
  if (trade.netPnl > 0) {
    t.wins++;
    t.winSum += trade.netPnl;
  } else if (trade.netPnl < 0) {
    t.losses++;
    t.lossSum += trade.netPnl;
  }
  t.grossPnl += trade.grossPnl;
  if (trade.grossPnl > 0) t.grossProfit += trade.grossPnl;
  t.fees += trade.fees;
  t.netPnl += trade.netPnl;
  t.holdSeconds += trade.holdSeconds;
}

function totalsOf(trades: readonly ClosedTrade[]): TradeTotals {
  const t = emptyTotals();
  for (const trade of trades) addTrade(t, trade);
  return t;
}

function profitFactorOf(t: TradeTotals): number | null {
  return t.losses === 0 ? null : clean(t.winSum / Math.abs(t.lossSum));
}

function exitReasonsOf(trades: readonly ClosedTrade[]): Record<ExitReason, number> {
  const counts = Object.fromEntries(EXIT_REASONS.map((r) => [r, 0])) as Record<ExitReason, number>;
  for (const t of trades) counts[t.exitReason] = (counts[t.exitReason] ?? 0) + 1;
  return counts;
}

function dayOf(ts: number): number {
  return Math.floor(ts / DAY_MS);
}

/** First and last UTC day of the curve and the trade exits, or null when both are empty. */
function dayRange(input: DailyInput): { first: number; last: number } | null {
  let first = Infinity;
  let last = -Infinity;
  const curve = input.equityCurve;
  if (curve.length > 0) {
    first = dayOf(curve[0].ts);
    last = dayOf(curve[curve.length - 1].ts);
  }
  for (const t of input.trades) {
    const d = dayOf(t.exitTime);
    if (d < first) first = d;
    if (d > last) last = d;
  }
  return first <= last ? { first, last } : null;
}

/** Start/end equity and intraday drawdown of every day in the range, carrying equity over empty days. */
function equityDays(input: DailyInput): EquityDay[] {
  const range = dayRange(input);
  if (range === null) return [];
  const curve = input.equityCurve;
  const out: EquityDay[] = [];
  let equity = input.capital;
  let i = 0;
  for (let day = range.first; day <= range.last; day++) {
    const end = (day + 1) * DAY_MS;
    const startEquity = equity;
    let peak = startEquity;
    let maxDrawdown = 0;
    for (; i < curve.length && curve[i].ts < end; i++) {
      equity = curve[i].equity;
      if (equity > peak) peak = equity;
      else if (peak > 0) maxDrawdown = Math.max(maxDrawdown, (peak - equity) / peak);
    }
    out.push({ day, startEquity, endEquity: equity, maxDrawdown });
  }
  return out;
}

/** R_d per day, or null when there are fewer than 2 days or a day starts with no positive equity. */
function dailyReturns(days: readonly EquityDay[]): number[] | null {
  if (days.length < 2) return null;
  const out: number[] = [];
  for (const d of days) {
    if (!(d.startEquity > 0)) return null;
    out.push((d.endEquity - d.startEquity) / d.startEquity);
  }
  return out;
}

/** Largest (peak − equity) / peak on the curve with the running peak starting at capital; abs of the same point. */
function drawdownOf(capital: number, curve: readonly EquityPoint[]): { fraction: number; abs: number } {
  let peak = capital;
  let fraction = 0;
  let abs = 0;
  for (const p of curve) {
    if (p.equity > peak) peak = p.equity;
    if (peak <= 0) continue;
    const dd = (peak - p.equity) / peak;
    if (dd > fraction) {
      fraction = dd;
      abs = peak - p.equity;
    }
  }
  return { fraction, abs };
}

function sharpePerTradeOf(trades: readonly ClosedTrade[], capital: number): number | null {
  if (trades.length < 2) return null;
  const returns: number[] = [];
  let equity = capital;
  for (const t of trades) {
    if (!(equity > 0)) return null;
    returns.push(t.netPnl / equity);
    equity += t.netPnl;
  }
  return sharpeOf(returns);
}

function mean(xs: readonly number[]): number {
  let sum = 0;
  for (const x of xs) sum += x;
  return sum / xs.length;
}

/** mean / std(ddof = 1); null below 2 values or at a deviation ≤ MIN_DEVIATION. */
function sharpeOf(xs: readonly number[]): number | null {
  if (xs.length < 2) return null;
  const m = mean(xs);
  let ss = 0;
  for (const x of xs) ss += (x - m) * (x - m);
  const std = Math.sqrt(ss / (xs.length - 1));
  return std > MIN_DEVIATION ? clean(m / std) : null;
}

/** mean / √(Σ min(0, x)² / N), N counting every value; null below 2 values or at a deviation ≤ MIN_DEVIATION. */
function sortinoOf(xs: readonly number[]): number | null {
  if (xs.length < 2) return null;
  let ss = 0;
  for (const x of xs) if (x < 0) ss += x * x;
  const downside = Math.sqrt(ss / xs.length);
  return downside > MIN_DEVIATION ? clean(mean(xs) / downside) : null;
}

function annualised(x: number | null): number | null {
  return x === null ? null : clean(x * Math.sqrt(ANNUALISATION_DAYS));
}

function ratio(num: number, den: number): number | null {
  return den === 0 ? null : clean(num / den);
}

/** Finite numbers pass (−0 becomes 0 so JSON round trips compare equal); NaN and ±Infinity become null. */
function clean(x: number): number | null {
  if (!Number.isFinite(x)) return null;
  return x === 0 ? 0 : x;
}
