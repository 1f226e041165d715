import { describe, expect, it } from "vitest";
import { horizonLabel, parseHorizons } from "./horizons";

describe("parseHorizons", () => {
  it("reads seconds, minutes and hours, sorted and without repeats", () => {
    expect(parseHorizons("10m,5s,2m,30s,120s")).toEqual({ ok: true, seconds: [5, 30, 120, 600] });
    expect(parseHorizons("1h")).toEqual({ ok: true, seconds: [3600] });
  });

  it("names the bad item: no unit, an unknown unit, zero, a fraction, beyond a day", () => {
    for (const [text, bad] of [
      ["30", "30"],
      ["5s,5x", "5x"],
      ["0s", "0s"],
      ["1.5m", "1.5m"],
      ["25h", "25h"],
      ["", ""],
    ]) {
      const r = parseHorizons(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toContain(JSON.stringify(bad));
    }
  });
});

describe("horizonLabel", () => {
  it("writes the largest unit that divides the horizon", () => {
    expect([5, 30, 90, 120, 600, 3600, 5400].map(horizonLabel)).toEqual(["5s", "30s", "90s", "2m", "10m", "1h", "90m"]);
  });
});
