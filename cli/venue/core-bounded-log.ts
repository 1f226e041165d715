/**
 * An append-only log that keeps the newest `capacity` items, with amortised O(1) appends:
 * the backing array grows to twice the capacity, then the oldest half is dropped in one splice.
 * @module
 */

/** Newest-`capacity` log of items; items are stored as given (not copied). */
export class BoundedLog<T> {
  private items: T[];

  constructor(
    private readonly capacity: number,
    items: readonly T[] = [],
  ) {
    if (!(capacity >= 1)) throw new RangeError(`capacity must be >= 1, got ${capacity}`);
    this.items = items.slice(-capacity);
  }

  /** Appends one item, dropping the oldest ones once twice the capacity is held. */
  push(item: T): void {
    this.items.push(item);
    if (this.items.length >= 2 * this.capacity) this.items.splice(0, this.items.length - this.capacity);
  }

  /** The newest item, or undefined. */
  last(): T | undefined {
    return this.items[this.items.length - 1];
  }

  /** Up to `n` newest items, newest first, that satisfy `keep`. */
  newest(n: number, keep: (item: T) => boolean = () => true): T[] {
    const out: T[] = [];
    const floor = Math.max(0, this.items.length - this.capacity);
    for (let i = this.items.length - 1; i >= floor && out.length < n; i--)
      if (keep(this.items[i])) out.push(this.items[i]);
    return out;
  }

  /** The retained items, oldest first (at most `capacity`). */
  toArray(): T[] {
    return this.items.slice(-this.capacity);
  }
}
