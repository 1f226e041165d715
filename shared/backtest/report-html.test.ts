import { describe, expect, it } from "vitest";
import { FAMILIES, type ClosedTrade, type SubScores } from "../strategy/types";
import { METRIC_FORMULAS } from "./formulas";
import { computeMetrics, daily, type EquityPoint } from "./metrics";
import { downsample, renderReport, type PriceSeries, type ReportInput } from "./report-html";

const D1 = Date.UTC(2024, 0, 1);
const H = 3_600_000;
const SCORES = Object.fromEntries(FAMILIES.map((f, i) => [f, (i - 4) / 5])) as SubScores;
const EVIL = "<script>alert(1)</script>";
const SECTIONS = ["summary", "equity", "drawdown", "prices", "daily", "trades", "exit-reasons", "config", "formulas"];

function trade(id: string, o: Partial<ClosedTrade>): ClosedTrade {
  return {
    id,
    symbol: "BTCUSDT",
    side: "long",
    entryTime: D1 + H,
    exitTime: D1 + 2 * H,
    entryPrice: 42000,
    exitPrice: 42100,
    size: 0.01,
    entryScore: 83.5,
    subScores: SCORES,
    exitReason: "take_profit",
    holdSeconds: 3600,
    grossPnl: 1,
    fees: 0.2,
    slippage: 0.05,
    netPnl: 0.8,
    configVersion: "cfg-abc",
    ...o,
  };
}

/** Minimal HTML text escaping, written independently of the code under test. */
const esc = (s: string): string =>
  s
    .split("&")
    .join("&amp;")
    .split("<")
    .join("&lt;")
    .split(">")
    .join("&gt;")
    .split('"')
    .join("&quot;")
    .split("'")
    .join("&#39;");

function input(o: Partial<ReportInput> = {}): ReportInput {
  const trades = [
    trade("t1", {}),
    trade("t2", {
      symbol: EVIL,
      side: "short",
      entryTime: D1 + 3 * H,
      exitTime: D1 + 4 * H,
      entryPrice: 10,
      exitPrice: 10.5,
      grossPnl: -0.5,
      netPnl: -0.7,
      exitReason: "stop_loss",
    }),
  ];
  const equityCurve: EquityPoint[] = [
    { ts: D1, equity: 1000 },
    { ts: D1 + 2 * H, equity: 1000.8 },
    { ts: D1 + 25 * H, equity: 1000.1 },
  ];
  const prices: PriceSeries[] = [
    {
      symbol: "BTCUSDT",
      points: [
        { ts: D1, price: 42000 },
        { ts: D1 + 3 * H, price: 42150 },
      ],
    },
    {
      symbol: EVIL,
      points: [
        { ts: D1, price: 10 },
        { ts: D1 + 5 * H, price: 10.6 },
      ],
    },
  ];
  const m = { trades, capital: 1000, equityCurve, unfilledEntries: 1, tradeOnly: false, events: 100, elapsedMs: 10 };
  return {
    summary: computeMetrics(m),
    daily: daily(m),
    trades,
    equityCurve,
    prices,
    config: { leverage: 50, note: "a<b & 'q'" },
    configVersion: "cfg-abc",
    title: "Backtest <BTC>",
    ...o,
  };
}

describe("renderReport", () => {
  const html = renderReport(input());

  it("is one standalone page with no script, link or remote reference", () => {
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html.trimEnd().endsWith("</html>")).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|https?:\/\/|url\(/i);
  });

  it("gives every section its id", () => {
    for (const id of SECTIONS) expect(html, id).toContain(`<section id="${id}">`);
  });

  it("prints the formula of every metric in the formulas section", () => {
    const formulas = html.slice(html.indexOf('<section id="formulas">'));
    for (const [k, f] of Object.entries(METRIC_FORMULAS)) {
      expect(formulas, k).toContain(`<dt>${esc(k)}</dt>`);
      expect(formulas, k).toContain(esc(f));
    }
  });

  it("warns that synthetic data is not evidence and that past results do not predict live ones", () => {
    expect(html).toMatch(/Synthetic data is never evidence of profitability/);
    expect(html).toMatch(/Past results on recordings do not predict live results/);
  });

  it("escapes a <script> in a symbol name, the title and the config", () => {
    expect(html).not.toContain("<script>");
    expect(html).toContain(esc(EVIL));
    expect(html).toContain("<title>Backtest &lt;BTC&gt;</title>");
    expect(html).toContain(esc(JSON.stringify(input().config, null, 2)));
  });

  it("lists every ClosedTrade field as a trades column, with compact sub-scores", () => {
    const table = html.slice(html.indexOf('<section id="trades">'), html.indexOf('<section id="exit-reasons">'));
    for (const k of Object.keys(trade("x", {}))) expect(table, k).toContain(`<th>${k}</th>`);
    expect(table).toContain("rsi−0.80 macd−0.60 bb−0.40 ema−0.20 vwap+0.00 of+0.20 pa+0.40 ls+0.60 tm+0.80");
    expect(table).toContain('<tr class="win">');
    expect(table).toContain('<tr class="loss">');
  });

  it("marks long entries with ▲, short entries with ▼ and exits with a dot, coloured by outcome", () => {
    const prices = html.slice(html.indexOf('<section id="prices">'), html.indexOf('<section id="daily">'));
    expect(prices.match(/<polygon class="win"/g)).toHaveLength(1);
    expect(prices.match(/<polygon class="loss"/g)).toHaveLength(1);
    expect(prices.match(/<circle class="win"/g)).toHaveLength(1);
    expect(prices.match(/<circle class="loss"/g)).toHaveLength(1);
    const long = /<polygon class="win" points="([\d.]+),([\d.]+) [\d.]+,([\d.]+)/.exec(prices);
    const short = /<polygon class="loss" points="([\d.]+),([\d.]+) [\d.]+,([\d.]+)/.exec(prices);
    expect(Number(long?.[2])).toBeLessThan(Number(long?.[3]));
    expect(Number(short?.[2])).toBeGreaterThan(Number(short?.[3]));
  });

  it("shows one daily row per UTC day and every exit reason", () => {
    const dailyTable = html.slice(html.indexOf('<section id="daily">'), html.indexOf('<section id="trades">'));
    expect(dailyTable).toContain("<td>2024-01-01</td>");
    expect(dailyTable).toContain("<td>2024-01-02</td>");
    const reasons = html.slice(html.indexOf('<section id="exit-reasons">'), html.indexOf('<section id="config">'));
    expect(reasons).toMatch(/stop_loss<\/th><td>1<\/td><td>50\.00 %<\/td>/);
    expect(reasons).toMatch(/reversal<\/th><td>0<\/td>/);
  });

  it("stays small on a long curve by drawing at most 2,000 points per line", () => {
    const curve: EquityPoint[] = Array.from({ length: 200_000 }, (_, i) => ({
      ts: D1 + i * 1000,
      equity: 1000 + Math.sin(i / 500) * 20 + (i % 7),
    }));
    const big = renderReport(
      input({
        equityCurve: curve,
        prices: [{ symbol: "BTCUSDT", points: curve.map((p) => ({ ts: p.ts, price: p.equity * 42 })) }],
      }),
    );
    expect(big.length).toBeLessThan(400_000);
    const equity = big.slice(big.indexOf('<section id="equity">'), big.indexOf('<section id="drawdown">'));
    expect((equity.match(/[ML]\d/g) ?? []).length).toBeLessThanOrEqual(2000);
  });

  it("renders a zero-trade, empty-curve run without NaN", () => {
    const m = {
      trades: [],
      capital: 1000,
      equityCurve: [],
      unfilledEntries: 0,
      tradeOnly: true,
      events: 0,
      elapsedMs: 0,
    };
    const empty = renderReport(
      input({ summary: computeMetrics(m), daily: daily(m), trades: [], equityCurve: [], prices: [] }),
    );
    expect(empty).not.toMatch(/NaN|Infinity/);
    for (const id of SECTIONS) expect(empty, id).toContain(`<section id="${id}">`);
  });
});

describe("downsample", () => {
  const values = Array.from({ length: 10_007 }, (_, i) => ({ ts: i, v: Math.sin(i * 0.37) * (1 + (i % 13)) }));
  values[4321].v = 1e6;
  values[8765].v = -1e6;

  it("keeps the global minimum and maximum, the first and the last point, in order and within the budget", () => {
    const out = downsample(values, (p) => p.v, 100);
    expect(out.length).toBeLessThanOrEqual(100);
    expect(out).toContain(values[4321]);
    expect(out).toContain(values[8765]);
    expect(out[0]).toBe(values[0]);
    expect(out[out.length - 1]).toBe(values[values.length - 1]);
    expect(out.every((p, i) => i === 0 || p.ts > out[i - 1].ts)).toBe(true);
  });

  it("returns a copy of a series already within the budget", () => {
    const short = values.slice(0, 50);
    const out = downsample(short, (p) => p.v, 100);
    expect(out).toEqual(short);
    expect(out).not.toBe(short);
  });

  it("rejects a budget below four points", () => {
    expect(() => downsample(values, (p) => p.v, 3)).toThrow(RangeError);
  });
});
