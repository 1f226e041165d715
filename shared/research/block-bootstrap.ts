/**
 * The circular block bootstrap over time (Politis & Romano 1992): a resample is made of blocks of
 * consecutive samples, each starting at a uniform position and wrapping around the end, so that the
 * dependence inside a block (overlapping forward returns, slowly moving scores) survives the
 * resampling. Several series (files, symbols) are resampled each within itself, to its own length
 * (a stratified resample): no block joins the end of one market to the start of another.
 * @module
 */
import { createPrng, type Prng } from "./prng";

/** How {@link blockBootstrap} resamples. */
export interface BlockBootstrapOptions {
  /** Samples per block (at least 1); a segment shorter than a block is rotated whole. */
  readonly blockLength: number;
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

/**
 * One resample of the concatenation of `segments` (their lengths, in order), written into `out`
 * (length = the sum of the segments): for each segment, blocks of `blockLength` consecutive indices
 * of that segment, circular, until the segment's length is filled (the last block cut short).
 */
export function circularBlockResample(
  segments: readonly number[],
  blockLength: number,
  rand: Prng,
  out: Int32Array,
): Int32Array {
  if (!(blockLength >= 1)) throw new RangeError(`block length must be >= 1, got ${blockLength}`);
  let offset = 0;
  let w = 0;
  for (const n of segments) {
    const len = Math.min(Math.floor(blockLength), n);
    let filled = 0;
    while (filled < n) {
      let at = Math.floor(rand() * n);
      const take = Math.min(len, n - filled);
      for (let k = 0; k < take; k++) {
        out[w++] = offset + at;
        if (++at === n) at = 0;
      }
      filled += take;
    }
    offset += n;
  }
  return out;
}

/**
 * Draws `replicates` resamples and evaluates `statistic` on each (it receives the resampled
 * indices into the concatenated samples, reused between calls: read, do not keep). Returns, per
 * statistic the callback returns, its value in every replicate.
 */
export function blockBootstrap(
  segments: readonly number[],
  opts: BlockBootstrapOptions,
  statistic: (indices: Int32Array) => readonly number[],
): number[][] {
  const total = segments.reduce((s, n) => s + n, 0);
  const rand = createPrng(opts.seed);
  const idx = new Int32Array(total);
  const out: number[][] = [];
  for (let b = 0; b < opts.replicates; b++) {
    const values = statistic(circularBlockResample(segments, opts.blockLength, rand, idx));
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
