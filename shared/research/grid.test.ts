import { describe, expect, it } from "vitest";
import { gridIndices, gridPoint, gridProblem, gridSize, gridValues } from "./grid";
import type { Space } from "./space";

const space: Space = {
  sampler: "grid",
  params: [
    { name: "a", type: "int", min: 1, max: 3, step: 1, log: false },
    { name: "b", type: "choice", values: ["x", "y"] },
    { name: "c", type: "float", min: 0.1, max: 0.3, step: 0.1, log: false },
  ],
};

describe("grid", () => {
  it("lists each parameter's values from min to max by step", () => {
    expect(gridValues(space.params[0])).toEqual([1, 2, 3]);
    expect(gridValues(space.params[2])).toEqual([0.1, 0.2, 0.3]);
    expect(gridValues({ name: "d", type: "int", min: 0, max: 10, step: 4, log: false })).toEqual([0, 4, 8]);
  });

  it("enumerates every combination once, the last parameter fastest", () => {
    expect(gridSize(space)).toBe(18);
    const points = Array.from({ length: 18 }, (_, i) => gridPoint(space, i));
    expect(points[0]).toEqual({ a: 1, b: "x", c: 0.1 });
    expect(points[1]).toEqual({ a: 1, b: "x", c: 0.2 });
    expect(points[3]).toEqual({ a: 1, b: "y", c: 0.1 });
    expect(points[17]).toEqual({ a: 3, b: "y", c: 0.3 });
    expect(new Set(points.map((p) => JSON.stringify(p))).size).toBe(18);
  });

  it("spreads a capped budget evenly over the grid", () => {
    expect(gridIndices(18, 4)).toEqual([0, 4, 9, 13]);
    expect(gridIndices(3, 10)).toEqual([0, 1, 2]);
  });

  it("refuses a float without a step", () => {
    const bad: Space = { sampler: "grid", params: [{ name: "c", type: "float", min: 0, max: 1, log: false }] };
    expect(gridProblem(bad)).toMatch(/c: a grid search needs a step/);
    expect(() => gridSize(bad)).toThrow(RangeError);
  });
});
