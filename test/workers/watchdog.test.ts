import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { CRONS } from "../../workers/cron";
import worker from "../../workers/index";
import { api } from "./helpers";

interface Hook {
  channel: string;
  body: { events?: { kind: string; text: string }[] };
}

async function hooks(): Promise<Hook[]> {
  const res = await fetch(`${env.TEST_NOTIFY_BASE}/_received`);
  return ((await res.json()) as { received: Hook[] }).received.filter((r) => r.channel === "webhook");
}

async function cronRun(at: number): Promise<void> {
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: CRONS.watchdog, scheduledTime: at }), env, ctx);
  await waitOnExecutionContext(ctx);
  log.mockRestore();
}

describe("the cron watchdog", { timeout: 60_000 }, () => {
  it("alerts within two runs when an agent's feed is silent, and shows its verdict", async () => {
    // XRPUSDT: the test venue answers its subscription with an error, so the agent runs but gets no data.
    const patched = await api("/api/config", {
      method: "PATCH",
      body: { notifications: { webhook: { enabled: true } } },
    });
    expect(patched.status).toBe(200);
    await env.COORDINATOR.getByName("portfolio").setSymbolEnabled("XRPUSDT", true);
    await env.SYMBOL_AGENT.getByName("XRPUSDT").start("XRPUSDT");
    const t0 = Date.now();
    await cronRun(t0);
    await cronRun(t0 + 60_000);
    const until = Date.now() + 20_000;
    let alert: { kind: string; text: string } | undefined;
    while (!alert && Date.now() < until) {
      alert = (await hooks())
        .flatMap((h) => h.body.events ?? [])
        .find((e) => e.text.startsWith("XRPUSDT watchdog: silent"));
      if (!alert) await new Promise((r) => setTimeout(r, 200));
    }
    expect(alert).toBeDefined();
    const status = (await (await api("/api/notifications")).json()) as {
      watchdog: { verdicts: { symbol: string; status: string }[] };
    };
    expect(status.watchdog.verdicts).toContainEqual(expect.objectContaining({ symbol: "XRPUSDT", status: "silent" }));
    await env.COORDINATOR.getByName("portfolio").setSymbolEnabled("XRPUSDT", false);
    await env.SYMBOL_AGENT.getByName("XRPUSDT").stop();
  });
});
