import { describe, expect, it } from "vitest";
import { Backoff } from "./backoff";
import { mulberry32 } from "../../research/prng";

const CEILINGS = [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000];

describe("Backoff", () => {
  it("keeps each delay between half and all of a doubling ceiling capped at maxMs", () => {
    const b = new Backoff({ initialMs: 500, maxMs: 30000, random: mulberry32(1) });
    for (const c of CEILINGS) {
      const d = b.next();
      expect(d).toBeGreaterThanOrEqual(c / 2);
      expect(d).toBeLessThanOrEqual(c);
    }
    expect(b.attempts).toBe(CEILINGS.length);
  });

  it("never waits less than the previous ceiling while the ceiling doubles, so delays grow", () => {
    const b = new Backoff({ initialMs: 500, maxMs: 30000, random: mulberry32(7) });
    const delays = CEILINGS.slice(0, 6).map(() => b.next());
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]);
  });

  it("jitters: two seeds give different delays, the same seed the same ones", () => {
    const run = (seed: number) => {
      const b = new Backoff({ initialMs: 500, maxMs: 30000, random: mulberry32(seed) });
      return CEILINGS.map(() => b.next());
    };
    expect(run(3)).toEqual(run(3));
    expect(run(3)).not.toEqual(run(4));
  });

  it("spans the extremes of the jitter window", () => {
    expect(new Backoff({ initialMs: 800, maxMs: 1000, random: () => 0 }).next()).toBe(400);
    expect(new Backoff({ initialMs: 800, maxMs: 1000, random: () => 0.999999 }).next()).toBeCloseTo(800, 2);
  });

  it("starts over from the first ceiling after a reset", () => {
    const b = new Backoff({ initialMs: 500, maxMs: 30000, random: () => 1 - 1e-12 });
    for (let i = 0; i < 5; i++) b.next();
    expect(b.next()).toBeGreaterThan(8000);
    b.reset();
    expect(b.attempts).toBe(0);
    expect(b.next()).toBeLessThanOrEqual(500);
  });

  it.each([
    ["a non-positive initialMs", { initialMs: 0, maxMs: 10 }],
    ["a maxMs below initialMs", { initialMs: 10, maxMs: 5 }],
    ["a factor below 1", { initialMs: 10, maxMs: 50, factor: 0.5 }],
  ])("refuses %s", (_name, opts) => {
    expect(() => new Backoff({ ...opts, random: () => 0.5 })).toThrow(RangeError);
  });
});
