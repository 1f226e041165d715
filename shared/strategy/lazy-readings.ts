import type { PositionSide } from "../execution/orders";
import type { FeatureSnapshot } from "../indicators/symbol-features";
import type { ExitScores } from "./exits";
import type { Readings } from "./readings";
import type { CompositeScore } from "./score";

/** Whether `side`'s score cannot exceed `level` now (an exact bound; false decides nothing). */
export type ScoreBound = (f: FeatureSnapshot, level: number, side: PositionSide) => boolean;

/**
 * One exit check's readings, computed on first use (see ./exits.ts ExitScores): the engine resets it
 * with each check's features, and it scores in full only when an exit rule reads a score or an exit
 * fires (its reasoning records them). Why: the exit check runs on every trade and every second while
 * a position is open; on the bench's dev recordings it scored in full 9 603 times, of which 1 500 in
 * the minimum hold and 6 965 uncovered checks the opposite side's bound settles (all of them).
 */
export class LazyReadings implements ExitScores {
  private readonly read: (f: FeatureSnapshot, ts: number) => Readings;
  private readonly bound: ScoreBound;
  private features: FeatureSnapshot | null = null;
  private ts = 0;
  private value: Readings | null = null;

  constructor(read: (f: FeatureSnapshot, ts: number) => Readings, bound: ScoreBound) {
    this.read = read;
    this.bound = bound;
  }

  /** Starts a check of the features `f` at `ts` (the last check's readings are dropped). */
  reset(f: FeatureSnapshot, ts: number): this {
    this.features = f;
    this.ts = ts;
    this.value = null;
    return this;
  }

  /** The sub-scores and composite of the check, scored on first use. */
  get readings(): Readings {
    if (this.value === null) this.value = this.read(this.features as FeatureSnapshot, this.ts);
    return this.value;
  }

  score(): CompositeScore {
    return this.readings.score;
  }

  cannotExceed(side: PositionSide, level: number): boolean {
    return this.value === null && this.bound(this.features as FeatureSnapshot, level, side);
  }
}
