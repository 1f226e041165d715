/**
 * How old a feed's data is when it arrives: latency, judged apart from missing pushes (cadence-watch.ts).
 *
 * Figures behind the constants, on the DEV recordings (../shared/data/recordings, every push that
 * advances the newest `ts`; reproduce with `npx vitest run --project unit cli/recorder/feed-health-data.test.ts`):
 * the collectors' clocks ran 1.27–1.52 s behind the exchange (arrival − ts of the best push −1 525…−1 272 ms);
 * the largest rise of arrival − ts from one push to the next is 170 ms, and the floors (smallest
 * arrival − ts) of two consecutive 2.5 s windows of exchange time differ by at most 8 ms. On these files
 * the watch reads what it read before these rules (the same worst lag, 176 ms): the skew bound never
 * binds (their clocks run behind) and no rise comes near a step.
 * @module
 */

/**
 * The local clock is trusted to agree with the exchange's within this: the baseline of the lag is never
 * above it, so a feed whose every push is late from the first one on reads late. 2 s covers a clock
 * running ahead as far as the recordings' collectors ran behind (1.52 s), plus 0.48 s of transit; a feed
 * then reads `lagging` (maxLagMs 2 s) when its best push arrives 4 s after its stamp by the local clock.
 */
export const ALLOWED_SKEW_MS = 2000;

/**
 * A connection whose best push arrived more than this after its stamp is not on the exchange's live
 * clock: a recording replayed by the local venue (years behind) or a local clock no Bitget request
 * could be signed with (ACCESS-TIMESTAMP must be within 30 s, bitget-v2.md §4.1). Only the delay above
 * the connection's best can be told there, as before the skew bound.
 */
export const FOREIGN_CLOCK_MS = 30_000;

/**
 * A rise of arrival − ts by this much from one push to the next may be a step of the local clock
 * (5.9× the largest rise on the recordings, 170 ms; half of maxLagMs, so a smaller step never reads
 * `lagging` with the recordings' jitter on top).
 */
export const STEP_MS = 1000;

/**
 * After such a rise, the smallest arrival − ts of each half of {@link STEP_SETTLE_MS} (the train's floor:
 * jitter only adds to it) must agree within this, and stay {@link STEP_MS} above the old baseline, before
 * the floor is taken as the new baseline (a local clock step). On the recordings the floors of two
 * consecutive 2.5 s windows differ by at most 8 ms; 100 ms is 12× that. A backlog either drains back
 * in a burst (a blocked event loop) or keeps growing (a link falling behind): one growing faster than
 * 40 ms a second (100 ms per 2.5 s) never passes.
 */
export const STEP_DRIFT_MS = 100;

/** Exchange time a rise must hold (two halves, see {@link STEP_DRIFT_MS}) to be taken as a clock step. */
export const STEP_SETTLE_MS = 5000;

/**
 * The lag of the newest push behind the exchange's clock: `arrival − ts` of the push minus a baseline,
 * the smallest `arrival − ts` seen on the connection (the clocks' offset plus the best transit: the
 * local and exchange clocks differ by an unknown constant, and a recording replayed by the local venue
 * is years behind), capped at {@link ALLOWED_SKEW_MS} unless the connection is on a foreign clock
 * ({@link FOREIGN_CLOCK_MS}). So a backlog that builds up (a congested link, a server falling behind,
 * an event loop blocked for seconds) reads as what it is, and so does a feed late from its first push
 * by more than the clocks may differ.
 *
 * A step of the local clock (NTP, a suspended machine) would read as lag for ever: a rise of at least
 * {@link STEP_MS} that then holds its floor ({@link STEP_DRIFT_MS}) for {@link STEP_SETTLE_MS} of
 * exchange time moves the baseline to it. The limit of one clock: a server that falls behind by a
 * constant in one go and stays there looks the same, and reads lagging only for those 5 s (or for good
 * when that puts it beyond the skew bound). A step back lowers the baseline at once.
 *
 * Only pushes that advance the newest `ts` are read (a duplicate, or a trade stamped a little before
 * the book that came first, says nothing about the delay). Pure: arrival times are handed in.
 */
export class LagWatch {
  private floor: number | null = null;
  private newestTs: number | null = null;
  private lastOffset = 0;
  /** A rise that may be a clock step: the baseline before it, and the floors of the halves since (see {@link STEP_DRIFT_MS}). */
  private step: { from: number; halfSince: number; min: number; prevMin: number | null } | null = null;
  private lag: number | null = null;

  /** A push the exchange stamped `ts` arrived at `at` (the feed's clock). */
  pushed(ts: number, at: number): void {
    if (this.newestTs !== null && ts <= this.newestTs) return;
    this.newestTs = ts;
    const offset = at - ts;
    if (this.floor === null) this.floor = offset;
    else this.watchStep(ts, offset, this.floor);
    if (offset < this.floor) this.floor = offset;
    this.lastOffset = offset;
    this.lag = offset - (this.floor > FOREIGN_CLOCK_MS ? this.floor : Math.min(this.floor, ALLOWED_SKEW_MS));
  }

  /** The newest push's lag in ms, or null before the first push. */
  get lagMs(): number | null {
    return this.lag;
  }

  /** Forgets everything (a new connection: another path, perhaps another server clock). */
  reset(): void {
    this.floor = null;
    this.newestTs = null;
    this.step = null;
    this.lag = null;
  }

  /** Follows a rise of the offset that may be a step of the local clock; moves the baseline once it held. */
  private watchStep(ts: number, offset: number, floor: number): void {
    const s = this.step;
    if (s === null) {
      if (offset - this.lastOffset >= STEP_MS && offset - floor >= STEP_MS)
        this.step = { from: floor, halfSince: ts, min: offset, prevMin: null };
      return;
    }
    // Back near the old baseline: a backlog that drained, not a step.
    if (offset - s.from < STEP_MS) this.step = null;
    else if (ts - s.halfSince < STEP_SETTLE_MS / 2) s.min = Math.min(s.min, offset);
    else if (s.prevMin !== null && Math.abs(s.min - s.prevMin) <= STEP_DRIFT_MS) {
      this.floor = Math.min(s.prevMin, s.min);
      this.step = null;
    } else Object.assign(s, { prevMin: s.min, min: offset, halfSince: ts });
  }
}
