/**
 * The dashboard end to end: the demo stack (venue, wrangler dev, symbols) driven through Debian's
 * headless Chromium with playwright-core. Skipped, with a message, where /usr/bin/chromium is not
 * installed (`apt-get install -y chromium`). Set SCREENSHOTS_DIR (e.g. docs/screenshots) to keep
 * the screenshots of the main views; otherwise they go to a temporary folder.
 */
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BotConfig } from "../../shared/config/schema";
import type { PortfolioSnapshot } from "../../shared/risk/portfolio-types";
import { E2E_CONFIG, E2E_SYMBOLS, startE2eStack, type E2eStack } from "./demo-harness";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const HAVE_CHROMIUM = existsSync(CHROMIUM);
/** Flags that keep Chromium quiet on a machine without outside network (../.library node.md). */
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];
const SHOTS = process.env.SCREENSHOTS_DIR
  ? resolve(process.env.SCREENSHOTS_DIR)
  : mkdtempSync(join(tmpdir(), "edge-scalper-shots-"));
const LAPTOP = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };

if (!HAVE_CHROMIUM)
  console.warn(
    `\n[dashboard e2e] SKIPPED: ${CHROMIUM} not found. Install Debian's Chromium (apt-get install -y chromium) to run the browser tests.\n`,
  );

/** Polls `check` until it returns a truthy value or `timeoutMs` passes. */
async function until<T>(
  what: string,
  check: () => Promise<T | null | undefined | false>,
  timeoutMs: number,
  everyMs = 500,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < end) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(
    `timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ""}`,
  );
}

describe.skipIf(!HAVE_CHROMIUM)("the dashboard in a browser, against the running demo", () => {
  let stack: E2eStack;
  let browser: Browser;
  let page: Page;
  const requested: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    [stack, browser] = await Promise.all([
      startE2eStack(),
      chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
    ]);
    page = await browser.newPage({ viewport: LAPTOP });
    page.on("request", (r) => requested.push(r.url()));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  }, 60_000);

  const region = (id: string) => page.getByTestId(id);

  it("shows a sign-in prompt and no data without a token, and refuses a wrong one", async () => {
    await page.goto(`${stack.url}/`);
    await region("sign-in").waitFor({ state: "visible", timeout: 15_000 });
    expect(await page.locator("#dashboard").isVisible()).toBe(false);
    expect(await region("positions").textContent()).toBe("");
    expect(await region("trades").textContent()).toBe("");
    await region("token-input").fill("not-the-token");
    await region("sign-in-button").click();
    await until("the refusal", async () => (await region("sign-in-error").textContent())?.includes("refused"), 10_000);
    expect(await page.locator("#dashboard").isVisible()).toBe(false);
    expect(await page.evaluate("localStorage.getItem('edge-scalper.apiToken')")).toBeNull();
  }, 30_000);

  it("signs in once with ?token=, keeps the token in localStorage and removes it from the address bar", async () => {
    await page.goto(`${stack.url}/?token=${encodeURIComponent(stack.token)}`);
    await until(
      "the trading state",
      async () => (await region("trading-state").getAttribute("data-state")) === "ACTIVE",
      20_000,
    );
    expect(page.url()).toBe(`${stack.url}/`);
    expect(await page.evaluate("localStorage.getItem('edge-scalper.apiToken')")).toBe(stack.token);
    await page.reload();
    await until(
      "the trading state after a reload",
      async () => (await region("trading-state").getAttribute("data-state")) === "ACTIVE",
      20_000,
    );
    expect(await region("sign-in").isVisible()).toBe(false);
  }, 60_000);

  it("shows each symbol with its scores, the nine sub-scores, its gates and its feed health", async () => {
    const cards = page.locator("[data-testid=symbols] article[data-symbol]");
    await until(
      "three symbol cards with scores",
      async () =>
        (await cards.count()) === E2E_SYMBOLS.length &&
        (await page.locator("[data-testid=sub-scores]").count()) === E2E_SYMBOLS.length,
      60_000,
    );
    for (const symbol of E2E_SYMBOLS) {
      const card = page.locator(`article[data-symbol="${symbol}"]`);
      expect(await card.locator(".sub-row").count()).toBe(9);
      expect(await card.locator(".score-row").count()).toBe(2);
      expect(await card.locator('.gate[data-gate="score"]').count()).toBe(2);
      expect(["pass", "fail"]).toContain(
        await card.locator('.gate[data-gate="spread"]').first().getAttribute("data-status"),
      );
      expect(["ok", "stale"]).toContain(await card.locator(".feed").getAttribute("data-health"));
    }
  }, 90_000);

  it("saves a changed threshold, which GET /api/config then returns", async () => {
    const input = page.locator('[data-testid=config-form] input[name="gates.minScore"]');
    await input.waitFor({ state: "visible", timeout: 30_000 });
    expect(await input.inputValue()).toBe(String(E2E_CONFIG.gates.minScore));
    await input.fill("33");
    await region("config-save").click();
    await until(
      "the saved message",
      async () => (await region("config-status").textContent())?.startsWith("Saved"),
      15_000,
    );
    const { body } = await stack.api<{ config: BotConfig }>("GET", "/api/config");
    expect(body.config.gates.minScore).toBe(33);
  }, 60_000);

  it("refuses a bad config value with the API's message beside the field, leaving the config unchanged", async () => {
    const input = page.locator('[data-testid=config-form] input[name="gates.minScore"]');
    await input.fill("150");
    await region("config-save").click();
    const error = page.locator('[data-testid=config-form] [data-error-for="gates.minScore"]');
    await until("the field's error", async () => ((await error.textContent()) ?? "").length > 0, 15_000);
    expect(await error.textContent()).toMatch(/100/);
    expect(await input.getAttribute("aria-invalid")).toBe("true");
    expect(await region("config-status").textContent()).toBe("Not saved.");
    await page.locator('[data-section="gates"]').screenshot({ path: join(SHOTS, "laptop-config-error.png") });
    const { body } = await stack.api<{ config: BotConfig }>("GET", "/api/config");
    expect(body.config.gates.minScore).toBe(33);
    await region("config-reset").click();
    expect(await input.inputValue()).toBe("33");
  }, 60_000);

  it("shows a closed trade with its exit reason, the daily stats with formulas and the equity chart", async () => {
    const rows = page.locator("[data-testid=trades] tr[data-trade-id]");
    await until("a closed trade in the table", async () => (await rows.count()) > 0, 180_000, 1000);
    const reason = await rows.first().locator("td.reason").getAttribute("data-exit-reason");
    expect(reason).toMatch(/^(take_profit|score_decay|stop_loss|trailing_stop|time_exit|reversal)$/);
    await until(
      "the daily stats counting it",
      async () =>
        Number(await page.locator('[data-testid=daily-stats] [data-metric="trades"] .stat-value').textContent()) >= 1,
      20_000,
    );
    expect(await page.locator("[data-testid=formulas] dt", { hasText: "winRate" }).count()).toBeGreaterThan(0);
    expect(await page.locator("[data-testid=equity-chart] canvas").count()).toBeGreaterThan(0);
    expect(await region("equity-caption").textContent()).toContain("Max drawdown");
  }, 200_000);

  it("takes screenshots of the main views on a laptop and a phone", async () => {
    await page.evaluate("window.scrollTo(0, 0)");
    await page.screenshot({ path: join(SHOTS, "laptop-overview.png"), fullPage: true });
    await page.screenshot({ path: join(SHOTS, "laptop-top.png") });
    const phone = await browser.newPage({ viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    await phone.goto(`${stack.url}/?token=${encodeURIComponent(stack.token)}`);
    await until(
      "the phone view",
      async () =>
        (await phone.locator("[data-testid=trades] tr[data-trade-id]").count()) > 0 &&
        (await phone.locator("[data-testid=sub-scores]").count()) > 0,
      30_000,
    );
    await phone.screenshot({ path: join(SHOTS, "phone-top.png") });
    await phone.evaluate("document.querySelector('[data-testid=symbols]').scrollIntoView()");
    await phone.screenshot({ path: join(SHOTS, "phone-symbols.png") });
    await phone.evaluate("document.querySelector('[data-testid=trades]').closest('section').scrollIntoView()");
    await phone.screenshot({ path: join(SHOTS, "phone-trades.png") });
    await phone.close();
    const signIn = await browser.newPage({ viewport: PHONE, isMobile: true, deviceScaleFactor: 2 });
    await signIn.goto(`${stack.url}/`);
    await signIn.getByTestId("sign-in").waitFor({ state: "visible" });
    await signIn.screenshot({ path: join(SHOTS, "phone-sign-in.png") });
    await signIn.close();
    for (const f of [
      "laptop-overview.png",
      "laptop-top.png",
      "laptop-config-error.png",
      "phone-top.png",
      "phone-symbols.png",
      "phone-trades.png",
      "phone-sign-in.png",
    ])
      expect(existsSync(join(SHOTS, f)), f).toBe(true);
  }, 90_000);

  it("stops and starts a symbol", async () => {
    const card = page.locator('article[data-symbol="SOLUSDT"]');
    await card.locator('button[data-action="stop"]').click();
    await until("SOLUSDT stopped", async () => (await card.getAttribute("data-running")) === "false", 20_000);
    const stopped = await stack.api<{ symbols: { symbol: string; enabled: boolean }[] }>("GET", "/api/symbols");
    expect(stopped.body.symbols.find((s) => s.symbol === "SOLUSDT")?.enabled).toBe(false);
    await card.locator('button[data-action="start"]').click();
    await until("SOLUSDT running again", async () => (await card.getAttribute("data-running")) === "true", 20_000);
  }, 60_000);

  it("halts after a confirmation, shows the new state, and resumes", async () => {
    await region("halt-button").click();
    await region("confirm-dialog").waitFor({ state: "visible" });
    await region("halt-reason").fill("e2e check");
    await page.screenshot({ path: join(SHOTS, "laptop-halt-confirm.png") });
    await region("confirm-ok").click();
    await until(
      "the HALTED state",
      async () => (await region("trading-state").getAttribute("data-state")) === "HALTED",
      15_000,
    );
    expect(await region("trading-state").textContent()).toContain("e2e check");
    expect((await stack.api<PortfolioSnapshot>("GET", "/api/portfolio")).body.tradingState).toBe("HALTED");
    expect(await region("halt-button").isDisabled()).toBe(true);
    await region("resume-button").click();
    await region("confirm-ok").click();
    await until(
      "the ACTIVE state",
      async () => (await region("trading-state").getAttribute("data-state")) === "ACTIVE",
      15_000,
    );
    expect((await stack.api<PortfolioSnapshot>("GET", "/api/portfolio")).body.tradingState).toBe("ACTIVE");
  }, 60_000);

  it("never put the token in a URL it requested", () => {
    const navigation = `${stack.url}/?token=${encodeURIComponent(stack.token)}`;
    expect(requested.filter((u) => u.includes("/api/")).length).toBeGreaterThan(20);
    expect(requested.filter((u) => u !== navigation && u.includes(stack.token))).toEqual([]);
  });
});
