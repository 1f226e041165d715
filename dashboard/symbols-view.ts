/**
 * One card per symbol (`GET /api/symbols`): running or stopped, feed health, the composite score
 * on both sides, the nine sub-scores, every entry gate passing or failing, and the position.
 * @module
 */
import type { AgentStatus, SymbolsBody } from "./api-types";
import { h, fill, type Child } from "./dom";
import { accountText, age, num, price } from "./format";

/** The nine families in the plan's order, with their labels. */
export const FAMILY_LABELS: readonly (readonly [string, string])[] = [
  ["rsi", "RSI"],
  ["macd", "MACD"],
  ["bollinger", "Bollinger"],
  ["ema", "EMA"],
  ["vwap", "VWAP"],
  ["orderFlow", "order flow"],
  ["priceAction", "price action"],
  ["liquiditySweep", "liq. sweep"],
  ["tickMomentum", "tick momentum"],
];

/** A feed older than this shows as stale, ms. */
export const STALE_FEED_MS = 10_000;

type Entry = SymbolsBody["symbols"][number];

function feedView(s: AgentStatus): Child {
  const f = s.feed;
  if (f === null) return h("div", { class: "feed", "data-health": "none" }, "feed: not connected");
  const stale = f.lastFrameAgeMs === null || f.lastFrameAgeMs > STALE_FEED_MS;
  const health = !f.connected ? "down" : stale ? "stale" : "ok";
  return h(
    "div",
    { class: "feed", "data-health": health },
    h("span", { class: "dot" }),
    `feed ${health === "ok" ? "live" : health}`,
    h(
      "span",
      { class: "muted" },
      ` · last frame ${age(f.lastFrameAgeMs)} · reconnects ${f.reconnects} · gaps ${f.gaps} · resyncs ${f.resyncs} · dropped ${f.dropped}`,
    ),
    f.lastError ? h("div", { class: "error small" }, f.lastError) : null,
  );
}

function scoreBar(label: string, score: number, agree: number, threshold: number | null): HTMLElement {
  const fillEl = h("div", { class: "bar-fill" });
  fillEl.style.width = `${Math.max(0, Math.min(100, score)).toFixed(1)}%`;
  const bar = h("div", { class: "bar" }, fillEl);
  if (threshold !== null) {
    const mark = h("div", { class: "bar-mark", title: `gate ${threshold}` });
    mark.style.left = `${Math.max(0, Math.min(100, threshold)).toFixed(1)}%`;
    bar.appendChild(mark);
  }
  return h(
    "div",
    { class: `score-row ${label}` },
    h("span", { class: "score-label" }, label),
    bar,
    h("span", { class: "num score-value" }, num(score, 1)),
    h("span", { class: "muted small" }, `${agree} agree`),
  );
}

function subScoreRow(label: string, value: number | undefined): HTMLElement {
  const v = typeof value === "number" && Number.isFinite(value) ? Math.max(-1, Math.min(1, value)) : 0;
  const fillEl = h("div", { class: `sub-fill ${v >= 0 ? "positive" : "negative"}` });
  fillEl.style.left = `${(v < 0 ? 50 + v * 50 : 50).toFixed(1)}%`;
  fillEl.style.width = `${(Math.abs(v) * 50).toFixed(1)}%`;
  return h(
    "div",
    { class: "sub-row" },
    h("span", { class: "sub-label" }, label),
    h("div", { class: "sub-bar" }, fillEl),
    h("span", { class: "num" }, typeof value === "number" ? num(value, 2) : "—"),
  );
}

function gateList(side: "long" | "short", gates: NonNullable<AgentStatus["gates"]>["long"]): HTMLElement {
  return h(
    "div",
    { class: "gates" },
    h("div", { class: "gates-title" }, `${side} gates`),
    h(
      "ul",
      {},
      ...gates.map((g) =>
        h(
          "li",
          { class: `gate gate-${g.status}`, "data-gate": g.name, "data-status": g.status, title: g.rule },
          h(
            "span",
            { class: "gate-mark", "aria-hidden": "true" },
            g.status === "pass" ? "✓" : g.status === "fail" ? "✗" : g.status === "off" ? "–" : "?",
          ),
          h("span", { class: "gate-name" }, g.name),
          h(
            "span",
            { class: "gate-value" },
            typeof g.value === "number" ? num(g.value, 2) : g.value === null ? "—" : g.value,
          ),
          h("span", { class: "gate-rule muted" }, g.rule),
        ),
      ),
    ),
  );
}

function gateThreshold(s: AgentStatus, side: "long" | "short"): number | null {
  const g = s.gates?.[side].find((x) => x.name === "score");
  return typeof g?.threshold === "number" ? g.threshold : null;
}

function positionLine(s: AgentStatus): Child {
  const p = s.position;
  if (p === null) return null;
  return h(
    "div",
    { class: "position-line" },
    h("span", { class: `side ${p.side}` }, p.side),
    ` ${num(p.size, 4)} @ ${price(p.entryPrice)} · SL ${price(p.stopLoss)} · TP ${price(p.takeProfit)}`,
  );
}

function card(e: Entry, onToggle: (symbol: string, start: boolean) => void): HTMLElement {
  const s = e.status;
  const running = s?.running === true;
  // Bitget lists no such contract: the card says so instead of "stopped" (its reason is the status error).
  const unknown = s?.listing?.state === "unknown_symbol";
  const toggle = h(
    "button",
    { type: "button", class: running ? "" : "primary", "data-action": running ? "stop" : "start" },
    running ? "Stop" : "Start",
  );
  toggle.addEventListener("click", () => onToggle(e.symbol, !running));
  const head = h(
    "div",
    { class: "card-head" },
    h("h3", {}, e.symbol),
    h(
      "span",
      { class: `badge ${running ? "ok" : unknown ? "bad" : "off"}`, "data-testid": "symbol-running" },
      unknown ? "unknown symbol" : running ? (s?.phase ?? "running") : e.enabled ? "enabled, not running" : "stopped",
    ),
    s?.features?.price !== undefined && s.features?.price !== null
      ? h("span", { class: "num price" }, price(s?.features?.price))
      : null,
    toggle,
  );
  const body: Child[] = [];
  if (e.error) body.push(h("p", { class: "error small" }, e.error));
  if (s?.error) body.push(h("p", { class: "error small" }, s.error));
  if (s?.listing?.state === "check_failed")
    body.push(h("p", { class: "error small", "data-testid": "listing" }, `listing not confirmed: ${s.listing.reason}`));
  if (s === null) return h("article", { class: "card symbol-card", "data-symbol": e.symbol }, head, ...body);
  if (s.account)
    body.push(h("div", { class: "account-line small muted", "data-testid": "account" }, accountText(s.account)));
  body.push(feedView(s), positionLine(s));
  if (s.score !== null) {
    body.push(
      h(
        "div",
        { class: "scores" },
        scoreBar("long", s.score.long, s.score.agreeLong, gateThreshold(s, "long")),
        scoreBar("short", s.score.short, s.score.agreeShort, gateThreshold(s, "short")),
      ),
    );
  } else body.push(h("p", { class: "muted small" }, "warming up: no score yet"));
  if (s.subScores !== null) {
    const sub = s.subScores as unknown as Record<string, number>;
    body.push(
      h(
        "div",
        { class: "subscores", "data-testid": "sub-scores" },
        ...FAMILY_LABELS.map(([k, label]) => subScoreRow(label, sub[k])),
      ),
    );
  }
  if (s.gates !== null)
    body.push(h("div", { class: "gate-columns" }, gateList("long", s.gates.long), gateList("short", s.gates.short)));
  if (s.entriesBlocked) body.push(h("p", { class: "error small" }, "entries blocked by a reconciliation mismatch"));
  else if (s.entriesPaused) body.push(h("p", { class: "error small" }, `entries paused: ${s.entriesPaused}`));
  return h(
    "article",
    { class: "card symbol-card", "data-symbol": e.symbol, "data-running": String(running) },
    head,
    ...body,
  );
}

/** Renders the symbol cards into the `symbols` region's card list. */
export function renderSymbols(
  el: HTMLElement,
  body: SymbolsBody,
  onToggle: (symbol: string, start: boolean) => void,
): void {
  if (body.symbols.length === 0) {
    fill(el, h("p", { class: "empty" }, "No symbols yet: start one below."));
    return;
  }
  fill(el, ...body.symbols.map((e) => card(e, onToggle)));
}
