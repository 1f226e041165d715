import { describe, expect, it } from "vitest";
import type { NotifyEvent } from "./notify-event";
import { NOTIFY_BUFFER_MAX, NotifySender } from "./notify-sender";

const ev = (i: number): NotifyEvent => ({
  key: `k${i}`,
  kind: "agent_error",
  severity: "warning",
  ts: i,
  text: `event ${i}`,
  data: {},
});

/** A sender over a Notifier that fails while `failing` is set, with its deferred deliveries run by hand. */
function harness() {
  const delivered: NotifyEvent[][] = [];
  const errors: string[] = [];
  const deferred: (() => void)[] = [];
  const state = { failing: false, calls: 0 };
  const sender = new NotifySender({
    notifier: () => ({
      notify: async (events) => {
        state.calls += 1;
        if (state.failing) throw new Error("notifier down");
        delivered.push([...events]);
      },
    }),
    onError: (what, e) => errors.push(`${what}: ${e instanceof Error ? e.message : String(e)}`),
    defer: (fn) => deferred.push(fn),
  });
  const runDeferred = async () => {
    for (const fn of deferred.splice(0)) fn();
    await sender.flush();
  };
  return { sender, delivered, errors, deferred, state, runDeferred };
}

describe("NotifySender", () => {
  it("returns at once and delivers the turn's events in one call after the turn", async () => {
    const h = harness();
    h.sender.send([ev(1)]);
    h.sender.send([ev(2), ev(3)]);
    expect(h.state.calls).toBe(0);
    expect(h.deferred).toHaveLength(1);
    await h.runDeferred();
    expect(h.delivered).toEqual([[ev(1), ev(2), ev(3)]]);
    expect(h.sender.stats()).toEqual({ sent: 3, failed: 0, dropped: 0, pending: 0 });
  });

  it("ignores an empty send (nothing scheduled)", () => {
    const h = harness();
    h.sender.send([]);
    expect(h.deferred).toHaveLength(0);
  });

  it("keeps a failed batch for the next flush, and reports the failure", async () => {
    const h = harness();
    h.state.failing = true;
    h.sender.send([ev(1)]);
    await h.runDeferred();
    expect(h.errors).toEqual(["notify: notifier down"]);
    expect(h.sender.stats()).toEqual({ sent: 0, failed: 1, dropped: 0, pending: 1 });
    h.state.failing = false;
    h.sender.send([ev(2)]);
    await h.runDeferred();
    expect(h.delivered).toEqual([[ev(1), ev(2)]]);
  });

  it("drops the oldest events beyond the buffer bound, counting and reporting them", () => {
    const h = harness();
    h.sender.send(Array.from({ length: NOTIFY_BUFFER_MAX + 5 }, (_, i) => ev(i)));
    expect(h.sender.stats()).toMatchObject({ dropped: 5, pending: NOTIFY_BUFFER_MAX });
    expect(h.errors[0]).toContain("5 notification(s) dropped");
  });

  it("runs one delivery at a time: a flush during a delivery waits for it", async () => {
    const h = harness();
    h.sender.send([ev(1)]);
    const first = h.sender.flush();
    expect(h.sender.flush()).toBe(first);
    await first;
    expect(h.state.calls).toBe(1);
  });
});
