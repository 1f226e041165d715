/**
 * The dashboard page: sign-in with the API token (kept in localStorage, sent only in the
 * Authorization header), then polling of the API to keep every region current without reloading,
 * and the steering actions (config, symbols, halt / resume / flatten).
 * @module
 */
import "uplot/dist/uPlot.min.css";
import "./style.css";
import { ApiFailure, createApi } from "./api";
import type {
  ConfigBody,
  EquityBody,
  NotificationsBody,
  PortfolioSnapshot,
  StatsBody,
  SymbolsBody,
  TradesBody,
} from "./api-types";
import { createConfigForm } from "./config-form";
import type { SchemaNode } from "./config-fields";
import { createControls } from "./controls";
import { byTestId, fill } from "./dom";
import { createEquityChart, type EquityChart } from "./equity-chart";
import { focusOnTrades, withLivePoint } from "./equity-points";
import { num, pct, utcClock } from "./format";
import { renderNotifications } from "./notifications-view";
import { renderPositions, renderSummary, renderTradingState } from "./portfolio-view";
import { renderStats } from "./stats-view";
import { renderSymbols } from "./symbols-view";
import { clearToken, readToken, storeToken, takeTokenFromUrl } from "./token";
import { renderTrades, TRADES_SHOWN } from "./trades-view";

/** Poll period of the portfolio and the symbols, ms. */
const FAST_MS = 2000;
/** Poll period of trades, equity and stats (every Nth fast tick). */
const SLOW_EVERY = 3;
/** Poll period of the config (every Nth fast tick). */
const CONFIG_EVERY = 8;
/** Poll period while the tab is hidden, ms. */
const HIDDEN_MS = 10_000;

const signInSection = byTestId("sign-in");
const dashboard = document.getElementById("dashboard") as HTMLElement;
const controlsBox = document.getElementById("controls") as HTMLElement;
const signOutButton = byTestId<HTMLButtonElement>("sign-out");
const connection = byTestId("connection");
const notice = byTestId("notice");
const regions = {
  state: byTestId("trading-state"),
  mode: byTestId("mode"),
  summary: byTestId("portfolio-summary"),
  chart: byTestId("equity-chart"),
  caption: byTestId("equity-caption"),
  positions: byTestId("positions"),
  cards: document.getElementById("symbol-cards") as HTMLElement,
  trades: byTestId("trades"),
  stats: byTestId("daily-stats"),
  notifications: byTestId("notifications"),
};
const notifyTestButton = byTestId<HTMLButtonElement>("notify-test");
const rangeSelect = byTestId<HTMLSelectElement>("equity-range");

let timer: ReturnType<typeof setTimeout> | undefined;
let tickCount = 0;
let session = 0;
let chart: EquityChart | null = null;
let schema: SchemaNode | null = null;
let lastPortfolio: PortfolioSnapshot | null = null;
let lastEquity: EquityBody | null = null;

const api = createApi({
  token: () => readToken(localStorage),
  onUnauthorized: () => signOut("The API refused the token. Sign in again."),
});
const controls = createControls(api, (p) => showPortfolio(p), showNotice);
const configForm = createConfigForm(
  byTestId("config-form"),
  api,
  () => schema,
  () => showNotice(null),
);

/** The bot's "now": the wall clock, or the engine clock when it runs ahead (a replay played faster than real time). */
function botNow(): number {
  return Math.max(Date.now(), lastPortfolio?.ts ?? 0);
}

/** The UTC date of `ms`: as a `to` parameter it means the end of that day. */
function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `from` of the equity request: the selected range back from now (auto: the stats' 30 days). */
function equityFrom(now: number): number {
  return now - (rangeSelect.value === "auto" ? 30 * 86_400_000 : Number(rangeSelect.value));
}

function showNotice(message: string | null): void {
  notice.textContent = message ?? "";
  notice.hidden = message === null;
}

function showPortfolio(p: PortfolioSnapshot): void {
  lastPortfolio = p;
  renderTradingState(regions.state, p);
  renderSummary(regions.summary, p);
  renderPositions(regions.positions, p);
  controls.sync(p);
  drawEquity();
}

function drawEquity(): void {
  if (lastEquity === null) return;
  chart ??= createEquityChart(regions.chart);
  const live = lastPortfolio === null ? null : { ts: lastPortfolio.ts, equity: lastPortfolio.equity };
  const points = rangeSelect.value === "auto" ? focusOnTrades(lastEquity.points) : lastEquity.points;
  chart.update(withLivePoint(points, live));
  regions.caption.textContent = `${lastEquity.mode} ledger: closed trades, equity marked at each exit, from ${num(lastEquity.capital)} USDT; the last point is the live marked-to-market equity. Max drawdown in range ${pct(lastEquity.maxDrawdown)}.`;
}

async function toggleSymbol(symbol: string, start: boolean): Promise<void> {
  try {
    await api.send("POST", `/api/symbols/${encodeURIComponent(symbol)}/${start ? "start" : "stop"}`);
    showNotice(null);
    renderSymbols(regions.cards, await api.get<SymbolsBody>("/api/symbols"), (s, on) => void toggleSymbol(s, on));
  } catch (err) {
    showNotice(`${start ? "Start" : "Stop"} ${symbol} failed: ${(err as Error).message}`);
  }
}

async function sendTestMessage(): Promise<void> {
  try {
    const { channels } = await api.send<{ channels: string[] }>("POST", "/api/notifications/test");
    showNotice(
      channels.length === 0
        ? "No channel has its secrets set: nothing to test."
        : `Test message queued for ${channels.join(", ")}.`,
    );
  } catch (err) {
    showNotice(`Test message failed: ${(err as Error).message}`);
  }
}
notifyTestButton.addEventListener("click", () => void sendTestMessage());

async function pollOnce(n: number): Promise<void> {
  const mine = session;
  const tasks: Promise<unknown>[] = [
    api.get<PortfolioSnapshot>("/api/portfolio").then((p) => mine === session && showPortfolio(p)),
    api.get<SymbolsBody>("/api/symbols").then((s) => {
      if (mine !== session) return;
      renderSymbols(regions.cards, s, (sym, on) => void toggleSymbol(sym, on));
      const mode = s.symbols.find((e) => e.status !== null)?.status?.mode;
      regions.mode.textContent = mode ? `${mode} mode` : "";
    }),
  ];
  if (n % SLOW_EVERY === 0) {
    const now = botNow();
    tasks.push(
      api
        .get<TradesBody>(`/api/trades?limit=${TRADES_SHOWN}`)
        .then((t) => mine === session && renderTrades(regions.trades, t.trades)),
      api.get<EquityBody>(`/api/equity?from=${equityFrom(now)}&to=${utcDay(now)}&maxPoints=600`).then((e) => {
        if (mine !== session) return;
        lastEquity = e;
        drawEquity();
      }),
      api.get<StatsBody>(`/api/stats?to=${utcDay(now)}`).then((s) => mine === session && renderStats(regions.stats, s)),
      api
        .get<NotificationsBody>("/api/notifications")
        .then((b) => mine === session && renderNotifications(regions.notifications, b)),
    );
  }
  if (n % CONFIG_EVERY === 0) {
    if (schema === null) tasks.push(api.get<SchemaNode>("/api/config/schema").then((s) => (schema = s)));
    tasks.push(api.get<ConfigBody>("/api/config").then((c) => mine === session && configForm.show(c)));
  }
  const results = await Promise.allSettled(tasks);
  if (mine !== session) return;
  const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failure === undefined) {
    connection.textContent = `live · updated ${utcClock(Date.now())} UTC`;
    connection.dataset.ok = "true";
    return;
  }
  const reason = failure.reason as Error;
  connection.textContent = `not updating: ${reason instanceof ApiFailure ? `${reason.status || "network"} ${reason.message}` : reason.message}`;
  connection.dataset.ok = "false";
}

function schedule(): void {
  const mine = session;
  timer = setTimeout(
    async () => {
      await pollOnce(tickCount++);
      if (mine === session) schedule();
    },
    document.hidden ? HIDDEN_MS : FAST_MS,
  );
}

function startPolling(): void {
  clearTimeout(timer);
  tickCount = 0;
  void pollOnce(tickCount++).then(schedule);
}

function showDashboard(): void {
  signInSection.hidden = true;
  dashboard.hidden = false;
  controlsBox.hidden = false;
  signOutButton.hidden = false;
  regions.state.hidden = false;
  startPolling();
}

function clearData(): void {
  for (const el of [
    regions.summary,
    regions.positions,
    regions.cards,
    regions.trades,
    regions.stats,
    regions.notifications,
    regions.caption,
    regions.mode,
  ])
    fill(el);
  fill(regions.state, "—");
  regions.state.dataset.state = "";
  connection.textContent = "";
  lastPortfolio = null;
  lastEquity = null;
  chart?.update([]);
}

function signOut(message: string | null): void {
  session++;
  clearTimeout(timer);
  clearToken(localStorage);
  clearData();
  dashboard.hidden = true;
  controlsBox.hidden = true;
  signOutButton.hidden = true;
  regions.state.hidden = true;
  signInSection.hidden = false;
  byTestId("sign-in-error").textContent = message ?? "";
  byTestId<HTMLInputElement>("token-input").focus();
}

async function signIn(token: string): Promise<void> {
  storeToken(localStorage, token);
  try {
    await api.get<PortfolioSnapshot>("/api/portfolio");
  } catch (err) {
    if (err instanceof ApiFailure && err.status === 401) return;
    if (err instanceof ApiFailure && err.code === "not_configured")
      return signOut("The Worker has no API_TOKEN secret set, so its API is closed.");
  }
  session++;
  showDashboard();
}

function wire(): void {
  document.getElementById("sign-in-form")?.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const input = byTestId<HTMLInputElement>("token-input");
    const token = input.value.trim();
    input.value = "";
    if (token !== "") void signIn(token);
  });
  signOutButton.addEventListener("click", () => signOut(null));
  rangeSelect.addEventListener("change", () => void pollOnce(0));
  rangeSelect.addEventListener("change", drawEquity);
  document.getElementById("add-symbol")?.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const input = document.getElementById("add-symbol-input") as HTMLInputElement;
    const symbol = input.value.trim().toUpperCase();
    if (symbol === "") return;
    input.value = "";
    void toggleSymbol(symbol, true);
  });
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && !dashboard.hidden) startPolling();
  });
}

function boot(): void {
  wire();
  const fromUrl = takeTokenFromUrl(location.href);
  if (fromUrl.cleanUrl !== `${location.pathname}${location.search}${location.hash}`)
    history.replaceState(history.state, "", fromUrl.cleanUrl);
  if (fromUrl.token !== null) storeToken(localStorage, fromUrl.token);
  const token = readToken(localStorage);
  if (token === null) return signOut(null);
  void signIn(token);
}

boot();
