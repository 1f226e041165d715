import { describe, expect, it } from "vitest";
import { configJsonSchema, configVersion, defaultConfig, parseConfig, parseWholeConfig, patchConfig } from "./config";

describe("bot config", () => {
  it("defaults to the plan's numbers, in paper mode", () => {
    const c = defaultConfig();
    expect(c.mode).toBe("paper");
    expect(c.indicators.rsiPeriods).toEqual([2, 5, 15, 30]);
    expect(c.indicators.macd).toEqual({ fast: 3, slow: 7, signal: 2 });
    expect(c.indicators.emaPairs).toEqual([
      [3, 7],
      [5, 15],
      [10, 30],
    ]);
    expect(c.weights).toEqual({
      rsi: 0.15,
      macd: 0.15,
      bollinger: 0.1,
      ema: 0.1,
      vwap: 0.1,
      orderFlow: 0.15,
      priceAction: 0.1,
      liquiditySweep: 0.05,
      tickMomentum: 0.1,
    });
    expect(c.gates).toMatchObject({
      minScore: 80,
      minAgreeing: 4,
      minVolumeRatio: 1.5,
      maxSpreadBps: 30,
      minExpectedMoveFeeMultiple: 5,
    });
    expect(c.exits).toEqual({
      takeProfitPct: 0.3,
      exitScoreBelow: 60,
      stopLossPct: 0.12,
      trailingPct: 0.1,
      maxHoldMs: 600_000,
      oppositeScoreAbove: 70,
      minHoldMs: 5_000,
      scaling: { mode: "fixed", horizonMs: 120_000, takeProfitSigma: 2, stopLossSigma: 1, trailingSigma: 1 },
    });
    expect(c.portfolio).toMatchObject({
      maxPositions: 10,
      dailyLossLimitPct: 15,
      maxBtcCorrelated: 3,
      correlationThreshold: 0.7,
    });
    expect(c.sizing).toMatchObject({ leverage: 50, maxLossPerTradePct: 6 });
    expect(c.fees).toEqual({ makerPct: 0.02, takerPct: 0.06 });
  });

  it("names every bad field by its path", () => {
    const r = parseConfig({
      gates: { minScore: 120, bogus: 1 },
      exits: { stopLossPct: -1 },
      mode: "yolo",
      indicators: { macd: { fast: 9, slow: 7 } },
    });
    expect(r.ok).toBe(false);
    const paths = !r.ok ? r.issues.map((i) => i.path).sort() : [];
    expect(paths).toEqual([
      "exits.stopLossPct",
      "gates.bogus",
      "gates.minScore",
      "indicators.macd.fast",
      "indicators.macd.slow",
      "mode",
    ]);
  });

  it("versions a config by its content", () => {
    const a = parseConfig({});
    const b = parseConfig({ gates: { minScore: 80 } });
    const c = parseConfig({ gates: { minScore: 81 } });
    expect(a.ok && b.ok && c.ok).toBe(true);
    if (!a.ok || !b.ok || !c.ok) return;
    expect(a.version).toMatch(/^v-[0-9a-f]{16}$/);
    expect(b.version).toBe(a.version);
    expect(c.version).not.toBe(a.version);
    expect(configVersion(JSON.parse(JSON.stringify(a.config)))).toBe(a.version);
  });

  it("patches a config deeply, replacing arrays whole, and leaves the base untouched", () => {
    const base = defaultConfig();
    const before = JSON.stringify(base);
    const r = patchConfig(base, { gates: { minScore: 85 }, indicators: { rsiPeriods: [3] } });
    expect(r.ok && r.config.gates.minScore).toBe(85);
    expect(r.ok && r.config.gates.minAgreeing).toBe(4);
    expect(r.ok && r.config.indicators.rsiPeriods).toEqual([3]);
    expect(JSON.stringify(base)).toBe(before);
  });

  it("refuses a patch that is not an object", () => {
    expect(patchConfig(defaultConfig(), [1])).toEqual({
      ok: false,
      issues: [{ path: "", message: "a config patch must be a JSON object" }],
    });
  });

  it("exports a JSON Schema of the input", () => {
    const s = configJsonSchema() as { properties: Record<string, unknown> };
    expect(Object.keys(s.properties)).toEqual(
      expect.arrayContaining(["mode", "gates", "exits", "weights", "portfolio"]),
    );
  });
});

describe("bot config rules that span fields", () => {
  const pathsOf = (input: unknown) => {
    const r = parseConfig(input);
    return r.ok ? [] : r.issues.map((i) => i.path).sort();
  };

  it("refuses a correlation window that cannot hold two returns, naming both fields", () => {
    expect(pathsOf({ portfolio: { correlationWindowMs: 5000, correlationReturnMs: 5000 } })).toEqual([
      "portfolio.correlationReturnMs",
      "portfolio.correlationWindowMs",
    ]);
  });

  it("refuses a correlation window of more return slots than a symbol may hold", () => {
    expect(pathsOf({ portfolio: { correlationWindowMs: 86_400_000, correlationReturnMs: 1 } })).toEqual([
      "portfolio.correlationReturnMs",
      "portfolio.correlationWindowMs",
    ]);
  });

  it("refuses rolling windows that are not whole seconds", () => {
    expect(pathsOf({ indicators: { vwapWindowsMs: [1500] } })).toEqual(["indicators.vwapWindowsMs.0"]);
    expect(pathsOf({ indicators: { orderFlowWindowsMs: [10_000, 2500] } })).toEqual([
      "indicators.orderFlowWindowsMs.1",
    ]);
    expect(pathsOf({ indicators: { tickRateWindowMs: 1500 } })).toEqual(["indicators.tickRateWindowMs"]);
  });

  it("refuses a MACD or trend EMA whose fast period is not below its slow one, and a one-bar MACD EMA", () => {
    expect(pathsOf({ indicators: { macd: { fast: 9, slow: 7 } } })).toEqual([
      "indicators.macd.fast",
      "indicators.macd.slow",
    ]);
    expect(pathsOf({ indicators: { macd: { fast: 1 } } })).toEqual(["indicators.macd.fast"]);
    expect(pathsOf({ indicators: { trendEmaFast: 21, trendEmaSlow: 21 } })).toEqual([
      "indicators.trendEmaFast",
      "indicators.trendEmaSlow",
    ]);
  });

  it("refuses learning bounds that cross", () => {
    expect(pathsOf({ learning: { minWeight: 0.5, maxWeight: 0.4 } })).toEqual([
      "learning.maxWeight",
      "learning.minWeight",
    ]);
  });
});

describe("bot config upper bounds", () => {
  it.each([
    ["exits.maxHoldMs", { exits: { maxHoldMs: 86_400_001 } }],
    ["exits.minHoldMs", { exits: { minHoldMs: 86_400_001 } }],
    ["indicators.maxGapMs", { indicators: { maxGapMs: 1e12 } }],
    ["indicators.vwapWindowsMs.0", { indicators: { vwapWindowsMs: [86_401_000] } }],
    ["indicators.emaPairs.0.1", { indicators: { emaPairs: [[2, 1e9]] } }],
    ["execution.entryTimeoutMs", { execution: { entryTimeoutMs: 1e10 } }],
    ["execution.tradeOnlySpreadBps", { execution: { tradeOnlySpreadBps: 1e6 } }],
    ["gates.maxSpreadBps", { gates: { maxSpreadBps: 1e6 } }],
    ["gates.minVolumeRatio", { gates: { minVolumeRatio: 1e6 } }],
    ["gates.confirmation.timeframes", { gates: { confirmation: { timeframes: Array(11).fill("1m") } } }],
    ["portfolio.cooldownMs", { portfolio: { cooldownMs: 1e10 } }],
    ["portfolio.cooldownAfterStopLosses", { portfolio: { cooldownAfterStopLosses: 1e6 } }],
    ["portfolio.btcSymbol", { portfolio: { btcSymbol: "B".repeat(31) } }],
    ["learning.everyTrades", { learning: { everyTrades: 1e7 } }],
  ])("refuses %s beyond its bound", (path, input) => {
    const r = parseConfig(input);
    expect(r.ok ? [] : r.issues.map((i) => i.path)).toEqual([path]);
  });
});

describe("every number of the config", () => {
  it("has an upper bound (a time, size or count without one can exhaust memory or overflow a clock)", () => {
    const unbounded: string[] = [];
    const walk = (node: Record<string, unknown>, path: string): void => {
      if (node.type === "number" || node.type === "integer") {
        const max = (node.maximum ?? node.exclusiveMaximum) as number | undefined;
        if (max === undefined || max > 1e9) unbounded.push(path);
      }
      for (const [k, child] of Object.entries((node.properties ?? {}) as Record<string, Record<string, unknown>>))
        walk(child, path ? `${path}.${k}` : k);
      if (node.items && typeof node.items === "object") walk(node.items as Record<string, unknown>, `${path}[]`);
      for (const [i, child] of ((node.prefixItems ?? []) as Record<string, unknown>[]).entries())
        walk(child, `${path}[${i}]`);
    };
    walk(configJsonSchema(), "");
    expect(unbounded).toEqual([]);
  });
});

describe("parseWholeConfig", () => {
  it("accepts a whole config", () => {
    expect(parseWholeConfig(defaultConfig())).toEqual(parseConfig(defaultConfig()));
  });

  it("refuses an empty object instead of resetting every setting to its default", () => {
    const r = parseWholeConfig({});
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.issues.map((i) => i.path)).toEqual(Object.keys(defaultConfig()));
  });

  it("names each missing nested field", () => {
    const { minScore: _, ...gates } = defaultConfig().gates;
    const r = parseWholeConfig({ ...defaultConfig(), gates });
    expect(r.ok ? [] : r.issues.map((i) => i.path)).toEqual(["gates.minScore"]);
  });
});
