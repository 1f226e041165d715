/**
 * The bot's own edge (`GET /api/stats` → `edge`): expectancy after fees per symbol and mode from the
 * ledger, and the portfolio's live monitor (entry markouts per horizon, edge pauses), each figure
 * with its interval so a handful of trades never reads as a verdict.
 * @module
 */
import type { StatsBody } from "./api-types";
import { h } from "./dom";
import { duration, num, tone, utcTime } from "./format";

type Edge = StatsBody["edge"];
type Interval = Edge["byMode"][number]["expectancyBps"];

/** An interval in bps: `−12.30 bps [−20.10, −4.50] n 30`; the interval is left out below two observations. */
export function intervalText(i: Interval): string {
  if (i.mean === null) return "—";
  const range = i.lo === null || i.hi === null ? "" : ` [${num(i.lo)}, ${num(i.hi)}]`;
  return `${num(i.mean)} bps${range} n ${i.n}`;
}

/** The tone of an interval: positive or negative only when the whole interval is on that side of zero. */
export function intervalTone(i: Interval): "positive" | "negative" | "zero" {
  if (i.lo !== null && i.lo > 0) return "positive";
  if (i.hi !== null && i.hi < 0) return "negative";
  return tone(0);
}

/** Table rows of the edge section: one per (symbol, mode) from the ledger, then the live monitor per symbol. */
export function edgeRows(edge: Edge): { expectancy: string[][]; monitor: string[][] } {
  const horizons = edge.monitor.horizonsMs;
  return {
    expectancy: edge.byMode.map((e) => [e.symbol, e.mode, intervalText(e.expectancyBps), num(e.meanNetPnl)]),
    monitor: edge.monitor.symbols.map((s) => [
      s.symbol,
      intervalText(s.expectancyBps),
      ...horizons.map((ms) => intervalText(s.markoutsBps[String(ms)] ?? { n: 0, mean: null, lo: null, hi: null })),
      s.pause === null ? "—" : `paused until ${utcTime(s.pause.until)}: ${s.pause.detail}`,
    ]),
  };
}

function table(head: readonly string[], rows: readonly string[][], tones: readonly (string | null)[][]): HTMLElement {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      {},
      h("thead", {}, h("tr", {}, ...head.map((x) => h("th", {}, x)))),
      h(
        "tbody",
        {},
        ...rows.map((r, i) =>
          h(
            "tr",
            {},
            ...r.map((cell, j) => h("td", { class: `${j === 0 ? "" : "num"} ${tones[i]?.[j] ?? ""}` }, cell)),
          ),
        ),
      ),
    ),
  );
}

/** The edge section of the stats region. */
export function edgeSection(edge: Edge): HTMLElement {
  const m = edge.monitor;
  const rows = edgeRows(edge);
  const guard = m.enabled
    ? `Edge guard on: a symbol's entries pause when its ${Math.round(m.confidence * 100)} % interval is below zero over ≥ ${m.minTrades} trades.`
    : "Edge guard off (portfolio.edgeGuard.enabled): watching only.";
  return h(
    "div",
    { class: "edge", "data-testid": "edge" },
    h("h3", {}, "Edge"),
    h(
      "p",
      { class: "muted small" },
      `Expectancy after fees per trade (bps of entry notional) over each symbol's last ${m.window} trades, and markouts of entry decisions signed by side, with ${Math.round(m.confidence * 100)} % intervals. ${guard}`,
    ),
    table(
      ["symbol", "mode", "expectancy", "mean net"],
      rows.expectancy,
      edge.byMode.map((e) => [null, null, intervalTone(e.expectancyBps), tone(e.meanNetPnl)]),
    ),
    table(
      ["symbol", "expectancy (live monitor)", ...m.horizonsMs.map((ms) => `markout ${duration(ms / 1000)}`), "pause"],
      rows.monitor,
      m.symbols.map((s) => [
        null,
        intervalTone(s.expectancyBps),
        ...m.horizonsMs.map((ms) => {
          const i = s.markoutsBps[String(ms)];
          return i ? intervalTone(i) : null;
        }),
        null,
      ]),
    ),
  );
}
