/**
 * Loopback HTTP servers standing in for Telegram's Bot API, a Discord webhook and a generic webhook
 * receiver: they record what arrives, check the webhook signature, and can be told to fail (5xx),
 * rate-limit (429) or hang. Used by the notification tests in Node and, through the workers global
 * setup, inside workerd.
 * @module
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request a receiver accepted (2xx). */
export interface Received {
  readonly channel: "telegram" | "discord" | "webhook";
  readonly at: number;
  readonly body: Record<string, unknown>;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Webhook only: the signature header matched HMAC-SHA256 of the raw body. */
  readonly signatureValid?: boolean;
}

/** What the receivers answer next. */
export type ReceiverMode = "ok" | "fail" | "hang" | "ratelimit";

/** The running receivers. */
export interface Receivers {
  /** `GET {base}/_received` lists what arrived; `POST {base}/_mode` with `{mode}` sets the answers. */
  readonly base: string;
  readonly telegramApiUrl: string;
  readonly discordWebhookUrl: string;
  readonly webhookUrl: string;
  readonly received: Received[];
  /** Requests answered with a failure, by channel. */
  readonly refused: Record<string, number>;
  mode: ReceiverMode;
  close(): Promise<void>;
}

/** Token and chat the fake Telegram accepts. */
export const TELEGRAM_TOKEN = "123456:test-token";
export const TELEGRAM_CHAT = "-1001";

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function signatureMatches(secret: string, raw: string, header: string | string[] | undefined): boolean {
  if (typeof header !== "string" || !header.startsWith("sha256=")) return false;
  const want = Buffer.from(`sha256=${createHmac("sha256", secret).update(raw).digest("hex")}`);
  const got = Buffer.from(header);
  return want.length === got.length && timingSafeEqual(want, got);
}

/** Starts the three receivers on one loopback port; the webhook checks signatures with `webhookSecret`. */
export async function startReceivers(webhookSecret: string): Promise<Receivers> {
  const received: Received[] = [];
  const refused: Record<string, number> = {};
  const hanging = new Set<() => void>();
  const server: Server = createServer(async (req, res) => {
    const raw = await readBody(req);
    const path = req.url ?? "";
    // Inspection endpoints, for tests that run elsewhere (workerd) and reach the receivers over HTTP.
    if (path === "/_received") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ received, refused }));
      return;
    }
    if (path === "/_mode") {
      state.mode = (JSON.parse(raw) as { mode: ReceiverMode }).mode;
      res.writeHead(204).end();
      return;
    }
    const channel = path.startsWith("/bot") ? "telegram" : path.startsWith("/discord/") ? "discord" : "webhook";
    const mode = state.mode;
    if (mode === "hang") {
      hanging.add(() => res.destroy());
      return;
    }
    if (mode !== "ok") {
      refused[channel] = (refused[channel] ?? 0) + 1;
      if (mode === "ratelimit") {
        res.writeHead(429, { "content-type": "application/json", "retry-after": "1" });
        res.end(JSON.stringify({ retry_after: 1, parameters: { retry_after: 1 } }));
        return;
      }
      res.writeHead(503).end("unavailable");
      return;
    }
    if (channel === "telegram" && path !== `/bot${TELEGRAM_TOKEN}/sendMessage`) {
      res.writeHead(401, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: false, error_code: 401, description: "Unauthorized" }));
      return;
    }
    const body = JSON.parse(raw) as Record<string, unknown>;
    const signatureValid =
      channel === "webhook" ? signatureMatches(webhookSecret, raw, req.headers["x-edge-scalper-signature"]) : undefined;
    if (channel === "webhook" && !signatureValid) {
      refused.webhook = (refused.webhook ?? 0) + 1;
      res.writeHead(401).end("bad signature");
      return;
    }
    received.push({
      channel,
      at: Date.now(),
      body,
      headers: req.headers,
      ...(signatureValid === undefined ? {} : { signatureValid }),
    });
    res.writeHead(channel === "discord" ? 204 : 200, { "content-type": "application/json" });
    res.end(channel === "discord" ? undefined : JSON.stringify({ ok: true }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const state: Receivers = {
    base,
    telegramApiUrl: base,
    discordWebhookUrl: `${base}/discord/1/secret-token`,
    webhookUrl: `${base}/hook`,
    received,
    refused,
    mode: "ok",
    close: () =>
      new Promise<void>((resolve) => {
        for (const end of hanging) end();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return state;
}
