/**
 * The last trade price per second of one symbol, batched for `Coordinator.reportPrices`.
 * Bounded: past `capacity` seconds the oldest points are dropped (the Coordinator only marks and
 * samples returns; a long outage needs the recent prices, not every second of it).
 * @module
 */

/** One reported point. */
export interface PricePoint {
  readonly ts: number;
  readonly price: number;
}

/** Keeps the last trade of each second until taken. O(1) per trade. */
export class PriceBatch {
  private points: PricePoint[] = [];

  constructor(private readonly capacity = 300) {}

  /** Points waiting. */
  get size(): number {
    return this.points.length;
  }

  /** Records a trade: replaces the point of its second, or appends a new second. */
  add(ts: number, price: number): void {
    const last = this.points[this.points.length - 1];
    if (last && Math.floor(last.ts / 1000) === Math.floor(ts / 1000))
      this.points[this.points.length - 1] = { ts: Math.max(ts, last.ts), price };
    else this.points.push({ ts, price });
    if (this.points.length > this.capacity) this.points.shift();
  }

  /** Hands over every waiting point and forgets them. */
  take(): PricePoint[] {
    const out = this.points;
    this.points = [];
    return out;
  }

  /** Puts back points whose report failed, ahead of newer ones (still bounded). */
  putBack(points: readonly PricePoint[]): void {
    this.points = [...points, ...this.points].slice(-this.capacity);
  }
}
