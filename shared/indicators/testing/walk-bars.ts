import type { Bar } from "../../market/bar";
import { randomWalk } from "./indicator-contract";
import { lcg } from "../../research/prng";

/** Bars of 5 random-walk ticks each, 1 s apart, volume from an LCG mapped through `volumeOf` (uniform in [1, 10) by default). */
export function walkBars(
  count: number,
  seed: number,
  start = 100,
  volumeOf: (u: number) => number = (u) => 1 + 9 * u,
): Bar[] {
  const ticks = randomWalk(count * 5, seed, start);
  const rand = lcg(seed);
  return Array.from({ length: count }, (_, i) => {
    const t = ticks.slice(i * 5, i * 5 + 5);
    const volume = volumeOf(rand());
    return {
      start: i * 1000,
      open: t[0],
      high: Math.max(...t),
      low: Math.min(...t),
      close: t[4],
      volume,
      buyVolume: volume / 2,
      sellVolume: volume / 2,
      trades: 5,
      vwap: t.reduce((a, b) => a + b, 0) / 5,
    };
  });
}
