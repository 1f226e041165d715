import { describe, expect, it } from "vitest";
import { RateLimiter } from "./rate-limiter";
import { fakeClock } from "./testing/fake-rest";

describe("RateLimiter", () => {
  it("lets 20 calls through at once and delays the 21st call in a second for a 20/s endpoint", async () => {
    const time = fakeClock(1_000);
    const limiter = new RateLimiter(time);
    for (let i = 0; i < 20; i++) await limiter.acquire("/api/v2/mix/market/ticker", 20);
    expect(time.state.sleeps).toEqual([]);
    await limiter.acquire("/api/v2/mix/market/ticker", 20);
    expect(time.state.sleeps).toEqual([1000]);
    expect(time.state.t).toBe(2_000);
  });

  it("never admits more than the limit in any sliding window", () => {
    const time = fakeClock(0);
    const limiter = new RateLimiter(time);
    const starts: number[] = [];
    for (let i = 0; i < 50; i++) {
      time.state.t += 37;
      starts.push(time.state.t + limiter.reserve("k", 5));
    }
    for (let i = 5; i < starts.length; i++) expect(starts[i] - starts[i - 5]).toBeGreaterThanOrEqual(1000);
  });

  it("keeps endpoints independent of each other", async () => {
    const time = fakeClock(0);
    const limiter = new RateLimiter(time);
    await limiter.acquire("a", 1);
    await limiter.acquire("b", 1);
    expect(time.state.sleeps).toEqual([]);
    await limiter.acquire("a", 1);
    expect(time.state.sleeps).toEqual([1000]);
  });

  it("queues concurrent callers in call order", () => {
    const time = fakeClock(0);
    const limiter = new RateLimiter(time);
    const waits = [0, 1, 2, 3, 4].map(() => limiter.reserve("k", 2));
    expect(waits).toEqual([0, 0, 1000, 1000, 2000]);
  });

  it("holds an endpoint after a pause until the given time", async () => {
    const time = fakeClock(500);
    const limiter = new RateLimiter(time);
    limiter.pause("k", 1_700);
    await limiter.acquire("k", 10);
    expect(time.state.sleeps).toEqual([1200]);
    expect(limiter.reserve("other", 10)).toBe(0);
  });

  it("refuses a limit below one call per window", () => {
    const limiter = new RateLimiter(fakeClock(0));
    expect(() => limiter.reserve("k", 0)).toThrow(RangeError);
  });
});
