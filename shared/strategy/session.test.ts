import { describe, expect, it } from "vitest";
import { parseConfig } from "../config/config";
import type { BotConfig } from "../config/schema";
import { SimulatedBroker } from "../execution/sim-broker";
import type { TradeEvent } from "../market/events";
import { defaultInstrument } from "../market/instruments";
import type { CloseReport, EntryAnswer, EntryDecision, EntryFill, EntryRequest } from "../risk/portfolio-types";
import { StrategyEngine } from "./engine";
import type { CancelResult, OrderRequest, PlaceResult } from "../execution/orders";
import type { OrderPort } from "../execution/broker";
import { TradingSession, type SessionPortfolio } from "./session";
import type { ClosedTrade } from "./types";

const T0 = 1_700_000_000_000;

function config(): BotConfig {
  const r = parseConfig({
    gates: { minScore: 0, minAgreeing: 0, minVolumeRatio: 0, minExpectedMoveFeeMultiple: 0, requireBook: false },
    execution: { entryOrder: "market", latencyMs: 0 },
  });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.config;
}

let tradeId = 0;
function trade(ts: number, price: number, side: "buy" | "sell" = "buy"): TradeEvent {
  return { kind: "trade", symbol: "BTCUSDT", ts, price, size: 0.5, side, id: String(++tradeId) };
}

/** A portfolio whose entry answers wait until the test releases them, and which logs every call. */
class DeferredPortfolio implements SessionPortfolio {
  readonly calls: string[] = [];
  readonly requests: EntryRequest[] = [];
  private answers: ((d: EntryDecision) => void)[] = [];

  requestEntry(req: EntryRequest): Promise<EntryDecision> {
    this.requests.push(req);
    this.calls.push("requestEntry");
    return new Promise((resolve) => this.answers.push(resolve));
  }
  confirmOpen(reservationId: string, fill: EntryFill): void {
    this.calls.push(`confirmOpen ${reservationId} ${fill.side}`);
  }
  releaseReservation(reservationId: string): void {
    this.calls.push(`release ${reservationId}`);
  }
  reportClose(symbol: string, report: CloseReport): void {
    this.calls.push(`reportClose ${symbol} ${report.exitReason}`);
  }
  async answer(d: EntryDecision): Promise<void> {
    const next = this.answers.shift();
    if (!next) throw new Error("no pending entry request");
    next(d);
    await Promise.resolve();
    await Promise.resolve();
  }
}

function setup() {
  const portfolio = new DeferredPortfolio();
  const closed: ClosedTrade[] = [];
  const order: string[] = [];
  const decisions: EntryAnswer[] = [];
  let steps = 0;
  let session: TradingSession | null = null;
  const broker = new SimulatedBroker({
    latencyMs: 0,
    onFill: (f) => session?.onFill(f),
    onReject: (s) => session?.onOrderDone(s, 0),
    onCancel: (s) => session?.onOrderDone(s, 0),
  });
  session = new TradingSession({
    orders: broker,
    portfolio: new Proxy(portfolio, {
      get: (target, key) =>
        key === "reportClose"
          ? (s: string, r: CloseReport) => (order.push("portfolio"), target.reportClose(s, r))
          : Reflect.get(target, key),
    }),
    hooks: {
      onClosed: (t) => (order.push("ledger"), closed.push(t)),
      onAsyncStep: () => steps++,
      onEntryDecision: (d) => decisions.push(d.decision),
    },
  });
  const engine = new StrategyEngine({
    symbol: "BTCUSDT",
    config: config(),
    configVersion: "v-test",
    instrument: defaultInstrument("BTCUSDT"),
    equity: () => 10_000,
  });
  session.setEngine(engine);
  const feed = (e: TradeEvent) => {
    broker.onEvent(e);
    session?.onEvent(e);
  };
  return { portfolio, broker, session, engine, closed, order, decisions, feed, steps: () => steps };
}

/** Feeds a calm, gently rising market until the engine asks to enter; returns the time of the last trade. */
function warmUntilEntering(s: ReturnType<typeof setup>): number {
  for (let i = 0; i < 200; i++) {
    const ts = T0 + i * 500;
    s.feed(trade(ts, 100 + (i % 7) * 0.01 + i * 0.002, i % 3 ? "buy" : "sell"));
    if (s.engine.phase === "entering") return ts;
  }
  throw new Error("the engine never entered");
}

describe("TradingSession", () => {
  it("places no order while the portfolio's answer is pending, and cannot enter twice meanwhile", () => {
    const s = setup();
    const ts = warmUntilEntering(s);
    for (let i = 1; i <= 3; i++) s.feed(trade(ts + i * 100, 100.2));
    expect(s.portfolio.requests).toHaveLength(1);
    expect(s.session.pendingDecisions).toBe(1);
    expect(s.broker.getState().pending).toHaveLength(0);
    expect(s.broker.stats.fills).toBe(0);
  });

  it("places the entry after an approval and confirms the reservation when it fills", async () => {
    const s = setup();
    const ts = warmUntilEntering(s);
    await s.portfolio.answer({ ok: true, reservationId: "r1", correlation: null, correlated: false });
    expect(s.steps()).toBe(1);
    s.feed(trade(ts + 200, 100.2));
    expect(s.engine.phase).toBe("open");
    expect(s.portfolio.calls).toEqual(["requestEntry", `confirmOpen r1 ${s.engine.position?.side}`]);
    expect(s.session.getState().reservations).toEqual({});
  });

  it("ends the entry without any order when the portfolio refuses", async () => {
    const s = setup();
    warmUntilEntering(s);
    await s.portfolio.answer({ ok: false, reason: "max_positions", detail: "10 open" });
    expect(s.engine.phase).toBe("flat");
    expect(s.broker.stats.fills + s.broker.getState().pending.length).toBe(0);
  });

  it("releases an approval that arrives after the entry was cancelled while waiting", async () => {
    const s = setup();
    const ts = warmUntilEntering(s);
    s.session.flatten(ts + 10, "flatten");
    await s.portfolio.answer({ ok: true, reservationId: "r7", correlation: null, correlated: false });
    expect(s.engine.phase).toBe("flat");
    expect(s.portfolio.calls).toEqual(["requestEntry", "release r7"]);
    expect(s.broker.getState().pending).toHaveLength(0);
  });

  it("treats a portfolio that throws as a refusal of its own kind, portfolio_unreachable", async () => {
    const s = setup();
    s.portfolio.requestEntry = (req) => (s.portfolio.requests.push(req), Promise.reject(new Error("network lost")));
    warmUntilEntering(s);
    await Promise.resolve();
    await Promise.resolve();
    expect(s.portfolio.requests).toHaveLength(1);
    expect(s.engine.phase).toBe("flat");
    expect(s.steps()).toBe(1);
    expect(s.decisions).toEqual([{ ok: false, reason: "portfolio_unreachable", detail: "network lost" }]);
  });

  it("writes a closed trade to the ledger hook before it reports the close to the portfolio", async () => {
    const s = setup();
    const ts = warmUntilEntering(s);
    await s.portfolio.answer({ ok: true, reservationId: "r1", correlation: null, correlated: false });
    s.feed(trade(ts + 100, 100.2));
    const p = s.engine.position;
    if (!p) throw new Error("no position");
    const through = p.side === "long" ? p.stopLoss * 0.999 : p.stopLoss * 1.001;
    s.feed(trade(ts + 200, through));
    s.feed(trade(ts + 300, through));
    expect(s.closed.map((t) => t.exitReason)).toEqual(["stop_loss"]);
    expect(s.order).toEqual(["ledger", "portfolio"]);
    expect(s.portfolio.calls).toContain("reportClose BTCUSDT stop_loss");
  });

  it("treats a cancel of an order the broker never saw as done, so a restored entry cannot hang", () => {
    const s = setup();
    warmUntilEntering(s);
    const restored = new TradingSession({ orders: s.broker, portfolio: s.portfolio });
    restored.setEngine(s.engine);
    restored.flatten(T0 + 500_000, "flatten");
    expect(s.engine.phase).toBe("flat");
  });

  it("keeps the reservations of entries in flight in its state", async () => {
    const s = setup();
    const c = config();
    const post = new StrategyEngine({
      symbol: "BTCUSDT",
      config: { ...c, execution: { ...c.execution, latencyMs: 0, entryOrder: "postOnly" } },
      configVersion: "v",
      instrument: defaultInstrument("BTCUSDT"),
      equity: () => 10_000,
    });
    s.session.setEngine(post);
    const top = {
      kind: "bookTop",
      symbol: "BTCUSDT",
      ts: T0,
      bidPrice: 99.95,
      bidSize: 5,
      askPrice: 100.05,
      askSize: 5,
      seq: "1",
    } as const;
    s.broker.onEvent(top);
    s.session.onEvent(top);
    for (let i = 0; i < 200 && post.phase !== "entering"; i++)
      s.feed(trade(T0 + i * 500, 100 + (i % 7) * 0.004, i % 3 ? "buy" : "sell"));
    expect(post.phase).toBe("entering");
    await s.portfolio.answer({ ok: true, reservationId: "r9", correlation: null, correlated: false });
    const state = JSON.parse(JSON.stringify(s.session.getState()));
    expect(s.broker.getState().resting).toHaveLength(1);
    expect(Object.values(state.reservations)).toEqual(["r9"]);
    expect(new TradingSession({ orders: s.broker, portfolio: s.portfolio }, state).getState()).toEqual(state);
  });

  describe("with an asynchronous broker", () => {
    /** Orders that answer when the test says so, and log every call. */
    class DeferredOrders implements OrderPort {
      readonly placed: OrderRequest[] = [];
      readonly cancels: string[] = [];
      private pending: ((r: PlaceResult | CancelResult) => void)[] = [];
      place(req: OrderRequest): Promise<PlaceResult> {
        this.placed.push(req);
        return new Promise((resolve) => this.pending.push(resolve as (r: PlaceResult | CancelResult) => void));
      }
      cancel(_symbol: string, clientOid: string): Promise<CancelResult> {
        this.cancels.push(clientOid);
        return new Promise((resolve) => this.pending.push(resolve as (r: PlaceResult | CancelResult) => void));
      }
      async answer(r: PlaceResult | CancelResult): Promise<void> {
        this.pending.shift()?.(r);
        await Promise.resolve();
        await Promise.resolve();
      }
    }

    function asyncSetup() {
      const s = setup();
      const orders = new DeferredOrders();
      let steps = 0;
      const session = new TradingSession({ orders, portfolio: s.portfolio, hooks: { onAsyncStep: () => steps++ } });
      const engine = new StrategyEngine({
        symbol: "BTCUSDT",
        config: config(),
        configVersion: "v-test",
        instrument: defaultInstrument("BTCUSDT"),
        equity: () => 10_000,
      });
      session.setEngine(engine);
      let ts = 0;
      for (let i = 0; i < 200 && engine.phase !== "entering"; i++)
        session.onEvent(trade((ts = T0 + i * 500), 100 + (i % 7) * 0.01 + i * 0.002, i % 3 ? "buy" : "sell"));
      return { orders, session, engine, portfolio: s.portfolio, ts, steps: () => steps };
    }

    it("places the approved entry through the broker's promise and opens on the fill that follows", async () => {
      const a = asyncSetup();
      expect(a.engine.phase).toBe("entering");
      await a.portfolio.answer({ ok: true, reservationId: "r1", correlation: null, correlated: false });
      expect(a.orders.placed).toHaveLength(1);
      const order = a.orders.placed[0];
      await a.orders.answer({ ok: true, clientOid: order.clientOid });
      expect(a.engine.phase).toBe("entering");
      a.session.onFill({
        clientOid: order.clientOid,
        symbol: "BTCUSDT",
        side: order.side,
        price: 100.2,
        size: order.size,
        fee: 0.01,
        liquidity: "taker",
        ts: a.ts + 100,
        slippage: 0,
        final: true,
      });
      expect(a.engine.phase).toBe("open");
      expect(a.portfolio.calls).toEqual(["requestEntry", `confirmOpen r1 ${a.engine.position?.side}`]);
      expect(a.steps()).toBe(2);
    });

    it("ends the entry and releases its reservation when the broker refuses it later", async () => {
      const a = asyncSetup();
      await a.portfolio.answer({ ok: true, reservationId: "r2", correlation: null, correlated: false });
      await a.orders.answer({ ok: false, reason: "insufficient_margin", detail: "no money" });
      expect(a.engine.phase).toBe("flat");
      expect(a.portfolio.calls).toEqual(["requestEntry", "release r2"]);
    });

    it("treats an entry whose asynchronous cancel succeeded as done", async () => {
      const a = asyncSetup();
      await a.portfolio.answer({ ok: true, reservationId: "r3", correlation: null, correlated: false });
      const order = a.orders.placed[0];
      await a.orders.answer({ ok: true, clientOid: order.clientOid });
      a.session.flatten(a.ts + 50, "flatten");
      expect(a.orders.cancels).toEqual([order.clientOid]);
      expect(a.engine.phase).toBe("entering");
      await a.orders.answer({ ok: true, filledSize: 0 });
      expect(a.engine.phase).toBe("flat");
      expect(a.portfolio.calls).toEqual(["requestEntry", "release r3"]);
    });
  });
});
