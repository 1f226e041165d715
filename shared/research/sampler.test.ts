import { describe, expect, it } from "vitest";
import { createSampler } from "./sampler";
import type { Params, Space } from "./space";

describe("createSampler", () => {
  const space: Space = {
    sampler: undefined,
    params: [{ name: "k", type: "int", min: 1, max: 100, step: 1, log: false }],
  };

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

  it.each(["random", "tpe"] as const)("%s proposes no point twice while untried ones remain", (name) => {
    const small: Space = {
      sampler: undefined,
      params: [
        { name: "a", type: "int", min: 1, max: 4, step: 1, log: false },
        { name: "b", type: "int", min: 1, max: 5, step: 1, log: false },
      ],
    };
    const s = createSampler(name, small, { seed: 3, trials: 20 });
    const history: { params: Params; score: number }[] = [];
    const keys: string[] = [];
    for (let b = s.propose(4, history); b.length > 0; b = s.propose(4, history)) {
      for (const p of b) {
        keys.push(`${p.a},${p.b}`);
        history.push({ params: p, score: -Math.abs((p.a as number) - 2) - Math.abs((p.b as number) - 4) });
      }
    }
    expect(keys).toHaveLength(20);
    expect(new Set(keys).size).toBe(20);
  });

  it("repeats points only once the space is used up", () => {
    const tiny: Space = {
      sampler: undefined,
      params: [{ name: "a", type: "int", min: 1, max: 3, step: 1, log: false }],
    };
    const s = createSampler("random", tiny, { seed: 5, trials: 5 });
    const values = s.propose(5, []).map((p) => p.a);
    expect(new Set(values.slice(0, 3)).size).toBe(3);
    expect(values).toHaveLength(5);
  });
});
