import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BollingerBands } from "../../shared/indicators/bollinger-bands";
import { Ema } from "../../shared/indicators/ema";
import { Macd } from "../../shared/indicators/macd";
import { Rsi } from "../../shared/indicators/rsi";
import { Sma } from "../../shared/indicators/sma";

const repoRoot = path.resolve(import.meta.dirname, "../..");
const dataDir = path.resolve(repoRoot, "../shared/data/indicators");
const exists = existsSync(dataDir);
if (!exists) console.warn("skipping reference-vector tests: ../shared/data/indicators not found");

/** One block of Tulip Indicators' untest.txt: `name opts…`, then one `{…}` line per series. */
interface TulipCase {
  readonly name: string;
  readonly options: number[];
  readonly series: number[][];
}

function parseSeries(line: string): number[] {
  const body = line.trim().slice(1, -1).trim();
  return body === "" ? [] : body.split(",").map(Number);
}

function parseUntest(text: string): TulipCase[] {
  const lines = text.split(/\r?\n/).filter((l) => !l.startsWith("#"));
  const blocks = lines
    .join("\n")
    .split(/\n\s*\n/)
    .map((b) => b.trim())
    .filter((b) => b !== "");
  return blocks.map((block) => {
    const [header, ...rest] = block.split("\n");
    const [name, ...options] = header.trim().split(/\s+/);
    return { name, options: options.map(Number), series: rest.map(parseSeries) };
  });
}

function tulip(name: string, options: number[]): TulipCase {
  const cases = parseUntest(readFileSync(path.join(dataDir, "tulipindicators/untest.txt"), "utf8"));
  const found = cases.find((c) => c.name === name && c.options.join(" ") === options.join(" "));
  if (!found) throw new Error(`untest.txt has no block "${name} ${options.join(" ")}"`);
  return found;
}

/** A StockCharts CSV as rows of column name -> number (NaN where the cell is empty). */
function stockcharts(file: string): Record<string, number>[] {
  const [header, ...rows] = readFileSync(path.join(dataDir, "stockcharts_via_bukosabino_ta", file), "utf8")
    .trim()
    .split(/\r?\n/)
    .map((l) => l.split(","));
  return rows.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i] === "" ? NaN : Number(cells[i])])));
}

function expectClose(actual: readonly number[], expected: readonly number[], tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThanOrEqual(tolerance));
}

describe.skipIf(!exists)("standard indicators against published reference vectors", () => {
  describe("Tulip Indicators untest.txt (outputs rounded to 3 decimals)", () => {
    it("parses the untest.txt blocks into inputs and outputs", () => {
      const sma = tulip("sma", [5]);
      expect(sma.series).toHaveLength(2);
      expect(sma.series[0]).toHaveLength(15);
      expect(tulip("ao", []).series[2]).toEqual([]);
    });

    it("matches Tulip rsi 5 (Wilder, equal to TA-Lib RSI(5)) within 0.0005, with the same alignment", () => {
      const [closes, expected] = tulip("rsi", [5]).series;
      const rsi = new Rsi(5);
      const ours = closes.map((x) => rsi.add(x)).filter((v) => v !== null);
      expect(expected).toHaveLength(10);
      expectClose(ours, expected, 0.0005);
    });

    it("matches Tulip sma 5 within 0.0005", () => {
      const [closes, expected] = tulip("sma", [5]).series;
      const sma = new Sma(5);
      const ours = closes.map((x) => sma.add(x)).filter((v) => v !== null);
      expectClose(ours, expected, 0.0005);
    });

    it("matches Tulip bbands 5 2 (population σ) within 0.0005 on lower, middle and upper", () => {
      const [closes, lower, middle, upper] = tulip("bbands", [5, 2]).series;
      const bb = new BollingerBands(5, 2, 5);
      const ours = closes.map((x) => bb.add(x)).filter((r) => r !== null);
      expectClose(
        ours.map((r) => r.lower),
        lower,
        0.0005,
      );
      expectClose(
        ours.map((r) => r.middle),
        middle,
        0.0005,
      );
      expectClose(
        ours.map((r) => r.upper),
        upper,
        0.0005,
      );
    });
  });

  describe("StockCharts ChartSchool, via bukosabino/ta", () => {
    it("matches cs-bbands.csv BB(20,2) middle, upper and lower within 1e-6 wherever published", () => {
      const rows = stockcharts("cs-bbands.csv");
      const bb = new BollingerBands(20, 2, 20);
      let compared = 0;
      rows.forEach((row) => {
        const r = bb.add(row.Close);
        if (Number.isNaN(row.MiddleBand)) return expect(r).toBeNull();
        expect(Math.abs(r!.middle - row.MiddleBand)).toBeLessThanOrEqual(1e-6);
        expect(Math.abs(r!.upper - row.HighBand)).toBeLessThanOrEqual(1e-6);
        expect(Math.abs(r!.lower - row.LowBand)).toBeLessThanOrEqual(1e-6);
        expect(Math.abs(r!.bandwidth * 100 - row.WidthBand)).toBeLessThanOrEqual(1e-5);
        compared++;
      });
      expect(compared).toBe(rows.length - 19);
    });

    // cs-macd.csv seeds EMA12 and EMA26 with the first close (row 1 = close) and its signal from
    // the first MACD value, whereas TA-Lib (and Macd) seed each EMA with an SMA and align the fast
    // EMA to the slow one. The seed gap decays by (1 - 2/27)^t, so only the last rows are
    // comparable: about 1e-4 there, hence a 1e-3 tolerance on the last 10 rows.
    it("matches cs-macd.csv MACD(12,26,9) within 1e-3 on the last 10 rows, after the seeding gap has decayed", () => {
      const rows = stockcharts("cs-macd.csv");
      const macd = new Macd(12, 26, 9);
      const ours = rows.map((row) => macd.add(row.Close));
      const last = rows.length - 10;
      for (let i = last; i < rows.length; i++) {
        expect(Math.abs(ours[i]!.macd - rows[i].MACD_line)).toBeLessThanOrEqual(1e-3);
        expect(Math.abs(ours[i]!.signal - rows[i].MACD_signal)).toBeLessThanOrEqual(1e-3);
        expect(Math.abs(ours[i]!.histogram - rows[i].MACD_diff)).toBeLessThanOrEqual(1e-3);
      }
      const gapAt = (i: number) => Math.abs(ours[i]!.macd - rows[i].MACD_line);
      expect(gapAt(rows.length - 1)).toBeLessThan(gapAt(60) / 10);
    });

    it("matches cs-macd.csv EMA12 and EMA26 within 1e-3 on the last 10 rows (same seeding caveat)", () => {
      const rows = stockcharts("cs-macd.csv");
      const fast = new Ema(12);
      const slow = new Ema(26);
      const ours = rows.map((row) => [fast.add(row.Close), slow.add(row.Close)]);
      for (let i = rows.length - 10; i < rows.length; i++) {
        expect(Math.abs(ours[i][0]! - rows[i].short_ema)).toBeLessThanOrEqual(1e-3);
        expect(Math.abs(ours[i][1]! - rows[i].long_ema)).toBeLessThanOrEqual(1e-3);
      }
    });
  });
});
