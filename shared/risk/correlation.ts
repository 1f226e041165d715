/**
 * Rolling correlation of short-horizon log returns against BTC, for the portfolio's
 * "at most N positions correlated with BTC" rule (design.md §5).
 * @module
 */

/** Options of {@link ReturnCorrelation}; the defaults in the config are 15 min of 5 s returns against BTCUSDT. */
export interface ReturnCorrelationOptions {
  /** The driver every symbol is compared with, e.g. "BTCUSDT". */
  readonly btcSymbol: string;
  /** Length of the rolling window, ms (config `correlationWindowMs`). */
  readonly windowMs: number;
  /** Length of one return slot, ms (config `correlationReturnMs`). */
  readonly returnMs: number;
  /** Fewest paired returns for a correlation; fewer gives null. Default: half the window, rounded up. */
  readonly minPairs?: number;
}

/** Per-symbol sampling state, as plain JSON. */
export interface SymbolReturnsState {
  /** First slot the symbol had a price in: returns exist only for later slots. */
  readonly firstSlot: number;
  /** Slot of the latest price (in progress while it is the clock's slot). */
  readonly slot: number;
  /** Latest price: the close of `slot` so far. */
  readonly price: number;
  /** Close of the slot before `slot` (carried through silent slots); unused while `slot === firstSlot`. */
  readonly prevClose: number;
  /** Ring of finished log returns, indexed by `slot % size`. */
  readonly returns: number[];
  /** Slot each ring cell was written for; a cell whose tag is not the slot asked for is a silent slot (0). */
  readonly tags: number[];
}

/** Serialisable state of {@link ReturnCorrelation}. */
export interface ReturnCorrelationState {
  readonly btcSymbol: string;
  readonly returnMs: number;
  readonly size: number;
  readonly minPairs: number;
  /** Latest slot seen on any symbol: the shared clock that closes slots. */
  readonly clockSlot: number;
  readonly symbols: Record<string, SymbolReturnsState>;
}

interface SymbolReturns {
  firstSlot: number;
  slot: number;
  price: number;
  prevClose: number;
  readonly returns: number[];
  readonly tags: number[];
}

const NO_SLOT = Number.MIN_SAFE_INTEGER;

/**
 * Pearson correlation of each symbol's log returns with BTC's, over the last
 * `windowMs / returnMs` completed return slots (180 by default).
 *
 * Sampling: slots are epoch-aligned (`slot = floor(ts / returnMs)`); a slot's close is the
 * last price seen in it, and its return is `ln(close_s / close_{s−1})`. A slot without a price
 * carries the previous close, so its return is 0. All symbols share one clock (the latest slot
 * seen on any symbol): a slot counts once the clock has moved past it, so BTC's return and the
 * alt's return for the same slot pair up by time even when their feeds arrive at different moments.
 * A symbol whose feed stops keeps contributing 0 returns up to the clock.
 *
 * Result conventions:
 * - BTC itself is 1 (it is the driver), whatever its data.
 * - null with fewer than `minPairs` paired returns (default half the window: 90 = 7.5 min of
 *   5 s returns), and null when either series has zero variance in the window (the Pearson
 *   ratio is 0/0). The portfolio counts null as correlated, so missing data fails closed.
 * - Prices that are not finite and positive, non-finite times and prices for a slot older than
 *   the symbol's latest slot are ignored.
 *
 * Cost: {@link onPrice} is O(1) with no allocation after a symbol's first price;
 * {@link correlation} is O(window). Memory: two rings of `size` numbers per symbol fed.
 * @see https://en.wikipedia.org/wiki/Pearson_correlation_coefficient
 */
export class ReturnCorrelation {
  readonly btcSymbol: string;
  readonly returnMs: number;
  /** Return slots in the window. */
  readonly size: number;
  /** Fewest paired returns for a non-null correlation. */
  readonly minPairs: number;
  private clockSlot = NO_SLOT;
  private readonly symbols = new Map<string, SymbolReturns>();

  constructor(o: ReturnCorrelationOptions) {
    if (!(o.returnMs > 0) || !(o.windowMs >= 2 * o.returnMs)) {
      throw new RangeError(`correlation window ${o.windowMs} ms must hold at least two ${o.returnMs} ms returns`);
    }
    this.btcSymbol = o.btcSymbol;
    this.returnMs = o.returnMs;
    this.size = Math.floor(o.windowMs / o.returnMs);
    this.minPairs = Math.min(this.size, Math.max(2, Math.ceil(o.minPairs ?? this.size / 2)));
  }

  /** Rebuilds a ReturnCorrelation from {@link ReturnCorrelation.getState}. */
  static restore(s: ReturnCorrelationState): ReturnCorrelation {
    const c = new ReturnCorrelation({
      btcSymbol: s.btcSymbol,
      returnMs: s.returnMs,
      windowMs: s.size * s.returnMs,
      minPairs: s.minPairs,
    });
    c.clockSlot = s.clockSlot;
    for (const [symbol, r] of Object.entries(s.symbols)) {
      c.symbols.set(symbol, {
        firstSlot: r.firstSlot,
        slot: r.slot,
        price: r.price,
        prevClose: r.prevClose,
        returns: [...r.returns],
        tags: [...r.tags],
      });
    }
    return c;
  }

  /** Feeds one price of `symbol` at exchange time `ts`. O(1). */
  onPrice(symbol: string, ts: number, price: number): void {
    if (!(price > 0) || !Number.isFinite(price) || !Number.isFinite(ts)) return;
    const slot = Math.floor(ts / this.returnMs);
    if (slot > this.clockSlot) this.clockSlot = slot;
    const r = this.symbols.get(symbol);
    if (r === undefined) {
      this.symbols.set(symbol, this.fresh(slot, price));
      return;
    }
    if (slot < r.slot) return;
    if (slot > r.slot) this.closeSlot(r, slot);
    r.price = price;
  }

  /**
   * Pearson correlation of `symbol`'s returns with BTC's over the last `size` completed slots,
   * in [−1, 1]; 1 for BTC itself; null without enough data (see the class notes).
   */
  correlation(symbol: string): number | null {
    if (symbol === this.btcSymbol) return 1;
    const a = this.symbols.get(this.btcSymbol);
    const b = this.symbols.get(symbol);
    if (a === undefined || b === undefined) return null;
    const end = this.clockSlot - 1;
    const start = Math.max(end - this.size + 1, a.firstSlot + 1, b.firstSlot + 1);
    const n = end - start + 1;
    if (n < this.minPairs) return null;
    return this.pearson(a, b, start, end, n);
  }

  /** Number of paired returns {@link correlation} would use for `symbol` now. */
  pairedReturns(symbol: string): number {
    const a = this.symbols.get(this.btcSymbol);
    const b = this.symbols.get(symbol);
    if (a === undefined || b === undefined) return 0;
    const end = this.clockSlot - 1;
    return Math.max(0, end - Math.max(end - this.size + 1, a.firstSlot + 1, b.firstSlot + 1) + 1);
  }

  /** A JSON-safe copy of the state, for {@link ReturnCorrelation.restore}. */
  getState(): ReturnCorrelationState {
    const symbols: Record<string, SymbolReturnsState> = {};
    for (const [symbol, r] of this.symbols) symbols[symbol] = { ...r, returns: [...r.returns], tags: [...r.tags] };
    return {
      btcSymbol: this.btcSymbol,
      returnMs: this.returnMs,
      size: this.size,
      minPairs: this.minPairs,
      clockSlot: this.clockSlot,
      symbols,
    };
  }

  private fresh(slot: number, price: number): SymbolReturns {
    return {
      firstSlot: slot,
      slot,
      price,
      prevClose: price,
      returns: new Array<number>(this.size).fill(0),
      tags: new Array<number>(this.size).fill(NO_SLOT),
    };
  }

  /** Finishes `r.slot` at its last price and moves to `slot`; the skipped slots are implicit zeros. */
  private closeSlot(r: SymbolReturns, slot: number): void {
    if (r.slot > r.firstSlot) {
      const i = this.cell(r.slot);
      r.returns[i] = Math.log(r.price / r.prevClose);
      r.tags[i] = r.slot;
    }
    r.prevClose = r.price;
    r.slot = slot;
  }

  /** Return of slot `s` for a symbol, with `firstSlot < s <= clock − 1`. */
  private returnAt(r: SymbolReturns, s: number): number {
    if (s > r.slot) return 0;
    if (s === r.slot) return Math.log(r.price / r.prevClose);
    const i = this.cell(s);
    return r.tags[i] === s ? r.returns[i] : 0;
  }

  private cell(slot: number): number {
    return ((slot % this.size) + this.size) % this.size;
  }

  /** Two-pass (mean-centred) Pearson over slots start..end. */
  private pearson(a: SymbolReturns, b: SymbolReturns, start: number, end: number, n: number): number | null {
    let sx = 0;
    let sy = 0;
    for (let s = start; s <= end; s++) {
      sx += this.returnAt(a, s);
      sy += this.returnAt(b, s);
    }
    const mx = sx / n;
    const my = sy / n;
    let sxx = 0;
    let syy = 0;
    let sxy = 0;
    for (let s = start; s <= end; s++) {
      const dx = this.returnAt(a, s) - mx;
      const dy = this.returnAt(b, s) - my;
      sxx += dx * dx;
      syy += dy * dy;
      sxy += dx * dy;
    }
    if (!(sxx > 0) || !(syy > 0)) return null;
    return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
  }
}
