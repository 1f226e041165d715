/**
 * Seeded pseudo-random numbers for the research tools (samplers, shuffles). Pure: the only source of
 * randomness is the seed, so a search or a permutation is reproducible on every runtime.
 * @module
 */

/** A stream of uniform numbers in [0, 1). */
export type Prng = () => number;

/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Counter, 32-bit; PractRand-clean) seeded through
 * splitmix32 from any integer, so nearby seeds give unrelated streams. 2^-32 resolution.
 */
export function createPrng(seed: number): Prng {
  let s = (seed >>> 0) ^ Math.floor(seed / 2 ** 32);
  const next = () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  };
  let a = next();
  let b = next();
  let c = next();
  let d = 1;
  const rand = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) rand();
  return rand;
}

/**
 * mulberry32 (Tommy Ettinger's 32-bit generator): small and fast but weaker than {@link createPrng};
 * the streams of the tests' fixtures (random walks, venue jitter, interleavings) were drawn with it, so
 * they keep it.
 */
export function mulberry32(seed: number): Prng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The Numerical Recipes linear congruential generator (a = 1664525, c = 1013904223, mod 2^32): the
 * weakest here (short-period low bits), kept for the tests' seeded trade and bar streams that were
 * drawn with it. Not for research sampling: use {@link createPrng}.
 */
export function lcg(seed: number): Prng {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** Derives the seed of a sub-stream (a fold, a family, a repeat) from a parent seed and labels: FNV-1a over their decimal text. */
export function deriveSeed(seed: number, ...labels: (number | string)[]): number {
  let h = 0x811c9dc5;
  for (const ch of [seed, ...labels].join("/")) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A standard normal draw (Box–Muller, one of the pair). */
export function normal(rand: Prng): number {
  const u = 1 - rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Shuffles `values` in place (Fisher–Yates: every permutation equally likely) and returns them. */
export function shuffleInPlace<T>(values: T[], rand: Prng): T[] {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = values[i];
    values[i] = values[j];
    values[j] = t;
  }
  return values;
}
