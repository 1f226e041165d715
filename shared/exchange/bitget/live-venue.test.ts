import { describe, expect, it } from "vitest";
import { type LiveParts, liveVenue } from "./live-venue";

/** A BitgetLive whose account and broker record what the venue asks them. */
function parts(open: boolean) {
  const asked: string[] = [];
  const broker = {
    reconcile: async () => void asked.push("broker.reconcile"),
    fillsSince: async (symbol: string, since: number) => void asked.push(`fillsSince ${symbol} ${since}`),
    order: async (symbol: string, oid: string) => (asked.push(`order ${symbol} ${oid}`), null),
  };
  const account = {
    equity: async () => ({ equity: 1234.5 }),
    positions: async (symbol: string) => (asked.push(`positions ${symbol}`), []),
  };
  const live = {
    start: async () => (open ? { ok: true } : { ok: false, reason: "40006 invalid key" }),
    stop: () => void asked.push("stop"),
    summary: async () => ({}),
    reconcile: async () => 0.5,
    onEvent: () => void asked.push("onEvent"),
    account: open ? account : null,
    broker: open ? broker : null,
    instrument: null,
  } as unknown as LiveParts;
  return { live, asked };
}

describe("liveVenue", () => {
  it("answers the start with null when open, else with the exchange's reason", async () => {
    expect(await liveVenue(parts(true).live, "BTCUSDT").start()).toBeNull();
    expect(await liveVenue(parts(false).live, "BTCUSDT").start()).toBe("40006 invalid key");
  });

  it("reads equity and positions from the account, nothing before it is open", async () => {
    const open = parts(true);
    expect(await liveVenue(open.live, "BTCUSDT").equity()).toBe(1234.5);
    await liveVenue(open.live, "BTCUSDT").positions();
    expect(open.asked).toEqual(["positions BTCUSDT"]);
    const closed = liveVenue(parts(false).live, "BTCUSDT");
    expect(await closed.equity()).toBeNull();
    expect(await closed.positions()).toEqual([]);
  });

  it("replays fills: the followed orders first, then the symbol's fills since the last seen (none when null)", async () => {
    const p = parts(true);
    const venue = liveVenue(p.live, "BTCUSDT");
    await venue.replayFills(1_700_000_000_000);
    await venue.replayFills(null);
    expect(p.asked).toEqual(["broker.reconcile", "fillsSince BTCUSDT 1700000000000", "broker.reconcile"]);
  });

  it("looks orders up at the broker, and rejects the lookup while it is not started", async () => {
    const p = parts(true);
    expect(await liveVenue(p.live, "BTCUSDT").lookup?.("BTCUSDT", "oid-1")).toBeNull();
    expect(p.asked).toEqual(["order BTCUSDT oid-1"]);
    await expect(liveVenue(parts(false).live, "BTCUSDT").lookup?.("BTCUSDT", "oid-1")).rejects.toThrow(
      "the live broker is not started",
    );
    expect(liveVenue(parts(false).live, "BTCUSDT").orders()).toBeNull();
  });
});
