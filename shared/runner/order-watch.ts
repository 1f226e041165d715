/**
 * No order the engine waits on waits for ever. The engine says which order should end soon (its
 * market exit in flight, or the entry it asked to cancel: {@link StrategyEngine.awaitedOrder}); when
 * that order's end has not come {@link ORDER_WATCH}.lookupAfterMs after the watch first saw it (a
 * placement or cancel that timed out, a 5xx, a 40010/45001 "result unknown", a lost push), the watch
 * looks it up by clientOid with a doubling wait, and acts on the answer:
 * - unknown to the exchange, or rejected/cancelled with no fill beyond those delivered: it ended;
 * - still open: the cancel is sent again (a cancel whose answer was lost);
 * - filled beyond the fills delivered: the fills are on their way (the broker's REST reconciliation
 *   delivers them), so it waits;
 * - the lookup failed: it waits.
 * After {@link ORDER_WATCH}.maxLookups lookups without an end, the order is taken as ended and that
 * is reported (`outcomeUnresolved`): an entry is released (a fill that comes later is reported by
 * reconciliation, and the position is then the recovery's orphan), an exit counts as failed and is
 * retried with its own backoff and cap (exit-retry.ts). Time is the runner's exchange time.
 * @module
 */
import type { CancelResult, Fill, OrderStatus } from "../execution/orders";
import { isPromise, type MaybePromise } from "../execution/broker";

/** The lookup schedule. A market order ends within a second; 5 s without news means its answer was lost. */
export const ORDER_WATCH = {
  /** Wait after the watch first sees the order before the first lookup, ms. */
  lookupAfterMs: 5_000,
  /** Wait after the first lookup; it doubles after each further one, ms. */
  firstDelayMs: 1_000,
  maxDelayMs: 16_000,
  /** Lookups before the order is taken as ended (5 s + 1 + 2 + 4 + 8 s ≈ 20 s, then the cap). */
  maxLookups: 5,
} as const;

/** The order the engine waits on. */
export interface AwaitedOrder {
  readonly clientOid: string;
  readonly role: "entry" | "exit";
  /** Its fills the engine holds, when it keeps them apart (an entry). */
  readonly filled?: number;
}

/** What the watch needs from the runner. */
export interface OrderWatchPorts {
  readonly symbol: string;
  /** The order the engine waits on now, or null. */
  awaited(): AwaitedOrder | null;
  /** The exchange's view of an order; null when the shell has no lookup (then only the cap applies). */
  readonly lookup: ((symbol: string, clientOid: string) => Promise<OrderStatus | null>) | null;
  cancel(symbol: string, clientOid: string): MaybePromise<CancelResult>;
  /** The order ended (the runner tells the session and the journal). */
  ended(order: AwaitedOrder, detail: string): void;
  /** The cap was reached (the runner reports and counts it). */
  unresolved(order: AwaitedOrder, lookups: number, detail: string): void;
  /** A lookup was sent. */
  looked(): void;
  /** An answer that came later was handled (the shell ends its turn). */
  asyncStep(): void;
  asyncError(what: string, error: unknown): void;
}

interface Watched extends AwaitedOrder {
  lookups: number;
  nextAt: number;
  busy: boolean;
  /** Size of its fills delivered since the watch began. */
  filled: number;
  last: string;
}

/** Float tolerance for sizes. */
const EPS = 1e-9;

/** See the module documentation. */
export class OrderWatch {
  private readonly p: OrderWatchPorts;
  private w: Watched | null = null;

  constructor(ports: OrderWatchPorts) {
    this.p = ports;
  }

  /** A fill was delivered (its size counts against the exchange's filled size). */
  onFill(f: Fill): void {
    if (this.w && f.clientOid === this.w.clientOid) this.w.filled += f.size;
  }

  /** Advances the watch to exchange time `ts`: starts watching, looks up when due, resolves at the cap. */
  tick(ts: number): void {
    const a = this.p.awaited();
    if (!a) {
      this.w = null;
      return;
    }
    if (this.w?.clientOid !== a.clientOid)
      this.w = {
        clientOid: a.clientOid,
        role: a.role,
        lookups: 0,
        nextAt: ts + ORDER_WATCH.lookupAfterMs,
        busy: false,
        filled: 0,
        last: "no answer",
      };
    const w = this.w;
    if (w.busy || ts < w.nextAt) return;
    if (w.lookups >= ORDER_WATCH.maxLookups || !this.p.lookup) return this.giveUp(w);
    w.lookups++;
    w.nextAt = ts + Math.min(ORDER_WATCH.maxDelayMs, ORDER_WATCH.firstDelayMs * 2 ** (w.lookups - 1));
    w.busy = true;
    this.p.looked();
    this.p.lookup(this.p.symbol, w.clientOid).then(
      (status) => {
        w.busy = false;
        if (this.current(w)) this.onStatus(w, status);
        this.p.asyncStep();
      },
      (e: unknown) => {
        w.busy = false;
        w.last = `lookup failed: ${e instanceof Error ? e.message : String(e)}`;
        this.p.asyncError("order lookup", e);
        this.p.asyncStep();
      },
    );
  }

  private current(w: Watched): boolean {
    return this.w === w && this.p.awaited()?.clientOid === w.clientOid;
  }

  private onStatus(w: Watched, s: OrderStatus | null): void {
    if (s === null) return this.end(w, "the exchange does not know the order");
    w.last = `the exchange says ${s.status}, ${s.filledSize} filled`;
    const delivered = Math.max(w.filled, this.p.awaited()?.filled ?? 0);
    if (s.filledSize > delivered + EPS) return;
    if (s.status === "rejected" || s.status === "cancelled") return this.end(w, `${s.status} on the exchange`);
    if (s.status === "open" || s.status === "pending") this.cancelAgain(w);
  }

  private cancelAgain(w: Watched): void {
    const done = (r: CancelResult) => {
      if (!this.current(w)) return;
      if (r.ok || r.reason === "unknown_order") this.end(w, "cancelled after a lookup found it open");
    };
    let r: MaybePromise<CancelResult>;
    try {
      r = this.p.cancel(this.p.symbol, w.clientOid);
    } catch (e) {
      return this.p.asyncError("order cancel", e);
    }
    if (!isPromise(r)) return done(r);
    r.then(
      (v) => (done(v), this.p.asyncStep()),
      (e: unknown) => (this.p.asyncError("order cancel", e), this.p.asyncStep()),
    );
  }

  private giveUp(w: Watched): void {
    const detail = `no end after ${w.lookups} lookups (${w.last}); taken as ended`;
    this.w = null;
    this.p.unresolved(w, w.lookups, detail);
    this.p.ended(w, detail);
  }

  private end(w: Watched, detail: string): void {
    this.w = null;
    this.p.ended(w, detail);
  }
}
