/**
 * When the agent received and handled its last feed messages: for each, the exchange time of its
 * newest event, the wall time it reached the agent and the wall time the agent was done with it.
 * `npm run bench` reads them from the agent's status to measure venue push → agent decision. Three
 * fixed typed arrays: O(1) per message, no allocation and no storage write per message; only
 * {@link ReceiptRing.list} allocates.
 *
 * Clocks: workerd's `Date.now()`, whole ms. Under `wrangler dev` it advances during execution, so
 * `handledAt − receivedAt` is the handling time; deployed, it stands still while code runs (it
 * moves on I/O), and the two are equal.
 * @module
 */

/** One received feed message. */
export interface Receipt {
  /** Exchange time of the newest event of the message, ms. */
  readonly ts: number;
  /** Wall time the agent's feed handed the message's events over (decoded), ms. */
  readonly receivedAt: number;
  /** Wall time the agent had run them through the engine, session and paper broker (decisions made, orders placed), ms. */
  readonly handledAt: number;
}

/** The last `capacity` receipts, overwritten oldest first. */
export class ReceiptRing {
  private readonly ts: Float64Array;
  private readonly at: Float64Array;
  private readonly done: Float64Array;
  private next = 0;
  private count = 0;

  constructor(readonly capacity = 128) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.ts = new Float64Array(capacity);
    this.at = new Float64Array(capacity);
    this.done = new Float64Array(capacity);
  }

  /** Receipts held (at most `capacity`). */
  get size(): number {
    return this.count;
  }

  /** Records one message. O(1). */
  add(ts: number, receivedAt: number, handledAt: number): void {
    this.ts[this.next] = ts;
    this.at[this.next] = receivedAt;
    this.done[this.next] = handledAt;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  /** The receipts held, oldest first (a fresh array). */
  list(): Receipt[] {
    const out: Receipt[] = new Array(this.count);
    const first = (this.next - this.count + this.capacity) % this.capacity;
    for (let i = 0; i < this.count; i++) {
      const k = (first + i) % this.capacity;
      out[i] = { ts: this.ts[k], receivedAt: this.at[k], handledAt: this.done[k] };
    }
    return out;
  }
}
