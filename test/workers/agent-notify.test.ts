import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import type { SymbolAgent } from "../../durable-objects/symbol-agent";
import { handTrade, ingestByHand, PERMISSIVE, warmup } from "./helpers";

/** Not streamed by the test venue (it answers 30001): the agent sees only the trades fed here. */
const SYMBOL = "LINKUSDT";
/** PERMISSIVE, so that a warmed-up engine enters at once; the webhook channel on. */
const CONFIG = { ...PERMISSIVE, notifications: { webhook: { enabled: true } } };

const agent = () => env.SYMBOL_AGENT.getByName(SYMBOL);
const coordinator = () => env.COORDINATOR.getByName("portfolio");
const trade = (ts: number, price: number) => handTrade(SYMBOL, ts, price);

interface Hook {
  channel: string;
  signatureValid?: boolean;
  body: { events?: { kind: string; symbol?: string; text: string; data: Record<string, unknown> }[] };
}

async function webhooks(): Promise<Hook[]> {
  const res = await fetch(`${env.TEST_NOTIFY_BASE}/_received`);
  return ((await res.json()) as { received: Hook[] }).received.filter((r) => r.channel === "webhook");
}

describe("the agent's notices", { timeout: 60_000 }, () => {
  it("sends the webhook a signed message when a paper position opens and when it closes", async () => {
    expect((await coordinator().putConfig(CONFIG)).ok).toBe(true);
    const st = await agent().start(SYMBOL);
    expect(st.running).toBe(true);

    const entered = await ingestByHand(agent(), warmup(SYMBOL), { untilNotFlat: true });
    expect(entered.phase).toBe("entering");
    await vi.waitFor(
      async () =>
        expect(await runInDurableObject(agent(), (a: SymbolAgent) => a["agent"].runtime?.runner.pendingDecisions)).toBe(
          0,
        ),
      { timeout: 5_000, interval: 50 },
    );
    const opened = await ingestByHand(agent(), [trade(entered.lastTs + 300, 100.1)]);
    expect(opened.phase).toBe("open");
    const position = (await agent().status()).position;
    if (!position) throw new Error("no position");
    const through = position.side === "long" ? position.stopLoss * 0.999 : position.stopLoss * 1.001;
    const closed = await ingestByHand(agent(), [
      trade(opened.lastTs + 300, through),
      trade(opened.lastTs + 600, through),
    ]);
    expect(closed.phase).not.toBe("open");

    const mine = (hooks: Hook[]) =>
      hooks.flatMap((h) => (h.body.events ?? []).filter((e) => e.symbol === SYMBOL).map((e) => ({ e, h })));
    let found: ReturnType<typeof mine> = [];
    await vi.waitFor(
      async () => {
        found = mine(await webhooks());
        // (with gates this open the engine may enter again on the last trade: a second "opened" is fine)
        expect(new Set(found.map((f) => f.e.kind))).toEqual(new Set(["position_closed", "position_opened"]));
      },
      { timeout: 30_000, interval: 250 },
    );
    for (const f of found) expect(f.h.signatureValid).toBe(true);
    const openedEvent = found.find((f) => f.e.kind === "position_opened" && f.e.data.price === position.entryPrice)?.e;
    const closedEvent = found.find((f) => f.e.kind === "position_closed")?.e;
    expect(openedEvent?.text).toContain(
      `paper ${SYMBOL} opened ${position.side} ${position.size} @ ${position.entryPrice}`,
    );
    expect(closedEvent?.data).toMatchObject({ side: position.side, size: position.size, exitReason: "stop_loss" });
    expect(closedEvent?.text).toMatch(/net [+-]\d+\.\d{4} USDT \(fees \d+\.\d{4}\), stop_loss, held \d+ s/);

    // Nothing failed on the agent's side: no background error counted (a failed notify would be).
    expect((await agent().status()).backgroundErrors.count).toBe(0);
    // The agent counts what it costs (agent-usage.ts): the Coordinator asked, the Notifier told, D1 rows written.
    await runDurableObjectAlarm(agent());
    await vi.waitFor(async () => expect((await agent().status()).usage?.d1TradesWritten).toBeGreaterThanOrEqual(1), {
      timeout: 10_000,
      interval: 250,
    });
    const usage = (await agent().status()).usage;
    expect(usage?.alarms).toBeGreaterThanOrEqual(1);
    expect(usage?.coordinatorCalls).toBeGreaterThanOrEqual(2);
    expect(usage?.notifierCalls).toBeGreaterThanOrEqual(1);
    expect(usage?.d1FillsWritten).toBeGreaterThanOrEqual(2);
    // D1 counts index entries too: more rows written than rows carried.
    expect(usage?.d1RowsWritten).toBeGreaterThan((usage?.d1TradesWritten ?? 0) + (usage?.d1FillsWritten ?? 0));
    await agent().stop();
    await coordinator().putConfig({});
  });
});
