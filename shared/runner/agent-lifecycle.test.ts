import { describe, expect, it } from "vitest";
import { defaultConfig } from "../config/config";
import type { BotConfig } from "../config/schema";
import type { VersionedConfig } from "../config/versioned";
import type { NotifyEvent } from "../notify/notify-event";
import type { AgentCoordinator } from "./agent-loop";
import {
  ALARM_EVERY_MS,
  AgentLifecycle,
  type LifecycleRuntime,
  type ListingPort,
  type RuntimeHooks,
} from "./agent-lifecycle";
import type { FeedHealthReading } from "./agent-status";
import type { ListingVerdict } from "../market/symbol-listing";
import { LISTING_RECHECK_MS } from "../market/symbol-listing";
import { memoryCallQueue } from "./call-queue";
import type { OutboxRow } from "./outbox";

const SYMBOL = "BTCUSDT";
const T0 = 1_700_000_000_000;

/** A runtime that records what it was asked, holding `phase` until flattened. */
class FakeRuntime implements LifecycleRuntime {
  readonly calls: string[] = [];
  phase: "flat" | "entering" | "open" = "flat";
  alarmErrors: string[] = [];
  liveRefusal: string | null = null;
  entriesBlocked = false;
  readonly entryRefusal = null;
  readonly runner = { safety: {} as LifecycleRuntime["runner"]["safety"], exitHalted: false };
  constructor(
    readonly hooks: RuntimeHooks,
    readonly mode: BotConfig["mode"],
    readonly configVersion = "v1",
  ) {}
  startFeed = () => void this.calls.push("startFeed");
  startLive = async () => (this.calls.push("startLive"), this.liveRefusal);
  refreshEquity = async () => void this.calls.push("refreshEquity");
  reloadConfig = async () => void this.calls.push("reloadConfig");
  flatten = (reason: string) => {
    this.calls.push(`flatten:${reason}`);
    this.phase = "flat";
  };
  onAlarm = async () => (this.calls.push("onAlarm"), this.alarmErrors);
  stop = () => void this.calls.push("stop");
  feed: FeedHealthReading | null = null;
  feedHealth = () => this.feed;
  engineStatus = () =>
    ({ phase: this.phase, position: null }) as unknown as ReturnType<LifecycleRuntime["engineStatus"]>;
  accountSummary = () => null;
  recentReceipts = () => [];
}

/** A lifecycle over in-memory storage, alarm, Coordinator and Notifier; `mode` is the Coordinator's config mode. */
function harness(
  o: { mode?: BotConfig["mode"]; meta?: object; runner?: unknown; refuse?: string | null; listing?: ListingPort } = {},
) {
  const state = new Map<string, unknown>();
  if (o.meta) state.set("meta", o.meta);
  if (o.runner) state.set("runner", o.runner);
  const outbox: OutboxRow[] = [];
  const calls = memoryCallQueue();
  const clock = { now: T0, alarm: null as number | null };
  const notified: NotifyEvent[] = [];
  const logged: string[] = [];
  const runtimes: FakeRuntime[] = [];
  const coordinator = { failing: false, getConfigs: 0 };
  const config: VersionedConfig = { config: { ...defaultConfig(), mode: o.mode ?? "paper" }, version: "v1" };
  let openProblem: string | null = null;
  let liveRefusal: string | null = null;
  let openThrows: Error | null = null;
  const make = () =>
    new AgentLifecycle<FakeRuntime>({
      name: SYMBOL,
      store: {
        ...calls,
        get: <T>(k: string) => (state.get(k) ?? null) as T | null,
        put: (k, v) => void (v === null ? state.delete(k) : state.set(k, structuredClone(v))),
        outbox: (limit) => outbox.slice(0, limit),
        deleteOutbox: () => {},
        outboxCount: () => outbox.length,
      },
      alarm: {
        get: async () => clock.alarm,
        set: async (at) => void (clock.alarm = at),
        delete: async () => void (clock.alarm = null),
      },
      now: () => clock.now,
      sleep: async (ms) => void (clock.now += ms),
      defer: (fn) => setTimeout(fn, 0),
      coordinator: () =>
        ({
          getConfig: async () => {
            coordinator.getConfigs += 1;
            if (coordinator.failing) throw new Error("coordinator down");
            return config;
          },
        }) as unknown as AgentCoordinator,
      notifier: () => ({ notify: async (events) => void notified.push(...events) }),
      ledger: async () => ({ rowsWritten: 0 }),
      modeRefusal: (mode) => (mode === "paper" ? null : (o.refuse ?? null)),
      open: (hooks) => {
        if (openThrows) throw openThrows;
        if (openProblem) return openProblem;
        const r = new FakeRuntime(hooks, config.config.mode);
        r.liveRefusal = liveRefusal;
        runtimes.push(r);
        return r;
      },
      log: (line) => void logged.push(line),
      listing: o.listing,
    });
  return {
    make,
    state,
    clock,
    notified,
    logged,
    runtimes,
    coordinator,
    outbox,
    openFails: (why: string) => void (openProblem = why),
    liveRefuses: (why: string) => void (liveRefusal = why),
    openThrows: (e: Error) => void (openThrows = e),
    meta: () => state.get("meta") as { wanted: boolean; error: string | null; alarmErrors: string[] },
  };
}

/** Lets the notifications deferred to after the turn reach the Notifier. */
const settled = () => new Promise((resolve) => setTimeout(resolve, 5));

const WANTED = { symbol: SYMBOL, wanted: true, error: null, lastAlarmAt: null, alarmErrors: [] };
const ASLEEP = { ...WANTED, wanted: false };
const OPEN_RUNNER = { engine: { state: { phase: { phase: "open", position: { symbol: SYMBOL, side: "long" } } } } };

describe("AgentLifecycle: start and stop", () => {
  it("starts on the Coordinator's config: stores it, wants to run, opens the feed and arms the alarm", async () => {
    const h = harness();
    const agent = h.make();
    const s = await agent.start(SYMBOL);
    expect(s.running).toBe(true);
    expect(h.state.get("config")).toMatchObject({ version: "v1" });
    expect(h.meta()).toMatchObject({ symbol: SYMBOL, wanted: true, error: null });
    expect(h.runtimes[0].calls).toEqual(["startFeed", "startLive", "refreshEquity"]);
    expect(h.clock.alarm).toBe(T0 + ALARM_EVERY_MS);
  });

  it("refuses another agent's symbol or a malformed one, and opens nothing", async () => {
    const h = harness();
    const agent = h.make();
    expect((await agent.start("ETHUSDT")).error).toBe("this agent trades BTCUSDT, not ETHUSDT");
    expect((await agent.start("btc")).error).toBe("symbol btc does not look like BTCUSDT");
    expect(h.runtimes).toHaveLength(0);
    expect(h.clock.alarm).toBeNull();
  });

  it("says the Coordinator did not answer, and stays as wanted as it was", async () => {
    const h = harness();
    h.coordinator.failing = true;
    const s = await h.make().start(SYMBOL);
    expect(s.error).toBe("start failed: the Coordinator did not answer getConfig: coordinator down");
    expect(h.meta().wanted).toBe(false);
  });

  it("refuses a mode the deployment may not trade: unwanted, with the reason, no alarm", async () => {
    const h = harness({ mode: "live", refuse: "live mode refused: missing secrets" });
    const s = await h.make().start(SYMBOL);
    expect(s).toMatchObject({ running: false, mode: "live", error: "live mode refused: missing secrets" });
    expect(h.meta().wanted).toBe(false);
    expect(h.runtimes).toHaveLength(0);
    expect(h.clock.alarm).toBeNull();
  });

  it("halts when the exchange account refuses the start, and tells the operator", async () => {
    const h = harness({ mode: "demo" });
    h.liveRefuses("leverage 5 where 10 was set");
    const s = await h.make().start(SYMBOL);
    expect(s).toMatchObject({ running: false, error: "leverage 5 where 10 was set" });
    expect(h.meta().wanted).toBe(false);
    expect(h.runtimes[0].calls).toContain("stop");
    await settled();
    expect(h.notified.map((e) => e.text).join()).toContain("stopped trading: leverage 5 where 10 was set");
  });

  it("halts when the shell cannot open the runtime (a bad feed dialect), naming why", async () => {
    const h = harness();
    h.openFails("FEED_DIALECT must be v2 or v3");
    const s = await h.make().start(SYMBOL);
    expect(s).toMatchObject({ running: false, error: "FEED_DIALECT must be v2 or v3" });
  });

  it("stops: the runtime ends, the agent is unwanted, and the alarm goes once nothing waits", async () => {
    const h = harness();
    const agent = h.make();
    await agent.start(SYMBOL);
    const s = await agent.stop();
    expect(s.running).toBe(false);
    expect(h.runtimes[0].calls).toContain("stop");
    expect(h.meta()).toMatchObject({ wanted: false, error: null });
    expect(h.clock.alarm).toBeNull();
  });

  it("resumes a wanted agent when rebuilt from storage (the Durable Object's recovery path)", async () => {
    const h = harness();
    await h.make().start(SYMBOL);
    const again = h.make();
    expect(again.runtime).not.toBeNull();
    expect(again.status().running).toBe(true);
  });

  it("comes back halted, not throwing, when the stored state does not rebuild", async () => {
    const h = harness();
    await h.make().start(SYMBOL);
    h.openThrows(new Error("bad runner state"));
    const again = h.make();
    const s = again.status();
    expect(s).toMatchObject({ running: false, error: "restore failed, the agent is halted: bad runner state" });
    expect(s.backgroundErrors).toEqual({ count: 1, last: "restore: bad runner state" });
    expect(h.meta().wanted).toBe(false);
  });
});

describe("AgentLifecycle: flatten", () => {
  it("flattens a running agent and answers once it is flat, still running", async () => {
    const h = harness();
    const agent = h.make();
    await agent.start(SYMBOL);
    h.runtimes[0].phase = "open";
    const s = await agent.flatten("daily_loss_flatten");
    expect(h.runtimes[0].calls).toContain("flatten:daily_loss_flatten");
    expect(s.running).toBe(true);
  });

  it("wakes a stopped agent that still holds a position, exits, and sleeps again once flat", async () => {
    const h = harness({ meta: ASLEEP });
    h.state.set("config", { config: defaultConfig(), version: "v1" });
    h.state.set("runner", OPEN_RUNNER);
    const agent = h.make();
    expect(agent.runtime).toBeNull();
    const s = await agent.flatten("flatten");
    expect(h.runtimes[0].calls).toEqual(["startFeed", "startLive", "flatten:flatten", "stop"]);
    expect(s.running).toBe(false);
    expect(h.meta().wanted).toBe(false);
  });

  it("leaves a stopped agent asleep when its mode is refused, counting why", async () => {
    const h = harness({
      meta: ASLEEP,
      refuse: "live mode refused",
    });
    h.state.set("config", { config: { ...defaultConfig(), mode: "live" }, version: "v1" });
    h.state.set("runner", OPEN_RUNNER);
    const s = await h.make().flatten("flatten");
    expect(h.runtimes).toHaveLength(0);
    expect(s.backgroundErrors.last).toBe("flatten of a stopped agent: live mode refused");
  });

  it("answers after the bound with what it still holds when the exit does not fill", async () => {
    const h = harness();
    const agent = h.make();
    await agent.start(SYMBOL);
    const r = h.runtimes[0];
    r.phase = "open";
    r.flatten = (reason) => void r.calls.push(`flatten:${reason}`);
    const s = await agent.flatten("flatten");
    expect(s.phase).toBe("open");
    expect(h.clock.now - T0).toBe(6_000);
  });
});

describe("AgentLifecycle: the alarm and the watchdog", () => {
  it("starts a wanted agent that does not run, steps its runtime and re-arms", async () => {
    // Wanted, but nothing to resume from yet (no stored config): the alarm's start fetches it.
    const h2 = harness({ meta: WANTED });
    const agent = h2.make();
    expect(agent.runtime).toBeNull();
    h2.clock.now += 1_000;
    await agent.alarm();
    expect(h2.runtimes.at(-1)?.calls).toContain("onAlarm");
    expect(h2.meta()).toMatchObject({ lastAlarmAt: T0 + 1_000, alarmErrors: [] });
    expect(h2.clock.alarm).toBe(T0 + 1_000 + ALARM_EVERY_MS);
  });

  it("tells the operator a failed step: reconcile as a broker error unless entries are already blocked", async () => {
    const h = harness();
    const agent = h.make();
    await agent.start(SYMBOL);
    h.runtimes[0].alarmErrors = ["reconcile: HTTP 500", "prices: timeout"];
    await agent.alarm();
    await settled();
    expect(h.notified.map((e) => [e.kind, e.text])).toEqual([
      ["broker_error", expect.stringContaining("alarm reconcile: HTTP 500")],
      ["agent_error", expect.stringContaining("alarm prices: timeout")],
    ]);
    expect(h.meta().alarmErrors).toEqual(["reconcile: HTTP 500", "prices: timeout"]);
    h.notified.length = 0;
    h.runtimes[0].entriesBlocked = true;
    await agent.alarm();
    await settled();
    expect(h.notified.map((e) => e.kind)).toEqual(["agent_error"]);
  });

  it("classifies background failures: order and broker ones as broker errors, notify failures only counted", async () => {
    const h = harness();
    const agent = h.make();
    await agent.start(SYMBOL);
    const hooks = h.runtimes[0].hooks;
    hooks.onError("order place", new Error("HTTP 429"));
    hooks.onError("feed", "closed");
    hooks.onError("notify", new Error("down"));
    await settled();
    expect(h.notified.map((e) => e.kind)).toEqual(["broker_error", "agent_error"]);
    expect(agent.status().backgroundErrors).toEqual({ count: 3, last: "notify: down" });
    expect(h.logged).toContain("SymbolAgent BTCUSDT: order place: HTTP 429");
  });

  it("halts on the runtime's fatal reason", async () => {
    const h = harness();
    const agent = h.make();
    await agent.start(SYMBOL);
    h.runtimes[0].hooks.onFatal("a refused config became due");
    expect(agent.status()).toMatchObject({ running: false, error: "a refused config became due" });
  });

  it("the watchdog counts its call and restarts a wanted agent that is not running", async () => {
    const watched = harness({ meta: WANTED }).make();
    expect(watched.runtime).toBeNull();
    const s = await watched.ensureRunning();
    expect(s.running).toBe(true);
    expect(s.usage?.watchdogCalls).toBe(1);
  });

  it("reloads the config only when the version differs from the running one", async () => {
    const h = harness();
    const agent = h.make();
    await agent.start(SYMBOL);
    await agent.updateConfig("v1");
    await agent.updateConfig("v2");
    expect(h.runtimes[0].calls.filter((c) => c === "reloadConfig")).toHaveLength(1);
  });

  it("keeps the alarm while rows wait for D1, and removes it when nothing is left", async () => {
    const h = harness();
    const agent = h.make();
    h.outbox.push({ id: "trade:1", kind: "trade", payload: "{}" });
    await agent.arm(false);
    expect(h.clock.alarm).toBe(T0 + ALARM_EVERY_MS);
    h.outbox.length = 0;
    await agent.arm(false);
    expect(h.clock.alarm).toBeNull();
  });
});

/** A listing port answering `answers` in turn (the last one again), counting the checks. */
function listingPort(answers: ListingVerdict[], fromFeed: ListingVerdict | null = null) {
  const port = {
    checks: 0,
    check: async () => answers[Math.min(port.checks++, answers.length - 1)],
    fromFeed: () => fromFeed,
  };
  return port;
}

const UNKNOWN: ListingVerdict = {
  state: "unknown_symbol",
  reason: "unknown symbol: Bitget lists no USDT-FUTURES contract BTCUSDT (the contracts endpoint does not list it)",
};
const NO_ANSWER: ListingVerdict = { state: "check_failed", reason: "the contracts check failed: network" };
const LISTED: ListingVerdict = { state: "listed", reason: null };

describe("AgentLifecycle: the symbol's listing", () => {
  it("refuses an unknown symbol before anything: not wanted, no runtime, no config asked, no alarm, the reason shown", async () => {
    const h = harness({ listing: listingPort([UNKNOWN]) });
    const s = await h.make().start(SYMBOL);
    expect(s).toMatchObject({ running: false, feed: null, error: UNKNOWN.reason });
    expect(s.listing).toEqual({ state: "unknown_symbol", reason: UNKNOWN.reason, checkedAt: T0 });
    expect(h.meta()).toMatchObject({ wanted: false });
    expect(h.runtimes).toEqual([]);
    expect(h.coordinator.getConfigs).toBe(0);
    expect(h.clock.alarm).toBeNull();
  });

  it("runs a listed symbol and says so", async () => {
    const h = harness({ listing: listingPort([LISTED]) });
    const s = await h.make().start(SYMBOL);
    expect(s).toMatchObject({ running: true, listing: { state: "listed", reason: null } });
  });

  it("never reads a failed check as unknown: runs, counts it, asks again after the recheck period", async () => {
    const port = listingPort([NO_ANSWER, NO_ANSWER, UNKNOWN]);
    const h = harness({ listing: port });
    const agent = h.make();
    const s = await agent.start(SYMBOL);
    expect(s).toMatchObject({ running: true, listing: { state: "check_failed" } });
    expect(s.backgroundErrors).toEqual({ count: 1, last: `listing: ${NO_ANSWER.reason}` });
    await agent.alarm();
    expect(port.checks).toBe(1);
    h.clock.now += LISTING_RECHECK_MS;
    await agent.alarm();
    expect(port.checks).toBe(2);
    expect(agent.status()).toMatchObject({ running: true, listing: { state: "check_failed" } });
    h.clock.now += LISTING_RECHECK_MS;
    await agent.alarm();
    expect(agent.status()).toMatchObject({
      running: false,
      error: UNKNOWN.reason,
      listing: { state: "unknown_symbol" },
    });
    expect(h.meta().wanted).toBe(false);
  });

  it("halts a running agent when its feed says the symbol is unknown", async () => {
    const fromFeed: ListingVerdict = { state: "unknown_symbol", reason: "unknown symbol: 30001 (trade:BTCUSDT)" };
    const h = harness({ listing: listingPort([NO_ANSWER], fromFeed) });
    const agent = h.make();
    await agent.start(SYMBOL);
    h.runtimes[0].feed = { connected: true } as FeedHealthReading;
    await agent.alarm();
    expect(agent.status()).toMatchObject({
      running: false,
      error: fromFeed.reason,
      listing: { state: "unknown_symbol", checkedAt: T0 },
    });
    expect(h.runtimes[0].calls).toContain("stop");
  });
});
