/**
 * What one symbol's agent tells its operator: positions opened and closed, its feed down (after the
 * configured threshold) and back up, a reconciliation mismatch, live broker errors and agent errors.
 * The agent's shell calls these as things happen; each builds the {@link NotifyEvent} and hands it to
 * `send`, which must return at once (the shell delivers off the trading path). State changes
 * (feed, reconciliation) are reported once per occurrence; errors at most {@link ERROR_BURST} per
 * kind in each {@link ERROR_WINDOW_MS}, so a failure repeating every alarm is not a message every 5 s
 * (every error is still logged and counted by the shell).
 * @module
 */
import type { ReconcileResult } from "../runner/reconcile";
import type { OpenedPosition } from "../strategy/session";
import type { ClosedTrade } from "../strategy/types";
import { feedChanged, type NotifyEvent, positionClosed, positionOpened, problem } from "./notify-event";

/** Errors of one kind sent per window at most; the rest are only logged and counted by the shell. */
export const ERROR_BURST = 3;
/** The window of {@link ERROR_BURST}, ms. */
export const ERROR_WINDOW_MS = 10 * 60_000;

/** Options of {@link AgentNotices}. */
export interface AgentNoticesOptions {
  readonly symbol: string;
  /** Takes the events and returns at once (never awaited by the caller). */
  readonly send: (events: readonly NotifyEvent[]) => void;
}

/** The feed's health as the agent sees it. */
export interface FeedHealthReading {
  readonly healthy: boolean;
  readonly reason: string | null;
}

/** One agent's notices. */
export class AgentNotices {
  private readonly o: AgentNoticesOptions;
  private feedDownSince: number | null = null;
  private feedReported = false;
  private mismatchSince: number | null = null;
  private readonly errorWindows = new Map<string, { window: number; sent: number }>();

  constructor(o: AgentNoticesOptions) {
    this.o = o;
  }

  /** A position opened (`mode` is the runner's). */
  opened(mode: string, p: OpenedPosition): void {
    const pos = p.position;
    this.o.send([
      positionOpened({
        symbol: pos.symbol,
        side: pos.side,
        size: pos.size,
        price: pos.entryPrice,
        score: pos.entryScore,
        ts: p.ts,
        mode,
        clientOid: p.clientOid,
      }),
    ]);
  }

  /** A position closed. */
  closed(mode: string, t: ClosedTrade): void {
    this.o.send([positionClosed(t, mode)]);
  }

  /**
   * The feed's health now (null: no feed yet, nothing said). Down is reported once it has been
   * unhealthy for `downAfterMs`; up only after a reported down.
   */
  feed(h: FeedHealthReading | null, now: number, downAfterMs: number): void {
    if (h === null) return;
    if (h.healthy) {
      const since = this.feedDownSince;
      const reported = this.feedReported;
      this.feedDownSince = null;
      this.feedReported = false;
      if (since === null || !reported) return;
      const downS = Math.round((now - since) / 1000);
      this.o.send([feedChanged({ symbol: this.o.symbol, up: true, since, ts: now, reason: `down for ${downS} s` })]);
      return;
    }
    this.feedDownSince ??= now;
    if (this.feedReported || now - this.feedDownSince < downAfterMs) return;
    this.feedReported = true;
    const reason = h.reason ?? "unhealthy";
    this.o.send([feedChanged({ symbol: this.o.symbol, up: false, since: this.feedDownSince, ts: now, reason })]);
  }

  /** A reconciliation's verdict: a mismatch is reported when it begins; a clean check ends it. */
  reconcile(r: ReconcileResult, now: number): void {
    if (r.ok) {
      if (r.checked) this.mismatchSince = null;
      return;
    }
    if (this.mismatchSince !== null) return;
    this.mismatchSince = now;
    this.o.send([
      problem({
        kind: "reconcile_mismatch",
        symbol: this.o.symbol,
        message: `${r.detail}; new entries are blocked until it matches`,
        ts: now,
        occurrence: String(now),
      }),
    ]);
  }

  /** An error of the live broker or of the agent; false when it was over this window's burst and not sent. */
  error(kind: "broker_error" | "agent_error", message: string, now: number): boolean {
    const window = Math.floor(now / ERROR_WINDOW_MS);
    const w = this.errorWindows.get(kind);
    const sent = w && w.window === window ? w.sent : 0;
    if (sent >= ERROR_BURST) return false;
    this.errorWindows.set(kind, { window, sent: sent + 1 });
    const more = sent + 1 === ERROR_BURST ? " (further errors of this kind are only logged for the next minutes)" : "";
    this.o.send([
      problem({
        kind,
        symbol: this.o.symbol,
        message: `${message}${more}`,
        ts: now,
        occurrence: `${window}:${sent}`,
      }),
    ]);
    return true;
  }
}
