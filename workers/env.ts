/**
 * Bindings of the Worker and its Durable Objects, declared once on the global `Cloudflare.Env`
 * so that `env` from `cloudflare:workers` (and from `cloudflare:test`) is typed everywhere.
 * Secrets: `API_TOKEN` (`wrangler secret put API_TOKEN`, or `.dev.vars` locally).
 * @module
 */
import type { Coordinator } from "../durable-objects/coordinator";
import type { Notifier } from "../durable-objects/notifier";
import type { SymbolAgent } from "../durable-objects/symbol-agent";

declare global {
  namespace Cloudflare {
    interface Env {
      /** D1 trade ledger (schema in shared/db/schema.ts). */
      DB: D1Database;
      /** One SymbolAgent per symbol, addressed by `getByName(symbol)`. */
      SYMBOL_AGENT: DurableObjectNamespace<SymbolAgent>;
      /** The portfolio coordinator, one per account. */
      COORDINATOR: DurableObjectNamespace<Coordinator>;
      /** Public market-data WebSocket URL (Bitget V2 public, or the local simulator). */
      FEED_URL: string;
      /** Wire dialect of `FEED_URL` (a var): `v2` (default) or `v3` (e.g. wss://ws.bitget.com/v3/ws/public). */
      FEED_DIALECT?: string;
      /** `paper` (default) or `live`: the deployment's half of the live gate (shared/runner/mode-gate.ts); live trading also needs `mode: "live"` in the config and the keys. */
      MODE: string;
      /** Bearer token of `/api/*` (a secret). Unset: every `/api` route answers 503 `not_configured`. */
      API_TOKEN?: string;
      /** Starting equity in USDT (a var, default 1000): seeds the Coordinator on its first start and the stats equity curve. */
      START_EQUITY?: string;
      /** Bitget API credentials (secrets; live mode only, never logged or returned). */
      BITGET_API_KEY?: string;
      BITGET_API_SECRET?: string;
      BITGET_PASSPHRASE?: string;
      /** Bitget REST base URL of live and demo mode, both account systems (a var; default https://api.bitget.com). */
      REST_URL?: string;
      /** Classic V2 private WebSocket URL (a var; default wss://ws.bitget.com/v2/ws/private, demo wss://wspap.bitget.com/v2/ws/private). */
      PRIVATE_FEED_URL?: string;
      /** UTA v3 private WebSocket URL (a var; default wss://ws.bitget.com/v3/ws/private, demo wss://wspap.bitget.com/v3/ws/private). */
      PRIVATE_FEED_URL_V3?: string;
      /** The notification outbox, one per account. */
      NOTIFIER: DurableObjectNamespace<Notifier>;
      /** Notification channels (secrets; see README "Notifications"). */
      TELEGRAM_BOT_TOKEN?: string;
      TELEGRAM_CHAT_ID?: string;
      /** Telegram Bot API base (a var; default https://api.telegram.org; tests point it at loopback). */
      TELEGRAM_API_URL?: string;
      DISCORD_WEBHOOK_URL?: string;
      WEBHOOK_URL?: string;
      WEBHOOK_SECRET?: string;
    }
  }
}

/** The Worker's bindings. */
export type Env = Cloudflare.Env;

/** Hono environment of the app and its route groups: the Worker's bindings. */
export interface AppEnv {
  Bindings: Env;
}
