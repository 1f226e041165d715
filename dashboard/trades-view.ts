/**
 * Recent closed trades (`GET /api/trades`), newest first, with their exit reasons.
 * @module
 */
import type { Trade } from "./api-types";
import { fill, h } from "./dom";
import { duration, num, price, signedMoney, tone, utcTime } from "./format";

/** How many trades the table shows. */
export const TRADES_SHOWN = 50;

/** Column headings; optional ones are hidden on a phone. */
const HEADINGS: readonly (readonly [string, boolean])[] = [
  ["exit (UTC)", false],
  ["symbol", false],
  ["side", false],
  ["size", true],
  ["entry → exit", true],
  ["net PnL", false],
  ["fees", true],
  ["exit reason", false],
  ["held", false],
  ["entry score", true],
];

/** Renders the trades table into the `trades` region. */
export function renderTrades(el: HTMLElement, trades: readonly Trade[]): void {
  if (trades.length === 0) {
    fill(el, h("p", { class: "empty" }, "No closed trades yet."));
    return;
  }
  const rows = trades.map((t) =>
    h(
      "tr",
      { "data-trade-id": t.id },
      h("td", {}, h("span", { class: "date-part" }, utcTime(t.exitTime).slice(0, 11)), utcTime(t.exitTime).slice(11)),
      h("td", {}, t.symbol),
      h("td", { class: `side ${t.side}` }, t.side),
      h("td", { class: "num opt" }, num(t.size, 4)),
      h("td", { class: "num opt" }, `${price(t.entryPrice)} → ${price(t.exitPrice)}`),
      h("td", { class: `num ${tone(t.netPnl)}` }, signedMoney(t.netPnl, 4)),
      h("td", { class: "num opt" }, num(t.fees, 4)),
      h("td", { class: "reason", "data-exit-reason": t.exitReason }, t.exitReason.replace(/_/g, " ")),
      h("td", { class: "num" }, duration(t.holdSeconds)),
      h("td", { class: "num opt" }, num(t.entryScore, 1)),
    ),
  );
  fill(
    el,
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        {},
        h("thead", {}, h("tr", {}, ...HEADINGS.map(([c, optional]) => h("th", { class: optional ? "opt" : null }, c)))),
        h("tbody", {}, ...rows),
      ),
    ),
  );
}
