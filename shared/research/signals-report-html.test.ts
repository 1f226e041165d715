import { describe, expect, it } from "vitest";
import { signalsReport } from "./signals-report";
import { renderSignalsReport } from "./signals-report-html";
import { SIGNALS, type SignalSeries } from "./signals-sampler";

function series(source: string): SignalSeries {
  const n = 200;
  const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 5));
  return {
    source,
    symbol: "BTCUSDT",
    usesMid: false,
    firstSecond: 0,
    prices: Float64Array.from({ length: n + 30 }, (_, i) => 100 + Math.sin(i / 5 + 1)),
    at: Int32Array.from({ length: n }, (_, i) => i),
    values: Object.fromEntries(
      SIGNALS.map((s) => [s, s === "long" ? x.map((v) => 50 + 40 * v) : x]),
    ) as SignalSeries["values"],
    gates: { gates: { score: { pass: 3, fail: n - 3, unknown: 0, off: 0 } }, allPass: 0, samples: n },
  };
}

describe("renderSignalsReport", () => {
  it("draws a standalone page with every section, one IC chart per signal, and escapes names", () => {
    const doc = signalsReport([series('<script>alert("x")</script>')], {
      horizons: [5, 30],
      replicates: 20,
      seed: 1,
      level: 0.95,
      minBlockSeconds: 10,
      fees: { makerPct: 0.02, takerPct: 0.06 },
      breakdown: true,
    });
    const html = renderSignalsReport({ ...doc, data: ["a<b>.jsonl.gz"], configVersion: "v-test" });
    expect(html).toMatch(/^<!doctype html>/);
    for (const id of ["ic", "quintiles", "moves", "scores", "gates", "series"]) expect(html).toContain(`id="${id}"`);
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;");
    expect(html).toContain("a&lt;b&gt;.jsonl.gz");
    expect(html.match(/<figure>/g)).toHaveLength(SIGNALS.length);
    expect(html).not.toMatch(/NaN|undefined/);
  });
});
