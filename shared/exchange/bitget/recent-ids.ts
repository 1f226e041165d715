/**
 * A bounded memory of recently seen ids, for exactly-once delivery of trades and fills.
 * @module
 */

/**
 * The last `capacity` ids in a ring, with a set for O(1) membership. Memory is bounded by `capacity`;
 * an id older than the last `capacity` distinct ids is forgotten (and would be accepted again).
 */
export class RecentIds {
  private readonly ring: (string | undefined)[];
  private readonly set = new Set<string>();
  private next = 0;

  constructor(private readonly capacity: number) {
    if (!(capacity >= 1) || !Number.isInteger(capacity))
      throw new RangeError(`RecentIds capacity must be an integer ≥ 1, got ${capacity}`);
    this.ring = new Array<string | undefined>(capacity);
  }

  /** Remembers `id`; false when it was already among the recent ids. */
  add(id: string): boolean {
    if (this.set.has(id)) return false;
    const evicted = this.ring[this.next];
    if (evicted !== undefined) this.set.delete(evicted);
    this.ring[this.next] = id;
    this.set.add(id);
    this.next = (this.next + 1) % this.capacity;
    return true;
  }

  /** True when `id` is among the recent ids. */
  has(id: string): boolean {
    return this.set.has(id);
  }
}
