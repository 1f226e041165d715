/**
 * Exhaustive grid search: every combination of each parameter's values, in lexicographic order
 * (parameters sorted by name, the last one varying fastest).
 * @module
 */
import { valueAt, type Param, type Params, type Space } from "./space";

/** Grids larger than this are refused (use the random or TPE sampler). */
export const MAX_GRID_POINTS = 1_000_000;

/** The values a parameter takes on the grid: min..max by step, or each choice. A float needs a step. */
export function gridValues(p: Param): unknown[] | null {
  if (p.type === "choice") return [...p.values];
  if (p.step === undefined) return null;
  const n = Math.floor((p.max - p.min) / p.step + 1e-9) + 1;
  return Array.from({ length: n }, (_, k) =>
    valueAt({ ...p, log: false }, n === 1 ? 0 : (k * p.step!) / (p.max - p.min)),
  );
}

/** Why the space cannot be searched on a grid (a float without a step, too many points), or null. */
export function gridProblem(space: Space): string | null {
  let size = 1;
  for (const p of space.params) {
    const v = gridValues(p);
    if (v === null) return `${p.name}: a grid search needs a step for a float parameter`;
    size *= v.length;
  }
  return size > MAX_GRID_POINTS
    ? `the grid has ${size} points, more than ${MAX_GRID_POINTS}: use the random or tpe sampler`
    : null;
}

/** The number of grid points. @throws RangeError when {@link gridProblem} names a problem. */
export function gridSize(space: Space): number {
  const problem = gridProblem(space);
  if (problem !== null) throw new RangeError(problem);
  return space.params.reduce((n, p) => n * (gridValues(p) as unknown[]).length, 1);
}

/**
 * The grid point at lexicographic index `i` (0 ≤ i < {@link gridSize}).
 * @throws RangeError when {@link gridProblem} names a problem.
 */
export function gridPoint(space: Space, i: number): Params {
  gridSize(space);
  const out: Record<string, unknown> = {};
  let rest = i;
  for (let k = space.params.length - 1; k >= 0; k--) {
    const p = space.params[k];
    const values = gridValues(p) as unknown[];
    out[p.name] = values[rest % values.length];
    rest = Math.floor(rest / values.length);
  }
  return sortKeys(out);
}

/**
 * The indices of `count` grid points spread evenly over the lexicographic order (all of them when
 * `count >= size`): ⌊j·size/count⌋ for j = 0..count−1.
 */
export function gridIndices(size: number, count: number): number[] {
  const n = Math.min(size, count);
  return Array.from({ length: n }, (_, j) => Math.floor((j * size) / n));
}

function sortKeys(o: Record<string, unknown>): Params {
  return Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, o[k]]),
  );
}
