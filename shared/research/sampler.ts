/**
 * The samplers behind one interface. Proposals come in batches: a batch is proposed from the
 * trials finished before it, then evaluated in parallel, so the sequence of trials depends only on
 * the seed and the batch size, never on how many workers ran them or in which order they finished.
 * @module
 */
import { gridIndices, gridPoint, gridSize } from "./grid";
import { createPrng } from "./prng";
import type { Params, SamplerName, Space } from "./space";
import { proposeTpe, uniformParams, type Observation } from "./tpe";

/** Trials of a random or TPE search when none are asked for. */
export const DEFAULT_TRIALS = 50;

/** TPE draws this many uniform start-up trials at least (a quarter of the budget if larger). */
export const TPE_MIN_STARTUP = 8;

/** Proposes parameters. */
export interface Sampler {
  readonly name: SamplerName;
  /** How many trials this sampler will propose in all. */
  readonly total: number;
  /** The next `count` proposals (fewer at the end of the budget), given the trials finished so far. */
  propose(count: number, history: readonly Observation[]): Params[];
}

/**
 * A sampler over `space`. `trials` caps the budget: a grid defaults to every point and, when
 * capped, takes points spread evenly over its order; random and TPE default to {@link DEFAULT_TRIALS}.
 * TPE starts with max(8, ⌈trials/4⌉) uniform trials (capped at the budget). Random and TPE avoid
 * proposing a point twice while untried points are easy to find (a small discrete space would
 * otherwise spend its budget re-running the same configs; see ./tpe.ts `tried`).
 * @throws RangeError for a grid over a space that cannot be gridded (see ./grid.ts gridProblem).
 */
export function createSampler(
  name: SamplerName,
  space: Space,
  opts: { readonly seed: number; readonly trials?: number },
): Sampler {
  if (name === "grid") {
    const size = gridSize(space);
    const indices = gridIndices(size, opts.trials ?? size);
    let next = 0;
    return {
      name,
      total: indices.length,
      propose: (count) => indices.slice(next, (next += count)).map((i) => gridPoint(space, i)),
    };
  }
  const total = opts.trials ?? DEFAULT_TRIALS;
  const rand = createPrng(opts.seed);
  const startup = Math.min(total, Math.max(TPE_MIN_STARTUP, Math.ceil(total / 4)));
  let proposed = 0;
  const seen = new Set<string>();
  const key = (params: Params) => JSON.stringify(space.params.map((p) => params[p.name]));
  const tried = (params: Params) => seen.has(key(params));
  return {
    name,
    total,
    propose(count, history) {
      const out: Params[] = [];
      for (; out.length < count && proposed < total; proposed++) {
        const params =
          name === "tpe" && proposed >= startup
            ? proposeTpe(space, history, rand, { tried })
            : uniformParams(space, rand, tried);
        seen.add(key(params));
        out.push(params);
      }
      return out;
    },
  };
}
