import { describe, expect, it } from "vitest";
import { dec, toNumber } from "./core-format";

describe("dec", () => {
  it("strips trailing zeros, rounds to the decimals and never writes -0", () => {
    expect(dec(1.5)).toBe("1.5");
    expect(dec(-0.000000001)).toBe("0");
    expect(dec(0.1 + 0.2)).toBe("0.3");
    expect(dec(20)).toBe("20");
    expect(dec(Number.NaN)).toBe("0");
  });
});

describe("toNumber", () => {
  it("reads numbers and numeric strings and refuses the rest", () => {
    expect([toNumber("0.001"), toNumber(5), toNumber(""), toNumber("x"), toNumber(null)]).toEqual([
      0.001,
      5,
      null,
      null,
      null,
    ]);
  });
});
