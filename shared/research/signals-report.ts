/**
 * The measuring half of the signals study: from sampled series (./signals-sampler.ts) to the
 * figures of `npm run signals`, per signal and forward horizon:
 *
 * - rank IC: Spearman's correlation of the signal with the forward return (bps);
 * - quintiles: the mean forward return (bps) of each fifth of the samples ranked by the signal
 *   (ties share a fifth, so a fifth can be empty);
 * - hit rate: the share of the signal's votes followed by a move its way (moves of exactly 0 are
 *   not counted). A family votes when |sub-score| >= the confluence threshold (0.2); a composite
 *   score votes (its side) in its top fifth when above 0;
 * - beside them, the mean absolute forward move (the most any signal can earn at that horizon)
 *   and the round-trip fees.
 *
 * Every figure has a percentile interval from a circular block bootstrap over calendar time
 * (./block-bootstrap.ts), blocks max(horizon, `minBlockSeconds`) seconds long: overlapping
 * forward returns are not independent samples. Series that overlap in time (BTC and ETH, spot and
 * perp, recorded together) are resampled together, the same seconds of each, so markets that move
 * together are not counted as independent evidence. Inside a resample the IC is the correlation of
 * the full-sample ranks (ranks are not recomputed per resample; the point estimate is the exact
 * Spearman). Measured coverage of the 95 % interval is about 90 % on persistent scores
 * (./block-bootstrap.test.ts): read an interval that barely excludes 0 as weak evidence.
 * @module
 */
import { AGREE_THRESHOLD } from "../strategy/score";
import { FAMILIES, type Family } from "../strategy/types";
import {
  blockBootstrap,
  blocksPerResample,
  percentileInterval,
  quantileOfSorted,
  type TimeStratum,
  timeStratum,
} from "./block-bootstrap";
import { horizonLabel } from "./horizons";
import { deriveSeed } from "./prng";
import { averageRanks } from "./rank-ic";
import { SIGNALS, type GateTally, type SignalName, type SignalSeries } from "./signals-sampler";

/** Settings of {@link signalsReport}. */
export interface SignalsReportOptions {
  /** Forward horizons, seconds. */
  readonly horizons: readonly number[];
  /** Bootstrap resamples per horizon. */
  readonly replicates: number;
  readonly seed: number;
  /** Interval coverage, e.g. 0.95. */
  readonly level: number;
  /** Shortest block, seconds (samples); a block is never shorter than the horizon either. */
  readonly minBlockSeconds: number;
  /** Fees in percent of notional (the config's `fees`). */
  readonly fees: { readonly makerPct: number; readonly takerPct: number };
  /** Also report each series' ICs on its own (`series[].ic`). */
  readonly breakdown: boolean;
}

/** A figure with its interval; null where it cannot be computed (too few or constant samples). */
export interface Estimate {
  readonly value: number | null;
  readonly lo: number | null;
  readonly hi: number | null;
}

/** One fifth of the samples: how many, and their mean forward return in bps. */
export interface QuintileEstimate extends Estimate {
  readonly n: number;
}

/** A hit rate and the votes (with a non-zero move) behind it. */
export interface HitRateEstimate extends Estimate {
  readonly votes: number;
}

/** Everything measured about one signal, keyed by horizon label. */
export interface SignalStats {
  readonly ic: Record<string, Estimate>;
  readonly quintiles: Record<string, QuintileEstimate[]>;
  readonly hitRate: Record<string, HitRateEstimate>;
}

/** The distribution of a composite score over the samples. */
export interface Distribution {
  readonly max: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  /** Samples at or above 50, 60, 70 and 80. */
  readonly reached: Record<"50" | "60" | "70" | "80", number>;
}

/** Per series: what was sampled and, with `breakdown`, its own ICs. */
export interface SeriesSummary {
  readonly source: string;
  readonly symbol: string;
  readonly usesMid: boolean;
  readonly samples: number;
  readonly seconds: number;
  readonly scoreMax: number | null;
  /** This series' samples whose higher-side composite reaches 50, 60, 70 and 80. */
  readonly scoreReached: Distribution["reached"];
  /** This series' samples on which every gate passed. */
  readonly gatesAllPass: number;
  readonly ic?: Record<SignalName, Record<string, Estimate>>;
  readonly meanAbsMoveBps?: Record<string, Estimate>;
}

/** The document of `npm run signals` (its --json output). */
export interface SignalsDocument {
  readonly samples: number;
  readonly horizons: string[];
  readonly level: number;
  readonly replicates: number;
  readonly seed: number;
  /** Round-trip fees in bps (no spread, no slippage). */
  readonly costsBps: { readonly makerMaker: number; readonly makerTaker: number; readonly takerTaker: number };
  readonly meanAbsMoveBps: Record<string, Estimate>;
  /** Per horizon: samples with a forward return, block length (s) and blocks per resample. */
  readonly resampling: Record<
    string,
    { readonly samples: number; readonly blockLength: number; readonly blocks: number }
  >;
  readonly families: Record<Family, SignalStats>;
  readonly composite: { readonly long: SignalStats; readonly short: SignalStats };
  /** Of the higher side's score per sample (what the entry check reads), plus each side's own. */
  readonly scoreDistribution: Distribution & {
    /** Samples per 5-point bin of the higher side's score: [0,5), [5,10) … [95,100]. */
    readonly histogram: number[];
    readonly long: Distribution;
    readonly short: Distribution;
  };
  /** Gate outcomes for the side each sample favours. */
  readonly gates: {
    readonly samples: number;
    readonly allPass: number;
    readonly allPassRate: number | null;
    readonly byGate: Record<string, GateTally & { readonly passRate: number | null }>;
  };
  readonly series: SeriesSummary[];
}

const K = SIGNALS.length;
const STATS_PER_SIGNAL = 7;
const THRESHOLDS = ["50", "60", "70", "80"] as const;

/** Measures every signal at every horizon over `series` (pooled). */
export function signalsReport(series: readonly SignalSeries[], opts: SignalsReportOptions): SignalsDocument {
  const empty = () => Object.fromEntries(SIGNALS.map((s) => [s, { ic: {}, quintiles: {}, hitRate: {} }]));
  const stats = empty() as Record<
    SignalName,
    {
      ic: Record<string, Estimate>;
      quintiles: Record<string, QuintileEstimate[]>;
      hitRate: Record<string, HitRateEstimate>;
    }
  >;
  const meanAbsMoveBps: Record<string, Estimate> = {};
  const resampling: SignalsDocument["resampling"] = {};
  for (const h of opts.horizons) {
    const label = horizonLabel(h);
    const m = measureHorizon(series, h, opts);
    resampling[label] = { samples: m.samples, blockLength: m.blockLength, blocks: m.blocks };
    meanAbsMoveBps[label] = m.meanAbs;
    for (let k = 0; k < K; k++) {
      const s = stats[SIGNALS[k]];
      s.ic[label] = m.signals[k].ic;
      s.quintiles[label] = m.signals[k].quintiles;
      s.hitRate[label] = m.signals[k].hitRate;
    }
  }
  const bps = (pct: number) => round(pct * 100, 6);
  const { makerPct, takerPct } = opts.fees;
  return {
    samples: series.reduce((n, s) => n + s.at.length, 0),
    horizons: opts.horizons.map(horizonLabel),
    level: opts.level,
    replicates: opts.replicates,
    seed: opts.seed,
    costsBps: { makerMaker: bps(2 * makerPct), makerTaker: bps(makerPct + takerPct), takerTaker: bps(2 * takerPct) },
    meanAbsMoveBps,
    resampling,
    families: Object.fromEntries(FAMILIES.map((f) => [f, stats[f]])) as Record<Family, SignalStats>,
    composite: { long: stats.long, short: stats.short },
    scoreDistribution: scoreDistribution(series),
    gates: gateSummary(series),
    series: series.map((s) =>
      // One series: its own figures are the pooled ones, already measured.
      series.length === 1 && opts.breakdown
        ? { ...summarise(s, { ...opts, breakdown: false }), ic: icOf(stats), meanAbsMoveBps }
        : summarise(s, opts),
    ),
  };
}

function icOf(stats: Record<SignalName, SignalStats>): Record<SignalName, Record<string, Estimate>> {
  return Object.fromEntries(SIGNALS.map((name) => [name, stats[name].ic])) as Record<
    SignalName,
    Record<string, Estimate>
  >;
}

interface HorizonMeasure {
  readonly samples: number;
  readonly blockLength: number;
  readonly blocks: number;
  readonly meanAbs: Estimate;
  readonly signals: { ic: Estimate; quintiles: QuintileEstimate[]; hitRate: HitRateEstimate }[];
}

/** The pooled samples of one horizon, prepared for repeated evaluation. */
interface Pooled {
  readonly n: number;
  /** The samples grouped by overlapping time, for the bootstrap. */
  readonly strata: TimeStratum[];
  /** Rank of the forward return, centred on 0. */
  readonly ry: Float64Array;
  readonly y: Float64Array;
  readonly sign: Int8Array;
  /** Per signal: centred rank, fifth (0–4), vote (−1, 0, +1). */
  readonly rx: Float64Array[];
  readonly fifth: Uint8Array[];
  readonly vote: Int8Array[];
}

function measureHorizon(series: readonly SignalSeries[], h: number, opts: SignalsReportOptions): HorizonMeasure {
  const p = pool(series, h);
  const blockLength = Math.max(h, opts.minBlockSeconds);
  const blocks = blocksPerResample(p.strata, blockLength);
  const all = Array.from({ length: p.n }, (_, i) => i);
  const point = evaluate(p, all);
  const counts = fifthCounts(p);
  const reps =
    p.n < 2
      ? []
      : blockBootstrap(
          p.strata,
          { blockSeconds: blockLength, replicates: opts.replicates, seed: deriveSeed(opts.seed, h) },
          (idx) => evaluate(p, idx),
        );
  const est = (i: number): Estimate => {
    const ci = reps[i] === undefined ? { lo: Number.NaN, hi: Number.NaN } : percentileInterval(reps[i], opts.level);
    return { value: finite(point[i]), lo: finite(ci.lo), hi: finite(ci.hi) };
  };
  const signals = SIGNALS.map((_, k) => {
    const base = k * STATS_PER_SIGNAL;
    return {
      ic: est(base),
      quintiles: [0, 1, 2, 3, 4].map((q) => ({ n: counts[k][q], ...est(base + 1 + q) })),
      hitRate: { votes: votesOf(p, k), ...est(base + 6) },
    };
  });
  return { samples: p.n, blockLength, blocks, meanAbs: est(K * STATS_PER_SIGNAL), signals };
}

/**
 * Series overlapping in time, grouped: each group's first second and length. Returns the group of
 * each series.
 */
function timeGroups(series: readonly SignalSeries[]): { group: number[]; start: number[]; seconds: number[] } {
  const order = series.map((_, i) => i).sort((a, b) => series[a].firstSecond - series[b].firstSecond);
  const group = new Array<number>(series.length);
  const start: number[] = [];
  const end: number[] = [];
  for (const i of order) {
    const s = series[i];
    const last = start.length - 1;
    if (last >= 0 && s.firstSecond < end[last]) end[last] = Math.max(end[last], s.firstSecond + s.prices.length);
    else {
      start.push(s.firstSecond);
      end.push(s.firstSecond + s.prices.length);
    }
    group[i] = start.length - 1;
  }
  return { group, start, seconds: end.map((e, g) => e - start[g]) };
}

/** Gathers every sample with a forward return at `h` seconds, series by series. */
function pool(series: readonly SignalSeries[], h: number): Pooled {
  const y: number[] = [];
  const x: number[][] = SIGNALS.map(() => []);
  const groups = timeGroups(series);
  const members: { idx: number[]; sec: number[] }[] = groups.start.map(() => ({ idx: [], sec: [] }));
  series.forEach((s, si) => {
    const g = groups.group[si];
    const offset = s.firstSecond - groups.start[g];
    for (let j = 0; j < s.at.length; j++) {
      const i0 = s.at[j];
      const i1 = i0 + h;
      if (i1 >= s.prices.length) break;
      const p0 = s.prices[i0];
      const p1 = s.prices[i1];
      if (!(p0 > 0) || !(p1 > 0)) continue;
      members[g].idx.push(y.length);
      members[g].sec.push(offset + i0);
      y.push((p1 / p0 - 1) * 1e4);
      for (let k = 0; k < K; k++) x[k].push(s.values[SIGNALS[k]][j]);
    }
  });
  const strata = members
    .map((m, g) => timeStratum(m.idx, m.sec, groups.seconds[g]))
    .filter((st) => st.members.length > 0);
  const n = y.length;
  const centre = (n + 1) / 2;
  const ry = averageRanks(y).map((r) => r - centre);
  const sign = Int8Array.from(y, Math.sign);
  const rx: Float64Array[] = [];
  const fifth: Uint8Array[] = [];
  const vote: Int8Array[] = [];
  for (let k = 0; k < K; k++) {
    const r = averageRanks(x[k]);
    rx.push(r.map((v) => v - centre));
    fifth.push(Uint8Array.from(r, (v) => Math.min(4, Math.floor((5 * (v - 0.5)) / n))));
    vote.push(votesFor(SIGNALS[k], x[k], fifth[k]));
  }
  return { n, strata, ry, y: Float64Array.from(y), sign, rx, fifth, vote };
}

/** A family votes its sign at |x| >= the confluence threshold; a composite votes its side in its top fifth. */
function votesFor(signal: SignalName, x: readonly number[], fifth: Uint8Array): Int8Array {
  if (signal === "long" || signal === "short") {
    const side = signal === "long" ? 1 : -1;
    return Int8Array.from(x, (v, i) => (fifth[i] === 4 && v > 0 ? side : 0));
  }
  return Int8Array.from(x, (v) => (v >= AGREE_THRESHOLD ? 1 : v <= -AGREE_THRESHOLD ? -1 : 0));
}

/**
 * Every statistic over the samples `idx` (with repeats): per signal IC, five fifth means and the
 * hit rate, then the mean absolute move. The hot loop of the bootstrap.
 */
function evaluate(p: Pooled, idx: readonly number[]): number[] {
  const corr = new Float64Array(K * 5);
  const sums = new Float64Array(K * 5);
  const cnt = new Float64Array(K * 5);
  const hits = new Float64Array(K);
  const votes = new Float64Array(K);
  let sy = 0;
  let syy = 0;
  let abs = 0;
  const { ry, y, sign, rx, fifth, vote } = p;
  for (let t = 0; t < idx.length; t++) {
    const i = idx[t];
    const b = ry[i];
    const ret = y[i];
    const sg = sign[i];
    sy += b;
    syy += b * b;
    abs += ret < 0 ? -ret : ret;
    for (let k = 0; k < K; k++) {
      const a = rx[k][i];
      const c = k * 5;
      corr[c] += a;
      corr[c + 1] += a * a;
      corr[c + 2] += a * b;
      const q = c + fifth[k][i];
      sums[q] += ret;
      cnt[q]++;
      const v = vote[k][i];
      if (v !== 0 && sg !== 0) {
        votes[k]++;
        if (v === sg) hits[k]++;
      }
    }
  }
  const n = idx.length;
  const out: number[] = [];
  for (let k = 0; k < K; k++) {
    const c = k * 5;
    const vx = corr[c + 1] - (corr[c] * corr[c]) / n;
    const vy = syy - (sy * sy) / n;
    out.push(vx > 0 && vy > 0 ? (corr[c + 2] - (corr[c] * sy) / n) / Math.sqrt(vx * vy) : Number.NaN);
    for (let q = 0; q < 5; q++) out.push(cnt[c + q] > 0 ? sums[c + q] / cnt[c + q] : Number.NaN);
    out.push(votes[k] > 0 ? hits[k] / votes[k] : Number.NaN);
  }
  out.push(n > 0 ? abs / n : Number.NaN);
  return out;
}

function fifthCounts(p: Pooled): number[][] {
  return p.fifth.map((f) => {
    const c = [0, 0, 0, 0, 0];
    for (let i = 0; i < f.length; i++) c[f[i]]++;
    return c;
  });
}

function votesOf(p: Pooled, k: number): number {
  let n = 0;
  for (let i = 0; i < p.n; i++) if (p.vote[k][i] !== 0 && p.sign[i] !== 0) n++;
  return n;
}

function distribution(values: Float64Array): Distribution {
  const sorted = values.slice().sort();
  const reached = Object.fromEntries(THRESHOLDS.map((t) => [t, 0])) as Distribution["reached"];
  for (const v of sorted) for (const t of THRESHOLDS) if (v >= Number(t)) reached[t]++;
  return {
    max: finite(sorted.length > 0 ? sorted[sorted.length - 1] : Number.NaN),
    p95: finite(quantileOfSorted(sorted, 0.95)),
    p99: finite(quantileOfSorted(sorted, 0.99)),
    reached,
  };
}

function scoreDistribution(series: readonly SignalSeries[]): SignalsDocument["scoreDistribution"] {
  const long = concat(series.map((s) => s.values.long));
  const short = concat(series.map((s) => s.values.short));
  const best = long.map((v, i) => Math.max(v, short[i]));
  const histogram = new Array<number>(20).fill(0);
  for (const v of best) histogram[Math.min(19, Math.max(0, Math.floor(v / 5)))]++;
  return { ...distribution(best), histogram, long: distribution(long), short: distribution(short) };
}

function seriesScores(s: SignalSeries): { scoreMax: number | null; scoreReached: Distribution["reached"] } {
  const d = distribution(s.values.long.map((v, i) => Math.max(v, s.values.short[i])));
  return { scoreMax: d.max, scoreReached: d.reached };
}

function gateSummary(series: readonly SignalSeries[]): SignalsDocument["gates"] {
  let samples = 0;
  let allPass = 0;
  const byGate: Record<string, GateTally> = {};
  for (const s of series) {
    samples += s.gates.samples;
    allPass += s.gates.allPass;
    for (const [name, t] of Object.entries(s.gates.gates)) {
      const acc = byGate[name] ?? { pass: 0, fail: 0, unknown: 0, off: 0 };
      acc.pass += t.pass;
      acc.fail += t.fail;
      acc.unknown += t.unknown;
      acc.off += t.off;
      byGate[name] = acc;
    }
  }
  const rate = (x: number) => (samples > 0 ? round(x / samples, 6) : null);
  return {
    samples,
    allPass,
    allPassRate: rate(allPass),
    byGate: Object.fromEntries(Object.entries(byGate).map(([k, t]) => [k, { ...t, passRate: rate(t.pass + t.off) }])),
  };
}

function summarise(s: SignalSeries, opts: SignalsReportOptions): SeriesSummary {
  const base = {
    source: s.source,
    symbol: s.symbol,
    usesMid: s.usesMid,
    samples: s.at.length,
    seconds: s.prices.length - 1,
    ...seriesScores(s),
    gatesAllPass: s.gates.allPass,
  };
  if (!opts.breakdown) return base;
  const own = signalsReport([s], { ...opts, breakdown: false });
  const stats = { ...own.families, ...own.composite } as Record<SignalName, SignalStats>;
  return { ...base, ic: icOf(stats), meanAbsMoveBps: own.meanAbsMoveBps };
}

function concat(parts: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function finite(x: number): number | null {
  return Number.isFinite(x) ? round(x, 6) : null;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
