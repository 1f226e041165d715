import { describe, expect, it } from "vitest";
import { defaultConfig } from "../config/config";
import type { TradeTick } from "../market/events";
import { copySnapshot } from "./feature-view";
import { SymbolFeatures } from "./symbol-features";
import { lcg } from "../research/prng";

const T0 = 1_700_000_000_000;
const settings = defaultConfig().indicators;

function trades(count: number, seed = 11): TradeTick[] {
  const rand = lcg(seed);
  let ts = T0;
  let price = 100;
  return Array.from({ length: count }, () => {
    ts += Math.floor(rand() * rand() * 3000);
    price = Math.max(1, price * (1 + (rand() - 0.5) * 0.003));
    return { ts, price: +price.toFixed(2), size: +(0.01 + rand()).toFixed(3), side: rand() < 0.5 ? "buy" : "sell" };
  });
}

describe("FeatureView", () => {
  it("reads exactly what a fresh snapshot reads after every event", () => {
    const a = new SymbolFeatures("BTCUSDT", settings);
    const b = new SymbolFeatures("BTCUSDT", settings);
    let i = 0;
    for (const t of trades(4000)) {
      a.onTrade(t);
      b.onTrade(t);
      if (i++ % 7 === 0) {
        const top = {
          kind: "bookTop",
          symbol: "BTCUSDT",
          ts: t.ts,
          bidPrice: t.price - 0.01,
          bidSize: 1 + (i % 3),
          askPrice: t.price + 0.01,
          askSize: 2,
          seq: String(i),
        } as const;
        a.onBookTop(top);
        b.onBookTop(top);
      }
      expect(copySnapshot(a.view())).toEqual(b.snapshot());
    }
    expect(b.snapshot().vwap[0].value).not.toBeNull();
  });

  it("is one object rewritten in place, result objects included, while snapshots taken earlier stay as they were", () => {
    const f = new SymbolFeatures("BTCUSDT", settings);
    const stream = trades(600);
    for (const t of stream.slice(0, 500)) f.onTrade(t);
    const kept = f.snapshot();
    const keptJson = JSON.stringify(kept);
    const view = f.view();
    const flow = view.orderFlow[0].value;
    const deltaThen = flow?.delta;
    for (const t of stream.slice(500)) f.onTrade(t);
    expect(f.view()).toBe(view);
    expect(view.ts).toBe(stream[599].ts);
    expect(view.orderFlow[0].value).toBe(flow);
    expect(flow?.delta).not.toBe(deltaThen);
    expect(view.orderFlow[0].value).toEqual(kept.orderFlow[0].value === null ? null : f.snapshot().orderFlow[0].value);
    expect(JSON.stringify(kept)).toBe(keptJson);
  });

  it("computes the VWAP and order-flow windows only when they are read", () => {
    const f = new SymbolFeatures("BTCUSDT", settings);
    for (const t of trades(50)) f.onTrade(t);
    const v = f.view();
    const window = v.vwap[0].value;
    const before = window?.vwap ?? Infinity;
    f.onTrade({ ts: v.ts + 10, price: 200, size: 5, side: "buy" });
    f.view();
    expect(window?.vwap).toBe(before);
    expect(v.vwap[0].value).toBe(window);
    expect(window?.vwap).toBeGreaterThan(before);
  });

  it("gives the same values and state however rarely and partly it is read", () => {
    const eager = new SymbolFeatures("BTCUSDT", settings);
    const lazy = new SymbolFeatures("BTCUSDT", settings);
    let i = 0;
    for (const t of trades(6000, 23)) {
      eager.onTrade(t);
      lazy.onTrade(t);
      eager.snapshot();
      i++;
      if (i % 11 === 0) void lazy.view().rsi;
      if (i % 17 === 0) void lazy.view().emaCross;
      if (i % 401 === 0) expect(lazy.snapshot()).toEqual(eager.snapshot());
      if (i % 997 === 0)
        expect(JSON.parse(JSON.stringify(lazy.getState()))).toEqual(JSON.parse(JSON.stringify(eager.getState())));
    }
    expect(lazy.snapshot()).toEqual(eager.snapshot());
  });
});
