import { describe, expect, it } from "vitest";
import { createSampler } from "./sampler";
import type { Params, Space } from "./space";

describe("createSampler", () => {
  const space: Space = { sampler: undefined, params: [{ name: "k", type: "int", min: 1, max: 100, step: 1, log: false }] };

  it("proposes the same trials for a seed whatever the batch sizes", () => {
    const run = (batch: number) => {
      const s = createSampler("random", space, { seed: 9, trials: 12 });
      const out: Params[] = [];
      for (let b = s.propose(batch, []); b.length > 0; b = s.propose(batch, [])) out.push(...b);
      return out;
    };
    expect(run(5)).toEqual(run(1));
    expect(run(5)).toHaveLength(12);
  });

  it("stops at the budget and differs between seeds", () => {
    const a = createSampler("tpe", space, { seed: 1, trials: 3 });
    expect(a.propose(10, [])).toHaveLength(3);
    expect(a.propose(10, [])).toHaveLength(0);
    const b = createSampler("tpe", space, { seed: 2, trials: 3 });
    const c = createSampler("tpe", space, { seed: 1, trials: 3 });
    expect(b.propose(3, [])).not.toEqual(c.propose(3, []));
  });

  it("walks a grid in order and caps it evenly", () => {
    const g = createSampler("grid", space, { seed: 0, trials: 4 });
    expect(g.total).toBe(4);
    expect(g.propose(10, []).map((p) => p.k)).toEqual([1, 26, 51, 76]);
  });
});
