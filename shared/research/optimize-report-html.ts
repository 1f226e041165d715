/**
 * The standalone HTML page of `npm run optimize -- --report out.html`: per fold, the chosen
 * parameters with in-sample (train) and out-of-sample (test) results side by side, the pooled
 * totals, and the definitions. No scripts, no external assets.
 * @module
 */
import { escapeHtml, REPORT_NOTICE } from "../backtest/report-html";
import type { OptimizeReport, WindowReport } from "./walk-forward-result";

const CSS =
  "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}" +
  "th,td{border:1px solid #ccc;padding:4px 8px;text-align:right;vertical-align:top}th.l,td.l{text-align:left}" +
  ".is{background:#f3f6fb}.oos{background:#fbf6ef}.pen{color:#b00}.notice{background:#fff3cd;padding:.5em 1em}code{font-size:12px}";

const COLUMNS = ["objective", "trades", "netPnl", "winRate", "maxDD"] as const;

/** The report page. */
export function renderOptimizeReport(doc: OptimizeReport): string {
  const title = `edge-scalper walk-forward optimisation: ${doc.objective}`;
  const meta = `${doc.sampler} sampler · seed ${doc.seed} · ${doc.folds.length} ${doc.mode} folds · ${doc.trials} trials on ${doc.workers} workers · at least ${doc.minTrades} trades per window · ${iso(doc.span.from)} to ${iso(doc.span.to)} UTC`;
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title><style>${CSS}</style></head><body>`,
    `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(meta)}</p>`,
    `<p class="notice">${escapeHtml(REPORT_NOTICE)} In-sample figures are optimistic by construction: judge by the out-of-sample columns.</p>`,
    `<section id="folds"><h2>Folds</h2><table>${header()}${doc.folds.map((f) => row(`fold ${f.index}`, f.train, f.test, f.params)).join("")}`,
    `${row("total", doc.totals.inSample, doc.totals.outOfSample, null)}</table></section>`,
    `<section id="best"><h2>Best (last fold's choice)</h2><p>config version ${escapeHtml(doc.best.configVersion)}</p><pre>${escapeHtml(JSON.stringify(doc.best.params, null, 2))}</pre></section>`,
    `<section id="definitions"><h2>Definitions</h2><ul>`,
    `<li>With K folds the data is cut into K+1 equal time segments; fold i trains on segment i (rolling) or segments 0..i (anchored) and tests on segment i+1.</li>`,
    `<li>Parameters are chosen on the train window only. A window with fewer than ${doc.minTrades} trades is penalised (shown in red) and ranks below every window that traded enough.</li>`,
    `<li>Totals pool the folds: trades and PnL add up, drawdown is the deepest single window, daily Sharpe is the mean of the windows that have one.</li>`,
    `</ul></section></body></html>`,
  ].join("");
}

function header(): string {
  const cols = (cls: string) => COLUMNS.map((c) => `<th class="${cls}">${c}</th>`).join("");
  return `<tr><th class="l" rowspan="2">fold</th><th class="l" rowspan="2">train → test (UTC)</th><th colspan="${COLUMNS.length}" class="is">in sample (train)</th><th colspan="${COLUMNS.length}" class="oos">out of sample (test)</th><th class="l" rowspan="2">parameters</th></tr><tr>${cols("is")}${cols("oos")}</tr>`;
}

function row(label: string, train: WindowReport, test: WindowReport, params: object | null): string {
  const when = `${iso(train.from)} – ${iso(train.to)} → ${iso(test.from)} – ${iso(test.to)}`;
  const p = params === null ? "" : `<code>${escapeHtml(JSON.stringify(params))}</code>`;
  return `<tr><th class="l">${escapeHtml(label)}</th><td class="l">${escapeHtml(when)}</td>${cells(train, "is")}${cells(test, "oos")}<td class="l">${p}</td></tr>`;
}

function cells(w: WindowReport, cls: string): string {
  const winRate = w.trades > 0 ? `${((100 * w.wins) / w.trades).toFixed(1)} %` : "n/a";
  const values = [num(w.objective), String(w.trades), num(w.netPnl), winRate, `${(100 * w.maxDrawdown).toFixed(2)} %`];
  return values
    .map(
      (v, i) =>
        `<td class="${cls}${i === 0 && w.penalised ? " pen" : ""}"${i === 0 && w.penalised ? ' title="too few trades: penalised"' : ""}>${escapeHtml(v)}</td>`,
    )
    .join("");
}

function num(x: number): string {
  return Math.abs(x) >= 100 ? x.toFixed(1) : x.toFixed(4);
}

function iso(ts: number): string {
  return new Date(ts).toISOString().slice(0, 19).replace("T", " ");
}
