/**
 * The exchange-side stop of a live position (issue #14: "every open position always has an
 * exchange-side stop-loss, re-armed after a restart"; "a position the engine doesn't know is
 * protected ..., never left bare"). The entry's preset stop is only a request attached to an order:
 * it may be missing (an adopted orphan, a stop cancelled by hand, a restart after it fired on
 * another size), at another price (the preset is priced off the decision's reference, the engine's
 * stop off the fill) or for the other side. So after an entry fills, after recovery or adoption and
 * after an external fill changes the size, the runner asks the guard to check, and the guard:
 *
 * 1. lists the position's stop plans at the exchange; one on the position's side within a tick of
 *    the engine's stop → protected (`stopVerified`);
 * 2. else places one at the engine's stop (`stopPlaced`, the exchange's position stop replaces an
 *    older one; stops of the side at other prices are cancelled after it);
 * 3. a failure (throw, refusal) is retried after {@link StopGuardLimits.backoffMs} doubling up to
 *    {@link StopGuardLimits.maxBackoffMs}; after {@link StopGuardLimits.maxAttempts} failures, or
 *    once the position has been unprotected for {@link StopGuardLimits.protectWithinMs} of exchange
 *    time, or at once when the exchange says the trigger is already reached, the position is closed
 *    at market (`stopUnprotectable`): never left bare.
 *
 * Time is the runner's exchange time; retries are due on the runner's ticks. Paper mode has no
 * guard. Each step is a {@link SafetyEvent} and is counted in the runner's safety counters.
 * @module
 */
import type { StopPort } from "../execution/exchange-stops";
import { stopMatches } from "../execution/exchange-stops";
import type { PositionSide } from "../execution/orders";
import type { SafetyEvent } from "./safety-events";

/** The position the engine holds, as the guard protects it. */
export interface GuardedPosition {
  readonly side: PositionSide;
  readonly size: number;
  /** The engine's stop-loss price. */
  readonly stopLoss: number;
}

/** Retry bounds of a {@link StopGuard}. */
export interface StopGuardLimits {
  /** Wait after the first failure, ms of exchange time; doubles with each failure. */
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
  /** Failed checks in a row before the position is closed. */
  readonly maxAttempts: number;
  /** Exchange time a position may stay unprotected (from the first failure) before it is closed, ms. */
  readonly protectWithinMs: number;
}

/**
 * Default bounds: tries at +0, +1, +3, +7 s, closes at the 5th failure (+15 s) or after 20 s.
 * Not a strategy threshold: how long a live position may rely on the engine's own stop-loss alone
 * (which runs only while the agent does). 20 s is below the feed's stall detection plus one restart.
 */
export const DEFAULT_STOP_GUARD_LIMITS: StopGuardLimits = {
  backoffMs: 1_000,
  maxBackoffMs: 8_000,
  maxAttempts: 5,
  protectWithinMs: 20_000,
};

/** What a {@link StopGuard} needs from the runner. */
export interface StopGuardOptions {
  readonly symbol: string;
  readonly port: StopPort;
  /** The engine's open position now, or null when flat (nothing to guard). */
  readonly position: () => GuardedPosition | null;
  /** The symbol's price tick (a stop within one tick of the engine's matches). */
  readonly tick: () => number;
  /** Exchange time now (the runner's newest event). */
  readonly now: () => number;
  /** A clientOid for the n-th stop the guard places. */
  readonly clientOid: (n: number) => string;
  /** Closes the position at market (it cannot be protected). */
  readonly closeAtMarket: (ts: number) => void;
  readonly emit: (e: SafetyEvent) => void;
  /** A check ended (the shell ends the turn: persist, deliver). */
  readonly asyncStep?: () => void;
  /** A bug (not a refusal or a network failure) inside a check. */
  readonly asyncError?: (what: string, e: unknown) => void;
  readonly limits?: StopGuardLimits;
}

/** Verifies, places and re-arms the exchange-side stop of one symbol's live position. */
export class StopGuard {
  private readonly o: StopGuardOptions;
  private readonly limits: StopGuardLimits;
  /** Exchange time the next check is due; Infinity: none asked. */
  private dueAt = Number.POSITIVE_INFINITY;
  private running: Promise<void> | null = null;
  /** A check was asked while one ran: run again when it ends. */
  private again = false;
  private failures = 0;
  private firstFailureAt: number | null = null;
  private placed = 0;

  constructor(o: StopGuardOptions) {
    this.o = o;
    this.limits = o.limits ?? DEFAULT_STOP_GUARD_LIMITS;
  }

  /** True while a check is asked for or running. */
  get pending(): boolean {
    return this.running !== null || this.dueAt !== Number.POSITIVE_INFINITY;
  }

  /**
   * Asks for a check now (entry filled, recovered or adopted, size changed); it starts at once
   * unless one is running, then right after it. Failures so far still count towards the bounds.
   * @returns the check started, or null.
   */
  request(ts: number): Promise<void> | null {
    if (this.running) {
      this.again = true;
      return null;
    }
    this.dueAt = Math.min(this.dueAt, ts);
    return this.tick(ts);
  }

  /** Runs a check that is due at `ts` (the runner's per-second tick). @returns the check started, or null. */
  tick(ts: number): Promise<void> | null {
    if (this.running || ts < this.dueAt) return null;
    this.dueAt = Number.POSITIVE_INFINITY;
    const run = this.check().catch((e: unknown) => this.o.asyncError?.("stop guard", e));
    this.running = run.finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.dueAt = this.o.now();
        this.tick(this.dueAt);
      }
      this.o.asyncStep?.();
    });
    return this.running;
  }

  /** One check (module documentation, steps 1–2); a failure schedules the retry or the close. */
  private async check(): Promise<void> {
    const want = this.o.position();
    if (want === null) return;
    const { symbol, port } = this.o;
    const tick = this.o.tick();
    let stops: Awaited<ReturnType<StopPort["stops"]>>;
    try {
      stops = await port.stops(symbol);
    } catch (e) {
      return this.failed(`listing the stops failed: ${messageOf(e)}`, false);
    }
    const ts = this.o.now();
    const match = stops.find((s) => stopMatches(s, want.side, want.stopLoss, tick));
    if (match) {
      this.protectedNow();
      this.o.emit({ kind: "stopVerified", side: want.side, triggerPrice: match.triggerPrice, id: match.id, ts });
      return;
    }
    const wrong = stops.filter((s) => s.side === want.side);
    let r: Awaited<ReturnType<StopPort["placeStop"]>>;
    try {
      r = await port.placeStop({
        symbol,
        side: want.side,
        triggerPrice: want.stopLoss,
        clientOid: this.o.clientOid(++this.placed),
      });
    } catch (e) {
      return this.failed(`placing the stop failed: ${messageOf(e)}`, false);
    }
    if (!r.ok) {
      if (r.reason === "no_position") return this.protectedNow();
      return this.failed(`the exchange refused the stop (${r.reason}): ${r.detail}`, r.reason === "trigger_wrong_side");
    }
    this.protectedNow();
    this.o.emit({
      kind: "stopPlaced",
      side: want.side,
      triggerPrice: want.stopLoss,
      id: r.id,
      replaced: wrong.map((s) => s.triggerPrice),
      ts: this.o.now(),
    });
    for (const s of wrong) {
      if (s.id === r.id) continue;
      // The position stop usually replaced it already (then `unknown_stop`); a refusal leaves a stop further away than ours.
      await port.cancelStop(symbol, s.id).catch((e: unknown) => this.o.asyncError?.("stop cancel", e));
    }
  }

  private protectedNow(): void {
    this.failures = 0;
    this.firstFailureAt = null;
  }

  /** A failed check: retry after the backoff, or close the position when the bounds are spent (or `now`). */
  private failed(detail: string, closeNow: boolean): void {
    const ts = this.o.now();
    this.failures++;
    this.firstFailureAt ??= ts;
    const l = this.limits;
    const spent = this.failures >= l.maxAttempts || ts - this.firstFailureAt >= l.protectWithinMs;
    if (closeNow || spent) {
      this.o.emit({ kind: "stopUnprotectable", detail, attempts: this.failures, ts });
      this.failures = 0;
      this.firstFailureAt = null;
      this.o.closeAtMarket(ts);
      return;
    }
    const retryAt = ts + Math.min(l.maxBackoffMs, l.backoffMs * 2 ** (this.failures - 1));
    this.dueAt = retryAt;
    this.o.emit({ kind: "stopFailed", detail, attempt: this.failures, retryAt, ts });
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
