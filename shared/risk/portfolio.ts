/**
 * Portfolio rules: the single place that decides whether a new position may open. The
 * Coordinator Durable Object and the backtester both call it (design.md §5).
 * @module
 */
import { EdgeGuardConfig } from "../config/edge-guard";
import { StopLossCooldown } from "./cooldown";
import { ReturnCorrelation } from "./correlation";
import { DailyLoss } from "./daily-loss";
import { EdgeMonitor } from "./edge-monitor";
import type {
  CloseReport,
  CloseResult,
  ConfirmResult,
  EntryDecision,
  EntryFill,
  EntryRefusalReason,
  EntryRequest,
  PortfolioPosition,
  PortfolioSettings,
  PortfolioSnapshot,
  PortfolioState,
  PositionView,
  Reservation,
  RulesView,
  TradingState,
} from "./portfolio-types";

/** Expired reservations remembered for a late confirm, at most (the oldest are forgotten first). */
export const MAX_EXPIRED_RESERVATIONS = 200;

/**
 * Portfolio rules, pure and single-threaded; time comes only from the `ts` passed in (the clock
 * never goes back: an older `ts` counts as the latest one seen).
 *
 * {@link requestEntry} checks, in order: request sanity, operator halt, daily loss limit, operator
 * reduce, one position per symbol, stop-loss cooldown, the edge guard (`edgeGuard`, off by
 * default: see {@link EdgeMonitor}), `maxPositions`, then the BTC correlation limit. It reserves atomically: a reservation counts as an open position until released or
 * confirmed, so no sequence of requests can exceed the limits.
 *
 * Correlated with BTC means correlation >= `correlationThreshold` (signed; side ignored) or
 * unknown (null: too little data), and BTC itself always counts (it is the driver). Correlations
 * of the open positions are re-measured at each request.
 *
 * The portfolio gates entries only: exits always reduce risk and are never refused here. Bad
 * input never throws: requests are refused with `invalid_request`, unknown ids and symbols give
 * `{ ok: false }`, invalid marks are ignored. Only a bad construction (non-finite equity or a
 * correlation window shorter than two returns) throws a RangeError.
 */
export class Portfolio {
  readonly config: PortfolioSettings;
  /** Rolling return correlations, fed by {@link markPrice}; persist its own state if wanted. */
  readonly correlation: ReturnCorrelation;
  private daily: DailyLoss;
  private cooldown: StopLossCooldown;
  private edge: EdgeMonitor;
  private readonly positions = new Map<string, PortfolioPosition>();
  private readonly reservations = new Map<string, Reservation>();
  /** Reservations released for age, kept so that their late confirm still opens the position (the fill is fact). */
  private readonly expired = new Map<string, Reservation>();
  private clock: number;
  private realisedEquity: number;
  private unrealisedTotal = 0;
  private operator: TradingState = "ACTIVE";
  private operatorReason: string | null = null;
  private nextReservation = 1;

  constructor(
    config: PortfolioSettings,
    init: { readonly startEquity: number; readonly now: number; readonly correlation?: ReturnCorrelation },
  ) {
    if (!Number.isFinite(init.startEquity) || !Number.isFinite(init.now))
      throw new RangeError(`startEquity and now must be finite, got ${init.startEquity}, ${init.now}`);
    this.config = config;
    this.correlation =
      init.correlation ??
      new ReturnCorrelation({
        btcSymbol: config.btcSymbol,
        windowMs: config.correlationWindowMs,
        returnMs: config.correlationReturnMs,
      });
    this.daily = new DailyLoss(config.dailyLossLimitPct, init.startEquity, init.now);
    this.cooldown = new StopLossCooldown(config.cooldownAfterStopLosses, config.cooldownMs);
    this.edge = new EdgeMonitor(config.edgeGuard);
    this.clock = init.now;
    this.realisedEquity = init.startEquity;
  }

  /**
   * Rebuilds a Portfolio from {@link Portfolio.getState}. Without `correlation` the rings start
   * empty, so every symbol but BTC counts as correlated until half a window of returns is seen.
   */
  static restore(saved: PortfolioState, correlation?: ReturnCorrelation): Portfolio {
    // States saved before the edge guard existed carry no settings for it: its defaults (off).
    const s = saved.config.edgeGuard
      ? saved
      : { ...saved, config: { ...saved.config, edgeGuard: EdgeGuardConfig.parse(undefined) } };
    const p = new Portfolio(s.config, { startEquity: s.realisedEquity, now: s.clock, correlation });
    p.daily = DailyLoss.restore(s.daily);
    p.cooldown = StopLossCooldown.restore(s.cooldown);
    p.edge = EdgeMonitor.restore(s.edge, s.config.edgeGuard);
    p.operator = s.operator.state;
    p.operatorReason = s.operator.reason;
    p.nextReservation = s.nextReservation;
    s.positions.forEach((x) => p.positions.set(x.symbol, { ...x }));
    s.reservations.forEach((r) => p.reservations.set(r.id, { ...r }));
    s.expiredReservations?.forEach((r) => p.expired.set(r.id, { ...r }));
    p.resyncUnrealised();
    return p;
  }

  /** Realised equity plus unrealised PnL marked to market. */
  get equity(): number {
    return this.realisedEquity + this.unrealisedTotal;
  }

  /** Realised equity and each position's unrealised PnL: what sizing reads (shared/runner/sizing-equity.ts). */
  equityView(): { realisedEquity: number; openPositions: { symbol: string; unrealised: number }[] } {
    const openPositions: { symbol: string; unrealised: number }[] = [];
    for (const p of this.positions.values()) openPositions.push({ symbol: p.symbol, unrealised: p.unrealised });
    return { realisedEquity: this.realisedEquity, openPositions };
  }

  /** The trading state: operator halt, then the daily limit, then operator reduce. */
  get tradingState(): TradingState {
    if (this.operator === "HALTED" || this.daily.halted) return "HALTED";
    return this.operator;
  }

  /** Why the state is not ACTIVE; null when it is. */
  get tradingReason(): string | null {
    if (this.operator === "HALTED") return this.operatorReason;
    if (this.daily.halted) return this.dailyDetail();
    return this.operator === "REDUCING" ? this.operatorReason : null;
  }

  /** True while today's loss limit is reached and `flattenOnDailyLimit` is set: close every position. */
  get requiresFlatten(): boolean {
    return this.daily.halted && this.config.flattenOnDailyLimit;
  }

  /** The states the rules decide by themselves (daily loss halt, cooldowns), cheap enough to read around every call. */
  rulesView(): RulesView {
    return {
      ts: this.clock,
      dailyHalted: this.daily.halted,
      requiresFlatten: this.requiresFlatten,
      reason: this.daily.halted ? this.dailyDetail() : null,
      cooldowns: this.cooldown.active(this.clock),
    };
  }

  /** Checks every rule and, if all pass, reserves a slot for `req.symbol`. */
  requestEntry(req: EntryRequest): EntryDecision {
    const now = this.advance(req.ts);
    const invalid = invalidRequest(req);
    if (invalid !== null) return refuse("invalid_request", invalid);
    const gated = this.gate();
    if (gated !== null) return gated;
    if (this.holds(req.symbol))
      return refuse("already_open", `${req.symbol} already has a position or a pending entry`);
    const until = this.cooldown.activeUntil(req.symbol, now);
    if (until !== null)
      return refuse(
        "cooldown",
        `${req.symbol} cools down after ${this.config.cooldownAfterStopLosses} stop-losses until ${until}`,
      );
    const paused = this.edge.pause(req.symbol, now);
    if (paused !== null) return refuse(paused.reason, `${paused.detail}; entries paused until ${paused.until}`);
    const open = this.positions.size + this.reservations.size;
    if (open >= this.config.maxPositions)
      return refuse("max_positions", `${open} positions open or reserved, limit ${this.config.maxPositions}`);
    const correlation = this.correlation.correlation(req.symbol);
    const correlated = this.isCorrelated(req.symbol, correlation);
    const already = correlated ? this.countCorrelated() : 0;
    if (correlated && already >= this.config.maxBtcCorrelated) {
      return refuse(
        "btc_correlation",
        `${req.symbol} BTC correlation ${correlation === null ? "unknown" : correlation.toFixed(3)}; ${already} correlated positions open or reserved, limit ${this.config.maxBtcCorrelated}`,
      );
    }
    const id = `res-${this.nextReservation++}`;
    this.reservations.set(id, { id, symbol: req.symbol, side: req.side, notional: req.notional, ts: now });
    this.edge.recordDecision(req.symbol, req.side, now);
    return { ok: true, reservationId: id, correlation, correlated };
  }

  /** Frees a reservation whose entry never filled (or forgets an expired one); false if the id is unknown. */
  releaseReservation(reservationId: string): boolean {
    return this.reservations.delete(reservationId) || this.expired.delete(reservationId);
  }

  /**
   * Frees every reservation made before `ts` (entries that timed out, or lost in a crash); returns
   * their ids. Their slots are free at once, but the ids are remembered (the latest
   * {@link MAX_EXPIRED_RESERVATIONS}): an entry that did fill and is confirmed late still opens its position.
   */
  releaseReservationsBefore(ts: number): string[] {
    const old = [...this.reservations.values()].filter((r) => r.ts < ts);
    for (const r of old) {
      this.reservations.delete(r.id);
      this.expired.set(r.id, r);
    }
    for (const id of this.expired.keys()) {
      if (this.expired.size <= MAX_EXPIRED_RESERVATIONS) break;
      this.expired.delete(id);
    }
    return old.map((r) => r.id);
  }

  /**
   * Turns a reservation into an open position at its fill. The fill is fact: it is accepted even if
   * trading has since halted, and even if the reservation expired meanwhile (a late confirm), unless
   * the symbol holds another position by then.
   */
  confirmOpen(reservationId: string, fill: EntryFill): ConfirmResult {
    const r = this.reservations.get(reservationId) ?? this.expired.get(reservationId);
    if (r === undefined) return { ok: false, reason: "unknown_reservation", detail: `no reservation ${reservationId}` };
    const invalid = invalidFill(fill);
    if (invalid !== null) return { ok: false, reason: "invalid_fill", detail: invalid };
    if (this.positions.has(r.symbol) && !this.reservations.has(reservationId))
      return { ok: false, reason: "unknown_reservation", detail: `${reservationId} expired and ${r.symbol} is open` };
    const openedTs = this.advance(fill.ts ?? r.ts);
    this.reservations.delete(reservationId);
    this.expired.delete(reservationId);
    const entryFee = fill.entryFee ?? 0;
    const p: PortfolioPosition = {
      symbol: r.symbol,
      side: fill.side,
      entryPrice: fill.entryPrice,
      size: fill.size,
      entryFee,
      openedTs,
      reservationId,
      markPrice: fill.entryPrice,
      unrealised: -entryFee,
    };
    this.positions.set(r.symbol, p);
    this.unrealisedTotal += p.unrealised;
    this.daily.check(this.equity);
    return { ok: true, symbol: r.symbol };
  }

  /**
   * The position of `symbol` as the exchange holds it now, changed outside an approved entry (a
   * manual add grew it, or an agent adopted a position it found there): the fill is fact, so it is
   * accepted whatever the rules (halted, limits). An open position takes the new side, size, average
   * price and entry fee and keeps its opening time; otherwise one opens, counted like any (it has no
   * reservation: its id is `sync:<symbol>`). Invalid input changes nothing and answers `invalid_fill`.
   */
  syncPosition(symbol: string, fill: EntryFill): ConfirmResult {
    if (typeof symbol !== "string" || symbol.length === 0)
      return { ok: false, reason: "invalid_fill", detail: "symbol is empty" };
    const invalid = invalidFill(fill);
    if (invalid !== null) return { ok: false, reason: "invalid_fill", detail: invalid };
    const now = this.advance(fill.ts ?? this.clock);
    const old = this.positions.get(symbol);
    const entryFee = fill.entryFee ?? 0;
    const p: PortfolioPosition = {
      symbol,
      side: fill.side,
      entryPrice: fill.entryPrice,
      size: fill.size,
      entryFee,
      openedTs: old?.openedTs ?? now,
      reservationId: old?.reservationId ?? `sync:${symbol}`,
      markPrice: old?.markPrice ?? fill.entryPrice,
      unrealised: 0,
    };
    p.unrealised = unrealisedAt(p, p.markPrice);
    this.positions.set(symbol, p);
    this.resyncUnrealised();
    this.daily.check(this.equity);
    return { ok: true, symbol };
  }

  /**
   * Feeds a price: marks an open position of `symbol` to market, samples it for the BTC
   * correlation, and checks the daily limit. O(1). Invalid prices and times are ignored.
   * Returns the trading state after the mark.
   */
  markPrice(symbol: string, price: number, ts: number): TradingState {
    if (!(price > 0) || !Number.isFinite(price) || !Number.isFinite(ts)) return this.tradingState;
    this.advance(ts);
    this.correlation.onPrice(symbol, ts, price);
    this.edge.onPrice(symbol, price, ts);
    const p = this.positions.size === 0 ? undefined : this.positions.get(symbol);
    if (p !== undefined) {
      const u = unrealisedAt(p, price);
      this.unrealisedTotal += u - p.unrealised;
      p.unrealised = u;
      p.markPrice = price;
    }
    this.daily.check(this.equity);
    return this.tradingState;
  }

  /**
   * Closes `symbol`'s position with its realised net PnL and counts stop-losses towards the
   * cooldown. An unknown symbol or a non-finite PnL changes nothing and returns `{ ok: false }`.
   */
  closePosition(symbol: string, report: CloseReport): CloseResult {
    if (!Number.isFinite(report.netPnl))
      return { ok: false, reason: "invalid_pnl", detail: `netPnl ${report.netPnl} is not finite` };
    const p = this.positions.get(symbol);
    if (p === undefined) return { ok: false, reason: "not_open", detail: `${symbol} has no open position` };
    const now = this.advance(report.ts);
    this.positions.delete(symbol);
    this.realisedEquity += report.netPnl;
    this.resyncUnrealised();
    this.daily.addRealised(report.netPnl);
    const cooldownUntil = this.cooldown.record(symbol, report.exitReason, now);
    this.edge.recordTrade(symbol, { netPnl: report.netPnl, notional: p.entryPrice * p.size, ts: now });
    this.daily.check(this.equity);
    return { ok: true, symbol, stopLossStreak: this.cooldown.streak(symbol), cooldownUntil };
  }

  /** Operator halt: no new entries until {@link resume}. */
  halt(reason = "halted by operator"): void {
    this.operator = "HALTED";
    this.operatorReason = reason;
  }

  /** Operator reduce: exits only, no new entries, until {@link resume}. */
  reduce(reason = "reducing by operator"): void {
    this.operator = "REDUCING";
    this.operatorReason = reason;
  }

  /** Lifts an operator halt or reduce; a daily-limit halt still lasts until the next UTC day. */
  resume(): void {
    this.operator = "ACTIVE";
    this.operatorReason = null;
  }

  /** The portfolio now, as plain data (a fresh copy each call). */
  snapshot(): PortfolioSnapshot {
    const equity = this.equity;
    return {
      ts: this.clock,
      equity,
      realisedEquity: this.realisedEquity,
      realisedToday: this.daily.realisedToday,
      unrealised: this.unrealisedTotal,
      dayStartEquity: this.daily.dayStartEquity,
      dailyPnl: this.daily.pnl(equity),
      dailyPnlPct: this.daily.pnlPct(equity),
      dailyLossLimit: this.daily.limitAmount,
      openPositions: [...this.positions.values()].map((p) => this.view(p)),
      reservations: [...this.reservations.values()].map((r) => ({ ...r })),
      tradingState: this.tradingState,
      reason: this.tradingReason,
      requiresFlatten: this.requiresFlatten,
      cooldowns: this.cooldown.active(this.clock),
      edge: this.edge.snapshot(this.clock),
    };
  }

  /** A JSON-safe copy of the state, for {@link Portfolio.restore}. */
  getState(): PortfolioState {
    return {
      version: 1,
      config: { ...this.config },
      clock: this.clock,
      realisedEquity: this.realisedEquity,
      operator: { state: this.operator, reason: this.operatorReason },
      positions: [...this.positions.values()].map((p) => ({ ...p })),
      reservations: [...this.reservations.values()].map((r) => ({ ...r })),
      expiredReservations: [...this.expired.values()].map((r) => ({ ...r })),
      nextReservation: this.nextReservation,
      daily: this.daily.getState(),
      cooldown: this.cooldown.getState(),
      edge: this.edge.getState(),
    };
  }

  /** Moves the clock to `ts` if later and starts a new UTC day at the equity before the event. */
  private advance(ts: number): number {
    if (Number.isFinite(ts) && ts > this.clock) this.clock = ts;
    this.daily.roll(this.clock, this.equity);
    return this.clock;
  }

  private gate(): EntryDecision | null {
    if (this.operator === "HALTED") return refuse("halted", this.operatorReason ?? "halted by operator");
    if (this.daily.check(this.equity)) return refuse("daily_loss_limit", this.dailyDetail());
    if (this.operator === "REDUCING") return refuse("reducing", this.operatorReason ?? "reducing by operator");
    return null;
  }

  private holds(symbol: string): boolean {
    if (this.positions.has(symbol)) return true;
    for (const r of this.reservations.values()) if (r.symbol === symbol) return true;
    return false;
  }

  private isCorrelated(symbol: string, correlation: number | null): boolean {
    return symbol === this.config.btcSymbol || correlation === null || correlation >= this.config.correlationThreshold;
  }

  /** Open positions and reservations correlated with BTC now. O(positions × window). */
  private countCorrelated(): number {
    let n = 0;
    for (const s of this.positions.keys()) if (this.isCorrelated(s, this.correlation.correlation(s))) n++;
    for (const r of this.reservations.values())
      if (this.isCorrelated(r.symbol, this.correlation.correlation(r.symbol))) n++;
    return n;
  }

  private view(p: PortfolioPosition): PositionView {
    const correlation = this.correlation.correlation(p.symbol);
    return { ...p, correlation, correlated: this.isCorrelated(p.symbol, correlation) };
  }

  private resyncUnrealised(): void {
    let u = 0;
    for (const p of this.positions.values()) u += p.unrealised;
    this.unrealisedTotal = u;
  }

  private dailyDetail(): string {
    const pnl = this.daily.pnl(this.equity);
    return `daily loss limit: PnL ${pnl.toFixed(2)} <= -${this.daily.limitAmount.toFixed(2)} (${this.config.dailyLossLimitPct} % of day start ${this.daily.dayStartEquity.toFixed(2)})`;
  }
}

function refuse(reason: EntryRefusalReason, detail: string): EntryDecision {
  return { ok: false, reason, detail };
}

function unrealisedAt(p: PortfolioPosition, price: number): number {
  const gross = (price - p.entryPrice) * p.size;
  return (p.side === "long" ? gross : -gross) - p.entryFee;
}

function invalidRequest(req: EntryRequest): string | null {
  if (typeof req.symbol !== "string" || req.symbol.length === 0) return "symbol is empty";
  if (req.side !== "long" && req.side !== "short") return `side ${String(req.side)} is neither long nor short`;
  if (!(req.notional > 0) || !Number.isFinite(req.notional)) return `notional ${req.notional} must be finite and > 0`;
  if (!Number.isFinite(req.ts)) return `ts ${req.ts} is not finite`;
  return null;
}

function invalidFill(f: EntryFill): string | null {
  if (!(f.entryPrice > 0) || !Number.isFinite(f.entryPrice)) return `entryPrice ${f.entryPrice} must be finite and > 0`;
  if (!(f.size > 0) || !Number.isFinite(f.size)) return `size ${f.size} must be finite and > 0`;
  if (f.side !== "long" && f.side !== "short") return `side ${String(f.side)} is neither long nor short`;
  if (f.entryFee !== undefined && (!(f.entryFee >= 0) || !Number.isFinite(f.entryFee)))
    return `entryFee ${f.entryFee} must be finite and >= 0`;
  return null;
}
