/**
 * The shell around an `AgentLoop` in memory, for the agent-loop tests: the Durable Object's
 * storage, a Coordinator and a live venue that answer everything as a quiet account would, each with
 * the parts a test scripts replaced.
 * @module
 */
import type { VersionedConfig } from "../../config/versioned";
import { defaultInstrument } from "../../market/instruments";
import type { AgentCoordinator, AgentLoopStore, LiveVenue } from "../agent-loop";
import type { StoredCall } from "../call-queue";
import type { JournalStatus } from "../ports";

/** The storage of {@link memoryAgentStore}, with its order journal's rows to read. */
export type MemoryAgentStore = AgentLoopStore & { readonly journalRows: Map<string, JournalStatus> };

/** The Durable Object's storage in memory, holding `config` and an equity of 10 000 USDT. */
export function memoryAgentStore(config: VersionedConfig): MemoryAgentStore {
  const kv = new Map<string, unknown>([
    ["config", config],
    ["equity", 10_000],
  ]);
  const calls: StoredCall[] = [];
  const journalRows = new Map<string, JournalStatus>();
  return {
    journalRows,
    get: <T>(key: string) => (kv.get(key) as T | undefined) ?? null,
    put: (key, value) => void (value === null ? kv.delete(key) : kv.set(key, structuredClone(value))),
    transaction: (body) => body(),
    addOutbox: () => {},
    journal: () => ({
      sending: (req) => void journalRows.set(req.clientOid, "sending"),
      status: (oid) => journalRows.get(oid) ?? null,
      update: (oid, status) => void (journalRows.has(oid) && journalRows.set(oid, status)),
    }),
    journalInFlight: () => [...journalRows].filter(([, s]) => s === "sending" || s === "accepted").map(([oid]) => oid),
    pruneJournal: () => {},
    enqueueCall: (call) => void calls.push({ ...call, seq: calls.length + 1 } as StoredCall),
    nextCall: () => calls[0] ?? null,
    deleteCall: (s) => void calls.splice(calls.findIndex((c) => c.seq === s) >>> 0, 1),
    callCount: () => calls.length,
  };
}

/** A Coordinator of an active, flat portfolio of 10 000 USDT that grants every entry at once, with `over` in place of its answers. */
export function fakeCoordinator(config: VersionedConfig, over: Partial<AgentCoordinator> = {}): AgentCoordinator {
  let n = 0;
  return {
    requestEntry: async () => ({ ok: true, reservationId: `r${++n}`, correlation: null, correlated: false }),
    reportPrices: async () => ({ tradingState: "ACTIVE", flatten: false, flattenReason: null, configVersion: "v1" }),
    getConfig: async () => config,
    portfolio: async () => ({ realisedEquity: 10_000, openPositions: [] }),
    confirmOpen: async () => ({ ok: true }),
    releaseReservation: async () => true,
    reportClose: async () => ({ ok: true }),
    syncPosition: async () => ({ ok: true }),
    ...over,
  };
}

/**
 * A live venue of a Classic one-way, crossed account at 10× holding 10 000 USDT and nothing of `symbol`:
 * every order accepted, every cancel done, no order known; `over` in place of its parts.
 */
export function fakeLiveVenue(symbol: string, over: Partial<LiveVenue> = {}): LiveVenue {
  return {
    orders: () => ({
      reportsDone: false,
      place: async (req) => ({ ok: true, clientOid: req.clientOid }),
      cancel: async () => ({ ok: true, filledSize: 0 }),
    }),
    instrument: () => defaultInstrument(symbol),
    onEvent: () => {},
    start: async () => null,
    stop: () => {},
    summary: async () => ({
      accountMode: "classic",
      trading: "live",
      holdMode: "one_way_mode",
      marginMode: "crossed",
      leverage: 10,
    }),
    equity: async () => 10_000,
    reconcile: async () => 0,
    lookup: async () => null,
    replayFills: async () => {},
    positions: async () => [],
    openOrders: async () => [],
    ...over,
  };
}
