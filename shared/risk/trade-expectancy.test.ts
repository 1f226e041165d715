import { describe, expect, it } from "vitest";
import { meanInterval } from "./mean-interval";
import { expectancyBySymbolAndMode, type LedgerTradeOutcome } from "./trade-expectancy";

const row = (symbol: string, mode: string, netPnl: number, exitTime: number): LedgerTradeOutcome => ({
  symbol,
  mode,
  entryPrice: 100,
  size: 2,
  netPnl,
  exitTime,
});

describe("expectancyBySymbolAndMode", () => {
  it("keeps paper and live apart and measures each symbol's last `window` trades in bps of notional", () => {
    const rows = [
      row("ETHUSDT", "live", -0.4, 5),
      row("BTCUSDT", "paper", 1, 1),
      row("BTCUSDT", "live", -0.2, 2),
      row("BTCUSDT", "paper", 0.2, 4),
      row("BTCUSDT", "paper", -0.6, 3),
      row("BTCUSDT", "paper", 0.4, 6),
    ];
    const out = expectancyBySymbolAndMode(rows, 3, 0.9);
    expect(out.map((e) => [e.symbol, e.mode, e.expectancyBps.n, e.lastExit])).toEqual([
      ["BTCUSDT", "live", 1, 2],
      ["BTCUSDT", "paper", 3, 6],
      ["ETHUSDT", "live", 1, 5],
    ]);
    // The last three paper BTC trades by exit time: −0.6, 0.2, 0.4 on 200 USDT = −30, 10, 20 bps.
    expect(out[1].expectancyBps).toEqual(meanInterval([-30, 10, 20], 0.9));
    expect(out[1].meanNetPnl).toBeCloseTo(0, 12);
    expect(out[0].expectancyBps.mean).toBeCloseTo(-10, 12);
  });

  it("skips rows without notional or with a non-finite PnL", () => {
    expect(
      expectancyBySymbolAndMode(
        [{ ...row("BTCUSDT", "paper", 1, 1), size: 0 }, row("BTCUSDT", "paper", Number.NaN, 2)],
        10,
        0.95,
      ),
    ).toEqual([]);
  });
});
