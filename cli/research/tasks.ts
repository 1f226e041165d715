/**
 * The work a research worker does, as plain messages (they cross `worker_threads` by structured
 * clone), and the function that does it. Kept apart from the thread plumbing so it runs the same
 * in a worker and in-process (tests).
 * @module
 */
import type { BotConfig } from "../../shared/config/schema";
import type { MarketEvent } from "../../shared/market/events";
import type { TimeWindow } from "../../shared/research/folds";
import type { WindowMetrics } from "../../shared/research/objectives";
import {
  ablationTransform,
  permutationTransform,
  recordingTransform,
  type SubScoreSeries,
} from "../../shared/research/sub-score-transforms";
import type { SubScoreTransform } from "../../shared/strategy/engine";
import type { Family } from "../../shared/strategy/types";
import { eventSpan, eventsIn, replayWindow } from "./replay";

/** How a replay rewrites sub-scores: not at all, a family removed, or a family's values shuffled in time. */
export type TransformSpec =
  | { readonly kind: "none" }
  | { readonly kind: "ablate"; readonly family: Family }
  | { readonly kind: "permute"; readonly family: Family; readonly seed: number };

/** A message to a worker. */
export type ResearchTask =
  | { readonly kind: "span" }
  | {
      readonly kind: "evaluate";
      readonly config: BotConfig;
      readonly version: string;
      readonly window: TimeWindow;
      readonly transform: TransformSpec;
    };

/** The answer to a task: the data's span (null when empty), or a window's metrics. */
export type TaskResult =
  | { readonly kind: "span"; readonly span: TimeWindow | null }
  | { readonly kind: "evaluate"; readonly metrics: WindowMetrics };

/**
 * A worker's state: its events, the capital, the recorded sub-scores of baseline runs (for
 * permutations) and, optionally, the events of the windows replayed lately (a search replays the
 * same few fold windows hundreds of times; scanning only a window's own events keeps two workers
 * from competing for memory bandwidth over the whole recording).
 */
export interface TaskContext {
  readonly events: readonly MarketEvent[];
  readonly capital: number;
  readonly recorded: Map<string, SubScoreSeries>;
  readonly windows?: Map<string, readonly MarketEvent[]>;
}

/** Windows whose events a worker keeps at most (a walk-forward search uses 2 per fold). */
const KEPT_WINDOWS = 16;

/** Runs one task. A permutation first records the baseline's sub-scores for that config and window (once per worker). */
export function runTask(ctx: TaskContext, task: ResearchTask): TaskResult {
  if (task.kind === "span") return { kind: "span", span: eventSpan(ctx.events) };
  const transform = transformFor(ctx, task);
  const r = replayWindow(windowEvents(ctx, task.window), {
    config: task.config,
    version: task.version,
    capital: ctx.capital,
    window: task.window,
    subScoreTransform: transform,
  });
  return { kind: "evaluate", metrics: r.metrics };
}

function transformFor(
  ctx: TaskContext,
  task: Extract<ResearchTask, { kind: "evaluate" }>,
): SubScoreTransform | undefined {
  const t = task.transform;
  if (t.kind === "none") return undefined;
  if (t.kind === "ablate") return ablationTransform(t.family);
  return permutationTransform(t.family, baselineSeries(ctx, task)[t.family], t.seed);
}

function baselineSeries(ctx: TaskContext, task: Extract<ResearchTask, { kind: "evaluate" }>): SubScoreSeries {
  const key = `${task.version}|${task.window.from}|${task.window.to}`;
  const hit = ctx.recorded.get(key);
  if (hit) return hit;
  const rec = recordingTransform();
  replayWindow(windowEvents(ctx, task.window), {
    config: task.config,
    version: task.version,
    capital: ctx.capital,
    window: task.window,
    subScoreTransform: rec.transform,
  });
  ctx.recorded.set(key, rec.series);
  return rec.series;
}

/** The window's events, kept in the context when it has a window cache (oldest dropped beyond {@link KEPT_WINDOWS}). */
function windowEvents(ctx: TaskContext, window: TimeWindow): readonly MarketEvent[] {
  const cache = ctx.windows;
  if (cache === undefined) return ctx.events;
  const key = `${window.from}|${window.to}`;
  let hit = cache.get(key);
  if (hit) return hit;
  hit = eventsIn(ctx.events, window);
  if (cache.size >= KEPT_WINDOWS) cache.delete(cache.keys().next().value as string);
  cache.set(key, hit);
  return hit;
}
