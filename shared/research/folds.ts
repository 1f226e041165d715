/**
 * Walk-forward folds: contiguous time windows over the merged data. With K folds the span is cut
 * into K + 1 equal segments s₀ … s_K (boundaries rounded to whole ms); fold i tests on s_{i+1} and
 * trains on s_i (`rolling`) or on s₀ … s_i (`anchored`, an expanding window). Parameters are chosen
 * on the train window only, so every test window is out of sample and later than its training data.
 * @module
 */

/** A half-open span of exchange time, `from <= ts < to`, ms since the epoch. */
export interface TimeWindow {
  readonly from: number;
  readonly to: number;
}

/** How train windows move: a fixed-length window that rolls, or one anchored at the start that grows. */
export type FoldMode = "rolling" | "anchored";

/** One train/test split. */
export interface Fold {
  readonly index: number;
  readonly train: TimeWindow;
  readonly test: TimeWindow;
}

/**
 * The K folds over `span` (see the module comment).
 * @throws RangeError when K is not a positive integer or a segment would be shorter than 1 ms.
 */
export function walkForwardFolds(span: TimeWindow, k: number, mode: FoldMode = "rolling"): Fold[] {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`folds must be a positive integer, got ${k}`);
  const length = span.to - span.from;
  if (!(length >= k + 1)) throw new RangeError(`a span of ${length} ms cannot be cut into ${k + 1} segments`);
  const at = (j: number) => span.from + Math.round((j * length) / (k + 1));
  return Array.from({ length: k }, (_, i) => ({
    index: i,
    train: { from: mode === "anchored" ? span.from : at(i), to: at(i + 1) },
    test: { from: at(i + 1), to: at(i + 2) },
  }));
}
