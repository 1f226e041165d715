import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChannelSecrets } from "../../shared/notify/channel-request";
import { deliverDue } from "../../shared/notify/deliver";
import { type NotifyEvent, positionClosed } from "../../shared/notify/notify-event";
import { NotifyOutbox } from "../../shared/notify/notify-outbox";
import { type ClosedTrade, zeroSubScores } from "../../shared/strategy/types";
import { type Receivers, startReceivers, TELEGRAM_CHAT, TELEGRAM_TOKEN } from "./notify-receivers";

const SECRET = "whsec-test-0123456789abcdef";
let rx: Receivers;
let secrets: ChannelSecrets;

beforeEach(async () => {
  rx = await startReceivers(SECRET);
  secrets = {
    telegramBotToken: TELEGRAM_TOKEN,
    telegramChatId: TELEGRAM_CHAT,
    telegramApiUrl: rx.telegramApiUrl,
    discordWebhookUrl: rx.discordWebhookUrl,
    webhookUrl: rx.webhookUrl,
    webhookSecret: SECRET,
  };
});
afterEach(() => rx.close());

const trade: ClosedTrade = {
  id: "BTCUSDT-1",
  symbol: "BTCUSDT",
  side: "long",
  entryTime: 1_000,
  exitTime: 61_000,
  entryPrice: 60_000,
  exitPrice: 60_120,
  size: 0.01,
  entryScore: 84,
  subScores: zeroSubScores(),
  exitReason: "take_profit",
  holdSeconds: 60,
  grossPnl: 1.2,
  fees: 0.48,
  slippage: 0,
  netPnl: 0.72,
  configVersion: "v1",
};

const numbered = (i: number, ts: number): NotifyEvent => ({
  key: `burst-${i}`,
  kind: "agent_error",
  severity: "warning",
  ts,
  text: `burst event #${i};`,
  data: { i },
});

/**
 * Runs delivery rounds on a virtual clock from `from` to `to` every `step` ms. The request timeout is
 * real time and generous: a loopback answer can take over a second on a loaded CI machine, and a
 * timeout here would only move the message past the virtual window (the hanging-endpoint test below
 * covers timeouts).
 */
async function rounds(outbox: NotifyOutbox, from: number, to: number, step: number, each?: (t: number) => void) {
  for (let t = from; t <= to; t += step) {
    each?.(t);
    await deliverDue(outbox, { fetch, now: () => t, secrets, timeoutMs: 10_000 });
  }
}

describe("notification delivery over loopback", () => {
  it("delivers a closed trade to Telegram, Discord and a signed webhook with its content", async () => {
    const outbox = new NotifyOutbox();
    outbox.enqueue(positionClosed(trade, "paper"), ["telegram", "discord", "webhook"], 0);
    await rounds(outbox, 0, 3_000, 500);
    const by = (c: string) => rx.received.filter((r) => r.channel === c);
    expect(by("telegram")).toHaveLength(1);
    expect(by("telegram")[0].body).toMatchObject({ chat_id: TELEGRAM_CHAT });
    expect(String(by("telegram")[0].body.text)).toContain("BTCUSDT closed long 0.01 60000 → 60120: net +0.7200 USDT");
    expect(String(by("discord")[0].body.content)).toContain("take_profit, held 60 s");
    const hook = by("webhook")[0];
    expect(hook.signatureValid).toBe(true);
    expect(hook.body.events).toEqual([
      expect.objectContaining({ key: "closed:BTCUSDT:BTCUSDT-1", kind: "position_closed" }),
    ]);
    expect((hook.body.events as NotifyEvent[])[0].data).toMatchObject({
      netPnl: 0.72,
      fees: 0.48,
      exitReason: "take_profit",
    });
  });

  it("gets every message through exactly once to a receiver that fails for a minute and recovers", async () => {
    const outbox = new NotifyOutbox();
    rx.mode = "fail";
    const keys: string[] = [];
    await rounds(outbox, 0, 240_000, 500, (t) => {
      if (t % 6_000 === 0 && t <= 60_000) {
        const e = numbered(t / 6_000, t);
        keys.push(e.key);
        outbox.enqueue(e, ["webhook"], t);
      }
      rx.mode = t < 60_000 ? "fail" : "ok";
    });
    expect(rx.refused.webhook).toBeGreaterThan(0);
    const got = rx.received.flatMap((r) => (r.body.events as NotifyEvent[]).map((e) => e.key));
    expect([...got].sort()).toEqual([...keys].sort());
    expect(new Set(got).size).toBe(got.length);
    expect(outbox.stats()).toMatchObject({ pending: 0, expired: 0, failed: 0 });
  });

  it("coalesces 100 events in 10 s into a few Telegram messages within its rate limit", async () => {
    const outbox = new NotifyOutbox();
    await rounds(outbox, 0, 30_000, 100, (t) => {
      if (t < 10_000 && t % 100 === 0) outbox.enqueue(numbered(t / 100, t), ["telegram"], t);
    });
    const msgs = rx.received.filter((r) => r.channel === "telegram");
    expect(msgs.length).toBeGreaterThan(1);
    expect(msgs.length).toBeLessThanOrEqual(8);
    const text = msgs.map((m) => String(m.body.text)).join("\n");
    for (let i = 0; i < 100; i++) expect(text.split(`burst event #${i};`).length - 1).toBe(1);
  });

  it("never delivers to a webhook with the wrong secret and says why", async () => {
    const outbox = new NotifyOutbox();
    outbox.enqueue(positionClosed(trade, "paper"), ["webhook"], 0);
    await deliverDue(outbox, { fetch, now: () => 5_000, secrets: { ...secrets, webhookSecret: "wrong" } });
    expect(rx.received).toHaveLength(0);
    expect(outbox.recent()[0]).toMatchObject({ status: "failed", detail: "HTTP 401: bad signature" });
  });

  it("bounds a hanging endpoint by the timeout and retries the batch later", async () => {
    const outbox = new NotifyOutbox();
    outbox.enqueue(positionClosed(trade, "paper"), ["discord"], 0);
    rx.mode = "hang";
    const started = performance.now();
    const [attempt] = await deliverDue(outbox, { fetch, now: () => 5_000, secrets, timeoutMs: 300 });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(attempt.outcome).toMatchObject({ ok: false, permanent: false });
    rx.mode = "ok";
    await rounds(outbox, 6_000, 10_000, 500);
    expect(rx.received.filter((r) => r.channel === "discord")).toHaveLength(1);
  });

  it("keeps the bot token out of what it reports", async () => {
    const outbox = new NotifyOutbox();
    outbox.enqueue(positionClosed(trade, "paper"), ["telegram"], 0);
    const [attempt] = await deliverDue(outbox, { fetch, now: () => 5_000, secrets });
    expect(JSON.stringify(attempt)).not.toContain(TELEGRAM_TOKEN);
  });
});
