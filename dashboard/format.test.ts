import { describe, expect, it } from "vitest";
import { accountText, age, duration, MISSING, num, pct, price, signedMoney, tone, utcClock, utcTime } from "./format";

describe("number formats", () => {
  it("groups thousands and fixes the decimals", () => {
    expect(num(1234.5)).toBe("1,234.50");
    expect(num(0.123456, 4)).toBe("0.1235");
  });

  it("signs money with a true minus sign and never signs a zero", () => {
    expect(signedMoney(12.3)).toBe("+12.30");
    expect(signedMoney(-4.1)).toBe("−4.10");
    expect(signedMoney(-0.001)).toBe("0.00");
  });

  it("shows a fraction as a percentage", () => {
    expect(pct(0.0123)).toBe("1.23 %");
  });

  it("gives small prices more decimals than large ones", () => {
    expect(price(41988.3)).toBe("41,988.30");
    expect(price(0.08991)).toBe("0.089910");
    expect(price(2298.385)).toBe("2,298.39");
  });

  it("prints a dash, not NaN or null, for missing values", () => {
    for (const f of [num, signedMoney, pct, price, duration, utcTime, utcClock, age]) {
      expect(f(null)).toBe(MISSING);
      expect(f(Number.NaN)).toBe(MISSING);
    }
  });
});

describe("the exchange account line", () => {
  it("names the trading mode, the account system, hold mode, margin mode and leverage", () => {
    const uta = { accountMode: "uta", trading: "live", holdMode: "one_way_mode", marginMode: "crossed", leverage: 50 };
    expect(accountText(uta)).toBe("live · UTA account · one-way · crossed · 50×");
    expect(
      accountText({ ...uta, accountMode: "classic", trading: "demo", holdMode: "hedge_mode", leverage: null }),
    ).toBe(`demo · Classic account · hedge · crossed · leverage ${MISSING}`);
  });
});

describe("time formats", () => {
  it("reads durations in seconds, minutes and hours", () => {
    expect(duration(42.4)).toBe("42 s");
    expect(duration(185)).toBe("3 m 05 s");
    expect(duration(3720)).toBe("1 h 02 m");
  });

  it("prints epoch milliseconds in UTC", () => {
    expect(utcTime(Date.UTC(2026, 10, 26, 9, 5, 7))).toBe("2026-11-26 09:05:07");
    expect(utcClock(Date.UTC(2026, 10, 26, 9, 5, 7))).toBe("09:05:07");
  });

  it("reads ages in ms, seconds and minutes", () => {
    expect(age(120)).toBe("120 ms");
    expect(age(4200)).toBe("4.2 s");
    expect(age(180_000)).toBe("3 m");
  });
});

describe("tone", () => {
  it("names the sign of a value for colouring", () => {
    expect([tone(1), tone(-1), tone(0), tone(null)]).toEqual(["positive", "negative", "zero", "zero"]);
  });
});
