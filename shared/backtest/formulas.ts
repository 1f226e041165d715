/**
 * The published definition of every backtest metric, in plain text. The HTML report and the stats
 * API print these next to the numbers: "Sharpe 2.0" means nothing without its basis, ddof and
 * annualisation, and the anchor tools all differ (../shared/reference/anchors.md §4).
 * @module
 */
import { ANNUALISATION_DAYS, MIN_DEVIATION, type DailyStats, type Summary } from "./metrics";

/** A key of {@link METRIC_FORMULAS}: a summary field, or `daily.<field>` for the per-day table. */
export type MetricKey = keyof Summary | `daily.${keyof DailyStats}`;

const ROOT = `√${ANNUALISATION_DAYS}`;
const EPS = `${MIN_DEVIATION}`;
const DAYS =
  "R_d = (E_d − S_d) / S_d for every UTC day d from the first to the last day of the run (equity samples and trade exits), " +
  "S_d = last marked-to-market equity sample before 00:00 UTC of day d (capital for the first day), " +
  "E_d = last sample before 00:00 UTC of day d+1 (S_d if the day has none), so days without trades or samples count as R_d = 0; " +
  "simple returns, not compounded, not log";

/** Every metric with its exact formula, basis, ddof, annualisation and treatment of breakevens. */
export const METRIC_FORMULAS: Readonly<Record<MetricKey, string>> = {
  capital: "capital = starting equity of the run, quote currency (USDT).",
  finalEquity:
    "finalEquity = capital + netPnl, exactly: every position is closed by the end of a backtest, so no open PnL remains.",
  trades: "trades = number of closed round trips (one ClosedTrade each, partial exits included in their round trip).",
  winRate:
    "winRate = wins / trades, wins = trades with netPnl > 0 (after fees); breakevens (netPnl = 0) count as non-wins in the denominator. null when trades = 0.",
  avgWinLossRatio:
    "avgWinLossRatio = mean(netPnl of wins) / |mean(netPnl of losses)|, wins netPnl > 0, losses netPnl < 0, breakevens in neither. null when there is no win or no loss.",
  profitFactor:
    "profitFactor = Σ netPnl of wins / |Σ netPnl of losses| (net of fees, breakevens excluded). null when there is no losing trade, " +
    "an all-wins run included (not ∞, not freqtrade's 0, not hummingbot's 1); 0 when there are losses and no win.",
  expectancy:
    "expectancy = Σ netPnl / trades: mean net PnL per trade in quote currency, breakevens included in the count. null when trades = 0.",
  sharpeDaily:
    `sharpeDaily = mean(R_d) / std(R_d, ddof=1) × ${ROOT}, risk-free rate 0; ${DAYS}. ` +
    `null with fewer than 2 days, std ≤ ${EPS}, or a day with S_d ≤ 0.`,
  sharpePerTrade:
    "sharpePerTrade = mean(r_i) / std(r_i, ddof=1), not annualised, risk-free rate 0; r_i = netPnl_i / (capital + Σ_{j<i} netPnl_j), " +
    `trades in close order (realised equity before the trade). null with fewer than 2 trades, std ≤ ${EPS}, or realised equity ≤ 0.`,
  sortino:
    `sortino = mean(R_d) / DD × ${ROOT}, DD = √(Σ_d min(0, R_d)² / N), N = all days (not only losing days), target return 0; ` +
    `R_d as in sharpeDaily. null with fewer than 2 days, DD ≤ ${EPS} (no losing day), or a day with S_d ≤ 0.`,
  maxDrawdown:
    "maxDrawdown = max_t (P_t − E_t) / P_t, E_t = marked-to-market equity sample, P_t = running maximum of E up to t starting from capital. " +
    "A positive fraction (0.1 = 10 %), 0 if equity never falls below an earlier peak; dips between the caller's samples are not seen.",
  maxDrawdownAbs:
    "maxDrawdownAbs = P_t − E_t in quote currency at the sample t where maxDrawdown is reached (the same peak and trough).",
  netPnl: "netPnl = Σ netPnl_i = Σ (grossPnl_i − fees_i), quote currency, summed in trade order.",
  grossPnl:
    "grossPnl = Σ grossPnl_i, grossPnl_i = (exit − entry) × size for a long and (entry − exit) × size for a short at the real fill prices (slippage already inside).",
  fees: "fees = Σ fees_i, every entry and exit fee as filled (maker or taker), quote currency, positive = paid.",
  feeImpact:
    "feeImpact = fees / gross profit, gross profit = Σ grossPnl_i over trades with grossPnl_i > 0: the share of gross winnings paid as fees. null when gross profit = 0.",
  avgHoldSeconds:
    "avgHoldSeconds = Σ holdSeconds_i / trades, holdSeconds = time from the first entry fill to the final exit, seconds. null when trades = 0.",
  exitReasons:
    "exitReasons[reason] = number of trades closed for that reason (end_of_data = closed at market when the backtest's data ended); every reason is listed (0 when unused) and the counts sum to trades.",
  unfilledEntries:
    "unfilledEntries = entry orders that ended without any fill (timed out or cancelled); they are not trades.",
  tradeOnly:
    "tradeOnly = true when some symbol had no order-book data, so its fills were simulated from the last trade ± a configured half spread " +
    "(post-only entries filled as market orders): spread, queue and depth are approximated.",
  eventsPerSecond:
    "eventsPerSecond = events / (elapsedMs / 1000): replay throughput in market events per wall-clock second, not a trading metric. null when elapsedMs ≤ 0.",
  "daily.date":
    "date = UTC calendar day YYYY-MM-DD (00:00:00.000 to 23:59:59.999 UTC); a trade belongs to the day of its exitTime. Days without trades are listed.",
  "daily.trades": "trades = round trips closed on the day (by exitTime).",
  "daily.wins": "wins = trades closed on the day with netPnl > 0.",
  "daily.winRate": "winRate = wins / trades of the day; breakevens count as non-wins. null when the day has no trade.",
  "daily.grossPnl": "grossPnl = Σ grossPnl_i of the trades closed on the day.",
  "daily.fees": "fees = Σ fees_i of the trades closed on the day.",
  "daily.netPnl": "netPnl = Σ netPnl_i of the trades closed on the day.",
  "daily.profitFactor":
    "profitFactor = Σ netPnl of the day's wins / |Σ netPnl of the day's losses|, breakevens excluded. null when the day has no losing trade.",
  "daily.startEquity":
    "startEquity = S_d: last marked-to-market equity sample before 00:00 UTC of the day (capital on the first day).",
  "daily.endEquity":
    "endEquity = E_d: last equity sample before 00:00 UTC of the next day (startEquity if the day has none).",
  "daily.return":
    "return = R_d = (endEquity − startEquity) / startEquity, the series behind sharpeDaily and sortino. Marked to market, so it includes " +
    "open PnL of positions held across midnight and can differ from netPnl / startEquity. null when startEquity ≤ 0.",
  "daily.maxDrawdown":
    "maxDrawdown = intraday max (P − E) / P over the day's equity samples, P = running peak starting at startEquity; positive fraction, 0 if none.",
  "daily.avgHoldSeconds":
    "avgHoldSeconds = Σ holdSeconds_i / trades of the trades closed on the day. null when the day has no trade.",
  "daily.feeImpact":
    "feeImpact = fees / Σ grossPnl_i over the day's trades with grossPnl_i > 0. null when that sum is 0.",
};
