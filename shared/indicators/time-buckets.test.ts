import { describe, expect, it } from "vitest";
import type { TradeTick } from "../market/events";
import { TimeBuckets } from "./time-buckets";
import { tradeWalk } from "./testing/trade-walk";

/** {@link tradeWalk} with sizes uniform in [0.001, 5.001). */
function tradeSequence(n: number, seed: number, longGapMs = 0): TradeTick[] {
  return tradeWalk(n, seed, { longGapMs, size: (rand) => 0.001 + rand() * 5 });
}

/** Sums of `value` over the trades in the whole-bucket window ending at the newest (clamped) trade. */
function bruteForce(trades: readonly TradeTick[], windowMs: number, bucketMs: number, value: (t: TradeTick) => number) {
  let newest = -Infinity;
  const clamped = trades.map((t) => (newest = Math.max(newest, t.ts)));
  const oldest = Math.floor(newest / bucketMs) - windowMs / bucketMs + 1;
  let sum = 0;
  let count = 0;
  trades.forEach((t, i) => {
    if (Math.floor(clamped[i] / bucketMs) < oldest) return;
    sum += value(t);
    count++;
  });
  return { sum, count };
}

function feed(tb: TimeBuckets, t: TradeTick): void {
  tb.addTrade(t.ts);
  tb.accumulate(0, t.size);
  tb.accumulate(1, t.price * t.size);
}

describe("TimeBuckets", () => {
  it("matches a brute-force sum over the same whole-bucket window, across long gaps", () => {
    const trades = tradeSequence(3000, 11, 25_000);
    const tb = new TimeBuckets({ windowsMs: [20_000], bucketMs: 1000, fields: 2 });
    trades.forEach((t, i) => {
      feed(tb, t);
      const seen = trades.slice(0, i + 1);
      const size = bruteForce(seen, 20_000, 1000, (x) => x.size);
      const pv = bruteForce(seen, 20_000, 1000, (x) => x.price * x.size);
      expect(tb.trades(0)).toBe(size.count);
      expect(Math.abs(tb.sum(0, 0) - size.sum)).toBeLessThanOrEqual(1e-9 * size.sum);
      expect(Math.abs(tb.sum(0, 1) - pv.sum)).toBeLessThanOrEqual(1e-9 * pv.sum);
    });
  });

  it("drops the oldest bucket whole when the window slides", () => {
    const tb = new TimeBuckets({ windowsMs: [3000], bucketMs: 1000, fields: 1 });
    [0, 999, 1500, 2999].forEach((ts) => {
      tb.addTrade(ts);
      tb.accumulate(0, 1);
    });
    expect(tb.sum(0, 0)).toBe(4);
    tb.addTrade(3000);
    tb.accumulate(0, 1);
    expect(tb.trades(0)).toBe(3);
    expect(tb.sum(0, 0)).toBe(3);
  });

  it("puts a late trade in the current bucket and expires nothing", () => {
    const tb = new TimeBuckets({ windowsMs: [2000], bucketMs: 1000, fields: 1 });
    tb.addTrade(0);
    tb.accumulate(0, 1);
    tb.addTrade(1500);
    tb.accumulate(0, 2);
    tb.addTrade(-50_000);
    tb.accumulate(0, 4);
    expect(tb.newestTs).toBe(1500);
    expect(tb.sum(0, 0)).toBe(7);
    tb.addTrade(2000);
    tb.accumulate(0, 8);
    expect(tb.sum(0, 0)).toBe(14);
  });

  it("resets its sums to exactly zero when a gap empties the window", () => {
    const tb = new TimeBuckets({ windowsMs: [5000], bucketMs: 1000, fields: 1 });
    [0.1, 0.7, 1e17, 0.3].forEach((v, i) => {
      tb.addTrade(i * 700);
      tb.accumulate(0, v);
    });
    tb.addTrade(1_000_000);
    tb.accumulate(0, 0.2);
    expect(tb.sum(0, 0)).toBe(0.2);
    expect(tb.trades(0)).toBe(1);
  });

  it("rebuilds its sums so a huge expired bucket leaves no residue", () => {
    const tb = new TimeBuckets({ windowsMs: [10_000], bucketMs: 1000, fields: 1 });
    tb.addTrade(0);
    tb.accumulate(0, 1e15);
    for (let ts = 500; ts < 40_000; ts += 500) {
      tb.addTrade(ts);
      tb.accumulate(0, 0.001);
    }
    const exact = 20 * 0.001;
    expect(Math.abs(tb.sum(0, 0) - exact)).toBeLessThan(1e-12);
  });

  it("undoes an add bit for bit, including the buckets it expired", () => {
    const trades = tradeSequence(400, 5, 30_000);
    const tb = new TimeBuckets({ windowsMs: [10_000], bucketMs: 1000, fields: 2 });
    const withoutUndo = () => JSON.stringify({ ...tb.getState(), undo: null });
    trades.forEach((t, i) => {
      const before = withoutUndo();
      feed(tb, { ...t, ts: t.ts + [1_000_000, 0, -5000, 2500][i % 4], size: 3e9 });
      tb.undo();
      expect(withoutUndo()).toBe(before);
      feed(tb, t);
    });
  });

  it("restores from a JSON round trip and continues identically", () => {
    const trades = tradeSequence(300, 9, 15_000);
    const a = new TimeBuckets({ windowsMs: [10_000], bucketMs: 500, fields: 2 });
    trades.slice(0, 150).forEach((t) => feed(a, t));
    const b = TimeBuckets.restore(JSON.parse(JSON.stringify(a.getState())));
    a.undo();
    b.undo();
    trades.slice(149).forEach((t) => {
      feed(a, t);
      feed(b, t);
    });
    expect(b.getState()).toEqual(a.getState());
  });

  it("spans the window once the first trade is a window minus one bucket old", () => {
    const tb = new TimeBuckets({ windowsMs: [10_000], bucketMs: 1000, fields: 0 });
    tb.addTrade(100);
    expect(tb.spansWindow(0)).toBe(false);
    tb.addTrade(9099);
    expect(tb.spansWindow(0)).toBe(false);
    tb.addTrade(9100);
    expect(tb.spansWindow(0)).toBe(true);
  });

  it("matches a brute-force sum in every window of one ring, across gaps that empty only the short ones", () => {
    const trades = tradeSequence(1500, 13, 25_000);
    const windows = [20_000, 5000, 60_000];
    const tb = new TimeBuckets({ windowsMs: windows, bucketMs: 1000, fields: 2 });
    trades.forEach((t, i) => {
      feed(tb, t);
      const seen = trades.slice(0, i + 1);
      windows.forEach((windowMs, w) => {
        const size = bruteForce(seen, windowMs, 1000, (x) => x.size);
        const pv = bruteForce(seen, windowMs, 1000, (x) => x.price * x.size);
        expect(tb.trades(w)).toBe(size.count);
        expect(Math.abs(tb.sum(w, 0) - size.sum)).toBeLessThanOrEqual(1e-9 * size.sum);
        expect(Math.abs(tb.sum(w, 1) - pv.sum)).toBeLessThanOrEqual(1e-9 * pv.sum);
      });
    });
  });

  it("evolves each window's sums bit for bit as a ring of its own would, through undos", () => {
    const trades = tradeSequence(2000, 17, 40_000);
    const windows = [10_000, 3000, 30_000, 3000];
    const shared = new TimeBuckets({ windowsMs: windows, bucketMs: 1000, fields: 2 });
    const own = windows.map((w) => new TimeBuckets({ windowsMs: [w], bucketMs: 1000, fields: 2 }));
    trades.forEach((t, i) => {
      if (i % 3 === 0) {
        const revised = { ...t, ts: t.ts + (i % 2 === 0 ? 90_000 : -4000), size: t.size * 1e9 };
        [shared, ...own].forEach((tb) => {
          feed(tb, revised);
          tb.undo();
        });
      }
      [shared, ...own].forEach((tb) => feed(tb, t));
      own.forEach((single, w) => {
        expect(shared.trades(w)).toBe(single.trades(0));
        expect(shared.sum(w, 0)).toBe(single.sum(0, 0));
        expect(shared.sum(w, 1)).toBe(single.sum(0, 1));
        expect(shared.spansWindow(w)).toBe(single.spansWindow(0));
      });
    });
  });

  it("keeps a window's own fields out of the other windows' sums", () => {
    const tb = new TimeBuckets({ windowsMs: [2000, 10_000], bucketMs: 1000, fields: 1, windowFields: 1 });
    tb.addTrade(0);
    tb.accumulate(0, 5);
    tb.accumulateOwn(1, 1, 7);
    tb.addTrade(1500);
    tb.accumulate(0, 1);
    tb.accumulateOwn(0, 1, 3);
    expect([tb.sum(0, 0), tb.sum(0, 1)]).toEqual([6, 3]);
    expect([tb.sum(1, 0), tb.sum(1, 1)]).toEqual([6, 7]);
    tb.addTrade(2000);
    expect([tb.trades(0), tb.sum(0, 0), tb.sum(0, 1)]).toEqual([2, 1, 3]);
    expect([tb.trades(1), tb.sum(1, 0), tb.sum(1, 1)]).toEqual([3, 6, 7]);
  });

  it("undoes an add bit for bit in every window, including the buckets it expired", () => {
    const trades = tradeSequence(400, 6, 12_000);
    const tb = new TimeBuckets({ windowsMs: [10_000, 3000, 20_000], bucketMs: 1000, fields: 1, windowFields: 1 });
    const withoutUndo = () => JSON.stringify({ ...tb.getState(), undo: null });
    const add = (t: TradeTick) => {
      tb.addTrade(t.ts);
      tb.accumulate(0, t.size);
      tb.accumulateOwn(t.side === "buy" ? 0 : 2, 1, t.price);
    };
    trades.forEach((t, i) => {
      const before = withoutUndo();
      add({ ...t, ts: t.ts + [1_000_000, 0, -5000, 2500, 15_000][i % 5], size: 3e9 });
      tb.undo();
      expect(withoutUndo()).toBe(before);
      add(t);
    });
  });

  it("restores several windows from a JSON round trip and continues identically", () => {
    const trades = tradeSequence(300, 19, 15_000);
    const options = { windowsMs: [10_000, 2000], bucketMs: 500, fields: 2, windowFields: 1 };
    const a = new TimeBuckets(options);
    const add = (tb: TimeBuckets, t: TradeTick) => {
      feed(tb, t);
      tb.accumulateOwn(1, 2, t.size);
    };
    trades.slice(0, 150).forEach((t) => add(a, t));
    const b = TimeBuckets.restore(JSON.parse(JSON.stringify(a.getState())));
    expect(b.getState()).toEqual(a.getState());
    a.undo();
    b.undo();
    trades.slice(149).forEach((t) => {
      add(a, t);
      add(b, t);
    });
    expect(b.getState()).toEqual(a.getState());
  });

  it("refuses an empty list of windows", () => {
    expect(() => new TimeBuckets({ windowsMs: [], fields: 1 })).toThrow(/at least one window/);
  });

  it("refuses a window that is not a whole number of buckets", () => {
    expect(() => new TimeBuckets({ windowsMs: [2500], bucketMs: 1000, fields: 1 })).toThrow(/multiple of bucketMs/);
    expect(() => new TimeBuckets({ windowsMs: [3000, 2500], bucketMs: 1000, fields: 1 })).toThrow(
      /multiple of bucketMs/,
    );
  });

  it("refuses an undo without a preceding add", () => {
    expect(() => new TimeBuckets({ windowsMs: [1000], fields: 0 }).undo()).toThrow(/without a preceding/);
  });
});
