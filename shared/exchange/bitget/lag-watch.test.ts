import { describe, expect, it } from "vitest";
import { ALLOWED_SKEW_MS, LagWatch, STEP_SETTLE_MS } from "./lag-watch";

const TS = 1_700_000_000_000;

describe("LagWatch", () => {
  it("reads the newest push's delay above the connection's best, whatever the clocks' offset", () => {
    const w = new LagWatch();
    expect(w.lagMs).toBeNull();
    // The local clock runs 1 270 ms behind the exchange (as the DEV recordings' collector did).
    w.pushed(TS, TS - 1270 + 30);
    w.pushed(TS + 100, TS + 100 - 1270 + 20);
    w.pushed(TS + 200, TS + 200 - 1270 + 45);
    expect(w.lagMs).toBe(25);
    // A replay of a two-year-old recording: a huge offset, still no lag.
    const replay = new LagWatch();
    replay.pushed(TS - 63_000_000_000, TS);
    replay.pushed(TS - 63_000_000_000 + 100, TS + 101);
    expect(replay.lagMs).toBe(1);
  });

  it("sees a backlog build up, and forgets it with the connection", () => {
    const w = new LagWatch();
    for (let i = 0; i < 50; i++) w.pushed(TS + i * 100, TS + i * 100 + 20 + i * 60);
    expect(w.lagMs).toBe(49 * 60);
    w.reset();
    expect(w.lagMs).toBeNull();
  });

  it("reads only pushes that advance the exchange's clock", () => {
    const w = new LagWatch();
    w.pushed(TS, TS + 20);
    w.pushed(TS + 100, TS + 120);
    w.pushed(TS + 50, TS + 3000);
    expect(w.lagMs).toBe(0);
  });

  it("reads a feed late from its very first push against the local clock, beyond the skew it allows", () => {
    // Clocks in step, every push 4.5 s late: the best delay of the connection is itself late.
    const late = new LagWatch();
    for (let i = 0; i < 20; i++) late.pushed(TS + i * 100, TS + i * 100 + 4500);
    expect(late.lagMs).toBe(4500 - ALLOWED_SKEW_MS);
    // A local clock 1.5 s ahead (the recordings' collectors ran 1.27–1.52 s behind) and pushes on time: no lag.
    const ahead = new LagWatch();
    for (let i = 0; i < 20; i++) ahead.pushed(TS + i * 100, TS + i * 100 + 1500 + 30);
    expect(ahead.lagMs).toBe(0);
  });

  it("takes a local clock step as a new baseline once the train holds it for STEP_SETTLE_MS, so lagging ends without a reconnect", () => {
    const w = new LagWatch();
    // The local clock runs 1.27 s behind the exchange (as the DEV recordings' collector did)…
    const at = (i: number) => TS + i * 100 - 1270 + 20 + (i % 3) * 15 + (i >= 50 ? 3000 : 0);
    for (let i = 0; i < 50; i++) w.pushed(TS + i * 100, at(i));
    expect(w.lagMs).toBeLessThan(50);
    // …and steps 3 s forward before push 50 (NTP): every push after it reads 3 s late…
    w.pushed(TS + 50 * 100, at(50));
    expect(w.lagMs).toBeGreaterThanOrEqual(3000);
    const settle = STEP_SETTLE_MS / 100;
    for (let i = 51; i < 50 + settle; i++) w.pushed(TS + i * 100, at(i));
    expect(w.lagMs).toBeGreaterThanOrEqual(3000);
    // …until the shifted offset has held for STEP_SETTLE_MS of the exchange's time.
    for (let i = 50 + settle; i < 60 + settle; i++) w.pushed(TS + i * 100, at(i));
    expect(w.lagMs).toBeLessThan(50);
    // From clocks in step, the same step leaves the local clock 3 s ahead: 1 s beyond the skew it allows.
    const inStep = new LagWatch();
    for (let i = 0; i < 60 + settle; i++) inStep.pushed(TS + i * 100, at(i) + 1270);
    expect(inStep.lagMs).toBe(3000 + 20 + ((59 + settle) % 3) * 15 - ALLOWED_SKEW_MS);
  });

  it("keeps reading a backlog that drains, and one that keeps growing through stalls, as lag", () => {
    // The event loop blocked 3 s: the pushes of those 3 s arrive together, then the train is on time.
    const blocked = new LagWatch();
    for (let i = 0; i < 50; i++) blocked.pushed(TS + i * 100, TS + i * 100 + 20);
    for (let i = 50; i < 80; i++) blocked.pushed(TS + i * 100, TS + 8000 + 20);
    for (let i = 80; i < 200; i++) blocked.pushed(TS + i * 100, TS + i * 100 + 20);
    // A late backlog still reads after it: the baseline did not move.
    blocked.pushed(TS + 200 * 100, TS + 200 * 100 + 2520);
    expect(blocked.lagMs).toBe(2500);
    // A link falling behind: 1.2 s stalls and 100 ms more delay per second, for a minute.
    const growing = new LagWatch();
    let lag = 20;
    for (let i = 0; i < 600; i++) {
      if (i > 0) lag += i % 100 === 50 ? 1200 : 10;
      growing.pushed(TS + i * 100, TS + i * 100 + lag);
    }
    expect(growing.lagMs).toBe(lag - 20);
  });
});
