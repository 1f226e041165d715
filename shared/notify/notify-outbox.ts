/**
 * The durable outbox of notifications, as a pure state machine on the caller's clock: the Notifier
 * Durable Object stores its state and runs its batches; tests drive it directly.
 *
 * - At least once: a batch leaves the outbox only when its channel answered 2xx, a permanent refusal
 *   (a 4xx other than 408/429: retrying cannot help), or after `maxAgeMs`. A retried batch is sent
 *   again identically (same batch id, same event keys), so a receiver that dedups by key sees each
 *   event once.
 * - Dedup: an event whose key the channel already queued or delivered recently is dropped.
 * - Coalescing: a channel waits `coalesceMs` after its oldest pending event before sending, so a
 *   burst becomes one message; one batch in flight per channel, each channel's rate limit respected.
 * - Bounded: at most `maxPending` events wait per channel; older ones are dropped and counted.
 * @module
 */
import type { NotifyEvent } from "./notify-event";
import { type ChannelName, eventsThatFit } from "./render";
import { type BucketState, fullBucket, type RateLimit, takeToken, tokenAt } from "./token-bucket";

/** How a channel answered a batch. */
export type DeliveryOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly permanent: boolean; readonly retryAfterMs?: number; readonly detail: string };

/** A batch to send now: one message (chat) or one POST (webhook). */
export interface OutboxBatch {
  readonly id: string;
  readonly channel: ChannelName;
  readonly events: readonly NotifyEvent[];
  /** 0 on the first try. */
  readonly attempt: number;
}

/** One line of the recent-deliveries log (dashboard). */
export interface DeliveryRecord {
  readonly id: string;
  readonly channel: ChannelName;
  readonly events: number;
  readonly kinds: readonly string[];
  readonly status: "sent" | "retrying" | "failed" | "expired";
  readonly attempt: number;
  readonly at: number;
  readonly detail?: string;
}

/** Tuning of {@link NotifyOutbox}. */
export interface OutboxOptions {
  readonly limits: Readonly<Record<ChannelName, RateLimit>>;
  readonly coalesceMs: number;
  readonly maxEventsPerBatch: number;
  readonly maxPending: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  /** A batch still undelivered this long after its first try is given up. */
  readonly maxAgeMs: number;
  /** How many delivered keys per channel are remembered for dedup. */
  readonly dedupWindow: number;
}

/** Defaults: the channels' published limits, a 2 s coalescing window, retries up to 5 min apart for a day. */
export const DEFAULT_OUTBOX_OPTIONS: OutboxOptions = {
  limits: {
    // Telegram: about one message per second per chat, at most 20 per minute in a group.
    telegram: { capacity: 3, refillMs: 3_000 },
    // Discord: 5 requests per 2 s per webhook, 30 messages per minute per channel.
    discord: { capacity: 5, refillMs: 2_000 },
    webhook: { capacity: 10, refillMs: 1_000 },
  },
  coalesceMs: 2_000,
  maxEventsPerBatch: 50,
  maxPending: 1_000,
  retryBaseMs: 1_000,
  retryMaxMs: 300_000,
  maxAgeMs: 86_400_000,
  dedupWindow: 2_000,
};

interface Queued {
  readonly event: NotifyEvent;
  readonly at: number;
}

interface Pending {
  readonly batch: OutboxBatch;
  readonly firstTriedAt: number;
  /** Sent and not answered yet. */
  readonly inFlight: boolean;
  readonly retryAt: number;
}

interface ChannelState {
  readonly queue: Queued[];
  batch: Pending | null;
  bucket: BucketState;
  /** Keys queued or delivered, oldest first (bounded). */
  readonly keys: string[];
}

/** Serialisable state (the Notifier stores it whole after every change; it is small and bounded). */
export interface OutboxState {
  readonly version: 1;
  readonly seq: number;
  readonly channels: Partial<Record<ChannelName, ChannelState>>;
  readonly recent: readonly DeliveryRecord[];
  readonly counters: {
    readonly sent: number;
    readonly failed: number;
    readonly expired: number;
    readonly dropped: number;
  };
}

const RECENT = 50;

/** See the module doc. */
export class NotifyOutbox {
  private seq = 0;
  private readonly channels = new Map<ChannelName, ChannelState>();
  private recentLog: DeliveryRecord[] = [];
  private counts = { sent: 0, failed: 0, expired: 0, dropped: 0 };

  constructor(private readonly options: OutboxOptions = DEFAULT_OUTBOX_OPTIONS) {}

  /** Rebuilds an outbox from {@link NotifyOutbox.getState}. Batches that were in flight are retried. */
  static restore(state: OutboxState, options: OutboxOptions = DEFAULT_OUTBOX_OPTIONS): NotifyOutbox {
    const o = new NotifyOutbox(options);
    o.seq = state.seq;
    for (const [name, c] of Object.entries(state.channels) as [ChannelName, ChannelState][]) {
      const batch = c.batch ? { ...c.batch, inFlight: false } : null;
      o.channels.set(name, { queue: [...c.queue], batch, bucket: c.bucket, keys: [...c.keys] });
    }
    o.recentLog = [...state.recent];
    o.counts = { ...state.counters };
    return o;
  }

  getState(): OutboxState {
    const channels: Partial<Record<ChannelName, ChannelState>> = {};
    for (const [name, c] of this.channels) channels[name] = { ...c, queue: [...c.queue], keys: [...c.keys] };
    return { version: 1, seq: this.seq, channels, recent: [...this.recentLog], counters: { ...this.counts } };
  }

  /** Queues `event` for each of `channels`; returns how many were queued and how many were duplicates. */
  enqueue(event: NotifyEvent, channels: readonly ChannelName[], now: number): { queued: number; duplicates: number } {
    let queued = 0;
    let duplicates = 0;
    for (const name of channels) {
      const c = this.channel(name, now);
      if (c.keys.includes(event.key)) {
        duplicates++;
        continue;
      }
      c.keys.push(event.key);
      if (c.keys.length > this.options.dedupWindow) c.keys.splice(0, c.keys.length - this.options.dedupWindow);
      c.queue.push({ event, at: now });
      if (c.queue.length > this.options.maxPending) {
        const over = c.queue.length - this.options.maxPending;
        c.queue.splice(0, over);
        this.counts.dropped += over;
      }
      queued++;
    }
    return { queued, duplicates };
  }

  /** The batches to send now; each is marked in flight until {@link NotifyOutbox.settle}. */
  due(now: number): OutboxBatch[] {
    const out: OutboxBatch[] = [];
    for (const [name, c] of this.channels) {
      this.expire(c, now);
      const batch = this.nextBatch(name, c, now);
      if (batch) out.push(batch);
    }
    return out;
  }

  /** Records a channel's answer to a batch handed out by {@link NotifyOutbox.due}. */
  settle(batchId: string, outcome: DeliveryOutcome, now: number): void {
    for (const c of this.channels.values()) {
      const p = c.batch;
      if (!p || p.batch.id !== batchId) continue;
      if (outcome.ok) {
        c.batch = null;
        this.counts.sent++;
        this.log(p.batch, "sent", now);
        return;
      }
      if (outcome.permanent) {
        c.batch = null;
        this.counts.failed++;
        this.log(p.batch, "failed", now, outcome.detail);
        return;
      }
      const attempt = p.batch.attempt + 1;
      const backoff = Math.min(this.options.retryMaxMs, this.options.retryBaseMs * 2 ** p.batch.attempt);
      const wait = Math.max(backoff, outcome.retryAfterMs ?? 0);
      c.batch = { batch: { ...p.batch, attempt }, firstTriedAt: p.firstTriedAt, inFlight: false, retryAt: now + wait };
      this.log(p.batch, "retrying", now, outcome.detail);
      return;
    }
  }

  /** When the caller should look again (an alarm), or null when nothing waits or only answers are awaited. */
  nextWakeAt(now: number): number | null {
    let next: number | null = null;
    for (const [name, c] of this.channels) {
      let at: number | null = null;
      if (c.batch) at = c.batch.inFlight ? null : Math.max(c.batch.retryAt, now);
      else if (c.queue.length > 0)
        at = Math.max(c.queue[0].at + this.options.coalesceMs, tokenAt(this.options.limits[name], c.bucket, now));
      if (at !== null && (next === null || at < next)) next = at;
    }
    return next;
  }

  /** The newest deliveries first. */
  recent(): readonly DeliveryRecord[] {
    return [...this.recentLog].reverse();
  }

  /** Totals since the outbox began, and what waits now. */
  stats(): { sent: number; failed: number; expired: number; dropped: number; pending: number } {
    let pending = 0;
    for (const c of this.channels.values()) pending += c.queue.length + (c.batch ? c.batch.batch.events.length : 0);
    return { ...this.counts, pending };
  }

  private channel(name: ChannelName, now: number): ChannelState {
    let c = this.channels.get(name);
    if (!c) {
      c = { queue: [], batch: null, bucket: fullBucket(this.options.limits[name], now), keys: [] };
      this.channels.set(name, c);
    }
    return c;
  }

  private nextBatch(name: ChannelName, c: ChannelState, now: number): OutboxBatch | null {
    const limit = this.options.limits[name];
    if (c.batch) {
      if (c.batch.inFlight || c.batch.retryAt > now) return null;
      const bucket = takeToken(limit, c.bucket, now);
      if (!bucket) return null;
      c.bucket = bucket;
      c.batch = { ...c.batch, inFlight: true };
      return c.batch.batch;
    }
    if (c.queue.length === 0) return null;
    const full = c.queue.length >= this.options.maxEventsPerBatch;
    if (!full && now < c.queue[0].at + this.options.coalesceMs) return null;
    const bucket = takeToken(limit, c.bucket, now);
    if (!bucket) return null;
    c.bucket = bucket;
    const n = eventsThatFit(
      name,
      c.queue.map((q) => q.event),
      this.options.maxEventsPerBatch,
    );
    const events = c.queue.splice(0, n).map((q) => q.event);
    const batch: OutboxBatch = { id: `${name}-${++this.seq}`, channel: name, events, attempt: 0 };
    c.batch = { batch, firstTriedAt: now, inFlight: true, retryAt: now };
    return batch;
  }

  private expire(c: ChannelState, now: number): void {
    const p = c.batch;
    if (!p || p.inFlight || now - p.firstTriedAt < this.options.maxAgeMs) return;
    c.batch = null;
    this.counts.expired++;
    this.log(p.batch, "expired", now, `undelivered after ${this.options.maxAgeMs} ms`);
  }

  private log(b: OutboxBatch, status: DeliveryRecord["status"], at: number, detail?: string): void {
    const kinds = [...new Set(b.events.map((e) => e.kind))];
    this.recentLog.push({
      id: b.id,
      channel: b.channel,
      events: b.events.length,
      kinds,
      status,
      attempt: b.attempt,
      at,
      ...(detail ? { detail } : {}),
    });
    if (this.recentLog.length > RECENT) this.recentLog.splice(0, this.recentLog.length - RECENT);
  }
}
