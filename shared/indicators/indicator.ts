/**
 * The streaming-indicator contract every indicator in this folder follows.
 * @module
 */

/**
 * A streaming indicator over inputs `In` with results `Out`.
 *
 * - `add(x)` consumes a new input (a closed bar's value, or the first value of a newly opened
 *   bar) and returns the result, or `null` while warming up.
 * - `replace(x)` revises the most recent input (a forming bar ticking) in O(1): the result is
 *   exactly what `add(x)` would have given instead of the last `add`. With no prior input it
 *   behaves as `add`.
 * - `getState()` returns a plain JSON-serialisable object; each class has a static
 *   `restore(state)` that rebuilds an identical indicator (used by Durable Objects after eviction).
 *
 * Every update is O(1) time and memory is bounded by the periods given to the constructor.
 */
export interface Indicator<In, Out, State = unknown> {
  add(input: In): Out | null;
  replace(input: In): Out | null;
  /** True once results are no longer warming up. */
  readonly isStable: boolean;
  /** The latest result, or `null` while warming up. */
  readonly result: Out | null;
  getState(): State;
}

/** Throws a RangeError unless `n` is an integer >= `min`: a bad period is a programming error. */
export function assertPeriod(name: string, n: number, min = 1): void {
  if (!Number.isInteger(n) || n < min) {
    throw new RangeError(`${name} must be an integer >= ${min}, got ${n}`);
  }
}

/** `T` with its fields writable. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * What an indicator with object results offers a reader that looks once per event (the feature
 * view): `update` / `revise` are `add` / `replace` without building the result, and `readInto`
 * writes the latest result into the reader's own object, allocating nothing. It returns false
 * while `result` is null (`out` is then not to be read).
 */
export interface InPlaceReadable<Out> {
  readInto(out: Mutable<Out>): boolean;
}
