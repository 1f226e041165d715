import type { BotConfig } from "../config/schema";
import type { SubScoreTransform } from "../strategy/engine";
import type { EntryDecisionRecord as SessionDecision, SessionPortfolio } from "../strategy/session";
import type { ClosedTrade } from "../strategy/types";
import type { WeightChange } from "../strategy/weight-learner";
import type { MarketEvent } from "../market/events";
import type { Instrument } from "../market/instrument";
import { Portfolio } from "../risk/portfolio";
import { lastTsOfSecond } from "../runner/clock";
import { sizingEquityOf } from "../runner/sizing-equity";
import { SymbolRunner } from "../runner/symbol-runner";
import type { EquityPoint } from "./metrics";

/** Options of a backtest run. */
export interface BacktestOptions {
  readonly config: BotConfig;
  readonly configVersion: string;
  /** Starting equity, USDT. */
  readonly capital: number;
  /** Contract rules per symbol; defaults to `defaultInstrument`. */
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
  /** True when some symbol's data carried no book event at all (orders then fill against trades only), whether or not anything filled. */
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
 * Replays market events (already merged in time order) through one {@link SymbolRunner} per symbol
 * (the same runner the SymbolAgent drives: engine, simulated broker and trading session) and the
 * portfolio rules in memory, answering synchronously. The clock is the events' exchange time; every
 * second of it ticks every runner (time exits while a symbol is silent) and samples the equity curve.
 * Open positions are closed at market when the data ends (`end_of_data`).
 */
export class Backtest {
  private readonly options: BacktestOptions;
  private readonly runners = new Map<string, SymbolSlot>();
  private readonly portfolioPort: SessionPortfolio;
  private portfolio: Portfolio | null = null;
  private readonly trades: ClosedTrade[] = [];
  private readonly equityCurve: EquityPoint[] = [];
  private readonly entries: EntryDecisionRecord[] = [];
  private readonly denials: Record<string, number> = {};
  private readonly prices: Record<string, { ts: number; price: number }[]> = {};
  private readonly weightChanges: SymbolWeightChange[] = [];
  private events = 0;
  private second = -1;
  /** Every `ts <= secondUntil` is in `second` or earlier (see {@link lastTsOfSecond}). */
  private secondUntil = -Infinity;
  // Plain doubles, read as null while `events` is 0: a `number | null` field boxes every write.
  private firstTs = NaN;
  private lastTs = -Infinity;

  constructor(options: BacktestOptions) {
    this.options = options;
    const book = () => this.portfolio as Portfolio;
    this.portfolioPort = {
      requestEntry: (req) => book().requestEntry(req),
      confirmOpen: (res, fill) => void book().confirmOpen(res, fill),
      releaseReservation: (res) => void book().releaseReservation(res),
      reportClose: (symbol, report) => void book().closePosition(symbol, report),
      syncPosition: (symbol, position) => void book().syncPosition(symbol, position),
    };
  }

  /** Feeds one market event (events must come in non-decreasing exchange-time order per symbol). */
  onEvent(e: MarketEvent): void {
    if (this.events++ === 0) this.firstTs = e.ts;
    if (e.ts > this.lastTs) this.lastTs = e.ts;
    const portfolio = this.portfolio ?? this.openPortfolio(e.ts);
    const slot = this.runners.get(e.symbol) ?? this.addSymbol(e.symbol);
    if (e.kind !== "trade") slot.hasBook = true;
    slot.runner.feed(e);
    if (portfolio.requiresFlatten) for (const s of this.runners.values()) s.runner.flatten(e.ts, "daily_loss_flatten");
    if (e.ts > this.secondUntil) this.nextSecond(e.ts, portfolio);
  }

  /** Closes what is open at the last price and returns the run. */
  finish(): BacktestRun {
    const end = this.lastTsOrZero();
    for (const s of this.runners.values()) s.runner.flatten(end, "end_of_data");
    const settle = end + this.options.config.execution.latencyMs + 1;
    for (const s of this.runners.values()) s.runner.advance(settle);
    if (this.portfolio) this.equityCurve.push({ ts: settle, equity: this.portfolio.equity });
    let unfilledEntries = 0;
    let tradeOnly = false;
    const symbols: string[] = [];
    for (const s of this.runners.values()) {
      unfilledEntries += s.runner.brokerStats.unfilledEntries;
      // The data decide, not the fills: a symbol without a single book event is trade-only even if nothing filled.
      tradeOnly ||= !s.hasBook || s.runner.brokerStats.tradeOnly;
      if (s.runner.engineOrNull) symbols.push(s.symbol);
    }
    return {
      trades: this.trades,
      equityCurve: this.equityCurve,
      entries: this.entries,
      denials: this.denials,
      unfilledEntries,
      tradeOnly,
      events: this.events,
      symbols,
      prices: this.prices,
      firstTs: this.events === 0 ? null : this.firstTs,
      lastTs: this.events === 0 ? null : this.lastTs,
      weightChanges: this.weightChanges,
    };
  }

  private lastTsOrZero(): number {
    return this.events === 0 ? 0 : this.lastTs;
  }

  /** A later second began (or not: the bound is conservative): tick every runner and sample the equity. */
  private nextSecond(ts: number, portfolio: Portfolio): void {
    const sec = Math.floor(ts / 1000);
    if (!(sec > this.second)) return;
    if (this.second >= 0) for (const s of this.runners.values()) s.runner.tick(ts);
    this.second = sec;
    this.secondUntil = lastTsOfSecond(sec);
    this.equityCurve.push({ ts, equity: portfolio.equity });
  }

  private openPortfolio(ts: number): Portfolio {
    this.portfolio = new Portfolio(this.options.config.portfolio, { startEquity: this.options.capital, now: ts });
    return this.portfolio;
  }

  /** The runner (its engine is made on the symbol's first event) and the price series of `symbol`. */
  private addSymbol(symbol: string): SymbolSlot {
    const o = this.options;
    const series: PriceSeries = { symbol, prices: null, last: null, lastSecondUntil: -Infinity };
    const runner = new SymbolRunner({
      symbol,
      config: { config: o.config, version: o.configVersion },
      portfolio: this.portfolioPort,
      // The agent's rule (sizing-equity.ts); equal to the portfolio's equity while the symbol is flat.
      equity: { now: () => (this.portfolio ? sizingEquityOf(this.portfolio.equityView(), symbol) : o.capital) },
      ...(o.instrument ? { instrument: o.instrument } : {}),
      ...(o.subScoreTransform ? { subScoreTransform: o.subScoreTransform } : {}),
      hooks: {
        onEntryDecision: (d) => this.recordDecision(d),
        onClosed: (t) => this.trades.push(t),
        onWeightChange: (c) => this.weightChanges.push({ symbol, ...c }),
        onTrade: (t) => {
          (this.portfolio as Portfolio).markPrice(symbol, t.price, t.ts);
          this.samplePrice(series, t.ts, t.price);
        },
      },
    });
    const slot: SymbolSlot = { symbol, runner, hasBook: false };
    this.runners.set(symbol, slot);
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
  private samplePrice(slot: PriceSeries, ts: number, price: number): void {
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
  readonly runner: SymbolRunner;
  /** Whether the data carried any book event of this symbol. */
  hasBook: boolean;
}

/** The last trade price per second of one symbol. */
interface PriceSeries {
  readonly symbol: string;
  /** Last trade price per second: the run's `prices[symbol]`, created on the symbol's first trade. */
  prices: { ts: number; price: number }[] | null;
  /** The newest sample of `prices`. */
  last: { ts: number; price: number } | null;
  /** {@link lastTsOfSecond} of `last`'s second: times from `last.ts` to it are in that second. */
  lastSecondUntil: number;
}
