import type { BotConfig } from "../config/schema";
import { SimulatedBroker } from "../execution/sim-broker";
import { StrategyEngine, type SubScoreTransform } from "../strategy/engine";
import { TradingSession, type EntryDecisionRecord as SessionDecision } from "../strategy/session";
import type { ClosedTrade } from "../strategy/types";
import type { WeightChange } from "../strategy/weight-learner";
import type { MarketEvent } from "../market/events";
import type { Instrument } from "../market/instrument";
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
  /** Research only: handed to every engine (see {@link SubScoreTransform}); absent = unchanged. */
  readonly subScoreTransform?: SubScoreTransform;
}

/** An entry decision as the run saw it (for the lookahead check and the report). */
export interface EntryDecisionRecord {
  readonly ts: number;
  /** Market events fed when the decision was made: its position in the stream (receive order). */
  readonly eventIndex: number;
  readonly symbol: string;
  readonly side: "long" | "short";
  readonly clientOid: string;
  readonly outcome: "placed" | string;
}

/** A change of one symbol's learnt weights during a run. */
export interface SymbolWeightChange extends WeightChange {
  readonly symbol: string;
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
  /** Every change of the learnt weights, in the order they happened (empty without `config.learning.enabled`). */
  readonly weightChanges: SymbolWeightChange[];
}

/**
 * Replays market events (already merged in time order) through the same engine, portfolio rules
 * and simulated broker the live stack uses, orchestrated by the same {@link TradingSession} as the
 * SymbolAgent (here with the portfolio in memory, answering synchronously). The clock is the
 * events' exchange time; every second of it ticks every engine (time exits while a symbol is
 * silent) and samples the equity curve. Open positions are closed at market when the data ends
 * (`end_of_data`).
 */
export class Backtest {
  private readonly options: BacktestOptions;
  private readonly broker: SimulatedBroker;
  private readonly session: TradingSession;
  private portfolio: Portfolio | null = null;
  private readonly trades: ClosedTrade[] = [];
  private readonly equityCurve: EquityPoint[] = [];
  private readonly entries: EntryDecisionRecord[] = [];
  private readonly denials: Record<string, number> = {};
  private readonly prices: Record<string, { ts: number; price: number }[]> = {};
  private readonly weightChanges: SymbolWeightChange[] = [];
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
      onFill: (f) => this.session.onFill(f),
      onReject: (s) => this.session.onOrderDone(s, this.lastTs ?? 0),
      onCancel: (s) => this.session.onOrderDone(s, this.lastTs ?? 0),
    });
    const book = () => this.portfolio as Portfolio;
    this.session = new TradingSession({
      orders: this.broker,
      portfolio: {
        requestEntry: (req) => book().requestEntry(req),
        confirmOpen: (res, fill) => void book().confirmOpen(res, fill),
        releaseReservation: (res) => void book().releaseReservation(res),
        reportClose: (symbol, report) => void book().closePosition(symbol, report),
      },
      hooks: { onEntryDecision: (d) => this.recordDecision(d), onClosed: (t) => this.trades.push(t) },
    });
  }

  /** Feeds one market event (events must come in non-decreasing exchange-time order per symbol). */
  onEvent(e: MarketEvent): void {
    this.events++;
    if (this.firstTs === null) this.firstTs = e.ts;
    if (this.lastTs === null || e.ts > this.lastTs) this.lastTs = e.ts;
    const portfolio = this.portfolioAt(e.ts);
    this.broker.onEvent(e);
    this.engineFor(e);
    if (e.kind === "trade") {
      portfolio.markPrice(e.symbol, e.price, e.ts);
      this.samplePrice(e.symbol, e.ts, e.price);
    }
    this.session.onEvent(e);
    if (portfolio.requiresFlatten) this.session.flatten(e.ts, "daily_loss_flatten");
    const sec = Math.floor(e.ts / 1000);
    if (sec > this.second) {
      if (this.second >= 0) this.session.tick(e.ts);
      this.second = sec;
      this.equityCurve.push({ ts: e.ts, equity: portfolio.equity });
    }
  }

  /** Closes what is open at the last price and returns the run. */
  finish(): BacktestRun {
    const end = this.lastTs ?? 0;
    this.session.flatten(end, "end_of_data");
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
      symbols: [...this.session.engines()].map((en) => en.symbol),
      prices: this.prices,
      firstTs: this.firstTs,
      lastTs: this.lastTs,
      weightChanges: this.weightChanges,
    };
  }

  private portfolioAt(ts: number): Portfolio {
    if (this.portfolio === null) this.portfolio = new Portfolio(this.options.config.portfolio, { startEquity: this.options.capital, now: ts });
    return this.portfolio;
  }

  private engineFor(e: MarketEvent): StrategyEngine {
    let engine = this.session.engine(e.symbol);
    if (engine) return engine;
    const price = e.kind === "trade" ? e.price : e.kind === "bookTop" ? e.bidPrice : (e.bids[0]?.[0] ?? 0);
    const instrument = (this.options.instrument ?? defaultInstrument)(e.symbol, price);
    const symbol = e.symbol;
    engine = new StrategyEngine({
      symbol, config: this.options.config, configVersion: this.options.configVersion, instrument, equity: () => this.portfolio?.equity ?? this.options.capital,
      subScoreTransform: this.options.subScoreTransform, onWeightChange: (c) => this.weightChanges.push({ symbol, ...c }),
    });
    this.session.setEngine(engine);
    return engine;
  }

  private recordDecision(d: SessionDecision): void {
    const { decision } = d;
    this.entries.push({ ts: d.ts, eventIndex: this.events, symbol: d.symbol, side: d.side, clientOid: d.clientOid, outcome: decision.ok ? "placed" : decision.reason });
    if (!decision.ok) this.denials[decision.reason] = (this.denials[decision.reason] ?? 0) + 1;
  }

  private samplePrice(symbol: string, ts: number, price: number): void {
    const series = (this.prices[symbol] ??= []);
    const last = series[series.length - 1];
    if (last && Math.floor(last.ts / 1000) === Math.floor(ts / 1000)) last.price = price;
    else series.push({ ts, price });
  }
}
