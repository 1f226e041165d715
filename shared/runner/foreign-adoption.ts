/**
 * Fills of orders the runner did not place that find the engine flat (a manual order, another client
 * of the account): the exchange is the truth about the position, not the fill. A multi-part manual
 * order arrives as several fills, and a foreign fill may as well close a position the engine never
 * knew; adopting each fill as it comes would adopt the order in parts, or the wrong way round. So the
 * fills wait here while the position is read from the exchange (the broker's positions, both
 * dialects), and the runner adopts what the exchange holds — size, side, average price — under
 * `live.orphanPolicy`, as reconciliation's orphan path does; nothing held means nothing to adopt.
 *
 * - One read at a time: fills that arrive while it runs are folded into the next read, which starts
 *   when it ends (its answer may predate them); so is a read during which the runner's position
 *   changed another way (a fill applied, an orphan adopted by recovery or reconciliation): settling a
 *   stale answer would adopt a position that is gone. Only a read that saw the latest state settles.
 * - Fills of an order the last adoption folded in that arrive afterwards are read again too (the
 *   read may already have counted them): the runner applies only what the exchange added.
 * - A read that fails is retried after {@link StopGuardLimits.backoffMs} doubling, and counted; when
 *   the stop guard's bounds are spent (attempts or time unprotected) the waiting fills are settled by
 *   themselves — the only evidence left — so what they opened gets its stop (or is closed) under the
 *   stop guard's rules instead of staying bare.
 *
 * - A foreign fill on the side of the runner's own entry while that entry works is held instead
 *   ({@link ForeignAdoption.hold}): the runner merges it into the position the entry opens (the
 *   engine's manual same-side add), or, if the entry opens nothing, reads the exchange for it.
 *
 * The waiting and held fills and the orders of the last adoption are persisted with the runner; a restored
 * runner reads again at its first tick. Time is the runner's exchange time.
 * @module
 */
import type { Fill } from "../execution/orders";
import type { ExchangePosition } from "./recovery";
import type { SafetyEvent } from "./safety-events";
import { DEFAULT_STOP_GUARD_LIMITS, type StopGuardLimits } from "./stop-guard";

/** What a {@link ForeignAdoption} persists. */
export interface ForeignAdoptionState {
  /** Foreign fills waiting for the exchange's position, oldest first. */
  readonly waiting: readonly Fill[];
  /** clientOids of the orders folded into the last adoption. */
  readonly adopted: readonly string[];
  /** Same-side foreign fills held while the runner's own entry works (merged when it opens). Absent before it existed. */
  readonly held?: readonly Fill[];
}

/** Where the settled position came from: the exchange's read, or the fills alone (the reads failed past the bounds). */
export type AdoptionSource = "exchange" | "fills";

/** What a {@link ForeignAdoption} needs from the runner. */
export interface ForeignAdoptionOptions {
  /** The exchange's net position of the symbol, null when flat (rejects when the read fails). */
  readonly read: () => Promise<ExchangePosition | null>;
  /** Exchange time now (the runner's newest event). */
  readonly now: () => number;
  /** Changes whenever the runner's position may have changed (fills applied, adoptions); a read that saw it change is read again. */
  readonly epoch: () => number;
  /** Applies the position to the waiting `fills` (each reaches the ledger there, once). */
  readonly settle: (held: ExchangePosition | null, fills: readonly Fill[], source: AdoptionSource) => void;
  readonly emit: (e: SafetyEvent) => void;
  /** A read ended (the shell ends the turn: persist, deliver). */
  readonly asyncStep?: () => void;
  /** A bug inside a read's handling. */
  readonly asyncError?: (what: string, e: unknown) => void;
  readonly limits?: StopGuardLimits;
}

/** The foreign fills of one symbol waiting for the exchange's position (module documentation). */
export class ForeignAdoption {
  private readonly o: ForeignAdoptionOptions;
  private readonly limits: StopGuardLimits;
  private waiting: Fill[];
  private adopted: Set<string>;
  private held: Fill[];
  private running: Promise<void> | null = null;
  /** A fill arrived while a read ran: its answer may not count it. */
  private again = false;
  private dueAt: number;
  private failures = 0;
  private firstFailureAt: number | null = null;
  /** Newest exchange time a tick or a fill brought. */
  private seen = 0;

  constructor(o: ForeignAdoptionOptions, state?: ForeignAdoptionState | null) {
    this.o = o;
    this.limits = o.limits ?? DEFAULT_STOP_GUARD_LIMITS;
    this.waiting = [...(state?.waiting ?? [])];
    this.adopted = new Set(state?.adopted ?? []);
    this.held = [...(state?.held ?? [])];
    // Restored with fills still waiting: read at the first tick.
    this.dueAt = this.waiting.length > 0 ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }

  /** True while fills wait for the exchange's position (new entries wait too). */
  get pending(): boolean {
    return this.waiting.length > 0;
  }

  /** Whether `clientOid`'s order was folded into the last adoption (its later fills are read again). */
  adoptedOrder(clientOid: string): boolean {
    return this.adopted.has(clientOid);
  }

  /**
   * Holds a foreign fill on the side of the runner's entry while that entry works: the engine cannot
   * take it yet (it has no position); {@link releaseHeld} hands it back once the entry ended.
   */
  hold(f: Fill): void {
    this.held.push(f);
  }

  /** The fills held while the entry worked, oldest first; none are held afterwards. */
  releaseHeld(): Fill[] {
    const held = this.held;
    this.held = [];
    return held;
  }

  /** True while fills are held for the entry. */
  get holding(): boolean {
    return this.held.length > 0;
  }

  /** Forgets the last adoption's orders (the position it made is gone). */
  forgetAdopted(): void {
    this.adopted.clear();
  }

  /** A foreign fill to settle against the exchange's position; the read starts now unless one runs. @returns the read started, or null. */
  add(f: Fill): Promise<void> | null {
    this.waiting.push(f);
    if (f.ts > this.seen) this.seen = f.ts;
    if (this.running) {
      this.again = true;
      return null;
    }
    this.dueAt = Math.min(this.dueAt, f.ts);
    return this.tick(this.now());
  }

  /** Starts a read that is due at `ts` (the runner's per-second tick). @returns the read started, or null. */
  tick(ts: number): Promise<void> | null {
    if (ts > this.seen) this.seen = ts;
    if (this.running || this.waiting.length === 0 || ts < this.dueAt) return null;
    this.dueAt = Number.POSITIVE_INFINITY;
    this.again = false;
    const run = this.read().catch((e: unknown) => this.o.asyncError?.("foreign fill adoption", e));
    this.running = run.finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.dueAt = this.now();
        this.tick(this.dueAt);
      }
      this.o.asyncStep?.();
    });
    return this.running;
  }

  getState(): ForeignAdoptionState {
    return { waiting: [...this.waiting], adopted: [...this.adopted], held: [...this.held] };
  }

  private async read(): Promise<void> {
    const epoch = this.o.epoch();
    let held: ExchangePosition | null;
    try {
      held = await this.o.read();
    } catch (e) {
      return this.failed(e instanceof Error ? e.message : String(e));
    }
    // A fill came or the position changed during the read: read again (this answer may be stale), all at once.
    if (this.again || this.o.epoch() !== epoch) {
      this.again = true;
      return;
    }
    this.failures = 0;
    this.firstFailureAt = null;
    this.settle(held, "exchange");
  }

  private settle(held: ExchangePosition | null, source: AdoptionSource): void {
    const fills = this.waiting;
    this.waiting = [];
    this.adopted = new Set(fills.map((f) => f.clientOid));
    this.o.settle(held, fills, source);
  }

  private now(): number {
    return Math.max(this.o.now(), this.seen);
  }

  private failed(detail: string): void {
    const ts = this.now();
    this.failures++;
    this.firstFailureAt ??= ts;
    const l = this.limits;
    const spent = this.failures >= l.maxAttempts || ts - this.firstFailureAt >= l.protectWithinMs;
    const retryAt = ts + Math.min(l.maxBackoffMs, l.backoffMs * 2 ** (this.failures - 1));
    this.o.emit({
      kind: "positionReadFailed",
      detail: `reading the exchange's position failed: ${detail}`,
      attempt: this.failures,
      retryAt: spent ? null : retryAt,
      ts,
    });
    if (!spent) {
      this.dueAt = retryAt;
      return;
    }
    this.failures = 0;
    this.firstFailureAt = null;
    this.settle(positionOfFills(this.waiting), "fills");
  }
}

/** The net position the fills alone opened (buys long), at their average price; null when they net to nothing. */
export function positionOfFills(fills: readonly Fill[]): ExchangePosition | null {
  let net = 0;
  let value = 0;
  let size = 0;
  for (const f of fills) {
    net += f.side === "buy" ? f.size : -f.size;
    value += f.price * f.size;
    size += f.size;
  }
  if (!(Math.abs(net) > 0) || size === 0) return null;
  return { side: net > 0 ? "long" : "short", size: Math.abs(net), avgPrice: value / size };
}
