/**
 * Missing pushes of one fixed-cadence snapshot channel (V2 `books5`/`books15`, v3 `books5`/`books50`:
 * a snapshot every push, every 150 ms on Bitget, 100 ms in the DEV recordings), read from the
 * exchange's own stamps on the pushes (`ts`, and `seq`/`pseq` where the channel chains them), never
 * from arrival times: a push that arrives late, or a burst held up by a busy event loop or the network,
 * still carries the exchange time it was sent at, so it shows nothing missing. The arrival-time version
 * of this watch read 3–6 % of a complete books15 train as missing on the shared 2-core machine at load
 * ~20, and closed the feed gate in 23 % of a quiet 10-minute soak's samples (README "Soak").
 * @module
 */

/** Cadences faster than this are not watched for missing pushes (see {@link CadenceWatch}). */
export const MIN_CADENCE_MS = 50;

/** Readings of a held span's missing pushes taken before it is resolved (see {@link CadenceWatch}). */
export const SETTLE_PUSHES = 3;

/** `pseq` breaks count as missing pushes only after this many pushes in a row named their predecessor's `seq`. */
export const CHAIN_TRUST = 10;

/**
 * Missing pushes of one fixed-cadence snapshot channel, from the exchange `ts` of each accepted push:
 * - the cadence is an average of past `ts` spans (each clipped to 0.5–3× it);
 * - a span above 1.6× the cadence opens a hold, which ends at the first later span of at least half
 *   the cadence (the train is back to normal); over the held span `S` with `k` pushes,
 *   `round(S / cadence) − k` pushes are missing. The exchange's own stamps jitter too (the DEV
 *   recordings' books15 `ts` spans run 0–390 ms on a 100 ms grid), and one late stamp followed by an
 *   early one is nothing missing;
 * - a `ts` that does not advance (a duplicate, a push out of order) counts nothing;
 * - a `ts` gap of `outageMs` or more is an outage (the arrival clock calls it stale first), not missed pushes;
 * - `seq`/`pseq`: on a channel whose pushes name their predecessor (`pseq` = the previous push's `seq`,
 *   v3 snapshot topics on the venue) for {@link CHAIN_TRUST} pushes in a row, the chain decides: a push
 *   whose `pseq` names another `seq` proves at least one push missing (as many as its `ts` span says, if
 *   more), and one that names its predecessor proves none, however the stamps jitter. A channel without `pseq`
 *   (V2 `books15`, whose `seq` counts every book change) or whose `pseq` does not chain is read by `ts` alone;
 * - below a cadence of {@link MIN_CADENCE_MS} nothing is counted, and a long span must also exceed the
 *   cadence by 40 ms.
 *
 * Measured on the DEV recordings (cli/recorder/feed-health-data.test.ts), books15 by exchange `ts`: on
 * the four USD-M files 0–2 counted missing in 3,445–4,795 clean pushes (≤ 0.05 %), and 84–100 % of 5 %
 * removed at random counted (the settling readings trade a little of the count for far fewer false
 * ones: with one reading 0–3 false and 95–114 %). The two spot files stamp their books with receive
 * times plus an estimated offset (no exchange time on Binance spot tickers): 73–85 false in 6,500
 * (1.1–1.3 %), which is what an arrival clock with ±100 ms of jitter reads.
 */
export class CadenceWatch {
  private last: number | null = null;
  /** Pushes after the first that carried `last` as their `ts` (a book stamped by its last change, unchanged since). */
  private sameTs = 0;
  private cadence = 0;
  /** Start of the held span, and the pushes in it so far; null when not holding. */
  private holdFrom: number | null = null;
  private held = 0;
  /** The smallest count of missing pushes the held span showed at the pushes after it, and how many did. */
  private best: number | null = null;
  private tries = 0;
  /** The first span (a subscribe snapshot → the grid) was passed over. */
  private seedSkipped = false;
  private lastSeq: bigint | null = null;
  /** Pushes in a row whose `pseq` was the previous push's `seq`. */
  private chained = 0;

  /** `outageMs`: a `ts` gap this long is an outage (reported as stale), not missed pushes; default 5 000. */
  constructor(private readonly outageMs = 5000) {}

  /**
   * An accepted push the exchange stamped `ts` (ms), with its `seq`/`pseq` when it has them; returns how
   * many pushes it shows missing (0 until a hold resolves).
   */
  pushed(ts: number, seq: bigint | null = null, pseq: bigint | null = null): number {
    const broken = this.followSeq(seq, pseq);
    const last = this.last;
    if (last !== null && ts <= last) return this.notAdvanced(broken);
    const same = this.sameTs;
    this.last = ts;
    this.sameTs = 0;
    if (last === null) return 0;
    const iv = ts - last;
    if (iv >= this.outageMs) {
      this.holdFrom = null;
      return 0;
    }
    if (broken) return this.seqGap(ts, iv);
    if (this.cadence === 0) return this.seed(iv);
    if (this.chained >= CHAIN_TRUST) return this.proven(iv);
    if (this.holdFrom !== null) return this.settle(ts, iv);
    if (iv > Math.max(1.6 * (same + 1) * this.cadence, this.cadence + 40) && this.cadence >= MIN_CADENCE_MS) {
      this.holdFrom = last;
      this.held = 1 + same;
      this.best = null;
      this.tries = 0;
      return 0;
    }
    this.learn(iv / (same + 1));
    return 0;
  }

  /**
   * A new push (the ingress dropped repeated `seq`s) whose `ts` did not advance: a book stamped by its
   * last change and unchanged since, or pushes out of order. It arrived, so it fills the span it sits in.
   */
  private notAdvanced(broken: boolean): number {
    if (this.holdFrom !== null) this.held++;
    else this.sameTs++;
    return broken ? 1 : 0;
  }

  /** Forgets the pushes (a new connection or subscription starts a new train). */
  reset(): void {
    this.last = null;
    this.sameTs = 0;
    this.holdFrom = null;
    this.lastSeq = null;
    this.chained = 0;
  }

  /** Follows the `pseq` chain; true when a trusted chain broke. */
  private followSeq(seq: bigint | null, pseq: bigint | null): boolean {
    const prev = this.lastSeq;
    if (seq !== null) this.lastSeq = seq;
    if (seq === null || pseq === null || prev === null) {
      this.chained = 0;
      return false;
    }
    if (pseq === prev) {
      this.chained++;
      return false;
    }
    const trusted = this.chained >= CHAIN_TRUST;
    this.chained = 0;
    return trusted;
  }

  /** A push of a trusted chain named its predecessor: nothing is missing, whatever the stamps' jitter. */
  private proven(iv: number): number {
    this.holdFrom = null;
    this.learn(iv);
    return 0;
  }

  /** The first span runs from the subscribe snapshot to the server's grid, so it may be any length: the second seeds. */
  private seed(iv: number): number {
    if (!this.seedSkipped) this.seedSkipped = true;
    else this.cadence = iv;
    return 0;
  }

  /** A proven gap: at least one missing, as many as the `ts` span says when it says more. */
  private seqGap(ts: number, iv: number): number {
    if (this.holdFrom !== null) {
      this.held++;
      this.best = null;
      return Math.max(1, this.resolve(ts));
    }
    return this.cadence > 0 ? Math.max(1, Math.round(iv / this.cadence) - 1) : 1;
  }

  /**
   * A push inside a hold: once the train is back to normal (a span of at least half the cadence), each
   * push reads the held span's missing count; the smallest of {@link SETTLE_PUSHES} readings is taken,
   * since one late stamp at the end inflates a reading and a push truly missing shows in all of them.
   */
  private settle(ts: number, iv: number): number {
    this.held++;
    if (this.best === null && iv < 0.5 * this.cadence) return 0;
    const reading = Math.round((ts - (this.holdFrom as number)) / this.cadence) - this.held;
    this.best = this.best === null ? reading : Math.min(this.best, reading);
    this.tries++;
    return this.best <= 0 || this.tries >= SETTLE_PUSHES ? this.resolve(ts) : 0;
  }

  private resolve(ts: number): number {
    const span = ts - (this.holdFrom as number);
    const missed = Math.max(0, this.best ?? Math.round(span / this.cadence) - this.held);
    this.learn(span / (this.held + missed));
    this.holdFrom = null;
    return missed;
  }

  private learn(interval: number): void {
    const c = this.cadence;
    this.cadence += 0.05 * (Math.min(3 * c, Math.max(0.5 * c, interval)) - c);
  }
}
