/**
 * In-memory replays for the research tools: the recordings are read once (merged in receive order,
 * as `npm run backtest` reads them) and every trial replays a time window of them through the same
 * {@link Backtest} the CLI uses. A window is a fresh run: features warm up inside it and positions
 * still open at its end close as `end_of_data`, exactly like `runBacktest(..., { window })`.
 * @module
 */
import { Backtest } from "../../shared/backtest/backtest";
import { computeMetrics, type Summary } from "../../shared/backtest/metrics";
import type { BotConfig } from "../../shared/config/schema";
import type { MarketEvent } from "../../shared/market/events";
import type { TimeWindow } from "../../shared/research/folds";
import { windowMetrics, type WindowMetrics } from "../../shared/research/objectives";
import type { SubScoreTransform } from "../../shared/strategy/engine";
import type { ClosedTrade } from "../../shared/strategy/types";
import { mergeRecordingBatches } from "../merge-recordings";
import type { ReadOptions } from "../recording-file";

/** What a replay needs besides the events. */
export interface ReplayOptions {
  readonly config: BotConfig;
  readonly version: string;
  readonly capital: number;
  readonly window: TimeWindow;
  readonly subScoreTransform?: SubScoreTransform;
}

/** A replayed window. */
export interface ReplayResult {
  readonly metrics: WindowMetrics;
  readonly summary: Summary;
  readonly trades: ClosedTrade[];
}

/** Every market event of `files`, merged in receive order (one array: the caller keeps it for many replays). */
export async function loadEvents(files: readonly string[], read: ReadOptions = {}): Promise<MarketEvent[]> {
  const out: MarketEvent[] = [];
  for await (const batch of mergeRecordingBatches(files, read)) {
    for (const rec of batch) for (const e of rec.events) out.push(e as MarketEvent);
  }
  return out;
}

/** [first ts, last ts + 1): the window holding every event, or null without events. */
export function eventSpan(events: readonly MarketEvent[]): TimeWindow | null {
  if (events.length === 0) return null;
  let from = Infinity;
  let to = -Infinity;
  for (const e of events) {
    if (e.ts < from) from = e.ts;
    if (e.ts > to) to = e.ts;
  }
  return { from, to: to + 1 };
}

/** The events with `from <= ts < to`, in their order (a trial replays the same few windows many times). */
export function eventsIn(events: readonly MarketEvent[], window: TimeWindow): MarketEvent[] {
  const out: MarketEvent[] = [];
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (e.ts >= window.from && e.ts < window.to) out.push(e);
  }
  return out;
}

/** Replays the events with `from <= ts < to` and returns the metrics (timing-free, so deterministic). */
export function replayWindow(events: readonly MarketEvent[], opts: ReplayOptions): ReplayResult {
  const bt = new Backtest({
    config: opts.config,
    configVersion: opts.version,
    capital: opts.capital,
    subScoreTransform: opts.subScoreTransform,
  });
  const { from, to } = opts.window;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (e.ts >= from && e.ts < to) bt.onEvent(e);
  }
  const run = bt.finish();
  const summary = computeMetrics({
    trades: run.trades,
    capital: opts.capital,
    equityCurve: run.equityCurve,
    unfilledEntries: run.unfilledEntries,
    tradeOnly: run.tradeOnly,
    events: run.events,
    elapsedMs: 0,
  });
  return { metrics: windowMetrics(opts.window, summary, run.trades), summary, trades: run.trades };
}
