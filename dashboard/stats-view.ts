/**
 * Daily statistics (`GET /api/stats`): the window's totals and the per-UTC-day table, each metric
 * with its published formula (as a tooltip, and listed in full under "Formulas" for phones).
 * @module
 */
import type { DailyStats, StatsBody } from "./api-types";
import { fill, h } from "./dom";
import { edgeSection } from "./edge-view";
import { duration, num, pct, signedMoney, tone } from "./format";

/** Days the table shows at most, newest first. */
export const DAYS_SHOWN = 14;

/** The days worth a row: those with trades, and the newest day (today) always; newest first. */
export function daysToShow(daily: readonly DailyStats[], max = DAYS_SHOWN): DailyStats[] {
  const newest = daily.length - 1;
  return daily
    .filter((d, i) => d.trades > 0 || i === newest)
    .reverse()
    .slice(0, max);
}

type Totals = StatsBody["totals"];

const TOTALS: readonly (readonly [keyof Totals, string, (t: Totals) => string, ((t: Totals) => number | null)?])[] = [
  ["trades", "trades", (t) => String(t.trades)],
  ["winRate", "win rate", (t) => pct(t.winRate, 1)],
  ["profitFactor", "profit factor", (t) => num(t.profitFactor)],
  ["netPnl", "net PnL", (t) => signedMoney(t.netPnl), (t) => t.netPnl],
  ["fees", "fees", (t) => num(t.fees)],
  ["feeImpact", "fee impact", (t) => pct(t.feeImpact, 1)],
  ["sharpeDaily", "Sharpe (daily)", (t) => num(t.sharpeDaily)],
  ["maxDrawdown", "max drawdown", (t) => pct(t.maxDrawdown)],
  ["avgHoldSeconds", "avg hold", (t) => duration(t.avgHoldSeconds)],
];

const COLUMNS: readonly (readonly [keyof DailyStats, string, (d: DailyStats) => string, boolean?])[] = [
  ["date", "date (UTC)", (d) => d.date],
  ["trades", "trades", (d) => String(d.trades)],
  ["winRate", "win rate", (d) => pct(d.winRate, 1)],
  ["netPnl", "net PnL", (d) => signedMoney(d.netPnl), true],
  ["fees", "fees", (d) => num(d.fees)],
  ["profitFactor", "profit factor", (d) => num(d.profitFactor)],
  ["return", "return", (d) => pct(d.return), true],
  ["maxDrawdown", "max DD", (d) => pct(d.maxDrawdown)],
  ["avgHoldSeconds", "avg hold", (d) => duration(d.avgHoldSeconds)],
  ["feeImpact", "fee impact", (d) => pct(d.feeImpact, 1)],
];

/** Renders totals, the daily table and the formulas into the `daily-stats` region. */
export function renderStats(el: HTMLElement, s: StatsBody): void {
  const f = s.formulas;
  const totals = h(
    "div",
    { class: "stats-grid" },
    ...TOTALS.map(([key, label, show, signOf]) =>
      h(
        "div",
        { class: "stat", title: f[key] ?? "", "data-metric": key },
        h("span", { class: "stat-label" }, label),
        h("span", { class: `stat-value ${signOf ? tone(signOf(s.totals)) : ""}` }, show(s.totals)),
      ),
    ),
  );
  const days = daysToShow(s.daily);
  const table = h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      {},
      h("thead", {}, h("tr", {}, ...COLUMNS.map(([key, label]) => h("th", { title: f[`daily.${key}`] ?? "" }, label)))),
      h(
        "tbody",
        {},
        ...days.map((d) =>
          h(
            "tr",
            { "data-date": d.date },
            ...COLUMNS.map(([key, , show, signed]) =>
              h(
                "td",
                { class: `${key === "date" ? "" : "num"} ${signed ? tone(d[key] as number | null) : ""}` },
                show(d),
              ),
            ),
          ),
        ),
      ),
    ),
  );
  const formulas = h(
    "details",
    { class: "formulas", "data-testid": "formulas" },
    h("summary", {}, "Formulas"),
    h("p", { class: "muted small" }, `Basis: ${s.basis}. Starting equity: ${s.capitalBasis} = ${num(s.capital)}.`),
    h("dl", {}, ...Object.entries(f).flatMap(([k, text]) => [h("dt", {}, k), h("dd", {}, text)])),
  );
  fill(
    el,
    totals,
    h(
      "p",
      { class: "muted small" },
      `The ${s.mode} ledger only (paper, demo and live trades are counted apart). Days with trades in the last ${s.daily.length} days (UTC), newest first; days without trades are left out. Hover a heading for its formula, or open Formulas.`,
    ),
    table,
    edgeSection(s.edge),
    formulas,
  );
}
