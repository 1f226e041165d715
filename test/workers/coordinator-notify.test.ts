import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it, vi } from "vitest";
import type { EntryRequest } from "../../shared/risk/portfolio-types";

/** This file's own event time (the receivers are shared with other test files; keys carry the time). */
const T0 = Date.UTC(2031, 5, 7, 12);
const coordinator = () => env.COORDINATOR.getByName("portfolio");

interface Hook {
  channel: string;
  signatureValid?: boolean;
  body: { events?: { kind: string; ts: number; symbol?: string; text: string; data: Record<string, unknown> }[] };
}

/** Trading-state events the webhook received at this file's times. */
async function stateEvents() {
  const res = await fetch(`${env.TEST_NOTIFY_BASE}/_received`);
  const hooks = ((await res.json()) as { received: Hook[] }).received.filter((r) => r.channel === "webhook");
  return hooks.flatMap((h) =>
    (h.body.events ?? [])
      .filter((e) => e.kind === "trading_state" && e.ts >= T0 && e.ts < T0 + 86_400_000)
      .map((e) => ({ ...e, signatureValid: h.signatureValid })),
  );
}

async function open(symbol: string, price: number, size: number, ts: number): Promise<void> {
  const req: EntryRequest = { symbol, side: "long", notional: price * size, ts };
  const d = await coordinator().requestEntry(req);
  if (!d.ok) throw new Error(`refused: ${d.reason} ${d.detail}`);
  expect((await coordinator().confirmOpen(d.reservationId, { entryPrice: price, size, side: "long", ts })).ok).toBe(
    true,
  );
}

afterAll(async () => {
  await coordinator().putConfig({});
});

describe("trading state changes the Coordinator decides", () => {
  it("reach the webhook, signed: a cooldown after stop-losses, and the daily loss limit", async () => {
    const patch = {
      notifications: { webhook: { enabled: true } },
      portfolio: { cooldownAfterStopLosses: 1, cooldownMs: 60_000, maxBtcCorrelated: 100 },
    };
    expect((await coordinator().patchConfig(patch)).ok).toBe(true);

    await open("CDTESTUSDT", 10, 1, T0);
    const closed = await coordinator().reportClose("CDTESTUSDT", {
      netPnl: -1,
      exitReason: "stop_loss",
      ts: T0 + 1000,
    });
    expect(closed).toMatchObject({ ok: true, cooldownUntil: T0 + 61_000 });

    await open("DLTESTUSDT", 100, 10, T0 + 2000);
    // The price report answers at once (the Notifier is told after the call, never awaited by it).
    expect(await coordinator().reportPrices("DLTESTUSDT", [{ ts: T0 + 3000, price: 80 }])).toMatchObject({
      tradingState: "HALTED",
    });

    await vi.waitFor(
      async () => {
        const events = await stateEvents();
        expect(events.find((e) => e.data.state === "cooldown" && e.symbol === "CDTESTUSDT")).toBeDefined();
        expect(events.find((e) => e.data.state === "halted")?.text).toContain("daily loss limit");
      },
      { timeout: 30_000, interval: 250 },
    );
    const events = await stateEvents();
    expect(events.every((e) => e.signatureValid)).toBe(true);
    expect(events.filter((e) => e.data.state === "halted")).toHaveLength(1);
  });
});
