import { describe, expect, it } from "vitest";
import { randomWalk } from "./indicator-contract";

/** What {@link testPeekContract} needs to know about one indicator with a peek. */
export interface PeekCase<I> {
  /** Shown in the test names. */
  readonly name: string;
  readonly create: () => I;
  /** An independent copy (through the indicator's state round trip). */
  readonly clone: (ind: I) => I;
  readonly add: (ind: I, x: number) => void;
  readonly replace: (ind: I, x: number) => void;
  /** The peek at `x`, as a plain value (null when it gives no result). */
  readonly peek: (ind: I, x: number) => unknown;
  /** The latest result, as the same kind of plain value. */
  readonly read: (ind: I) => unknown;
  readonly state: (ind: I) => unknown;
}

/** Inputs whose volatility swells and shrinks, so that bands squeeze and EMAs cross. */
function swingingSeries(length: number, seed: number): number[] {
  const walk = randomWalk(length, seed, 100, 0.004);
  return walk.map((p, i) => 100 + (p - 100) * (0.2 + Math.abs(Math.sin(i / 23))));
}

/**
 * The peek contract: `peek(x)` gives exactly what `replace(x)` then reading the result gives, bit
 * for bit, at every step from a fresh indicator on, and changes nothing. Call it at the top level of
 * a test file.
 */
export function testPeekContract<I>(c: PeekCase<I>): void {
  describe(`${c.name} peek contract`, () => {
    it("peeks exactly what a replace would give, from the first input on", () => {
      const inputs = swingingSeries(400, 5);
      const ind = c.create();
      let checked = 0;
      for (let i = 0; i < inputs.length; i++) {
        for (const x of [inputs[i], inputs[i] * 1.003, inputs[Math.max(0, i - 3)]]) {
          const replaced = c.clone(ind);
          c.replace(replaced, x);
          expect(c.peek(ind, x)).toEqual(c.read(replaced));
          checked++;
        }
        // Bars open (add) and tick (replace) in an irregular pattern.
        if (i % 3 === 1) c.replace(ind, inputs[i]);
        else c.add(ind, inputs[i]);
      }
      expect(checked).toBe(1200);
      expect(c.read(ind)).not.toBeNull();
    });

    it("changes nothing when it peeks", () => {
      const inputs = swingingSeries(200, 9);
      const ind = c.create();
      for (const x of inputs) {
        const before = JSON.stringify(c.state(ind));
        c.peek(ind, x * 0.997);
        expect(JSON.stringify(c.state(ind))).toBe(before);
        c.add(ind, x);
      }
    });
  });
}
