import { describe, expect, it } from "vitest";
import type { CloseReport, EntryFill } from "../risk/portfolio-types";
import { drainCalls, MAX_CALLS_PER_DRAIN, memoryCallQueue, type PortfolioCalls, queuedPortfolio } from "./call-queue";

const FILL: EntryFill = { entryPrice: 100, size: 1, side: "long", ts: 1, entryFee: 0.06 };
const CLOSE: CloseReport = { netPnl: -1, exitReason: "stop_loss", ts: 2 };

function recording(failAt = -1): PortfolioCalls & { log: string[] } {
  const log: string[] = [];
  let n = 0;
  const call = async (what: string) => {
    if (n++ === failAt) throw new Error("coordinator unreachable");
    log.push(what);
    return true;
  };
  return {
    log,
    confirmOpen: (res) => call(`confirm ${res}`),
    releaseReservation: (res) => call(`release ${res}`),
    reportClose: (symbol, r) => call(`close ${symbol} ${r.exitReason}`),
    syncPosition: (symbol, p) => call(`sync ${symbol} ${p.side} ${p.size}`),
  };
}

/** An empty queue and a portfolio over it whose entries are refused (these tests queue calls by hand). */
function queued() {
  const queue = memoryCallQueue();
  const p = queuedPortfolio(
    queue,
    async () => ({ ok: false, reason: "halted", detail: "" }),
    () => {},
  );
  return { queue, p };
}

describe("the queued portfolio", () => {
  it("queues confirm, release and close in order and says each changed the state; entries are asked directly", async () => {
    const queue = memoryCallQueue();
    let changes = 0;
    const p = queuedPortfolio(
      queue,
      async () => ({ ok: false, reason: "halted", detail: "halted" }),
      () => changes++,
    );
    p.confirmOpen("r1", FILL);
    p.releaseReservation("r2");
    p.reportClose("BTCUSDT", CLOSE);
    expect(changes).toBe(3);
    expect(queue.callCount()).toBe(3);
    expect(await p.requestEntry({ symbol: "BTCUSDT", side: "long", notional: 1, ts: 1 })).toMatchObject({ ok: false });
    const target = recording();
    expect(await drainCalls(queue, () => target, "BTCUSDT")).toBe(3);
    expect(target.log).toEqual(["confirm r1", "release r2", "close BTCUSDT stop_loss"]);
    expect(queue.callCount()).toBe(0);
  });

  it("stops at the first call that throws and keeps it and the later ones queued for the next drain", async () => {
    const { queue, p } = queued();
    p.confirmOpen("r1", FILL);
    p.reportClose("BTCUSDT", CLOSE);
    p.releaseReservation("r3");
    const failing = recording(1);
    await expect(drainCalls(queue, () => failing, "BTCUSDT")).rejects.toThrow("unreachable");
    expect(failing.log).toEqual(["confirm r1"]);
    expect(queue.callCount()).toBe(2);
    const again = recording();
    expect(await drainCalls(queue, () => again, "BTCUSDT")).toBe(2);
    expect(again.log).toEqual(["close BTCUSDT stop_loss", "release r3"]);
  });

  it("delivers at most a bounded number of calls per drain", async () => {
    const { queue, p } = queued();
    for (let i = 0; i < MAX_CALLS_PER_DRAIN + 5; i++) p.releaseReservation(`r${i}`);
    expect(await drainCalls(queue, () => recording(), "BTCUSDT")).toBe(MAX_CALLS_PER_DRAIN);
    expect(queue.callCount()).toBe(5);
  });

  it("follows a confirm the Coordinator no longer knows (it lost the reservation) with the position itself", async () => {
    const { queue, p } = queued();
    p.confirmOpen("r1", FILL);
    p.confirmOpen("r2", FILL);
    const target = recording();
    target.confirmOpen = async (res) => {
      target.log.push(`confirm ${res}`);
      return res === "r1"
        ? { ok: false, reason: "unknown_reservation", detail: `no reservation ${res}` }
        : { ok: true, snapshot: null };
    };
    expect(await drainCalls(queue, () => target, "ETHUSDT")).toBe(2);
    expect(target.log).toEqual(["confirm r1", "sync ETHUSDT long 1", "confirm r2"]);
  });

  it("keeps the confirm queued when the position change after it fails, and repeats both", async () => {
    const { queue, p } = queued();
    p.confirmOpen("r1", FILL);
    const lost = { ok: false, reason: "unknown_reservation", detail: "no reservation r1" };
    const failing = recording(0);
    failing.confirmOpen = async (res) => (failing.log.push(`confirm ${res}`), lost);
    await expect(drainCalls(queue, () => failing, "BTCUSDT")).rejects.toThrow("unreachable");
    expect(queue.callCount()).toBe(1);
    const again = recording();
    again.confirmOpen = async (res) => (again.log.push(`confirm ${res}`), lost);
    expect(await drainCalls(queue, () => again, "BTCUSDT")).toBe(1);
    expect(again.log).toEqual(["confirm r1", "sync BTCUSDT long 1"]);
  });
});
