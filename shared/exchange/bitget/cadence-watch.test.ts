import { describe, expect, it } from "vitest";
import { CadenceWatch, CHAIN_TRUST } from "./cadence-watch";
import { seeded } from "./testing/fake-socket";

const NOW = 1_700_000_000_000;

/** Exchange stamps of a train of pushes, with `seq`/`pseq` when given. */
type Push = number | { ts: number; seq: bigint; pseq: bigint | null };
const train = (pushes: Push[], watch = new CadenceWatch()) =>
  pushes.reduce<number>((n, p) => n + (typeof p === "number" ? watch.pushed(p) : watch.pushed(p.ts, p.seq, p.pseq)), 0);
const grid = (n: number, step = 100) => Array.from({ length: n }, (_, i) => NOW + i * step);
/** A v3-style train: `seq` +1 a push, `pseq` the previous push's `seq`. */
const chained = (times: number[]) => times.map((ts, i) => ({ ts, seq: BigInt(1000 + i), pseq: BigInt(999 + i) }));

describe("CadenceWatch", () => {
  it("counts each push missing from the exchange's cadence", () => {
    const times = grid(200).filter((_, i) => i !== 50 && i !== 120 && i !== 121);
    expect(train(times)).toBe(3);
  });

  it("counts nothing for a stamp that came late or a catch-up burst stamped together", () => {
    const late = grid(200).map((t, i) => (i === 50 ? t + 85 : t));
    expect(train(late)).toBe(0);
    const burst = grid(200).map((t, i) => (i >= 60 && i < 66 ? NOW + 66 * 100 + (i - 60) : t));
    expect(train(burst)).toBe(0);
  });

  it("counts nothing for a book stamped by its last change, quiet for a while, then stamped afresh", () => {
    // ts: …, 4900, 4900, 4900, 5200, 5300, …: four pushes arrived in the 300 ms the stamp stood still.
    const times = grid(200).map((t, i) => (i >= 50 && i <= 51 ? NOW + 49 * 100 : t));
    expect(train(times)).toBe(0);
  });

  it("counts nothing when the first push follows the subscribe snapshot closely, then the stamps jitter", () => {
    const random = seeded(7);
    const times = [NOW, NOW + 15, ...grid(600).map((t) => t + 115 + Math.floor(random() * 30))];
    expect(train(times)).toBe(0);
  });

  it("counts 80–100 % when 5 % of the pushes are removed at random, and nothing for an outage", () => {
    const random = seeded(3);
    const all = grid(4000);
    const kept = all.filter(() => random() >= 0.05);
    const removed = all.length - kept.length;
    const counted = train(kept);
    expect(counted).toBeGreaterThanOrEqual(0.8 * removed);
    expect(counted).toBeLessThanOrEqual(removed);
    expect(train([...grid(50), ...grid(50).map((t) => t + 60_000)])).toBe(0);
  });

  it("ignores a stamp that does not advance from a repeated or reordered push", () => {
    const times = grid(100);
    expect(train([...times.slice(0, 50), times[48], ...times.slice(50)])).toBe(0);
  });

  it("counts a pseq break on a chained channel even when the stamps show no gap, and trusts the chain over jitter", () => {
    const pushes = chained(grid(100));
    // Push 60 is missing; 59 was stamped 40 ms late and 61 40 ms early, so the stamps show only jitter.
    const gapped = [
      ...pushes.slice(0, 59),
      { ...pushes[59], ts: pushes[59].ts + 40 },
      { ...pushes[61], ts: pushes[61].ts - 40 },
      ...pushes.slice(62),
    ];
    expect(train(gapped)).toBe(1);
    // Complete, but stamped 0 or 90 ms late at random: the chain shows nothing missing.
    const random = seeded(5);
    expect(train(pushes.map((p) => ({ ...p, ts: p.ts + (random() < 0.5 ? 0 : 90) })))).toBe(0);
  });

  it("reads pseq only once the channel has chained CHAIN_TRUST pushes in a row", () => {
    // A channel whose pseq names something else than the previous push (V2 books15's seq counts every
    // book change): every push would read as a break; the stamps alone decide.
    const unchained = grid(100).map((ts, i) => ({ ts, seq: BigInt(1000 + 7 * i), pseq: BigInt(1000 + 7 * i - 3) }));
    expect(train(unchained)).toBe(0);
    const early = chained(grid(CHAIN_TRUST + 5));
    const broken = [
      ...early.slice(0, CHAIN_TRUST - 2),
      { ...early[CHAIN_TRUST - 1], ts: early[CHAIN_TRUST - 2].ts + 1 },
    ];
    expect(train(broken)).toBe(0);
  });
});
