/**
 * The bot watches its own edge (issue 12.7), per symbol: the rolling expectancy after fees of its
 * closed trades, and the markouts of its entry decisions (the price move `h` after each entry,
 * signed by side), each with a confidence interval; and, when enabled, a pause of a symbol's
 * entries once its expectancy is below zero with the configured confidence. Pure: time comes only
 * from the `ts` passed in. The portfolio rules own one and consult it before every entry.
 * @module
 */
import type { EdgeGuardSettings } from "../config/edge-guard";
import type { PositionSide } from "../execution/orders";
import { type MeanInterval, meanInterval } from "./mean-interval";

/** An entry decision still waiting for some of its markouts. */
interface PendingDecision {
  readonly ts: number;
  readonly side: PositionSide;
  readonly price: number;
  /** Index into the horizons of the next markout to take. */
  next: number;
}

/** Everything the monitor keeps about one symbol (plain JSON). */
export interface SymbolEdgeState {
  /** Net return of the latest closed trades in bps of entry notional, oldest first (at most `window`). */
  readonly returnsBps: number[];
  /** Net PnL of the same trades, quote currency. */
  readonly netPnl: number[];
  /** Trades closed since the last pause (a new pause needs `minTrades` of them). */
  fresh: number;
  /** End of the running pause, epoch ms; null when none was ever started. */
  pausedUntil: number | null;
  /** Why the last pause started. */
  pauseDetail: string | null;
  /** Entry decisions awaiting markouts, oldest first. */
  readonly pending: PendingDecision[];
  /** Markouts per horizon (same order as the settings'), bps, oldest first (at most `markoutWindow`). */
  readonly markouts: number[][];
  /** Last price seen, the reference of the next decision. */
  lastPrice: number | null;
}

/** Serialisable state of {@link EdgeMonitor}. */
export interface EdgeMonitorState {
  readonly version: 1;
  readonly horizonsMs: readonly number[];
  readonly symbols: Record<string, SymbolEdgeState>;
}

/** A closed trade as the monitor reads it. */
export interface TradeOutcome {
  /** Net PnL after every fee, quote currency. */
  readonly netPnl: number;
  /** Entry price × size, quote currency (> 0). */
  readonly notional: number;
  readonly ts: number;
}

/** A running pause, with the reason the portfolio gives when it refuses an entry. */
export interface EdgePause {
  readonly symbol: string;
  readonly until: number;
  readonly reason: "negative_edge";
  readonly detail: string;
}

/** One symbol's edge as the API and the dashboard show it. */
export interface SymbolEdge {
  readonly symbol: string;
  /** Rolling expectancy per trade after fees, bps of entry notional, with its interval. */
  readonly expectancyBps: MeanInterval;
  /** Mean net PnL per trade over the same trades, quote currency. */
  readonly meanNetPnl: number | null;
  /** Markout of the entry decisions per horizon (key: horizon in ms), bps, signed by side. */
  readonly markoutsBps: Record<string, MeanInterval>;
  /** Entry decisions still waiting for a markout. */
  readonly pendingDecisions: number;
  readonly pause: EdgePause | null;
}

/** The monitor now: its settings and every symbol seen. */
export interface EdgeSnapshot {
  readonly enabled: boolean;
  readonly window: number;
  readonly minTrades: number;
  readonly confidence: number;
  readonly horizonsMs: readonly number[];
  readonly symbols: SymbolEdge[];
}

/** At most this many decisions wait for markouts per symbol; older ones are dropped (they cannot resolve without prices anyway). */
const MAX_PENDING = 256;

/**
 * Per-symbol expectancy, markouts and the edge pause.
 * - {@link recordTrade}: appends the trade's net return (bps of its notional) to the symbol's
 *   rolling window of `window` trades; with the guard enabled, at least `minTrades` trades since the
 *   last pause and the whole `confidence` interval of the window's mean below zero, the symbol is
 *   paused for `pauseMs`. The window is kept (the API still shows it); only trades after the pause
 *   count towards the next one.
 * - {@link recordDecision} and {@link onPrice}: each entry decision's markout at every horizon is
 *   the first price seen at or after `ts + h` against the last price seen before the decision, in
 *   bps, positive when the price moved the decision's way.
 * Memory per symbol: `window` trades, `markoutWindow` × horizons markouts, at most 256 pending decisions.
 */
export class EdgeMonitor {
  private readonly settings: EdgeGuardSettings;
  private readonly symbols = new Map<string, SymbolEdgeState>();
  private pendingCount = 0;

  constructor(settings: EdgeGuardSettings) {
    this.settings = settings;
  }

  /** Rebuilds a monitor; markouts of other horizons than the settings' are dropped. */
  static restore(state: EdgeMonitorState | undefined, settings: EdgeGuardSettings): EdgeMonitor {
    const m = new EdgeMonitor(settings);
    if (state === undefined) return m;
    const sameHorizons = sameNumbers(state.horizonsMs, settings.markoutHorizonsMs);
    for (const [symbol, s] of Object.entries(state.symbols)) {
      const copy = structuredClone(s);
      if (!sameHorizons) {
        copy.pending.length = 0;
        copy.markouts.length = 0;
        for (const _ of settings.markoutHorizonsMs) copy.markouts.push([]);
      }
      m.symbols.set(symbol, copy);
      m.pendingCount += copy.pending.length;
    }
    return m;
  }

  /** Records a closed trade of `symbol`; returns the pause it starts, else null. Invalid outcomes are ignored. */
  recordTrade(symbol: string, t: TradeOutcome): EdgePause | null {
    if (!Number.isFinite(t.netPnl) || !(t.notional > 0) || !Number.isFinite(t.notional)) return null;
    const s = this.state(symbol);
    push(s.returnsBps, (t.netPnl / t.notional) * 10_000, this.settings.window);
    push(s.netPnl, t.netPnl, this.settings.window);
    s.fresh++;
    const g = this.settings;
    if (!g.enabled || s.fresh < g.minTrades || this.pauseOf(symbol, s, t.ts) !== null) return null;
    const e = meanInterval(s.returnsBps, g.confidence);
    if (e.hi === null || !(e.hi < 0)) return null;
    s.fresh = 0;
    s.pausedUntil = t.ts + g.pauseMs;
    s.pauseDetail = `${symbol} expectancy ${fmt(e.mean)} bps per trade after fees over the last ${e.n} trades, ${Math.round(g.confidence * 100)} % interval [${fmt(e.lo)}, ${fmt(e.hi)}] below zero`;
    return this.pauseOf(symbol, s, t.ts);
  }

  /** Records an entry decision of `symbol` at `ts` (priced at the last price seen); ignored before any price. */
  recordDecision(symbol: string, side: PositionSide, ts: number): void {
    const s = this.state(symbol);
    if (s.lastPrice === null || !Number.isFinite(ts)) return;
    if (s.pending.length >= MAX_PENDING) {
      s.pending.shift();
      this.pendingCount--;
    }
    s.pending.push({ ts, side, price: s.lastPrice, next: 0 });
    this.pendingCount++;
  }

  /** Feeds a price of `symbol`: takes the markouts now due. O(1) when nothing is pending. */
  onPrice(symbol: string, price: number, ts: number): void {
    const s = this.state(symbol);
    if (this.pendingCount === 0) {
      s.lastPrice = price;
      return;
    }
    const horizons = this.settings.markoutHorizonsMs;
    for (const d of s.pending) {
      while (d.next < horizons.length && ts >= d.ts + horizons[d.next]) {
        const move = ((price - d.price) / d.price) * 10_000;
        push(s.markouts[d.next], d.side === "long" ? move : -move, this.settings.markoutWindow);
        d.next++;
      }
    }
    while (s.pending.length > 0 && s.pending[0].next >= horizons.length) {
      s.pending.shift();
      this.pendingCount--;
    }
    s.lastPrice = price;
  }

  /** The running pause of `symbol` at `ts`, or null. */
  pause(symbol: string, ts: number): EdgePause | null {
    const s = this.symbols.get(symbol);
    return s === undefined ? null : this.pauseOf(symbol, s, ts);
  }

  /** Every symbol's edge at `ts`, sorted by symbol. */
  snapshot(ts: number): EdgeSnapshot {
    const g = this.settings;
    const symbols = [...this.symbols.keys()].sort().map((symbol): SymbolEdge => {
      const s = this.symbols.get(symbol) as SymbolEdgeState;
      const markoutsBps: Record<string, MeanInterval> = {};
      g.markoutHorizonsMs.forEach((h, i) => {
        markoutsBps[String(h)] = meanInterval(s.markouts[i] ?? [], g.confidence);
      });
      return {
        symbol,
        expectancyBps: meanInterval(s.returnsBps, g.confidence),
        meanNetPnl: s.netPnl.length === 0 ? null : s.netPnl.reduce((a, b) => a + b, 0) / s.netPnl.length,
        markoutsBps,
        pendingDecisions: s.pending.length,
        pause: this.pauseOf(symbol, s, ts),
      };
    });
    return {
      enabled: g.enabled,
      window: g.window,
      minTrades: g.minTrades,
      confidence: g.confidence,
      horizonsMs: [...g.markoutHorizonsMs],
      symbols,
    };
  }

  /** A JSON-safe copy of the state, for {@link EdgeMonitor.restore}. */
  getState(): EdgeMonitorState {
    return {
      version: 1,
      horizonsMs: [...this.settings.markoutHorizonsMs],
      symbols: Object.fromEntries([...this.symbols].map(([k, s]) => [k, structuredClone(s)])),
    };
  }

  private pauseOf(symbol: string, s: SymbolEdgeState, ts: number): EdgePause | null {
    if (!this.settings.enabled || s.pausedUntil === null || !(ts < s.pausedUntil)) return null;
    return { symbol, until: s.pausedUntil, reason: "negative_edge", detail: s.pauseDetail ?? "" };
  }

  private state(symbol: string): SymbolEdgeState {
    let s = this.symbols.get(symbol);
    if (s === undefined) {
      s = {
        returnsBps: [],
        netPnl: [],
        fresh: 0,
        pausedUntil: null,
        pauseDetail: null,
        pending: [],
        markouts: this.settings.markoutHorizonsMs.map(() => []),
        lastPrice: null,
      };
      this.symbols.set(symbol, s);
    }
    return s;
  }
}

function push(xs: number[], x: number, max: number): void {
  xs.push(x);
  while (xs.length > max) xs.shift();
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function fmt(x: number | null): string {
  return x === null ? "?" : x.toFixed(2);
}
