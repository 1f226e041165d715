import { describe, expect, it } from "vitest";
import { testMessage, type NotifyEvent } from "./notify-event";
import { DEFAULT_OUTBOX_OPTIONS, NotifyOutbox } from "./notify-outbox";

const ev = (i: number, ts = 0): NotifyEvent => ({
  key: `k${i}`,
  kind: "agent_error",
  severity: "warning",
  ts,
  text: `event ${i}`,
  data: {},
});

describe("NotifyOutbox", () => {
  it("waits for the coalescing window, then sends a burst as one batch", () => {
    const o = new NotifyOutbox();
    for (let i = 0; i < 5; i++) o.enqueue(ev(i), ["telegram"], 100 * i);
    expect(o.due(1_000)).toEqual([]);
    expect(o.nextWakeAt(1_000)).toBe(DEFAULT_OUTBOX_OPTIONS.coalesceMs);
    const [batch] = o.due(2_000);
    expect(batch.events.map((e) => e.key)).toEqual(["k0", "k1", "k2", "k3", "k4"]);
  });

  it("drops an event whose key the channel already has", () => {
    const o = new NotifyOutbox();
    expect(o.enqueue(ev(1), ["webhook", "discord"], 0)).toEqual({ queued: 2, duplicates: 0 });
    expect(o.enqueue(ev(1), ["webhook", "discord"], 10)).toEqual({ queued: 0, duplicates: 2 });
  });

  it("keeps one batch in flight per channel and resends it identically after a retryable failure", () => {
    const o = new NotifyOutbox();
    o.enqueue(ev(1), ["webhook"], 0);
    const [first] = o.due(5_000);
    o.enqueue(ev(2), ["webhook"], 5_000);
    expect(o.due(9_000)).toEqual([]);
    o.settle(first.id, { ok: false, permanent: false, detail: "HTTP 500" }, 9_000);
    expect(o.due(9_500)).toEqual([]);
    const [again] = o.due(10_000);
    expect(again.id).toBe(first.id);
    expect(again.events).toEqual(first.events);
    expect(again.attempt).toBe(1);
    o.settle(again.id, { ok: true }, 10_001);
    const [next] = o.due(10_002);
    expect(next.events.map((e) => e.key)).toEqual(["k2"]);
  });

  it("honours a channel's retry-after when it is longer than the backoff", () => {
    const o = new NotifyOutbox();
    o.enqueue(ev(1), ["discord"], 0);
    const [b] = o.due(2_000);
    o.settle(b.id, { ok: false, permanent: false, retryAfterMs: 30_000, detail: "HTTP 429" }, 2_000);
    expect(o.nextWakeAt(2_001)).toBe(32_000);
    expect(o.due(31_999)).toEqual([]);
    expect(o.due(32_000)).toHaveLength(1);
  });

  it("gives up a permanently refused batch and logs why", () => {
    const o = new NotifyOutbox();
    o.enqueue(ev(1), ["telegram"], 0);
    const [b] = o.due(2_000);
    o.settle(b.id, { ok: false, permanent: true, detail: "HTTP 401" }, 2_100);
    expect(o.stats()).toMatchObject({ failed: 1, pending: 0 });
    expect(o.recent()[0]).toMatchObject({ id: b.id, status: "failed", detail: "HTTP 401" });
  });

  it("expires a batch still undelivered after maxAgeMs", () => {
    const o = new NotifyOutbox({ ...DEFAULT_OUTBOX_OPTIONS, maxAgeMs: 60_000 });
    o.enqueue(ev(1), ["webhook"], 0);
    const [b] = o.due(2_000);
    o.settle(b.id, { ok: false, permanent: false, detail: "HTTP 503" }, 2_000);
    expect(o.due(62_000)).toEqual([]);
    expect(o.stats()).toMatchObject({ expired: 1, pending: 0 });
  });

  it("respects the channel's rate limit across batches", () => {
    const o = new NotifyOutbox({ ...DEFAULT_OUTBOX_OPTIONS, coalesceMs: 0, maxEventsPerBatch: 1 });
    for (let i = 0; i < 10; i++) o.enqueue(ev(i), ["telegram"], 0);
    let sent = 0;
    for (let t = 0; t <= 9_000; t += 100) {
      for (const b of o.due(t)) {
        o.settle(b.id, { ok: true }, t);
        sent++;
      }
    }
    // Burst of 3, then one per 3 s: at t = 0, 0, 0 (three tokens) and 3 s, 6 s, 9 s.
    expect(sent).toBe(6);
  });

  it("bounds what waits and counts what it dropped", () => {
    const o = new NotifyOutbox({ ...DEFAULT_OUTBOX_OPTIONS, maxPending: 3 });
    for (let i = 0; i < 5; i++) o.enqueue(ev(i), ["webhook"], 0);
    expect(o.stats()).toMatchObject({ dropped: 2, pending: 3 });
    expect(o.due(10_000)[0].events.map((e) => e.key)).toEqual(["k2", "k3", "k4"]);
  });

  it("restores from its state with in-flight batches ready to resend", () => {
    const o = new NotifyOutbox();
    o.enqueue(testMessage(0, "a"), ["webhook"], 0);
    const [b] = o.due(2_000);
    const back = NotifyOutbox.restore(JSON.parse(JSON.stringify(o.getState())));
    const [again] = back.due(2_001);
    expect(again).toEqual(b);
    expect(back.enqueue(testMessage(0, "a"), ["webhook"], 2_002).duplicates).toBe(1);
  });
});
