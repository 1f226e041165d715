import type { Bar } from "../../market/bar";
import { randomWalk } from "./indicator-contract";

/** Bars of 5 random-walk ticks each, 1 s apart, volume from an LCG mapped through `volumeOf` (uniform in [1, 10) by default). */
export function walkBars(
  count: number,
  seed: number,
  start = 100,
  volumeOf: (u: number) => number = (u) => 1 + 9 * u,
): Bar[] {
  const ticks = randomWalk(count * 5, seed, start);
  let s = seed >>> 0;
  const lcg = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  return Array.from({ length: count }, (_, i) => {
    const t = ticks.slice(i * 5, i * 5 + 5);
    const volume = volumeOf(lcg());
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
