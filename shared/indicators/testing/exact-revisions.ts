import { expect } from "vitest";
import type { Bar } from "../../market/bar";

/** A streaming indicator that can revise its latest input. */
interface Revisable<In, Out> {
  add(input: In): Out;
  replace(input: In): Out;
  getState(): unknown;
}

/**
 * Adds each input, revises it to `perturb(input)` and back, and expects the answer of adding it
 * straight away, then the direct run's state at the end: a revision leaves no trace, on bars that
 * confirm swings or fire signals too.
 */
export function expectExactRevisions<In, Out>(
  create: () => Revisable<In, Out>,
  series: readonly In[],
  perturb: (input: In) => In,
): void {
  const direct = create();
  const expected = series.map((x) => direct.add(x));
  const revised = create();
  series.forEach((x, k) => {
    revised.add(x);
    revised.replace(perturb(x));
    expect(revised.replace(x)).toEqual(expected[k]);
  });
  expect(revised.getState()).toEqual(direct.getState());
}

/** The bar with a wider range, its close back at the open and three times the volume. */
export function roughenBar(bar: Bar): Bar {
  return { ...bar, high: bar.high * 1.001, low: bar.low * 0.999, close: bar.open, volume: bar.volume * 3 };
}
