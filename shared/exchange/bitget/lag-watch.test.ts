import { describe, expect, it } from "vitest";
import { LagWatch } from "./lag-watch";

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
});
