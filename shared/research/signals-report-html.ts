/**
 * The standalone HTML page of `npm run signals -- --report out.html`: rank IC by horizon with its
 * interval per signal, quintile bars, the mean absolute move against the round-trip fees, the
 * composite score's histogram, the gates' pass rates and the series read. Inline CSS and SVG, no
 * script, no external asset; every piece of text is HTML-escaped.
 * @module
 */
import { escapeHtml } from "../backtest/report-html";
import { FAMILIES } from "../strategy/types";
import type { Estimate, QuintileEstimate, SignalsDocument, SignalStats } from "./signals-report";

/** What the page prints: the study plus where it came from. */
export type SignalsPageInput = SignalsDocument & { readonly data: readonly string[]; readonly configVersion: string };

const CSS =
  'body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1200px;padding:16px;color:#1f2328}' +
  "h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d0d7de}" +
  ".meta,.hint{color:#59636e;font-size:12px}.notice{background:#fff8c5;border:1px solid #d4a72c;padding:8px 12px;border-radius:6px}" +
  "table{border-collapse:collapse;font-size:12px;font-variant-numeric:tabular-nums}th,td{border:1px solid #d0d7de;padding:2px 6px;text-align:right;white-space:nowrap}" +
  "th{background:#f6f8fa}td.l,th.l{text-align:left}td.sig{background:#dafbe1}td.neg{background:#ffebe9}" +
  ".grid{display:flex;flex-wrap:wrap;gap:8px}.grid figure{margin:0}.grid figcaption{font-size:12px;font-weight:600}" +
  "svg{background:#fcfcfd;border:1px solid #eaeef2}svg text{font-size:10px;fill:#59636e}svg .zero{stroke:#8c959f}" +
  "svg .bar{fill:#0969da}svg .barneg{fill:#cf222e}svg .ci{stroke:#1f2328;stroke-width:1}svg .pt{fill:#1f2328}svg .mark{stroke:#d4a72c;stroke-dasharray:3 2}";

type Row = readonly [name: string, stats: SignalStats];

/** Renders the page. Sections: ic, quintiles, moves, scores, gates, series. */
export function renderSignalsReport(doc: SignalsPageInput): string {
  const rows: Row[] = [
    ...FAMILIES.map((f) => [f, doc.families[f]] as Row),
    ["composite long", doc.composite.long],
    ["composite short", doc.composite.short],
  ];
  const title = "edge-scalper signals: what each family predicts";
  return [
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`,
    `<title>${escapeHtml(title)}</title><style>${CSS}</style></head><body><h1>${escapeHtml(title)}</h1>`,
    `<p class="meta">${doc.samples} one-second samples from ${doc.series.length} series · config ${escapeHtml(doc.configVersion)} · ${doc.replicates} block-bootstrap resamples, seed ${doc.seed}, ${doc.level * 100} % intervals</p>`,
    `<p class="notice">Intervals come from a circular block bootstrap over time (blocks at least as long as the horizon). An interval that excludes 0 is a measurement on these recordings, not a promise about others: families change sign with the regime.</p>`,
    section("ic", "Rank IC by horizon", icBody(doc, rows)),
    section("quintiles", "Mean forward return per quintile of the signal (bps)", quintileBody(doc, rows)),
    section("moves", "Mean absolute move against round-trip fees (bps)", movesBody(doc)),
    section("scores", "Composite score (the higher side per sample)", scoresBody(doc)),
    section("gates", "Entry gates (the side each sample favours)", gatesBody(doc)),
    section("series", "Series", seriesBody(doc)),
    `<p class="hint">data: ${doc.data.map(escapeHtml).join(", ")}</p></body></html>`,
  ].join("");
}

function section(id: string, heading: string, body: string): string {
  return `<section id="${id}"><h2>${escapeHtml(heading)}</h2>${body}</section>`;
}

function num(x: number | null, d = 3): string {
  return x === null ? "n/a" : x.toFixed(d);
}

/** A cell with the estimate and its interval, shaded when the interval excludes 0. */
function estimateCell(e: Estimate, d = 3, centre = 0): string {
  const cls = e.lo !== null && e.lo > centre ? "sig" : e.hi !== null && e.hi < centre ? "neg" : "";
  return `<td class="${cls}">${num(e.value, d)} <span class="hint">[${num(e.lo, d)}, ${num(e.hi, d)}]</span></td>`;
}

function icBody(doc: SignalsPageInput, rows: readonly Row[]): string {
  const head = `<tr><th class="l">signal</th>${doc.horizons.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr>`;
  const table = `<table>${head}${rows.map(([n, s]) => `<tr><td class="l">${escapeHtml(n)}</td>${doc.horizons.map((h) => estimateCell(s.ic[h])).join("")}</tr>`).join("")}</table>`;
  const all = rows.flatMap(([, s]) => doc.horizons.flatMap((h) => [s.ic[h].lo, s.ic[h].hi, s.ic[h].value]));
  const span = Math.max(0.05, ...all.map((x) => (x === null ? 0 : Math.abs(x))));
  const charts = rows
    .map(([n, s]) =>
      figure(
        n,
        icChart(
          doc.horizons,
          doc.horizons.map((h) => s.ic[h]),
          span,
        ),
      ),
    )
    .join("");
  return `${table}<p class="hint">Green: interval above 0; red: below 0. A working short score has a negative IC (a higher short score, lower prices). Charts share one scale (±${span.toFixed(3)}).</p><div class="grid">${charts}</div>`;
}

function figure(caption: string, svg: string): string {
  return `<figure><figcaption>${escapeHtml(caption)}</figcaption>${svg}</figure>`;
}

/** Points with interval whiskers per horizon, on a symmetric scale ±span. */
function icChart(labels: readonly string[], values: readonly Estimate[], span: number): string {
  const w = 220;
  const h = 120;
  const y = (v: number) => h / 2 - (v / span) * (h / 2 - 10);
  const step = w / labels.length;
  const parts = [`<line class="zero" x1="0" x2="${w}" y1="${y(0)}" y2="${y(0)}"/>`];
  labels.forEach((label, i) => {
    const x = step * (i + 0.5);
    const e = values[i];
    if (e.lo !== null && e.hi !== null)
      parts.push(`<line class="ci" x1="${x}" x2="${x}" y1="${y(e.lo).toFixed(1)}" y2="${y(e.hi).toFixed(1)}"/>`);
    if (e.value !== null) parts.push(`<circle class="pt" cx="${x}" cy="${y(e.value).toFixed(1)}" r="3"/>`);
    parts.push(`<text x="${x - 8}" y="${h - 2}">${escapeHtml(label)}</text>`);
  });
  return `<svg viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img">${parts.join("")}</svg>`;
}

function quintileBody(doc: SignalsPageInput, rows: readonly Row[]): string {
  const spanOf = (hz: string) =>
    Math.max(
      0.1,
      ...rows.flatMap(([, s]) =>
        s.quintiles[hz].flatMap((q) => [q.lo, q.hi, q.value].map((x) => (x === null ? 0 : Math.abs(x)))),
      ),
    );
  const spans = Object.fromEntries(doc.horizons.map((hz) => [hz, spanOf(hz)]));
  const head = `<tr><th class="l">signal</th>${doc.horizons.map((hz) => `<th>${escapeHtml(hz)} (±${spans[hz].toFixed(2)} bps)</th>`).join("")}</tr>`;
  const body = rows
    .map(
      ([n, s]) =>
        `<tr><td class="l">${escapeHtml(n)}</td>${doc.horizons.map((hz) => `<td>${quintileChart(s.quintiles[hz], spans[hz])}</td>`).join("")}</tr>`,
    )
    .join("");
  return `<p class="hint">Bars: lowest to highest fifth of the signal, left to right; whiskers: the interval. One scale per horizon.</p><table>${head}${body}</table>`;
}

function quintileChart(qs: readonly QuintileEstimate[], span: number): string {
  const w = 150;
  const h = 70;
  const y = (v: number) => h / 2 - (v / span) * (h / 2 - 4);
  const bw = w / 5;
  const parts = [`<line class="zero" x1="0" x2="${w}" y1="${y(0)}" y2="${y(0)}"/>`];
  qs.forEach((q, i) => {
    const x = i * bw;
    if (q.value !== null) {
      const top = Math.min(y(q.value), y(0));
      const height = Math.abs(y(q.value) - y(0));
      parts.push(
        `<rect class="${q.value >= 0 ? "bar" : "barneg"}" x="${(x + 3).toFixed(1)}" y="${top.toFixed(1)}" width="${(bw - 6).toFixed(1)}" height="${height.toFixed(1)}"><title>n ${q.n}: ${num(q.value)} [${num(q.lo)}, ${num(q.hi)}] bps</title></rect>`,
      );
    }
    if (q.lo !== null && q.hi !== null) {
      const cx = (x + bw / 2).toFixed(1);
      parts.push(`<line class="ci" x1="${cx}" x2="${cx}" y1="${y(q.lo).toFixed(1)}" y2="${y(q.hi).toFixed(1)}"/>`);
    }
  });
  return `<svg viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img">${parts.join("")}</svg>`;
}

function movesBody(doc: SignalsPageInput): string {
  const c = doc.costsBps;
  const head = `<tr><th class="l">horizon</th><th>mean |move|</th><th>maker/maker</th><th>maker/taker</th><th>taker/taker</th><th>samples</th><th>block</th></tr>`;
  const body = doc.horizons
    .map(
      (h) =>
        `<tr><td class="l">${escapeHtml(h)}</td>${estimateCell(doc.meanAbsMoveBps[h], 2)}<td>${c.makerMaker}</td><td>${c.makerTaker}</td><td>${c.takerTaker}</td><td>${doc.resampling[h].samples}</td><td>${doc.resampling[h].blockLength} s × ${doc.resampling[h].blocks}</td></tr>`,
    )
    .join("");
  return `<p class="hint">Even perfect foresight earns at most the mean absolute move; fees are charged on both legs (spread and slippage not included).</p><table>${head}${body}</table>`;
}

function scoresBody(doc: SignalsPageInput): string {
  const s = doc.scoreDistribution;
  const dist = (name: string, d: typeof s | typeof s.long) =>
    `<tr><td class="l">${name}</td><td>${num(d.max, 1)}</td><td>${num(d.p95, 1)}</td><td>${num(d.p99, 1)}</td>${(["50", "60", "70", "80"] as const).map((t) => `<td>${d.reached[t]}</td>`).join("")}</tr>`;
  const table = `<table><tr><th class="l">score</th><th>max</th><th>p95</th><th>p99</th><th>≥ 50</th><th>≥ 60</th><th>≥ 70</th><th>≥ 80</th></tr>${dist("higher side", s)}${dist("long", s.long)}${dist("short", s.short)}</table>`;
  return `${table}${histogram(s.histogram)}`;
}

function histogram(bins: readonly number[]): string {
  const w = 600;
  const h = 180;
  const peak = Math.max(1, ...bins);
  const bw = w / bins.length;
  const y = (n: number) => h - 16 - (Math.log10(1 + n) / Math.log10(1 + peak)) * (h - 26);
  const parts = bins.map(
    (n, i) =>
      `<rect class="bar" x="${(i * bw + 1).toFixed(1)}" y="${y(n).toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${(h - 16 - y(n)).toFixed(1)}"><title>${i * 5}–${i * 5 + 5}: ${n}</title></rect>`,
  );
  for (const t of [50, 60, 70, 80]) {
    const x = (t / 100) * w;
    parts.push(`<line class="mark" x1="${x}" x2="${x}" y1="0" y2="${h - 16}"/><text x="${x + 2}" y="10">${t}</text>`);
  }
  for (let v = 0; v <= 100; v += 20)
    parts.push(`<text x="${(v / 100) * w - (v === 100 ? 18 : 0)}" y="${h - 3}">${v}</text>`);
  return `<p class="hint">Samples per 5-point bin, log scale; dashed: 50/60/70/80.</p><svg viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img">${parts.join("")}</svg>`;
}

function gatesBody(doc: SignalsPageInput): string {
  const g = doc.gates;
  const rows = Object.entries(g.byGate)
    .map(
      ([name, t]) =>
        `<tr><td class="l">${escapeHtml(name)}</td><td>${t.pass}</td><td>${t.fail}</td><td>${t.unknown}</td><td>${t.off}</td><td>${num(t.passRate === null ? null : t.passRate * 100, 2)} %</td></tr>`,
    )
    .join("");
  return `<table><tr><th class="l">gate</th><th>pass</th><th>fail</th><th>unknown</th><th>off</th><th>pass or off</th></tr>${rows}<tr><td class="l">all</td><td>${g.allPass}</td><td colspan="3"></td><td>${num(g.allPassRate === null ? null : g.allPassRate * 100, 2)} %</td></tr></table>`;
}

function seriesBody(doc: SignalsPageInput): string {
  const rows = doc.series
    .map(
      (s) =>
        `<tr><td class="l">${escapeHtml(s.source)}</td><td class="l">${escapeHtml(s.symbol)}</td><td class="l">${s.usesMid ? "mid" : "last trade"}</td><td>${s.samples}</td><td>${s.seconds}</td><td>${num(s.scoreMax, 1)}</td><td>${s.scoreReached["80"]}</td><td>${s.gatesAllPass}</td></tr>`,
    )
    .join("");
  return `<table><tr><th class="l">source</th><th class="l">symbol</th><th class="l">price</th><th>samples</th><th>seconds</th><th>score max</th><th>≥ 80</th><th>all gates pass</th></tr>${rows}</table>`;
}
