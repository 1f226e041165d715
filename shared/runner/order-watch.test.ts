import { describe, expect, it } from "vitest";
import type { OrderRequest } from "../execution/orders";
import { ORDER_WATCH } from "./order-watch";
import { liveFixture, OPEN_LIVE } from "./testing/live-fixture";

/** Lets the lookups' promises settle. */
const settle = () => new Promise<void>((r) => setTimeout(r, 0));

/** One trade a second from `from` for `seconds`, letting answers settle between them. */
async function seconds(f: ReturnType<typeof liveFixture>, from: number, n: number, price = 100): Promise<number> {
  for (let k = 1; k <= n; k++) {
    f.trade(from + k * 1_000, price);
    await settle();
  }
  return from + n * 1_000;
}

describe("orders whose outcome stays unknown (issue #14: an exit pending for ever, an entry stuck entering)", () => {
  it("looks up an exit whose placement never answered, takes it as ended when the exchange does not know it, and exits again", async () => {
    const f = liveFixture({
      ...OPEN_LIVE,
      exits: { maxHoldMs: 5_000, minHoldMs: 0, exitScoreBelow: 0, oppositeScoreAbove: 100, trailingPct: 0 },
    });
    const last = f.runUntil(() => f.placed.length > 0);
    f.fill(f.placed[0] as OrderRequest, 100, last + 10);
    f.answerPlaces(() => "never");
    let t = await seconds(f, last, 6);
    const lost = f.placed.at(-1) as OrderRequest;
    expect(lost).toMatchObject({ reduceOnly: true });
    f.answerPlaces((req) => ({ ok: true, clientOid: req.clientOid }));
    t = await seconds(f, t, ORDER_WATCH.lookupAfterMs / 1_000 + 2);
    expect(f.lookups()).toBe(1);
    expect(f.journal.get(lost.clientOid)).toBe("done");
    const again = f.placed.at(-1) as OrderRequest;
    expect(again.clientOid).not.toBe(lost.clientOid);
    expect(again).toMatchObject({ reduceOnly: true });
    f.fill(again, 100, t + 10);
    expect(f.trades.map((x) => x.exitReason)).toEqual(["time_exit"]);
    expect(f.runner.safety).toMatchObject({ orderLookups: 1, exitFailures: 1, unresolvedOutcomes: 0 });
  });

  it("releases an entry whose placement and cancel never answered after the capped lookups, and reports it", async () => {
    const f = liveFixture();
    f.answerPlaces(() => "never");
    f.answerCancels(() => "never");
    f.answerLookups(() => "throw");
    const last = f.runUntil(() => f.placed.length > 0);
    const entry = f.placed[0] as OrderRequest;
    await seconds(f, last, 40);
    expect(f.cancels.filter((oid) => oid === entry.clientOid)).toHaveLength(1);
    expect(f.lookups()).toBe(ORDER_WATCH.maxLookups);
    expect(f.calls).toContain("release r1");
    expect(f.safety.filter((e) => e.kind === "outcomeUnresolved")).toEqual([
      expect.objectContaining({ role: "entry", lookups: ORDER_WATCH.maxLookups, resolvedAs: "ended" }),
    ]);
    expect(f.runner.safety.unresolvedOutcomes).toBe(1);
    // Free again: the next entry is asked for.
    expect(f.calls.filter((c) => c.startsWith("request")).length).toBeGreaterThan(1);
  });

  it("sends the cancel again when a lookup finds the entry still open, and releases it when the cancel answers", async () => {
    const f = liveFixture();
    f.answerPlaces(() => "never");
    f.answerCancels(() => "never");
    f.answerLookups((oid) => ({ clientOid: oid, symbol: "BTCUSDT", status: "open", filledSize: 0, remainingSize: 1 }));
    const last = f.runUntil(() => f.placed.length > 0);
    const entry = f.placed[0] as OrderRequest;
    const t = await seconds(f, last, 5);
    expect(f.cancels).toEqual([entry.clientOid]);
    f.answerCancels(() => ({ ok: true, filledSize: 0 }));
    await seconds(f, t, 8);
    expect(f.cancels.slice(0, 2)).toEqual([entry.clientOid, entry.clientOid]);
    expect(f.calls).toContain("release r1");
    expect(f.runner.safety.unresolvedOutcomes).toBe(0);
  });

  it("waits for fills the exchange reports and the runner has not seen, then opens with them", async () => {
    const f = liveFixture();
    f.answerPlaces(() => "never");
    f.answerCancels(() => "never");
    f.answerLookups((oid) => ({
      clientOid: oid,
      symbol: "BTCUSDT",
      status: "cancelled",
      filledSize: 0.5,
      remainingSize: 0,
    }));
    const last = f.runUntil(() => f.placed.length > 0);
    const entry = f.placed[0] as OrderRequest;
    const t = await seconds(f, last, 12);
    expect(f.runner.engineStatus()?.phase).toBe("entering");
    f.runner.onLiveFill({
      clientOid: entry.clientOid,
      symbol: "BTCUSDT",
      side: entry.side,
      price: 100,
      size: 0.5,
      fee: 0.03,
      liquidity: "taker",
      ts: t,
      slippage: 0,
      final: false,
    });
    await seconds(f, t, 8);
    expect(f.runner.engineStatus()?.position?.size).toBe(0.5);
    expect(f.calls).toContain("confirm r1");
  });
});
