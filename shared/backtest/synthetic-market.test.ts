import { describe, expect, it } from "vitest";
import { decodePublicPush } from "../exchange/bitget/public-codec";
import { stepDecimals } from "../market/instrument";
import { parseRecordingLine } from "./recording";
import {
  createSyntheticMarket,
  generate,
  profileFor,
  REGIMES,
  regimeTimeline,
  type BookPush,
  type GenerateOptions,
  type RegimeChange,
  type SymbolProfile,
  type SyntheticPush,
  type TradePush,
} from "./synthetic-market";

const START = Date.UTC(2024, 0, 1);
const MAJORS = ["BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT", "DOGEUSDT"];

function run(o: Partial<GenerateOptions> & { minutes: number }): SyntheticPush[] {
  return [...generate({ symbols: MAJORS, startMs: START, seed: 7, ...o })];
}

const isTrade = (p: SyntheticPush): p is SyntheticPush & { m: TradePush } => p.m.arg.channel === "trade";
const isBook = (p: SyntheticPush): p is SyntheticPush & { m: BookPush } => p.m.arg.channel !== "trade";

/** Mid of each symbol's last book top at every `everyMs` mark of receive time, streamed. */
function sampleMids(pushes: Iterable<SyntheticPush>, symbols: string[], everyMs: number): Record<string, number[]> {
  const mids: Record<string, number[]> = Object.fromEntries(symbols.map((s) => [s, []]));
  const mid = new Map<string, number>();
  let mark = NaN;
  for (const p of pushes) {
    if (Number.isNaN(mark)) mark = p.t;
    for (; p.t > mark; mark += everyMs) for (const s of symbols) mids[s].push(mid.get(s) ?? NaN);
    if (!isBook(p)) continue;
    const d = p.m.data[0];
    mid.set(p.m.arg.instId, (+d.bids[0][0] + +d.asks[0][0]) / 2);
  }
  return mids;
}

function logReturns(xs: number[]): number[] {
  return xs.slice(1).map((x, i) => Math.log(x / xs[i]));
}

function pearson(a: number[], b: number[]): number {
  const n = a.length;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

function onGrid(text: string, step: number): boolean {
  const dec = stepDecimals(step);
  const shape = dec === 0 ? /^\d+$/ : new RegExp(`^\\d+\\.\\d{${dec}}$`);
  const units = +text / step;
  return shape.test(text) && +text > 0 && Math.abs(units - Math.round(units)) < 1e-6;
}

describe("synthetic market: determinism", () => {
  it("produces byte-identical pushes for the same seed and different ones for another seed", () => {
    const a = JSON.stringify(run({ minutes: 2, seed: 42 }));
    const b = JSON.stringify(run({ minutes: 2, seed: 42 }));
    const c = JSON.stringify(run({ minutes: 2, seed: 43 }));
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it("tells apart seeds that differ only above 32 bits", () => {
    const a = JSON.stringify(run({ minutes: 0.5, seed: 1 }));
    const b = JSON.stringify(run({ minutes: 0.5, seed: 1 + 2 ** 32 }));
    expect(b).not.toBe(a);
  });

  it("gives a symbol the same pushes whichever other symbols are generated", () => {
    const alone = run({ minutes: 2, symbols: ["ETHUSDT"] });
    const mixed = run({ minutes: 2, symbols: ["BTCUSDT", "ETHUSDT", "PEPEUSDT"] }).filter(
      (p) => p.m.arg.instId === "ETHUSDT",
    );
    expect(JSON.stringify(mixed)).toBe(JSON.stringify(alone));
  });
});

describe("synthetic market: pushes", () => {
  const symbols = [...MAJORS, "PEPEUSDT", "HALFUSDT"];
  const profiles = { HALFUSDT: { price: 50, tickSize: 0.005, sizeStep: 0.5 } };
  const pushes = run({ minutes: 5, symbols, profiles });
  const prof: Record<string, SymbolProfile> = Object.fromEntries(
    symbols.map((s) => [s, profileFor(s, profiles[s as "HALFUSDT"])]),
  );

  it("emits every channel for every symbol", () => {
    for (const s of symbols) {
      for (const ch of ["trade", "books1", "books15"])
        expect(
          pushes.some((p) => p.m.arg.instId === s && p.m.arg.channel === ch),
          `${s} ${ch}`,
        ).toBe(true);
    }
  });

  it("decodes every push without refusal and parses each as a recording line", () => {
    for (const [i, p] of pushes.entries()) {
      const d = decodePublicPush(p.m);
      if (!d.ok) throw new Error(`push ${i} refused: ${d.reason}`);
      if (d.events.length !== p.m.data.length)
        throw new Error(`push ${i}: ${d.events.length} events for ${p.m.data.length} items`);
      const line = parseRecordingLine(JSON.stringify(p), i + 2);
      if (!line.ok) throw new Error(line.error);
      if (line.value.t !== p.t) throw new Error(`push ${i}: t ${line.value.t} read back as ${p.t}`);
    }
  });

  it("keeps prices on the tick grid and sizes on the step grid, all positive", () => {
    for (const p of pushes) {
      const { tickSize, sizeStep } = prof[p.m.arg.instId];
      const levels = isBook(p)
        ? [...p.m.data[0].bids, ...p.m.data[0].asks]
        : isTrade(p)
          ? p.m.data.map((x) => [x.price, x.size])
          : [];
      for (const [price, size] of levels) {
        if (!onGrid(price, tickSize) || !onGrid(size, sizeStep))
          throw new Error(`${p.m.arg.instId} off grid: ${price} ${size}`);
      }
    }
  });

  it("sends 15 or 1 strictly sorted levels a side, never crossed, with a spread of 1 to 3 ticks", () => {
    for (const p of pushes.filter(isBook)) {
      const { bids, asks } = p.m.data[0];
      const n = p.m.arg.channel === "books15" ? 15 : 1;
      expect([bids.length, asks.length]).toEqual([n, n]);
      for (let k = 1; k < n; k++) {
        if (!(+asks[k][0] > +asks[k - 1][0]) || !(+bids[k][0] < +bids[k - 1][0]))
          throw new Error(`unsorted book at ${p.t}`);
      }
      const ticks = (+asks[0][0] - +bids[0][0]) / prof[p.m.arg.instId].tickSize;
      if (!(ticks > 0.5 && ticks < 3.5)) throw new Error(`spread of ${ticks} ticks at ${p.t}`);
    }
  });

  it("prints every trade at the best ask (buy) or best bid (sell) of the symbol's last book push", () => {
    const top = new Map<string, { bid: string; ask: string }>();
    let trades = 0;
    for (const p of pushes) {
      const s = p.m.arg.instId;
      if (isBook(p)) {
        const d = p.m.data[0];
        top.set(s, { bid: d.bids[0][0], ask: d.asks[0][0] });
        continue;
      }
      if (!isTrade(p)) continue;
      const q = top.get(s);
      if (!q) throw new Error(`${s} trade before any book`);
      for (const tr of p.m.data) {
        trades++;
        if (tr.price !== (tr.side === "buy" ? q.ask : q.bid))
          throw new Error(`${s} ${tr.side} at ${tr.price}, book ${q.bid}/${q.ask}`);
      }
    }
    expect(trades).toBeGreaterThan(1000);
  });

  it("shows in books15 the same top as the books1 before it", () => {
    const last = new Map<string, string>();
    for (const p of pushes.filter(isBook)) {
      const d = p.m.data[0];
      const top = JSON.stringify([d.bids[0], d.asks[0]]);
      if (p.m.arg.channel === "books1") last.set(p.m.arg.instId, top);
      else expect(top).toBe(last.get(p.m.arg.instId));
    }
  });

  it("never lets t go down, and per symbol orders trade, books1, books15 within one t", () => {
    const rank = { trade: 0, books1: 1, books15: 2 } as const;
    const prev = new Map<string, [number, number]>();
    expect(pushes.every((p, i) => i === 0 || p.t >= pushes[i - 1].t)).toBe(true);
    for (const p of pushes) {
      const key: [number, number] = [p.t, rank[p.m.arg.channel]];
      const before = prev.get(p.m.arg.instId);
      if (before && (before[0] > key[0] || (before[0] === key[0] && before[1] >= key[1])))
        throw new Error(`order broken at ${p.t}`);
      prev.set(p.m.arg.instId, key);
    }
  });

  it("samples books15 every 100 ms and books1 on the 20 ms grid", () => {
    const b15 = pushes.filter((p) => p.m.arg.channel === "books15" && p.m.arg.instId === "BTCUSDT").map((p) => p.t);
    expect(b15.every((t, i) => t % 100 === 0 && (i === 0 || t - b15[i - 1] === 100))).toBe(true);
    expect(b15.length).toBe(5 * 600 - 1);
    expect(pushes.filter((p) => p.m.arg.channel === "books1").every((p) => p.t % 20 === 0)).toBe(true);
  });

  it("increases seq by one per book push and trade ids strictly, newest trade first in a push", () => {
    const seq = new Map<string, number>();
    const lastId = new Map<string, bigint>();
    for (const p of pushes) {
      const s = p.m.arg.instId;
      if (isBook(p)) {
        const n = Number(p.m.data[0].seq);
        if (n !== (seq.get(s) ?? 0) + 1) throw new Error(`${s} seq ${n} after ${seq.get(s)}`);
        seq.set(s, n);
        continue;
      }
      if (!isTrade(p)) continue;
      const ids = p.m.data.map((x) => BigInt(x.tradeId)).reverse();
      for (const id of ids) {
        if (!(id > (lastId.get(s) ?? -1n))) throw new Error(`${s} trade id ${id} not increasing`);
        lastId.set(s, id);
      }
    }
  });

  it("stamps exchange ts 5 to 40 ms before t, never decreasing per symbol, equal on the envelope and its items", () => {
    const last = new Map<string, number>();
    for (const p of pushes) {
      const lag = p.t - p.m.ts;
      if (!(lag >= 5 && lag <= 40)) throw new Error(`lag ${lag} at ${p.t}`);
      if (p.m.ts < (last.get(p.m.arg.instId) ?? 0)) throw new Error(`ts went back at ${p.t}`);
      last.set(p.m.arg.instId, p.m.ts);
      if (!p.m.data.every((item) => item.ts === String(p.m.ts))) throw new Error(`item ts differs at ${p.t}`);
    }
  });
});

describe("synthetic market: price model", () => {
  it("correlates 5-s returns with BTC above 0.5 for the majors and below 0.3 for a configured loner", () => {
    const symbols = [...MAJORS, "LONERUSDT"];
    const mids = sampleMids(
      generate({
        symbols,
        startMs: START,
        seed: 3,
        minutes: 30,
        profiles: { LONERUSDT: { correlation: 0.1, beta: 0.5 } },
      }),
      symbols,
      5000,
    );
    const btc = logReturns(mids.BTCUSDT);
    expect(btc.length).toBeGreaterThan(350);
    const corr = Object.fromEntries(symbols.slice(1).map((s) => [s, pearson(btc, logReturns(mids[s]))]));
    for (const s of MAJORS.slice(1)) expect(corr[s], s).toBeGreaterThan(0.5);
    expect(corr.LONERUSDT).toBeLessThan(0.3);
  }, 120_000);

  describe("over a 60-minute run", () => {
    const changes: RegimeChange[] = [];
    const pushes = run({ minutes: 60, seed: 11, symbols: ["BTCUSDT"], onRegime: (c) => changes.push(c) });
    const end = pushes[pushes.length - 1].t;
    const spans = changes.map((c, i) => ({ ...c, until: changes[i + 1]?.t ?? end }));

    it("visits every regime", () => {
      expect(new Set(changes.map((c) => c.regime))).toEqual(new Set(REGIMES));
      expect(
        changes.some((c) => c.regime === "sweep" && c.direction === 1) &&
          changes.some((c) => c.regime === "sweep" && c.direction === -1),
      ).toBe(true);
    });

    it("reports the same timeline through onRegime as regimeTimeline computes from the driver alone", () => {
      expect(regimeTimeline({ seed: 11, startMs: START, minutes: 60 })).toEqual(changes);
    });

    it("trades at least five times faster in volatility bursts than in quiet periods", () => {
      const rate = (r: string) => {
        const mine = spans.filter((s) => s.regime === r);
        const ms = mine.reduce((a, s) => a + s.until - s.t, 0);
        const n = pushes
          .filter((p) => isTrade(p) && mine.some((s) => p.t > s.t && p.t <= s.until))
          .reduce((a, p) => a + p.m.data.length, 0);
        return (n / ms) * 1000;
      };
      const quiet = rate("quiet");
      expect(quiet).toBeGreaterThan(1);
      expect(quiet).toBeLessThan(4);
      expect(rate("volBurst")).toBeGreaterThan(5 * quiet);
    });

    it("spikes through the 60-s high or low in a sweep, with a volume surge, then gives most of it back within seconds", () => {
      const sweeps = spans.filter((s) => s.regime === "sweep" && s.t - pushes[0].t > 60_000);
      expect(sweeps.length).toBeGreaterThan(2);
      const tops = pushes
        .filter((p) => p.m.arg.channel === "books1")
        .map((p) => ({
          t: p.t,
          mid: (+(p.m as BookPush).data[0].bids[0][0] + +(p.m as BookPush).data[0].asks[0][0]) / 2,
        }));
      for (const s of sweeps) {
        const d = s.direction;
        const before = tops.filter((x) => x.t > s.t - 59_000 && x.t < s.t).map((x) => d * x.mid);
        const during = tops.filter((x) => x.t >= s.t && x.t <= s.until).map((x) => d * x.mid);
        const start = before[before.length - 1];
        const peak = Math.max(...during);
        expect(s.until - s.t).toBeLessThanOrEqual(5_000);
        expect(peak).toBeGreaterThan(Math.max(...before));
        expect(during[during.length - 1] - start).toBeLessThan(0.5 * (peak - start));
        const volume = pushes
          .filter((p) => isTrade(p) && p.t > s.t && p.t <= s.until)
          .reduce((a, p) => a + (p.m as TradePush).data.length, 0);
        expect((volume / (s.until - s.t)) * 1000).toBeGreaterThan(8);
      }
    });
  });
});

describe("synthetic market: options", () => {
  it("starts at the first 100 ms mark at or after start + 100 ms and ends before start + minutes", () => {
    const a = run({ minutes: 1, symbols: ["BTCUSDT"] });
    expect(a[0].t).toBe(START + 100);
    expect(a[a.length - 1].t).toBeLessThan(START + 60_000);
    expect(a[a.length - 1].t).toBeGreaterThan(START + 59_900);
    expect(run({ minutes: 0.01, symbols: ["BTCUSDT"], startMs: START + 50 })[0].t).toBe(START + 200);
  });

  it("streams without end from createSyntheticMarket", () => {
    const m = createSyntheticMarket({ symbols: ["ETHUSDT"], startMs: START, seed: 1 });
    let p = m.next();
    while (p.t < START + 3_600_000) p = m.next();
    expect(p.t).toBeGreaterThanOrEqual(START + 3_600_000);
    expect(m.firstT).toBe(START + 100);
  }, 30_000);

  it("uses the generic profile for other symbols and honours overrides", () => {
    expect(profileFor("PEPEUSDT")).toMatchObject({ tickSize: 0.001, sizeStep: 0.1 });
    expect(profileFor("ETHUSDT", { correlation: 0.2 })).toMatchObject({ correlation: 0.2, tickSize: 0.01 });
  });

  it.each([
    [{ symbols: ["btcusdt"] }, /symbol "btcusdt" is not of the form/],
    [{ symbols: ["BTCUSD"] }, /symbol "BTCUSD"/],
    [{ symbols: ["ETHUSDT", "ETHUSDT"] }, /ETHUSDT is listed twice/],
    [{ symbols: [] }, /symbols must not be empty/],
    [{ seed: 1.5 }, /seed must be a safe integer/],
    [{ minutes: 0 }, /minutes must be a positive number/],
    [{ profiles: { BTCUSDT: { correlation: 0 } } }, /profile BTCUSDT: correlation/],
    [{ profiles: { BTCUSDT: { tickSize: 100 } } }, /profile BTCUSDT: price must be at least 1000 ticks/],
  ])("refuses %j", (bad, message) => {
    expect(() => generate({ symbols: MAJORS, startMs: START, seed: 7, minutes: 1, ...bad })).toThrow(message);
  });
});
