/**
 * The daily loss limit: equity marked to market against the equity at the start of the UTC day.
 * @module
 */

/** Milliseconds in a UTC day. */
export const DAY_MS = 86_400_000;

/** UTC day number of an epoch-ms timestamp (days since 1970-01-01). */
export function utcDay(ts: number): number {
  return Math.floor(ts / DAY_MS);
}

/**
 * A time whose {@link utcDay} is at most `day` (1 ms before the next midnight, or −∞ where rounding
 * could tell otherwise): since `utcDay` never decreases with `ts`, every `ts` up to it is too.
 */
function lastTsOfDay(day: number): number {
  const ts = (day + 1) * DAY_MS - 1;
  return utcDay(ts) <= day ? ts : -Infinity;
}

/** Serialisable state of {@link DailyLoss}. */
export interface DailyLossState {
  readonly limitPct: number;
  /** UTC day number the counters belong to. */
  readonly day: number;
  /** Equity (realised + unrealised) at the first event of `day`. */
  readonly dayStartEquity: number;
  /** Sum of the net PnL of positions closed during `day`. */
  readonly realisedToday: number;
  /** True once the limit was reached during `day`; sticky until the next UTC day. */
  readonly halted: boolean;
}

/**
 * Tracks one UTC day of PnL and decides when the daily loss limit is reached.
 *
 * Rule: with E the equity now (realised plus unrealised, marked to market) and E0 the equity at
 * the day's first event, daily PnL = E − E0, and the limit is reached when
 * `E − E0 <= −limitPct / 100 × E0`. Once reached, the day stays halted even if equity recovers;
 * the first event of a later UTC day sets E0 to the equity at that moment and clears the halt.
 * A day that starts with no equity (E0 <= 0) is halted at once (the inequality holds at 0).
 * The day comes from event timestamps only (the engine clock), never from wall time.
 */
export class DailyLoss {
  readonly limitPct: number;
  private dayNo: number;
  private startEquity: number;
  private realised = 0;
  private isHalted = false;
  /** Every `ts <= sameDayUntil` is in day `dayNo` or earlier (see {@link lastTsOfDay}): `roll` skips the division. */
  private sameDayUntil: number;

  /** Starts the day of `now` with `startEquity`. */
  constructor(limitPct: number, startEquity: number, now: number) {
    this.limitPct = limitPct;
    this.dayNo = utcDay(now);
    this.sameDayUntil = lastTsOfDay(this.dayNo);
    this.startEquity = startEquity;
  }

  /** Rebuilds a DailyLoss from {@link DailyLoss.getState}. */
  static restore(s: DailyLossState): DailyLoss {
    const d = new DailyLoss(s.limitPct, s.dayStartEquity, s.day * DAY_MS);
    d.realised = s.realisedToday;
    d.isHalted = s.halted;
    return d;
  }

  /** UTC day number of the counters. */
  get day(): number {
    return this.dayNo;
  }

  /** Equity at the first event of the day. */
  get dayStartEquity(): number {
    return this.startEquity;
  }

  /** Net PnL realised today. */
  get realisedToday(): number {
    return this.realised;
  }

  /** True once the limit was reached today. */
  get halted(): boolean {
    return this.isHalted;
  }

  /** The loss (a positive amount) at which today halts: limitPct % of the day's starting equity. */
  get limitAmount(): number {
    return (this.limitPct / 100) * this.startEquity;
  }

  /**
   * Moves to the UTC day of `ts` if it is later than the current one, starting it with `equity`
   * (the equity before the event at `ts` is applied). Returns true when a new day began.
   */
  roll(ts: number, equity: number): boolean {
    if (ts <= this.sameDayUntil) return false;
    const day = utcDay(ts);
    if (!(day > this.dayNo)) return false;
    this.dayNo = day;
    this.sameDayUntil = lastTsOfDay(day);
    this.startEquity = equity;
    this.realised = 0;
    this.isHalted = false;
    return true;
  }

  /** Adds the net PnL of a position closed today. */
  addRealised(netPnl: number): void {
    this.realised += netPnl;
  }

  /** Daily PnL at `equity`: E − E0. */
  pnl(equity: number): number {
    return equity - this.startEquity;
  }

  /** Daily PnL at `equity` as a percentage of E0; null when E0 <= 0. */
  pnlPct(equity: number): number | null {
    return this.startEquity > 0 ? (this.pnl(equity) / this.startEquity) * 100 : null;
  }

  /** Checks the limit at `equity`; latches the halt when reached. Returns whether today is halted. */
  check(equity: number): boolean {
    if (!this.isHalted && this.pnl(equity) <= -this.limitAmount) this.isHalted = true;
    return this.isHalted;
  }

  /** A JSON-safe copy of the state, for {@link DailyLoss.restore}. */
  getState(): DailyLossState {
    return {
      limitPct: this.limitPct,
      day: this.dayNo,
      dayStartEquity: this.startEquity,
      realisedToday: this.realised,
      halted: this.isHalted,
    };
  }
}
