/**
 * Global setup of the `workers` project (runs in Node, once): starts the local Bitget venue with a
 * seeded synthetic market for BTCUSDT and ETHUSDT played in real time, and hands its public
 * WebSocket URL to workerd as the `FEED_URL` binding (`inject("feedUrl")` in vitest.config.ts), its
 * REST and private WebSocket URLs as `REST_URL` and `PRIVATE_FEED_URL` (used only by live agents,
 * which need the secrets; `PRIVATE_FEED_URL_V3` is the UTA one), and its two keys as
 * `TEST_VENUE_CREDENTIALS` (a Classic key, the documented demo key) and `TEST_VENUE_UTA_CREDENTIALS`
 * (a UTA key) (JSON).
 * The venue also lists {@link LISTED_SYMBOLS} without a market of their own: an agent of one passes the
 * contracts check, connects and receives no market data (tests feed it by hand). Any other symbol is
 * unknown to it (contracts 40102, public feed 30001): its agent is reported `unknown_symbol`.
 * @module
 */
import type { TestProject } from "vitest/node";
import { DEFAULT_CREDENTIALS, startVenue } from "../../cli/venue/server";
import { startReceivers, TELEGRAM_CHAT, TELEGRAM_TOKEN } from "../integration/notify-receivers";

/** The webhook secret of the workers tests' receiver. */
const WEBHOOK_TEST_SECRET = "workers-test-webhook-secret-0123456789";

/** The venue's second key, a unified trading account's (speaks v3 only). */
const UTA_CREDENTIALS = {
  apiKey: "workers-test-uta-key",
  apiSecret: "workers-test-uta-secret",
  passphrase: "uta-pass",
};

/** The venue's third key, a Classic one of its own account: the kill-switch test's positions never meet another test's. */
const KILL_SWITCH_CREDENTIALS = {
  apiKey: "workers-test-kill-switch-key",
  apiSecret: "workers-test-kill-switch-secret",
  passphrase: "ks-pass",
};

/** The venue's fourth key, a Classic one of its own account: the watchdog auto-flatten test's positions never meet another test's. */
const WATCHDOG_CREDENTIALS = {
  apiKey: "workers-test-watchdog-key",
  apiSecret: "workers-test-watchdog-secret",
  passphrase: "wd-pass",
};

/** The venue's fifth key, a Classic one of its own account: live-defects.test.ts's positions never meet another test's. */
const EVIDENCE_CREDENTIALS = {
  apiKey: "workers-test-evidence-key",
  apiSecret: "workers-test-evidence-secret",
  passphrase: "ev-pass",
};

/** The venue's sixth key, a UTA one of its own account: symbol-agent-demo.test.ts trades it in demo mode. */
const DEMO_CREDENTIALS = {
  apiKey: "workers-test-demo-key",
  apiSecret: "workers-test-demo-secret",
  passphrase: "demo-pass",
};

/** Symbols the venue streams during the workers tests. */
export const FEED_SYMBOLS = ["BTCUSDT", "ETHUSDT"] as const;

/** Symbols the venue lists with no market of their own: every other symbol a workers test starts an agent of. */
export const LISTED_SYMBOLS = ["SOLUSDT", "XRPUSDT", "DOGEUSDT", "BNBUSDT", "LINKUSDT", "LTCUSDT", "ADAUSDT"] as const;

/** Starts the venue; returns its teardown. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const venue = await startVenue({
    port: 0,
    synthetic: { symbols: FEED_SYMBOLS, seed: 1 },
    listed: LISTED_SYMBOLS,
    speed: 1,
    log: () => {},
    keys: [
      { credentials: DEFAULT_CREDENTIALS, accountMode: "classic" },
      { credentials: UTA_CREDENTIALS, accountMode: "uta" },
      { credentials: KILL_SWITCH_CREDENTIALS, accountMode: "classic" },
      { credentials: WATCHDOG_CREDENTIALS, accountMode: "classic" },
      { credentials: EVIDENCE_CREDENTIALS, accountMode: "classic" },
      { credentials: DEMO_CREDENTIALS, accountMode: "uta" },
    ],
  });
  project.provide("feedUrl", venue.urls.wsPublic);
  project.provide("venueRestUrl", venue.urls.rest);
  project.provide("venuePrivateUrl", venue.urls.wsPrivate);
  project.provide("venuePrivateUrlV3", venue.urls.wsPrivateV3);
  project.provide("venueCredentials", JSON.stringify(DEFAULT_CREDENTIALS));
  project.provide("venueUtaCredentials", JSON.stringify(UTA_CREDENTIALS));
  project.provide("venueKillSwitchCredentials", JSON.stringify(KILL_SWITCH_CREDENTIALS));
  project.provide("venueWatchdogCredentials", JSON.stringify(WATCHDOG_CREDENTIALS));
  project.provide("venueEvidenceCredentials", JSON.stringify(EVIDENCE_CREDENTIALS));
  project.provide("venueDemoCredentials", JSON.stringify(DEMO_CREDENTIALS));
  const receivers = await startReceivers(WEBHOOK_TEST_SECRET);
  project.provide(
    "notify",
    JSON.stringify({
      base: receivers.base,
      TELEGRAM_API_URL: receivers.telegramApiUrl,
      TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
      TELEGRAM_CHAT_ID: TELEGRAM_CHAT,
      DISCORD_WEBHOOK_URL: receivers.discordWebhookUrl,
      WEBHOOK_URL: receivers.webhookUrl,
      WEBHOOK_SECRET: WEBHOOK_TEST_SECRET,
    }),
  );
  return async () => {
    await receivers.close();
    await venue.close();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    feedUrl: string;
    venueRestUrl: string;
    venuePrivateUrl: string;
    venuePrivateUrlV3: string;
    venueCredentials: string;
    venueUtaCredentials: string;
    venueKillSwitchCredentials: string;
    venueWatchdogCredentials: string;
    venueEvidenceCredentials: string;
    venueDemoCredentials: string;
    /** JSON: the notification receivers' base URL and the channel secrets pointing at them. */
    notify: string;
  }
}
