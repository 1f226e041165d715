/**
 * Turns PublicFeed health transitions into connection gaps for the recording headers. Format v1 allows
 * only `{"t","m"}` record lines, so gaps cannot be marked in-line without breaking readers; they go in
 * the header instead (`gaps: [{from, to, reason}]`).
 * @module
 */
import type { FeedHealth } from "../../shared/exchange/bitget/public-feed";
import type { Gap } from "./hour-file";

/**
 * Watches `connected` go false and true again.
 *
 * - A gap opens when an established connection is lost. `from` is the last frame received on it, so a
 *   connection that went silent before the stale/pong watchdog dropped it counts from the silence.
 * - It closes when the next connection opens (`to`); failed attempts in between extend it.
 * - A connection that opens and is lost again without delivering a single frame does not end the gap:
 *   the gap is reported again with the same `from` and a later `to`, superseding the first report.
 * - The first connection is not preceded by a gap (there was nothing to miss yet).
 */
export class GapTracker {
  private connected = false;
  private openedAt = 0;
  private gapFrom: number | null = null;
  private reason = "";
  private lastClosed: Gap | null = null;
  private finished = false;

  /** Feeds one health report, observed at `now`; returns the gap it closed, if any. */
  observe(health: FeedHealth, now: number): Gap | null {
    if (this.finished || health.state === "stopped") return null;
    if (health.connected && !this.connected) return this.opened(now);
    if (!health.connected && this.connected) this.lost(health, now);
    return null;
  }

  /** True while a gap is open (the connection was lost and has not come back). */
  get open(): boolean {
    return this.gapFrom !== null;
  }

  /** Ends tracking at `now` (the recorder stops); returns the gap still open, closed at `now`. */
  finish(now: number): Gap | null {
    this.finished = true;
    if (this.gapFrom === null) return null;
    const gap = { from: this.gapFrom, to: now, reason: `${this.reason} (not reconnected before the recorder stopped)` };
    this.gapFrom = null;
    return gap;
  }

  /** The connection is up: closes the open gap at `now`. */
  private opened(now: number): Gap | null {
    this.connected = true;
    this.openedAt = now;
    if (this.gapFrom === null) return null;
    const gap = { from: this.gapFrom, to: now, reason: this.reason };
    this.gapFrom = null;
    this.lastClosed = gap;
    return gap;
  }

  /**
   * The connection is down: opens a gap, or reopens the last one when the connection that ended it
   * brought no frame. A reopened gap is reported again with the same `from` and a later `to`, and
   * supersedes the earlier report.
   */
  private lost(health: FeedHealth, now: number): void {
    this.connected = false;
    const framed = health.lastFrameAt !== null && health.lastFrameAt >= this.openedAt;
    if (!framed && this.lastClosed !== null && this.lastClosed.to === this.openedAt) {
      this.gapFrom = this.lastClosed.from;
      this.reason = this.lastClosed.reason;
    } else {
      this.gapFrom = framed ? (health.lastFrameAt as number) : Math.min(this.openedAt, now);
      this.reason = health.lastDisconnect ?? "connection lost";
    }
    this.lastClosed = null;
  }
}
