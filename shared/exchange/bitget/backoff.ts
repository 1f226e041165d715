/**
 * Reconnect delays: exponential backoff with "equal jitter".
 * @module
 */

/** Options of {@link Backoff}. */
export interface BackoffOptions {
  /** Ceiling of the first delay, ms (bitget-v2.md §2 suggests 0.5 s). */
  readonly initialMs: number;
  /** Largest ceiling, ms (bitget-v2.md §2 suggests 30 s). */
  readonly maxMs: number;
  /** Growth of the ceiling per attempt; default 2. */
  readonly factor?: number;
  /** Uniform random source in [0, 1), injected so tests and replays are deterministic. */
  readonly random: () => number;
}

/**
 * Exponential backoff with equal jitter: attempt k has ceiling `c_k = min(maxMs, initialMs · factor^k)`
 * and waits `c_k / 2 + random · c_k / 2`, i.e. uniformly in `[c_k/2, c_k]`.
 *
 * Why equal rather than full jitter: half of the ceiling is guaranteed, so with `factor ≥ 2` a delay is,
 * until the cap, never shorter than the previous ceiling — delays really grow — and a crowd of clients
 * still spreads out over the other half. Bitget allows 300 connection requests per IP per 5 minutes (§2).
 */
export class Backoff {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly factor: number;
  private readonly random: () => number;
  private ceiling: number;
  private count = 0;

  constructor(options: BackoffOptions) {
    const { initialMs, maxMs, factor = 2, random } = options;
    if (!(initialMs > 0) || !Number.isFinite(initialMs))
      throw new RangeError(`Backoff initialMs must be > 0, got ${initialMs}`);
    if (!(maxMs >= initialMs) || !Number.isFinite(maxMs))
      throw new RangeError(`Backoff maxMs must be ≥ initialMs, got ${maxMs}`);
    if (!(factor >= 1) || !Number.isFinite(factor)) throw new RangeError(`Backoff factor must be ≥ 1, got ${factor}`);
    this.initialMs = initialMs;
    this.maxMs = maxMs;
    this.factor = factor;
    this.random = random;
    this.ceiling = initialMs;
  }

  /** The delay before the next attempt, ms; advances the ceiling. */
  next(): number {
    const c = this.ceiling;
    this.ceiling = Math.min(this.maxMs, c * this.factor);
    this.count++;
    return c / 2 + this.random() * (c / 2);
  }

  /** Back to the first ceiling; call once a connection has proved healthy. */
  reset(): void {
    this.ceiling = this.initialMs;
    this.count = 0;
  }

  /** Delays handed out since construction or the last {@link Backoff.reset}. */
  get attempts(): number {
    return this.count;
  }
}
