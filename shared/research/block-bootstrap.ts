/**
 * The circular block bootstrap over time (Politis & Romano 1992), in calendar time: a resample is
 * made of blocks of consecutive seconds, each starting at a uniform second and wrapping around the
 * end, and takes every sample that falls in them. Dependence inside a block (overlapping forward
 * returns, slowly moving scores) survives the resampling.
 *
 * Samples are grouped into strata of overlapping time (./signals-report.ts puts series that
 * overlap, e.g. BTC and ETH recorded together, into one stratum): a block takes the same seconds
 * of every series of its stratum, so two markets moving together count once, not twice. Strata
 * are resampled each within itself, so no block joins the end of one session to the start of
 * another.
 * @module
 */
import { createPrng, type Prng } from "./prng";

/** How {@link blockBootstrap} resamples. */
export interface BlockBootstrapOptions {
  /** Seconds per block (at least 1); a stratum shorter than a block is rotated whole. */
  readonly blockSeconds: number;
  /** Resamples drawn. */
  readonly replicates: number;
  /** Seed of the resampling stream. */
  readonly seed: number;
}

/** A two-sided interval. */
export interface Interval {
  readonly lo: number;
  readonly hi: number;
}

/** The samples of one stratum, by second: the samples at second s are `members[offsets[s]..offsets[s + 1])`. */
export interface TimeStratum {
  /** Seconds spanned (the circle the blocks wrap around). */
  readonly seconds: number;
  readonly offsets: Int32Array;
  /** Sample indices, ordered by second. */
  readonly members: Int32Array;
}

/**
 * Builds a stratum from its samples' indices and their seconds (0-based from the stratum's start,
 * below `seconds`).
 */
export function timeStratum(indices: ArrayLike<number>, secondsOf: ArrayLike<number>, seconds: number): TimeStratum {
  const offsets = new Int32Array(seconds + 1);
  for (let i = 0; i < secondsOf.length; i++) {
    const s = secondsOf[i];
    if (!(s >= 0 && s < seconds)) throw new RangeError(`sample second ${s} outside the stratum's ${seconds} s`);
    offsets[s + 1]++;
  }
  for (let s = 0; s < seconds; s++) offsets[s + 1] += offsets[s];
  const fill = offsets.slice(0, seconds);
  const members = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) members[fill[secondsOf[i]]++] = indices[i];
  return { seconds, offsets, members };
}

/**
 * One resample: for each stratum, blocks of `blockSeconds` consecutive seconds (circular) until
 * the stratum's length is covered (the last block cut short), every sample inside them, written
 * to `out` (cleared first).
 */
export function circularBlockResample(
  strata: readonly TimeStratum[],
  blockSeconds: number,
  rand: Prng,
  out: number[],
): number[] {
  if (!(blockSeconds >= 1)) throw new RangeError(`block length must be >= 1 s, got ${blockSeconds}`);
  out.length = 0;
  for (const st of strata) {
    const len = Math.min(Math.floor(blockSeconds), st.seconds);
    for (let covered = 0; covered < st.seconds; covered += len) {
      const from = Math.floor(rand() * st.seconds);
      const to = from + Math.min(len, st.seconds - covered);
      // Members are ordered by second: a block is one run of them, or two where it wraps.
      pushRange(out, st, from, Math.min(to, st.seconds));
      if (to > st.seconds) pushRange(out, st, 0, to - st.seconds);
    }
  }
  return out;
}

function pushRange(out: number[], st: TimeStratum, fromSecond: number, toSecond: number): void {
  const end = st.offsets[toSecond];
  for (let m = st.offsets[fromSecond]; m < end; m++) out.push(st.members[m]);
}

/** Blocks per resample over `strata` (the effective number of independent pieces behind an interval). */
export function blocksPerResample(strata: readonly TimeStratum[], blockSeconds: number): number {
  return strata.reduce((n, st) => n + Math.ceil(st.seconds / Math.min(Math.floor(blockSeconds), st.seconds)), 0);
}

/**
 * Draws `replicates` resamples and evaluates `statistic` on each (it receives the resampled
 * sample indices, reused between calls: read, do not keep). Returns, per statistic the callback
 * returns, its value in every replicate.
 */
export function blockBootstrap(
  strata: readonly TimeStratum[],
  opts: BlockBootstrapOptions,
  statistic: (indices: readonly number[]) => readonly number[],
): number[][] {
  const rand = createPrng(opts.seed);
  const idx: number[] = [];
  const out: number[][] = [];
  for (let b = 0; b < opts.replicates; b++) {
    const values = statistic(circularBlockResample(strata, opts.blockSeconds, rand, idx));
    for (let k = 0; k < values.length; k++) {
      if (out[k] === undefined) out[k] = [];
      out[k].push(values[k]);
    }
  }
  return out;
}

/**
 * The percentile interval of bootstrap replicates at `level` (0.95: the 2.5 % and 97.5 %
 * quantiles, linearly interpolated). NaN replicates are left out; none left gives NaN bounds.
 */
export function percentileInterval(replicates: readonly number[], level = 0.95): Interval {
  const v = replicates.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return { lo: Number.NaN, hi: Number.NaN };
  const tail = (1 - level) / 2;
  return { lo: quantileOfSorted(v, tail), hi: quantileOfSorted(v, 1 - tail) };
}

/** The `q` quantile (0–1) of ascending `sorted` values, linear between order statistics (NaN when empty). */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const pos = Math.min(Math.max(q, 0), 1) * (n - 1);
  const i = Math.floor(pos);
  const frac = pos - i;
  return i + 1 < n ? sorted[i] + frac * (sorted[i + 1] - sorted[i]) : sorted[i];
}
