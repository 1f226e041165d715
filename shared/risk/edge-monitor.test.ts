import { describe, expect, it } from "vitest";
import { EdgeGuardConfig, type EdgeGuardSettings } from "../config/edge-guard";
import { EdgeMonitor } from "./edge-monitor";

const T0 = Date.UTC(2024, 0, 1, 12);
const guard = (o: Partial<EdgeGuardSettings> = {}): EdgeGuardSettings => EdgeGuardConfig.parse(o);

/** Records `n` trades of `symbol` with net PnL `pnl(i)` on 100 USDT of notional, one a minute. */
function trades(m: EdgeMonitor, symbol: string, n: number, pnl: (i: number) => number, from = T0) {
  const pauses = [];
  for (let i = 0; i < n; i++)
    pauses.push(m.recordTrade(symbol, { netPnl: pnl(i), notional: 100, ts: from + i * 60_000 }));
  return pauses;
}

/** A losing but noisy sequence: mean −0.1 USDT on 100 (−10 bps), alternating ±0.2 around it. */
const losing = (i: number) => -0.1 + (i % 2 === 0 ? 0.2 : -0.2);

describe("EdgeMonitor expectancy", () => {
  it("reports the rolling mean net return per trade in bps of notional with its interval", () => {
    const m = new EdgeMonitor(guard({ window: 10, minTrades: 5 }));
    trades(m, "ETHUSDT", 12, (i) => (i < 2 ? 100 : i % 2 === 0 ? 0.3 : -0.1));
    const e = m.snapshot(T0).symbols[0];
    expect(e.symbol).toBe("ETHUSDT");
    expect(e.expectancyBps.n).toBe(10);
    expect(e.expectancyBps.mean).toBeCloseTo(10, 9);
    expect(e.meanNetPnl).toBeCloseTo(0.1, 9);
    expect(e.expectancyBps.lo as number).toBeLessThan(10);
    expect(e.expectancyBps.hi as number).toBeGreaterThan(10);
  });

  it("never pauses while disabled (the default), whatever the losses", () => {
    const m = new EdgeMonitor(guard());
    expect(trades(m, "ETHUSDT", 60, () => -1).every((p) => p === null)).toBe(true);
    expect(m.pause("ETHUSDT", T0 + 3_600_000)).toBeNull();
  });

  it("pauses a symbol once its expectancy is below zero with the configured confidence over at least minTrades trades, and says why", () => {
    const m = new EdgeMonitor(guard({ enabled: true, window: 50, minTrades: 30, pauseMs: 600_000 }));
    const pauses = trades(m, "ETHUSDT", 30, losing);
    expect(pauses.slice(0, 29).every((p) => p === null)).toBe(true);
    const started = pauses[29];
    expect(started).toMatchObject({ symbol: "ETHUSDT", reason: "negative_edge", until: T0 + 29 * 60_000 + 600_000 });
    expect(started?.detail).toMatch(
      /ETHUSDT expectancy -10\.00 bps per trade after fees over the last 30 trades, 95 % interval \[-17\.\d\d, -2\.\d\d\] below zero/,
    );
    expect(m.pause("ETHUSDT", T0 + 29 * 60_000 + 599_999)).not.toBeNull();
    expect(m.pause("ETHUSDT", T0 + 29 * 60_000 + 600_000)).toBeNull();
    expect(m.pause("BTCUSDT", T0 + 29 * 60_000)).toBeNull();
  });

  it("does not pause when the interval still reaches zero", () => {
    const m = new EdgeMonitor(guard({ enabled: true, minTrades: 30 }));
    // Mean −2 bps, ±40 bps of noise: the 95 % interval spans zero.
    expect(trades(m, "ETHUSDT", 50, (i) => -0.02 + (i % 2 === 0 ? 0.4 : -0.4)).every((p) => p === null)).toBe(true);
  });

  it("needs minTrades new trades after a pause before pausing again", () => {
    const m = new EdgeMonitor(guard({ enabled: true, window: 50, minTrades: 30, pauseMs: 1 }));
    expect(trades(m, "ETHUSDT", 30, losing)[29]).not.toBeNull();
    const after = trades(m, "ETHUSDT", 30, losing, T0 + 3_600_000);
    expect(after.slice(0, 29).every((p) => p === null)).toBe(true);
    expect(after[29]).not.toBeNull();
  });

  it("ignores trades with a non-finite PnL or no notional", () => {
    const m = new EdgeMonitor(guard());
    expect(m.recordTrade("ETHUSDT", { netPnl: Number.NaN, notional: 100, ts: T0 })).toBeNull();
    expect(m.recordTrade("ETHUSDT", { netPnl: 1, notional: 0, ts: T0 })).toBeNull();
    expect(m.snapshot(T0).symbols).toEqual([]);
  });
});

describe("EdgeMonitor markouts", () => {
  it("marks each entry decision at every horizon with the first price at or after it, signed by side, in bps", () => {
    const m = new EdgeMonitor(guard({ markoutHorizonsMs: [5_000, 30_000] }));
    m.onPrice("BTCUSDT", 100, T0);
    m.recordDecision("BTCUSDT", "long", T0 + 1);
    m.onPrice("BTCUSDT", 100.1, T0 + 4_000);
    expect(m.snapshot(T0).symbols[0].markoutsBps["5000"].n).toBe(0);
    m.onPrice("BTCUSDT", 100.2, T0 + 5_001);
    m.recordDecision("BTCUSDT", "short", T0 + 5_002);
    m.onPrice("BTCUSDT", 99.9, T0 + 31_000);
    const s = m.snapshot(T0 + 31_000).symbols[0];
    // Long from 100: +20 bps at 5 s, −10 bps at 30 s. Short from 100.2: (100.2 − 99.9)/100.2 at 5 s.
    expect(s.markoutsBps["5000"].n).toBe(2);
    expect(s.markoutsBps["5000"].mean).toBeCloseTo((20 + (0.3 / 100.2) * 10_000) / 2, 9);
    expect(s.markoutsBps["30000"]).toMatchObject({ n: 1 });
    expect(s.markoutsBps["30000"].mean).toBeCloseTo(-10, 9);
    expect(s.pendingDecisions).toBe(1);
  });

  it("ignores a decision before any price of its symbol", () => {
    const m = new EdgeMonitor(guard());
    m.recordDecision("BTCUSDT", "long", T0);
    m.onPrice("BTCUSDT", 100, T0 + 200_000);
    expect(m.snapshot(T0).symbols[0].pendingDecisions).toBe(0);
    expect(m.snapshot(T0).symbols[0].markoutsBps["5000"].n).toBe(0);
  });

  it("restores from its JSON state and goes on identically", () => {
    const a = new EdgeMonitor(guard({ enabled: true }));
    a.onPrice("BTCUSDT", 100, T0);
    a.recordDecision("BTCUSDT", "long", T0);
    trades(a, "BTCUSDT", 40, losing);
    const b = EdgeMonitor.restore(JSON.parse(JSON.stringify(a.getState())), guard({ enabled: true }));
    for (const m of [a, b]) m.onPrice("BTCUSDT", 101, T0 + 10_000);
    expect(b.snapshot(T0 + 10_000)).toEqual(a.snapshot(T0 + 10_000));
    expect(b.getState()).toEqual(a.getState());
  });
});
