/**
 * The query and window rules `GET /api/stats` and `GET /api/equity` share ({@link StatsWindowQuery},
 * {@link statsWindow}): `to` defaults to now, `from` to the 30 days before `to`; `mode` (paper, demo
 * or live) to the current config's mode, and only that mode's trades count; a bad `from`, `to` or
 * `mode`, `from` after `to`, a span over {@link MAX_WINDOW_DAYS} days, or more than
 * {@link MAX_STATS_TRADES} trades are refused with the errors the API documents.
 * @module
 */
import { z } from "@hono/zod-openapi";
import { coordinatorOf } from "../../durable-objects/agent-rpc";
import { TRADE_MODES, type TradeMode } from "../../shared/db/schema";
import { ApiError } from "../errors";
import { ledgerDb } from "../../durable-objects/ledger";
import { startEquityOf } from "../../shared/config/settings";
import { CAPITAL_BASIS, MAX_STATS_TRADES, MAX_WINDOW_DAYS, STATS_BASIS, loadWindow } from "../stats";
import { DAY_MS, timeParam } from "../time-params";

/** Default window length, days. */
export const DEFAULT_STATS_DAYS = 30;

/** `mode` query parameter: whose ledger (default: the current config's mode). */
const ModeParam = z.enum(TRADE_MODES);

/** Query fields both routes take: the window and whose ledger (a route adds its own with `.extend`). */
export const StatsWindowQuery = z.strictObject({
  from: timeParam().optional().openapi({ description: "window start, inclusive (default: 30 days before to)" }),
  to: timeParam(true).optional().openapi({ description: "window end, inclusive (default: now)" }),
  mode: ModeParam.optional().openapi({
    description:
      "whose ledger: only this mode's trades count, capital included (default: the current config's mode; the answer's `mode` says which)",
  }),
});

/** What both answers open with (`WindowAnswer` in schemas/stats-schema.ts), in that order. */
export interface StatsWindowHeader {
  readonly from: number;
  readonly to: number;
  readonly mode: TradeMode;
  readonly basis: string;
  readonly capitalBasis: string;
  readonly capital: number;
}

/** A resolved window: its bounds, its mode, where its curve ends, the ledger rows and capital in it, and its answer's header. */
export interface StatsWindow {
  readonly from: number;
  readonly to: number;
  readonly mode: TradeMode;
  /** The curve's last point: `to`, or the time it was resolved at while `to` is ahead (never before `from`). */
  readonly end: number;
  readonly window: NonNullable<Awaited<ReturnType<typeof loadWindow>>>;
  readonly header: StatsWindowHeader;
}

/** Resolves the query's window, checks it and loads it (throws the API's 400 / 422 errors). */
export async function statsWindow(env: Cloudflare.Env, q: z.output<typeof StatsWindowQuery>): Promise<StatsWindow> {
  const now = Date.now();
  const to = q.to ?? now;
  const from = q.from ?? to - DEFAULT_STATS_DAYS * DAY_MS + 1;
  if (from > to)
    throw new ApiError(400, "bad_request", "Invalid query parameter: from is after to", [
      { path: "from", message: "must not be after to" },
    ]);
  if (to - from > MAX_WINDOW_DAYS * DAY_MS)
    throw new ApiError(400, "bad_request", `Invalid query parameter: from/to span more than ${MAX_WINDOW_DAYS} days`, [
      { path: "from", message: `the window may span at most ${MAX_WINDOW_DAYS} days` },
    ]);
  const mode = q.mode ?? (await currentMode(env));
  const window = await loadWindow(ledgerDb(env.DB), startEquityOf(env.START_EQUITY), from, to, mode);
  if (window === null)
    throw new ApiError(
      422,
      "window_too_large",
      `The window holds more than ${MAX_STATS_TRADES} trades; narrow from/to`,
    );
  const header = { from, to, mode, basis: STATS_BASIS, capitalBasis: CAPITAL_BASIS, capital: window.capital };
  return { from, to, mode, end: Math.min(to, Math.max(now, from)), window, header };
}

/** The current config's mode; paper while the stored config does not load (its mode may be anything). */
async function currentMode(env: Cloudflare.Env): Promise<TradeMode> {
  const mode = (await coordinatorOf(env).configState()).config?.mode;
  return ModeParam.safeParse(mode).data ?? "paper";
}
