import type { BotConfig } from "../config/schema";
import { SimulatedBroker } from "../execution/sim-broker";
import type { Fill, OrderRequest, OrderStatus } from "../execution/orders";
import { intentOrderSide, StrategyEngine } from "../strategy/engine";
import type { ClosedTrade, Intent } from "../strategy/types";
import type { MarketEvent } from "../market/events";
import { roundToStep, type Instrument } from "../market/instrument";
import { defaultInstrument } from "../market/instruments";
import { Portfolio } from "../risk/portfolio";
import type { EquityPoint } from "./metrics";

/** Options of a backtest run. */
export interface BacktestOptions {
  readonly config: BotConfig;
  readonly configVersion: string;
  /** Starting equity, USDT. */
  readonly capital: number;
  /** Contract rules per symbol; defaults to {@link defaultInstrument}. */
  readonly instrument?: (symbol: string, price: number) => Instrument;
}

/** An entry decision as the run saw it (for the lookahead check and the report). */
export interface EntryDecisionRecord {
  readonly ts: number;
  readonly symbol: string;
  readonly side: "long" | "short";
  readonly clientOid: string;
  readonly outcome: "placed" | string;
}

/** What a finished run returns; the CLI adds metrics and the report. */
export interface BacktestRun {
  readonly trades: ClosedTrade[];
  readonly equityCurve: EquityPoint[];
  readonly entries: EntryDecisionRecord[];
  /** Portfolio refusals by reason. */
  readonly denials: Record<string, number>;
  readonly unfilledEntries: number;
  readonly tradeOnly: boolean;
  readonly events: number;
  readonly symbols: string[];
  /** Last trade price per second per symbol (for the report's price charts). */
  readonly prices: Record<string, { ts: number; price: number }[]>;
  readonly firstTs: number | null;
  readonly lastTs: number | null;
}

/**
 * Replays market events (already merged in time order) through the same engine, portfolio rules
 * and simulated broker the live stack uses. The clock is the events' exchange time; every second
 * of it ticks every engine (time exits while a symbol is silent) and samples the equity curve.
 * Open positions are closed at market when the data ends (`end_of_data`).
 */
export class Backtest {
  private readonly options: BacktestOptions;
  private readonly broker: SimulatedBroker;
  private portfolio: Portfolio | null = null;
  private readonly engines = new Map<string, StrategyEngine>();
  private readonly byOid = new Map<string, StrategyEngine>();
  private readonly reservations = new Map<string, string>();
  private readonly trades: ClosedTrade[] = [];
  private readonly equityCurve: EquityPoint[] = [];
  private readonly entries: EntryDecisionRecord[] = [];
  private readonly denials: Record<string, number> = {};
  private readonly prices: Record<string, { ts: number; price: number }[]> = {};
  private events = 0;
  private second = -1;
  private firstTs: number | null = null;
  private lastTs: number | null = null;

  constructor(options: BacktestOptions) {
    this.options = options;
    const { fees, execution } = options.config;
    this.broker = new SimulatedBroker({
      fees,
      latencyMs: execution.latencyMs,
      entryTimeoutMs: execution.entryTimeoutMs,
      tradeOnlySpreadBps: execution.tradeOnlySpreadBps,
      onFill: (f) => this.onFill(f),
      onReject: (s) => this.onDone(s),
      onCancel: (s) => this.onDone(s),
    });
  }

  /** Feeds one market event (events must come in non-decreasing exchange-time order per symbol). */
  onEvent(e: MarketEvent): void {
    this.events++;
    if (this.firstTs === null) this.firstTs = e.ts;
    if (this.lastTs === null || e.ts > this.lastTs) this.lastTs = e.ts;
    const portfolio = this.portfolioAt(e.ts);
    this.broker.onEvent(e);
    const engine = this.engineFor(e);
    if (e.kind === "trade") {
      portfolio.markPrice(e.symbol, e.price, e.ts);
      this.samplePrice(e.symbol, e.ts, e.price);
    }
    this.execute(engine.onEvent(e));
    if (portfolio.requiresFlatten) this.flattenAll(e.ts, "daily_loss_flatten");
    const sec = Math.floor(e.ts / 1000);
    if (sec > this.second) {
      if (this.second >= 0) for (const en of this.engines.values()) this.execute(en.tick(e.ts));
      this.second = sec;
      this.equityCurve.push({ ts: e.ts, equity: portfolio.equity });
    }
  }

  /** Closes what is open at the last price and returns the run. */
  finish(): BacktestRun {
    const end = this.lastTs ?? 0;
    this.flattenAll(end, "end_of_data");
    const settle = end + this.options.config.execution.latencyMs + 1;
    this.broker.advance(settle);
    if (this.portfolio) this.equityCurve.push({ ts: settle, equity: this.portfolio.equity });
    return {
      trades: this.trades,
      equityCurve: this.equityCurve,
      entries: this.entries,
      denials: this.denials,
      unfilledEntries: this.broker.stats.unfilledEntries,
      tradeOnly: this.broker.stats.tradeOnly,
      events: this.events,
      symbols: [...this.engines.keys()],
      prices: this.prices,
      firstTs: this.firstTs,
      lastTs: this.lastTs,
    };
  }

  private portfolioAt(ts: number): Portfolio {
    if (this.portfolio === null) this.portfolio = new Portfolio(this.options.config.portfolio, { startEquity: this.options.capital, now: ts });
    return this.portfolio;
  }

  private engineFor(e: MarketEvent): StrategyEngine {
    let engine = this.engines.get(e.symbol);
    if (engine) return engine;
    const price = e.kind === "trade" ? e.price : e.kind === "bookTop" ? e.bidPrice : (e.bids[0]?.[0] ?? 0);
    const instrument = (this.options.instrument ?? defaultInstrument)(e.symbol, price);
    engine = new StrategyEngine({ symbol: e.symbol, config: this.options.config, configVersion: this.options.configVersion, instrument, equity: () => this.portfolio?.equity ?? this.options.capital });
    this.engines.set(e.symbol, engine);
    return engine;
  }

  private execute(intents: Intent[]): void {
    for (const intent of intents) {
      const engine = this.engines.get(intent.symbol) as StrategyEngine;
      if (intent.kind === "cancel") {
        const r = this.broker.cancelSync(intent.symbol, intent.clientOid);
        if (r.ok) this.afterDone(engine, intent.clientOid, intent.ts);
        continue;
      }
      if (intent.kind === "enter" && !this.reserve(engine, intent)) continue;
      this.byOid.set(intent.clientOid, engine);
      const order: OrderRequest = {
        clientOid: intent.clientOid, symbol: intent.symbol, side: intentOrderSide(intent), type: intent.orderType,
        price: intent.orderType === "postOnly" ? intent.price : undefined, size: intent.size, reduceOnly: intent.kind === "exit", ts: intent.ts,
        stopLossPrice: intent.kind === "enter" ? roundToStep(intent.stopLoss, engine.instrument.tickSize) : undefined,
      };
      const placed = this.broker.placeSync(order);
      if (!placed.ok) this.afterDone(engine, intent.clientOid, intent.ts);
    }
  }

  /** Asks the portfolio rules; a refusal ends the entry before any order exists. */
  private reserve(engine: StrategyEngine, intent: Extract<Intent, { kind: "enter" }>): boolean {
    const decision = (this.portfolio as Portfolio).requestEntry({ symbol: intent.symbol, side: intent.side, notional: intent.size * intent.price, ts: intent.ts });
    this.entries.push({ ts: intent.ts, symbol: intent.symbol, side: intent.side, clientOid: intent.clientOid, outcome: decision.ok ? "placed" : decision.reason });
    if (!decision.ok) {
      this.denials[decision.reason] = (this.denials[decision.reason] ?? 0) + 1;
      this.execute(engine.onOrderDone(intent.clientOid, intent.ts));
      return false;
    }
    this.reservations.set(intent.clientOid, decision.reservationId);
    return true;
  }

  private onFill(f: Fill): void {
    const engine = this.byOid.get(f.clientOid);
    if (!engine) return;
    const before = engine.phase;
    const { intents, closed } = engine.onFill(f);
    if (before === "entering" && phaseOf(engine) === "open") this.confirm(engine, f.clientOid, f.ts);
    if (closed) this.recordClose(closed);
    this.execute(intents);
  }

  private onDone(s: OrderStatus): void {
    const engine = this.byOid.get(s.clientOid);
    if (engine) this.afterDone(engine, s.clientOid, this.lastTs ?? 0);
  }

  private afterDone(engine: StrategyEngine, clientOid: string, ts: number): void {
    const before = engine.phase;
    const intents = engine.onOrderDone(clientOid, ts);
    const after = phaseOf(engine);
    if (before === "entering" && after === "open") this.confirm(engine, clientOid, ts);
    else if (before === "entering" && after === "flat") {
      const res = this.reservations.get(clientOid);
      if (res) this.portfolio?.releaseReservation(res);
      this.reservations.delete(clientOid);
    }
    this.execute(intents);
  }

  private confirm(engine: StrategyEngine, clientOid: string, ts: number): void {
    const p = engine.position;
    const res = this.reservations.get(clientOid);
    if (!p || !res) return;
    this.portfolio?.confirmOpen(res, { entryPrice: p.entryPrice, size: p.size, side: p.side, ts, entryFee: p.fees });
    this.reservations.delete(clientOid);
  }

  private recordClose(t: ClosedTrade): void {
    this.trades.push(t);
    this.portfolio?.closePosition(t.symbol, { netPnl: t.netPnl, exitReason: t.exitReason, ts: t.exitTime });
  }

  private flattenAll(ts: number, reason: "daily_loss_flatten" | "end_of_data"): void {
    for (const engine of this.engines.values()) this.execute(engine.flatten(ts, reason));
  }

  private samplePrice(symbol: string, ts: number, price: number): void {
    const series = (this.prices[symbol] ??= []);
    const last = series[series.length - 1];
    if (last && Math.floor(last.ts / 1000) === Math.floor(ts / 1000)) last.price = price;
    else series.push({ ts, price });
  }
}

/** The engine's phase, read afresh (TypeScript would narrow a repeated getter read). */
function phaseOf(engine: StrategyEngine): "flat" | "entering" | "open" {
  return engine.phase;
}
