import { describe, expect, it } from "vitest";
import { randomWalk } from "../indicators/testing/indicator-contract";
import { ReturnCorrelation } from "./correlation";

const STEP = 5_000;
const T0 = Date.UTC(2024, 0, 1);
const BTC = "BTCUSDT";

const make = (minPairs?: number) =>
  new ReturnCorrelation({ btcSymbol: BTC, windowMs: 900_000, returnMs: STEP, minPairs });

/** One price per slot at `offsetMs` into the slot. */
function feedSlots(
  c: ReturnCorrelation,
  symbol: string,
  prices: readonly number[],
  offsetMs = 1_000,
  firstSlot = 0,
): void {
  prices.forEach((p, i) => c.onPrice(symbol, T0 + (firstSlot + i) * STEP + offsetMs, p));
}

type Trade = readonly [ts: number, price: number];

/** Direct Pearson over per-slot closes rebuilt from raw trades, carrying prices through silent slots. */
function directPearson(btc: readonly Trade[], alt: readonly Trade[], clockSlot: number, size: number): number {
  const closes = (trades: readonly Trade[]) => {
    const bySlot = new Map<number, number>();
    trades.forEach(([ts, p]) => bySlot.set(Math.floor(ts / STEP), p));
    const first = Math.min(...bySlot.keys());
    const out = new Map<number, number>();
    let last = bySlot.get(first) as number;
    for (let s = first; s < clockSlot; s++) {
      last = bySlot.get(s) ?? last;
      out.set(s, last);
    }
    return out;
  };
  const a = closes(btc);
  const b = closes(alt);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let s = clockSlot - size; s < clockSlot; s++) {
    if (!a.has(s - 1) || !b.has(s - 1)) continue;
    xs.push(Math.log((a.get(s) as number) / (a.get(s - 1) as number)));
    ys.push(Math.log((b.get(s) as number) / (b.get(s - 1) as number)));
  }
  const mean = (v: number[]) => v.reduce((p, q) => p + q, 0) / v.length;
  const mx = mean(xs);
  const my = mean(ys);
  const cov = xs.reduce((acc, x, i) => acc + (x - mx) * (ys[i] - my), 0);
  const vx = xs.reduce((acc, x) => acc + (x - mx) ** 2, 0);
  const vy = ys.reduce((acc, y) => acc + (y - my) ** 2, 0);
  return cov / Math.sqrt(vx * vy);
}

/** A seeded trade stream: 0–3 trades per slot, some slots silent. */
function trades(seed: number, slots: number, offsetSlot = 0): Trade[] {
  const walk = randomWalk(slots * 3, seed);
  const gaps = randomWalk(slots, seed + 1000, 1, 0.5);
  const out: Trade[] = [];
  for (let s = 0; s < slots; s++) {
    const n = Math.floor((gaps[s] * 7) % 4);
    for (let k = 0; k < n; k++) out.push([T0 + (s + offsetSlot) * STEP + k * 1_500 + 7, walk[s * 3 + k]]);
  }
  return out;
}

describe("ReturnCorrelation", () => {
  it("gives 1 for identical return series", () => {
    const c = make();
    const btc = randomWalk(200, 1, 40_000);
    feedSlots(c, BTC, btc);
    feedSlots(
      c,
      "ETHUSDT",
      btc.map((p) => p / 20),
    );
    expect(c.correlation("ETHUSDT")).toBeCloseTo(1, 12);
  });

  it("gives −1 for negated returns", () => {
    const c = make();
    const btc = randomWalk(200, 2, 40_000);
    feedSlots(c, BTC, btc);
    feedSlots(
      c,
      "INVUSDT",
      btc.map((p) => 1e6 / p),
    );
    expect(c.correlation("INVUSDT")).toBeCloseTo(-1, 12);
  });

  it("is near 0 for independent seeded noise", () => {
    const c = make();
    feedSlots(c, BTC, randomWalk(200, 3, 40_000));
    feedSlots(c, "XUSDT", randomWalk(200, 4, 2));
    const r = c.correlation("XUSDT") as number;
    expect(r).not.toBeNull();
    expect(Math.abs(r)).toBeLessThan(0.25);
  });

  it("matches a direct Pearson over slot closes of irregular trades with silent slots", () => {
    const c = make();
    const btc = trades(5, 400);
    const alt = trades(6, 380, 20);
    const all = [...btc.map((t) => [BTC, t] as const), ...alt.map((t) => ["ALTUSDT", t] as const)].sort(
      (p, q) => p[1][0] - q[1][0],
    );
    all.forEach(([symbol, [ts, price]]) => c.onPrice(symbol, ts, price));
    const clockSlot = Math.floor(Math.max(btc[btc.length - 1][0], alt[alt.length - 1][0]) / STEP);
    expect(c.correlation("ALTUSDT")).toBeCloseTo(directPearson(btc, alt, clockSlot, 180), 12);
  });

  it("pairs returns by slot whatever the offset of each feed inside the slot", () => {
    const c = make();
    const btc = randomWalk(200, 7, 40_000);
    feedSlots(c, BTC, btc, 4_900);
    feedSlots(
      c,
      "ETHUSDT",
      btc.map((p) => p / 20),
      10,
    );
    expect(c.correlation("ETHUSDT")).toBeCloseTo(1, 12);
  });

  it("does not pair a series lagged by one slot", () => {
    const c = make();
    const btc = randomWalk(201, 8, 40_000);
    feedSlots(c, BTC, btc.slice(1));
    feedSlots(c, "LAGUSDT", btc.slice(0, 200), 1_000, 1);
    expect(Math.abs(c.correlation("LAGUSDT") as number)).toBeLessThan(0.3);
  });

  it("gives null below half the window of paired returns, and a number from there", () => {
    const c = make();
    const btc = randomWalk(92, 9, 40_000);
    const alt = randomWalk(92, 10, 3);
    feedSlots(c, BTC, btc.slice(0, 90));
    feedSlots(c, "ALTUSDT", alt.slice(0, 90));
    expect(c.minPairs).toBe(90);
    expect(c.pairedReturns("ALTUSDT")).toBe(88);
    expect(c.correlation("ALTUSDT")).toBeNull();
    feedSlots(c, BTC, btc.slice(90, 92), 1_000, 90);
    feedSlots(c, "ALTUSDT", alt.slice(90, 92), 1_000, 90);
    expect(c.pairedReturns("ALTUSDT")).toBe(90);
    expect(c.correlation("ALTUSDT")).not.toBeNull();
  });

  it("honours a configured minimum of paired returns", () => {
    const c = make(10);
    feedSlots(c, BTC, randomWalk(12, 11, 40_000));
    feedSlots(c, "ALTUSDT", randomWalk(12, 12, 3));
    expect(c.pairedReturns("ALTUSDT")).toBe(10);
    expect(c.correlation("ALTUSDT")).not.toBeNull();
  });

  it("gives 1 for BTC itself, even without data", () => {
    expect(make().correlation(BTC)).toBe(1);
  });

  it("gives null for a symbol never seen and when BTC was never seen", () => {
    const c = make();
    feedSlots(c, "ALTUSDT", randomWalk(200, 13, 3));
    expect(c.correlation("ALTUSDT")).toBeNull();
    expect(c.correlation("NEWUSDT")).toBeNull();
  });

  it("gives null when a price never moves (zero variance)", () => {
    const c = make();
    feedSlots(c, BTC, randomWalk(200, 14, 40_000));
    feedSlots(c, "FLATUSDT", new Array(200).fill(5));
    expect(c.correlation("FLATUSDT")).toBeNull();
  });

  it("keeps counting a silent symbol's slots as zero returns up to the shared clock", () => {
    const c = make();
    const btc = randomWalk(400, 15, 40_000);
    const eth = btc.slice(0, 300).map((p) => p / 20);
    feedSlots(c, BTC, btc);
    feedSlots(c, "ETHUSDT", eth);
    const at = (ps: number[]) => ps.map((p, i) => [T0 + i * STEP + 1_000, p] as const);
    const r = c.correlation("ETHUSDT") as number;
    expect(r).toBeLessThan(0.9);
    expect(r).toBeCloseTo(directPearson(at(btc), at(eth), T0 / STEP + 399, 180), 12);
  });

  it("gives null once a silent symbol has only zero returns in the window", () => {
    const c = make();
    const btc = randomWalk(400, 15, 40_000);
    feedSlots(c, BTC, btc);
    feedSlots(
      c,
      "ETHUSDT",
      btc.slice(0, 200).map((p) => p / 20),
    );
    expect(c.pairedReturns("ETHUSDT")).toBe(180);
    expect(c.correlation("ETHUSDT")).toBeNull();
  });

  it("ignores prices of an older slot, bad prices and bad times", () => {
    const a = make();
    const b = make();
    const btc = randomWalk(200, 16, 40_000);
    const alt = randomWalk(200, 17, 3);
    for (const c of [a, b]) {
      feedSlots(c, BTC, btc);
      feedSlots(c, "ALTUSDT", alt);
    }
    b.onPrice("ALTUSDT", T0 + 150 * STEP, 999);
    b.onPrice("ALTUSDT", T0 + 199 * STEP + 2_000, Number.NaN);
    b.onPrice("ALTUSDT", T0 + 199 * STEP + 2_000, -1);
    b.onPrice("ALTUSDT", Number.NaN, 4);
    expect(b.correlation("ALTUSDT")).toBe(a.correlation("ALTUSDT"));
    expect(b.getState()).toEqual(a.getState());
  });

  it("keeps memory bounded by the window", () => {
    const c = make();
    feedSlots(c, BTC, randomWalk(5_000, 18, 40_000));
    const s = c.getState().symbols[BTC];
    expect(s.returns.length).toBe(180);
    expect(s.tags.length).toBe(180);
  });

  it("round-trips its state through JSON and continues identically", () => {
    const a = make();
    const btc = randomWalk(300, 19, 40_000);
    const alt = randomWalk(300, 20, 3);
    feedSlots(a, BTC, btc.slice(0, 150));
    feedSlots(a, "ALTUSDT", alt.slice(0, 150));
    const b = ReturnCorrelation.restore(JSON.parse(JSON.stringify(a.getState())));
    for (const c of [a, b]) {
      feedSlots(c, BTC, btc.slice(150), 1_000, 150);
      feedSlots(c, "ALTUSDT", alt.slice(150), 1_000, 150);
    }
    expect(b.correlation("ALTUSDT")).not.toBeNull();
    expect(b.correlation("ALTUSDT")).toBe(a.correlation("ALTUSDT"));
  });

  it("refuses a window shorter than two returns at construction", () => {
    expect(() => new ReturnCorrelation({ btcSymbol: BTC, windowMs: 5_000, returnMs: 5_000 })).toThrow(RangeError);
  });
});
