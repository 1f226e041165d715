/**
 * Whether a market-data feed can be traded on: the verdict a runner reads to stop new entries and to
 * treat the last book as stale (spread gate, post-only pricing). Pure: times are handed in.
 *
 * Defaults, measured on ../shared/data/recordings (BTC/ETH, books15 + books1 + trade; reproduce with
 * `npx vitest run --project unit cli/recorder/feed-health-data.test.ts`): the longest silence between
 * any two data pushes is 160 ms and between two trades 2.9 s; books15 arrives on a fixed 100 ms grid
 * (Bitget documents 150 ms). So 5 s without data is ≥ 30× the worst book silence and 1.7× the worst
 * trade silence of the set: a stall, never a quiet market on these symbols. Thin symbols (the NEXO
 * file in ../shared/data/long has 60 s silences) need a larger `staleDataMs`.
 * @module
 */

/** Why a feed is not fit to trade on, most serious first. */
export type FeedUnhealthyReason =
  /** No open connection. */
  | "disconnected"
  /** No market data (keepalive replies do not count) for `staleDataMs`. */
  | "stale"
  /**
   * Data flows but is old: the newest push came `maxLagMs` later than the feed's best exchange-ts-to-arrival
   * delay, that delay counted as at most the local clock's allowed skew (lag-watch.ts).
   */
  | "lagging"
  /** A book is broken (gap, checksum, renumbering) and waits for a fresh snapshot, or never got one. */
  | "book_unhealthy"
  /** A book channel sent nothing for `staleBookMs` while trades of its symbol flowed. */
  | "book_stale"
  /** Too many malformed frames, book breaks and missed snapshot pushes in the rolling window. */
  | "drop_rate";

/** Thresholds of {@link judgeFeed}; see the module notes for the measurements behind the defaults. */
export interface FeedHealthThresholds {
  /** No data for this long → `stale`; default 5 000. */
  readonly staleDataMs: number;
  /** A book arg silent this long while its symbol's trades flow → `book_stale`; default 5 000. */
  readonly staleBookMs: number;
  /** Rolling window of the drop rate; default 60 000. */
  readonly dropWindowMs: number;
  /** Bad share of the window's pushes (malformed + book breaks + missed pushes) → `drop_rate`; default 0.01. */
  readonly maxDropRate: number;
  /** …but only from this many bad ones in the window, so one lost frame never trips it; default 3. */
  readonly minDrops: number;
  /** The newest push's lag (see {@link LagWatch}) at or above this → `lagging`; default 2 000. */
  readonly maxLagMs: number;
}

/** Defaults of {@link FeedHealthThresholds}. */
export const DEFAULT_FEED_HEALTH: FeedHealthThresholds = {
  staleDataMs: 5000,
  staleBookMs: 5000,
  dropWindowMs: 60_000,
  // The DEV recordings have 0 malformed pushes, 0 book breaks and 0 missed books15 pushes, so any
  // rate above 0 is silent on clean data; 1 % is 5× below the 5 % fault level of issue 14.
  maxDropRate: 0.01,
  minDrops: 3,
  // The DEV recordings' books15 lag (arrival − exchange ts above the file's best) is at most 101 ms,
  // 176 ms over every push (cli/recorder/feed-health-data.test.ts); 2 s is 11× that and 20 books15
  // pushes of a 100 ms grid.
  maxLagMs: 2000,
};

/** What {@link judgeFeed} looks at for one symbol. */
export interface SymbolFeedState {
  readonly symbol: string;
  /** Every book arg of the symbol holds a consistent, snapshot-based book (null: no book channel). */
  readonly bookHealthy: boolean | null;
  /** Clock time of the symbol's newest accepted book push, or null. */
  readonly lastBookAt: number | null;
  /** Clock time of the symbol's oldest newest-push over its book args (the most silent one), or null. */
  readonly quietestBookAt: number | null;
  /** Clock time of the symbol's newest trade push, or null. */
  readonly lastTradeAt: number | null;
}

/** What {@link judgeFeed} looks at. */
export interface FeedState {
  readonly now: number;
  readonly connected: boolean;
  /** When the current connection opened (null while none is open). */
  readonly openedAt: number | null;
  /** Clock time of the newest market push (valid, of a subscribed arg), or null. */
  readonly lastDataAt: number | null;
  /** The newest push's lag behind the exchange's clock ({@link LagWatch}), or null before one came. */
  readonly lagMs: number | null;
  readonly symbols: readonly SymbolFeedState[];
  /** Counts in the rolling window. */
  readonly window: DropWindowCounts;
}

/** The rolling window's counts. */
export interface DropWindowCounts {
  /** Pushes received (valid or not) plus pushes known to be missing. */
  readonly pushes: number;
  /** Frames that did not parse or decode. */
  readonly malformed: number;
  /** Book continuity breaks (gaps, resets, renumberings, checksum failures). */
  readonly breaks: number;
  /** Pushes of fixed-cadence snapshot channels that the exchange sent and that did not arrive. */
  readonly missed: number;
}

/** The verdict: fit to trade on or not, and why not. */
export interface FeedVerdict {
  readonly healthy: boolean;
  /** The most serious reason, when unhealthy. */
  readonly reason: FeedUnhealthyReason | null;
  /** Says which symbol or figure, when unhealthy. */
  readonly detail: string | null;
  /** Per symbol: its last book must not be used (the feed or its book is unhealthy, or the book went quiet). */
  readonly bookStale: Readonly<Record<string, boolean>>;
}

/** The share of bad pushes in the window: (malformed + breaks + missed) / pushes, 0 without pushes. */
export function dropRate(w: DropWindowCounts): number {
  return w.pushes > 0 ? (w.malformed + w.breaks + w.missed) / w.pushes : 0;
}

/**
 * Judges a feed. Order of reasons: disconnected, stale, lagging, book unhealthy, book stale, drop rate;
 * a symbol's book is stale when the whole feed is unhealthy or its own book is broken or quiet.
 */
export function judgeFeed(s: FeedState, t: FeedHealthThresholds = DEFAULT_FEED_HEALTH): FeedVerdict {
  let reason: FeedUnhealthyReason | null = null;
  let detail: string | null = null;
  const worse = (r: FeedUnhealthyReason, d: string) => {
    if (reason === null || RANK[r] < RANK[reason]) [reason, detail] = [r, d];
  };
  if (!s.connected) worse("disconnected", "no open connection");
  else {
    const since = s.lastDataAt ?? s.openedAt ?? s.now;
    if (s.now - since >= t.staleDataMs) worse("stale", `no market data for ${s.now - since} ms`);
    if (s.lagMs !== null && s.lagMs >= t.maxLagMs)
      worse("lagging", `the newest push arrived ${s.lagMs} ms later than the feed's best delay behind the exchange`);
  }
  const own: Record<string, boolean> = {};
  for (const sym of s.symbols) {
    own[sym.symbol] = false;
    if (sym.bookHealthy === false) {
      worse("book_unhealthy", `${sym.symbol} book waits for a snapshot`);
      own[sym.symbol] = true;
    } else if (sym.bookHealthy && bookQuiet(sym, s.now, t.staleBookMs)) {
      worse("book_stale", `${sym.symbol} book silent for ${s.now - (sym.quietestBookAt ?? 0)} ms while trades flow`);
      own[sym.symbol] = true;
    }
  }
  const bad = s.window.malformed + s.window.breaks + s.window.missed;
  const rate = dropRate(s.window);
  if (bad >= t.minDrops && rate >= t.maxDropRate)
    worse(
      "drop_rate",
      `${bad} of ${s.window.pushes} pushes bad in ${t.dropWindowMs} ms (${s.window.malformed} malformed, ${s.window.breaks} book breaks, ${s.window.missed} missed)`,
    );
  const healthy = reason === null;
  const bookStale: Record<string, boolean> = {};
  for (const sym of s.symbols) bookStale[sym.symbol] = !healthy || own[sym.symbol];
  return { healthy, reason, detail, bookStale };
}

const RANK: Readonly<Record<FeedUnhealthyReason, number>> = {
  disconnected: 0,
  stale: 1,
  lagging: 2,
  book_unhealthy: 3,
  book_stale: 4,
  drop_rate: 5,
};

/** A book arg silent for `ms` while the symbol's trades arrived after it went quiet. */
function bookQuiet(sym: SymbolFeedState, now: number, ms: number): boolean {
  const quiet = sym.quietestBookAt;
  if (quiet === null || now - quiet < ms) return false;
  return sym.lastTradeAt !== null && sym.lastTradeAt > quiet;
}

/**
 * Counts of a rolling window in whole-second buckets: O(1) per add, memory `windowMs / 1000` buckets.
 * Times must not go back by more than a bucket (a clock step back lands in the current bucket).
 */
export class DropWindow {
  private readonly buckets: number;
  private readonly pushes: Float64Array;
  private readonly malformed: Float64Array;
  private readonly breaks: Float64Array;
  private readonly missed: Float64Array;
  private head = -1;

  constructor(windowMs: number) {
    if (!(windowMs >= 1000) || !Number.isFinite(windowMs))
      throw new RangeError(`DropWindow windowMs must be ≥ 1000, got ${windowMs}`);
    this.buckets = Math.ceil(windowMs / 1000);
    this.pushes = new Float64Array(this.buckets);
    this.malformed = new Float64Array(this.buckets);
    this.breaks = new Float64Array(this.buckets);
    this.missed = new Float64Array(this.buckets);
  }

  /** Counts one push at `now`: `kind` says what was wrong with it, if anything. */
  add(now: number, kind: "ok" | "malformed" | "break" = "ok"): void {
    const i = this.advance(now);
    this.pushes[i]++;
    if (kind === "malformed") this.malformed[i]++;
    else if (kind === "break") this.breaks[i]++;
  }

  /** Counts `n` pushes that should have arrived by `now` and did not. */
  addMissed(now: number, n: number): void {
    const i = this.advance(now);
    this.pushes[i] += n;
    this.missed[i] += n;
  }

  /** The counts of the last `windowMs` before `now`. */
  counts(now: number): DropWindowCounts {
    this.advance(now);
    return {
      pushes: sum(this.pushes),
      malformed: sum(this.malformed),
      breaks: sum(this.breaks),
      missed: sum(this.missed),
    };
  }

  /** Moves the head to `now`'s second, clearing the buckets passed; returns its index. */
  private advance(now: number): number {
    const sec = Math.floor(now / 1000);
    if (this.head < 0) this.head = sec;
    const steps = Math.min(this.buckets, sec - this.head);
    for (let k = 1; k <= steps; k++) {
      const i = (this.head + k) % this.buckets;
      this.pushes[i] = this.malformed[i] = this.breaks[i] = this.missed[i] = 0;
    }
    if (sec > this.head) this.head = sec;
    return this.head % this.buckets;
  }
}

function sum(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}
