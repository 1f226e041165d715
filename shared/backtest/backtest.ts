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
  private readonly symbols = new Map<string, SymbolSlot>();
  private events = 0;
  private second = -1;
  /** Every `ts <= secondUntil` is in `second` or earlier (see {@link lastTsOfSecond}). */
  private secondUntil = -Infinity;
  // Plain doubles, read as null while `events` is 0: a `number | null` field boxes every write.
  private firstTs = NaN;
  private lastTs = -Infinity;

  constructor(options: BacktestOptions) {
    this.options = options;
    const { fees, execution } = options.config;
    this.broker = new SimulatedBroker({
      fees,
      latencyMs: execution.latencyMs,
      entryTimeoutMs: execution.entryTimeoutMs,
      tradeOnlySpreadBps: execution.tradeOnlySpreadBps,
      onFill: (f) => this.session.onFill(f),
      onReject: (s) => this.session.onOrderDone(s, this.lastTsOrZero()),
      onCancel: (s) => this.session.onOrderDone(s, this.lastTsOrZero()),
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
    if (this.events++ === 0) this.firstTs = e.ts;
    if (e.ts > this.lastTs) this.lastTs = e.ts;
    const portfolio = this.portfolio ?? this.openPortfolio(e.ts);
    this.broker.onEvent(e);
    const slot = this.symbols.get(e.symbol) ?? this.addSymbol(e);
    if (e.kind === "trade") {
      portfolio.markPrice(e.symbol, e.price, e.ts);
      this.samplePrice(slot, e.ts, e.price);
    }
    this.session.onEventOf(slot.engine, e);
    if (portfolio.requiresFlatten) this.session.flatten(e.ts, "daily_loss_flatten");
    if (e.ts > this.secondUntil) this.nextSecond(e.ts, portfolio);
  }

  /** Closes what is open at the last price and returns the run. */
  finish(): BacktestRun {
    const end = this.lastTsOrZero();
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
      firstTs: this.events === 0 ? null : this.firstTs,
      lastTs: this.events === 0 ? null : this.lastTs,
      weightChanges: this.weightChanges,
    };
  }

  private lastTsOrZero(): number {
    return this.events === 0 ? 0 : this.lastTs;
  }

  /** A later second began (or not: the bound is conservative): tick every engine and sample the equity. */
  private nextSecond(ts: number, portfolio: Portfolio): void {
    const sec = Math.floor(ts / 1000);
    if (!(sec > this.second)) return;
    if (this.second >= 0) this.session.tick(ts);
    this.second = sec;
    this.secondUntil = lastTsOfSecond(sec);
    this.equityCurve.push({ ts, equity: portfolio.equity });
  }

  private openPortfolio(ts: number): Portfolio {
    this.portfolio = new Portfolio(this.options.config.portfolio, { startEquity: this.options.capital, now: ts });
    return this.portfolio;
  }

  /** The engine (created on the symbol's first event) and the price series of `e.symbol`. */
  private addSymbol(e: MarketEvent): SymbolSlot {
    const symbol = e.symbol;
    let engine = this.session.engine(symbol);
    if (!engine) {
      const price = e.kind === "trade" ? e.price : e.kind === "bookTop" ? e.bidPrice : (e.bids[0]?.[0] ?? 0);
      const instrument = (this.options.instrument ?? defaultInstrument)(symbol, price);
      engine = new StrategyEngine({
        symbol,
        config: this.options.config,
        configVersion: this.options.configVersion,
        instrument,
        equity: () => this.portfolio?.equity ?? this.options.capital,
        subScoreTransform: this.options.subScoreTransform,
        onWeightChange: (c) => this.weightChanges.push({ symbol, ...c }),
      });
      this.session.setEngine(engine);
    }
    const slot: SymbolSlot = { symbol, engine, prices: null, last: null, lastSecondUntil: -Infinity };
    this.symbols.set(symbol, slot);
    return slot;
  }

  private recordDecision(d: SessionDecision): void {
    const { decision } = d;
    this.entries.push({
      ts: d.ts,
      eventIndex: this.events,
      symbol: d.symbol,
      side: d.side,
      clientOid: d.clientOid,
      outcome: decision.ok ? "placed" : decision.reason,
    });
    if (!decision.ok) this.denials[decision.reason] = (this.denials[decision.reason] ?? 0) + 1;
  }

  /** Keeps the last trade price of each second: a trade in the newest sample's second overwrites its price. */
  private samplePrice(slot: SymbolSlot, ts: number, price: number): void {
    const last = slot.last;
    if (last !== null && ts >= last.ts && ts <= slot.lastSecondUntil) {
      last.price = price;
      return;
    }
    const sec = Math.floor(ts / 1000);
    if (last !== null && Math.floor(last.ts / 1000) === sec) {
      last.price = price;
      return;
    }
    slot.last = { ts, price };
    slot.lastSecondUntil = lastTsOfSecond(sec);
    if (slot.prices === null) this.prices[slot.symbol] = slot.prices = [];
    slot.prices.push(slot.last);
  }
}

/** What the run keeps per symbol, found with one lookup per event. */
interface SymbolSlot {
  readonly symbol: string;
  readonly engine: StrategyEngine;
  /** Last trade price per second: the run's `prices[symbol]`, created on the symbol's first trade. */
  prices: { ts: number; price: number }[] | null;
  /** The newest sample of `prices`. */
  last: { ts: number; price: number } | null;
  /** {@link lastTsOfSecond} of `last`'s second: times from `last.ts` to it are in that second. */
  lastSecondUntil: number;
}

/**
 * A time whose second (`floor(ts / 1000)`) is at most `sec` (1 ms before the next second, or −∞
 * where rounding could tell otherwise): the second never decreases with `ts`, so every time up to
 * it is in `sec` or earlier, and the per-event check needs no division.
 */
function lastTsOfSecond(sec: number): number {
  const ts = (sec + 1) * 1000 - 1;
  return Math.floor(ts / 1000) <= sec ? ts : -Infinity;
}
