import type { TradeTick } from "../../market/events";
import { lcg, type Prng } from "../../research/prng";
import { randomWalk } from "./indicator-contract";

/** How {@link tradeWalk} draws: the first price, the rare long gap (0: none) and each trade's size. */
export interface TradeWalkOptions {
  readonly start?: number;
  readonly longGapMs?: number;
  readonly size: (rand: Prng) => number;
}

/**
 * Seeded trades from 1_700_000_000_000: random-walk prices; from an LCG on the same seed, gaps of 0 ms
 * (one in five) or 0–3000 ms, a `longGapMs` gap added to about 3 % of them, the size, then a fair side.
 */
export function tradeWalk(n: number, seed: number, o: TradeWalkOptions): TradeTick[] {
  const rand = lcg(seed);
  const longGapMs = o.longGapMs ?? 0;
  let ts = 1_700_000_000_000;
  return randomWalk(n, seed, o.start ?? 100).map((price) => {
    ts += rand() < 0.2 ? 0 : Math.floor(rand() * 3001);
    if (longGapMs > 0 && rand() < 0.03) ts += longGapMs;
    const size = o.size(rand);
    return { ts, price, size, side: rand() < 0.5 ? "buy" : "sell" };
  });
}

/** `n` buys of size 1 at 100, 700 ms apart from ts 0: a market that never moves. */
export function flatTrades(n: number): TradeTick[] {
  return Array.from({ length: n }, (_, i) => ({ ts: i * 700, price: 100, size: 1, side: "buy" as const }));
}
