/**
 * The HTTP request each channel's API expects for a batch, and how its answer reads. The shell does
 * the fetch (with a timeout); nothing here touches the network.
 *
 * - Telegram Bot API: `POST {api}/bot{token}/sendMessage` with `chat_id` and `text`; 429 answers carry
 *   `parameters.retry_after` (seconds).
 * - Discord webhook: `POST {url}` with `content` and no mentions; 429 answers carry `retry_after`
 *   (seconds) and a `Retry-After` header.
 * - Generic webhook: `POST {url}` with the events as JSON, signed with HMAC-SHA256 over the raw body in
 *   `X-Edge-Scalper-Signature: sha256=<hex>` (the GitHub convention), the batch id in
 *   `X-Edge-Scalper-Delivery` (the same on every retry of a batch; each event also has its own `key`).
 * @module
 */
import type { DeliveryOutcome, OutboxBatch } from "./notify-outbox";
import { chatText, fitText, MESSAGE_CHARS } from "./render";

/** Secrets and addresses of the channels (Worker secrets; never in the config, never logged). */
export interface ChannelSecrets {
  readonly telegramBotToken?: string;
  readonly telegramChatId?: string;
  /** Default https://api.telegram.org; tests point it at a loopback server. */
  readonly telegramApiUrl?: string;
  readonly discordWebhookUrl?: string;
  readonly webhookUrl?: string;
  readonly webhookSecret?: string;
}

/** A request ready for `fetch`. `redacted` is the URL safe to log (no token in it). */
export interface ChannelRequest {
  readonly url: string;
  readonly redacted: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Which channels have the secrets they need. */
export function configuredChannels(s: ChannelSecrets): { telegram: boolean; discord: boolean; webhook: boolean } {
  return {
    telegram: Boolean(s.telegramBotToken && s.telegramChatId),
    discord: Boolean(s.discordWebhookUrl),
    webhook: Boolean(s.webhookUrl && s.webhookSecret),
  };
}

const encoder = new TextEncoder();

/** `sha256=<hex>` of HMAC-SHA256(secret, body). */
export async function webhookSignature(secret: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(body)));
  let hex = "";
  for (const b of mac) hex += b.toString(16).padStart(2, "0");
  return `sha256=${hex}`;
}

/** The request for `batch`, or a refusal naming the missing secret. */
export async function channelRequest(
  batch: OutboxBatch,
  s: ChannelSecrets,
): Promise<{ ok: true; request: ChannelRequest } | { ok: false; reason: string }> {
  const json = { "content-type": "application/json" };
  if (batch.channel === "telegram") {
    if (!s.telegramBotToken || !s.telegramChatId)
      return { ok: false, reason: "TELEGRAM_BOT_TOKEN/TELEGRAM_CHAT_ID not set" };
    const base = (s.telegramApiUrl ?? "https://api.telegram.org").replace(/\/+$/, "");
    const text = fitText(chatText(batch.events), MESSAGE_CHARS.telegram);
    return {
      ok: true,
      request: {
        url: `${base}/bot${s.telegramBotToken}/sendMessage`,
        redacted: `${base}/bot***/sendMessage`,
        headers: json,
        body: JSON.stringify({ chat_id: s.telegramChatId, text, disable_web_page_preview: true }),
      },
    };
  }
  if (batch.channel === "discord") {
    if (!s.discordWebhookUrl) return { ok: false, reason: "DISCORD_WEBHOOK_URL not set" };
    const text = fitText(chatText(batch.events), MESSAGE_CHARS.discord);
    return {
      ok: true,
      request: {
        url: s.discordWebhookUrl,
        redacted: redactUrl(s.discordWebhookUrl),
        headers: json,
        body: JSON.stringify({ content: text, allowed_mentions: { parse: [] } }),
      },
    };
  }
  if (!s.webhookUrl || !s.webhookSecret) return { ok: false, reason: "WEBHOOK_URL/WEBHOOK_SECRET not set" };
  const body = JSON.stringify({
    source: "edge-scalper",
    delivery: batch.id,
    attempt: batch.attempt,
    events: batch.events,
  });
  return {
    ok: true,
    request: {
      url: s.webhookUrl,
      redacted: redactUrl(s.webhookUrl),
      headers: {
        ...json,
        "x-edge-scalper-delivery": batch.id,
        "x-edge-scalper-signature": await webhookSignature(s.webhookSecret, body),
      },
      body,
    },
  };
}

/** Origin and path only: webhook URLs carry their token in the path or query, so only the origin is logged. */
export function redactUrl(url: string): string {
  try {
    return `${new URL(url).origin}/***`;
  } catch {
    return "(invalid url)";
  }
}

/**
 * Reads a channel's answer: 2xx delivered; 429 retry after the channel's own hint; 408 and 5xx retry;
 * any other 4xx is permanent (a wrong token, chat or URL: retrying cannot help).
 */
export function readAnswer(status: number, retryAfterHeader: string | null, body: string): DeliveryOutcome {
  if (status >= 200 && status < 300) return { ok: true };
  const detail = `HTTP ${status}${body ? `: ${body.slice(0, 200)}` : ""}`;
  if (status === 429)
    return { ok: false, permanent: false, retryAfterMs: retryAfterMs(retryAfterHeader, body), detail };
  if (status === 408 || status >= 500) return { ok: false, permanent: false, detail };
  return { ok: false, permanent: true, detail };
}

function retryAfterMs(header: string | null, body: string): number | undefined {
  const fromHeader = header === null ? Number.NaN : Number(header);
  if (Number.isFinite(fromHeader) && fromHeader >= 0) return fromHeader * 1000;
  try {
    const j = JSON.parse(body) as { retry_after?: unknown; parameters?: { retry_after?: unknown } };
    const s = typeof j.retry_after === "number" ? j.retry_after : j.parameters?.retry_after;
    return typeof s === "number" && s >= 0 ? s * 1000 : undefined;
  } catch {
    return undefined;
  }
}
