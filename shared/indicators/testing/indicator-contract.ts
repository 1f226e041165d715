import { describe, expect, it } from "vitest";
import type { Indicator } from "../indicator";
import { mulberry32 } from "../../research/prng";

/** What {@link testIndicatorContract} needs to know about one indicator. */
export interface ContractCase<In, Out, State> {
  /** Shown in the test names. */
  readonly name: string;
  readonly create: () => Indicator<In, Out, State>;
  readonly restore: (state: State) => Indicator<In, Out, State>;
  /** A series long enough to make the indicator stable, with real variation. */
  readonly inputs: readonly In[];
  /** A value different from any in `inputs`, used to test `replace`. */
  readonly divergentInput: In;
  /** Exact number of inputs before the first non-null result, when the indicator has a fixed warm-up. */
  readonly warmup?: number;
  /** A flat series (no movement at all). */
  readonly flatInputs: readonly In[];
  /** A series at prices near 1e-8. */
  readonly tinyInputs: readonly In[];
}

function feed<In, Out>(ind: Indicator<In, Out, unknown>, inputs: readonly In[]): (Out | null)[] {
  return inputs.map((x) => ind.add(x));
}

/** Collects every number in a result, however deeply nested. */
function numbersIn(value: unknown, out: number[] = []): number[] {
  if (typeof value === "number") out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => numbersIn(v, out));
  else if (value && typeof value === "object") Object.values(value).forEach((v) => numbersIn(v, out));
  return out;
}

/**
 * The shared contract every streaming indicator passes: warm-up, add vs replace, state round
 * trip, and finite results on degenerate input. Call it at the top level of a test file.
 */
export function testIndicatorContract<In, Out, State>(c: ContractCase<In, Out, State>): void {
  describe(`${c.name} streaming contract`, () => {
    it("returns null until warmed up, then results, and reports stability", () => {
      const ind = c.create();
      expect(ind.isStable).toBe(false);
      expect(ind.result).toBeNull();
      const results = feed(ind, c.inputs);
      if (c.warmup !== undefined) {
        results.slice(0, c.warmup - 1).forEach((r) => expect(r).toBeNull());
        expect(results[c.warmup - 1]).not.toBeNull();
      }
      expect(ind.isStable).toBe(true);
      expect(ind.result).not.toBeNull();
      expect(ind.result).toEqual(results[results.length - 1]);
    });

    it("replace gives exactly what add would have given, at every position", () => {
      for (let k = 0; k < c.inputs.length; k += Math.max(1, Math.floor(c.inputs.length / 17))) {
        const revised = c.create();
        feed(revised, c.inputs.slice(0, k));
        revised.add(c.divergentInput);
        revised.replace(c.divergentInput);
        const viaReplace = revised.replace(c.inputs[k]);
        const direct = c.create();
        const expected = feed(direct, c.inputs.slice(0, k + 1))[k];
        expect(viaReplace).toEqual(expected);
        expect(feed(revised, c.inputs.slice(k + 1))).toEqual(feed(direct, c.inputs.slice(k + 1)));
      }
    });

    it("replace on a fresh indicator behaves as add", () => {
      const a = c.create();
      const b = c.create();
      expect(a.replace(c.inputs[0])).toEqual(b.add(c.inputs[0]));
      expect(feed(a, c.inputs.slice(1))).toEqual(feed(b, c.inputs.slice(1)));
    });

    it("round-trips its state through JSON and continues identically", () => {
      const half = Math.floor(c.inputs.length / 2);
      const original = c.create();
      feed(original, c.inputs.slice(0, half));
      const state = JSON.parse(JSON.stringify(original.getState())) as State;
      const restored = c.restore(state);
      expect(restored.result).toEqual(original.result);
      expect(restored.isStable).toBe(original.isStable);
      expect(restored.replace(c.divergentInput)).toEqual(original.replace(c.divergentInput));
      expect(feed(restored, c.inputs.slice(half))).toEqual(feed(original, c.inputs.slice(half)));
      expect(restored.getState()).toEqual(original.getState());
    });

    it("keeps a state snapshot independent of later updates", () => {
      const ind = c.create();
      feed(ind, c.inputs.slice(0, 5));
      const snapshot = JSON.stringify(ind.getState());
      const state = ind.getState();
      feed(ind, c.inputs.slice(5));
      expect(JSON.stringify(state)).toBe(snapshot);
    });

    it("gives only finite numbers on a flat window", () => {
      const ind = c.create();
      const all = numbersIn(feed(ind, c.flatInputs));
      expect(all.length).toBeGreaterThan(0);
      all.forEach((v) => expect(Number.isFinite(v)).toBe(true));
    });

    it("gives only finite numbers at prices near 1e-8", () => {
      const ind = c.create();
      const all = numbersIn(feed(ind, c.tinyInputs));
      expect(all.length).toBeGreaterThan(0);
      all.forEach((v) => expect(Number.isFinite(v)).toBe(true));
    });
  });
}

/** A seeded random walk (mulberry32), for contract inputs: deterministic and varied. */
export function randomWalk(length: number, seed: number, start = 100, step = 0.002): number[] {
  const rand = mulberry32(seed);
  const out: number[] = [];
  let p = start;
  for (let i = 0; i < length; i++) {
    p *= 1 + (rand() - 0.5) * 2 * step;
    out.push(p);
  }
  return out;
}
