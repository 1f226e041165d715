/**
 * A Durable Object's way to the Notifier (the SymbolAgent's and the Coordinator's), off the trading path: {@link NotifySender.send} only buffers the
 * events and schedules a delivery after the current turn; the delivery is one `notify` RPC to the
 * Notifier (which stores and answers at once; its alarm talks to the channels). A failed RPC keeps
 * the events for the next try (the alarm calls {@link NotifySender.flush}), is logged and counted
 * through `onError`; the buffer is bounded, and what falls off it is counted too. At most once per
 * buffer entry here, at least once from the Notifier's outbox on.
 * @module
 */
import type { NotifyEvent } from "./notify-event";

/** Events buffered at most; older ones are dropped (and counted) beyond it. */
export const NOTIFY_BUFFER_MAX = 200;

/** The Notifier's RPC as the agent uses it. */
export interface NotifierPort {
  notify(events: readonly NotifyEvent[]): Promise<unknown>;
}

/** Options of {@link NotifySender}. */
export interface NotifySenderOptions {
  /** A fresh Notifier stub (a stub that threw must not be reused). */
  readonly notifier: () => NotifierPort;
  /** A delivery failed or events were dropped: the agent logs and counts it. */
  readonly onError: (what: string, error: unknown) => void;
  /** Runs `fn` after the current turn (the shell's `setTimeout(fn, 0)`). */
  readonly defer: (fn: () => void) => void;
}

/** Counts an operator can read (the agent's status). */
export interface NotifySenderStats {
  readonly sent: number;
  readonly failed: number;
  readonly dropped: number;
  readonly pending: number;
}

/** Buffers events and delivers them to the Notifier after the turn. */
export class NotifySender {
  private readonly o: NotifySenderOptions;
  private buffer: NotifyEvent[] = [];
  private inFlight: Promise<void> | null = null;
  private scheduled = false;
  private counts = { sent: 0, failed: 0, dropped: 0 };

  constructor(o: NotifySenderOptions) {
    this.o = o;
  }

  /** Buffers `events`; returns at once (the trading turn never waits for a notification). */
  readonly send = (events: readonly NotifyEvent[]): void => {
    if (events.length === 0) return;
    this.buffer.push(...events);
    const over = this.buffer.length - NOTIFY_BUFFER_MAX;
    if (over > 0) {
      this.buffer.splice(0, over);
      this.counts.dropped += over;
      this.o.onError("notify", new Error(`${over} notification(s) dropped: the Notifier did not take them in time`));
    }
    if (this.scheduled) return;
    this.scheduled = true;
    this.o.defer(() => {
      this.scheduled = false;
      void this.flush();
    });
  };

  /** Delivers what is buffered (one delivery at a time); never throws. */
  flush(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (this.buffer.length === 0) return Promise.resolve();
    const batch = this.buffer;
    this.buffer = [];
    this.inFlight = this.o
      .notifier()
      .notify(batch)
      .then(
        () => {
          this.counts.sent += batch.length;
        },
        (e: unknown) => {
          this.counts.failed += 1;
          const merged = [...batch, ...this.buffer];
          const over = merged.length - NOTIFY_BUFFER_MAX;
          if (over > 0) this.counts.dropped += merged.splice(0, over).length;
          this.buffer = merged;
          this.o.onError("notify", e);
        },
      )
      .finally(() => {
        this.inFlight = null;
      });
    return this.inFlight;
  }

  /** Sent, failed deliveries, dropped and pending events. */
  stats(): NotifySenderStats {
    return { ...this.counts, pending: this.buffer.length };
  }
}
