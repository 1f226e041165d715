/**
 * Per-symbol cooldown after consecutive stop-losses (freqtrade's StoplossGuard, per pair).
 * @module
 */
import type { ExitReason } from "../strategy/types";

/** Serialisable state of {@link StopLossCooldown}. */
export interface StopLossCooldownState {
  readonly afterStopLosses: number;
  readonly cooldownMs: number;
  /** Consecutive stop-losses per symbol (symbols at 0 are omitted). */
  readonly streaks: Record<string, number>;
  /** End of the cooldown per symbol, epoch ms (expired entries may linger until pruned). */
  readonly until: Record<string, number>;
}

/** An active cooldown. */
export interface Cooldown {
  readonly symbol: string;
  /** Entries are refused while `ts < until`. */
  readonly until: number;
}

/**
 * Counts consecutive stop-loss exits per symbol. When a symbol's count reaches
 * `afterStopLosses`, the symbol cools down until `ts + cooldownMs` of that exit and its count
 * restarts at 0 (so another full run is needed for the next cooldown). Any other exit reason
 * (including `trailing_stop`, which may lock in a profit) resets the count.
 * `afterStopLosses = 0` or `cooldownMs = 0` disables the rule.
 * Memory: one counter and one end time per symbol traded.
 */
export class StopLossCooldown {
  readonly afterStopLosses: number;
  readonly cooldownMs: number;
  private readonly streaks = new Map<string, number>();
  private readonly until = new Map<string, number>();

  constructor(afterStopLosses: number, cooldownMs: number) {
    this.afterStopLosses = afterStopLosses;
    this.cooldownMs = cooldownMs;
  }

  /** Rebuilds a StopLossCooldown from {@link StopLossCooldown.getState}. */
  static restore(s: StopLossCooldownState): StopLossCooldown {
    const c = new StopLossCooldown(s.afterStopLosses, s.cooldownMs);
    for (const [symbol, n] of Object.entries(s.streaks)) c.streaks.set(symbol, n);
    for (const [symbol, t] of Object.entries(s.until)) c.until.set(symbol, t);
    return c;
  }

  /** Records an exit of `symbol` at `ts`; returns the end of a cooldown it starts, else null. */
  record(symbol: string, reason: ExitReason, ts: number): number | null {
    if (reason !== "stop_loss") {
      this.streaks.delete(symbol);
      return null;
    }
    const n = (this.streaks.get(symbol) ?? 0) + 1;
    if (this.afterStopLosses <= 0 || this.cooldownMs <= 0 || n < this.afterStopLosses) {
      this.streaks.set(symbol, n);
      return null;
    }
    this.streaks.delete(symbol);
    const end = ts + this.cooldownMs;
    this.until.set(symbol, Math.max(end, this.until.get(symbol) ?? end));
    return end;
  }

  /** Consecutive stop-losses of `symbol` since its last other exit or cooldown. */
  streak(symbol: string): number {
    return this.streaks.get(symbol) ?? 0;
  }

  /** End of `symbol`'s cooldown if it is still running at `ts`, else null. */
  activeUntil(symbol: string, ts: number): number | null {
    const end = this.until.get(symbol);
    return end !== undefined && ts < end ? end : null;
  }

  /** Cooldowns still running at `ts`, sorted by symbol; drops the expired ones. */
  active(ts: number): Cooldown[] {
    const out: Cooldown[] = [];
    for (const [symbol, end] of this.until) {
      if (ts < end) out.push({ symbol, until: end });
      else this.until.delete(symbol);
    }
    return out.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  }

  /** A JSON-safe copy of the state, for {@link StopLossCooldown.restore}. */
  getState(): StopLossCooldownState {
    return {
      afterStopLosses: this.afterStopLosses,
      cooldownMs: this.cooldownMs,
      streaks: Object.fromEntries(this.streaks),
      until: Object.fromEntries(this.until),
    };
  }
}
