import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../shared/config/config";
import { problem } from "../../shared/notify/notify-event";
import { api } from "./helpers";

interface ReceivedView {
  received: { channel: string; body: Record<string, unknown>; signatureValid?: boolean }[];
}

async function received(): Promise<ReceivedView["received"]> {
  const res = await fetch(`${env.TEST_NOTIFY_BASE}/_received`);
  return ((await res.json()) as ReceivedView).received;
}

/** Polls the receivers until `match` finds what it wants (the Notifier's alarm delivers after ~2 s). */
async function waitFor<T>(match: (r: ReceivedView["received"]) => T | undefined, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const hit = match(await received());
    if (hit !== undefined) return hit;
    if (Date.now() > until) throw new Error("nothing matching arrived in time");
    await new Promise((r) => setTimeout(r, 200));
  }
}

const texts = (r: ReceivedView["received"], channel: string) =>
  r.filter((x) => x.channel === channel).map((x) => String(x.body.text ?? x.body.content ?? ""));

describe("the Notifier", { timeout: 30_000 }, () => {
  it("sends a test message to every configured channel and lists the delivery without any secret", async () => {
    const res = await api("/api/notifications/test", { method: "POST" });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ channels: ["telegram", "discord", "webhook"] });
    await waitFor((r) => (texts(r, "telegram").some((t) => t.includes("test message")) ? true : undefined));
    await waitFor((r) => (texts(r, "discord").some((t) => t.includes("test message")) ? true : undefined));
    const hook = await waitFor((r) => r.find((x) => x.channel === "webhook"));
    expect(hook.signatureValid).toBe(true);
    // The receivers are shared with other test files: poll the Notifier's own log for this delivery.
    type Body = { channels: Record<string, { configured: boolean }>; recent: { status: string; kinds: string[] }[] };
    let raw = "";
    let body: Body | null = null;
    for (const until = Date.now() + 20_000; Date.now() < until; await new Promise((r) => setTimeout(r, 200))) {
      raw = await (await api("/api/notifications")).text();
      body = JSON.parse(raw) as Body;
      if (body.recent.some((d) => d.status === "sent" && d.kinds.includes("test"))) break;
    }
    for (const secret of [env.TELEGRAM_BOT_TOKEN, env.WEBHOOK_SECRET, env.DISCORD_WEBHOOK_URL, env.WEBHOOK_URL]) {
      expect(raw).not.toContain(secret);
    }
    expect(body?.channels.telegram.configured).toBe(true);
    expect(body?.recent.some((d) => d.status === "sent" && d.kinds.includes("test"))).toBe(true);
  });

  it("sends nothing for a channel that is configured but not enabled", async () => {
    const n = env.NOTIFIER.getByName("notifier");
    const marker = `not-enabled-${crypto.randomUUID()}`;
    const r = await n.notify([problem({ kind: "agent_error", message: marker, ts: Date.now(), occurrence: marker })]);
    expect(r).toEqual({ queued: 0, duplicates: 0 });
  });

  it("sends a signed webhook message after an operator halt once the webhook is enabled", async () => {
    const patched = await api("/api/config", {
      method: "PATCH",
      body: { notifications: { webhook: { enabled: true } } },
    });
    expect(patched.status).toBe(200);
    const halted = await api("/api/control/halt", { method: "POST", body: { reason: "notify-e2e" } });
    expect(halted.status).toBe(200);
    const hook = await waitFor((r) =>
      r.find(
        (x) =>
          x.channel === "webhook" &&
          (x.body.events as { kind: string; text: string }[]).some((e) => e.text.includes("notify-e2e")),
      ),
    );
    expect(hook.signatureValid).toBe(true);
    await api("/api/control/resume", { method: "POST" });
  });

  it("still tells every configured channel when the Coordinator's stored config no longer loads, and counts why", async () => {
    // A stub does not survive abortAllDurableObjects: a fresh one each time.
    const store = async (config: unknown) => {
      await runInDurableObject(env.COORDINATOR.getByName("portfolio"), (_: object, state: DurableObjectState) =>
        state.storage.kv.put("config", { config, version: "v-stored" }),
      );
      await abortAllDurableObjects();
    };
    const portfolio = async () =>
      (await (await api("/api/portfolio")).json()) as { backgroundErrors: { count: number; last: string | null } };
    const before = (await portfolio()).backgroundErrors.count;
    // A config an older release could have stored: accepted then, refused by today's cross-field rule.
    const defaults = defaultConfig();
    await store({
      ...defaults,
      portfolio: { ...defaults.portfolio, correlationWindowMs: 5000, correlationReturnMs: 5000 },
    });
    try {
      const marker = `coordinator-broken-${crypto.randomUUID()}`;
      const r = await env.NOTIFIER.getByName("notifier").notify([
        problem({ kind: "agent_error", message: marker, ts: Date.now(), occurrence: marker }),
      ]);
      expect(r.queued).toBe(3);
      await waitFor((x) => (texts(x, "telegram").some((t) => t.includes(marker)) ? true : undefined));
      const counted = (await portfolio()).backgroundErrors;
      expect(counted.count).toBeGreaterThan(before);
      expect(counted.last).toContain("notifier routing");
    } finally {
      await store(defaultConfig());
    }
  });
});
