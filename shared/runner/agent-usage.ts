/**
 * What one SymbolAgent costs on Cloudflare's meters, counted by the agent's shell as it happens (in
 * memory, since the object started): the Durable Object requests it serves without an operator (its alarms, the cron
 * watchdog's `ensureRunning`) and the ones it causes (RPCs to the Coordinator and the Notifier), and
 * the D1 rows its outbox flush wrote (D1's own `rows_written`, index entries included) for how many
 * closed trades. `npm run bench` reads them from `/api/symbols/:symbol` after a run through the
 * stack (`doRequestsPerSymbolMinute`, `d1RowsPerTrade`). Operator calls (start, stop, status reads)
 * are not counted: they scale with the dashboard, not with the symbols.
 * @module
 */
import type { LedgerWriter } from "./outbox";

/** The counts (see the module). */
export interface AgentUsageCounts {
  /** When counting began (the object's start), ms. */
  readonly since: number;
  readonly alarms: number;
  readonly watchdogCalls: number;
  readonly coordinatorCalls: number;
  readonly notifierCalls: number;
  readonly d1RowsWritten: number;
  readonly d1TradesWritten: number;
  readonly d1FillsWritten: number;
}

type Counter = Exclude<keyof AgentUsageCounts, "since">;

/** The agent's counters. */
export class AgentUsage {
  private counts: AgentUsageCounts;

  constructor(since: number) {
    this.counts = {
      since,
      alarms: 0,
      watchdogCalls: 0,
      coordinatorCalls: 0,
      notifierCalls: 0,
      d1RowsWritten: 0,
      d1TradesWritten: 0,
      d1FillsWritten: 0,
    };
  }

  /** Adds `n` to one counter. */
  add(counter: Counter, n = 1): void {
    this.counts = { ...this.counts, [counter]: this.counts[counter] + n };
  }

  /** The counts now. */
  get(): AgentUsageCounts {
    return this.counts;
  }

  /**
   * `stub` with every method call counted under `counter` (one call = one request to that object).
   * Only functions are wrapped; `then` is left alone so the stub is never mistaken for a promise.
   */
  counted<T extends object>(stub: T, counter: "coordinatorCalls" | "notifierCalls"): T {
    return new Proxy(stub, {
      get: (target, prop) => {
        const v = Reflect.get(target, prop) as unknown;
        if (typeof v !== "function" || typeof prop !== "string" || prop === "then") return v;
        return (...args: unknown[]) => {
          this.add(counter);
          // Reflect.apply, not `v.apply`: on an RPC stub every property (`apply` too) is a remote call.
          return Reflect.apply(v as (...a: unknown[]) => unknown, target, args);
        };
      },
    });
  }

  /** `write` with the rows D1 says it wrote, and the trades and fills it carried, counted. */
  countedWriter(
    write: (rows: Parameters<LedgerWriter>[0]) => Promise<{ readonly rowsWritten?: number }>,
  ): LedgerWriter {
    return async (rows) => {
      const r = await write(rows);
      this.add("d1RowsWritten", r.rowsWritten ?? 0);
      this.add("d1TradesWritten", rows.trades.length);
      this.add("d1FillsWritten", rows.fills.length);
      return r;
    };
  }
}
