import { describe, expect, it } from "vitest";
import { createPrng } from "./prng";
import type { Params, Space } from "./space";
import { densityOf, proposeTpe, type Observation } from "./tpe";
import { createSampler } from "./sampler";

const x: Space = { sampler: "tpe", params: [{ name: "x", type: "float", min: 0, max: 1, log: false }] };

describe("densityOf", () => {
  it("integrates to about 1 over the unit interval and peaks at the observed values", () => {
    const d = densityOf(x.params[0], [
      { params: { x: 0.3 }, score: 1 },
      { params: { x: 0.35 }, score: 1 },
    ]);
    let area = 0;
    for (let i = 0; i < 1000; i++) area += d.pdf((i + 0.5) / 1000) / 1000;
    expect(area).toBeGreaterThan(0.9);
    expect(area).toBeLessThan(1.01);
    expect(d.pdf(0.32)).toBeGreaterThan(d.pdf(0.9) * 3);
  });

  it("gives every category a share, more to the observed ones", () => {
    const p = { name: "c", type: "choice", values: ["a", "b", "c"] } as const;
    const d = densityOf({ ...p, values: [...p.values] }, [
      { params: { c: "b" }, score: 1 },
      { params: { c: "b" }, score: 1 },
    ]);
    expect(d.pdf(0.5)).toBeCloseTo(3 / 5, 12);
    expect(d.pdf(0.1)).toBeCloseTo(1 / 5, 12);
  });
});

describe("proposeTpe", () => {
  it("proposes near the good trials once it has seen some", () => {
    const history: Observation[] = Array.from({ length: 40 }, (_, i) => ({
      params: { x: i / 39 },
      score: -Math.abs(i / 39 - 0.8),
    }));
    const rand = createPrng(1);
    const xs = Array.from({ length: 200 }, () => proposeTpe(x, history, rand).x as number);
    const mean = xs.reduce((a, v) => a + v, 0) / xs.length;
    expect(Math.abs(mean - 0.8)).toBeLessThan(0.08);
  });

  it("treats invalid trials (score −Infinity) as bad", () => {
    const history: Observation[] = [
      { params: { x: 0.1 }, score: -Infinity },
      { params: { x: 0.2 }, score: -Infinity },
      { params: { x: 0.9 }, score: 1 },
      { params: { x: 0.15 }, score: -Infinity },
    ];
    const rand = createPrng(2);
    const xs = Array.from({ length: 100 }, () => proposeTpe(x, history, rand).x as number);
    expect(xs.filter((v) => v > 0.5).length).toBeGreaterThan(70);
  });

  it("finds a better optimum than uniform random search with the same budget, over many seeds", () => {
    const space: Space = {
      sampler: "tpe",
      params: [
        { name: "a", type: "float", min: 0, max: 10, log: false },
        { name: "b", type: "float", min: 0, max: 10, log: false },
      ],
    };
    const f = (p: Params) => -(((p.a as number) - 7.3) ** 2) - ((p.b as number) - 2.1) ** 2;
    const bestOf = (name: "tpe" | "random", seed: number) => {
      const s = createSampler(name, space, { seed, trials: 60 });
      const history: Observation[] = [];
      for (;;) {
        const batch = s.propose(4, history);
        if (batch.length === 0) break;
        for (const params of batch) history.push({ params, score: f(params) });
      }
      return Math.max(...history.map((o) => o.score));
    };
    let tpeWins = 0;
    for (let seed = 1; seed <= 20; seed++) if (bestOf("tpe", seed) > bestOf("random", seed)) tpeWins++;
    expect(tpeWins).toBeGreaterThanOrEqual(14);
  });
});
