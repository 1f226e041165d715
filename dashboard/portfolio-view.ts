/**
 * The portfolio parts of the page: the trading state badge, the account summary and the open
 * positions with their live (marked) PnL, all from `GET /api/portfolio`.
 * @module
 */
import type { PortfolioSnapshot } from "./api-types";
import { fill, h } from "./dom";
import { num, pct, price, signedMoney, tone, utcClock } from "./format";

/** Renders the trading state into the `trading-state` badge. */
export function renderTradingState(el: HTMLElement, p: PortfolioSnapshot): void {
  el.dataset.state = p.tradingState;
  fill(
    el,
    h("span", { class: "state-name" }, p.tradingState),
    p.reason ? h("span", { class: "state-reason" }, p.reason) : null,
    p.requiresFlatten ? h("span", { class: "state-reason" }, "flattening") : null,
    backgroundErrorsText(p),
  );
}

/** The account's background failures (the Worker's and the Coordinator's), when there are any. */
function backgroundErrorsText(p: PortfolioSnapshot): HTMLElement | null {
  const b = (p as { backgroundErrors?: { count: number; last: string | null } }).backgroundErrors;
  if (!b || b.count === 0) return null;
  const text = `${b.count} background error${b.count === 1 ? "" : "s"}, last: ${b.last ?? "?"}`;
  return h("span", { class: "state-reason error", "data-testid": "background-errors" }, text);
}

function stat(label: string, value: string, toneOf?: number | null, testId?: string) {
  return h(
    "div",
    { class: "stat", "data-testid": testId },
    h("span", { class: "stat-label" }, label),
    h("span", { class: `stat-value ${toneOf === undefined ? "" : tone(toneOf)}` }, value),
  );
}

/** Renders the account summary (equity, PnL, daily loss room). */
export function renderSummary(el: HTMLElement, p: PortfolioSnapshot): void {
  const cooldowns = p.cooldowns.length;
  fill(
    el,
    stat("equity", num(p.equity), undefined, "equity-now"),
    stat("unrealised", signedMoney(p.unrealised), p.unrealised),
    stat(
      "today",
      `${signedMoney(p.dailyPnl)} (${p.dailyPnlPct === null ? "—" : `${signedMoney(p.dailyPnlPct)} %`})`,
      p.dailyPnl,
    ),
    stat("daily loss limit", num(p.dailyLossLimit)),
    stat("open", `${p.openPositions.length}${p.reservations.length > 0 ? ` + ${p.reservations.length} pending` : ""}`),
    cooldowns > 0 ? stat("cooldowns", String(cooldowns)) : null,
  );
}

/** Renders the open positions table into the `positions` region. */
export function renderPositions(el: HTMLElement, p: PortfolioSnapshot): void {
  if (p.openPositions.length === 0) {
    fill(
      el,
      h("p", { class: "empty" }, "No open positions."),
      h("p", { class: "muted small" }, `marked ${utcClock(p.ts)} UTC`),
    );
    return;
  }
  const rows = p.openPositions.map((pos) =>
    h(
      "tr",
      { "data-symbol": pos.symbol },
      h("td", {}, pos.symbol),
      h("td", { class: `side ${pos.side}` }, pos.side),
      h("td", { class: "num" }, num(pos.size, 4)),
      h("td", { class: "num" }, price(pos.entryPrice)),
      h("td", { class: "num" }, price(pos.markPrice)),
      h("td", { class: `num ${tone(pos.unrealised)}` }, signedMoney(pos.unrealised)),
      h(
        "td",
        { class: "num" },
        pos.entryPrice > 0
          ? pct(((pos.markPrice - pos.entryPrice) / pos.entryPrice) * (pos.side === "long" ? 1 : -1))
          : "—",
      ),
      h(
        "td",
        { class: "num" },
        pos.correlation === null ? "—" : `${num(pos.correlation)}${pos.correlated ? " ●" : ""}`,
      ),
      h("td", {}, utcClock(pos.openedTs)),
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
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ...["symbol", "side", "size", "entry", "mark", "PnL (USDT)", "move", "ρ BTC", "opened"].map((c) =>
              h("th", {}, c),
            ),
          ),
        ),
        h("tbody", {}, ...rows),
      ),
    ),
    h(
      "p",
      { class: "muted small" },
      `PnL marked ${utcClock(p.ts)} UTC, net of the entry fee. ● = counted as BTC-correlated.`,
    ),
  );
}
