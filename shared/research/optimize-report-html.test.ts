import { describe, expect, it } from "vitest";
import type { WindowMetrics } from "./objectives";
import { renderOptimizeReport } from "./optimize-report-html";
import { summariseFolds, windowReport, type FoldReport, type OptimizeReport } from "./walk-forward-result";

const T = Date.UTC(2024, 0, 1);

function m(from: number, netPnl: number, trades: number): WindowMetrics {
  return {
    from,
    to: from + 60_000,
    capital: 1000,
    trades,
    wins: 1,
    losses: trades - 1,
    winPnl: 5,
    lossPnl: netPnl - 5,
    netPnl,
    fees: 1,
    maxDrawdown: 0.0123,
    maxDrawdownAbs: 12.3,
    sharpeDaily: null,
  };
}

function doc(): OptimizeReport {
  const fold = (i: number, train: number, test: number, testTrades: number): FoldReport => ({
    index: i,
    params: { "gates.minScore": 60 + i, note: "<b>" },
    configVersion: `v-${i}`,
    trials: [],
    train: windowReport("netPnl", m(T + i * 60_000, train, 12), 10),
    test: windowReport("netPnl", m(T + (i + 1) * 60_000, test, testTrades), 10),
  });
  const folds = [fold(0, 42.5, -3.25, 11), fold(1, 17, 8.5, 2)];
  return {
    objective: "netPnl",
    sampler: "tpe",
    seed: 1,
    mode: "rolling",
    minTrades: 10,
    capital: 1000,
    data: ["x"],
    span: { from: T, to: T + 180_000 },
    space: ["gates.minScore"],
    folds,
    ...summariseFolds("netPnl", 10, folds),
    trials: 16,
    workers: 2,
    elapsedMs: null,
  };
}

describe("renderOptimizeReport", () => {
  const html = renderOptimizeReport(doc());

  it("puts each fold's in-sample and out-of-sample objective in the same row", () => {
    const fold0 = html.slice(html.indexOf("fold 0</th>"), html.indexOf("fold 1</th>"));
    expect(fold0).toContain("42.5000");
    expect(fold0).toContain("-3.2500");
    expect(fold0.indexOf("42.5000")).toBeLessThan(fold0.indexOf("-3.2500"));
  });

  it("adds a totals row with the pooled figures", () => {
    const total = html.slice(html.indexOf("total</th>"));
    expect(total).toContain("59.5000");
    expect(total).toContain("5.2500");
  });

  it("marks penalised windows and escapes parameter text", () => {
    expect(html).toContain('title="too few trades: penalised"');
    expect(html).not.toContain("<b>");
    expect(html).toContain("&lt;b&gt;");
  });

  it("is a standalone page with the notice and no scripts", () => {
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toContain("<script");
    expect(html).toContain("never evidence of profitability");
  });
});
