import { describe, expect, it } from "vitest";
import type { CloseAtExchangeResult } from "../exchange/bitget/close-at-exchange";
import {
  type AgentFlattenAnswer,
  type AgentFlattenOutcome,
  type ExchangeCloser,
  flattenEverywhere,
  flattenInMode,
} from "./flatten-everywhere";

const FLAT: AgentFlattenAnswer = { running: true, phase: "flat", position: null };
const STOPPED_HOLDING: AgentFlattenAnswer = { running: false, phase: "open", position: { side: "long", size: 0.118 } };

function agents(answers: Record<string, AgentFlattenAnswer | string>) {
  const asked: string[][] = [];
  const flattenAgents = async (symbols: readonly string[]): Promise<AgentFlattenOutcome[]> => {
    asked.push([...symbols]);
    return symbols.map((symbol) => {
      const a = answers[symbol] ?? { running: false, phase: null, position: null };
      return typeof a === "string" ? { symbol, ok: false, error: a } : { symbol, ok: true, value: a };
    });
  };
  return { asked, flattenAgents };
}

/** An exchange holding `held` (net size per symbol); closes take a symbol to 0 unless it is in `stuck`. */
function exchange(held: Record<string, number>, stuck: string[] = []) {
  const closed: string[] = [];
  const closer: ExchangeCloser = {
    heldSymbols: async () => Object.keys(held).filter((s) => held[s] !== 0),
    close: async (symbol): Promise<CloseAtExchangeResult> => {
      closed.push(symbol);
      const heldBefore = held[symbol] ?? 0;
      if (!stuck.includes(symbol)) held[symbol] = 0;
      return { symbol, heldBefore, orders: [], remaining: held[symbol] ?? 0 };
    },
  };
  return { closer, closed };
}

describe("flattenEverywhere in paper mode", () => {
  it("answers one result per target from the agents' answers", async () => {
    const a = agents({
      BTCUSDT: FLAT,
      ETHUSDT: STOPPED_HOLDING,
      SOLUSDT: "agent SOLUSDT did not answer flatten() in time",
    });
    const results = await flattenEverywhere({
      targets: ["BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT"],
      ...a,
      exchange: null,
    });
    expect(a.asked).toEqual([["BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT"]]);
    expect(results.map((r) => [r.symbol, r.outcome])).toEqual([
      ["BTCUSDT", "flat"],
      ["ETHUSDT", "still_open"],
      ["SOLUSDT", "unknown"],
      ["XRPUSDT", "flat"],
    ]);
    expect(results[1].agent).toBe("stopped, still open long 0.118");
    expect(results[2].agent).toContain("did not answer");
  });
});

describe("flattenEverywhere in live mode", () => {
  it("closes at the exchange what the agents left, including a symbol no agent knows", async () => {
    const a = agents({ BTCUSDT: FLAT, ETHUSDT: STOPPED_HOLDING, SOLUSDT: "exploded" });
    const x = exchange({ ETHUSDT: 0.118, SOLUSDT: -3, DOGEUSDT: 100 });
    const results = await flattenEverywhere({
      targets: ["BTCUSDT", "ETHUSDT", "SOLUSDT"],
      ...a,
      exchange: async () => x.closer,
    });
    expect(x.closed.sort()).toEqual(["DOGEUSDT", "ETHUSDT", "SOLUSDT"]);
    expect(results.map((r) => [r.symbol, r.outcome])).toEqual([
      ["BTCUSDT", "flat"],
      ["DOGEUSDT", "closed_at_exchange"],
      ["ETHUSDT", "closed_at_exchange"],
      ["SOLUSDT", "closed_at_exchange"],
    ]);
    expect(results[1].agent).toContain("no agent knows");
    expect(results[2].exchange).toMatchObject({ heldBefore: 0.118, remaining: 0 });
  });

  it("says still_open when the exchange close leaves something or fails", async () => {
    const x = exchange({ ETHUSDT: 1 }, ["ETHUSDT"]);
    const results = await flattenEverywhere({
      targets: ["ETHUSDT"],
      ...agents({ ETHUSDT: STOPPED_HOLDING }),
      exchange: async () => x.closer,
    });
    expect(results).toMatchObject([{ symbol: "ETHUSDT", outcome: "still_open", exchange: { remaining: 1 } }]);
    const failing: ExchangeCloser = {
      heldSymbols: async () => ["ETHUSDT"],
      close: async () => {
        throw new Error("rate limited");
      },
    };
    const failed = await flattenEverywhere({
      targets: ["ETHUSDT"],
      ...agents({}),
      exchange: async () => failing,
    });
    expect(failed).toMatchObject([{ outcome: "still_open", exchange: { error: "close failed: rate limited" } }]);
  });

  it("keeps the agents' answers, with why, when the exchange cannot be opened or read", async () => {
    const refused = await flattenEverywhere({
      targets: ["BTCUSDT", "ETHUSDT"],
      ...agents({ BTCUSDT: FLAT, ETHUSDT: "exploded" }),
      exchange: async () => "live mode without the Bitget secrets",
    });
    expect(refused).toMatchObject([
      { symbol: "BTCUSDT", outcome: "flat", exchange: { error: "live mode without the Bitget secrets" } },
      { symbol: "ETHUSDT", outcome: "unknown" },
    ]);
    const unreadable: ExchangeCloser = {
      heldSymbols: async () => {
        throw new Error("502");
      },
      close: async () => {
        throw new Error("not called");
      },
    };
    const results = await flattenEverywhere({
      targets: ["BTCUSDT"],
      ...agents({ BTCUSDT: STOPPED_HOLDING }),
      exchange: async () => unreadable,
    });
    expect(results).toMatchObject([{ outcome: "still_open", exchange: { error: expect.stringContaining("502") } }]);
  });
});

describe("flattenInMode", () => {
  const run = async (mode: "paper" | "demo" | "live" | undefined, held: Record<string, number>) => {
    const opened: string[] = [];
    const logged: [string, Record<string, unknown>][] = [];
    const ex = exchange(held);
    const results = await flattenInMode({
      targets: ["BTCUSDT"],
      mode,
      reason: "daily_loss_flatten",
      flattenAgents: agents({ BTCUSDT: FLAT }).flattenAgents,
      exchange: async (trading) => {
        opened.push(trading);
        return ex.closer;
      },
      log: (event, fields) => void logged.push([event, fields]),
    });
    return { results, opened, logged, closed: ex.closed };
  };

  it("closes through the exchange of the config's mode in live and demo, never in paper", async () => {
    expect((await run("live", { ETHUSDT: 1 })).opened).toEqual(["live"]);
    expect((await run("demo", {})).opened).toEqual(["demo"]);
    const paper = await run("paper", { ETHUSDT: 1 });
    expect(paper.opened).toEqual([]);
    expect(paper.closed).toEqual([]);
    expect((await run(undefined, {})).opened).toEqual([]);
  });

  it("logs the run as done when all is flat, as incomplete when something may still be held", async () => {
    const done = await run("live", { ETHUSDT: 1 });
    expect(done.logged).toEqual([["flatten_done", { reason: "daily_loss_flatten", results: done.results }]]);
    const events: string[] = [];
    const stuck = await flattenInMode({
      targets: ["BTCUSDT"],
      mode: "paper",
      reason: "flatten",
      flattenAgents: agents({ BTCUSDT: "timed out" }).flattenAgents,
      exchange: async () => "unused",
      log: (event) => void events.push(event),
    });
    expect(stuck[0].outcome).toBe("unknown");
    expect(events).toEqual(["flatten_incomplete"]);
  });
});
