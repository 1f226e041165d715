/**
 * `npx tsx cli/research/exit-study.ts <backtest.json>...` — was leaving right, and do the exit
 * distances fit the market? For each backtest JSON document (`npm run backtest -- --json`), reads
 * its recordings' trade prints and prints one JSON line: the run's exits by reason, the markouts
 * after each exit reason at 5 s / 30 s / 2 m (../../shared/research/exit-markouts.ts), and the mean
 * absolute move per horizon (5 s, 30 s, 2 m, 10 m) per symbol against the take-profit. The figures
 * in docs/exits.md come from it.
 * @module
 */
import { readFile } from "node:fs/promises";
import type { MarketEvent } from "../../shared/market/events";
import { exitMarkouts, meanAbsMove, type PriceSeries } from "../../shared/research/exit-markouts";
import { mergeRecordingBatches } from "../merge-recordings";

const MARKOUT_MS = [5_000, 30_000, 120_000];
const MOVE_MS = [5_000, 30_000, 120_000, 600_000];

interface Doc {
  readonly data: string[];
  readonly summary: { trades: number; netPnl: number; grossPnl: number; fees: number; winRate: number | null };
  readonly trades: {
    symbol: string;
    side: "long" | "short";
    exitTime: number;
    exitPrice: number;
    exitReason: string;
    netPnl: number;
  }[];
}

async function prices(files: readonly string[]): Promise<Map<string, PriceSeries>> {
  const out = new Map<string, { ts: number[]; price: number[] }>();
  for await (const batch of mergeRecordingBatches(files, {})) {
    for (const rec of batch) {
      for (const e of rec.events as MarketEvent[]) {
        if (e.kind !== "trade") continue;
        let s = out.get(e.symbol);
        if (s === undefined) out.set(e.symbol, (s = { ts: [], price: [] }));
        s.ts.push(e.ts);
        s.price.push(e.price);
      }
    }
  }
  return out;
}

async function main(paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    const doc = JSON.parse(await readFile(path, "utf8")) as Doc;
    const series = await prices(doc.data);
    const byReason: Record<string, { n: number; netPnl: number }> = {};
    for (const t of doc.trades) {
      const r = (byReason[t.exitReason] ??= { n: 0, netPnl: 0 });
      r.n++;
      r.netPnl += t.netPnl;
    }
    const moves = Object.fromEntries([...series].map(([symbol, s]) => [symbol, meanAbsMove(s, MOVE_MS)]));
    const markouts = exitMarkouts(doc.trades, series, MARKOUT_MS);
    process.stdout.write(
      `${JSON.stringify({ file: path, summary: doc.summary, byReason, markouts, meanAbsMoveBps: moves })}\n`,
    );
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`exit-study: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
