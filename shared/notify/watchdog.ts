/**
 * The cron watchdog's judgement of one agent, from what the agent reports (or fails to report):
 * independent of the agent's own alarm, so an agent that stopped handling its feed is still seen.
 * @module
 */

/** What the watchdog read of one agent. */
export interface AgentObservation {
  readonly symbol: string;
  /** The status call answered in time. */
  readonly reachable: boolean;
  readonly error?: string;
  readonly running: boolean;
  /** Age of the last market-data frame (not keepalives), ms; null when none arrived yet. */
  readonly lastFrameAgeMs: number | null;
  /** Age of the agent's last alarm run, ms; null when it never ran. */
  readonly lastAlarmAgeMs: number | null;
  readonly hasPosition: boolean;
  /** An exchange-side stop protects the position; null when the agent does not say (paper). */
  readonly stopArmed: boolean | null;
}

/** Thresholds of the verdict (config `watchdog`). */
export interface WatchdogThresholds {
  /** No data frame for this long is silence. */
  readonly silenceMs: number;
  /** No alarm run for this long means the agent's own watchdog stopped. */
  readonly alarmSilenceMs: number;
}

/** The verdict on one agent. `ok` false means the operator is told. */
export interface WatchdogVerdict {
  readonly symbol: string;
  readonly ok: boolean;
  readonly status: "ok" | "unreachable" | "stopped" | "silent" | "unprotected";
  readonly detail: string;
  readonly hasPosition: boolean;
}

/** Judges one agent: the first problem found, in order of severity. */
export function judgeAgent(o: AgentObservation, t: WatchdogThresholds): WatchdogVerdict {
  const base = { symbol: o.symbol, hasPosition: o.hasPosition };
  if (!o.reachable) return { ...base, ok: false, status: "unreachable", detail: o.error ?? "no answer" };
  if (!o.running) return { ...base, ok: false, status: "stopped", detail: o.error ?? "the agent is not running" };
  if (o.lastFrameAgeMs === null || o.lastFrameAgeMs > t.silenceMs) {
    const age =
      o.lastFrameAgeMs === null ? "no data frame yet" : `no data for ${Math.round(o.lastFrameAgeMs / 1000)} s`;
    return { ...base, ok: false, status: "silent", detail: age };
  }
  if (o.lastAlarmAgeMs === null || o.lastAlarmAgeMs > t.alarmSilenceMs) {
    const age = o.lastAlarmAgeMs === null ? "never ran" : `last ran ${Math.round(o.lastAlarmAgeMs / 1000)} s ago`;
    return { ...base, ok: false, status: "silent", detail: `alarm ${age}` };
  }
  if (o.hasPosition && o.stopArmed === false)
    return { ...base, ok: false, status: "unprotected", detail: "open position without an exchange-side stop" };
  return { ...base, ok: true, status: "ok", detail: "ok" };
}
