import { describe, expect, it } from "vitest";
import { Portfolio } from "../risk/portfolio";
import { PortfolioConfig } from "../config/schema";
import { SizingEquity, sizingEquityOf } from "./sizing-equity";

const config = PortfolioConfig.parse({});

/** A portfolio holding BTCUSDT long 1 @ 100 (entry fee 0.06) marked at `mark`. */
function holding(mark: number): Portfolio {
  const p = new Portfolio(config, { startEquity: 10_000, now: 0 });
  const r = p.requestEntry({ symbol: "BTCUSDT", side: "long", notional: 100, ts: 1 });
  if (!r.ok) throw new Error(r.detail);
  p.confirmOpen(r.reservationId, { side: "long", entryPrice: 100, size: 1, entryFee: 0.06, ts: 2 });
  p.markPrice("BTCUSDT", mark, 3);
  return p;
}

describe("sizing equity", () => {
  it("is the realised equity plus the other symbols' unrealised PnL, never the symbol's own", () => {
    const view = holding(103).equityView();
    expect(sizingEquityOf(view, "BTCUSDT")).toBe(10_000);
    expect(sizingEquityOf(view, "ETHUSDT")).toBeCloseTo(10_000 + 3 - 0.06, 9);
  });

  it("does not count a trade twice when the view was taken while the agent's own position was open", () => {
    const p = holding(99);
    const e = new SizingEquity("BTCUSDT", 0);
    expect(e.apply(p.equityView(), e.ask(), false)).toBe(true);
    // The trade closes at 99 with an exit fee: the agent adds it at once, the portfolio hears it later.
    e.onClose(-1.12);
    p.closePosition("BTCUSDT", { netPnl: -1.12, exitReason: "stop_loss", ts: 4 });
    expect(e.now()).toBeCloseTo(p.equity, 9);
    expect(e.now()).toBeCloseTo(10_000 - 1.12, 9);
  });

  it("ignores a view that cannot hold the agent's latest close yet", () => {
    const e = new SizingEquity("BTCUSDT", 10_000);
    const stale = { realisedEquity: 10_000, openPositions: [] };
    const token = e.ask();
    e.onClose(5);
    expect(e.apply(stale, token, false)).toBe(false);
    expect(e.apply(stale, e.ask(), true)).toBe(false);
    expect(e.now()).toBe(10_005);
    expect(e.apply({ realisedEquity: 10_005, openPositions: [] }, e.ask(), false)).toBe(true);
  });
});
