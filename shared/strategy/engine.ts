import type { BotConfig, FamilyWeights } from "../config/schema";
import { makeClientOid } from "../execution/client-oid";
import { closingSide, openingSide, type Fill, type OrderType, type PositionSide } from "../execution/orders";
import { SymbolFeatures, type FeatureSnapshot, type SymbolFeaturesState } from "../indicators/symbol-features";
import type { MarketEvent } from "../market/events";
import { roundToStep, type Instrument } from "../market/instrument";
import { evaluateGates, gatesPass, sideFreeGateFails } from "./gates";
import { type ExitDistances, exitDistances, exitReason } from "./exits";
import { nextExitRetry } from "./exit-retry";
import { readingsOf } from "./readings";
import { setupsCannotReach } from "./setup-bound";
import { LazyReadings } from "./lazy-readings";
import { type BoundSide, boundWeights, scoreCannotReach, type CompositeScore } from "./score";
import { positionSize } from "./sizing";
import { BOUND_SCORERS } from "./sub-scores";
import {
  type ClosedTrade,
  type ExitReason,
  type Family,
  type Intent,
  type Position,
  type Reasoning,
  type SubScores,
  zeroSubScores,
} from "./types";
import { WeightLearner, type WeightChange, type WeightLearnerState } from "./weight-learner";

/** Makes a deterministic client order id from the symbol, the intent's time and a sequence number. */
export type ClientOidFactory = (symbol: string, ts: number, seq: number) => string;

/**
 * Research seam: rewrites one family's sub-score before it is scored (`ts` = the decision's time).
 * The optimiser's importance study uses it to silence a family (ablation) or to replay its values
 * in shuffled order (permutation). Never set in live trading; without it the engine is unchanged.
 */
export type SubScoreTransform = (family: Family, value: number, ts: number) => number;

/** What the engine needs from its shell. */
export interface EngineOptions {
  readonly symbol: string;
  readonly config: BotConfig;
  readonly configVersion: string;
  readonly instrument: Instrument;
  /** Account equity now (the portfolio's, marked to market): sizing reads it. */
  readonly equity: () => number;
  /** Defaults to Bitget's reversible `<base>-<time36>-<seq36>` ids. */
  readonly clientOid?: ClientOidFactory;
  /** Research only (see {@link SubScoreTransform}); absent = the sub-scores as computed. */
  readonly subScoreTransform?: SubScoreTransform;
  /** Called with every change of the learnt weights (`config.learning`); the backtester logs them. */
  readonly onWeightChange?: (change: WeightChange) => void;
}

interface Accum {
  size: number;
  value: number;
  fees: number;
  slippage: number;
}

interface Entering {
  readonly phase: "entering";
  readonly clientOid: string;
  readonly side: PositionSide;
  readonly ts: number;
  readonly size: number;
  readonly timeoutAt: number;
  cancelRequested: boolean;
  readonly entryScore: number;
  readonly subScores: SubScores;
  readonly filled: Accum;
  /** Exit distances decided with the entry; absent in states saved before they existed (then the fixed ones). */
  readonly distances?: ExitDistances;
}

interface Open {
  readonly phase: "open";
  /** Replaced (not mutated) when an external fill grows it, so an `opened` event's position stays as it was. */
  position: Position;
  /** The resting take-profit order, if any. */
  tp: string | null;
  readonly exits: Accum;
  /** The market exit in flight, if any. */
  exit: { clientOid: string; reason: ExitReason } | null;
  /** Consecutive exits that ended without closing (absent in states saved before it existed: none). */
  exitFailures?: number;
  /** After a failed exit: no new exit before this exchange time, and the reason to try again with. */
  retry?: { readonly at: number; readonly reason: ExitReason };
  /** True once exits failed {@link EXIT_RETRY}.maxFailures times in a row: no more exits are sent. */
  exitHalted?: boolean;
}

type Phase = { readonly phase: "flat" } | Entering | Open;

/** Serialisable state of {@link StrategyEngine}. */
export interface EngineState {
  readonly symbol: string;
  readonly configVersion: string;
  readonly seq: number;
  readonly phase: Phase;
  readonly features: SymbolFeaturesState;
  readonly lastTradePrice: number | null;
  readonly lastTs: number;
  /** The weight learner's state; present only with `config.learning.enabled`. */
  readonly learner?: WeightLearnerState;
}

/**
 * What happened to the engine's position in one call, so no caller reads its phase before and after:
 * - `opened`: the entry ended with a position (fully filled, or a usable partial fill);
 * - `released`: the entry ended without one (refused, cancelled, timed out or rejected unfilled);
 * - `closed`: the position is gone; `trade` is what the ledger stores;
 * - `resized`: a fill the engine did not order grew the open position (a manual add at the exchange):
 *   `position` is its new size and average entry price, with the fill's fee;
 * - `exitFailed`: an exit order (market exit or resting take-profit) ended without closing the position;
 *   a market exit is tried again after a wait that doubles with each failure (exit-retry.ts);
 * - `exitHalted`: market exits failed too often in a row: the engine sends no more exits for the
 *   position (the exchange-side stop-loss stays); the shell halts entries and reports it.
 */
export type EngineEvent =
  | { readonly kind: "opened"; readonly clientOid: string; readonly position: Position; readonly ts: number }
  | { readonly kind: "released"; readonly clientOid: string; readonly ts: number }
  | { readonly kind: "closed"; readonly clientOid: string; readonly trade: ClosedTrade }
  | { readonly kind: "resized"; readonly clientOid: string; readonly position: Position; readonly ts: number }
  | {
      readonly kind: "exitFailed";
      readonly clientOid: string;
      readonly reason: ExitReason;
      readonly ts: number;
      /** When a failed market exit is tried again; null: not retried (a resting take-profit, or exits halted). */
      readonly retryAt: number | null;
    }
  | {
      readonly kind: "exitHalted";
      readonly clientOid: string;
      readonly reason: ExitReason;
      readonly failures: number;
      readonly ts: number;
    };

/** Result of {@link StrategyEngine.onOrderDone}: what to do now, and what happened. */
export interface EngineOutcome {
  readonly intents: readonly Intent[];
  readonly events: readonly EngineEvent[];
}

/** Result of {@link StrategyEngine.onFill}; `role` says what the fill was to this engine (null: not its order). */
export interface FillOutcome extends EngineOutcome {
  readonly role: "entry" | "exit" | null;
}

/** What the engine shows about itself (API, dashboard). */
export interface EngineStatus {
  readonly symbol: string;
  readonly phase: "flat" | "entering" | "open";
  readonly position: Position | null;
  readonly features: FeatureSnapshot;
  readonly subScores: SubScores;
  readonly score: CompositeScore;
  readonly gates: { readonly long: Reasoning["gates"]; readonly short: Reasoning["gates"] };
  /** Present only with `config.learning.enabled`: the weights in use, trades learnt from, recent changes. */
  readonly learning?: {
    readonly weights: FamilyWeights;
    readonly trades: number;
    readonly changes: readonly WeightChange[];
  };
}

const flat: Phase = { phase: "flat" };

/** The answer "nothing to do", shared: intents are only read, and most events produce none. */
const NONE: readonly Intent[] = Object.freeze([]);
const NO_EVENTS: readonly EngineEvent[] = Object.freeze([]);
const QUIET: EngineOutcome = Object.freeze({ intents: NONE, events: NO_EVENTS });
const NOT_OURS: FillOutcome = Object.freeze({ intents: NONE, events: NO_EVENTS, role: null });

/**
 * The per-symbol strategy: a deterministic state machine (flat → entering → open → flat) over
 * market events and fills. Its clock is the events' exchange timestamps; wall time reaches it only
 * through {@link StrategyEngine.tick}. It never talks to a broker: it returns intents, and the
 * shell (backtester or Durable Object) asks the portfolio rules and places orders.
 */
export class StrategyEngine {
  readonly symbol: string;
  readonly config: BotConfig;
  readonly configVersion: string;
  readonly instrument: Instrument;
  private readonly equity: () => number;
  private readonly makeOid: ClientOidFactory;
  private readonly transform: SubScoreTransform | undefined;
  private readonly learner: WeightLearner | null;
  private readonly onWeightChange: ((change: WeightChange) => void) | undefined;
  private readonly features: SymbolFeatures;
  private state: Phase = flat;
  private seq = 0;
  // A plain double with a flag: a `number | null` field boxes every write, and this one moves on every trade.
  private lastTradePrice = 0;
  private hasTradePrice = false;
  private lastTs = 0;
  private boundFor: FamilyWeights | null = null;
  /** The feed says the last book is stale: the spread gate fails and exits do not price off it (not persisted: the shell sets it). */
  private bookStale = false;
  private boundVector: readonly number[] = [];
  /** The exit check's readings, scored only if needed (reset per check). */
  private readonly exitReadings = new LazyReadings(
    (f, ts) => this.readingsOf(f, ts),
    (f, level, side) => this.cannotReach(f, level, side),
  );

  constructor(options: EngineOptions, state?: EngineState) {
    this.symbol = options.symbol;
    this.config = options.config;
    this.configVersion = options.configVersion;
    this.instrument = options.instrument;
    this.equity = options.equity;
    this.makeOid = options.clientOid ?? makeClientOid;
    this.transform = options.subScoreTransform;
    this.onWeightChange = options.onWeightChange;
    const learning = options.config.learning;
    this.learner = learning.enabled
      ? WeightLearner.resume({ learning, initial: options.config.weights }, state?.learner)
      : null;
    this.features = state
      ? SymbolFeatures.restore(state.features)
      : new SymbolFeatures(options.symbol, options.config.indicators);
    if (state) {
      this.state = structuredClone(state.phase);
      this.seq = state.seq;
      this.hasTradePrice = state.lastTradePrice !== null;
      this.lastTradePrice = state.lastTradePrice ?? 0;
      this.lastTs = state.lastTs;
    }
  }

  /** The open position, if any. */
  get position(): Position | null {
    return this.state.phase === "open" ? this.state.position : null;
  }

  /** The family weights scoring now: the learnt ones with `config.learning.enabled`, else the configured ones. */
  get weights(): FamilyWeights {
    return this.learner?.weights ?? this.config.weights;
  }

  /** The most recent changes of the learnt weights, oldest first (empty without learning). */
  get weightChanges(): readonly WeightChange[] {
    return this.learner?.changes ?? [];
  }

  /** "flat", "entering" or "open". */
  get phase(): Phase["phase"] {
    return this.state.phase;
  }

  /** Feeds one market event; returns what should be done now. */
  onEvent(e: MarketEvent): readonly Intent[] {
    if (e.ts > this.lastTs) this.lastTs = e.ts;
    if (e.kind === "bookTop") {
      this.features.onBookTop(e);
      return this.state.phase === "open" ? this.stopOnBook(e.ts, e.bidPrice, e.askPrice) : NONE;
    }
    if (e.kind === "bookLevels") {
      this.features.onBookLevels(e);
      return this.state.phase === "open" ? this.stopOnBook(e.ts, e.bids[0]?.[0] ?? 0, e.asks[0]?.[0] ?? 0) : NONE;
    }
    if (!this.features.onTrade(e)) return NONE;
    this.lastTradePrice = e.price;
    this.hasTradePrice = true;
    return this.decide(e.ts, e.price);
  }

  /**
   * Whether the feed says the last book is stale (disconnected, stale, gapped, quiet or dropping):
   * the spread gate then fails closed, so no entry (and no post-only price) comes from that book, and
   * exits estimate their price from the last trade instead.
   */
  setBookStale(stale: boolean): void {
    this.bookStale = stale;
  }

  /** Advances the clock without market data (time exits and entry timeouts while the market is silent). */
  tick(now: number): readonly Intent[] {
    this.features.advance(now);
    if (now > this.lastTs) this.lastTs = now;
    if (!this.hasTradePrice) return NONE;
    return this.decide(now, this.lastTradePrice, false);
  }

  /** Exits any open position at market and cancels a pending entry (kill switch, daily-loss flatten). */
  flatten(ts: number, reason: ExitReason = "flatten"): readonly Intent[] {
    const s = this.state;
    if (s.phase === "entering") return this.cancelEntry(s, ts, "stop");
    if (s.phase !== "open" || s.exit !== null || s.exitHalted) return NONE;
    if (s.retry && ts < s.retry.at) {
      s.retry = { at: s.retry.at, reason };
      return NONE;
    }
    return this.marketExit(s, ts, this.hasTradePrice ? this.lastTradePrice : s.position.entryPrice, reason, null);
  }

  /**
   * The order whose end the engine waits for and that should end soon: the market exit in flight, or
   * the entry it asked to cancel. Null when there is none (a resting entry before its timeout and a
   * resting take-profit may rest). The runner looks such an order up when its end does not come.
   */
  get awaitedOrder(): { readonly clientOid: string; readonly role: "entry" | "exit"; readonly filled?: number } | null {
    const s = this.state;
    if (s.phase === "entering")
      return s.cancelRequested ? { clientOid: s.clientOid, role: "entry", filled: s.filled.size } : null;
    if (s.phase === "open" && s.exit !== null) return { clientOid: s.exit.clientOid, role: "exit" };
    return null;
  }

  /** The side of the entry being worked, or null when not entering. */
  get enteringSide(): PositionSide | null {
    return this.state.phase === "entering" ? this.state.side : null;
  }

  /** True while exits are halted for the open position (see `exitHalted` of {@link EngineEvent}). */
  get exitsHalted(): boolean {
    return this.state.phase === "open" && this.state.exitHalted === true;
  }

  /**
   * A fill of an order this engine did not place, or no longer follows: the exchange-side stop-loss
   * or take-profit firing, a liquidation, a manual order, or an exit it had given up on. The position
   * follows the exchange: a fill on the closing side reduces it at the fill's price and fee, and the
   * one that leaves nothing closes it (`closed`; the reason read from the price, see
   * {@link externalExitReason}), cancelling the resting take-profit; a fill on the opening side grows
   * it ({@link grow}: `resized`, role `entry`). Size beyond the position is not this engine's
   * (reconciliation reports it). A fill while flat or entering is `role: null` and changes nothing
   * (the runner adopts a position opened while flat as an orphan).
   */
  onExternalFill(fill: Fill): FillOutcome {
    const s = this.state;
    if (s.phase !== "open") return NOT_OURS;
    if (fill.side === openingSide(s.position.side)) return this.grow(s, fill);
    const left = s.position.size - s.exits.size;
    const take = Math.min(fill.size, left);
    if (!(take > 0)) return NOT_OURS;
    const part = take / fill.size;
    addFill(s.exits, { ...fill, size: take, fee: fill.fee * part, slippage: fill.slippage * part });
    if (s.exits.size < s.position.size - this.instrument.sizeStep / 2)
      return { intents: NONE, events: NO_EVENTS, role: "exit" };
    const intents: Intent[] = [];
    if (s.tp !== null && s.tp !== fill.clientOid)
      intents.push({ kind: "cancel", symbol: this.symbol, ts: fill.ts, clientOid: s.tp, why: "replaced_by_exit" });
    const trade = this.close(s, fill.ts, externalExitReason(s.position, s.exits.value / s.exits.size));
    return { intents, events: [{ kind: "closed", clientOid: fill.clientOid, trade }], role: "exit" };
  }

  /** Client ids of the engine's orders still working: the entry, or the resting take-profit and the market exit. */
  get workingOrders(): string[] {
    const s = this.state;
    if (s.phase === "entering") return [s.clientOid];
    if (s.phase !== "open") return [];
    const ids: string[] = [];
    if (s.tp !== null) ids.push(s.tp);
    if (s.exit !== null) ids.push(s.exit.clientOid);
    return ids;
  }

  /**
   * Takes over a position the engine did not open (found at the exchange: an entry that filled while
   * the agent was away, a manual order): open from `ts` at the exchange's average price, its exits at
   * the configured fixed distances; its entry fee and slippage when known (an opening fill's), else 0.
   * Only from flat; null otherwise.
   */
  adopt(p: {
    readonly side: PositionSide;
    readonly size: number;
    readonly entryPrice: number;
    readonly ts: number;
    readonly fee?: number;
    readonly slippage?: number;
  }): Position | null {
    if (this.state.phase !== "flat") return null;
    const x = exitDistances(this.config, null);
    const long = p.side === "long";
    const position: Position = {
      symbol: this.symbol,
      side: p.side,
      size: roundToStep(p.size, this.instrument.sizeStep, "nearest"),
      entryPrice: p.entryPrice,
      entryTs: p.ts,
      peakPrice: p.entryPrice,
      fees: p.fee ?? 0,
      slippage: p.slippage ?? 0,
      realized: 0,
      entryScore: 0,
      entrySubScores: zeroSubScores(),
      configVersion: this.configVersion,
      stopLoss: long ? p.entryPrice * (1 - x.stopLossPct / 100) : p.entryPrice * (1 + x.stopLossPct / 100),
      takeProfit: long ? p.entryPrice * (1 + x.takeProfitPct / 100) : p.entryPrice * (1 - x.takeProfitPct / 100),
      trailingPct: x.trailingPct,
    };
    this.state = { phase: "open", position, tp: null, exits: { size: 0, value: 0, fees: 0, slippage: 0 }, exit: null };
    return position;
  }

  /** Feeds a fill of one of this engine's orders; a fill of any other order is `role: null` and changes nothing. */
  onFill(fill: Fill): FillOutcome {
    const s = this.state;
    if (s.phase === "entering" && fill.clientOid === s.clientOid) {
      addFill(s.filled, fill);
      if (fill.final || s.filled.size >= s.size - this.instrument.sizeStep / 2)
        return { ...this.open(s, fill.ts), role: "entry" };
      return { intents: NONE, events: NO_EVENTS, role: "entry" };
    }
    if (s.phase !== "open") return NOT_OURS;
    const isTp = fill.clientOid === s.tp;
    const isExit = s.exit !== null && fill.clientOid === s.exit.clientOid;
    if (!isTp && !isExit) return NOT_OURS;
    addFill(s.exits, fill);
    if (s.exits.size < s.position.size - this.instrument.sizeStep / 2)
      return { intents: NONE, events: NO_EVENTS, role: "exit" };
    const reason: ExitReason = isTp ? "take_profit" : (s.exit as { reason: ExitReason }).reason;
    const intents: Intent[] = [];
    if (!isTp && s.tp !== null)
      intents.push({ kind: "cancel", symbol: this.symbol, ts: fill.ts, clientOid: s.tp, why: "replaced_by_exit" });
    const trade = this.close(s, fill.ts, reason);
    return { intents, events: [{ kind: "closed", clientOid: fill.clientOid, trade }], role: "exit" };
  }

  /**
   * An order ended without (fully) filling: cancelled, timed out, rejected by the broker, or denied
   * by the portfolio rules before it was ever sent.
   */
  onOrderDone(clientOid: string, ts: number): EngineOutcome {
    const s = this.state;
    if (s.phase === "entering" && clientOid === s.clientOid) {
      if (s.filled.size >= this.instrument.minSize) return this.open(s, ts);
      this.state = flat;
      return { intents: NONE, events: [{ kind: "released", clientOid, ts }] };
    }
    if (s.phase !== "open") return QUIET;
    if (clientOid === s.tp) {
      s.tp = null;
      return { intents: NONE, events: [{ kind: "exitFailed", clientOid, reason: "take_profit", ts, retryAt: null }] };
    }
    if (s.exit !== null && clientOid === s.exit.clientOid) {
      const reason = s.exit.reason;
      s.exit = null;
      const failures = (s.exitFailures ?? 0) + 1;
      s.exitFailures = failures;
      const next = nextExitRetry(failures, ts);
      if (!next.halted) {
        s.retry = { at: next.retryAt, reason };
        return { intents: NONE, events: [{ kind: "exitFailed", clientOid, reason, ts, retryAt: next.retryAt }] };
      }
      const failed: EngineEvent = { kind: "exitFailed", clientOid, reason, ts, retryAt: null };
      s.retry = undefined;
      s.exitHalted = true;
      return { intents: NONE, events: [failed, { kind: "exitHalted", clientOid, reason, failures, ts }] };
    }
    return QUIET;
  }

  /** Everything the engine shows about itself now. */
  status(): EngineStatus {
    const features = this.features.snapshot();
    const { sub, score } = this.readingsOf(features, this.lastTs);
    return {
      symbol: this.symbol,
      phase: this.state.phase,
      position: this.position,
      features,
      subScores: sub,
      score,
      gates: {
        long: evaluateGates("long", score, features, this.config, this.bookStale),
        short: evaluateGates("short", score, features, this.config, this.bookStale),
      },
      ...(this.learner
        ? { learning: { weights: this.learner.weights, trades: this.learner.trades, changes: this.learner.changes } }
        : {}),
    };
  }

  /** The feature snapshot now. */
  snapshot(): FeatureSnapshot {
    return this.features.snapshot();
  }

  /** A plain JSON snapshot to rebuild the engine exactly (a Durable Object persists it). */
  getState(): EngineState {
    return {
      symbol: this.symbol,
      configVersion: this.configVersion,
      seq: this.seq,
      phase: structuredClone(this.state),
      features: this.features.getState(),
      lastTradePrice: this.hasTradePrice ? this.lastTradePrice : null,
      lastTs: this.lastTs,
      ...(this.learner ? { learner: this.learner.getState() } : {}),
    };
  }

  private decide(ts: number, price: number, onTrade = true): readonly Intent[] {
    const s = this.state;
    if (s.phase === "entering") {
      if (!s.cancelRequested && ts >= s.timeoutAt) return this.cancelEntry(s, ts, "entry_timeout");
      return NONE;
    }
    if (s.phase === "open") {
      const p = s.position;
      if (onTrade && (p.side === "long" ? price > p.peakPrice : price < p.peakPrice)) p.peakPrice = price;
      if (s.exit !== null || s.exitHalted) return NONE;
      if (s.retry && ts < s.retry.at) return NONE;
      const f = this.features.view();
      // Scored only when a rule reads the scores or an exit fires (LazyReadings); a research
      // transform sees every check's sub-scores, so with one they are read first, as always.
      const readings = this.exitReadings.reset(f, ts);
      if (this.transform !== undefined) readings.score();
      const reason =
        exitReason(p, price, ts, readings, this.config, this.bookStale ? null : f.book) ?? s.retry?.reason ?? null;
      if (reason === null) return NONE;
      const { sub, score } = readings.readings;
      return this.marketExit(s, ts, price, reason, {
        ts,
        price,
        subScores: sub,
        longScore: score.long,
        shortScore: score.short,
        agreeing: p.side === "long" ? score.agreeLong : score.agreeShort,
        side: p.side,
        gates: [],
      });
    }
    if (!onTrade) return NONE;
    return this.considerEntry(ts, price);
  }

  private considerEntry(ts: number, price: number): readonly Intent[] {
    const f = this.features.view();
    // Most trades end here without scoring (both exact): a gate that reads neither side nor score
    // fails (83 % of entry checks on the dev recordings), or the score cannot reach the bar on the
    // cheap families alone (scoreCannotReach, and setupsCannotReach for the setups). A research
    // transform sees every sub-score, so it always takes the full path.
    if (this.transform === undefined && (sideFreeGateFails(f, this.config, this.bookStale) || this.cannotReach(f)))
      return NONE;
    const { sub, score } = this.readingsOf(f, ts);
    const side: PositionSide = score.long >= score.short ? "long" : "short";
    if ((side === "long" ? score.long : score.short) < this.config.gates.minScore) return NONE;
    const gates = evaluateGates(side, score, f, this.config, this.bookStale);
    if (!gatesPass(gates)) return NONE;
    const type: OrderType = this.config.execution.entryOrder;
    const ref = type === "postOnly" ? ((side === "long" ? f.book.bestBid : f.book.bestAsk) ?? price) : price;
    const sized = positionSize(this.equity(), ref, this.config, this.instrument);
    if (!sized.ok) return NONE;
    const reasoning: Reasoning = {
      ts,
      price,
      subScores: sub,
      longScore: score.long,
      shortScore: score.short,
      agreeing: side === "long" ? score.agreeLong : score.agreeShort,
      side,
      gates,
    };
    const clientOid = this.makeOid(this.symbol, ts, ++this.seq);
    const entryScore = side === "long" ? score.long : score.short;
    const x = exitDistances(this.config, f.returnStd1s);
    const stopLoss = side === "long" ? ref * (1 - x.stopLossPct / 100) : ref * (1 + x.stopLossPct / 100);
    const takeProfit = side === "long" ? ref * (1 + x.takeProfitPct / 100) : ref * (1 - x.takeProfitPct / 100);
    this.state = {
      phase: "entering",
      clientOid,
      side,
      ts,
      size: sized.size,
      timeoutAt: ts + this.config.execution.latencyMs + this.config.execution.entryTimeoutMs,
      cancelRequested: false,
      entryScore,
      subScores: sub,
      filled: { size: 0, value: 0, fees: 0, slippage: 0 },
      distances: x,
    };
    return [
      {
        kind: "enter",
        symbol: this.symbol,
        side,
        ts,
        clientOid,
        orderType: type,
        price: ref,
        size: sized.size,
        stopLoss,
        takeProfit,
        reasoning,
      },
    ];
  }

  /**
   * True when the config's readings cannot reach `min` (the entry bar) on either side, or on `side`
   * (exact, see considerEntry and LazyReadings).
   */
  private cannotReach(f: FeatureSnapshot, min = this.config.gates.minScore, side: BoundSide = "both"): boolean {
    if (this.config.scoring.readings === "setups")
      return setupsCannotReach(min, this.weights, this.config.scoring, f, side);
    return scoreCannotReach(min, this.boundWeightsNow(), BOUND_SCORERS, f, side);
  }

  /** The weights in the score bound's order, rebuilt only when the weights object changes (the learner replaces it). */
  private boundWeightsNow(): readonly number[] {
    const w = this.weights;
    if (w !== this.boundFor) {
      this.boundVector = boundWeights(w);
      this.boundFor = w;
    }
    return this.boundVector;
  }

  /** The sub-scores and composite the config's readings give (./readings.ts), through the research transform if any. */
  private readingsOf(f: FeatureSnapshot, ts: number): { sub: SubScores; score: CompositeScore } {
    const t = this.transform;
    return readingsOf(f, this.config, this.weights, t === undefined ? undefined : (family, v) => t(family, v, ts));
  }

  private cancelEntry(s: Entering, ts: number, why: "entry_timeout" | "stop"): readonly Intent[] {
    s.cancelRequested = true;
    return [{ kind: "cancel", symbol: this.symbol, ts, clientOid: s.clientOid, why }];
  }

  /** The entry is done (fully filled, or cancelled with a usable partial fill): open the position and rest its take-profit. */
  private open(s: Entering, ts: number): EngineOutcome {
    const entryPrice = s.filled.value / s.filled.size;
    const x = s.distances ?? exitDistances(this.config, null);
    const long = s.side === "long";
    const position: Position = {
      symbol: this.symbol,
      side: s.side,
      size: roundToStep(s.filled.size, this.instrument.sizeStep, "nearest"),
      entryPrice,
      entryTs: ts,
      peakPrice: entryPrice,
      fees: s.filled.fees,
      slippage: s.filled.slippage,
      realized: 0,
      entryScore: s.entryScore,
      entrySubScores: s.subScores,
      configVersion: this.configVersion,
      stopLoss: long ? entryPrice * (1 - x.stopLossPct / 100) : entryPrice * (1 + x.stopLossPct / 100),
      takeProfit: long ? entryPrice * (1 + x.takeProfitPct / 100) : entryPrice * (1 - x.takeProfitPct / 100),
      trailingPct: x.trailingPct,
    };
    const open: Open = {
      phase: "open",
      position,
      tp: null,
      exits: { size: 0, value: 0, fees: 0, slippage: 0 },
      exit: null,
    };
    this.state = open;
    const events: readonly EngineEvent[] = [{ kind: "opened", clientOid: s.clientOid, position, ts }];
    if (this.config.execution.takeProfitOrder !== "postOnly") return { intents: NONE, events };
    const tpPrice = roundToStep(position.takeProfit, this.instrument.tickSize, long ? "up" : "down");
    open.tp = this.makeOid(this.symbol, ts, ++this.seq);
    const intents: readonly Intent[] = [
      {
        kind: "exit",
        symbol: this.symbol,
        side: s.side,
        ts,
        clientOid: open.tp,
        orderType: "postOnly",
        price: tpPrice,
        size: position.size,
        reason: "take_profit",
        reasoning: null,
      },
    ];
    return { intents, events };
  }

  /**
   * A fill on the opening side that the engine did not order (a manual add at the exchange): the
   * position grows by it. The entry price becomes the size-weighted average, the fill's fee and
   * slippage are charged to the position (its exit fee is charged when it closes, like any), and the
   * stop-loss and take-profit keep their distance in percent from the new average (the risk decided
   * at entry, applied to the whole size). A resting take-profit covers the old size only: it is
   * cancelled and rested again for the whole open size.
   */
  private grow(s: Open, fill: Fill): FillOutcome {
    if (!(fill.size >= 0)) return NOT_OURS;
    const p = s.position;
    if (fill.size === 0) {
      // Size the position already counts (the exchange's read included it): only its costs are new.
      s.position = { ...p, fees: p.fees + fill.fee, slippage: p.slippage + fill.slippage };
      return { intents: NONE, events: [], role: "entry" };
    }
    const size = roundToStep(p.size + fill.size, this.instrument.sizeStep, "nearest");
    const entryPrice = (p.entryPrice * p.size + fill.price * fill.size) / (p.size + fill.size);
    const scale = entryPrice / p.entryPrice;
    const position: Position = {
      ...p,
      size,
      entryPrice,
      fees: p.fees + fill.fee,
      slippage: p.slippage + fill.slippage,
      stopLoss: p.stopLoss * scale,
      takeProfit: p.takeProfit * scale,
    };
    s.position = position;
    const events: readonly EngineEvent[] = [{ kind: "resized", clientOid: fill.clientOid, position, ts: fill.ts }];
    if (s.tp === null) return { intents: NONE, events, role: "entry" };
    const long = p.side === "long";
    const intents: Intent[] = [
      { kind: "cancel", symbol: this.symbol, ts: fill.ts, clientOid: s.tp, why: "replaced_by_exit" },
    ];
    s.tp = this.makeOid(this.symbol, fill.ts, ++this.seq);
    intents.push({
      kind: "exit",
      symbol: this.symbol,
      side: p.side,
      ts: fill.ts,
      clientOid: s.tp,
      orderType: "postOnly",
      price: roundToStep(position.takeProfit, this.instrument.tickSize, long ? "up" : "down"),
      size: roundToStep(size - s.exits.size, this.instrument.sizeStep, "nearest"),
      reason: "take_profit",
      reasoning: null,
    });
    return { intents, events, role: "entry" };
  }

  /**
   * The local stop-loss on a book update: the mid at or through the stop exits at market. Trades may
   * not print for a while (a quiet market, a trade channel that broke) while the book still moves;
   * without this the stop would be off until the next print. When nothing arrives at all (the feed
   * is down) the local stop cannot see the market: the exchange-side stop-loss every open position
   * carries (shared/runner live orders) protects it then.
   */
  private stopOnBook(ts: number, bid: number, ask: number): readonly Intent[] {
    const s = this.state;
    if (s.phase !== "open" || s.exit !== null || s.exitHalted || !(bid > 0) || !(ask >= bid)) return NONE;
    if (s.retry && ts < s.retry.at) return NONE;
    const mid = (bid + ask) / 2;
    const p = s.position;
    if (p.side === "long" ? mid > p.stopLoss : mid < p.stopLoss) return NONE;
    return this.marketExit(s, ts, mid, "stop_loss", null);
  }

  private marketExit(
    s: Open,
    ts: number,
    price: number,
    reason: ExitReason,
    reasoning: Reasoning | null,
  ): readonly Intent[] {
    const intents: Intent[] = [];
    if (s.tp !== null)
      intents.push({ kind: "cancel", symbol: this.symbol, ts, clientOid: s.tp, why: "replaced_by_exit" });
    const clientOid = this.makeOid(this.symbol, ts, ++this.seq);
    s.exit = { clientOid, reason };
    s.retry = undefined;
    const size = roundToStep(s.position.size - s.exits.size, this.instrument.sizeStep, "nearest");
    intents.push({
      kind: "exit",
      symbol: this.symbol,
      side: s.position.side,
      ts,
      clientOid,
      orderType: "market",
      price,
      size,
      reason,
      reasoning,
    });
    return intents;
  }

  private close(s: Open, ts: number, reason: ExitReason): ClosedTrade {
    const p = s.position;
    const entryValue = p.entryPrice * p.size;
    const gross = p.side === "long" ? s.exits.value - entryValue : entryValue - s.exits.value;
    const fees = p.fees + s.exits.fees;
    this.state = flat;
    const trade: ClosedTrade = {
      id: `${this.symbol}:${p.entryTs}:${p.configVersion}:${this.seq}`,
      symbol: this.symbol,
      side: p.side,
      entryTime: p.entryTs,
      exitTime: ts,
      entryPrice: p.entryPrice,
      exitPrice: s.exits.value / s.exits.size,
      size: p.size,
      entryScore: p.entryScore,
      subScores: p.entrySubScores,
      exitReason: reason,
      holdSeconds: (ts - p.entryTs) / 1000,
      grossPnl: gross,
      fees,
      slippage: p.slippage + s.exits.slippage,
      netPnl: gross - fees,
      configVersion: p.configVersion,
    };
    const change = this.learner?.observe(trade) ?? null;
    if (change) this.onWeightChange?.(change);
    return trade;
  }
}

function addFill(a: Accum, f: Fill): void {
  a.size += f.size;
  a.value += f.price * f.size;
  a.fees += f.fee;
  a.slippage += f.slippage;
}

/**
 * Why the exchange closed a position the engine did not close: `stop_loss` when the exit price is at
 * or beyond half the stop distance on the losing side (the exchange-side stop is the engine's stop,
 * placed from the entry's reference price, and a stop-market slips past its trigger), `take_profit`
 * at or beyond the take-profit, else `exchange_close` (a manual close, a liquidation elsewhere).
 */
export function externalExitReason(p: Position, exitPrice: number): ExitReason {
  const up = p.side === "long" ? 1 : -1;
  const move = (exitPrice - p.entryPrice) * up;
  const stopDistance = Math.abs(p.entryPrice - p.stopLoss);
  if (stopDistance > 0 && move <= -stopDistance / 2) return "stop_loss";
  if ((exitPrice - p.takeProfit) * up >= 0) return "take_profit";
  return "exchange_close";
}

/** The order side of an intent, as the exchange sees it. */
export function intentOrderSide(intent: Extract<Intent, { kind: "enter" | "exit" }>): "buy" | "sell" {
  return intent.kind === "enter" ? openingSide(intent.side) : closingSide(intent.side);
}
