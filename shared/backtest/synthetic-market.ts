/**
 * Seeded synthetic market: Bitget V2 public pushes (`trade`, `books1`, `books15`) for a BTC driver and
 * correlated alts, in the order of recording format v1 (../shared/data/recordings/README.md).
 * Used by the demo, by tests and by the local venue, which streams it live. It is an invented
 * process, never evidence that a strategy makes money.
 *
 * Model, on a 20 ms grid (dt = 0.02 s):
 * - BTC log-price x follows a regime Markov chain (quiet, trend up/down, mean reversion, volatility
 *   burst, liquidity sweep): dx = μ·dt − κ(x − anchor)·dt + σ·√dt·N(0,1), with a weak pull to the
 *   start level (half-life ~4 h) so unbounded runs stay in a sane band. A sweep is scripted: a spike
 *   through the 60-s high or low plus an overshoot in 0.4–1.2 s, then a reversal in 1.5–3.5 s.
 * - An alt's log-price is y = β·x + z, where z is idiosyncratic noise with σ_z = β·σ·√(1/ρ² − 1),
 *   so the return correlation with BTC is ρ in every regime (a little higher, as trends and sweeps
 *   add common moves).
 * - The book top is the mid ± half a spread of 1–3 ticks; books1 is pushed on the 20 ms grid when
 *   the top changed, books15 every 100 ms. Taker orders arrive as a Poisson process at a
 *   regime-dependent rate, take the side of the last second's momentum (or of a sweep), and fill
 *   against 1–8 maker orders; fills in (g, g + 20] ms print at the top set at g (buys at the ask,
 *   sells at the bid), so in file order a trade always matches the last book. Sizes are log-normal.
 * - Exchange `ts` = t − latency (per symbol 5–24 ms plus 0–15 ms jitter), kept non-decreasing.
 * Randomness comes only from the seed (xoshiro128**), one stream for the driver and one per
 * symbol, so a symbol's pushes do not depend on which other symbols are generated.
 * @module
 */
import { stepDecimals } from "../market/instrument";

/**
 * A regime of the BTC driver; alts inherit it through β. `quiet`: low volatility, ~2 trades/s on BTC.
 * `trendUp` / `trendDown`: drift of ±4e-5 per second (about ±0.3 % over a typical 75 s).
 * `meanRevert`: pulled back to its entry level (κ = 0.05/s). `volBurst`: σ ×7.5, trades ×15, wider
 * spreads, thinner book. `sweep`: the scripted spike through a 60-s extreme and reversal.
 */
export type Regime = "quiet" | "trendUp" | "trendDown" | "meanRevert" | "volBurst" | "sweep";

/** Every regime, in a fixed order. */
export const REGIMES: readonly Regime[] = ["quiet", "trendUp", "trendDown", "meanRevert", "volBurst", "sweep"];

/** The driver entered `regime` at grid time `t` (receive clock). `direction` is ±1 for trends and sweeps, else 0. */
export interface RegimeChange {
  readonly t: number;
  readonly regime: Regime;
  readonly direction: -1 | 0 | 1;
}

/** How one symbol looks and trades. Sizes are in base coin, rates in trades per second. */
export interface SymbolProfile {
  /** Starting price. */
  readonly price: number;
  readonly tickSize: number;
  readonly sizeStep: number;
  /** Median trade size (log-normal, σ 0.9). Book depth scales with it. */
  readonly medianTradeSize: number;
  /** Trades per second in the quiet regime; other regimes multiply it (bursts ×15). */
  readonly tradeRate: number;
  /** Sensitivity of the log-return to BTC's. */
  readonly beta: number;
  /** Target return correlation with BTC, in (0, 1]; 1 means no idiosyncratic noise. */
  readonly correlation: number;
}

/** Profiles for the majors, at early-2024 price levels and Bitget-like tick and size steps. */
export const DEFAULT_PROFILES: Readonly<Record<string, SymbolProfile>> = {
  BTCUSDT: {
    price: 42000,
    tickSize: 0.1,
    sizeStep: 0.001,
    medianTradeSize: 0.01,
    tradeRate: 2,
    beta: 1,
    correlation: 1,
  },
  ETHUSDT: {
    price: 2300,
    tickSize: 0.01,
    sizeStep: 0.01,
    medianTradeSize: 0.15,
    tradeRate: 1.6,
    beta: 1.15,
    correlation: 0.8,
  },
  SOLUSDT: {
    price: 100,
    tickSize: 0.001,
    sizeStep: 0.1,
    medianTradeSize: 3,
    tradeRate: 1.2,
    beta: 1.4,
    correlation: 0.75,
  },
  XRPUSDT: {
    price: 0.6,
    tickSize: 0.0001,
    sizeStep: 1,
    medianTradeSize: 600,
    tradeRate: 0.8,
    beta: 1.25,
    correlation: 0.7,
  },
  DOGEUSDT: {
    price: 0.09,
    tickSize: 0.00001,
    sizeStep: 1,
    medianTradeSize: 3000,
    tradeRate: 0.8,
    beta: 1.5,
    correlation: 0.7,
  },
};

/** The profile of any symbol without a default one. */
export const GENERIC_PROFILE: SymbolProfile = {
  price: 10,
  tickSize: 0.001,
  sizeStep: 0.1,
  medianTradeSize: 20,
  tradeRate: 0.5,
  beta: 1.3,
  correlation: 0.65,
};

/** Options of {@link createSyntheticMarket}. */
export interface SyntheticMarketOptions {
  /** Symbols to emit, e.g. `["BTCUSDT", "ETHUSDT"]` (`[A-Z0-9]+USDT`, no duplicates, at most 64). */
  readonly symbols: readonly string[];
  /** Start of the receive clock, ms since the epoch. The first push comes at the first 100 ms mark at or after `startMs + 100`. */
  readonly startMs: number;
  /** Any safe integer. */
  readonly seed: number;
  /** Per-symbol overrides merged over {@link DEFAULT_PROFILES} / {@link GENERIC_PROFILE}. */
  readonly profiles?: Readonly<Record<string, Partial<SymbolProfile>>>;
  /**
   * Called with the initial regime and every change. It runs while the market computes ahead,
   * up to 100 ms of receive time before the pushes of that moment are returned by `next()`.
   */
  readonly onRegime?: (change: RegimeChange) => void;
}

/** Options of {@link generate}: a finite run of `minutes` from `startMs`. */
export interface GenerateOptions extends SyntheticMarketOptions {
  /** Pushes with `t < startMs + minutes·60 000` are produced; changes reported to `onRegime` obey the same bound. */
  readonly minutes: number;
}

/** `[price, size]` as Bitget writes a level. */
export type LevelStrings = [price: string, size: string];

/** `arg` of a public push. Shared between pushes of one symbol and channel, and frozen. */
export interface PushArg<C extends string> {
  readonly instType: "USDT-FUTURES";
  readonly channel: C;
  readonly instId: string;
}

/** One trade of a `trade` push: every field a string, as Bitget sends it. */
export interface TradeItem {
  readonly ts: string;
  readonly price: string;
  readonly size: string;
  readonly side: "buy" | "sell";
  readonly tradeId: string;
}

/** The single item of a `books1` / `books15` push. */
export interface BookItem {
  readonly asks: LevelStrings[];
  readonly bids: LevelStrings[];
  readonly checksum: 0;
  readonly seq: string;
  readonly ts: string;
}

/** A `trade` push: trades of one exchange millisecond, newest (highest tradeId) first. */
export interface TradePush {
  readonly action: "update";
  readonly arg: PushArg<"trade">;
  readonly data: TradeItem[];
  readonly ts: number;
}

/** A `books1` or `books15` snapshot push. */
export interface BookPush {
  readonly action: "snapshot";
  readonly arg: PushArg<"books1" | "books15">;
  readonly data: [BookItem];
  readonly ts: number;
}

/** A Bitget V2 public push as the synthetic market emits it. */
export type SyntheticPushMessage = TradePush | BookPush;

/** A push and its receive time: one line of a recording. */
export interface SyntheticPush {
  readonly t: number;
  readonly m: SyntheticPushMessage;
}

/** An unbounded seeded market; see {@link createSyntheticMarket}. */
export interface SyntheticMarket {
  /** Receive time of the first push. */
  readonly firstT: number;
  /** Resolved profile of each requested symbol. */
  readonly profiles: Readonly<Record<string, SymbolProfile>>;
  /** The next push: `t` never decreases; same `t` in one symbol orders trade, books1, books15. Never ends. */
  next(): SyntheticPush;
}

const DT_MS = 20;
const DT = DT_MS / 1000;
const SQRT_DT = Math.sqrt(DT);
const FRAME_MS = 100;
const STEPS_PER_FRAME = FRAME_MS / DT_MS;
const LONG_PULL = Math.LN2 / (4 * 3600);
const LEVELS = 15;
const MAX_SYMBOLS = 64;
const SYMBOL_RE = /^[A-Z0-9]+USDT$/;
const SPREAD_RESAMPLE = 0.15;
const GAP_RESAMPLE = 0.1;
const SIZE_RESAMPLE = 0.25;
const TRADE_SIZE_SIGMA = 0.9;
/** Mean fills per taker order (geometric, capped at 8): rates in the profiles count fills. */
const MEAN_FILLS = 2;

interface RegimeParams {
  /** Diffusion σ of the BTC log-price, per √s. */
  readonly sigma: number;
  /** Drift per second (signed by direction for trends). */
  readonly drift: number;
  /** Mean-reversion speed towards the anchor, per second. */
  readonly kappa: number;
  /** Mean time in the regime, seconds (sweeps are scripted instead). */
  readonly meanS: number;
  readonly rate: number;
  readonly size: number;
  /** Cumulative probabilities of a 1, 2, 3 tick spread. */
  readonly spread: readonly [number, number, number];
  /** Chance per 20 ms step that a top size is re-quoted. */
  readonly quote: number;
  /** Multiplier of book depth. */
  readonly depth: number;
  /** Where the chain goes when the regime ends: [regime, weight] pairs. */
  readonly next: readonly (readonly [Regime, number])[];
}

const PARAMS: Readonly<Record<Regime, RegimeParams>> = {
  quiet: {
    sigma: 4e-5,
    drift: 0,
    kappa: 0,
    meanS: 60,
    rate: 1,
    size: 1,
    spread: [0.9, 1, 1],
    quote: 0.2,
    depth: 1,
    next: [
      ["trendUp", 0.18],
      ["trendDown", 0.18],
      ["meanRevert", 0.26],
      ["volBurst", 0.16],
      ["sweep", 0.22],
    ],
  },
  trendUp: {
    sigma: 6e-5,
    drift: 4e-5,
    kappa: 0,
    meanS: 75,
    rate: 3,
    size: 1.2,
    spread: [0.8, 1, 1],
    quote: 0.35,
    depth: 0.9,
    next: [
      ["quiet", 0.3],
      ["meanRevert", 0.25],
      ["volBurst", 0.2],
      ["sweep", 0.15],
      ["trendDown", 0.1],
    ],
  },
  trendDown: {
    sigma: 6e-5,
    drift: 4e-5,
    kappa: 0,
    meanS: 75,
    rate: 3,
    size: 1.2,
    spread: [0.8, 1, 1],
    quote: 0.35,
    depth: 0.9,
    next: [
      ["quiet", 0.3],
      ["meanRevert", 0.25],
      ["volBurst", 0.2],
      ["sweep", 0.15],
      ["trendUp", 0.1],
    ],
  },
  meanRevert: {
    sigma: 7e-5,
    drift: 0,
    kappa: 0.05,
    meanS: 75,
    rate: 2.5,
    size: 1,
    spread: [0.85, 1, 1],
    quote: 0.3,
    depth: 1,
    next: [
      ["quiet", 0.35],
      ["trendUp", 0.17],
      ["trendDown", 0.17],
      ["volBurst", 0.13],
      ["sweep", 0.18],
    ],
  },
  volBurst: {
    sigma: 3e-4,
    drift: 0,
    kappa: 0,
    meanS: 15,
    rate: 15,
    size: 1.5,
    spread: [0.4, 0.75, 1],
    quote: 0.6,
    depth: 0.5,
    next: [
      ["quiet", 0.35],
      ["meanRevert", 0.35],
      ["trendUp", 0.1],
      ["trendDown", 0.1],
      ["sweep", 0.1],
    ],
  },
  sweep: {
    sigma: 5e-5,
    drift: 0,
    kappa: 0,
    meanS: Infinity,
    rate: 25,
    size: 2.5,
    spread: [0.5, 0.85, 1],
    quote: 0.6,
    depth: 0.4,
    next: [
      ["quiet", 0.45],
      ["meanRevert", 0.45],
      ["volBurst", 0.1],
    ],
  },
};

/** Trade-rate multiplier while a sweep reverses (its spike uses `PARAMS.sweep.rate`). */
const SWEEP_REVERSAL_RATE = 8;

/** Resolves a symbol's profile: defaults, then `overrides`; throws a RangeError naming a bad field. */
export function profileFor(symbol: string, overrides?: Partial<SymbolProfile>): SymbolProfile {
  const p: SymbolProfile = { ...(DEFAULT_PROFILES[symbol] ?? GENERIC_PROFILE), ...overrides };
  const bad = (field: keyof SymbolProfile, why: string) =>
    new RangeError(`profile ${symbol}: ${field} ${why}, got ${p[field]}`);
  for (const f of ["price", "tickSize", "sizeStep", "medianTradeSize"] as const) {
    if (!(p[f] > 0) || !Number.isFinite(p[f])) throw bad(f, "must be a positive number");
  }
  if (!(p.tradeRate >= 0) || !Number.isFinite(p.tradeRate)) throw bad("tradeRate", "must be a number >= 0");
  if (!Number.isFinite(p.beta)) throw bad("beta", "must be finite");
  if (!(p.correlation > 0 && p.correlation <= 1)) throw bad("correlation", "must be in (0, 1]");
  if (p.price / p.tickSize < 1000) throw bad("price", `must be at least 1000 ticks of ${p.tickSize}`);
  return p;
}

/** Creates an unbounded seeded market; throws a RangeError on bad options. */
export function createSyntheticMarket(options: SyntheticMarketOptions): SyntheticMarket {
  return new Market(options);
}

/** The pushes of a finite run: every push with `t < startMs + minutes·60 000`. Bad options throw here, not on iteration. */
export function generate(options: GenerateOptions): Generator<SyntheticPush, void, undefined> {
  checkMinutes(options.minutes);
  const end = options.startMs + options.minutes * 60_000;
  const onRegime = options.onRegime;
  return until(createSyntheticMarket({ ...options, onRegime: onRegime && ((c) => c.t < end && onRegime(c)) }), end);
}

function* until(market: SyntheticMarket, end: number): Generator<SyntheticPush, void, undefined> {
  for (let p = market.next(); p.t < end; p = market.next()) yield p;
}

/**
 * The regime timeline of a finite run, computed from the driver alone (cheap): the same changes
 * {@link generate} reports to `onRegime` for these options, whatever the symbols.
 */
export function regimeTimeline(options: {
  readonly startMs: number;
  readonly seed: number;
  readonly minutes: number;
}): RegimeChange[] {
  checkSeedAndStart(options.seed, options.startMs);
  checkMinutes(options.minutes);
  const out: RegimeChange[] = [];
  const end = options.startMs + options.minutes * 60_000;
  const driver = new Driver(Rng.of(options.seed, "driver"), (c) => out.push(c));
  for (let g = firstGridT(options.startMs); g < end; g += DT_MS) driver.step(g);
  return out;
}

function firstGridT(startMs: number): number {
  return Math.ceil(startMs / FRAME_MS) * FRAME_MS + FRAME_MS;
}

function checkSeedAndStart(seed: number, startMs: number): void {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  if (!Number.isFinite(startMs) || startMs < 0)
    throw new RangeError(`startMs must be a time in ms since the epoch, got ${startMs}`);
}

function checkMinutes(minutes: number): void {
  if (!(minutes > 0) || !Number.isFinite(minutes))
    throw new RangeError(`minutes must be a positive number, got ${minutes}`);
}

function checkSymbols(symbols: readonly string[]): void {
  if (symbols.length === 0) throw new RangeError("symbols must not be empty");
  if (symbols.length > MAX_SYMBOLS) throw new RangeError(`at most ${MAX_SYMBOLS} symbols, got ${symbols.length}`);
  const seen = new Set<string>();
  for (const s of symbols) {
    if (!SYMBOL_RE.test(s)) throw new RangeError(`symbol ${JSON.stringify(s)} is not of the form [A-Z0-9]+USDT`);
    if (seen.has(s)) throw new RangeError(`symbol ${s} is listed twice`);
    seen.add(s);
  }
}

interface Entry {
  readonly t: number;
  /** Sort key within one `t`: channel rank × MAX_SYMBOLS + symbol index. */
  readonly k: number;
  readonly m: SyntheticPushMessage;
}

class Market implements SyntheticMarket {
  readonly firstT: number;
  readonly profiles: Readonly<Record<string, SymbolProfile>>;
  private readonly driver: Driver;
  private readonly sims: SymbolSim[];
  private readonly buf: Entry[] = [];
  private pos = 0;
  private frameT: number;

  constructor(o: SyntheticMarketOptions) {
    checkSeedAndStart(o.seed, o.startMs);
    checkSymbols(o.symbols);
    const profiles: Record<string, SymbolProfile> = {};
    for (const s of o.symbols) profiles[s] = profileFor(s, o.profiles?.[s]);
    this.profiles = profiles;
    this.driver = new Driver(Rng.of(o.seed, "driver"), o.onRegime ?? (() => {}));
    this.sims = o.symbols.map((s, i) => new SymbolSim(s, i, profiles[s], Rng.of(o.seed, `symbol:${s}`)));
    this.firstT = firstGridT(o.startMs);
    this.frameT = this.firstT;
  }

  next(): SyntheticPush {
    while (this.pos >= this.buf.length) this.fillFrame();
    const e = this.buf[this.pos++];
    return { t: e.t, m: e.m };
  }

  private fillFrame(): void {
    this.buf.length = 0;
    this.pos = 0;
    for (let s = 0; s < STEPS_PER_FRAME; s++) {
      const g = this.frameT + s * DT_MS;
      this.driver.step(g);
      for (const sim of this.sims) sim.step(g, this.driver, this.buf);
    }
    this.buf.sort((a, b) => a.t - b.t || a.k - b.k);
    this.frameT += FRAME_MS;
  }
}

/** The BTC driver: regime chain and log-price, plus the regime's effect on trading this step. */
class Driver {
  regime: Regime = "quiet";
  direction: -1 | 0 | 1 = 0;
  x = 0;
  dx = 0;
  /** σ per √s of the current regime's diffusion (alts scale their noise with it). */
  sigma = PARAMS.quiet.sigma;
  rateMult = 1;
  sizeMult = 1;
  /** Forced taker-buy probability minus 0.5 during a sweep; 0 lets momentum decide. */
  takerBias = 0;
  params: RegimeParams = PARAMS.quiet;
  private started = false;
  private anchor = 0;
  private sweepPhase: 0 | 1 | 2 = 0;
  private sweepStart = 0;
  private stepsLeft = 0;
  private inc = 0;
  private readonly hi = new Float64Array(60);
  private readonly lo = new Float64Array(60);
  private bucket = 0;
  private stepInBucket = 0;

  constructor(
    private readonly rng: Rng,
    private readonly onChange: (c: RegimeChange) => void,
  ) {}

  step(t: number): void {
    if (!this.started) {
      this.started = true;
      this.enter("quiet", t);
    } else if (this.regime !== "sweep" && this.rng.float() < DT / this.params.meanS) {
      this.enter(this.pickNext(), t);
    }
    const p = this.params;
    let d = p.sigma * SQRT_DT * this.rng.normal() - LONG_PULL * this.x * DT;
    if (this.regime === "trendUp" || this.regime === "trendDown") d += this.direction * p.drift * DT;
    if (this.regime === "meanRevert") d -= p.kappa * (this.x - this.anchor) * DT;
    if (this.regime === "sweep") d += this.sweepStep(t);
    this.x += d;
    this.dx = d;
    this.track();
  }

  private pickNext(): Regime {
    let u = this.rng.float();
    for (const [r, w] of this.params.next) {
      u -= w;
      if (u < 0) return r;
    }
    return this.params.next[this.params.next.length - 1][0];
  }

  private enter(regime: Regime, t: number): void {
    this.regime = regime;
    this.params = PARAMS[regime];
    this.sigma = this.params.sigma;
    this.rateMult = this.params.rate;
    this.sizeMult = this.params.size;
    this.takerBias = 0;
    this.direction = regime === "trendUp" ? 1 : regime === "trendDown" ? -1 : 0;
    this.anchor = this.x;
    if (regime === "sweep") this.planSpike();
    this.onChange({ t, regime, direction: this.direction });
  }

  /** Aims the spike at the nearer of the 60-s high and low, 3–8 bps beyond it. */
  private planSpike(): void {
    let h = this.x;
    let l = this.x;
    for (let i = 0; i < this.hi.length; i++) {
      if (this.hi[i] > h) h = this.hi[i];
      if (this.lo[i] < l) l = this.lo[i];
    }
    const dir = h - this.x <= this.x - l ? 1 : -1;
    const target = (dir > 0 ? h : l) + dir * (3e-4 + 5e-4 * this.rng.float());
    this.direction = dir;
    this.sweepStart = this.x;
    this.sweepPhase = 1;
    this.stepsLeft = Math.round((0.4 + 0.8 * this.rng.float()) / DT);
    this.inc = (target - this.x) / this.stepsLeft;
    this.takerBias = 0.4 * dir;
  }

  /** Reverses to around the pre-sweep level, up to 30 % of the spike beyond it. */
  private planReversal(): void {
    const spike = this.x - this.sweepStart;
    const target = this.sweepStart - 0.3 * this.rng.float() * spike;
    this.sweepPhase = 2;
    this.stepsLeft = Math.round((1.5 + 2 * this.rng.float()) / DT);
    this.inc = (target - this.x) / this.stepsLeft;
    this.rateMult = SWEEP_REVERSAL_RATE;
    this.sizeMult = 1.5;
    this.takerBias = -0.25 * this.direction;
  }

  private sweepStep(t: number): number {
    if (this.stepsLeft === 0) {
      if (this.sweepPhase === 1) this.planReversal();
      else {
        this.sweepPhase = 0;
        this.enter(this.pickNext(), t);
        return 0;
      }
    }
    this.stepsLeft--;
    return this.inc;
  }

  /** Per-second high and low of the last 60 s, for sweep targets. */
  private track(): void {
    if (this.stepInBucket === 0) {
      this.hi[this.bucket] = this.x;
      this.lo[this.bucket] = this.x;
    } else {
      if (this.x > this.hi[this.bucket]) this.hi[this.bucket] = this.x;
      if (this.x < this.lo[this.bucket]) this.lo[this.bucket] = this.x;
    }
    if (++this.stepInBucket === 1000 / DT_MS) {
      this.stepInBucket = 0;
      this.bucket = (this.bucket + 1) % this.hi.length;
    }
  }
}

/** One symbol: its price, book and trades, built on the driver's path. */
class SymbolSim {
  private readonly p: SymbolProfile;
  private readonly idioK: number;
  private readonly tickUnits: number;
  private readonly priceDec: number;
  private readonly stepUnits: number;
  private readonly sizeDec: number;
  private readonly medianUnits: number;
  private readonly p0Ticks: number;
  private readonly gapProb: number;
  private readonly baseLatency: number;
  private readonly argTrade: PushArg<"trade">;
  private readonly argBooks1: PushArg<"books1">;
  private readonly argBooks15: PushArg<"books15">;
  private z = 0;
  private y = 0;
  private ema = 0;
  private dyVar = 0;
  private spread = 1;
  private bid = 0;
  private ask = 0;
  private readonly bidSizes = new Float64Array(LEVELS);
  private readonly askSizes = new Float64Array(LEVELS);
  private readonly bidGaps = new Float64Array(LEVELS);
  private readonly askGaps = new Float64Array(LEVELS);
  private shown = { bid: -1, ask: -1, bidSize: -1, askSize: -1 };
  private seq = 0;
  private tradeId: number;
  private lastTs = 0;
  private readonly offsets: number[] = [];

  constructor(
    readonly symbol: string,
    private readonly index: number,
    profile: SymbolProfile,
    private readonly rng: Rng,
  ) {
    this.p = profile;
    this.idioK = profile.beta * Math.sqrt(1 / (profile.correlation * profile.correlation) - 1);
    this.priceDec = stepDecimals(profile.tickSize);
    this.tickUnits = Math.round(profile.tickSize * 10 ** this.priceDec);
    this.sizeDec = stepDecimals(profile.sizeStep);
    this.stepUnits = Math.round(profile.sizeStep * 10 ** this.sizeDec);
    this.medianUnits = profile.medianTradeSize / profile.sizeStep;
    this.p0Ticks = profile.price / profile.tickSize;
    this.gapProb = profile.tickSize / profile.price < 1e-5 ? 0.45 : 0.15;
    this.baseLatency = 5 + this.rng.int(20);
    this.tradeId = 1e12 + this.rng.uint32();
    this.argTrade = Object.freeze({ instType: "USDT-FUTURES", channel: "trade", instId: symbol });
    this.argBooks1 = Object.freeze({ instType: "USDT-FUTURES", channel: "books1", instId: symbol });
    this.argBooks15 = Object.freeze({ instType: "USDT-FUTURES", channel: "books15", instId: symbol });
    for (let k = 1; k < LEVELS; k++) {
      this.bidGaps[k] = this.gap();
      this.askGaps[k] = this.gap();
      this.bidSizes[k] = this.depthSize(k, 1);
      this.askSizes[k] = this.depthSize(k, 1);
    }
  }

  step(g: number, d: Driver, out: Entry[]): void {
    this.move(d);
    this.quote(d);
    if (this.topChanged()) out.push(this.book(g, 1, this.argBooks1));
    if (g % FRAME_MS === 0) {
      this.evolveDepth(d);
      out.push(this.book(g, 2, this.argBooks15));
    }
    this.trade(g, d, out);
  }

  private move(d: Driver): void {
    this.z += -LONG_PULL * this.z * DT + this.idioK * d.sigma * SQRT_DT * this.rng.normal();
    const y = this.p.beta * d.x + this.z;
    const dy = y - this.y;
    this.y = y;
    this.ema += 0.04 * (y - this.ema);
    this.dyVar += 0.02 * (dy * dy - this.dyVar);
  }

  private quote(d: Driver): void {
    const first = this.bid === 0;
    if (first || this.rng.float() < SPREAD_RESAMPLE) this.spread = pickSpread(d.params.spread, this.rng.float());
    const mid = Math.max(500, this.p0Ticks * Math.exp(this.y));
    const bid = Math.max(1, Math.floor(mid - this.spread / 2 + 0.5));
    const ask = bid + this.spread;
    if (bid !== this.bid || this.rng.float() < d.params.quote / 2) this.bidSizes[0] = this.topSize(d);
    if (ask !== this.ask || this.rng.float() < d.params.quote / 2) this.askSizes[0] = this.topSize(d);
    this.bid = bid;
    this.ask = ask;
  }

  private topChanged(): boolean {
    const s = this.shown;
    if (s.bid === this.bid && s.ask === this.ask && s.bidSize === this.bidSizes[0] && s.askSize === this.askSizes[0])
      return false;
    this.shown = { bid: this.bid, ask: this.ask, bidSize: this.bidSizes[0], askSize: this.askSizes[0] };
    return true;
  }

  private evolveDepth(d: Driver): void {
    for (let k = 1; k < LEVELS; k++) {
      if (this.rng.float() < GAP_RESAMPLE) this.bidGaps[k] = this.gap();
      if (this.rng.float() < GAP_RESAMPLE) this.askGaps[k] = this.gap();
      if (this.rng.float() < SIZE_RESAMPLE) this.bidSizes[k] = this.depthSize(k, d.params.depth);
      if (this.rng.float() < SIZE_RESAMPLE) this.askSizes[k] = this.depthSize(k, d.params.depth);
    }
  }

  private book(t: number, rank: 1 | 2, arg: PushArg<"books1" | "books15">): Entry {
    const n = rank === 1 ? 1 : LEVELS;
    const asks: LevelStrings[] = new Array(n);
    const bids: LevelStrings[] = new Array(n);
    let a = this.ask;
    let b = this.bid;
    for (let k = 0; k < n; k++) {
      a += this.askGaps[k];
      b -= this.bidGaps[k];
      asks[k] = [this.price(a), this.size(this.askSizes[k])];
      bids[k] = [this.price(b), this.size(this.bidSizes[k])];
    }
    const ts = this.exchangeTs(t);
    const m: BookPush = {
      action: "snapshot",
      arg,
      data: [{ asks, bids, checksum: 0, seq: String(++this.seq), ts: String(ts) }],
      ts,
    };
    return { t, k: rank * MAX_SYMBOLS + this.index, m };
  }

  /**
   * Taker orders in (g, g + 20] ms, each filled against 1–8 maker orders at the top set at g;
   * fills of one millisecond form one push, newest first.
   */
  private trade(g: number, d: Driver, out: Entry[]): void {
    const n = this.rng.poisson((this.p.tradeRate * d.rateMult * DT) / MEAN_FILLS);
    if (n === 0) return;
    const offs = this.offsets;
    offs.length = 0;
    for (let i = 0; i < n; i++) offs.push(1 + this.rng.int(DT_MS));
    offs.sort((x, y) => x - y);
    const pBuy = 0.5 + (d.takerBias !== 0 ? d.takerBias : 0.35 * Math.tanh(this.momentum()));
    for (let i = 0; i < n; ) {
      const t = g + offs[i];
      const ts = this.exchangeTs(t);
      const tsText = String(ts);
      const data: TradeItem[] = [];
      for (; i < n && g + offs[i] === t; i++) this.fill(data, tsText, pBuy, d.sizeMult);
      data.reverse();
      out.push({ t, k: this.index, m: { action: "update", arg: this.argTrade, data, ts } });
    }
  }

  /** One taker order: its fills, all on one side at the top. */
  private fill(data: TradeItem[], ts: string, pBuy: number, sizeMult: number): void {
    const buy = this.rng.float() < pBuy;
    const top = buy ? this.askSizes : this.bidSizes;
    const price = this.price(buy ? this.ask : this.bid);
    let fills = 1;
    while (fills < 8 && this.rng.float() < 1 - 1 / MEAN_FILLS) fills++;
    for (let f = 0; f < fills; f++) {
      const units = Math.max(
        1,
        Math.round(this.medianUnits * sizeMult * Math.exp(TRADE_SIZE_SIGMA * this.rng.normal())),
      );
      top[0] = Math.max(1, top[0] - units);
      data.push({ ts, price, size: this.size(units), side: buy ? "buy" : "sell", tradeId: String(++this.tradeId) });
    }
  }

  /** Distance of the log-price from its ~1 s EMA, in units of that distance's typical size. */
  private momentum(): number {
    const scale = 3.5 * Math.sqrt(this.dyVar);
    return scale > 0 ? (this.y - this.ema) / scale : 0;
  }

  private exchangeTs(t: number): number {
    const ts = Math.max(this.lastTs, t - this.baseLatency - this.rng.int(16));
    this.lastTs = ts;
    return ts;
  }

  private topSize(d: Driver): number {
    return Math.max(1, Math.round(this.medianUnits * 3 * d.params.depth * Math.exp(this.rng.normal())));
  }

  private depthSize(k: number, depth: number): number {
    return Math.max(1, Math.round(this.medianUnits * (2 + 0.5 * k) * depth * Math.exp(0.8 * this.rng.normal())));
  }

  private gap(): number {
    let g = 1;
    while (g < 4 && this.rng.float() < this.gapProb) g++;
    return g;
  }

  private price(ticks: number): string {
    return formatUnits(ticks * this.tickUnits, this.priceDec);
  }

  private size(units: number): string {
    return formatUnits(units * this.stepUnits, this.sizeDec);
  }
}

function pickSpread(cdf: readonly [number, number, number], u: number): number {
  return u < cdf[0] ? 1 : u < cdf[1] ? 2 : 3;
}

/** Writes the positive integer `units` × 10^-`decimals` exactly, with `decimals` digits after the point. */
function formatUnits(units: number, decimals: number): string {
  const s = String(units);
  if (decimals === 0) return s;
  const padded = s.length <= decimals ? "0".repeat(decimals + 1 - s.length) + s : s;
  return `${padded.slice(0, -decimals)}.${padded.slice(-decimals)}`;
}

/** xoshiro128** (Blackman & Vigna), seeded through splitmix32 from the seed and a stream name. */
class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare = NaN;

  private constructor(seed: number) {
    let s = seed | 0;
    const mix = () => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) | 0;
    };
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** A generator for stream `name` of `seed` (any safe integer: both 32-bit halves count). */
  static of(seed: number, name: string): Rng {
    const lo = seed | 0;
    const hi = Math.floor(seed / 2 ** 32) | 0;
    let h = 0x811c9dc5;
    for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ hi, 0x01000193);
    return new Rng(h ^ Math.imul(lo, 0x9e3779b1));
  }

  uint32(): number {
    const r = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return r;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Standard normal (Marsaglia polar method: only log and sqrt, both reproducible). */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const v = this.spare;
      this.spare = NaN;
      return v;
    }
    for (;;) {
      const u = 2 * this.float() - 1;
      const v = 2 * this.float() - 1;
      const s = u * u + v * v;
      if (s === 0 || s >= 1) continue;
      const f = Math.sqrt((-2 * Math.log(s)) / s);
      this.spare = v * f;
      return u * f;
    }
  }

  /** Poisson(λ): Knuth's product method, a normal approximation above λ = 30. */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
    const limit = Math.exp(-lambda);
    let k = 0;
    for (let p = this.float(); p > limit; p *= this.float()) k++;
    return k;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
