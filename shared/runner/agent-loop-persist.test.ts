/**
 * When the agent loop writes the runner state around a live order (issue 13's push → order path):
 * with a later task, the order's journal row and then the ~150 KB runner state only after its request
 * left (without one, the row and the state before it), and nothing while an entry awaits the
 * Coordinator's answer.
 */
import { describe, expect, it } from "vitest";
import type { OrderRequest, PlaceResult } from "../execution/orders";
import type { EntryAnswer } from "../risk/portfolio-types";
import { flushMicrotasks } from "../exchange/bitget/testing/fake-socket";
import { AgentLoop, PERSIST_EVERY_MS } from "./agent-loop";
import { fakeCoordinator, fakeLiveVenue, type MemoryAgentStore, memoryAgentStore } from "./testing/agent-loop-fakes";
import { OPEN_LIVE, T0, versioned } from "./testing/live-fixture";

/** The Durable Object's storage, logging its journal rows and runner-state writes into `events`. */
function loggingStore(events: string[]): MemoryAgentStore & { readonly journalFails: { on: boolean } } {
  const store = memoryAgentStore(versioned(OPEN_LIVE));
  const rows = store.journalRows;
  /** While on, every journal write throws (storage refused it). */
  const journalFails = { on: false };
  const refuse = () => {
    if (journalFails.on) throw new Error("SQLITE_FULL: database or disk is full");
  };
  return {
    ...store,
    journalFails,
    put: (key, value) => {
      if (key === "runner") events.push("state written");
      store.put(key, value);
    },
    journal: () => ({
      sending: (req) => (refuse(), rows.set(req.clientOid, "sending"), events.push(`journal sending ${req.side}`)),
      status: (oid) => rows.get(oid) ?? null,
      update: (oid, status) => (refuse(), void rows.set(oid, status)),
    }),
  };
}

/**
 * A live agent whose exchange takes a few microtasks to send a request (signing, then `fetch`), whose
 * Coordinator answers when the test says, and whose shell runs `later` tasks when the test says; its
 * account opened and recovery on start done (entries wait for it).
 */
async function harness(withLater = true, onError?: (what: string, e: unknown) => void) {
  const events: string[] = [];
  const store = loggingStore(events);
  const tasks: (() => void)[] = [];
  const answers: ((a: EntryAnswer) => void)[] = [];
  let n = 0;
  /** Each price report, with what had happened when it was made. */
  const reports: string[][] = [];
  const coordinator = fakeCoordinator(versioned(OPEN_LIVE), {
    reportPrices: async () => {
      reports.push([...events]);
      return {
        tradingState: "ACTIVE",
        flatten: false,
        flattenReason: null,
        configVersion: versioned(OPEN_LIVE).version,
      };
    },
    requestEntry: () => {
      events.push("coordinator asked");
      return new Promise<EntryAnswer>((resolve) => answers.push(resolve));
    },
  });
  const place = async (req: OrderRequest): Promise<PlaceResult> => {
    await Promise.resolve(); // the rate limiter's slot
    await Promise.resolve(); // the HMAC signature
    events.push(`request left ${req.side}`);
    return { ok: true, clientOid: req.clientOid };
  };
  const venue = fakeLiveVenue("BTCUSDT", {
    orders: () => ({ reportsDone: false, place, cancel: async () => ({ ok: true, filledSize: 0 }) }),
  });
  // Wall time moves a persist period per step, so every turn is due to write the state (the worst case).
  let wall = T0;
  const loop = new AgentLoop({
    symbol: "BTCUSDT",
    store,
    coordinator: () => coordinator,
    now: () => wall,
    feed: () => {
      throw new Error("the tests play the market by hand");
    },
    live: () => venue,
    refusal: () => null,
    onFatal: (reason) => {
      throw new Error(reason);
    },
    onError:
      onError ??
      ((what, e) => {
        throw new Error(`${what}: ${String(e)}`);
      }),
    later: withLater ? (fn) => void tasks.push(fn) : undefined,
  });
  loop.detachFeed();
  loop.feedHealthChanged({ healthy: true, reason: null, bookStale: false });
  await loop.startLive();
  let ts = T0;
  let id = 0;
  return {
    events,
    reports,
    store,
    loop,
    /** Trades every 500 ms until the engine asks the Coordinator for an entry. */
    tradeUntilAsked(): void {
      for (let i = 0; i < 5_000 && answers.length === 0; i++) {
        ts += 500;
        wall += PERSIST_EVERY_MS;
        loop.ingest([
          { kind: "trade", symbol: "BTCUSDT", ts, price: 60_000 + (i % 7), size: 0.5, side: "buy", id: String(++id) },
        ]);
      }
      if (answers.length === 0) throw new Error("the engine never asked for an entry");
    },
    approve(): void {
      wall += PERSIST_EVERY_MS;
      answers.shift()?.({ ok: true, reservationId: `r${++n}`, correlation: null, correlated: false });
    },
    /** The shell's later tasks (a 0 ms timer in the Durable Object). */
    runLater(): void {
      for (const t of tasks.splice(0)) t();
    },
    pendingLater: () => tasks.length,
  };
}

describe("the agent loop writes the runner state off the push → order path", () => {
  it("writes nothing while an entry awaits the Coordinator's answer", async () => {
    const h = await harness();
    h.tradeUntilAsked();
    const asked = h.events.lastIndexOf("coordinator asked");
    expect(h.events.slice(asked)).toEqual(["coordinator asked"]);
    expect(h.loop.runner.pendingDecisions).toBe(1);
  });

  it("writes the order's journal row, then the state, only after its request left (write-behind-journal.ts)", async () => {
    const h = await harness();
    h.tradeUntilAsked();
    const from = h.events.length;
    h.approve();
    await flushMicrotasks();
    h.runLater();
    const side = h.events.find((e) => e.startsWith("journal sending"))?.split(" ")[2];
    // The first write comes after the request left (then the exchange's answer writes it again).
    expect(h.events.slice(from, from + 3)).toEqual([
      `request left ${side}`,
      `journal sending ${side}`,
      "state written",
    ]);
  });

  it("makes a price report due in the order's turn only after its request left", async () => {
    const h = await harness();
    h.tradeUntilAsked();
    const made = h.reports.length;
    h.approve();
    await flushMicrotasks();
    expect(h.events.some((e) => e.startsWith("request left"))).toBe(true);
    expect(h.reports.length).toBe(made);
    h.runLater();
    expect(h.reports.length).toBe(made + 1);
    expect(h.reports[made].some((e) => e.startsWith("request left"))).toBe(true);
  });

  it("without a later task the state is written in the order's own turn, after the journal row", async () => {
    const h = await harness(false);
    h.tradeUntilAsked();
    const from = h.events.length;
    h.approve();
    await flushMicrotasks();
    const side = h.events.find((e) => e.startsWith("journal sending"))?.split(" ")[2];
    expect(h.events.slice(from, from + 3)).toEqual([
      `journal sending ${side}`,
      "state written",
      `request left ${side}`,
    ]);
  });

  it("a journal row storage refused is reported and kept: the state waits for it, and both are written, in order, by the next write", async () => {
    const errors: string[] = [];
    const h = await harness(true, (what, e) => void errors.push(`${what}: ${String(e)}`));
    h.tradeUntilAsked();
    const from = h.events.length;
    h.store.journalFails.on = true;
    h.approve();
    await flushMicrotasks();
    h.runLater();
    expect(h.events.slice(from).filter((e) => !e.startsWith("request left"))).toEqual([]);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e === "journal write: Error: SQLITE_FULL: database or disk is full")).toBe(true);

    h.store.journalFails.on = false;
    const ts = h.loop.runner.lastTs + 500;
    h.loop.ingest([{ kind: "trade", symbol: "BTCUSDT", ts, price: 60_000, size: 0.5, side: "buy", id: "after" }]);
    const after = h.events.slice(from).filter((e) => !e.startsWith("request left"));
    expect(after[0]).toMatch(/^journal sending (buy|sell)$/);
    expect(after[1]).toBe("state written");
    expect([...h.store.journalRows.values()]).not.toContain(undefined);
    expect(h.store.journalRows.size).toBe(1);
  });

  it("a write still waiting when the agent stops is dropped (stop wrote the state itself)", async () => {
    const h = await harness();
    h.tradeUntilAsked();
    h.approve();
    await flushMicrotasks();
    h.loop.stop();
    const written = h.events.filter((e) => e === "state written").length;
    h.runLater();
    expect(h.events.filter((e) => e === "state written").length).toBe(written);
  });
});
