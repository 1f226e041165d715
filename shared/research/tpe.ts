/**
 * A small tree-structured Parzen estimator (Bergstra et al., "Algorithms for Hyper-Parameter
 * Optimization", NeurIPS 2011), the model behind Optuna's default sampler, kept deliberately simple:
 *
 * 1. Sort the finished trials by score; the best ⌈γ·n⌉ (γ = 0.25, at least 1) are "good", the rest "bad".
 * 2. Per parameter, in unit coordinates: l(u) = density of the good values, g(u) = of the bad ones.
 *    Numeric: a mixture of one Gaussian per value (σ = max(0.02, 0.3·m^(−1/5)), Scott-like for m
 *    values) plus one uniform prior component on [0, 1], each weighted 1/(m+1). Choice: category
 *    frequencies with one pseudo-count each (Laplace).
 * 3. Draw 24 candidates from l (parameters independently), keep the one with the largest
 *    Σ log l(u) − log g(u) (the expected-improvement ranking of TPE), first on ties.
 *
 * Parameters are modelled independently (no conditional tree); truncation of the kernels to [0, 1]
 * is not renormalised (draws are clamped), which slightly under-weights the edges equally in l and g.
 * @module
 */
import { normal, type Prng } from "./prng";
import { unitOf, valueAt, type Param, type Params, type Space } from "./space";

/** A finished trial as a sampler sees it: higher score is better; −Infinity for an invalid config. */
export interface Observation {
  readonly params: Params;
  readonly score: number;
}

/** Tuning of {@link proposeTpe}. */
export interface TpeOptions {
  /** Share of trials counted as good. Default 0.25. */
  readonly gamma?: number;
  /** Candidates drawn from l per proposal. Default 24. */
  readonly candidates?: number;
  /**
   * Points already tried (or already proposed in this batch): a candidate for which it answers true
   * is skipped, so a discrete space does not spend trials re-running a point. Up to ten times the
   * usual candidates are drawn to find an untried one; if none turns up, the best tried one is returned.
   */
  readonly tried?: (params: Params) => boolean;
}

const MIN_BANDWIDTH = 0.02;
const SQRT_2PI = Math.sqrt(2 * Math.PI);

/** The next parameters by TPE; falls back to a uniform draw below 2 observations. */
export function proposeTpe(space: Space, history: readonly Observation[], rand: Prng, opts: TpeOptions = {}): Params {
  if (history.length < 2) return uniformParams(space, rand);
  const sorted = history
    .map((o, i) => ({ o, i }))
    .sort((a, b) => (a.o.score === b.o.score ? a.i - b.i : b.o.score > a.o.score ? 1 : -1))
    .map((x) => x.o);
  const nGood = Math.min(sorted.length - 1, Math.max(1, Math.ceil((opts.gamma ?? 0.25) * sorted.length)));
  const models = space.params.map((p) => ({
    p,
    l: densityOf(p, sorted.slice(0, nGood)),
    g: densityOf(p, sorted.slice(nGood)),
  }));
  const candidates = opts.candidates ?? 24;
  const toParams = (us: readonly number[]): Params =>
    Object.fromEntries(models.map((m, k) => [m.p.name, valueAt(m.p, us[k])]));
  let best: Params | null = null;
  let bestScore = -Infinity;
  let fallback: Params | null = null;
  for (let c = 0; c < candidates * (opts.tried ? 10 : 1); c++) {
    if (c >= candidates && best !== null) break;
    const us = models.map((m) => m.l.sample(rand));
    let s = 0;
    for (let k = 0; k < models.length; k++) s += Math.log(models[k].l.pdf(us[k])) - Math.log(models[k].g.pdf(us[k]));
    const params = toParams(us);
    if (opts.tried?.(params)) {
      fallback ??= params;
      continue;
    }
    if (s > bestScore || best === null) {
      bestScore = s;
      best = params;
    }
  }
  return best ?? (fallback as Params);
}

/**
 * One uniform draw per parameter (the random sampler, and TPE's start-up trials). With `tried`,
 * redraws (up to 100 times) while the point was already tried; then returns the last draw anyway.
 */
export function uniformParams(space: Space, rand: Prng, tried?: (params: Params) => boolean): Params {
  let params = Object.fromEntries(space.params.map((p) => [p.name, valueAt(p, rand())]));
  for (let attempt = 1; attempt < 100 && tried?.(params); attempt++)
    params = Object.fromEntries(space.params.map((p) => [p.name, valueAt(p, rand())]));
  return params;
}

/** A density over unit coordinates with a sampler. */
export interface UnitDensity {
  pdf(u: number): number;
  sample(rand: Prng): number;
}

/** The Parzen density of one parameter's observed values (see the module comment). */
export function densityOf(p: Param, obs: readonly Observation[]): UnitDensity {
  return p.type === "choice"
    ? categorical(
        p.values.length,
        obs.map((o) => unitOf(p, o.params[p.name])),
      )
    : parzen(obs.map((o) => unitOf(p, o.params[p.name])));
}

function parzen(points: readonly number[]): UnitDensity {
  const m = points.length;
  const sigma = Math.max(MIN_BANDWIDTH, 0.3 * Math.max(1, m) ** -0.2);
  return {
    pdf(u) {
      let s = 1;
      for (const x of points) {
        const z = (u - x) / sigma;
        s += Math.exp(-0.5 * z * z) / (sigma * SQRT_2PI);
      }
      return s / (m + 1);
    },
    sample(rand) {
      const j = Math.floor(rand() * (m + 1));
      if (j >= m) return rand();
      const u = points[j] + sigma * normal(rand);
      return u < 0 ? 0 : u > 1 ? 1 : u;
    },
  };
}

function categorical(n: number, units: readonly number[]): UnitDensity {
  const w = new Array<number>(n).fill(1);
  for (const u of units) w[Math.min(n - 1, Math.floor(u * n))]++;
  const total = n + units.length;
  return {
    pdf: (u) => w[Math.min(n - 1, Math.floor(u * n))] / total,
    sample(rand) {
      let r = rand() * total;
      for (let i = 0; i < n; i++) {
        r -= w[i];
        if (r < 0) return (i + 0.5) / n;
      }
      return (n - 0.5) / n;
    },
  };
}
