import {
  createExecutionContext,
  createScheduledController,
  runInDurableObject,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it, vi } from "vitest";
import type { SymbolAgent } from "../../durable-objects/symbol-agent";
import { bitgetEndpoints, netPosition } from "../../shared/exchange/bitget/bitget-account";
import { openBitgetAccount } from "../../shared/exchange/bitget/open-account";
import { validateOrder } from "../../shared/exchange/bitget/order-rules";
import { BitgetRestClient } from "../../shared/exchange/bitget/rest-client";
import type { BitgetCredentials } from "../../shared/exchange/bitget/rest-transport";
import type { NotifierStatus } from "../../shared/notify/notifier-status";
import { CRONS } from "../../workers/cron";
import worker from "../../workers/index";

const bindings = env as unknown as Record<string, string>;
/** This file's own venue account (global-setup.ts), so no other test's positions meet these. */
const credentials = JSON.parse(bindings.TEST_VENUE_WATCHDOG_CREDENTIALS) as BitgetCredentials;
const SYMBOL = "BTCUSDT";
const secrets = {
  BITGET_API_KEY: credentials.apiKey,
  BITGET_API_SECRET: credentials.apiSecret,
  BITGET_PASSPHRASE: credentials.passphrase,
};
const agent = () => env.SYMBOL_AGENT.getByName(SYMBOL);
const coordinator = () => env.COORDINATOR.getByName("portfolio");

async function venue() {
  const common = { now: () => Date.now(), random: Math.random };
  const opened = await openBitgetAccount({
    endpoints: bitgetEndpoints("live", { restUrl: bindings.REST_URL }),
    credentials,
    ...common,
  });
  if (!opened.ok) throw new Error(`the venue refused the test key: ${opened.refusal.message}`);
  return {
    account: opened.account,
    market: new BitgetRestClient({ baseUrl: bindings.REST_URL, credentials, ...common }),
  };
}

async function venueHolds(): Promise<number> {
  return netPosition(await (await venue()).account.positions(SYMBOL), SYMBOL);
}

/** A market buy at the venue from another client of the account: the position the silent agent cannot close. */
async function venueBuy(size: number): Promise<void> {
  const v = await venue();
  const contract = await v.account.instrument(SYMBOL);
  if (!contract) throw new Error(`no contract ${SYMBOL}`);
  const referencePrice = (await v.market.getTicker(SYMBOL)).lastPrice;
  const order = { symbol: SYMBOL, side: "buy", size, reduceOnly: false, clientOid: "manual-wd-1", orderType: "market" };
  const checked = validateOrder(contract, { ...order, marginMode: "crossed" } as Parameters<typeof validateOrder>[1], {
    referencePrice,
  });
  if (!checked.ok) throw new Error(checked.detail);
  await v.market.placeOrder(checked.order);
}

/** One run of the watchdog cron, as Cloudflare calls it, with the Worker's Bitget secrets set. */
async function cronRun(at: number): Promise<void> {
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
  const ctx = createExecutionContext();
  await worker.scheduled(
    createScheduledController({ cron: CRONS.watchdog, scheduledTime: at }),
    { ...env, ...secrets },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  log.mockRestore();
  warn.mockRestore();
}

afterAll(async () => {
  await agent().stop();
  await coordinator().setSymbolEnabled(SYMBOL, false);
  await coordinator().putConfig({});
});

describe("the watchdog's auto-flatten", { timeout: 60_000 }, () => {
  it("closes a silent live agent's position at the venue within two cron runs, records it and announces it", async () => {
    const config = { mode: "live", watchdog: { autoFlatten: true }, notifications: { webhook: { enabled: true } } };
    expect((await coordinator().putConfig(config)).ok).toBe(true);
    await coordinator().setSymbolEnabled(SYMBOL, true);
    // The agent trades live with the venue key, but its public feed is pointed where the venue refuses it: silent.
    await runInDurableObject(agent(), (a: SymbolAgent) => {
      const own = a as unknown as { env: Record<string, unknown> };
      own.env = { ...own.env, ...secrets, FEED_URL: `${bindings.REST_URL}/no-public-feed-here` };
    });
    const started = await agent().start(SYMBOL);
    expect(started.running).toBe(true);
    expect(started.feed?.lastFrameAgeMs ?? null).toBeNull();

    await venueBuy(0.01);
    await vi.waitFor(async () => expect(await venueHolds()).toBeCloseTo(0.01, 8), { timeout: 5_000, interval: 100 });

    const t0 = Date.now();
    for (let run = 0; run < 2 && (await venueHolds()) !== 0; run++) await cronRun(t0 + run * 60_000);
    expect(await venueHolds()).toBe(0);

    const status = (await env.NOTIFIER.getByName("notifier").status()) as NotifierStatus;
    expect(status.watchdog.verdicts).toContainEqual(expect.objectContaining({ symbol: SYMBOL, status: "silent" }));
    expect(status.watchdog.flattened[0]).toMatchObject({ symbol: SYMBOL, outcome: "closed" });
    expect(status.watchdog.flattened[0].detail).toContain("sell 0.01 reduce-only sent; nothing left");

    await vi.waitFor(
      async () => {
        const res = await fetch(`${env.TEST_NOTIFY_BASE}/_received`);
        const received = (await res.json()) as {
          received: { channel: string; signatureValid?: boolean; body: { events?: { text: string }[] } }[];
        };
        const hook = received.received.find(
          (r) =>
            r.channel === "webhook" &&
            (r.body.events ?? []).some((e) =>
              e.text.startsWith(`${SYMBOL} watchdog: auto-flatten: closed at the exchange`),
            ),
        );
        expect(hook?.signatureValid).toBe(true);
      },
      { timeout: 20_000, interval: 250 },
    );
  });
});
