/**
 * How old a feed's data is when it arrives: latency, judged apart from missing pushes (cadence-watch.ts).
 * @module
 */

/**
 * The lag of the newest push behind the exchange's clock: `arrival − ts` of the push, minus the smallest
 * `arrival − ts` seen on the connection. That floor is the clock offset plus the best transit: the
 * local and exchange clocks differ by an unknown constant (the DEV recordings' collector ran 1.27 s
 * behind the exchange; a recording replayed by the local venue is years behind), so only the delay above
 * the connection's best is latency that can be told. A feed whose every push is late by the same amount
 * from the first one on reads 0; a backlog that builds up (a congested link, a server falling behind, an
 * event loop blocked for seconds) reads as what it is.
 *
 * Only pushes that advance the newest `ts` are read (a duplicate, or a trade stamped a little before
 * the book that came first, says nothing about the delay). Pure: arrival times are handed in.
 */
export class LagWatch {
  private floor: number | null = null;
  private newestTs: number | null = null;
  private lag: number | null = null;

  /** A push the exchange stamped `ts` arrived at `at` (the feed's clock). */
  pushed(ts: number, at: number): void {
    if (this.newestTs !== null && ts <= this.newestTs) return;
    this.newestTs = ts;
    const offset = at - ts;
    if (this.floor === null || offset < this.floor) this.floor = offset;
    this.lag = offset - this.floor;
  }

  /** The newest push's lag in ms, or null before the first push. */
  get lagMs(): number | null {
    return this.lag;
  }

  /** Forgets everything (a new connection: another path, perhaps another server clock). */
  reset(): void {
    this.floor = null;
    this.newestTs = null;
    this.lag = null;
  }
}
