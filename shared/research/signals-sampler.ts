/**
 * The sampling half of the signals study: market events in, one sample per second per symbol
 * out. Each symbol runs the real feature engine (../indicators/symbol-features.ts) and the real
 * scoring (../strategy/readings.ts, gates.ts) under the given config, so the study measures
 * whatever readings that config selects (`scoring.readings`), with the configured weights (the
 * learnt weights of `config.learning` play no part: nothing is traded here).
 *
 * - A sample is taken at each second boundary that closes a second in which the symbol had at
 *   least one event: the state is then what the engine saw after its last event (features are not
 *   advanced further; the engine decides on trades).
 * - The price path is kept at every second boundary of a segment (carried forward through silent
 *   seconds): the book's mid where the segment has a book, else the last trade price. Forward
 *   returns are read from it (../research/signals-report.ts).
 * - A silence longer than the indicators' `maxGapMs` ends the segment (the features start over
 *   then, as in the engine); the first `warmupMs` of each segment are not sampled.
 * @module
 */
import type { BotConfig } from "../config/schema";
import { type FeatureSnapshot, SymbolFeatures } from "../indicators/symbol-features";
import type { MarketEvent } from "../market/events";
import { evaluateGates, gatesPass } from "../strategy/gates";
import { readingsOf } from "../strategy/readings";
import { FAMILIES, type Family, type GateResult } from "../strategy/types";

/** What the study measures: every family's sub-score and the two composite scores. */
export const SIGNALS = [...FAMILIES, "long", "short"] as const;

/** One measured signal. */
export type SignalName = Family | "long" | "short";

/** How often one gate ended in each status. */
export type GateTally = Record<GateResult["status"], number>;

/** Gate outcomes over the samples, for the side each sample favours (the higher composite score). */
export interface GateCounts {
  /** Per gate name. */
  readonly gates: Record<string, GateTally>;
  /** Samples on which every gate passed (or was off). */
  allPass: number;
  /** Samples counted. */
  samples: number;
}

/** The samples of one contiguous stretch of one symbol. */
export interface SignalSeries {
  /** Where the events came from (a file name), as the caller labels it. */
  readonly source: string;
  readonly symbol: string;
  /** True when prices are the book's mid, false when they are last trade prices. */
  readonly usesMid: boolean;
  /** Epoch second of `prices[0]` (a boundary: the state after every event before it). */
  readonly firstSecond: number;
  /** Price at each second boundary from `firstSecond` on; NaN before the first price. */
  readonly prices: Float64Array;
  /** For each sample, its boundary as an offset into `prices` (ascending). */
  readonly at: Int32Array;
  /** Each signal's value at each sample. */
  readonly values: Readonly<Record<SignalName, Float64Array>>;
  readonly gates: GateCounts;
}

/** Sampling settings. */
export interface SamplerOptions {
  /** Unsampled start of each segment, ms (the indicators warm up). Default {@link DEFAULT_WARMUP_MS}. */
  readonly warmupMs?: number;
}

/**
 * Default unsampled start of a segment: 60 s, the longest one-second window the default readings
 * need (order flow's 60 s, the Bollinger squeeze's 60 bars; RSI, MACD and the EMA pairs take 30 or
 * fewer). The dev recordings are 6 to 11 minutes long, so a longer warm-up would drop most of them.
 */
export const DEFAULT_WARMUP_MS = 60_000;

/**
 * Turns a time-ordered event stream (per symbol, as the engine receives it) into
 * {@link SignalSeries}. Feed every event with {@link SignalSampler.onEvent}, then call
 * {@link SignalSampler.finish} once.
 */
export class SignalSampler {
  private readonly config: BotConfig;
  private readonly warmupMs: number;
  private readonly source: string;
  private readonly symbols = new Map<string, SymbolSampler>();
  private readonly done: SignalSeries[] = [];

  constructor(config: BotConfig, source: string, opts: SamplerOptions = {}) {
    this.config = config;
    this.source = source;
    this.warmupMs = opts.warmupMs ?? DEFAULT_WARMUP_MS;
  }

  /** Feeds one market event. */
  onEvent(e: MarketEvent): void {
    let s = this.symbols.get(e.symbol);
    if (s === undefined) {
      s = new SymbolSampler(e.symbol, this.config, this.warmupMs, this.source, (x) => this.done.push(x));
      this.symbols.set(e.symbol, s);
    }
    s.onEvent(e);
  }

  /** Closes every open segment and returns all series (segments of a symbol in time order). */
  finish(): SignalSeries[] {
    for (const s of this.symbols.values()) s.finish();
    return this.done;
  }
}

class SymbolSampler {
  private readonly symbol: string;
  private readonly config: BotConfig;
  private readonly warmupMs: number;
  private readonly source: string;
  private readonly emit: (s: SignalSeries) => void;
  private readonly features: SymbolFeatures;
  private second = -1;
  private segment: SegmentBuilder | null = null;
  private lastTrade = Number.NaN;

  constructor(symbol: string, config: BotConfig, warmupMs: number, source: string, emit: (s: SignalSeries) => void) {
    this.symbol = symbol;
    this.config = config;
    this.warmupMs = warmupMs;
    this.source = source;
    this.emit = emit;
    this.features = new SymbolFeatures(symbol, config.indicators);
  }

  onEvent(e: MarketEvent): void {
    const sec = Math.floor(e.ts / 1000);
    if (sec > this.second) {
      if (this.second >= 0) this.closeSeconds(sec);
      this.second = sec;
    }
    if (this.segment === null) this.segment = new SegmentBuilder(sec, e.ts);
    if (e.kind === "trade") {
      if (this.features.onTrade(e)) this.lastTrade = e.price;
    } else if (e.kind === "bookTop") this.features.onBookTop(e);
    else this.features.onBookLevels(e);
  }

  finish(): void {
    if (this.second >= 0) this.closeSeconds(this.second + 1);
    this.endSegment();
  }

  /** The seconds from `this.second` up to `next` ended: record their boundary prices and sample the first. */
  private closeSeconds(next: number): void {
    const seg = this.segment as SegmentBuilder;
    const v = this.features.view();
    const mid = v.book.mid ?? Number.NaN;
    const boundary = this.second + 1;
    seg.pricesUpTo(boundary, this.lastTrade, mid);
    if (boundary * 1000 - seg.firstTs >= this.warmupMs && !Number.isNaN(this.lastTrade)) this.sample(seg, boundary, v);
    if ((next - this.second) * 1000 > this.config.indicators.maxGapMs) {
      this.endSegment();
      return;
    }
    seg.pricesUpTo(next, this.lastTrade, mid);
  }

  private sample(seg: SegmentBuilder, boundary: number, v: FeatureSnapshot): void {
    // The config's readings (scoring.readings); with `setups` a family's value is its reading in the
    // setup behind the stronger side.
    const { sub, score } = readingsOf(v, this.config, this.config.weights);
    seg.at.push(boundary - seg.firstSecond);
    for (const f of FAMILIES) seg.values[f].push(sub[f]);
    seg.values.long.push(score.long);
    seg.values.short.push(score.short);
    const gates = evaluateGates(score.long >= score.short ? "long" : "short", score, v, this.config);
    const counts = seg.gates;
    counts.samples++;
    if (gatesPass(gates)) counts.allPass++;
    for (const g of gates) {
      let t = counts.gates[g.name];
      if (t === undefined) {
        t = { pass: 0, fail: 0, unknown: 0, off: 0 };
        counts.gates[g.name] = t;
      }
      t[g.status]++;
    }
  }

  private endSegment(): void {
    const seg = this.segment;
    this.segment = null;
    if (seg === null || seg.at.length === 0) return;
    this.emit(seg.build(this.source, this.symbol));
  }
}

/** A segment's growing arrays. */
class SegmentBuilder {
  readonly firstSecond: number;
  readonly firstTs: number;
  readonly trades: number[] = [];
  readonly mids: number[] = [];
  readonly at: number[] = [];
  readonly values = Object.fromEntries((SIGNALS as readonly SignalName[]).map((s) => [s, [] as number[]])) as Record<
    SignalName,
    number[]
  >;
  readonly gates: GateCounts = { gates: {}, allPass: 0, samples: 0 };

  constructor(firstSecond: number, firstTs: number) {
    this.firstSecond = firstSecond;
    this.firstTs = firstTs;
  }

  /** Sets the price of every boundary up to and including `boundary` not set yet. */
  pricesUpTo(boundary: number, trade: number, mid: number): void {
    while (this.firstSecond + this.trades.length <= boundary) {
      this.trades.push(trade);
      this.mids.push(mid);
    }
  }

  build(source: string, symbol: string): SignalSeries {
    const usesMid = this.mids.some((m) => !Number.isNaN(m));
    const values = {} as Record<SignalName, Float64Array>;
    for (const s of SIGNALS) values[s] = Float64Array.from(this.values[s]);
    return {
      source,
      symbol,
      usesMid,
      firstSecond: this.firstSecond,
      prices: Float64Array.from(usesMid ? this.mids : this.trades),
      at: Int32Array.from(this.at),
      values,
      gates: this.gates,
    };
  }
}
