/**
 * The backtest report: one standalone HTML page (inline CSS, server-side inline SVG, no script,
 * no external asset) with the summary, charts, daily and trade tables, the config and the
 * published formula of every metric. Long series are downsampled (min/max per bucket) so the page
 * stays small; every piece of text is HTML-escaped.
 * @module
 */
import type { ClosedTrade, Family } from "../strategy/types";
import { FAMILIES } from "../strategy/types";
import { METRIC_FORMULAS, type MetricKey } from "./formulas";
import type { DailyStats, EquityPoint, Summary } from "./metrics";

/** One symbol's price line for the price chart. */
export interface PriceSeries {
  readonly symbol: string;
  readonly points: readonly { readonly ts: number; readonly price: number }[];
}

/** Everything {@link renderReport} prints. */
export interface ReportInput {
  readonly summary: Summary;
  readonly daily: readonly DailyStats[];
  readonly trades: readonly ClosedTrade[];
  readonly equityCurve: readonly EquityPoint[];
  readonly prices: readonly PriceSeries[];
  /** The bot config of the run, printed as pretty JSON. */
  readonly config: unknown;
  readonly configVersion: string;
  readonly title: string;
}

/** Most points drawn per chart line. */
export const MAX_CHART_POINTS = 2000;

/** The warning printed at the top of every report. */
export const REPORT_NOTICE =
  "Synthetic data is never evidence of profitability. Past results on recordings do not predict live results: " +
  "fills, queue position, latency and fees differ in live trading.";

type Kind = "text" | "money" | "price" | "pct" | "ratio" | "count" | "seconds" | "bool";
interface XY {
  readonly x: number;
  readonly y: number;
}
interface Marker extends XY {
  readonly shape: "up" | "down" | "dot";
  readonly outcome: Outcome;
  readonly label: string;
}
type Outcome = "win" | "loss" | "even";

const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
const W = 960;
const H = 240;
const PAD = { left: 78, right: 12, top: 10, bottom: 22 } as const;

const SUMMARY_KINDS = {
  capital: "money",
  finalEquity: "money",
  trades: "count",
  winRate: "pct",
  avgWinLossRatio: "ratio",
  profitFactor: "ratio",
  expectancy: "money",
  sharpeDaily: "ratio",
  sharpePerTrade: "ratio",
  sortino: "ratio",
  maxDrawdown: "pct",
  maxDrawdownAbs: "money",
  netPnl: "money",
  grossPnl: "money",
  fees: "money",
  feeImpact: "pct",
  avgHoldSeconds: "seconds",
  unfilledEntries: "count",
  tradeOnly: "bool",
  eventsPerSecond: "count",
} satisfies Record<Exclude<keyof Summary, "exitReasons">, Kind>;

const DAILY_KINDS = {
  date: "text",
  trades: "count",
  wins: "count",
  winRate: "pct",
  grossPnl: "money",
  fees: "money",
  netPnl: "money",
  profitFactor: "ratio",
  startEquity: "money",
  endEquity: "money",
  return: "pct",
  maxDrawdown: "pct",
  avgHoldSeconds: "seconds",
  feeImpact: "pct",
} satisfies Record<keyof DailyStats, Kind>;

const FAMILY_ABBR = {
  rsi: "rsi",
  macd: "macd",
  bollinger: "bb",
  ema: "ema",
  vwap: "vwap",
  orderFlow: "of",
  priceAction: "pa",
  liquiditySweep: "ls",
  tickMomentum: "tm",
} satisfies Record<Family, string>;

const TRADE_COLUMNS = {
  id: (t) => escapeHtml(t.id),
  symbol: (t) => escapeHtml(t.symbol),
  side: (t) => escapeHtml(t.side),
  entryTime: (t) => time(t.entryTime),
  exitTime: (t) => time(t.exitTime),
  entryPrice: (t) => format(t.entryPrice, "price"),
  exitPrice: (t) => format(t.exitPrice, "price"),
  size: (t) => format(t.size, "price"),
  entryScore: (t) => format(t.entryScore, "ratio"),
  subScores: (t) => FAMILIES.map((f) => `${FAMILY_ABBR[f]}${signed(t.subScores[f])}`).join(" "),
  exitReason: (t) => escapeHtml(t.exitReason),
  holdSeconds: (t) => format(t.holdSeconds, "seconds"),
  grossPnl: (t) => format(t.grossPnl, "money"),
  fees: (t) => format(t.fees, "money"),
  slippage: (t) => format(t.slippage, "money"),
  netPnl: (t) => format(t.netPnl, "money"),
  configVersion: (t) => escapeHtml(t.configVersion),
} satisfies Record<keyof ClosedTrade, (t: ClosedTrade) => string>;

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1200px;padding:16px;color:#1f2328;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d0d7de}h3{font-size:14px;margin:14px 0 4px}
.notice{background:#fff8c5;border:1px solid #d4a72c;padding:8px 12px;border-radius:6px;font-weight:600}
.meta,.hint{color:#59636e;font-size:12px}
table{border-collapse:collapse;font-size:12px;font-variant-numeric:tabular-nums}th,td{border:1px solid #d0d7de;padding:2px 6px;text-align:right;white-space:nowrap}
th{background:#f6f8fa}td.l,th.l{text-align:left}.scroll{overflow-x:auto;max-height:640px;overflow-y:auto}
tr.win td.pnl{color:#1a7f37}tr.loss td.pnl{color:#cf222e}
svg{width:100%;height:auto;background:#fcfcfd;border:1px solid #eaeef2}
svg .line{fill:none;stroke:#0969da;stroke-width:1.2}svg .area{fill:#cf222e33;stroke:#cf222e;stroke-width:1}
svg .grid{stroke:#eaeef2}svg text{font-size:11px;fill:#59636e}
svg .win{fill:#1a7f37;stroke:#1a7f37}svg .loss{fill:#cf222e;stroke:#cf222e}svg .even{fill:#6e7781;stroke:#6e7781}
dl dt{font-family:ui-monospace,monospace;font-weight:600;margin-top:8px}dl dd{margin:2px 0 0 16px}
pre{background:#f6f8fa;padding:8px;overflow:auto;font-size:12px}`;

/**
 * Renders the full report page. Sections carry ids: summary, equity, drawdown, prices, daily,
 * trades, exit-reasons, config, formulas. Fractions are printed as percentages.
 */
export function renderReport(input: ReportInput): string {
  const title = escapeHtml(input.title);
  return [
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`,
    `<title>${title}</title><style>${CSS}</style></head><body>`,
    `<h1>${title}</h1>`,
    `<p class="meta">config version ${escapeHtml(input.configVersion)} · ${period(input.equityCurve)} · times in UTC</p>`,
    `<p class="notice" id="notice">${escapeHtml(REPORT_NOTICE)}</p>`,
    summarySection(input.summary),
    section("equity", "Equity (marked to market)", equityChart(input.equityCurve)),
    section("drawdown", "Drawdown", drawdownChart(input.summary.capital, input.equityCurve)),
    section("prices", "Prices and trades", pricesBody(input.prices, input.trades)),
    dailySection(input.daily),
    tradesSection(input.trades),
    exitReasonsSection(input.summary),
    section(
      "config",
      "Config",
      `<p class="meta">version ${escapeHtml(input.configVersion)}</p><pre>${escapeHtml(JSON.stringify(input.config, null, 2) ?? "null")}</pre>`,
    ),
    formulasSection(),
    `</body></html>`,
  ].join("\n");
}

/**
 * Reduces a series to at most `maxPoints` points: the first and last point, plus the minimum and
 * maximum of `value` in each of ⌊(maxPoints − 2) / 2⌋ equal index buckets, in their original order.
 * The global minimum and maximum always survive. Returns a copy when the series is short enough.
 * @throws RangeError when maxPoints < 4.
 */
export function downsample<T>(
  points: readonly T[],
  value: (p: T) => number,
  maxPoints: number = MAX_CHART_POINTS,
): T[] {
  if (!(maxPoints >= 4)) throw new RangeError(`maxPoints must be at least 4, got ${maxPoints}`);
  const n = points.length;
  if (n <= maxPoints) return points.slice();
  const buckets = Math.floor((maxPoints - 2) / 2);
  const inner = n - 2;
  const out: T[] = [points[0]];
  for (let b = 0; b < buckets; b++) {
    const from = 1 + Math.floor((b * inner) / buckets);
    const to = 1 + Math.floor(((b + 1) * inner) / buckets);
    let lo = from;
    let hi = from;
    let loV = value(points[from]);
    let hiV = loV;
    for (let i = from + 1; i < to; i++) {
      const v = value(points[i]);
      if (v < loV) [lo, loV] = [i, v];
      if (v > hiV) [hi, hiV] = [i, v];
    }
    if (lo === hi) out.push(points[lo]);
    else out.push(points[Math.min(lo, hi)], points[Math.max(lo, hi)]);
  }
  out.push(points[n - 1]);
  return out;
}

/** Escapes `& < > " '` so any string is safe as HTML text or a quoted attribute value. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

function section(id: string, heading: string, body: string): string {
  return `<section id="${id}"><h2>${escapeHtml(heading)}</h2>${body}</section>`;
}

function summarySection(s: Summary): string {
  const rows = (Object.keys(SUMMARY_KINDS) as (keyof typeof SUMMARY_KINDS)[]).map(
    (k) =>
      `<tr><th class="l" title="${escapeHtml(METRIC_FORMULAS[k])}">${k}</th><td>${format(s[k], SUMMARY_KINDS[k])}</td></tr>`,
  );
  const body = `<p class="hint">Fractions are shown as percentages; hover a name or see <a href="#formulas">Formulas</a> for its definition.</p><table>${rows.join("")}</table>`;
  return section("summary", "Summary", body);
}

function dailySection(days: readonly DailyStats[]): string {
  const keys = Object.keys(DAILY_KINDS) as (keyof DailyStats)[];
  const head = keys.map((k) => `<th title="${escapeHtml(METRIC_FORMULAS[`daily.${k}`])}">${k}</th>`).join("");
  const rows = days.map((d) => `<tr>${keys.map((k) => `<td>${format(d[k], DAILY_KINDS[k])}</td>`).join("")}</tr>`);
  return section(
    "daily",
    "Daily (UTC)",
    `<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>${rows.join("")}</tbody></table></div>`,
  );
}

function tradesSection(trades: readonly ClosedTrade[]): string {
  const keys = Object.keys(TRADE_COLUMNS) as (keyof ClosedTrade)[];
  const head = keys.map((k) => `<th>${k}</th>`).join("");
  const rows = trades.map((t) => {
    const cells = keys
      .map((k) => `<td${k === "netPnl" || k === "grossPnl" ? ' class="pnl"' : ""}>${TRADE_COLUMNS[k](t)}</td>`)
      .join("");
    return `<tr class="${outcome(t)}">${cells}</tr>`;
  });
  const legend = FAMILIES.map((f) => `${FAMILY_ABBR[f]} = ${f}`).join(", ");
  const body = `<p class="hint">${trades.length} trades. Sub-scores at entry, in [−1, 1]: ${escapeHtml(legend)}.</p><div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>${rows.join("")}</tbody></table></div>`;
  return section("trades", "Trades", body);
}

function exitReasonsSection(s: Summary): string {
  const rows = Object.entries(s.exitReasons).map(
    ([reason, n]) =>
      `<tr><th class="l">${escapeHtml(reason)}</th><td>${n}</td><td>${s.trades > 0 ? format(n / s.trades, "pct") : "—"}</td></tr>`,
  );
  return section(
    "exit-reasons",
    "Exit reasons",
    `<table><thead><tr><th class="l">reason</th><th>trades</th><th>share</th></tr></thead><tbody>${rows.join("")}</tbody></table>`,
  );
}

function formulasSection(): string {
  const items = (Object.entries(METRIC_FORMULAS) as [MetricKey, string][]).map(
    ([k, f]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(f)}</dd>`,
  );
  return section("formulas", "Formulas", `<dl>${items.join("")}</dl>`);
}

function equityChart(curve: readonly EquityPoint[]): string {
  const points = downsample(curve, (p) => p.equity).map((p) => ({ x: p.ts, y: p.equity }));
  return chart(points, [], (v) => v.toFixed(2), false);
}

function drawdownChart(capital: number, curve: readonly EquityPoint[]): string {
  let peak = capital;
  const dd = curve.map((p) => {
    if (p.equity > peak) peak = p.equity;
    return { x: p.ts, y: peak > 0 ? -(peak - p.equity) / peak : 0 };
  });
  return chart(
    downsample(dd, (p) => p.y),
    [],
    (v) => format(v, "pct"),
    true,
  );
}

function pricesBody(series: readonly PriceSeries[], trades: readonly ClosedTrade[]): string {
  if (series.length === 0) return `<p class="hint">No price series.</p>`;
  const legend = `<p class="hint">▲ long entry, ▼ short entry, ● exit; green = net win, red = net loss, grey = breakeven.</p>`;
  const charts = series.map((s) => {
    const points = downsample(s.points, (p) => p.price).map((p) => ({ x: p.ts, y: p.price }));
    const markers = trades.filter((t) => t.symbol === s.symbol).flatMap((t) => tradeMarkers(t));
    return `<h3>${escapeHtml(s.symbol)}</h3>${chart(points, markers, (v) => String(Number(v.toPrecision(6))), false)}`;
  });
  return legend + charts.join("");
}

function tradeMarkers(t: ClosedTrade): Marker[] {
  const o = outcome(t);
  const label = `${t.id} ${t.side} ${t.exitReason} net ${format(t.netPnl, "money")}`;
  return [
    { x: t.entryTime, y: t.entryPrice, shape: t.side === "long" ? "up" : "down", outcome: o, label: `entry ${label}` },
    { x: t.exitTime, y: t.exitPrice, shape: "dot", outcome: o, label: `exit ${label}` },
  ];
}

function chart(
  points: readonly XY[],
  markers: readonly Marker[],
  yLabel: (v: number) => string,
  area: boolean,
): string {
  const all = [...points, ...markers];
  if (all.length === 0) return `<p class="hint">No data.</p>`;
  const [x0, x1] = extent(
    all.map((p) => p.x),
    0,
    1000,
  );
  const [y0, y1] = yRange(
    all.map((p) => p.y),
    area,
  );
  const sx = (x: number): string => (PAD.left + ((x - x0) / (x1 - x0)) * (W - PAD.left - PAD.right)).toFixed(1);
  const sy = (y: number): string => (H - PAD.bottom - ((y - y0) / (y1 - y0)) * (H - PAD.top - PAD.bottom)).toFixed(1);
  const path = points.map((p, i) => `${i === 0 ? "M" : "L"}${sx(p.x)} ${sy(p.y)}`).join("");
  const shape =
    area && points.length > 0
      ? `<path class="area" d="${path}L${sx(points[points.length - 1].x)} ${sy(0)}L${sx(points[0].x)} ${sy(0)}Z"/>`
      : `<path class="line" d="${path}"/>`;
  const grid = [y0, (y0 + y1) / 2, y1]
    .map(
      (y) =>
        `<line class="grid" x1="${PAD.left}" x2="${W - PAD.right}" y1="${sy(y)}" y2="${sy(y)}"/><text x="${PAD.left - 4}" y="${sy(y)}" text-anchor="end" dominant-baseline="middle">${escapeHtml(yLabel(y))}</text>`,
    )
    .join("");
  const xAxis = `<text x="${PAD.left}" y="${H - 6}">${time(x0)}</text><text x="${W - PAD.right}" y="${H - 6}" text-anchor="end">${time(x1)}</text>`;
  const marks = markers.map((m) => marker(m, sx(m.x), sy(m.y))).join("");
  return `<svg viewBox="0 0 ${W} ${H}" role="img">${grid}${xAxis}${points.length > 0 ? shape : ""}${marks}</svg>`;
}

function marker(m: Marker, x: string, y: string): string {
  const cx = Number(x);
  const cy = Number(y);
  const title = `<title>${escapeHtml(m.label)}</title>`;
  if (m.shape === "dot") return `<circle class="${m.outcome}" cx="${x}" cy="${y}" r="3.5">${title}</circle>`;
  const d = m.shape === "up" ? 1 : -1;
  const pts = `${x},${(cy - 6 * d).toFixed(1)} ${(cx - 5).toFixed(1)},${(cy + 4 * d).toFixed(1)} ${(cx + 5).toFixed(1)},${(cy + 4 * d).toFixed(1)}`;
  return `<polygon class="${m.outcome}" points="${pts}">${title}</polygon>`;
}

/** The value axis: padded extent, or for an area below zero (drawdown) from the padded minimum (at most −1 %) up to 0. */
function yRange(values: readonly number[], area: boolean): [number, number] {
  const [lo, hi] = extent(values, 0.04);
  return area ? [Math.min(lo, -0.01), 0] : [lo, hi];
}

/** [min, max] of the values widened by `padFraction` of the span; a zero span is widened by `flatHalf` (default 1 % of |value|, or 1) each side. */
function extent(values: readonly number[], padFraction: number, flatHalf?: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (hi > lo) {
    const pad = (hi - lo) * padFraction;
    return [lo - pad, hi + pad];
  }
  const half = flatHalf ?? (Math.abs(lo) * 0.01 || 1);
  return [lo - half, hi + half];
}

function outcome(t: ClosedTrade): Outcome {
  if (t.netPnl > 0) return "win";
  return t.netPnl < 0 ? "loss" : "even";
}

function period(curve: readonly EquityPoint[]): string {
  if (curve.length === 0) return "no equity samples";
  return `${time(curve[0].ts)} → ${time(curve[curve.length - 1].ts)}`;
}

function time(ts: number): string {
  if (!Number.isFinite(ts)) return "—";
  return new Date(ts).toISOString().replace("T", " ").replace("Z", "");
}

function signed(v: number): string {
  return `${v >= 0 ? "+" : "−"}${Math.abs(v).toFixed(2)}`;
}

function format(v: unknown, kind: Kind): string {
  if (v === null || v === undefined) return "—";
  if (typeof v === "boolean") return v ? "yes" : "no";
  if (typeof v !== "number") return escapeHtml(String(v));
  if (!Number.isFinite(v)) return "—";
  switch (kind) {
    case "money":
      return v.toFixed(4);
    case "price":
      return String(Number(v.toPrecision(10)));
    case "pct":
      return `${(v * 100).toFixed(2)} %`;
    case "ratio":
      return v.toFixed(3);
    case "seconds":
      return v.toFixed(1);
    case "count":
      return Number.isInteger(v) ? String(v) : v.toFixed(1);
    default:
      return escapeHtml(String(v));
  }
}
