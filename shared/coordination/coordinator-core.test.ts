import { describe, expect, it } from "vitest";
import type { NotifyEvent } from "../notify/notify-event";
import type { EntryRequest } from "../risk/portfolio-types";
import { type CoordinatorEffects, CoordinatorCore, KILL_SWITCH_REASON, MARKS_WRITE_EVERY_MS } from "./coordinator-core";
import { kvCoordinatorStore, memoryKv, type SyncKv } from "./kv-coordinator-store";

const T0 = Date.UTC(2030, 0, 2, 12);
const WALL = Date.UTC(2030, 0, 2, 13);

/** A core over an in-memory store, with every effect recorded; with `later`, its later tasks wait there until the test runs them. */
function make(kv: SyncKv = memoryKv(), later?: (() => void)[]) {
  const seen = {
    events: [] as NotifyEvent[],
    flattens: [] as string[],
    pushes: [] as string[],
    failures: [] as string[],
  };
  const effects: CoordinatorEffects = {
    flattenAgents: (reason) => seen.flattens.push(reason),
    pushConfig: (version) => seen.pushes.push(version),
    announce: (events) => seen.events.push(...events),
    configLoadFailed: (reason) => seen.failures.push(reason),
    later: later && ((write) => void later.push(write)),
  };
  return { core: new CoordinatorCore(kvCoordinatorStore(kv), effects, 1000), seen, kv };
}

const entry = (symbol: string, ts = T0): EntryRequest => ({ symbol, side: "long", notional: 100, ts });

function open(core: CoordinatorCore, symbol: string, price: number, size: number, ts = T0): void {
  const d = core.requestEntry(entry(symbol, ts));
  if (!d.ok) throw new Error(`refused: ${d.reason}`);
  expect(core.confirmOpen(d.reservationId, { entryPrice: price, size, side: "long", ts }).ok).toBe(true);
}

describe("CoordinatorCore: state changes the rules make", () => {
  it("announces the daily loss limit once, when a mark crosses it", () => {
    const { core, seen } = make();
    open(core, "ETHUSDT", 100, 10);
    core.reportPrices("ETHUSDT", [{ ts: T0 + 1000, price: 80 }]);
    core.reportPrices("ETHUSDT", [{ ts: T0 + 2000, price: 79 }]);
    expect(seen.events.map((e) => [e.kind, e.data.state])).toEqual([["trading_state", "halted"]]);
    expect(seen.events[0].text).toContain("daily loss limit");
    expect(seen.events[0].severity).toBe("critical");
    expect(seen.flattens).toEqual([]);
  });

  it("asks every agent to flatten once when the limit is hit with flattenOnDailyLimit, and says so", () => {
    const { core, seen } = make();
    expect(core.changeConfig("patch", { portfolio: { flattenOnDailyLimit: true } }, undefined, WALL).ok).toBe(true);
    open(core, "ETHUSDT", 100, 10);
    expect(core.reportPrices("ETHUSDT", [{ ts: T0 + 1000, price: 80 }])).toMatchObject({ flatten: true });
    core.reportPrices("ETHUSDT", [{ ts: T0 + 2000, price: 70 }]);
    expect(seen.flattens).toEqual(["daily_loss_flatten"]);
    expect(seen.events[0].text).toContain("closing every position");
  });

  it("announces a new UTC day lifting the daily halt", () => {
    const { core, seen } = make();
    open(core, "ETHUSDT", 100, 10);
    core.reportPrices("ETHUSDT", [{ ts: T0 + 1000, price: 80 }]);
    core.reportClose("ETHUSDT", { netPnl: -200, exitReason: "stop_loss", ts: T0 + 2000 });
    expect(core.requestEntry(entry("SOLUSDT", T0 + 86_400_000)).ok).toBe(true);
    expect(seen.events.map((e) => e.data.state)).toEqual(["halted", "resumed"]);
  });

  it("announces a symbol's cooldown when it starts and when it ends", () => {
    const { core, seen } = make();
    core.changeConfig("patch", { portfolio: { cooldownAfterStopLosses: 2, cooldownMs: 60_000 } }, undefined, WALL);
    for (const i of [0, 1]) {
      open(core, "ETHUSDT", 100, 0.01, T0 + i * 10_000);
      core.reportClose("ETHUSDT", { netPnl: -0.1, exitReason: "stop_loss", ts: T0 + i * 10_000 + 5000 });
    }
    const started = seen.events.find((e) => e.data.state === "cooldown");
    expect(started).toMatchObject({ symbol: "ETHUSDT", kind: "trading_state" });
    expect(started?.text).toContain(new Date(T0 + 15_000 + 60_000).toISOString());
    expect(seen.events.some((e) => e.data.state === "cooldown ended")).toBe(false);
    core.reportPrices("BTCUSDT", [{ ts: T0 + 15_000 + 60_001, price: 50_000 }]);
    expect(seen.events.filter((e) => e.data.state === "cooldown ended")).toMatchObject([{ symbol: "ETHUSDT" }]);
  });

  it("announces nothing for calls that change no state", () => {
    const { core, seen } = make();
    open(core, "ETHUSDT", 100, 1);
    core.reportPrices("ETHUSDT", [{ ts: T0 + 1000, price: 101 }]);
    core.reportClose("ETHUSDT", { netPnl: 1, exitReason: "take_profit", ts: T0 + 2000 });
    expect(seen.events).toEqual([]);
  });
});

describe("CoordinatorCore: the kill switch", () => {
  it("reaches every listed symbol, enabled or not, and every symbol holding something", () => {
    const { core } = make();
    core.setSymbolEnabled("BTCUSDT", true);
    core.setSymbolEnabled("SOLUSDT", false);
    open(core, "ETHUSDT", 100, 1);
    core.requestEntry(entry("XRPUSDT"));
    expect(core.engageKillSwitch()).toEqual(["BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT"]);
    expect(core.portfolio()).toMatchObject({ tradingState: "HALTED", reason: KILL_SWITCH_REASON });
    expect(core.requestEntry(entry("ADAUSDT"))).toMatchObject({ ok: false, reason: "halted" });
    expect(core.reportPrices("ETHUSDT", [])).toMatchObject({ flatten: true, flattenReason: "flatten" });
  });

  it("survives a restart from the store, then resume clears it", () => {
    const { core, kv } = make();
    open(core, "ETHUSDT", 100, 2);
    core.engageKillSwitch();
    const again = make(kv).core;
    expect(again.portfolio()).toEqual(JSON.parse(JSON.stringify(core.portfolio())));
    expect(again.requestEntry(entry("SOLUSDT"))).toMatchObject({ ok: false, reason: "halted" });
    again.resume();
    expect(again.requestEntry(entry("SOLUSDT")).ok).toBe(true);
  });
});

describe("CoordinatorCore: an entry's reservation is written behind its answer", () => {
  function withLater() {
    const tasks: (() => void)[] = [];
    const { core, kv } = make(memoryKv(), tasks);
    // The rules' clock reaches the test's day first (a new UTC day is always written in its call).
    core.reportPrices("BTCUSDT", [{ ts: T0 - 1, price: 100 }]);
    for (const task of tasks.splice(0)) task();
    return { core, tasks, kv };
  }
  const reservedIn = (kv: SyncKv) =>
    make(kv)
      .core.portfolio()
      .reservations.map((r) => r.symbol);

  it("answers at once and writes the reservation in the later task, once for a burst", () => {
    const { core, tasks, kv } = withLater();
    expect(core.requestEntry(entry("BTCUSDT")).ok).toBe(true);
    expect(core.requestEntry(entry("ETHUSDT")).ok).toBe(true);
    expect(reservedIn(kv)).toEqual([]);
    expect(tasks).toHaveLength(1);
    tasks[0]();
    expect(reservedIn(kv)).toEqual(["BTCUSDT", "ETHUSDT"]);
  });

  it("keeps every other change written in its call, with the reservations made before it", () => {
    const { core, tasks, kv } = withLater();
    const d = core.requestEntry(entry("BTCUSDT"));
    if (!d.ok) throw new Error(d.reason);
    core.confirmOpen(d.reservationId, { entryPrice: 100, size: 1, side: "long", ts: T0 });
    expect(
      make(kv)
        .core.portfolio()
        .openPositions.map((p) => p.symbol),
    ).toEqual(["BTCUSDT"]);
    core.halt("operator");
    expect(make(kv).core.portfolio()).toMatchObject({ tradingState: "HALTED" });
    tasks[0]();
    expect(make(kv).core.portfolio()).toMatchObject({ tradingState: "HALTED" });
  });
});

describe("CoordinatorCore: price reports write marks at most every MARKS_WRITE_EVERY_MS", () => {
  function withLater() {
    const tasks: (() => void)[] = [];
    const { core, kv } = make(memoryKv(), tasks);
    open(core, "ETHUSDT", 100, 10);
    return { core, kv, runLater: () => tasks.splice(0).forEach((t) => t()) };
  }
  const storedMark = (kv: SyncKv) => make(kv).core.portfolio().openPositions[0]?.markPrice;

  it("writes a symbol's first report behind the answer, then skips reports until its points are MARKS_WRITE_EVERY_MS newer", () => {
    const { core, kv, runLater } = withLater();
    core.reportPrices("ETHUSDT", [{ ts: T0 + 1000, price: 101 }]);
    expect(storedMark(kv)).toBe(100);
    runLater();
    expect(storedMark(kv)).toBe(101);
    core.reportPrices("ETHUSDT", [{ ts: T0 + 1000 + MARKS_WRITE_EVERY_MS - 1, price: 102 }]);
    runLater();
    expect(storedMark(kv)).toBe(101);
    expect(core.portfolio().openPositions[0].markPrice).toBe(102);
    core.reportPrices("ETHUSDT", [{ ts: T0 + 1000 + MARKS_WRITE_EVERY_MS, price: 103 }]);
    runLater();
    expect(storedMark(kv)).toBe(103);
  });

  it("writes a report that changed the trading state in its call, skipped or not", () => {
    const { core, kv } = withLater();
    core.reportPrices("ETHUSDT", [{ ts: T0 + 1000, price: 99 }]);
    core.reportPrices("ETHUSDT", [{ ts: T0 + 2000, price: 80 }]);
    expect(make(kv).core.portfolio()).toMatchObject({ tradingState: "HALTED" });
    expect(storedMark(kv)).toBe(80);
  });
});

describe("CoordinatorCore: config", () => {
  it("pushes a new version to the agents and audits it", () => {
    const { core, seen } = make();
    const change = core.changeConfig("patch", { gates: { minScore: 85 } }, undefined, WALL);
    if (!change.ok) throw new Error("refused");
    expect(seen.pushes).toEqual([change.version]);
    expect(core.configAudit(10)).toMatchObject([{ at: WALL, version: change.version, kind: "patch" }]);
    expect(core.changeConfig("put", {}, "v-old", WALL)).toMatchObject({ ok: false, staleFor: change.version });
  });

  it("starts halted with the reason when the stored config no longer loads, until a fix", () => {
    const kv = memoryKv();
    kv.put("config", { config: { gates: { minScore: 150 } }, version: "v-bad" });
    const { core, seen } = make(kv);
    expect(seen.failures).toHaveLength(1);
    expect(core.config()).toBeNull();
    expect(core.requestEntry(entry("ETHUSDT"))).toMatchObject({ ok: false, reason: "halted" });
    expect(core.changeConfig("patch", { gates: { minScore: 80 } }, undefined, WALL).ok).toBe(true);
    expect(core.config()?.config.gates.minScore).toBe(80);
    expect(core.requestEntry(entry("ETHUSDT")).ok).toBe(true);
  });
});
