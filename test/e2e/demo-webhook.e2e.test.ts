/**
 * `npm run demo` with WEBHOOK_URL and WEBHOOK_SECRET in `.dev.vars` (here passed to the demo harness's
 * stack as the same bindings, so the user's own `.dev.vars` is never touched): the demo switches the
 * webhook channel on, and `POST /api/control/halt` reaches a loopback receiver signed within a minute.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Receivers, startReceivers } from "../integration/notify-receivers";
import { type E2eStack, startE2eStack } from "./demo-harness";

const SECRET = "demo-e2e-webhook-secret-0123456789";
let receivers: Receivers;
let stack: E2eStack;

beforeAll(async () => {
  receivers = await startReceivers(SECRET);
  stack = await startE2eStack({ WEBHOOK_URL: receivers.webhookUrl, WEBHOOK_SECRET: SECRET });
}, 180_000);

afterAll(async () => {
  await stack?.close();
  await receivers?.close();
});

describe("the demo with a webhook in .dev.vars", () => {
  it("sends the webhook a signed message within a minute of POST /api/control/halt", async () => {
    const halted = await stack.api("POST", "/api/control/halt", { reason: "demo-webhook-e2e" });
    expect(halted.status).toBe(200);
    const t0 = Date.now();
    let hit: (typeof receivers.received)[number] | undefined;
    while (!hit && Date.now() - t0 < 60_000) {
      hit = receivers.received.find(
        (r) =>
          r.channel === "webhook" &&
          ((r.body.events ?? []) as { text: string }[]).some((e) => e.text.includes("demo-webhook-e2e")),
      );
      if (!hit) await new Promise((r) => setTimeout(r, 250));
    }
    expect(hit?.signatureValid).toBe(true);
    expect(hit?.at ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(t0 + 60_000);
  }, 90_000);
});
