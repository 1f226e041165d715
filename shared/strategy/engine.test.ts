import { describe, expect, it } from "vitest";
import { parseConfig } from "../config/config";
import type { BotConfig, BotConfigInput } from "../config/schema";
import type { Fill } from "../execution/orders";
import type { MarketEvent, TradeEvent } from "../market/events";
import { defaultInstrument } from "../market/instruments";
import { externalExitReason, StrategyEngine } from "./engine";
import type { Intent } from "./types";

const T0 = 1_700_000_000_000;
const instrument = defaultInstrument("BTCUSDT");

function config(input: BotConfigInput = {}): BotConfig {
  const r = parseConfig(input);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.config;
}

/** Gates wide open: every entry the scores allow happens (for testing the state machine). */
const permissive: BotConfigInput = {
  gates: { minScore: 0, minAgreeing: 0, minVolumeRatio: 0, minExpectedMoveFeeMultiple: 0, requireBook: false },
};

function engine(input: BotConfigInput = permissive, equity = 10_000) {
  return new StrategyEngine({
    symbol: "BTCUSDT",
    config: config(input),
    configVersion: "v-test",
    instrument,
    equity: () => equity,
  });
}

let tradeId = 0;
function trade(ts: number, price: number, side: "buy" | "sell" = "buy", size = 0.5): TradeEvent {
  return { kind: "trade", symbol: "BTCUSDT", ts, price, size, side, id: String(++tradeId) };
}

/** 40 seconds of a gently rising market: warms volatility and volume windows. */
function warmup(): TradeEvent[] {
  return Array.from({ length: 80 }, (_, i) =>
    trade(T0 + i * 500, 100 + (i % 7) * 0.01 + i * 0.002, i % 3 ? "buy" : "sell"),
  );
}

function fill(
  intent: Extract<Intent, { kind: "enter" | "exit" }>,
  price: number,
  ts: number,
  liquidity: "maker" | "taker" = "maker",
): Fill {
  const side =
    intent.kind === "enter" ? (intent.side === "long" ? "buy" : "sell") : intent.side === "long" ? "sell" : "buy";
  const pct = liquidity === "maker" ? 0.02 : 0.06;
  return {
    clientOid: intent.clientOid,
    symbol: "BTCUSDT",
    side,
    price,
    size: intent.size,
    fee: (price * intent.size * pct) / 100,
    liquidity,
    ts,
    slippage: 0,
    final: true,
  };
}

function runUntilEntry(e: StrategyEngine): Extract<Intent, { kind: "enter" }> {
  for (const t of warmup()) {
    const intents = e.onEvent(t);
    const enter = intents.find((i) => i.kind === "enter");
    if (enter && enter.kind === "enter") return enter;
  }
  throw new Error("no entry");
}

describe("StrategyEngine", () => {
  it("enters only with every gate passing, and carries the full reasoning", () => {
    const e = engine();
    const enter = runUntilEntry(e);
    expect(e.phase).toBe("entering");
    expect(enter.reasoning.gates.map((g) => g.name)).toEqual([
      "score",
      "confluence",
      "volumeRatio",
      "spread",
      "expectedMove",
      "confirmation",
      "trendFilter",
    ]);
    expect(enter.reasoning.gates.every((g) => g.status === "pass" || g.status === "off")).toBe(true);
    expect(Object.keys(enter.reasoning.subScores)).toHaveLength(9);
    expect(enter.size).toBeGreaterThan(0);
    expect(enter.stopLoss).toBeCloseTo(enter.price * (1 - 0.0012), 9);
  });

  it("fails the spread gate closed without book data unless configured", () => {
    const strict = engine({ gates: { ...permissive.gates, requireBook: true } });
    for (const t of warmup()) expect(strict.onEvent(t).filter((i) => i.kind === "enter")).toEqual([]);
    const status = strict.status();
    expect(status.gates.long.find((g) => g.name === "spread")?.status).toBe("unknown");
  });

  it("opens on the entry fill and rests a post-only take-profit 0.3 % away on the tick grid", () => {
    const e = engine();
    const enter = runUntilEntry(e);
    const { intents } = e.onFill(fill(enter, 100, enter.ts + 100));
    expect(e.phase).toBe("open");
    const tp = intents[0];
    expect(tp).toMatchObject({ kind: "exit", orderType: "postOnly", reason: "take_profit", size: enter.size });
    expect(tp.kind === "exit" && tp.price).toBe(enter.side === "long" ? 100.3 : 99.7);
  });

  it("closes with a take-profit when the resting order fills, charging both fees", () => {
    const e = engine();
    const enter = runUntilEntry(e);
    const tp = e.onFill(fill(enter, 100, enter.ts + 100)).intents[0] as Extract<Intent, { kind: "exit" }>;
    const { events, role } = e.onFill(fill(tp, tp.price, enter.ts + 30_000));
    const closed = events.find((x) => x.kind === "closed")?.trade;
    expect(role).toBe("exit");
    expect(e.phase).toBe("flat");
    expect(closed).toMatchObject({
      exitReason: "take_profit",
      entryPrice: 100,
      exitPrice: tp.price,
      holdSeconds: 29.9,
    });
    const gross = (enter.side === "long" ? tp.price - 100 : 100 - tp.price) * enter.size;
    expect(closed?.grossPnl).toBeCloseTo(gross, 6);
    expect(closed?.fees).toBeCloseTo((100 * enter.size * 0.02) / 100 + (tp.price * enter.size * 0.02) / 100, 9);
    expect(closed?.netPnl).toBeCloseTo((closed?.grossPnl ?? 0) - (closed?.fees ?? 0), 9);
  });

  it("stops out at market on a trade through the stop, cancelling the take-profit first", () => {
    const e = engine();
    const enter = runUntilEntry(e);
    const tp = e.onFill(fill(enter, 100, enter.ts + 100)).intents[0];
    const through = enter.side === "long" ? 99.87 : 100.13;
    const intents = e.onEvent(trade(enter.ts + 200, through, enter.side === "long" ? "sell" : "buy"));
    expect(intents.map((i) => i.kind)).toEqual(["cancel", "exit"]);
    expect(intents[0]).toMatchObject({ clientOid: tp.kind === "exit" ? tp.clientOid : "" });
    expect(intents[1]).toMatchObject({ orderType: "market", reason: "stop_loss", size: enter.size });
  });

  it("stops out on a book whose mid reaches the stop while no trade prints (the local stop is not off between prints)", () => {
    const e = engine();
    const enter = runUntilEntry(e);
    e.onFill(fill(enter, 100, enter.ts + 100));
    const long = enter.side === "long";
    const book = (ts: number, mid: number): MarketEvent => ({
      kind: "bookTop",
      symbol: "BTCUSDT",
      ts,
      bidPrice: mid - 0.005,
      bidSize: 1,
      askPrice: mid + 0.005,
      askSize: 1,
      seq: String(ts),
    });
    expect(e.onEvent(book(enter.ts + 200, long ? 99.95 : 100.05))).toEqual([]);
    const intents = e.onEvent(book(enter.ts + 300, long ? 99.87 : 100.13));
    expect(intents.map((i) => i.kind)).toEqual(["cancel", "exit"]);
    expect(intents[1]).toMatchObject({ orderType: "market", reason: "stop_loss", size: enter.size });
    // The exit is asked once; a later book does not send another.
    expect(e.onEvent(book(enter.ts + 400, long ? 99.8 : 100.2))).toEqual([]);
  });

  it("fails the spread gate closed while the feed says the book is stale, even with requireBook off", () => {
    const e = engine();
    e.setBookStale(true);
    for (const t of warmup()) expect(e.onEvent(t).filter((i) => i.kind === "enter")).toEqual([]);
    const spread = e.status().gates.long.find((g) => g.name === "spread");
    expect(spread).toMatchObject({ status: "fail", rule: expect.stringContaining("book stale") });
    e.setBookStale(false);
    expect(e.status().gates.long.find((g) => g.name === "spread")?.status).toBe("off");
    expect(e.onEvent(trade(T0 + 40_500, 100.2)).some((i) => i.kind === "enter")).toBe(true);
  });

  it("cancels an unfilled entry after latency plus the entry timeout, then goes flat", () => {
    const e = engine();
    const enter = runUntilEntry(e);
    expect(e.onEvent(trade(enter.ts + 3_099, 100))).toEqual([]);
    const intents = e.onEvent(trade(enter.ts + 3_100, 100));
    expect(intents).toEqual([
      { kind: "cancel", symbol: "BTCUSDT", ts: enter.ts + 3_100, clientOid: enter.clientOid, why: "entry_timeout" },
    ]);
    e.onOrderDone(enter.clientOid, enter.ts + 3_100);
    expect(e.phase).toBe("flat");
  });

  it("opens with a partial fill when the rest of the entry is cancelled", () => {
    const e = engine();
    const enter = runUntilEntry(e);
    const half = { ...fill(enter, 100, enter.ts + 500), size: 0.001, final: false };
    e.onFill(half);
    expect(e.phase).toBe("entering");
    e.onOrderDone(enter.clientOid, enter.ts + 3_100);
    expect(e.phase).toBe("open");
    expect(e.position?.size).toBe(0.001);
  });

  describe("says what happened instead of leaving callers to diff its phase", () => {
    it("reports an entry fill as its entry, and the position it opened", () => {
      const e = engine();
      const enter = runUntilEntry(e);
      const out = e.onFill(fill(enter, 100, enter.ts + 100));
      expect(out.role).toBe("entry");
      expect(out.events).toEqual([
        { kind: "opened", clientOid: enter.clientOid, position: e.position, ts: enter.ts + 100 },
      ]);
    });

    it("reports a partial entry fill as its entry without opening yet", () => {
      const e = engine();
      const enter = runUntilEntry(e);
      const out = e.onFill({ ...fill(enter, 100, enter.ts + 500), size: 0.001, final: false });
      expect(out).toMatchObject({ role: "entry", events: [], intents: [] });
    });

    it("releases an entry that ended unfilled", () => {
      const e = engine();
      const enter = runUntilEntry(e);
      expect(e.onOrderDone(enter.clientOid, enter.ts + 3_100).events).toEqual([
        { kind: "released", clientOid: enter.clientOid, ts: enter.ts + 3_100 },
      ]);
    });

    it("says an exit failed when the take-profit order ends unfilled, and keeps the position", () => {
      const e = engine();
      const enter = runUntilEntry(e);
      const tp = e.onFill(fill(enter, 100, enter.ts + 100)).intents[0];
      const out = e.onOrderDone(tp.clientOid, enter.ts + 200);
      expect(out.events).toEqual([
        { kind: "exitFailed", clientOid: tp.clientOid, reason: "take_profit", ts: enter.ts + 200, retryAt: null },
      ]);
      expect(e.phase).toBe("open");
    });

    it("answers a fill of an order it does not know with role null and changes nothing", () => {
      const e = engine();
      const enter = runUntilEntry(e);
      e.onFill(fill(enter, 100, enter.ts + 100));
      const before = e.getState();
      const out = e.onFill({ ...fill(enter, 101, enter.ts + 200), clientOid: "someone-else" });
      expect(out).toMatchObject({ role: null, events: [], intents: [] });
      expect(e.getState()).toEqual(before);
    });
  });

  it("exits on time while the market is silent, through tick()", () => {
    const e = engine({ ...permissive, exits: { exitScoreBelow: 0, oppositeScoreAbove: 100, trailingPct: 0 } });
    const enter = runUntilEntry(e);
    e.onFill(fill(enter, 100, enter.ts + 100));
    const early = e.tick(enter.ts + 100 + 599_000).filter((i) => i.kind === "exit");
    expect(early.map((i) => i.kind === "exit" && i.reason)).toEqual([]);
    const intents = e.tick(enter.ts + 100 + 600_000);
    expect(intents.find((i) => i.kind === "exit")).toMatchObject({ reason: "time_exit", orderType: "market" });
  });

  it("takes a decayed position as profit only when its gain covers what its entry actually paid (taker) and a market exit", () => {
    // Own score always "decayed" (< 100), no reversal, no trailing: only the profit test decides.
    const decay: BotConfigInput = {
      ...permissive,
      exits: { exitScoreBelow: 100, oppositeScoreAbove: 100, trailingPct: 0 },
    };
    const exitAfter = (liquidity: "maker" | "taker", events: (side: string, ts: number) => MarketEvent[]) => {
      const e = engine(decay);
      const enter = runUntilEntry(e);
      e.onFill(fill(enter, 100, enter.ts + 100, liquidity));
      return events(enter.side, enter.ts + 6_000)
        .flatMap((ev) => e.onEvent(ev))
        .filter((i) => i.kind === "exit")
        .map((i) => i.kind === "exit" && i.reason);
    };
    // +0.1 % gross: covers maker + taker (0.08 %) plus the 1 bp half-spread, not taker + taker.
    const gain = (side: string, ts: number) => [trade(ts, side === "long" ? 100.1 : 99.9)];
    expect(exitAfter("maker", gain)).toEqual(["score_decay"]);
    expect(exitAfter("taker", gain)).toEqual([]);
    // With a book, the exit is priced at the touch it would hit: a wide spread eats the gain.
    const wide = (side: string, ts: number): MarketEvent[] => [
      side === "long"
        ? {
            kind: "bookTop",
            symbol: "BTCUSDT",
            ts,
            bidPrice: 100.05,
            bidSize: 1,
            askPrice: 100.1,
            askSize: 1,
            seq: "1",
          }
        : { kind: "bookTop", symbol: "BTCUSDT", ts, bidPrice: 99.9, bidSize: 1, askPrice: 99.95, askSize: 1, seq: "1" },
      ...gain(side, ts + 1),
    ];
    expect(exitAfter("maker", wide)).toEqual([]);
  });

  it("sets volatility-scaled exits from σ over the holding horizon at the entry decision", () => {
    const e = engine({
      ...permissive,
      exits: {
        scaling: { mode: "volatility", horizonMs: 120_000, takeProfitSigma: 2, stopLossSigma: 1, trailingSigma: 0.5 },
      },
    });
    const enter = runUntilEntry(e);
    const sigma = e.snapshot().returnStd1s as number;
    expect(sigma).toBeGreaterThan(0);
    const sigmaH = sigma * Math.sqrt(120);
    const sign = enter.side === "long" ? 1 : -1;
    expect((enter.stopLoss / enter.price - 1) * -sign).toBeCloseTo(sigmaH, 9);
    expect((enter.takeProfit / enter.price - 1) * sign).toBeCloseTo(2 * sigmaH, 9);
    e.onFill(fill(enter, 100, enter.ts + 100));
    expect(e.position?.trailingPct).toBeCloseTo(0.5 * sigmaH * 100, 9);
    expect(((e.position?.stopLoss as number) / 100 - 1) * -sign).toBeCloseTo(sigmaH, 9);
  });

  it("restores from its JSON state mid-position and decides identically", () => {
    const a = engine();
    const enter = runUntilEntry(a);
    a.onFill(fill(enter, 100, enter.ts + 100));
    const b = new StrategyEngine(
      { symbol: "BTCUSDT", config: a.config, configVersion: "v-test", instrument, equity: () => 10_000 },
      JSON.parse(JSON.stringify(a.getState())),
    );
    expect(b.position).toEqual(a.position);
    const through = enter.side === "long" ? 99.8 : 100.2;
    const later: MarketEvent[] = [trade(enter.ts + 1_000, 100.01), trade(enter.ts + 2_000, through)];
    for (const ev of later) expect(b.onEvent(ev)).toEqual(a.onEvent(ev));
  });

  it("is deterministic: the same events give the same intents", () => {
    const run = () => {
      const e = engine();
      return warmup().flatMap((t) => e.onEvent(t));
    };
    expect(run()).toEqual(run());
  });

  it("does not enter with the plan's strict default gates on a quiet market", () => {
    const e = engine({});
    expect(warmup().flatMap((t) => e.onEvent(t))).toEqual([]);
  });
});

describe("externalExitReason", () => {
  const long = { side: "long", entryPrice: 100, stopLoss: 99.88, takeProfit: 100.3 } as const;
  const position = { ...long } as unknown as Parameters<typeof externalExitReason>[0];

  it("reads a close past half the stop distance on the losing side as the stop-loss", () => {
    expect(externalExitReason(position, 99.87)).toBe("stop_loss");
    expect(externalExitReason(position, 99.93)).toBe("stop_loss");
  });

  it("reads a close at or past the take-profit as the take-profit, and anything else as a close by the exchange", () => {
    expect(externalExitReason(position, 100.3)).toBe("take_profit");
    expect(externalExitReason(position, 100.1)).toBe("exchange_close");
    expect(externalExitReason(position, 99.95)).toBe("exchange_close");
  });

  it("mirrors the sides for a short", () => {
    const short = { ...position, side: "short", stopLoss: 100.12, takeProfit: 99.7 } as typeof position;
    expect(externalExitReason(short, 100.13)).toBe("stop_loss");
    expect(externalExitReason(short, 99.7)).toBe("take_profit");
  });
});
