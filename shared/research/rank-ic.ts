/**
 * Rank information coefficient: Spearman's correlation between a signal and the forward return,
 * computed as Pearson's correlation of their ranks (ties share their average rank).
 * @module
 */

/**
 * 1-based ranks of `values`, ties given the mean of the ranks they span (so [5, 1, 5] ranks
 * [2.5, 1, 2.5]). NaN is not ordered: callers drop it first.
 */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i + 1;
    while (j < n && values[order[j]] === values[order[i]]) j++;
    const rank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) ranks[order[k]] = rank;
    i = j;
  }
  return ranks;
}

/**
 * Pearson's correlation of `x` and `y` (equal lengths). NaN when either side is constant or there
 * are fewer than two pairs: no ordering, no correlation to report.
 */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (y.length !== n) throw new RangeError(`pearson: ${n} x values against ${y.length} y values`);
  const m = new CorrelationSums();
  for (let i = 0; i < n; i++) m.add(x[i], y[i]);
  return m.correlation();
}

/** Spearman's rank correlation of `x` and `y`, with average ranks for ties. */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  return pearson(averageRanks(x), averageRanks(y));
}

/**
 * Running sums for a correlation, centred on the first pair seen (shifted sums keep the
 * cancellation error small when the values sit far from 0, as ranks in the thousands do).
 */
export class CorrelationSums {
  private n = 0;
  private x0 = 0;
  private y0 = 0;
  private sx = 0;
  private sy = 0;
  private sxx = 0;
  private syy = 0;
  private sxy = 0;

  /** Adds one pair. */
  add(x: number, y: number): void {
    if (this.n === 0) {
      this.x0 = x;
      this.y0 = y;
    }
    const dx = x - this.x0;
    const dy = y - this.y0;
    this.n++;
    this.sx += dx;
    this.sy += dy;
    this.sxx += dx * dx;
    this.syy += dy * dy;
    this.sxy += dx * dy;
  }

  /** Pearson's r of the pairs added; NaN with fewer than two pairs or a constant side. */
  correlation(): number {
    const n = this.n;
    if (n < 2) return Number.NaN;
    const vx = this.sxx - (this.sx * this.sx) / n;
    const vy = this.syy - (this.sy * this.sy) / n;
    if (!(vx > 0) || !(vy > 0)) return Number.NaN;
    return (this.sxy - (this.sx * this.sy) / n) / Math.sqrt(vx * vy);
  }
}
