import { describe, expect, it } from "vitest";
import { parseConfig } from "../config/config";
import type { BotConfigInput } from "../config/schema";
import type { VersionedConfig } from "../config/versioned";
import type { NewFill, NewTrade } from "../db/schema";
import type { OrderRequest } from "../execution/orders";
import type { TradeEvent } from "../market/events";
import type { EntryAnswer, EntryRequest } from "../risk/portfolio-types";
import type { SessionPortfolio } from "../strategy/session";
import type { JournalStatus, OrderJournal } from "./ports";
import { SymbolRunner, type SymbolRunnerOptions } from "./symbol-runner";

const T0 = 1_700_000_000_000;
/** Gates wide open and market entries without latency: a warmed-up engine enters at once. */
const OPEN: BotConfigInput = {
  gates: { minScore: 0, minAgreeing: 0, minVolumeRatio: 0, minExpectedMoveFeeMultiple: 0, requireBook: false },
  execution: { entryOrder: "market", latencyMs: 0, takeProfitOrder: "market" },
};

function versioned(input: BotConfigInput, version: string): VersionedConfig {
  const r = parseConfig(input);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return { config: r.config, version };
}

let tradeId = 0;
function trade(ts: number, price: number, side: "buy" | "sell" = "buy"): TradeEvent {
  return { kind: "trade", symbol: "BTCUSDT", ts, price, size: 0.5, side, id: String(++tradeId) };
}

/** A portfolio that approves every entry at once and logs every call. */
function approving(calls: string[]): SessionPortfolio {
  let n = 0;
  return {
    requestEntry: (req: EntryRequest) => (
      calls.push(`request ${req.side}`), { ok: true, reservationId: `r${++n}`, correlation: null, correlated: false }
    ),
    confirmOpen: (res) => void calls.push(`confirm ${res}`),
    releaseReservation: (res) => void calls.push(`release ${res}`),
    reportClose: (_s, r) => void calls.push(`close ${r.exitReason}`),
  };
}

function memoryJournal(): OrderJournal & { readonly log: string[]; readonly rows: Map<string, JournalStatus> } {
  const rows = new Map<string, JournalStatus>();
  const log: string[] = [];
  return {
    log,
    rows,
    sending: (req: OrderRequest) => (rows.set(req.clientOid, "sending"), log.push(`sending ${req.clientOid}`)),
    status: (oid) => rows.get(oid) ?? null,
    update: (oid, status) => (rows.set(oid, status), log.push(`${status} ${oid}`)),
  };
}

function setup(over: Partial<SymbolRunnerOptions> = {}, input: BotConfigInput = OPEN) {
  const calls: string[] = [];
  const decisions: EntryAnswer[] = [];
  const trades: NewTrade[] = [];
  const fills: NewFill[] = [];
  const journal = memoryJournal();
  let equity = 10_000;
  const runner = new SymbolRunner({
    symbol: "BTCUSDT",
    config: versioned(input, "v1"),
    portfolio: approving(calls),
    equity: { now: () => equity, onClose: (pnl) => (equity += pnl) },
    journal,
    ledger: { trade: (r) => trades.push(r), fill: (r) => fills.push(r) },
    hooks: { onEntryDecision: (d) => decisions.push(d.decision) },
    ...over,
  });
  /** A calm, gently rising market, one trade every 500 ms, until `stop` says so. */
  let i = 0;
  const run = (stop: () => boolean, max = 400) => {
    for (let k = 0; k < max && !stop(); k++, i++)
      runner.onEvent(trade(T0 + i * 500, 100 + (i % 7) * 0.01 + i * 0.002, i % 3 ? "buy" : "sell"));
    return T0 + (i - 1) * 500;
  };
  return { runner, calls, decisions, trades, fills, journal, run, equity: () => equity };
}

describe("SymbolRunner", () => {
  it("makes its engine from the symbol's first event, and ignores other symbols' events", () => {
    const s = setup();
    s.runner.onEvent({ ...trade(T0, 100), symbol: "ETHUSDT" });
    expect(s.runner.engineStatus()).toBeNull();
    s.runner.onEvent(trade(T0, 100));
    expect(s.runner.engineStatus()?.symbol).toBe("BTCUSDT");
  });

  it("makes no engine in live mode until the exchange's contract rules are loaded", () => {
    const s = setup(
      { live: { orders: () => null, instrument: () => null, onEvent: () => {} } },
      { ...OPEN, mode: "live" },
    );
    s.runner.onEvent(trade(T0, 100));
    expect(s.runner.engineStatus()).toBeNull();
  });

  it("journals an entry before it is sent, and writes the fill row with its role and the config version", () => {
    const s = setup();
    s.run(() => s.runner.engineStatus()?.phase === "open");
    expect(s.runner.engineStatus()?.phase).toBe("open");
    const oid = s.fills[0].clientOid;
    // Without latency the market entry fills inside the placement: the fill's "done" is not overwritten by the answer.
    expect(s.journal.log).toEqual([`sending ${oid}`, `done ${oid}`]);
    expect(s.fills[0]).toMatchObject({ role: "entry", mode: "paper", configVersion: "v1", tradeId: null });
    expect(s.calls[0]).toMatch(/^request (long|short)$/);
    expect(s.calls[1]).toBe("confirm r1");
  });

  it("writes the closing fill and the trade row with the same trade id, and adds the net PnL to the equity", () => {
    const s = setup({}, { ...OPEN, exits: { maxHoldMs: 5_000, minHoldMs: 0 } });
    s.run(() => s.trades.length > 0);
    expect(s.trades).toHaveLength(1);
    const t = s.trades[0];
    const exit = s.fills.find((f) => f.role === "exit");
    expect(exit).toMatchObject({ tradeId: t.id, exitReason: t.exitReason });
    expect(s.equity()).toBeCloseTo(10_000 + (t.netPnl as number), 9);
  });

  it("blocks entries with reconcile_blocked while the broker holds what the engine does not, until it matches", () => {
    const s = setup();
    s.runner.onEvent(trade(T0, 100));
    const r = s.runner.reconcile(0.5);
    expect(r).toMatchObject({ ok: false, reason: "position_mismatch", held: 0.5, expected: 0 });
    expect(s.runner.entriesBlocked).toBe(true);
    s.run(() => s.decisions.length > 0);
    expect(s.decisions[0]).toMatchObject({ ok: false, reason: "reconcile_blocked" });
    expect(s.runner.reconcile(0)).toEqual({ ok: true, checked: true });
    expect(s.runner.entriesBlocked).toBe(false);
  });

  it("refuses entries with feed_unhealthy and the feed's reason while the feed is unhealthy", () => {
    const s = setup();
    // The book itself still usable (the engine asks), the feed not: the runner refuses.
    s.runner.setFeedHealth({ healthy: false, reason: "drop_rate: 5 of 60 pushes bad", bookStale: false });
    s.run(() => s.decisions.length > 0);
    expect(s.decisions[0]).toEqual({ ok: false, reason: "feed_unhealthy", detail: "drop_rate: 5 of 60 pushes bad" });
    expect(s.runner.entryRefusal).toBe("feed_unhealthy: drop_rate: 5 of 60 pushes bad");
    expect(s.runner.engineStatus()?.phase).toBe("flat");
  });

  it("fails the engine's book gates closed while the feed is unhealthy, also for an engine made later, and trades once it is healthy", () => {
    const s = setup();
    s.runner.setFeedHealth({ healthy: false, reason: "stale: no market data for 5200 ms" });
    s.run(() => false, 100);
    expect(s.calls).toEqual([]);
    expect(s.runner.engineStatus()?.gates.long.find((g) => g.name === "spread")?.status).toBe("fail");
    s.runner.setFeedHealth({ healthy: true, reason: null });
    expect(s.runner.entryRefusal).toBeNull();
    s.run(() => s.calls.length > 0);
    expect(s.calls[0]).toMatch(/^request /);
  });

  it("applies a new config only when flat, and refuses one that changes the mode", () => {
    const s = setup();
    s.run(() => s.runner.engineStatus()?.phase === "open");
    s.runner.setConfig(versioned({ ...OPEN, exits: { takeProfitPct: 0.4 } }, "v2"));
    expect(s.runner.applyConfigIfFlat(() => null)).toEqual({ ok: true, applied: false });
    expect(s.runner.engineConfigVersion).toBe("v1");
    const flat = setup();
    flat.runner.onEvent(trade(T0, 100));
    flat.runner.setConfig(versioned({ ...OPEN, exits: { takeProfitPct: 0.4 } }, "v2"));
    expect(flat.runner.applyConfigIfFlat(() => null)).toEqual({ ok: true, applied: true });
    expect(flat.runner.engineConfigVersion).toBe("v2");
    flat.runner.setConfig(versioned({ ...OPEN, mode: "live" }, "v3"));
    expect(flat.runner.applyConfigIfFlat(() => null)).toMatchObject({
      ok: false,
      reason: expect.stringContaining("mode"),
    });
    expect(flat.runner.applyConfigIfFlat(() => "refused for the test")).toEqual({
      ok: false,
      reason: "refused for the test",
    });
  });

  it("closes on time while the market is silent, through the silent tick", () => {
    const s = setup(
      {},
      {
        ...OPEN,
        exits: { maxHoldMs: 5_000, minHoldMs: 0, exitScoreBelow: 0, oppositeScoreAbove: 100, trailingPct: 0 },
      },
    );
    const last = s.run(() => s.runner.engineStatus()?.phase === "open");
    expect(s.runner.engineStatus()?.phase).toBe("open");
    s.runner.silentTick(last + 10_000);
    expect(s.trades.map((t) => t.exitReason)).toEqual(["time_exit"]);
  });

  it("rebuilds from its JSON state and then decides exactly as the original", () => {
    const a = setup({ equity: { now: () => 10_000 } });
    a.run(() => a.runner.engineStatus()?.phase === "open");
    const state = JSON.parse(JSON.stringify(a.runner.getState()));
    const b = setup();
    const restored = new SymbolRunner(
      {
        symbol: "BTCUSDT",
        config: versioned(OPEN, "v1"),
        portfolio: approving(b.calls),
        equity: { now: () => 10_000 },
      },
      state,
    );
    expect(restored.engineStatus()?.position).toEqual(a.runner.engineStatus()?.position);
    const later = [trade(T0 + 900_000, 100.3), trade(T0 + 900_500, 99.5, "sell")];
    for (const e of later) {
      a.runner.onEvent(e);
      restored.onEvent(e);
    }
    expect(restored.getState().engine?.state).toEqual(a.runner.getState().engine?.state);
  });
});
